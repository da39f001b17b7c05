"""Which route a request's address reaches, matched once a request: the session is opened
before Flask matches the address (`accounts.security.PagesOnlySessions` asks then), and the
error answers and a public read's CORS headers ask again after it."""

from flask import request
from flask.ctx import RequestContext
from flask.globals import request_ctx
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import RoutingException


class MatchedOnce(RequestContext):
    """A request context whose address is matched once, by whoever asks first: the session's
    opening (`read_endpoint`), or Flask after it."""

    _matched = False

    def match_request(self) -> None:
        if not self._matched:
            self._matched = True
            super().match_request()


_READ = "planner.read_endpoint"


def read_endpoint() -> str | None:
    """The endpoint a GET of this address reaches: the request's own, but for a preflight
    (OPTIONS, answered by whichever of the address's routes comes first, a write's as well as
    a read's: it asks for the GET the page sends next) and a method the address does not take
    (a 405, refused before an endpoint is chosen: a POST to a schedule.json). None where no
    route takes the address."""
    if request_ctx.url_adapter is None:
        return None
    request_ctx.match_request()
    if request.method != "OPTIONS":
        if request.url_rule is not None:
            return request.endpoint
        if not isinstance(request.routing_exception, MethodNotAllowed):
            return None
    if _READ not in request.environ:
        try:
            endpoint, _ = request_ctx.url_adapter.match(method="GET")
        except (HTTPException, RoutingException):
            endpoint = None
        request.environ[_READ] = endpoint
    return request.environ[_READ]
