"""Error responses: JSON under /api/, pages in the app's style elsewhere; never a traceback."""

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
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
        return api_error(error.status, error.message, **extra)
    page = HTTPException(error.message)
    page.code = error.status
    return render_template("errors/error.html", error=page), error.status


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _respond)
    # Registered once: a survey named in the address that is not there is a 404 wherever it is
    # looked up, rules that cannot be met are 422, a conflict is 409, ...
    app.register_error_handler(PlannerError, _refused)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return _respond(
            InternalServerError("Something went wrong on our side; it has been logged.")
        )
