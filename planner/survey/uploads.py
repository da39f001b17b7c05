"""What the survey import page and the API share: how large a file may be, the name it is
stored under, and the aliases as a person writes them."""

import re

from flask import current_app, request
from werkzeug.datastructures import FileStorage

from planner.accounts.security import is_colead
from planner.errors import PlannerError
from planner.materials.checks import clean_filename, megabytes

# The bundled CWS/13/26 is 40 KB for 21 offices; a survey of 2 000 offices in that layout is
# some 4 MB. The rest of the app reads no body above 1 MB.
DEFAULT_MAX_BYTES = 8 * 1024 * 1024
# Room for the form's other fields and the multipart framing around the file.
FORM_MARGIN = 64 * 1024
UPLOADS = {"survey.import_survey", "survey_api.import_survey"}


def limit() -> int:
    return int(current_app.config.get("SURVEY_MAX_BYTES") or DEFAULT_MAX_BYTES)


def allow_survey_files(endpoint: str | None) -> None:
    """Let the import endpoints read a survey file (before CSRF protection reads the form) for
    a signed-in co-lead, or a script that sends a token (checked by the view, which answers 401
    for a wrong one): a body sent without either is refused at the app's 1 MB unread."""
    if endpoint not in UPLOADS:
        return
    if endpoint.startswith("survey_api."):
        scheme = request.headers.get("Authorization", "").strip().partition(" ")[0]
        allowed = scheme.lower() == "bearer"
    else:
        allowed = is_colead()
    if allowed:
        request.max_content_length = limit() + FORM_MARGIN


class FileTooLarge(PlannerError):
    status = 413


def read_file(upload: FileStorage) -> bytes:
    """The file's bytes, at most `limit()` of them: the request's own limit leaves room for
    the form around the file, which the file may not take."""
    data = upload.read(limit() + 1)
    if len(data) > limit():
        raise FileTooLarge(too_large(), "file")
    return data


def too_large() -> str:
    if request.max_content_length is not None and request.max_content_length < limit():
        # The app's own limit: no co-lead's session or token came with the request.
        return (
            f"The request is larger than {megabytes(request.max_content_length)}. Importing a "
            "survey is for co-leads: sign in, or send a co-lead's API token."
        )
    return (
        f"The file is larger than {megabytes(limit())}, the limit for a survey file; "
        "nothing was changed. Split the survey, or import it on the command line "
        "(flask --app app survey import)."
    )


def upload_name(filename: str | None) -> str:
    """The name a survey is stored with (its `source_name`): the file's own, cleaned as slides'
    names are, keeping its suffix, which says how to read it."""
    return clean_filename(filename, None, fallback="survey")


def alias_values(text: str | None) -> list[str]:
    """The aliases a page's field holds: "GE=DE, XX=YY" or one per line."""
    return [value for value in re.split(r"[\s,;]+", text or "") if value]
