"""Error responses: JSON under /api/, pages in the app's style elsewhere; never a traceback."""

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound
from werkzeug.http import HTTP_STATUS_CODES


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


def register(app: Flask) -> None:
    from planner.survey.operations import SurveyNotFound

    app.register_error_handler(HTTPException, _respond)
    # A survey named in the address that is not there: a 404 wherever it is looked up.
    app.register_error_handler(SurveyNotFound, lambda error: _respond(NotFound(str(error))))

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return _respond(
            InternalServerError("Something went wrong on our side; it has been logged.")
        )
