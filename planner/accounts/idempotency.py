"""The `Idempotency-Key` header of a POST to the API (IETF draft-ietf-httpapi-idempotency-key-
header, as Stripe's and PayPal's APIs take it): a script whose answer was lost on the network
sends the same request again with the same key and is given the first answer, nothing done a
second time (no second draft copy, no second invitation email).

The key is stored with its answer in the request's one transaction, under a unique constraint:
a request that failed or was refused (a 4xx, a 5xx) leaves no key behind, and one that succeeded
leaves its changes and its key together or neither. Two requests with the same key at once: on
PostgreSQL the second takes no turn on the key and is answered 409 at once (the instances agree
through the database); on SQLite the one that stores the key second is answered 409 and what it
did is rolled back (the first write takes SQLite's one lock, which a turn held for the whole
request, a line-up's search of seconds, would keep from every other writer).
"""

import hashlib
import json
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Response, current_app, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from planner.accounts.models import IdempotencyKey, digest
from planner.accounts.security import bearer_user, client_address
from planner.db_types import utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.http_errors import api_error
from planner.turns import try_turn

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
KEY_MAX = 255
# How long an answer is given again: a script's retries are over within minutes, a person's
# rerun of a script the next morning is a new request.
KEPT = timedelta(hours=24)
# What a client reads of an answer besides its status and body; the others (security headers,
# Vary, compression) are added to each answer as to any.
_HEADERS = ("Content-Type", "Location", "ETag", "Cache-Control")
_PURPOSE = b"idempotent answer:"
_NONCE_BYTES = 12  # AES-GCM's


def sent_key() -> str | None:
    """The request's Idempotency-Key, or None without one. The draft's form, a quoted string
    ("8e03978e-..."), and a bare one, as Stripe's clients send it, are the same key. PlannerError
    (400) for one that cannot be a key: empty, over KEY_MAX characters, with a character that is
    not printable ASCII (a control character, a line end), or sent twice."""
    value = request.headers.get(HEADER)
    if value is None:
        return None
    key = value.strip()
    quoted = len(key) >= 2 and key[0] == key[-1] == '"'
    if quoted:
        key = key[1:-1]
    if not key.strip():
        raise PlannerError(
            f"The {HEADER} header is empty: send a new unique value (a UUID) with each request "
            "to be answered once, and the same value when you send that request again."
        )
    if len(key) > KEY_MAX:
        raise PlannerError(
            f"The {HEADER} header is {len(key)} characters long; a key has at most {KEY_MAX} "
            "(a UUID has 36)."
        )
    if any(not " " <= character <= "~" for character in key):
        raise PlannerError(
            f"The {HEADER} header holds a character that is not printable ASCII (a control "
            "character or a letter beyond ASCII): send a UUID, such as "
            "8e03978e-40d5-43e8-bc93-6894a57f9324."
        )
    if ('"' if quoted else ",") in key:
        # The header sent twice reaches the app as one, its values joined by a comma ('k, k' or
        # '"k", "k"'): read as a key of its own, it was a new request, done again.
        raise PlannerError(
            f"The {HEADER} header came more than once (or holds a comma, or a quote within "
            "quotes): send it once, with one key, such as 8e03978e-40d5-43e8-bc93-6894a57f9324."
        )
    return key


def idempotent(view: Callable) -> Callable:
    """A POST view of the API that honours an Idempotency-Key (under `colead_required`, so that
    a token is checked before any kept answer is given): without the header it runs as before.
    With it, a successful answer (2xx) is kept `KEPT` with the key, and the same request sent
    again with the key is given it, marked `Idempotent-Replayed: true`; the key sent with
    another request is a 422, and one sent while the first is being answered a 409."""

    @wraps(view)
    def honoured(*args, **kwargs):
        key = sent_key()
        if key is None:
            return view(*args, **kwargs)
        owner, key_digest = _owner(), digest(key)
        if not try_turn(db.session.connection(), f"idempotency {owner} {key_digest}"):
            return _being_answered()
        now = utcnow()
        kept = db.session.scalar(
            select(IdempotencyKey).where(
                IdempotencyKey.owner == owner, IdempotencyKey.key_digest == key_digest
            )
        )
        asked = _request_digest()
        if kept is not None and kept.expires_at > now:
            if kept.request_digest != asked:
                return api_error(
                    422,
                    f"This {HEADER} was sent with another request at "
                    f"{kept.created_at.isoformat(timespec='seconds')} (another address, content "
                    "type or body): a key names one request. Send this one with a new key.",
                )
            if (answer := _opened(key, kept.owner, kept.status, kept.answer)) is None:
                return _unreadable(kept)
            return _replayed(kept.status, answer)
        response = current_app.make_response(view(*args, **kwargs))
        if not 200 <= response.status_code < 300:
            # Refused or failed: nothing kept, so that the client may correct the request and
            # send it again with the key.
            return response
        db.session.flush()  # what the view did, its own conflicts its own (`web.transactional`)
        if kept is not None:  # past its day, not pruned yet: as if it were
            db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == kept.id))
        db.session.add(
            IdempotencyKey(
                owner=owner,
                key_digest=key_digest,
                request_digest=asked,
                created_at=now,
                expires_at=now + KEPT,
                status=response.status_code,
                answer=_sealed(key, owner, response.status_code, _kept_answer(response)),
            )
        )
        try:
            db.session.flush()
        except IntegrityError:
            # The same key, stored meanwhile by a request sent at the same moment (SQLite): it
            # was done there, so what this one did is undone.
            db.session.rollback()
            return _being_answered()
        return response

    honoured.honours_idempotency_key = True
    return honoured


