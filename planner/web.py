"""What every view shares: the transaction boundary, the survey asked for, yes/no flags in the
query string, and the addresses of calendar feeds. Views import from here, never from each other."""

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import lru_cache, wraps

from flask import Flask, Response, abort, current_app, g, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from planner.calendar.operations import office_feed_token
from planner.db_types import utcnow
from planner.errors import ConflictError
from planner.extensions import db
from planner.languages import page_language, sentences, show_in
from planner.mail.messages import taskforce_address
from planner.offices.models import Office
from planner.spreadsheet import written
from planner.survey.models import Survey
from planner.survey.operations import find_survey, latest_survey, list_surveys
from planner.timezones import zone_choices, zone_shown
from planner.versioning import CLASHED, RACED

_YES = ("1", "true", "yes", "on")
_NO = ("", "0", "false", "no", "off")


def survey_from_request() -> Survey | None:
    """The survey named by ?survey= (404 if unknown), else the latest, else None."""
    reference = request.args.get("survey")
    return find_survey(reference) if reference else latest_survey()


# What a page's address carries about the page it is, not about the survey it reads: its place
# in a listing, or a saved line-up's rules (another survey's page starts on page 1, its rules
# as the form's defaults).
_NOT_CARRIED = ("survey", "page", "from", "saved", "previous")


def other_surveys(survey: Survey | None) -> list[tuple[Survey, str]]:
    """The surveys other than `survey`, latest first, each with the address of this page
    reading it: for a page's choice of survey, while `?survey=` alone chose one."""
    if survey is None or request.endpoint is None:
        return []
    others = [s for s in list_surveys() if s.id != survey.id]
    path = request.view_args or {}
    # Only the page's own arguments: not one named as a part of its path (?number= on
    # /recommendations/1), nor one url_for reads as its own option (?_method=).
    kept = {
        name: value
        for name, value in request.args.items()
        if name not in _NOT_CARRIED and name not in path and not name.startswith("_")
    }
    return [
        (other, url_for(request.endpoint, **path, **kept, survey=other.slug)) for other in others
    ]


def reading() -> bool:
    """Whether the request asks for a page, not sends its form: GET, or HEAD, which answers as
    GET does (RFC 9110) and which CSRF protection does not guard, so never a form's way."""
    return request.method in ("GET", "HEAD")


def flag_from(args, name: str) -> bool:
    """?name= as a yes/no flag: absent is no; anything but yes/no words is 400."""
    value = (args.get(name) or "").strip().lower()
    if value in _NO:
        return False
    if value in _YES:
        return True
    abort(400, f"{name} is true or false.")


def webcal(url: str) -> str:
    """The same address for calendar apps to subscribe to: webcal://host/..."""
    return "webcal://" + url.split("://", 1)[1]


def zone_list(language: str) -> tuple[Markup, str]:
    """The time zones to choose from as a datalist's options (see `timezones.zone_choices`),
    and their version, a digest of them: each by its place in `language`, which fills the
    field, with its id and offsets beside it, so that "Nepal", "Kathmandu", "Asia/Kathmandu"
    and "+5:45" all find it. Some 470 of them, some 45 kB, written once a day per language,
    and served from their own address (`zone_list_address`)."""
    return _zone_list(language, utcnow().date())


@lru_cache(maxsize=16)
def _zone_list(language: str, day: date) -> tuple[Markup, str]:
    # The zone's own place carries its id for "Use my time zone" (zone.js) to name it so; the
    # other places of a zone ("Canberra, Australia" besides "Sydney, Australia") do not.
    options = Markup("").join(
        Markup('<option value="{}" label="{} · {}"{}>').format(
            place,
            zone,
            offsets,
            Markup(' data-zone="{}"').format(zone) if zone_shown(zone, language) == place else "",
        )
        for zone, place, offsets in zone_choices(language, day)
    )
    return options, hashlib.sha256(options.encode()).hexdigest()[:12]


def zone_list_address() -> str:
    """Where a zone field's page has its list of zones filled from (zone.js), in the page's
    language: an address naming the list's version, which the browser keeps a year and asks
    for again only once the list has changed. The list holds nothing private, so it goes out
    compressed (some 9 kB), where the page, which carries a CSRF token, is not (README,
    "Compression")."""
    language = page_language()
    return url_for("agenda.zones", language=language, v=zone_list(language)[1])


def text_download(text: str, filename: str, mimetype: str) -> Response:
    """A text file to save as `filename`, in UTF-8."""
    response = Response(text, mimetype=mimetype)
    response.mimetype_params["charset"] = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_download(text: str, filename: str) -> Response:
    """A CSV file to save and open in a spreadsheet: UTF-8 with its byte-order mark, without
    which Excel reads it in the machine's legacy code page ("María" garbled; helper-89). The
    planner's own import reads the mark as nothing."""
    return text_download("\ufeff" + text, filename, "text/csv")


# The separators a table comes with (?separator=): commas, as every reader takes them; or
# semicolons, for Excel where the comma is the decimal sign (French, Spanish, Portuguese, German,
# Russian settings), which splits a file it opens at its list separator, ";",
# alone: a comma-separated one opens there as one column. No "sep=" line says which instead:
# Excel then ignores the byte-order mark and reads the file in the machine's legacy code page
# ("María" garbled), and every other reader (LibreOffice, pandas, the planner's own import)
# takes the line for a first row of data.
CSV_SEPARATORS = {"comma": ",", "semicolon": ";"}


