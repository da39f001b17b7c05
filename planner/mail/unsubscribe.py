"""One-click unsubscribing from the optional kinds of message (RFC 8058): the address in a
message carries a token signed with SECRET_KEY naming the recipient and the kind, so the link
itself is the credential and needs no account, cookie or CSRF token."""

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from planner.addresses import spellings
from planner.config import signing_keys
from planner.extensions import db
from planner.mail.models import OPTIONAL_KINDS, Unsubscription

SALT = "planner.mail.unsubscribe"
ENDPOINT = "mail.unsubscribe"


def _serializer() -> URLSafeSerializer:
    # Signs with SECRET_KEY; accepts the keys it replaced too (links in messages sent before).
    return URLSafeSerializer(signing_keys(current_app.config), salt=SALT)


def unsubscribe_token(email: str, kind: str) -> str:
    return _serializer().dumps([email.strip().lower(), str(kind)])


def read_token(token: str) -> tuple[str, str] | None:
    """(email, kind) from a token this app signed, or None for anything else."""
    try:
        value = _serializer().loads(token)
    except BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        return None
    email, kind = value
    return (email, kind) if kind in OPTIONAL_KINDS else None


def unsubscribe_url(email: str, kind: str) -> str:
    """The absolute address (on BASE_URL) at which `email` stops getting messages of `kind`:
    for the footer of an optional kind's message and its List-Unsubscribe header. Works in a
    request and outside one (a CLI command that enqueues reminders)."""
    token = unsubscribe_token(email, kind)
    if has_request_context():
        return url_for(ENDPOINT, token=token, _external=True)
    # BASE_URL already holds any path the app is mounted under, as in Planner.url_for.
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adapter.build(ENDPOINT, {"token": token})


def unsubscribe(email: str, kind: str) -> None:
    """Store that `email` wants no more messages of `kind` (flushed; idempotent)."""
    email = email.strip().lower()
    exists = db.session.scalar(
        select(Unsubscription.id).where(
            Unsubscription.email.in_(spellings(email)), Unsubscription.kind == kind
        )
    )
    if exists is None:
        try:
            # A mail client's one-click POST and the person's press of the button may arrive
            # at once, on two instances: the one stored second finds the other's row there,
            # which is what it asked for: not a conflict.
            with db.session.begin_nested():
                db.session.add(Unsubscription(email=email, kind=kind))
        except IntegrityError:
            pass


def resubscribe(email: str, kind: str) -> None:
    """`email` gets messages of `kind` again (flushed; idempotent): the undo of `unsubscribe`."""
    db.session.execute(
        delete(Unsubscription).where(
            Unsubscription.email.in_(spellings(email.strip().lower())),
            Unsubscription.kind == kind,
        )
    )
    db.session.flush()
