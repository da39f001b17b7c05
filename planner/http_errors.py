"""Error responses: JSON under /api/, pages in the app's style elsewhere; never a traceback. A
database that cannot be reached is a 503 to retry, not a 500; a form sent after its session
expired comes back ready to send again, a co-lead's on the sign-in page, which sends it."""

import sqlite3
from functools import cache
from urllib.parse import urlencode, urlsplit

import psycopg
from flask import Flask, Response, current_app, jsonify, render_template, request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    MethodNotAllowed,
    RequestEntityTooLarge,
    ServiceUnavailable,
)
from werkzeug.http import HTTP_STATUS_CODES
from wtforms import FieldList, FormField, HiddenField, PasswordField
from wtforms.fields.core import UnboundField
from wtforms.widgets import HiddenInput

from planner.errors import ConflictError, PlannerError
from planner.extensions import db
from planner.languages import ReadersPage, show_readers_page
from planner.routing import read_endpoint
from planner.schema import not_migrated, schema_state
from planner.text import readable
from planner.translation import N_
from planner.web import reading


def api_error(status: int, message: str, **extra) -> Response:
    """Every API error has this body: the reason, the status, a message, and any details."""
    body = {
        "error": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "message": quoted_back(message),
    }
    response = jsonify({**body, **extra})
    response.status_code = status
    return response


def quoted_back(message):
    """A refusal's words as a page or the API says them (the error page, a form's errors, the
    API's `message`). What the address or a field held, quoted in them ("No office with the
    ST.3 code …", "'…' is not a valid choice"), comes without the bidirectional formatting that
    would turn the sentence around it into whatever a link's author reversed into it
    (helper-256; helper-243 did so for a search's)."""
    if isinstance(message, Markup):
        return Markup(readable(str(message)))  # dropping a character makes no markup
    return readable(message) if isinstance(message, str) else message


def is_api_request() -> bool:
    """A request to the API, which reads a token, never the session's cookie."""
    return request.path.startswith("/api/")


# Files beside the pages that programs read, whose refusals are JSON too (helper-187: a draft's
# schedule.json said 404 in HTML). By route, not by a path's ending: "/offices.json", a typo,
# is a person's 404 page (helper-189).
JSON_FILES = frozenset({"calendar.schedule_json"})


def answers_in_json() -> bool:
    """Whether a refusal is said in JSON: the API's, and the JSON files' (`JSON_FILES`)."""
    return is_api_request() or read_endpoint() in JSON_FILES


# Werkzeug's names of the statuses a translated page (a presenter's, a volunteer's) answers with,
# in the catalogues: the refusal's heading in the page's language, as its message is.
_NAMES = {
    400: _l("Bad Request"),
    404: _l("Not Found"),
    409: _l("Conflict"),
    413: _l("Request Entity Too Large"),
    429: _l("Too Many Requests"),
}


# Flask-WTF's reasons for refusing a form (`CSRFError.description`), which mean nothing to the
# person whose form it was, said as what happened to them. Flask-WTF's own words are logged, and
# shown below for support, translated on a translated page.
_CSRF_REASONS = {
    N_("The CSRF token is missing."): N_(
        "The form came without the code this site's pages put in every form."
    ),
    N_("The CSRF session token is missing."): N_(
        "Your browser's session with this site had ended: after a while, on signing out (in "
        "another window too), or when its cookies were cleared."
    ),
    N_("The CSRF token has expired."): N_(
        "The page had been open longer than a form on it stays valid."
    ),
    N_("The CSRF token is invalid."): N_(
        "The form's page was opened in an earlier session, before someone signed in or out in "
        "this browser."
    ),
    N_("The CSRF tokens do not match."): N_(
        "The form's page was opened in an earlier session, before someone signed in or out in "
        "this browser."
    ),
    N_("The referrer header is missing."): N_(
        "Your browser did not say which page the form was sent from."
    ),
    N_("The referrer does not match the host."): N_(
        "The form was sent from a page that is not this site's."
    ),
}


