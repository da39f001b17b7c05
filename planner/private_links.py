"""Whether a web address someone gives (a slides link, a video link) is one of this planner's own
private pages: a presenter's or a volunteer's page, an unsubscribe link, an office's signed
feed. Whoever holds such a link acts for its owner, so it is never published with a meeting
(helper-86: a presenter's own page pasted as their slides link was on the public agenda)."""

import ipaddress
import posixpath
import re
from collections.abc import Sequence
from urllib.parse import parse_qs, unquote, urlsplit

import ada_url
from flask import current_app, has_app_context, has_request_context, request
from sqlalchemy import select
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RequestRedirect

from planner.accounts.models import digest
from planner.config import signing_keys
from planner.extensions import db
from planner.mail.unsubscribe import read_token
from planner.presenters.models import Invitation
from planner.proposals.models import Proposal
from planner.translation import gettext

PRIVATE_PAGE = (
    "leads to a private page of this planner (a presenter's or a volunteer's own page, an "
    "unsubscribe link or an office's own feed): whoever has it could act for its owner, so it "
    "is never published"
)


def holds_a_secret(what: str) -> str:
    """Why a text the planner publishes (a title, an abstract, a description) is refused, in
    the page's language: "The abstract holds the secret of a private link of this planner (…).
    Take the link out."."""
    return gettext(
        "%(what)s holds the secret of a private link of this planner (a presenter's or a "
        "volunteer's own page, an unsubscribe link or an office's own feed): it would be "
        "published, and whoever read it could act for its owner. Take the link out.",
        what=what,
    )


def private_page(url: str) -> bool:
    """Whether `url` leads to a private page of this planner, or names the secret of one: it
    holds a live secret anywhere (`names_a_secret`), or its host is the planner's (BASE_URL's,
    or the one this request came to; any scheme or port, as a proxy may redirect one to the
    other) and its path, read as a browser reads it (escapes decoded, "." and ".." resolved),
    is or begins with a page whose address holds a secret (a `<token>` in the path), or its
    query has a `token`. A page one cannot GET (a form's target) or a path that goes on past
    the page still shows the secret."""
    if not has_app_context():  # no planner running: no page of it to protect
        return False
    if names_a_secret(url):
        return True
    parsed = _parsed(url)
    host = _host_of(parsed) if parsed is not None else ""
    if not host or not _ours(host):
        return False
    if "token" in parse_qs(parsed.search.removeprefix("?")):
        return True
    # The path as the browser sends it (a backslash is a slash: "/presenter\\<token>"
    # opens the page), then as the server reads it (escapes decoded).
    path = posixpath.normpath("/" + unquote(parsed.pathname).lstrip("/"))
    prefix = urlsplit(current_app.config.get("BASE_URL") or "").path.rstrip("/")
    if prefix:
        if path != prefix and not path.startswith(prefix + "/"):
            return False  # another application on the same host
        path = path[len(prefix) :] or "/"
    segments = path.strip("/").split("/")
    return any(
        _holds_a_token("/" + "/".join(segments[:end])) for end in range(len(segments), 0, -1)
    )


# What a private link's secret can look like in text: URL-safe base64 (a presenter's or a
# volunteer's token), with dots between the parts of a signed one (an office feed's, an
# unsubscribe link's). Shorter runs are words, not secrets.
_SECRET_LIKE = re.compile(r"[A-Za-z0-9_.-]{20,}")
# A presenter's and a volunteer's token: 32 bytes in URL-safe base64, unpadded. Its letters
# run on into neighbours of the same alphabet ("deck-<token>", "<token>_v2"), so each stretch
# of this length in a run is looked up too.
_TOKEN_LENGTH = 43
# A signed token (an office feed's, an unsubscribe link's) within a run, wherever it starts
# and whatever follows it: a JSON list in URL-safe base64 ("Wy" is '["'), or one compressed
# (itsdangerous's ".eJ": a long address that repeats itself), a dot and the 27-character
# signature. What is signed is short (an office code, an address and a kind): bounded, each
# start is read at most so far, not to the run's end (a run of "WyWy..." was read once per
# start, its work growing with the square of its length).
_SIGNED_PAYLOAD = 1200
_SIGNED = re.compile(rf"(?=((?:Wy|\.eJ)[A-Za-z0-9_-]{{1,{_SIGNED_PAYLOAD}}}\.[A-Za-z0-9_-]{{27}}))")
# The whole of any token the planner signs (itsdangerous's URLSafeSerializer, as `_SIGNED` says):
# the signature is checked on exactly what was signed, so a candidate of another shape cannot
# pass, and is not verified (a text of many runs was tens of thousands of HMACs, helper-131).
_SIGNED_SHAPE = re.compile(r"(?:Wy|\.eJ)[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{27}")
# Digests looked up in one query: far below what PostgreSQL (65535) and SQLite take in one
# statement.
_DIGESTS_PER_QUERY = 5000


