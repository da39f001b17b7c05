"""A presenter's private link, made so that the app can write it again in a later message.

The token is an HMAC (SHA-256, keyed with SECRET_KEY) of a random salt kept with the invitation;
the invitation stores the salt and the token's SHA-256 digest, never the token. A reminder or an
update recomputes the token from the salt and sends it only when its digest is still the one
stored: a revoked link (no digest), a link from before salts (no salt) or a changed SECRET_KEY
(unless the old one is among SECRET_KEY_FALLBACKS) gives no link, and the message points to the
invitation instead. Someone holding the database alone cannot open a presenter page; someone
holding the database and SECRET_KEY could already sign in as anyone.
"""

import base64
import hashlib
import hmac
import secrets

from flask import current_app

from planner.accounts.models import digest
from planner.config import signing_keys

SALT_BYTES = 32
_PURPOSE = b"presenter-link:"


def _token(salt: str, key: str | bytes | None = None) -> str:
    key = current_app.config["SECRET_KEY"] if key is None else key
    key = key.encode() if isinstance(key, str) else key
    mac = hmac.new(key, _PURPOSE + salt.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def new_link() -> tuple[str, str, str]:
    """A new private link: (salt to keep, digest to keep, token to give once)."""
    salt = secrets.token_urlsafe(SALT_BYTES)
    token = _token(salt)
    return salt, digest(token), token


def token_again(salt: str | None, link_hash: str | None) -> str | None:
    """The token of a link that still opens its page, written again; None when it cannot be."""
    if not salt or not link_hash:
        return None
    # A link made before SECRET_KEY was rotated is written with the key it was made with, while
    # that key is one of SECRET_KEY_FALLBACKS.
    for key in reversed(signing_keys(current_app.config)):
        token = _token(salt, key)
        if hmac.compare_digest(digest(token), link_hash):
            return token
    return None