def error_name(error: HTTPException) -> str:
    """The status's name as the page's language says it ("Not Found", "未找到")."""
    name = _NAMES.get(error.code or 0)
    return str(name) if name is not None else error.name


def _respond(error: HTTPException):
    # Keep what the error says beyond its body, such as Allow on a 405.
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    extra = {}
    if isinstance(error, MethodNotAllowed):
        allowed = _allowed_methods(error)
        error = MethodNotAllowed(allowed, _wrong_method(allowed))
        extra["allowed"] = allowed
    if answers_in_json():
        response = api_error(error.code or 500, error.description, **extra)
        response.headers.extend(headers)
        return response
    typed = _typed_and_lost(error)
    if typed:
        headers = [*headers, *NOT_STORED.items()]
    page = render_template("errors/error.html", error=error, typed=typed)
    return page, error.code, headers


def _typed_and_lost(error: HTTPException) -> list[tuple[str, str]]:
    """What a form sent to something gone since its page was opened (a meeting deleted in
    another tab, say) carried: listed on the refusal to be copied, as the form it came from
    cannot be shown again. Never a form another site posted, passwords or files."""
    if request.method != "POST" or error.code not in (404, 409, 410):
        return []
    obstacle, fields = _what_was_typed()
    if obstacle == "elsewhere":
        return []
    return [(label, value) for label, value in shown_fields(fields, show_readers_page()) if value]


def _allowed_methods(error: MethodNotAllowed) -> list[str]:
    # HEAD and OPTIONS come with every GET route: naming them helps nobody.
    # Werkzeug gives them from a set: in an order of their own, another on each start.
    methods = sorted(error.valid_methods or [], key=_method_order)
    return [m for m in methods if m not in ("HEAD", "OPTIONS")] or methods


_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")


def _method_order(method: str) -> tuple[int, str]:
    return (_METHOD_ORDER.index(method) if method in _METHOD_ORDER else len(_METHOD_ORDER), method)


def _wrong_method(allowed: list[str]) -> str:
    if len(allowed) > 1:
        said = ", ".join(allowed[:-1]) + " or " + allowed[-1]
    else:
        said = "".join(allowed) or "no method at all"
    message = f"This address does not take a {request.method}; it takes {said}."
    if not answers_in_json() and allowed == ["GET"]:
        message += " It is a page to open from a link, not one to send a form to."
    return message


