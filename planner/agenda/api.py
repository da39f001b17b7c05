"""JSON API for meetings and slots (co-leads). Times are ISO 8601 with their UTC offset. The list
of meetings comes a page at a time, as every API listing (`pagination.api_page`)."""

import calendar
import re
from datetime import date, datetime

from flask import Blueprint, Response, abort, jsonify, request, url_for

from planner import text
from planner.accounts.idempotency import idempotent
from planner.accounts.security import api_colead, colead_required
from planner.agenda import history as changes
from planner.agenda.fairness import OUTSIDE_WINDOW, PRESENTER_WEIGHT
from planner.agenda.models import Meeting, MeetingStatus, Slot
from planner.agenda.operations import (
    apply_meeting,
    apply_slot,
    asked_again_note,
    copy_meeting,
    create_meeting,
    create_slot,
    ended_draft_note,
    layout,
    presenter_of_another_office,
    proposal_of_another_office,
    publish,
    refuse_a_talk_given,
    reinstate,
    remove_meeting,
    remove_slot,
)
from planner.agenda.queries import (
    agendas,
    get_meeting,
    in_list_order,
    meeting_to_add_to,
    meetings,
    offices_by_code,
    participating_offices,
)
from planner.agenda.suggestions import check_suggest_minutes, suggest_times
from planner.agenda.view_helpers import meeting_or_404
from planner.availability.operations import slot_availability
from planner.availability.windows import as_json
from planner.calendar.operations import is_public as in_calendars
from planner.db_types import db_int, utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.materials.models import Material
from planner.materials.operations import public_by_meeting, public_by_slot
from planner.materials.views import material_json
from planner.pagination import Page, api_page, api_requested, paged
from planner.request_input import json_object
from planner.timezones import local_time
from planner.versioning import check_version, parse_version

bp = Blueprint("agenda_api", __name__, url_prefix="/api/v1")

MAX_SUGGESTIONS = 100


def _iso(instant: datetime | None, zone: str) -> str | None:
    return local_time(zone, instant).isoformat() if instant else None


# A meeting's materials anyone may see now, by slot id (None: the whole meeting's own), as
# `materials.operations.public_by_slot` gives them.
Shown = dict[int | None, list[Material]]


def _shown_to_anyone(meeting: Meeting, known: dict | None, materials: Shown) -> dict:
    """What a meeting's page shows anyone, in the fields both answers below share: its
    materials are those its page shows anyone now, to a co-lead's token too (the others are on
    the slots' pages, behind a sign-in)."""
    return {
        "id": meeting.id,
        "uid": meeting.uid,
        "title": meeting.title,
        "kind": meeting.kind,
        "starts_at": _iso(meeting.starts_at, meeting.time_zone),
        "ends_at": _iso(meeting.ends_at, meeting.time_zone),
        "duration_minutes": meeting.duration_minutes,
        "time_zone": meeting.time_zone,
        "description": meeting.description,
        "status": meeting.status,
        "series": meeting.series.title if meeting.series else None,
        "recommendation": meeting.recommendation_number,
        "offices": [o.code for o in participating_offices(meeting, known)],
        "archive": url_for("materials.archive_page", meeting_id=meeting.id, _external=True)
        if meeting.took_place()
        else None,
        "materials": [material_json(m) for m in materials.get(None, [])],
    }


def meeting_json(
    meeting: Meeting, known: dict | None = None, materials: Shown | None = None
) -> dict:
    """A meeting with its agenda; `known`: the respondents of the surveys meetings were planned
    with, and `materials` its public ones, read for several meetings at once by a caller
    answering them (`participating_offices`, `public_by_meeting`)."""
    materials = public_by_slot(meeting) if materials is None else materials
    return {
        **_shown_to_anyone(meeting, known, materials),
        "duration_pinned": meeting.duration_pinned,
        "freeze_on": meeting.freeze_on.isoformat() if meeting.freeze_on else None,
        "materials_public": meeting.materials_public,
        "video_url": meeting.video_url,
        "sequence": meeting.sequence,
        "version": meeting.version,
        "slots": [
            slot_json(slot, times.overruns, materials.get(slot.id, []))
            for slot, times in layout(meeting)
        ],
    }


