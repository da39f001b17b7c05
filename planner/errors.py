"""Error responses: JSON under /api/, pages in the app's style elsewhere; never a traceback."""

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(error: HTTPException):
    if _wants_json():
        response = jsonify(
            {"error": error.name, "message": error.description, "status": error.code}
        )
        response.status_code = error.code or 500
        return response
    return render_template("errors/error.html", error=error), error.code


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _respond)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        return _respond(
            InternalServerError("Something went wrong on our side; it has been logged.")
        )