def _too_large(error: RequestEntityTooLarge):
    """A body above the app's limit (uploads and survey imports say their own): what it means
    and what to do, not Werkzeug's "exceeds the capacity limit". The body was never read, so
    the form cannot come back filled in: the browser's Back button has it."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    size = f"{limit // (1024 * 1024)} MB" if limit % (1024 * 1024) == 0 else f"{limit} bytes"
    if is_api_request():
        message = f"The request body is larger than the {size} this API reads; nothing was changed."
    else:
        message = (
            f"What you sent is larger than the {size} a form here takes, so nothing was saved. "
            "Go back with your browser's Back button (it keeps what you typed) and shorten the "
            "longest text."
        )
    return _respond(RequestEntityTooLarge(message))


# Posted fields never written back into a page: passwords, whatever the form.
def _password_names() -> frozenset[str]:
    return frozenset(
        name
        for form in _forms()
        for name, field in _fields_of(form).items()
        if issubclass(field.field_class, PasswordField)
    )


def _session_expired(error: CSRFError):
    """A form sent without a valid CSRF token (the session expired or was lost, the token is
    too old): a page that sends the same fields again, to the same address, with a fresh token,
    from a "Send again" button that needs no JavaScript, saying why in the sender's words. A
    co-lead's form sent while nobody is signed in (signed out in another tab) goes straight to
    the sign-in page holding it instead, as does that sign-in page refused itself (signed in or
    out in another tab meanwhile). Never files (they cannot be put back into a page) nor
    passwords (never echoed), and never a form from another site: then the person goes back to
    the form."""
    if is_api_request() or request.method != "POST":
        return _respond(error)
    # Flask-WTF's words, which the page puts in the sender's, for whoever looks into it.
    current_app.logger.warning("Form sent to %s refused: %s", request.path, error.description)
    # A co-lead's form, nobody signed in: to sign in, which sends it (`accounts.security`, which
    # imports this module).
    from planner.accounts.security import sign_in_again_to_send, sign_in_to_send_if_signed_out

    if (page := sign_in_to_send_if_signed_out() or sign_in_again_to_send()) is not None:
        return page
    # A volunteer's page comes back in the language their form was in.
    readers = show_readers_page()
    obstacle, fields = _what_was_typed()
    page = render_template(
        "errors/session_expired.html",
        # Another site's form is not shown at all: its words on this site's page would be the
        # other site's to choose.
        fields=[] if obstacle == "elsewhere" else fields,
        shown=[] if obstacle == "elsewhere" else shown_fields(fields, readers),
        obstacle=obstacle,
        reason=_in_words(error.description),
        technical=_said(error.description),
        action=request.full_path.rstrip("?"),
        # The form's own page, when the address is one (sign-in is; an upload's is not).
        reopen=request.url_rule is not None and "GET" in (request.url_rule.methods or ()),
        csrf_field=current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"),
    )
    return page, 400, NOT_STORED


def _in_words(reason: str) -> str:
    """What Flask-WTF's reason for refusing a form means to its sender, in the page's language
    (`_CSRF_REASONS`); a reason it has not said before, as it says it."""
    said = _CSRF_REASONS.get(reason)
    return gettext(said) if said is not None else reason


def _said(reason: str) -> str:
    """Flask-WTF's reason for refusing a form, in the page's language when it is one of the
    catalogues' (`_CSRF_REASONS`)."""
    return gettext(reason) if reason in _CSRF_REASONS else reason


def shown_fields(fields: list[tuple[str, str]], readers: ReadersPage | None = None):
    """What a form carried, as the page sending it again lists it: (name, value), the name as
    the form labels it on a page in its reader's language (`readers_page`), where what the page
    carried unseen (a version) is sent again without a word. On the co-leads' pages, which do
    not name their form, the labels of the form whose fields these are (`_form_sent`); a field
    no form shows is listed by its own name, unless every form carries it unseen."""
    form = readers.form if readers is not None else _form_sent(tuple(name for name, _ in fields))
    labels = _labels(form) if form is not None else {}
    if readers is not None:
        return [(labels[_short(n)], value) for n, value in fields if _short(n) in labels]
    unseen = _unseen_everywhere()
    return [
        (labels.get(_short(name)) or name.replace("_", " ").capitalize(), value)
        for name, value in fields
        if _short(name) in labels or _short(name) not in unseen
    ]


@cache  # the app's form classes, all defined once its blueprints are imported
def _forms() -> tuple[type, ...]:
    found, forms = [], [FlaskForm]
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        found.append(form)
    return tuple(found)


@cache  # per form class: a set the app's code bounds, whatever is posted
def _fields_of(form: type) -> dict[str, UnboundField]:
    """A form class's fields, its own and those it inherits, by name."""
    fields: dict[str, UnboundField] = {}
    for klass in reversed(form.__mro__):
        fields.update((n, f) for n, f in vars(klass).items() if isinstance(f, UnboundField))
    return fields


def _form_sent(names: tuple[str, ...]) -> type | None:
    """The form class whose fields best match the names a form posted: the most of them, then
    the fewest others (the slot form for a slot's fields, not the meeting's)."""
    posted = {_short(name) for name in names}
    best, key = None, (0, 0)
    for form in _forms():
        fields = set(_fields_of(form))
        score = (len(posted & fields), -len(fields - posted))
        if score[0] and (best is None or score > key):
            best, key = form, score
    return best