def public_meeting_json(
    meeting: Meeting, known: dict | None = None, materials: Shown | None = None
) -> dict:
    """A published meeting (or one cancelled once published) as its page shows it to anyone:
    its agenda's titles, offices, recommendations, abstracts, each talk's status as the page
    says it, the materials it shows and its archive once it took place; not what co-leads
    alone read (who presents, proposals, availability, the freeze date, versions), and no
    video link once cancelled, as the page."""
    cancelled = meeting.status == MeetingStatus.cancelled
    materials = public_by_slot(meeting) if materials is None else materials
    return {
        **_shown_to_anyone(meeting, known, materials),
        "video_url": None if cancelled else meeting.video_url,
        "url": url_for("agenda.meeting", meeting_id=meeting.id, _external=True),
        "schedule": url_for("calendar.schedule_json", meeting_id=meeting.id, _external=True)
        if in_calendars(meeting)
        else None,
        "slots": [
            _public_slot_json(slot, materials.get(slot.id, [])) for slot, _ in layout(meeting)
        ],
    }


def _public_slot_json(slot: Slot, materials: list[Material]) -> dict:
    zone = slot.meeting.time_zone
    return {
        "id": slot.id,
        "uid": slot.uid,
        "title": slot.title,
        "kind": slot.kind,
        "starts_at": _iso(slot.starts_at, zone),
        "ends_at": _iso(slot.ends_at, zone),
        "duration_minutes": slot.duration_minutes,
        "office": slot.office_code,
        "recommendations": [r.number for r in slot.recommendations],
        # "confirmed", "to be confirmed", "presented", "not given", "cancelled"; none for a break.
        "agenda_status": slot.agenda_status or None,
        "abstract": slot.abstract,
        "materials": [material_json(m) for m in materials],
    }


def slot_json(
    slot: Slot, overruns: bool | None = None, materials: list[Material] | None = None
) -> dict:
    """A slot as co-leads read it; `materials`, those its meeting's page shows anyone (read
    here when not given)."""
    if materials is None:
        materials = public_by_slot(slot.meeting).get(slot.id, [])
    zone = slot.meeting.time_zone
    return {
        "id": slot.id,
        "uid": slot.uid,
        "meeting_id": slot.meeting_id,
        "title": slot.title,
        "kind": slot.kind,
        "starts_at": _iso(slot.starts_at, zone),
        "ends_at": _iso(slot.ends_at, zone),
        "pinned": slot.offset_minutes is not None,
        "offset_minutes": slot.offset_minutes,
        "duration_minutes": slot.duration_minutes,
        "office": slot.office_code,
        "recommendations": [r.number for r in slot.recommendations],
        "proposal_id": slot.proposal_id,
        "status": slot.status_shown,
        "abstract": slot.abstract,
        "materials": [material_json(m) for m in materials],
        "sequence": slot.sequence,
        "version": slot.version,
        "availability": slot_availability(slot).as_json(),
        **({"overruns": overruns} if overruns is not None else {}),
    }


_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})")


def _impossible(written: re.Match) -> str | None:
    """What is wrong with a date-time written right that names no day or time ("2030-02-30",
    "25:00"), in words of its own (Python's change between versions); None if nothing is."""
    year, month, day, hour, minute = map(int, written.groups())
    if not 1 <= month <= 12:
        return f"there is no month {month}"
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        return f"{calendar.month_name[month]} {year} has {days} days"
    if hour > 23:
        return f"an hour is 00 to 23, not {hour:02}"
    if minute > 59:
        return f"a minute is 00 to 59, not {minute:02}"
    return None


def _payload(item=None, what: str = "", render=None) -> dict:
    """The JSON object sent; for a change to `item`, checked against the version the client
    read (If-Match with the ETag, or a `version` field), which is then no field to change."""
    payload = json_object()
    if item is not None:
        _check_fresh(item, what, render, payload.pop("version", None))
    if "starts_at" in payload and payload["starts_at"] is not None:
        value = payload["starts_at"]
        try:
            # A date and a time written in full: a date alone was read as midnight, and the
            # compact "20270101T100000Z" as what few people would check (helper-60).
            if not isinstance(value, str) or not (written := _DATE_TIME.match(value)):
                raise ValueError(value)
            if wrong := _impossible(written):
                # Written as one, but no such day or time: "2030-02-30" (helper-100).
                raise PlannerError(
                    f"starts_at {text.as_json(value)} is no date and time that exists: {wrong}.",
                    "starts_at",
                )
            payload["starts_at"] = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            # Named in `field`, as every other refusal of these APIs is (helper-84).
            raise PlannerError(
                f"starts_at {text.as_json(value)} is not an ISO 8601 date-time such as "
                "2026-03-10T13:00:00+01:00.",
                "starts_at",
            ) from None
    return payload


