"""Error responses: JSON under /api/, pages in the app's style elsewhere; never a traceback. A
database that cannot be reached is a 503 to retry, not a 500."""

import sqlite3

import psycopg
from flask import Flask, Response, jsonify, render_template, request
from markupsafe import escape
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.http import HTTP_STATUS_CODES

from planner.errors import PlannerError


def api_error(status: int, message: str, **extra) -> Response:
    """Every API error has this body: the reason, the status, a message, and any details."""
    body = {"error": HTTP_STATUS_CODES.get(status, "Error"), "status": status, "message": message}
    response = jsonify({**body, **extra})
    response.status_code = status
    return response


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _respond(error: HTTPException):
    # Keep what the error says beyond its body, such as Allow on a 405.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    if is_api_request():
        response = api_error(error.code or 500, error.description)
        response.headers.extend(headers)
        return response
    return render_template("errors/error.html", error=error), error.code, headers


def _refused(error: PlannerError):
    """A PlannerError no view turned into a form message: its status and message, as JSON under
    /api/ (with the field it is about, or `fields` for several) and as a page elsewhere."""
    if is_api_request():
        extra = {"field": error.field} if error.field else {}
        if getattr(error, "errors", None):
            extra["fields"] = error.errors
        if getattr(error, "current", None) is not None:
            extra["current"] = error.current  # a stale save: the item as it is now
        return api_error(error.status, error.message, **extra)
    page = HTTPException(error.message)
    page.code = error.status
    return render_template("errors/error.html", error=page), error.status


# Seconds a client is asked to wait: a restarting database is usually back within this.
RETRY_AFTER = 10
UNAVAILABLE = "The database cannot be reached right now; please try again in a moment."
# SQLite's words for a file it cannot open or that another writer holds too long.
_SQLITE_UNAVAILABLE = ("unable to open database", "database is locked", "disk i/o error")


def database_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached or answered (down, restarting,
    locked) rather than that a query was wrong: then the request may succeed if retried."""
    if isinstance(error, PoolTimeout):
        return True
    if isinstance(error, DBAPIError):
        if error.connection_invalidated:
            return True
        error = error.orig
    if isinstance(error, psycopg.OperationalError):
        return True
    if isinstance(error, sqlite3.OperationalError):
        return any(words in str(error).lower() for words in _SQLITE_UNAVAILABLE)
    return False


def _unavailable() -> Response | tuple:
    headers = {"Retry-After": str(RETRY_AFTER)}
    if is_api_request():
        response = api_error(503, UNAVAILABLE)
        response.headers.update(headers)
        return response
    try:
        page = render_template("errors/error.html", error=ServiceUnavailable(UNAVAILABLE))
    except Exception:
        # The page's frame asks the database who is signed in, which fails the same way.
        page = f"<!doctype html><title>503 Service Unavailable</title><p>{escape(UNAVAILABLE)}</p>"
    return page, 503, headers


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _respond)
    # Registered once: a survey named in the address that is not there is a 404 wherever it is
    # looked up, rules that cannot be met are 422, a conflict is 409, ...
    app.register_error_handler(PlannerError, _refused)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if database_unavailable(error):
            app.logger.warning("Database unavailable on %s: %s", request.path, error)
            return _unavailable()
        app.logger.exception("Unhandled error on %s", request.path)
        return _respond(
            InternalServerError("Something went wrong on our side; it has been logged.")
        )