@cache
def _unseen_everywhere() -> frozenset[str]:
    """The fields every form that has them carries unseen (a version, a value the page showed)."""
    seen, hidden = set(), set()
    for form in _forms():
        for name, field in _fields_of(form).items():
            widget = field.kwargs.get("widget")
            if issubclass(field.field_class, HiddenField) or isinstance(widget, HiddenInput):
                hidden.add(name)
            else:
                seen.add(name)
    return frozenset(hidden - seen)


def _short(name: str) -> str:
    """A posted field's name in its form class, without the rows' numbers: "starts" for a
    row's "windows-2-starts", "tags" for "tags-0"."""
    words = [part for part in name.split("-") if not part.isdigit()]
    return words[-1] if words else name


def _labels(form_class: type) -> dict[str, str]:
    """The labels of the fields a person fills in on a form, by `_short` name, in the page's
    language (a row's fields under their own names: "Days", "From"); none for hidden ones."""
    labels: dict[str, str] = {}
    fields = list(form_class(formdata=None, meta={"csrf": False}))
    while fields:
        field = fields.pop(0)
        if isinstance(field, FieldList):
            fields.extend(field.entries[:1] or [field.append_entry()])  # one row tells them
        elif isinstance(field, FormField):
            fields.extend(field.form)
        elif not isinstance(field.widget, HiddenInput):
            labels[_short(field.name)] = field.label.text
    return labels


# A page that holds what was typed (contacts' names and addresses, say): kept by no cache.
NOT_STORED = {"Cache-Control": "private, no-store"}


def _what_was_typed() -> tuple[str | None, list[tuple[str, str]]]:
    """What a posted form carried (every field but the CSRF token and passwords), and what
    keeps it from going back into a page ready to send: "elsewhere" (a form another site
    posted: one press would do what the token is there to stop), "secret" (files and
    passwords, which cannot or must not come back), or None."""
    secrets = _password_names()
    if not sent_from_our_pages():
        obstacle = "elsewhere"
    elif request.files or any(name in secrets for name in request.form):
        obstacle = "secret"
    else:
        obstacle = None
    field_name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != field_name and name not in secrets
    ]
    return obstacle, fields


def typed_fields() -> list[tuple[str, str]] | None:
    """What a posted form carried, to put back into a page to send again; None when it must
    not be (see `_what_was_typed`)."""
    obstacle, fields = _what_was_typed()
    return fields if obstacle is None else None


def sent_from_our_pages() -> bool:
    """Whether the browser says the form was on one of the app's own pages: its Origin, or its
    Referer where a browser leaves Origin out. A form another site posted must never come back
    ready to send, or one press would do what the missing token is there to stop."""
    sender = request.headers.get("Origin") or request.referrer
    ours = {_origin(request.host_url), _origin(current_app.config["BASE_URL"])}
    return bool(sender) and _origin(sender) in ours


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def _refused(error: PlannerError):
    """A PlannerError no view turned into a form message: its status and message, as JSON under
    /api/ (with the field it is about, or `fields` for several) and as a page elsewhere."""
    if answers_in_json():
        extra = {"field": error.field} if error.field else {}
        if error.errors:
            extra["fields"] = error.errors
        if getattr(error, "current", None) is not None:
            extra["current"] = error.current  # a stale save: the item as it is now
        return api_error(error.status, error.message, **extra)
    page = HTTPException(error.message)
    page.code = error.status
    # A page of a listing past its last: the way back is its first page, not the start page
    # (helper-82).
    first_page = None
    if error.field == "page" and reading():
        kept = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        first_page = request.path + ("?" + urlencode(kept) if kept else "")
    typed = _typed_and_lost(page)
    page_html = render_template("errors/error.html", error=page, first_page=first_page, typed=typed)
    return page_html, error.status, NOT_STORED if typed else {}


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


