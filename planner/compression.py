"""Answers sent gzip-compressed, where that gives nothing away: only what anyone may read.

Compression leaks the length of what it packs, and a page that holds a secret beside text an
attacker chooses leaks the secret a guess at a time (BREACH). So an answer is compressed only when
it holds no secret at all: no one is signed in (a co-lead's page shows contacts, notes and
private links), no API token was sent, the address holds no private link, no CSRF token was
written into it and no flashed message shown (a form's page, a proposal's confirmation), and it
is neither a feed nor a static file, whose strong ETags name the bytes as they are (README,
"Compression" under Security, says why).
"""

import gzip

from flask import Flask, Response, request
from flask.globals import request_ctx
from flask_login import current_user

from planner.accounts.security import carries_a_secret, writes_a_form_token

# What compresses well: pages, the API's JSON, charts, tables to download.
COMPRESSED_TYPES = frozenset(
    ("text/html", "application/json", "image/svg+xml", "text/csv", "text/plain")
)
# Below this, the bytes saved are fewer than the work of packing and unpacking them.
SMALLEST = 1024
LEVEL = 6


def install(app: Flask) -> None:
    # Registered first, run last: every other after_request has had its say on the answer.
    app.after_request(compress)


def compress(response: Response) -> Response:
    if not _compressible(response):
        return response
    # Whether or not this client takes gzip, a cache must not give the other form to another.
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"] <= 0 or not _public(response):
        return response
    response.set_data(gzip.compress(response.get_data(), compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response


def _compressible(response: Response) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype in COMPRESSED_TYPES
        and not response.direct_passthrough
        and not response.is_streamed
        and "Content-Encoding" not in response.headers
        # Feeds and static files answer If-None-Match from their strong ETag: left as they
        # are. A weak one (public JSON, `public_json`) names the content, packed or not.
        and _weak_or_no_etag(response)
        and response.calculate_content_length() >= SMALLEST
    )


def _weak_or_no_etag(response: Response) -> bool:
    etag, weak = response.get_etag()
    return etag is None or weak


def _public(response: Response) -> bool:
    """Whether the answer holds nothing but what anyone may read (this module's docstring)."""
    if "Authorization" in request.headers or current_user.is_authenticated:
        return False
    if carries_a_secret():
        return False
    if writes_a_form_token(response):
        return False
    # A message flashed to this browser and shown on the page (read from its session).
    return not getattr(request_ctx, "flashes", None)
