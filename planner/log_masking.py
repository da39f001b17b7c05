"""Logs without secrets: private proposal links, feed tokens and the values a database names in
its error details are masked before any handler writes a record. Used by the app for its own and
werkzeug's loggers, and by gunicorn.conf.py for gunicorn's access and error logs."""

import logging
import re

HIDDEN = "[hidden]"

_SECRETS = (
    # /proposals/<token>[/edit|/withdraw]: the token is the office's private link. Co-leads'
    # review addresses (/proposals/<id>) name no secret and stay readable. Here and below a
    # doubled slash (/proposals//<token>) opens the same page: the router redirects it.
    (re.compile(r"(/proposals/+)(?!\d+(?![^/?#\s\"'\\]))[^/?#\s\"'\\]+"), rf"\g<1>{HIDDEN}"),
    # /presenter/<token>[/answer|/talk|/slot.ics|...]: the presenter's private link.
    (re.compile(r"(/presenter/+)[^/?#\s\"'\\]+"), rf"\g<1>{HIDDEN}"),
    # ?token=... or &token=... (office feeds), also percent-encoded inside another address.
    (re.compile(r"((?:[?&;]|%3F|%26)token(?:=|%3D))[^&;#\s\"'\\]*", re.IGNORECASE), rf"\1{HIDDEN}"),
    # Tokens in a feed's path, e.g. /feeds/offices/AU/<token>.ics.
    (
        re.compile(
            r"(/feeds/(?:[^/?#\s\"'\\]+/)*?)[A-Za-z0-9_.\-]{24,}?"
            r"(?=\.ics(?:[?#\s\"'\\]|$)|[/?#\s\"'\\]|$)"
        ),
        rf"\1{HIDDEN}",
    ),
    # PostgreSQL's detail of a refused row quotes its values: Key (email)=(ana@example.org).
    (re.compile(r"(Key \([^)]*\)=\().*?(\) (?:already exists|is not present))"), rf"\1{HIDDEN}\2"),
    (re.compile(r"(Bearer\s+)[A-Za-z0-9_.~+/=\-]+"), rf"\1{HIDDEN}"),
    # A co-lead's API token wherever it stands (?access_token=cwsp_…, a pasted header): its
    # prefix joins it to the random part, so the rule below would not see it whole.
    (re.compile(r"cwsp_[A-Za-z0-9_\-]+"), HIDDEN),
    # /unsubscribe/<token>: signed, and it spells out the address it unsubscribes.
    (re.compile(r"(/unsubscribe/+)[^/?#\s\"'\\]+"), rf"\g<1>{HIDDEN}"),
    # Whatever else looks like a private link's token (32 random bytes, base64url: 43
    # characters), wherever it stands, e.g. in ?next=.
    (re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])"), HIDDEN),
)
# Percent-encoded letters, digits, "-._~" and "/" mean what they encode in a path: a request for
# /%70resenter/<token> opens /presenter/<token>, so it is read decoded before masking.
_ENCODED = re.compile(r"%(2[dDeEfF]|3[0-9]|[46][1-9a-fA-F]|[57][0-9aA]|5[fF]|7[eE])")


def mask(text: str) -> str:
    """`text` with every secret it names replaced by [hidden]."""
    if "%" in text:
        text = _ENCODED.sub(lambda m: chr(int(m[1], 16)), text)
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class MaskSecrets(logging.Filter):
    """Rewrites a record's message (and its traceback) with the secrets masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(logging.Formatter().formatException(record.exc_info))
        return True


def install(*names: str) -> None:
    """Mask the records of these loggers (once, however often the app is created)."""
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskSecrets) for f in logger.filters):
            logger.addFilter(MaskSecrets())
