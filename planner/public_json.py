"""Public read-only JSON (the read API's public answers, a meeting's schedule.json) as another
site reads it: fetch() from a page elsewhere (CORS, never with credentials) and a nightly job
that asks again with If-None-Match (a weak ETag, 304 when nothing changed)."""

import hashlib

from flask import Flask, Response, request

from planner.routing import read_endpoint

# The endpoints anyone may read (tests/test_authorization_matrix.py: `public_api` reads, and
# `published` JSON files); POST /api/v1/proposals, anyone's too, is a write and stays same-site.
PUBLIC_JSON = frozenset(
    {
        "survey_api.surveys",
        "survey_api.answers",
        "survey_api.summary",
        "matching_api.matches",
        "agenda_api.index",
        "agenda_api.read",
        "offices_api.index",
        "offices_api.read",
        "calendar.schedule_json",
    }
)
READS = ("GET", "HEAD", "OPTIONS")
# What a page elsewhere may send and read: revalidation, and what says when to come back.
# Not Authorization: a token never leaves a browser for this site from another one.
SENT_HEADERS = "If-None-Match, If-Modified-Since"
READ_HEADERS = "ETag, Retry-After"
PREFLIGHT_SECONDS = 86400


def install(app: Flask) -> None:
    app.after_request(shared)


def shared(response: Response) -> Response:
    """A public read answered to anyone who sent no token: readable from any origin (no cookie
    nor token is read for it, so none is allowed), and tagged for If-None-Match."""
    if read_endpoint() not in PUBLIC_JSON or request.method not in READS:
        return response
    # Whether a token was sent decides the headers below: a cache keeps the answers apart.
    response.vary.add("Authorization")
    if "Authorization" in request.headers:
        return response  # a co-lead's answer may hold their notes: same-site only
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = READ_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Allow-Headers"] = SENT_HEADERS
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_SECONDS)
        return response
    if response.status_code != 200 or response.mimetype != "application/json":
        return response
    if "ETag" not in response.headers:
        # Weak: the same JSON, gzip-compressed or not (`compression`), is the same answer.
        digest = hashlib.sha256(response.get_data()).hexdigest()[:32]
        response.set_etag(digest, weak=True)
        response.vary.add("Accept-Encoding")  # a 304 names what its 200 varied on
        response.cache_control.no_cache = True
        response.cache_control.public = True
        response.make_conditional(request)
    return response
