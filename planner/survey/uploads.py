"""What the survey import page and the API share: how large a file may be, a body that did not
arrive whole, the name it is stored under, and the aliases as a person writes them."""

import io
import re

from flask import current_app, g, request
from flask_wtf.csrf import validate_csrf
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge
from werkzeug.sansio.multipart import Data, Epilogue, Field, MultipartDecoder
from werkzeug.wsgi import get_input_stream
from wtforms.validators import ValidationError

from planner.accounts.security import api_colead, is_colead
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
    a signed-in co-lead, or a script that sends a co-lead's working token: a body sent without
    either is refused at the app's 1 MB unread. The body is read whole before the view
    (`_read_whole`), so the token is checked here: any "Bearer ..." header had up to 8 MB read
    into memory before the view answered 401."""
    if endpoint not in UPLOADS:
        return
    allowed = api_colead() if endpoint.startswith("survey_api.") else is_colead()
    if allowed:
        request.max_content_length = limit() + FORM_MARGIN
        _read_whole()


class UploadCut(PlannerError):
    """A body that stopped short of its end: a connection cut, a proxy or a script that gave
    up. Werkzeug read such a body as no form at all, so the page said the session had expired
    ("The CSRF token is missing"), or, where fewer bytes came than announced, answered with its
    own English "Bad Request"."""

    def __init__(self, received: int, expected: int | None) -> None:
        if expected and expected > received:
            sizes = megabytes(received, "en"), megabytes(expected, "en")
            if sizes[0] == sizes[1]:  # "1 kB of 1 kB"
                sizes = f"{received:,} bytes", f"{expected:,}"
            stopped = f"the upload stopped after {sizes[0]} of {sizes[1]}"
        else:  # the body's framing ended with it, as a proxy or a script may end it
            stopped = f"the upload ended before the file did, after {megabytes(received, 'en')}"
        super().__init__(
            f"The file did not arrive whole: {stopped} (the connection was cut, or something on "
            "the way gave up); nothing was changed."
        )


def _read_whole() -> None:
    """Read a co-lead's multipart body before anything parses it, to tell one that stopped
    short (UploadCut) or is over the limit (RequestEntityTooLarge) from a form: either way the
    fields that came whole before the file are kept in `g.sent_fields`, for the import form to
    come back filled in (the page sends them before the file). A whole body is put back for the
    form parser."""
    if request.mimetype != "multipart/form-data":
        return
    boundary = request.mimetype_params.get("boundary", "").encode("latin-1", "replace")
    if not boundary:
        return  # no form at all, as the form parser finds
    expected = request.content_length
    if expected is not None and expected > (request.max_content_length or 0):
        # Refused unread but for the fields before the file (no form's are larger).
        start = request.environ["wsgi.input"].read(FORM_MARGIN)
        g.sent_fields = fields_sent(start, boundary)[0]
        raise RequestEntityTooLarge()
    stream = get_input_stream(request.environ, max_content_length=request.max_content_length)
    chunks, cut = [], False
    try:
        while chunk := stream.read(64 * 1024):
            chunks.append(chunk)
    except ClientDisconnected:
        cut = True
    except RequestEntityTooLarge:  # sent without a length, in chunks
        g.sent_fields = fields_sent(b"".join(chunks), boundary)[0]
        raise
    data = b"".join(chunks)
    # Where the server ends the input itself (gunicorn does), a short body just ends.
    cut = cut or (expected is not None and len(data) < expected)
    if not cut and not data.rstrip(b"\r\n").endswith(b"--" + boundary + b"--"):
        cut = not fields_sent(data, boundary)[1]  # an epilogue after the end is allowed
    if cut:
        g.sent_fields = fields_sent(data, boundary)[0]
        raise UploadCut(len(data), expected)
    request.environ["wsgi.input"] = io.BytesIO(data)
    request.environ["CONTENT_LENGTH"] = str(len(data))


def fields_sent(data: bytes, boundary: bytes) -> tuple[MultiDict, bool]:
    """The text fields that `data`, a multipart body or the start of one, holds whole, and
    whether it is whole (its closing boundary read). A file's part is no field."""
    fields: MultiDict = MultiDict()
    decoder = MultipartDecoder(boundary)
    decoder.receive_data(data)
    decoder.receive_data(None)
    field, value = None, []
    try:
        while not isinstance(event := decoder.next_event(), Epilogue):
            if isinstance(event, Field):
                field, value = event, []
            elif isinstance(event, Data) and field is not None:
                value.append(event.data)
                if not event.more_data:
                    fields.add(field.name, b"".join(value).decode("utf-8", "replace"))
                    field = None
            elif not isinstance(event, Data):
                field = None  # a file, whose data is not kept
    except ValueError:
        return fields, False
    return fields, True


def fields_kept() -> MultiDict | None:
    """The fields a refused body (cut short, too large) brought whole, if it brought them from
    this site's own form (its CSRF token), for the form to come back filled in; else None."""
    fields = g.get("sent_fields")
    if not fields:
        return None
    try:
        validate_csrf(fields.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))
    except ValidationError:
        return None
    return fields


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