def _owner() -> str:
    """Whose keys a request's key is among: the account of its token, or without one (a
    proposal sent by anyone) the client's address as throttling counts it."""
    user = bearer_user()
    return f"account:{user.id}" if user is not None else f"address:{client_address()}"


def _request_digest() -> str:
    """The request as its key names it: method, path and query, content type and body. A
    multipart body (a survey file) by its fields and files, not its bytes: a client sending it
    again draws a new boundary between them."""
    parts = [request.method, request.full_path, request.mimetype]
    if request.mimetype == "multipart/form-data":
        fields = sorted(request.form.items(multi=True))
        files = []
        for name, upload in request.files.items(multi=True):
            files.append((name, upload.filename, hashlib.sha256(upload.stream.read()).hexdigest()))
            upload.stream.seek(0)
        parts.append(json.dumps([fields, sorted(files, key=str)]))
        body = b""
    else:
        body = request.get_data(cache=True)
    hasher = hashlib.sha256(json.dumps(parts).encode())
    hasher.update(b"\0" + body)
    return hasher.hexdigest()


def _being_answered() -> Response:
    response = api_error(
        409,
        f"A request with this {HEADER} is still being answered (was it sent twice at once?). "
        "Send it again in a moment, with the same key, to be given its answer.",
    )
    response.headers["Retry-After"] = "1"
    return response


def _unreadable(kept: IdempotencyKey) -> Response:
    """The request was done, but its kept answer does not open: not done again (the key's
    promise), and the client is told how to go on; the log tells whoever runs the planner."""
    current_app.logger.warning(
        "The answer kept for an Idempotency-Key (row %s) does not open: changed or cut short "
        "in the database.",
        kept.id,
    )
    return api_error(
        422,
        f"This request was done at {kept.created_at.isoformat(timespec='seconds')} with this "
        f"{HEADER}, but the answer kept for it cannot be read. Look for what it made (GET), or "
        "send it with a new key to do it again.",
    )


def _kept_answer(response: Response) -> bytes:
    headers = {name: response.headers[name] for name in _HEADERS if name in response.headers}
    return json.dumps(headers).encode() + b"\n" + response.get_data()


def _replayed(status: int, answer: bytes) -> Response:
    headers, _, body = answer.partition(b"\n")
    response = current_app.response_class(body, status=status)
    response.headers.update(json.loads(headers))
    response.headers[REPLAYED] = "true"
    return response


# The kept answer may hold a private link (a volunteer's, a presenter's), which the planner
# otherwise keeps only as a digest: it is sealed (AES-GCM) with a key derived from the client's
# key (HKDF), which is kept only as its digest too, so that the database alone does not give the
# link. The owner and the status are bound in as associated data: one account's row opens for no
# other, and a status changed in the row no longer opens it.


def _cipher(key: str, owner: str, nonce: bytes) -> AESGCM:
    derived = HKDF(algorithm=SHA256(), length=32, salt=nonce, info=_PURPOSE + owner.encode())
    return AESGCM(derived.derive(key.encode()))


def _bound(owner: str, status: int) -> bytes:
    return f"{owner} {status}".encode()


def _sealed(key: str, owner: str, status: int, answer: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return nonce + _cipher(key, owner, nonce).encrypt(nonce, answer, _bound(owner, status))


def _opened(key: str, owner: str, status: int, sealed: bytes) -> bytes | None:
    """The answer `_sealed` kept, or None if the row no longer opens: changed in the database,
    or cut short (too short for its nonce, a ValueError)."""
    nonce, data = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    try:
        return _cipher(key, owner, nonce).decrypt(nonce, data, _bound(owner, status))
    except (InvalidTag, ValueError):
        return None
