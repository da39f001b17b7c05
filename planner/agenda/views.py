"""Meeting pages: the public list of meetings and a meeting's agenda, in the viewer's time zone.

The co-leads' pages add their routes to the same blueprint (`blueprint.bp`) from the modules
imported here: `meeting_views` (a new meeting, its edits, its participating offices),
`slot_views` (adding, editing, moving, deleting slots), `publish_views` (publishing, cancelling
or deleting a meeting, each asked first) and `suggest_views` (a fair start time), over what they
share: the editor page (`edit_page`) and `view_helpers`.
"""

from flask import Response, abort, after_this_request, current_app, render_template, request

from planner.accounts.security import colead_required, is_colead

# The co-leads' pages: imported for the routes they add to the blueprint.
from planner.agenda import meeting_views, publish_views, slot_views, suggest_views  # noqa: F401
from planner.agenda.blueprint import bp
from planner.agenda.fairness import office_times
from planner.agenda.models import HOME_ZONE, Meeting
from planner.agenda.operations import layout
from planner.agenda.public_holidays import holiday_on
from planner.agenda.queries import (
    in_list_order,
    meetings,
    taking_part,
)
from planner.agenda.report import by_year, demand, held_meetings, talk_table
from planner.agenda.table import agenda_table
from planner.agenda.view_helpers import meeting_or_404
from planner.db_types import utcnow
from planner.languages import PAGE_LANGUAGES
from planner.materials.models import Material
from planner.materials.operations import public_by_meeting, public_by_slot
from planner.materials.views import public_address
from planner.static_files import KEPT
from planner.survey.operations import latest_survey
from planner.text import readable, shorten
from planner.timezones import current_id, is_time_zone, known, resolve_zone
from planner.web import table_download, zone_list

# The viewer's chosen time zone, remembered in a cookie of its own for a year: the session
# cookie ends with the browser (and a co-lead's sign-in), a reader's zone should not.
ZONE_COOKIE = "zone"
ZONE_KEPT = 365 * 24 * 3600


def _viewer_zone(meeting: Meeting | None = None) -> tuple[str, str | None, list[str]]:
    """The zone to show times in: ?zone= (a zone or a city; remembered), the remembered one, or
    the home zone; with the ?zone= text that names no zone, or several (and those), to say so."""
    # Without the bidirectional formatting characters, which no zone's name holds: quoted back
    # in the page's message, one left open turned the rest of it around, so that a link could
    # make the agenda say, in its own words, what whoever wrote the link wanted (helper-243).
    asked = readable(request.args.get("zone") or "").strip()
    if meeting is not None and asked == meeting.time_zone and not known(asked):
        # The meeting's own zone, which this machine's time zone database does not know: the
        # page's links (its agenda's table) name it, and read it in UTC as the page does.
        return meeting.time_zone, None, [asked]
    found = resolve_zone(asked) if asked else []
    remembered = request.cookies.get(ZONE_COOKIE, "")
    kept = current_id(remembered) if is_time_zone(remembered) else remembered
    if len(found) == 1:
        kept = current_id(found[0])
    if len(found) == 1 or kept != remembered:
        # Kept by the id it goes by today (Asia/Kolkata for a browser's Asia/Calcutta), as the
        # zone fields keep it, also where an earlier release remembered the old one.

        @after_this_request
        def remember(response):
            response.set_cookie(
                ZONE_COOKIE,
                kept,
                max_age=ZONE_KEPT,
                httponly=True,
                samesite="Lax",
                secure=current_app.config["SESSION_COOKIE_SECURE"],
            )
            return response

    shown = kept if is_time_zone(kept) else (meeting.time_zone if meeting else HOME_ZONE)
    if meeting is not None and shown == current_id(meeting.time_zone):
        # The home zone, stored by an old id before zones were kept by today's: the home zone,
        # not a second column of the same times (helper-230).
        shown = meeting.time_zone
    return shown, (asked if asked and len(found) != 1 else None), found


@bp.get("/meetings")
def index():
    zone, wrong_zone, zone_candidates = _viewer_zone()
    now = utcnow()
    coming, past = in_list_order(meetings(include_drafts=is_colead()), now)
    page = render_template(
        "agenda/index.html",
        coming=coming,
        past=past,
        now=now,
        zone=zone,
        wrong_zone=wrong_zone,
        zone_candidates=zone_candidates,
    )
    # A zone it cannot use is said, as on a meeting's page (it was ignored without a word).
    return page, 400 if wrong_zone else 200


