"""Error responses: JSON under /api/, pages in the app's style elsewhere; never a traceback."""

from flask import Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES


def api_error(status: int, message: str, **extra) -> Response:
    """Every API error has this body: the reason, the status, a message, and any details."""
    body = {"error": HTTP_STATUS_CODES.get(status, "Error"), "status": status, "message": message}
    response = jsonify({**body, **extra})
    response.status_code = status
    return response


def _respond(error: HTTPException):
    if request.path.startswith("/api/"):
        return api_error(error.code or 500, error.description)
    return render_template("errors/error.html", error=error), error.code


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _respond)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return _respond(
            InternalServerError("Something went wrong on our side; it has been logged.")
        )