def _check_fresh(item, what: str, render, sent=None) -> None:
    """Refuse (409, with the item as it is now) a change based on an older version than the
    stored one. Without If-Match or a version, a PATCH changes just the fields it names."""
    if sent is not None:
        try:
            seen = parse_version(sent)
        except ValueError:
            raise PlannerError(
                "version must be the whole number the item had when you read it.", "version"
            ) from None
        check_version(item, seen, what, lambda: render(item))
    tags = request.if_match
    # The weak form of the ETag counts too: a proxy that compresses answers weakens it.
    if tags and not tags.star_tag and not tags.contains_weak(str(item.version)):
        # An empty tag ("" or W/"") is read as None: no version either.
        sent_tags = [t for t in tags.as_set(include_weak=True) if t]
        versions = [t for t in sent_tags if t.isdecimal() and len(t) < 10]
        if not versions:
            abort(400, 'If-Match must be the ETag this API sent with the item, such as "3".')
        # Several tags, none current: the refusal names the newest version the client had.
        check_version(item, max(map(int, versions)), what, lambda: render(item))


def _version_sent(action: str):
    """The version a body-less change (publishing, deleting) was sent with, if any: no body, or
    a JSON object with the version read, as any change may send; nothing else is an option."""
    if not request.get_data(cache=True):
        return None
    sent = json_object("Send no body, or a JSON object with the version you read.")
    if unknown := sorted(set(sent) - {"version"}):
        said = f"{action} takes only a version; {', '.join(map(text.as_json, unknown))} "
        refused = PlannerError(said + "is no option of it.")
        refused.errors = {name: [refused.message] for name in unknown}  # as any unknown field
        raise refused
    return sent.get("version")


def _tagged(response, item):
    """The item's ETag: what If-Match sends back with a change."""
    response.set_etag(str(item.version))
    return response


def _meeting(meeting_id: int, load=get_meeting) -> Meeting:
    meeting = load(meeting_id)
    if meeting is None:
        abort(404, f"There is no meeting {meeting_id}.")
    return meeting


def _slot(slot_id: int) -> Slot:
    return db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")


def _saved(body: dict, status: int = 200):
    response = jsonify(body)
    response.status_code = status
    return response


def _change(apply, render, status: int = 200):
    """Apply a change and answer with the result and its ETag (a refusal answers with its
    reason)."""
    result = apply()
    db.session.flush()
    return _tagged(_saved(render(result), status), result)


@bp.post("/meetings")
@colead_required
@idempotent
def create():
    def answer(made: Meeting) -> dict:
        return _with_warnings(meeting_json(made), ended_draft_note(made))

    return _change(lambda: create_meeting(_payload()), answer, 201)


@bp.get("/meetings")
def index():
    """The meetings as /meetings lists them: still to come, soonest first, then those over,
    latest first. To anyone, those published (and cancelled), as their pages show them
    (`public_meeting_json`); to a co-lead's token, drafts too, each as GET /api/v1/meetings/<id>
    answers it."""
    colead = api_colead()
    number, size = api_requested()
    coming, past = in_list_order(meetings(include_drafts=colead), utcnow())
    listed = [meeting.id for meeting, _ in coming + past]
    page = Page(number, size, len(listed)).check()
    shown = agendas(listed[page.start : page.stop], planning=colead)
    known: dict = {}
    materials = public_by_meeting(shown)
    render = meeting_json if colead else public_meeting_json
    return {
        **api_page(page),
        "meetings": [render(m, known, materials.get(m.id, {})) for m in shown],
    }