def names_a_secret(text: str) -> bool:
    """Whether `text` holds the secret of one of this planner's private links anywhere: in a
    path on another site ("https://slides.example/presenter/<token>"), a query value
    ("?next=/presenter/<token>"), a fragment. Whoever reads it can open the page on the
    planner's own address, whatever the rest of the link says. Each run of the characters a
    secret is made of (escapes decoded too) is checked as every kind of secret the planner
    gives: a presenter's or a volunteer's link (by its stored digest), an office feed's and an
    unsubscribe link's (by their signature). Its work grows with the text: check a text's
    length first."""
    return bool(secrets_named([text]))


def secrets_named(texts: Sequence[str]) -> set[int]:
    """Which of `texts` (their positions) hold a secret, as `names_a_secret` says of one: the
    digests of all of them are looked up together, a query per thousands, so a file of many
    lines (a survey) costs a few queries, not two a line."""
    # A text said many times (a file's blank or repeated lines) is read once.
    distinct = list(dict.fromkeys(texts))
    found = {distinct[position] for position in _secrets_named(distinct)}
    return {position for position, text in enumerate(texts) if text in found}


def _secrets_named(texts: Sequence[str]) -> set[int]:
    # Here, not above: the calendar's operations import the agenda's checks, which import this.
    from planner.calendar.operations import signed_as_feed_token

    # A text without an escape reads the same decoded; most texts (a survey's lines) hold no
    # run at all, and have nothing more to look up.
    runs_of = [
        set(_SECRET_LIKE.findall(t))
        | (set(_SECRET_LIKE.findall(unquote(t))) if "%" in t else set())
        for t in texts
    ]
    digests_of: list[set[str]] = []
    for runs in runs_of:
        if not runs:
            digests_of.append(set())
            continue
        candidates = runs | {part for run in runs for part in run.split(".") if len(part) >= 20}
        candidates |= {
            run[start : start + _TOKEN_LENGTH]
            for run in runs
            for start in range(len(run) - _TOKEN_LENGTH + 1)
        }
        digests_of.append({digest(c) for c in candidates})
    wanted = sorted(set().union(*digests_of))
    live: set[str] = set()
    for model in (Invitation, Proposal):
        for start in range(0, len(wanted), _DIGESTS_PER_QUERY):
            chunk = wanted[start : start + _DIGESTS_PER_QUERY]
            live.update(
                db.session.scalars(select(model.link_hash).where(model.link_hash.in_(chunk)))
            )
    keys = signing_keys(current_app.config)
    found = set()
    for position, (runs, digests) in enumerate(zip(runs_of, digests_of, strict=True)):
        if not runs:
            continue
        signed = {s for s in runs if _SIGNED_SHAPE.fullmatch(s)}
        signed |= {s for run in runs for s in _SIGNED.findall(run)}
        if digests & live or any(
            read_token(s) is not None or signed_as_feed_token(s, keys) for s in signed
        ):
            found.add(position)
    return found


def _holds_a_token(path: str) -> bool:
    """Whether `path` is a page of the planner whose address holds a secret."""
    adapter = current_app.url_map.bind("planner.invalid")
    for method in ("GET", "POST"):
        try:
            rule, _arguments = adapter.match(path, method=method, return_rule=True)
        except RequestRedirect as redirect:
            return _holds_a_token(urlsplit(redirect.new_url).path)
        except MethodNotAllowed:
            continue
        except HTTPException:  # no page of the planner
            return False
        return "token" in rule.arguments
    return False


def _ours(host: str) -> bool:
    """Whether a host (as `_host` gives it) is where this planner is reached."""
    for address in _planner_addresses():
        theirs = _host(address)
        if host == theirs or (_loopback(host) and _loopback(theirs)):
            return True
    return False


def _loopback(host: str) -> bool:
    """Whether a host (as `_host` gives it) is this machine: localhost, 127.0.0.0/8, ::1 (one
    machine answers to them alike: a link to localhost is one to 127.0.0.1)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _planner_addresses() -> list[str]:
    addresses = [current_app.config.get("BASE_URL") or ""]
    if has_request_context():
        addresses.append(request.host_url)
    return [a for a in addresses if a]


def _parsed(url: str) -> ada_url.URL | None:
    """`url` read by the WHATWG URL standard, as browsers read it; None when they cannot."""
    try:
        return ada_url.URL(url)
    except ValueError:
        return None


def _host(url: str) -> str:
    """The host a browser opens for `url`, in one spelling. Read by the WHATWG URL standard
    (ada): IDNA mapping first (full-width digits, "。", capitals), then an IPv4 address in any of
    its spellings ("127.1", "0x7f.0x.0x.1", "2130706433") in its dotted one; here also without
    a final dot, and an IPv6 address as `ipaddress` writes it (an IPv4-mapped one as its IPv4
    address). A link a browser cannot open leads to no page: no host."""
    parsed = _parsed(url)
    return _host_of(parsed) if parsed is not None else ""


def _host_of(parsed: ada_url.URL) -> str:
    host = parsed.hostname.rstrip(".")
    if not host.startswith("["):
        return host
    address = ipaddress.IPv6Address(host[1:-1])
    return str(address.ipv4_mapped or address)
