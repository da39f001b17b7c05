"""The one kind of error the planner raises for something a person asked that cannot be done.

Pure: no Flask. `PlannerError(message, field=None, status=400)` says why in the person's words,
which field it is about (as forms and the JSON API name it) and the HTTP status it answers with;
`planner.http_errors` turns it into a page or a JSON error once for the whole app.
"""


class PlannerError(Exception):
    status = 400
    # Several fields' problems at once, by field name as sent (the JSON API's `fields`).
    errors: dict[str, list[str]] | None = None

    def __init__(self, message: str, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class NotFoundError(PlannerError):
    """Something named in the request is not there."""

    status = 404


class ConflictError(PlannerError):
    """The change collides with the current state: someone else changed it, or it is closed."""

    status = 409


class RulesError(PlannerError):
    """Rules that are valid one by one but cannot all be met."""

    status = 422