def _separator() -> str:
    """The separator ?separator= asks for: comma (the default) or semicolon; 400 otherwise."""
    asked = request.args.get("separator", "comma")
    if asked not in CSV_SEPARATORS:
        abort(400, "separator is comma or semicolon.")
    return CSV_SEPARATORS[asked]


def table_download(rows: Iterable[Iterable[object]], filename: str) -> Response:
    """A table as `csv_download` gives it, separated as ?separator= asks (`_separator`),
    every cell in quotes and shown as text where a spreadsheet would run it (`written`).
    Quoted, a cell holding the other separator stays one cell: LibreOffice's import ticks
    comma, semicolon and tab alike, and cut "Zürich; Genève" in two, moving the row's later
    cells a column on."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=_separator(), quoting=csv.QUOTE_ALL)
    writer.writerows([written(str(cell)) for cell in row] for row in rows)
    return csv_download(out.getvalue(), filename)


def office_feed_url(office: Office) -> str:
    """The address of the office's signed feed: a secret for the office and the co-leads."""
    token = office_feed_token(office, current_app.config["SECRET_KEY"])
    return url_for("calendar.office_ics", code=office.code, token=token, _external=True)


def refuse_changes() -> None:
    """This request answers that it refused what was asked (with a flash and a redirect, say):
    none of its changes are kept."""
    g.refused = True


def keep_changes() -> None:
    """This request's changes are kept even though its answer is an error (a right current
    password forgets the try it counted, though the new password is refused)."""
    g.keep_changes = True


def read_one_snapshot(session: Session | None = None) -> None:
    """What this request reads from now on is one view of the database, as of now. On
    PostgreSQL: a REPEATABLE READ transaction. Under its default READ COMMITTED each statement
    sees what was committed before it, so a calendar feed built from several reads could mix a
    slot as it was before a change with the removal that change wrote, and show a SEQUENCE that
    later answers go below (helper-49 saw it with two instances). For a request that has
    written nothing: what it read before is read again. A session bound to a connection whose
    transaction someone else governs (a test's one connection) is left as it is; SQLite, one
    machine, is left to its own locking."""
    session = session or db.session
    bind = session.get_bind()
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        return
    if session.new or session.dirty or session.deleted:
        # Only for a request that reads: a change made before would be rolled back unseen.
        raise RuntimeError("read_one_snapshot() is for requests that have changed nothing.")
    session.rollback()
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


@contextmanager
def _rolled_back_on_error() -> Iterator[None]:
    """Roll back on any exception; a lost race on a versioned row, or a uniqueness rule meeting
    a simultaneous save, becomes the 409 it is."""
    try:
        yield
    except StaleDataError:
        db.session.rollback()
        raise ConflictError(RACED) from None
    except IntegrityError:
        db.session.rollback()
        raise ConflictError(CLASHED) from None
    except BaseException:
        db.session.rollback()
        raise


def transactional(view: Callable) -> Callable:
    """The request's one transaction boundary: operations only flush; the changes are committed
    once the view has answered without an error, and rolled back on an error answer or any
    exception (as Indico's request handlers do). A save that lost a race against another one
    on a versioned row is a conflict (409), wherever the database noticed it; so is a save that
    a uniqueness rule refuses because someone else stored the same thing in the meantime (the
    checks before it had found none)."""

    @wraps(view)
    def boundary(*args, **kwargs):
        with _rolled_back_on_error():
            response = current_app.make_response(view(*args, **kwargs))
        if g.get("keep_changes") or (response.status_code < 400 and not g.get("refused")):
            with _rolled_back_on_error():
                db.session.commit()
        else:
            db.session.rollback()
        return response

    return boundary


def install_boundary(app: Flask) -> None:
    """Wrap every view of the app in the transaction boundary (static files need none)."""
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            app.view_functions[endpoint] = transactional(view)


def dead_link(what: str) -> str:
    """What a private link that leads nowhere says (`what`: "presentation" or "proposal"): why,
    and whom to ask for a new one, in the language of the reader's browser (or the one they
    picked): the link names no one whose language is known (helper-163)."""
    show_in()
    address = taskforce_address()
    if what == "presentation":
        # A presenter coming back months after their talk was told only of typos and
        # revocations (helper-254): RETENTION_DAYS ends every presenter's link.
        ended = _(
            "A presenter's link also ends %(days)s days after their meeting; what was presented "
            "stays on the meeting's public page.",
            days=current_app.config["RETENTION_DAYS"],
        )
        if address:
            return sentences(
                _(
                    "This link does not lead to a presentation: it may be mistyped, or the "
                    "co-leads replaced it with a new one or revoked it. Ask the co-leads of the "
                    "Task Force at %(address)s for the current link.",
                    address=address,
                ),
                ended,
            )
        return sentences(
            _(
                "This link does not lead to a presentation: it may be mistyped, or the co-leads "
                "replaced it with a new one or revoked it. Ask the co-leads of the Task Force for "
                "the current link."
            ),
            ended,
        )
    if address:
        return _(
            "This link does not lead to a proposal: it may be mistyped, or the co-leads replaced "
            "it with a new one or revoked it. Ask the co-leads of the Task Force at %(address)s "
            "for the current link.",
            address=address,
        )
    return _(
        "This link does not lead to a proposal: it may be mistyped, or the co-leads replaced it "
        "with a new one or revoked it. Ask the co-leads of the Task Force for the current link."
    )