@bp.get("/zones/<language>")
def zones(language: str):
    """The time zones to choose from in `language`, as the options a zone field's datalist is
    filled with (zone.js), the same to anyone: kept a year at the address naming their
    version (`web.zone_list_address`), checked again at any other (a page kept from before
    they changed), and compressed, as nothing in them is private."""
    if language not in PAGE_LANGUAGES:
        abort(404)
    options, version = zone_list(language)
    response = Response(options, mimetype="text/html")
    response.cache_control.public = True
    if request.args.get("v") == version:
        response.cache_control.max_age = int(KEPT.total_seconds())
        response.cache_control.immutable = True
    else:
        response.cache_control.no_cache = True
    # Weak: the same options, compressed or not, are the same answer.
    response.set_etag(version, weak=True)
    response.vary.add("Accept-Encoding")  # a 304 names what its 200 varied on
    return response.make_conditional(request)


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    found = meeting_or_404(meeting_id, drafts=is_colead(), planning=False)
    zone, wrong_zone, zone_candidates = _viewer_zone(found)
    # Of a meeting that names no offices: those presenting that did not answer its survey too.
    participants, also_presenting, planned = taking_part(found)
    local_times = (
        office_times(
            found.starts_at,
            found.ends_at,
            found.time_zone,
            {o: known(o.time_zone) for o in participants},
        )
        if found.starts_at
        else {}
    )
    # Taking part, but with no local time to show: said, not silently left out of the table.
    zoneless = [o.code for o in participants if not known(o.time_zone)] if found.starts_at else []
    # The public holidays the meeting falls on, for the offices whose they are.
    holidays = {
        office.code: name
        for office, t in local_times.items()
        if (name := holiday_on(office.code, t.start.date()))
    }
    return render_template(
        "agenda/meeting.html",
        meeting=found,
        slots=layout(found),
        zone=zone,
        wrong_zone=wrong_zone,
        zone_candidates=zone_candidates,
        local_times=local_times,
        zoneless=zoneless,
        holidays=holidays,
        planned=planned,
        also_presenting=also_presenting,
    ), (400 if wrong_zone else 200)


def _opened_at(material: Material) -> str:
    """A material the agenda shows, as a table cell gives it: its link, or its file's name and
    the address that downloads it."""
    if material.url:
        return material.url
    return f"{material.filename} <{public_address(material)}>"


@bp.get("/meetings/<int:meeting_id>/agenda.csv")
def agenda_csv(meeting_id: int):
    """The agenda as a table for a meeting document, times in the zone the page shows them in
    (?zone=, as the page's), with commas or semicolons (`web.table_download`)."""
    found = meeting_or_404(meeting_id, drafts=is_colead(), planning=False)
    zone, wrong_zone, _ = _viewer_zone(found)
    if wrong_zone:
        said = shorten(wrong_zone, 41)  # a pasted page is not said back whole
        abort(400, f"“{said}” names no one time zone: give a city, e.g. Lima.")
    # The slides and links the page shows, by their addresses (helper-254: the table the
    # Secretariat reports a workshop from named no slides).
    materials = {
        slot_id: [_opened_at(m) for m in shown]
        for slot_id, shown in public_by_slot(found).items()
        if slot_id is not None
    }
    return table_download(agenda_table(found, zone, materials), f"meeting-{found.id}-agenda.csv")


@bp.get("/meetings/report")
@colead_required
def report():
    """The meetings that took place, read together: what the Secretariat reports the Task
    Force's progress to the CWS session from (helper-263: each meeting had its own agenda.csv,
    and nothing said who had heard a talk on what they asked for)."""
    held = held_meetings(utcnow())
    years = by_year(held)
    year = _report_year(years)
    survey = latest_survey()
    return render_template(
        "agenda/report.html",
        held=held if year is None else years.get(year, []),
        years=years,
        year=year,
        demand=demand(held, survey),
        survey=survey,
    )


def _report_year(years: dict) -> int | None:
    """The year `?year=` asks the report for: the latest with a meeting held unless given;
    None for `?year=all`, every year on one page (to print); 404 for a year with no meeting held
    or anything else."""
    asked = request.args.get("year", "").strip()
    if asked == "all":
        return None
    if not asked:
        return max(years, default=None)
    if not asked.isascii() or not asked.isdigit() or int(asked) not in years:
        abort(404)
    return int(asked)


@bp.get("/meetings/report.csv")
@colead_required
def report_csv():
    """Every presentation of the meetings that took place, a row each (`report.talk_table`), with
    the materials their agendas show anyone, as `agenda_csv` gives them."""
    held = held_meetings(utcnow())
    materials = {
        slot_id: [_opened_at(m) for m in shown]
        for by_slot in public_by_meeting(one.meeting for one in held).values()
        for slot_id, shown in by_slot.items()
        if slot_id is not None
    }
    return table_download(talk_table(held, materials), "taskforce-meetings-report.csv")
