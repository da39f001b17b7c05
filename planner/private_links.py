"""Whether a web address someone gives (a slides link, a video link) is one of this planner's own
private pages: a presenter's or a volunteer's page, an unsubscribe link, an office's signed
feed. Whoever holds such a link acts for its owner, so it is never published with a meeting
(helper-86: a presenter's own page pasted as their slides link was on the public agenda)."""

from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app, has_app_context, has_request_context, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from planner.text import ascii_host

PRIVATE_PAGE = (
    "leads to a private page of this planner (a presenter's or a volunteer's own page, an "
    "unsubscribe link or an office's own feed): whoever has it could act for its owner, so it "
    "is never published"
)
# Loopback names one machine answers to alike: a link to localhost is one to 127.0.0.1.
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


def private_page(url: str) -> bool:
    """Whether `url` leads to a private page of this planner: its host is the planner's
    (BASE_URL's, or the one this request came to), and its path is a page whose address holds
    a secret (a `<token>` in the path, a `token` in the query)."""
    if not has_app_context():  # no planner running: no page of it to protect
        return False
    parts = urlsplit(url)
    if not _ours(parts.hostname or "", parts.port, parts.scheme):
        return False
    if "token" in parse_qs(parts.query):
        return True
    prefix = urlsplit(current_app.config.get("BASE_URL") or "").path.rstrip("/")
    path = unquote(parts.path) or "/"
    if prefix and path.startswith(prefix + "/"):
        path = path[len(prefix) :]
    adapter = current_app.url_map.bind("planner.invalid")
    for _ in range(3):  # a redirect (a missing slash) leads to the page it names
        try:
            rule, _arguments = adapter.match(path, method="GET", return_rule=True)
        except RequestRedirect as redirect:
            path = urlsplit(redirect.new_url).path
            continue
        except HTTPException:  # no page of the planner, or not one to GET
            return False
        return "token" in rule.arguments
    return False


def _ours(host: str, port: int | None, scheme: str) -> bool:
    """Whether a host and port are where this planner is reached."""
    host = _normal(host)
    port = port or (443 if scheme == "https" else 80)
    for address in _planner_addresses():
        parts = urlsplit(address)
        their_port = parts.port or (443 if parts.scheme == "https" else 80)
        theirs = _normal(parts.hostname or "")
        if port == their_port and (host == theirs or {host, theirs} <= _LOOPBACK):
            return True
    return False


def _planner_addresses() -> list[str]:
    addresses = [current_app.config.get("BASE_URL") or ""]
    if has_request_context():
        addresses.append(request.host_url)
    return [a for a in addresses if a]


def _normal(host: str) -> str:
    host = host.lower().rstrip(".")
    try:
        return ascii_host(host)
    except ValueError:
        return host