# PostgreSQL ended this save as one of two that waited on each other (a deadlock), or that it
# could not put in an order: nothing of it was kept, and sent again it is saved or refused as
# the page is now.
COLLIDED = (
    "Someone else saved at the same moment, and this was not saved. Look at the page as it is "
    "now and save again."
)
_COLLIDED = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)


def collided(error: BaseException) -> bool:
    """Whether `error` is the database ending this transaction for another's (`COLLIDED`)."""
    return isinstance(error.orig if isinstance(error, DBAPIError) else error, _COLLIDED)


def _unavailable(message: str = UNAVAILABLE, retry_after: int = RETRY_AFTER) -> Response | tuple:
    headers = {"Retry-After": str(retry_after)}
    if answers_in_json():
        response = api_error(503, message)
        response.headers.update(headers)
        return response
    try:
        page = render_template("errors/error.html", error=ServiceUnavailable(message))
    except Exception:
        # The page's frame asks the database who is signed in, which fails the same way.
        page = f"<!doctype html><title>503 Service Unavailable</title><p>{escape(message)}</p>"
    return page, 503, headers


# Seconds a client is asked to wait while the schema and the release do not match: an upgrade
# is run, or the instances restarted, by hand.
UPGRADE_RETRY_AFTER = 60
NOT_UPGRADED = (
    "The planner was updated, but its database not yet: the database needs `flask db upgrade` "
    "(README, “Upgrading to a new release”). Nothing was changed; please try again in a few "
    "minutes."
)
NOT_RESTARTED = (
    "This server still runs the release before its database's upgrade: it needs restarting "
    "with the new release (README, “Upgrading to a new release”). Nothing was changed; please "
    "try again in a few minutes."
)


def _schema_mismatch(error: BaseException) -> Response | tuple | None:
    """A 503 saying what to do when `error` is a table or column this release needs and the
    database lacks because its migrations and this release do not match (new code before
    `flask db upgrade`, or an instance not restarted after it), logged once per process; None
    when they match (a real fault: the 500 it is)."""
    if not not_migrated(error):
        return None
    db.session.rollback()
    try:
        state, revision = schema_state(db.session)
    except Exception:  # the database that cannot say: as before, a fault
        current_app.logger.exception("Could not read the database's migration revision")
        return None
    if state == "current":
        return None
    # Logged once for each state and revision the app meets, not once a request.
    logged = current_app.extensions.setdefault("planner.schema_logged", set())
    if (state, revision) not in logged:
        logged.add((state, revision))
        if state == "behind":
            said = "run `flask --app app db upgrade`"
        else:
            said = "a newer release upgraded it: restart this instance with that release"
        current_app.logger.error(
            "The database's schema is at migration %s, not this release's: %s. Pages and the "
            "API answer 503 until then (first met on %s: %s).",
            revision or "(none)",
            said,
            request.path,
            str(getattr(error, "orig", error)).strip().splitlines()[0],
        )
    message = NOT_UPGRADED if state == "behind" else NOT_RESTARTED
    return _unavailable(message, UPGRADE_RETRY_AFTER)


def register(app: Flask) -> None:
    app.add_template_global(error_name, "error_name")
    app.add_template_filter(quoted_back, "quoted_back")
    app.register_error_handler(HTTPException, _respond)
    app.register_error_handler(CSRFError, _session_expired)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    # Registered once: a survey named in the address that is not there is a 404 wherever it is
    # looked up, rules that cannot be met are 422, a conflict is 409, ...
    app.register_error_handler(PlannerError, _refused)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if collided(error):  # before the outage it would otherwise be taken for
            app.logger.warning("Two saves collided on %s: %s", request.path, error)
            return _refused(ConflictError(COLLIDED))
        if database_unavailable(error):
            app.logger.warning("Database unavailable on %s: %s", request.path, error)
            return _unavailable()
        if (mismatch := _schema_mismatch(error)) is not None:
            return mismatch
        app.logger.exception("Unhandled error on %s", request.path)
        return _respond(
            InternalServerError("Something went wrong on our side; it has been logged.")
        )