@bp.get("/meetings/<int:meeting_id>")
def read(meeting_id: int):
    """A meeting with its agenda, as the list gives it: to anyone, a published (or cancelled)
    one as its page shows it, and a draft is not found, as on the page; to a co-lead's token,
    any, with its version as the ETag a change sends back."""
    if not api_colead():
        return public_meeting_json(meeting_or_404(meeting_id, drafts=False, planning=False))
    meeting = _meeting(meeting_id)
    return _tagged(jsonify(meeting_json(meeting)), meeting)


@bp.get("/meetings/<int:meeting_id>/history")
@colead_required
def history(meeting_id: int):
    """The meeting's history as its page gives it, latest first, a page at a time as every API
    listing: each change with when, by whom, of which slot, before and after, and its line."""
    meeting = _meeting(meeting_id, lambda found: db.session.get(Meeting, found))
    number, size = api_requested()
    page, recorded = paged(changes.recorded(meeting.id), number, size)
    return {**api_page(page), "changes": changes.as_json(meeting, recorded)}


def _with_warnings(body: dict, *warnings: str | None) -> dict:
    """An answer with what the co-lead should know of the change, as the pages flash it."""
    said = " ".join(w for w in warnings if w)
    return {**body, "warning": said} if said else body


@bp.patch("/meetings/<int:meeting_id>")
@colead_required
def update(meeting_id: int):
    meeting = _meeting(meeting_id)
    payload = _payload(meeting, "The meeting", meeting_json)

    def answer(changed: Meeting) -> dict:
        return _with_warnings(
            meeting_json(changed), asked_again_note(changed), ended_draft_note(changed)
        )

    return _change(lambda: apply_meeting(meeting, payload) or meeting, answer)


@bp.delete("/meetings/<int:meeting_id>")
@colead_required
def delete(meeting_id: int):
    meeting = _meeting(meeting_id)
    _check_fresh(meeting, "The meeting", meeting_json, _version_sent("Deleting"))
    outcome = remove_meeting(meeting)
    body = {"id": meeting_id, "result": outcome}
    if outcome == "cancelled":
        body["meeting"] = meeting_json(meeting)
    return _saved(body)


def _acted_on(meeting_id: int, action: str, act) -> Response:
    """A body-less change of a meeting (`act`, named `action` in refusals), sent with the
    version read or none: the meeting as it is after it, with its ETag."""
    meeting = _meeting(meeting_id)
    _check_fresh(meeting, "The meeting", meeting_json, _version_sent(action))
    act(meeting)
    db.session.flush()
    return _tagged(_saved(meeting_json(meeting)), meeting)


@bp.post("/meetings/<int:meeting_id>/publish")
@colead_required
@idempotent
def publish_meeting(meeting_id: int):
    return _acted_on(meeting_id, "Publishing", publish)


@bp.post("/meetings/<int:meeting_id>/reinstate")
@colead_required
@idempotent
def reinstate_meeting(meeting_id: int):
    """A cancelled meeting brought back as it was (`operations.reinstate`): 200 with the
    meeting; 409 when it is not cancelled, has ended, or a talk of it is elsewhere now."""
    return _acted_on(meeting_id, "Bringing back", reinstate)


@bp.post("/meetings/<int:meeting_id>/copy")
@colead_required
@idempotent
def copy_meeting_view(meeting_id: int):
    """A new draft copied from the meeting (`operations.copy_meeting`): 201 with it, its
    `Location`, and `left_out`, what it did not bring along (as the page says it)."""
    meeting = _meeting(meeting_id)
    _check_fresh(meeting, "The meeting", meeting_json, _version_sent("Copying"))
    draft, left = copy_meeting(meeting)
    response = _tagged(_saved({**meeting_json(draft), "left_out": left}, 201), draft)
    response.headers["Location"] = f"/api/v1/meetings/{draft.id}"
    return response


@bp.post("/meetings/<int:meeting_id>/slots")
@colead_required
@idempotent
def create_slot_view(meeting_id: int):
    # The answer is the new slot alone: the rest of the agenda is not loaded for it.
    meeting = _meeting(meeting_id, meeting_to_add_to)

    def answer(made: Slot) -> dict:
        return _with_warnings(slot_json(made), proposal_of_another_office(made))

    def make() -> Slot:
        payload = _payload()
        refuse_a_talk_given(payload)
        return create_slot(meeting, payload)

    return _change(make, answer, 201)


@bp.patch("/slots/<int:slot_id>")
@colead_required
def update_slot(slot_id: int):
    slot = _slot(slot_id)
    payload = _payload(slot, "The slot", slot_json)
    office_before, proposal_before = slot.office_code, slot.proposal_id

    def answer(changed: Slot) -> dict:
        return _with_warnings(
            slot_json(changed),
            presenter_of_another_office(changed, office_before),
            proposal_of_another_office(changed, office_before, proposal_before),
            asked_again_note(changed.meeting),
        )

    refuse_a_talk_given(payload, slot)
    return _change(lambda: apply_slot(slot, slot.meeting, payload) or slot, answer)


@bp.get("/slots/<int:slot_id>")
@colead_required
def read_slot(slot_id: int):
    slot = _slot(slot_id)
    return _tagged(jsonify(slot_json(slot)), slot)


@bp.delete("/slots/<int:slot_id>")
@colead_required
def delete_slot(slot_id: int):
    slot = _slot(slot_id)
    _check_fresh(slot, "The slot", slot_json, _version_sent("Deleting"))
    meeting = slot.meeting
    outcome = remove_slot(slot)
    body = {"id": slot_id, "result": outcome}
    if outcome == "cancelled":
        body["slot"] = slot_json(slot)
    return _saved(_with_warnings(body, asked_again_note(meeting)))


def _date(name: str) -> date:
    value = request.args.get(name)
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise PlannerError(f"{name} must be a date such as 2026-03-01.", name) from None


def _whole(name: str, default: int, most: int) -> int:
    value = request.args.get(name)
    if value is None or value == "":
        return default
    if not value.isascii() or not value.isdecimal() or not 1 <= int(value) <= most:
        raise PlannerError(f"{name} must be a whole number from 1 to {most}.", name)
    return int(value)


@bp.get("/meetings/<int:meeting_id>/suggest-times")
@colead_required
def suggest(meeting_id: int):
    meeting = _meeting(meeting_id)
    codes = [c for c in request.args.get("offices", "").split(",") if c.strip()]
    # What cannot be read is checked as missing (`db_int` as a `type` yields None for it): "0",
    # "5" and "1e3" are told the one range the suggestions take, as on the page (helper-88).
    asked = request.args.get("duration_minutes")
    minutes = check_suggest_minutes(
        request.args.get("duration_minutes", type=db_int) if asked else meeting.duration_minutes
    )
    limit = _whole("limit", 20, MAX_SUGGESTIONS)
    offices = offices_by_code(codes) if codes else participating_offices(meeting)
    result = suggest_times(meeting, offices, minutes, _date("from"), _date("to"))

    def candidate(c) -> dict:
        return {
            "starts_at": _iso(c.start, meeting.time_zone),
            "starts_at_utc": c.start.isoformat(),
            "worst": c.worst,
            "total": c.total,
            "penalties": c.penalties,
            "presenters": c.presenters,
        }

    return jsonify(
        {
            "meeting": meeting.id,
            "time_zone": meeting.time_zone,
            "duration_minutes": minutes,
            "offices": result.offices,
            "skipped": result.skipped,
            # Whose hours weigh more, and how: the page says the same in words.
            "presenters": {
                p.key: {
                    "time_zone": p.time_zone,
                    "weight": PRESENTER_WEIGHT,
                    "outside_window_penalty": OUTSIDE_WINDOW if p.windows else None,
                    "windows": [as_json(w) for w in p.windows],
                    "read_from": p.read_from,
                }
                for p in result.presenters
            },
            "series": {
                "earlier_meetings": [m.id for m in result.earlier],
                "burden_so_far": result.burden,
                "same_time": candidate(result.same_time) if result.same_time else None,
            }
            if result.earlier
            else None,
            # The public holidays weighed as a Saturday (office -> day -> name), as on the page.
            "holidays": {
                code: {day.isoformat(): name for day, name in days.items()}
                for code, days in result.holidays.items()
            },
            "candidates": [candidate(c) for c in result.ranked[:limit]],
        }
    )
