"""Building agendas: meetings and slots, their times, publishing, and fair start times.

Every change that a calendar client must see (time, duration, status, link) raises the item's
SEQUENCE and moves its updated_at; times of slots re-flow whenever the order or a length changes.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from planner.agenda.fairness import CandidateStart, candidate_starts, rank, series_burden
from planner.agenda.models import (
    HOME_ZONE,
    MEETING_KINDS,
    MEETING_STATUSES,
    SLOT_KINDS,
    SLOT_STATUSES,
    Meeting,
    MeetingSeries,
    Slot,
)
from planner.agenda.schedule import SlotPlan, SlotTimes, lay_out
from planner.db_types import utcnow
from planner.errors import ConflictError, PlannerError
from planner.extensions import db
from planner.offices.models import Office
from planner.proposals.models import Proposal
from planner.recommendations.models import Recommendation
from planner.survey.operations import latest_survey, respondent_offices
from planner.timezones import LocalTimeError, is_time_zone, local_time, to_utc, zone_info

MAX_MINUTES = 12 * 60
MAX_OFFSET = 24 * 60  # a slot starts within a day of its meeting's start
FIRST_YEAR, LAST_YEAR = 2000, 2100
# Meeting fields a subscriber's calendar must follow: changing one raises SEQUENCE.
SIGNIFICANT_MEETING = ("starts_at", "duration_minutes", "status", "video_url", "time_zone")
SIGNIFICANT_SLOT = ("starts_at", "duration_minutes", "status")


class AgendaError(PlannerError):
    """A change to the agenda that cannot be made; the message says why, in the co-lead's words,
    and `field` names the field it is about (as the API names it), if it is about one."""


class PublishRefused(AgendaError, ConflictError):
    """The meeting is not ready to be published (no start, no slot, ...)."""


def _field(name: str, check: Callable, value):
    """`check(value)`, its refusal blamed on the field `name` unless it names a field itself."""
    try:
        return check(value)
    except AgendaError as error:
        raise AgendaError(str(error), field=error.field or name) from None


def _validated(checks: Mapping[str, Callable], changes: Mapping, what: str) -> dict:
    unknown = set(changes) - set(checks)
    if unknown:
        raise AgendaError(f"Unknown {what} field(s): {', '.join(sorted(unknown))}.")
    return {name: _field(name, checks[name], value) for name, value in changes.items()}


def _check_minutes(value, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise AgendaError(f"{what} must be a whole number of minutes.")
    if value <= 0:
        raise AgendaError(f"{what} must be positive.")
    if value > MAX_MINUTES:
        raise AgendaError(f"{what} must be at most {MAX_MINUTES} minutes.")
    return value


def _check_start(value: datetime | None, zone: str) -> datetime | None:
    """A start as given: a wall-clock time in the home zone (no offset), an instant in UTC, or a
    wall-clock time with the offset the home zone has then. Anything else is a mistake."""
    if value is None:
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise AgendaError(f"Give a date between {FIRST_YEAR} and {LAST_YEAR}.")
    if value.tzinfo is None:
        try:
            return to_utc(value, zone)
        except LocalTimeError as error:
            raise AgendaError(str(error)) from None
    if value.utcoffset() == timedelta(0):
        return value.astimezone(UTC)
    there = value.astimezone(zone_info(zone))
    if there.utcoffset() != value.utcoffset():
        try:
            to_utc(value.replace(tzinfo=None), zone)
        except LocalTimeError as error:
            raise AgendaError(str(error)) from None
        raise AgendaError(
            f"{value.isoformat()} has another offset than {zone} has then "
            f"({there.isoformat()}); give the time in UTC or with {zone}'s offset."
        )
    return value.astimezone(UTC)


def _touch(item, changed: Iterable[str], significant: tuple[str, ...]) -> None:
    """Move updated_at; raise SEQUENCE on a significant change of a saved item (one not saved
    yet is in no calendar, and starts at 0)."""
    state = inspect(item)
    if set(changed) & set(significant) and not (state.transient or state.pending):
        item.sequence = (item.sequence or 0) + 1
    item.updated_at = utcnow()


def apply_meeting(meeting: Meeting, changes: Mapping) -> None:
    """Validate and apply meeting fields (as named in the API); re-flow the slots.

    A start without an offset is a wall-clock time in the meeting's (new) home zone."""
    # The zone first: the start is read in it.
    zone = (
        _field("time_zone", _zone, changes["time_zone"])
        if "time_zone" in changes
        else meeting.time_zone
    )
    checks = {
        "title": lambda v: _text(v, "The title", 200, required=True),
        "kind": lambda v: _choice(v, MEETING_KINDS, "kind"),
        "starts_at": lambda v: _check_start(v, zone),
        "duration_minutes": lambda v: _check_minutes(v, "The duration"),
        "time_zone": _zone,
        "video_url": _url,
        "description": lambda v: _text(v, "The description", 5000),
        "status": lambda v: _choice(v, MEETING_STATUSES, "status"),
    }
    values = _validated(checks, changes, "meeting")
    if values.get("status") == "published" and meeting.status != "published":
        raise AgendaError(
            "Publish a meeting with its own action, which checks it is ready.", field="status"
        )
    if meeting.was_published:
        # Subscribers have it in their calendars; only a cancellation removes it from there.
        if values.get("status") == "draft":
            raise AgendaError(
                "A published meeting cannot become a draft again; cancel it.", field="status"
            )
        if "starts_at" in values and values["starts_at"] is None:
            raise AgendaError(
                "A published meeting keeps a start; move it, or cancel it.", field="starts_at"
            )
    changed = [name for name, value in values.items() if getattr(meeting, name) != value]
    for name in changed:
        setattr(meeting, name, values[name])
    _touch(meeting, changed, SIGNIFICANT_MEETING)
    reflow(meeting)


def _text(value, what: str, limit: int, *, required: bool = False) -> str:
    if not isinstance(value, str):
        raise AgendaError(f"{what} must be text.")
    value = value.strip()
    if required and not value:
        raise AgendaError(f"{what} is required.")
    if len(value) > limit:
        raise AgendaError(f"{what} is limited to {limit} characters.")
    return value


def _choice(value, choices: tuple[str, ...], what: str) -> str:
    if value not in choices:
        raise AgendaError(f"The {what} is one of: {', '.join(choices)}.")
    return value


def _zone(value) -> str:
    if not isinstance(value, str) or not is_time_zone(value):
        raise AgendaError(
            f"{value!r} is not a time zone name; use an IANA name such as {HOME_ZONE}."
        )
    return value


def _url(value) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise AgendaError("The video link must be a web address starting with https://.")
    return _text(value, "The video link", 500)


def create_meeting(changes: Mapping, *, series: MeetingSeries | None = None) -> Meeting:
    if "title" not in changes:
        raise AgendaError("The title is required.", field="title")
    meeting = Meeting(
        title="",
        kind="workshop",
        status="draft",
        duration_minutes=120,
        time_zone=HOME_ZONE,
        description="",
        sequence=0,
        series=series,
    )
    apply_meeting(meeting, {"status": "draft", **changes})
    db.session.add(meeting)
    db.session.flush()
    return meeting


def layout(meeting: Meeting) -> list[tuple[Slot, SlotTimes]]:
    """The slots with their times and flags (overrun, overlap), for pages and the API."""
    times = lay_out(
        meeting.starts_at,
        meeting.duration_minutes,
        [SlotPlan(s.duration_minutes, s.offset_minutes) for s in meeting.slots],
    )
    return list(zip(meeting.slots, times, strict=True))


def reflow(meeting: Meeting) -> None:
    """Recompute every slot's start from the meeting's start and the order; raise SEQUENCE of
    slots whose time changed."""
    _place(layout(meeting))


def _place(placed: Sequence[tuple[Slot, SlotTimes]]) -> None:
    for position, (slot, times) in enumerate(placed):
        slot.position = position
        if slot.starts_at != times.starts_at:
            moved = slot.starts_at is not None  # a slot getting its first time has not moved
            slot.starts_at = times.starts_at
            if moved:
                _touch(slot, ["starts_at"], SIGNIFICANT_SLOT)


def apply_slot(slot: Slot, meeting: Meeting, changes: Mapping) -> None:
    """Validate and apply slot fields (as named in the API). A pinned start that would overlap
    the slot before it is refused. A pinned start is an instant, a wall-clock time in the home
    zone, or a time of day (the first one from the meeting's start on)."""
    checks = {
        "title": lambda v: _text(v, "The slot title", 200, required=True),
        "kind": lambda v: _choice(v, SLOT_KINDS, "slot kind"),
        "duration_minutes": lambda v: _check_minutes(v, "The slot duration"),
        "office": _office,
        "recommendations": _recommendation_list,
        "proposal_id": _proposal,
        "status": lambda v: _choice(v, SLOT_STATUSES, "slot status"),
        "abstract": lambda v: _text(v, "The abstract", 4000),
        "starts_at": lambda v: _pinned(v, meeting),
        "offset_minutes": lambda v: v if v is None else _check_offset(v),
    }
    values = _validated(checks, changes, "slot")
    if "starts_at" in values:
        values["offset_minutes"] = values.pop("starts_at")
    changed = []
    for name, value in values.items():
        attribute = {"office": "office_code", "proposal_id": "proposal"}.get(name, name)
        if getattr(slot, attribute) != value:
            setattr(slot, attribute, value)
            changed.append(name)
    if slot not in meeting.slots:
        meeting.slots.append(slot)
    placed = layout(meeting)
    _check_overlaps(placed, slot)
    _touch(slot, changed, SIGNIFICANT_SLOT)
    _place(placed)


def _office(value) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or db.session.get(Office, value.upper()) is None:
        raise AgendaError(f"{value!r} is not a known office code.")
    return value.upper()


def _recommendation_list(value) -> list[Recommendation]:
    if not isinstance(value, list) or not all(isinstance(n, int) for n in value):
        raise AgendaError("The recommendations are a list of numbers, e.g. [10].")
    found = list(db.session.scalars(select(Recommendation).where(Recommendation.number.in_(value))))
    missing = sorted(set(value) - {r.number for r in found})
    if missing:
        raise AgendaError(f"No recommendation {', '.join(map(str, missing))}.")
    return sorted(found, key=lambda r: r.number)


def _proposal(value) -> Proposal | None:
    if value is None:
        return None
    proposal = db.session.get(Proposal, value) if isinstance(value, int) else None
    if proposal is None:
        raise AgendaError(f"No proposal {value!r}.")
    if proposal.status != "accepted":
        raise AgendaError(f"Proposal {value} is {proposal.status}; only accepted ones go in.")
    return proposal


def _check_offset(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise AgendaError("A slot cannot start before its meeting.")
    if value > MAX_OFFSET:
        raise AgendaError("A slot starts within 24 hours of its meeting's start.")
    return value


def _pinned(value, meeting: Meeting) -> int | None:
    """A slot's own start, as minutes after the meeting's start."""
    if value is None:
        return None
    if meeting.starts_at is None:
        raise AgendaError("Give the meeting a start before pinning a slot to a time.")
    if isinstance(value, time):
        # A time earlier than the meeting's start is on the next day: 00:30 in a meeting that
        # starts at 23:00.
        home = local_time(meeting.time_zone, meeting.starts_at)
        day = home.date() + timedelta(days=0 if value >= home.time() else 1)
        value = datetime.combine(day, value)
    value = _check_start(value, meeting.time_zone)
    seconds = (value - meeting.starts_at).total_seconds()
    if seconds < 0:
        raise AgendaError("A slot cannot start before its meeting.")
    if seconds % 60:
        raise AgendaError("Slots start on whole minutes.")
    return _check_offset(int(seconds // 60))


def _check_overlaps(placed: Sequence[tuple[Slot, SlotTimes]], changed: Slot) -> None:
    for slot, times in placed:
        if times.overlaps:
            raise AgendaError(
                f"“{slot.title}” would start at +{times.offset_minutes} min, before the slot "
                "before it ends: slots cannot overlap. Move it or shorten the one before.",
                # The changed slot's own start, or (another slot's) something else.
                field="starts_at" if slot is changed else None,
            )


def create_slot(meeting: Meeting, changes: Mapping) -> Slot:
    if not str(changes.get("title") or "").strip():
        raise AgendaError("The slot title is required.", field="title")
    slot = Slot(
        title="",
        kind="presentation",
        status="tentative",
        duration_minutes=20,
        position=len(meeting.slots),
        abstract="",
        sequence=0,
    )
    apply_slot(slot, meeting, changes)
    meeting.updated_at = utcnow()
    return slot


def move_slot(slot: Slot, step: int) -> None:
    """Move a slot up (-1) or down (+1); it then follows the slots before it (unpinned)."""
    slots = slot.meeting.slots
    index = slots.index(slot)
    target = index + step
    if not 0 <= target < len(slots):
        return
    other = slots[target]
    slot.position, other.position = other.position, slot.position
    slot.offset_minutes = other.offset_minutes = None
    # Sorting in place moves no slot out of the collection (which would delete it as an orphan).
    slots.sort(key=lambda s: s.position)
    reflow(slot.meeting)
    slot.meeting.updated_at = utcnow()


def remove_slot(slot: Slot) -> str:
    """Delete a draft slot; a slot subscribers may have is cancelled instead."""
    meeting = slot.meeting
    if meeting.was_published:
        if slot.status != "cancelled":
            slot.status = "cancelled"
            _touch(slot, ["status"], SIGNIFICANT_SLOT)
        return "cancelled"
    meeting.slots.remove(slot)
    db.session.delete(slot)
    reflow(meeting)
    return "deleted"


def remove_meeting(meeting: Meeting) -> str:
    """Delete a never-published meeting; a published one is cancelled instead."""
    if meeting.was_published:
        if meeting.status != "cancelled":
            meeting.status = "cancelled"
            _touch(meeting, ["status"], SIGNIFICANT_MEETING)
        return "cancelled"
    db.session.delete(meeting)
    return "deleted"


def publish(meeting: Meeting) -> None:
    if meeting.starts_at is None:
        raise PublishRefused("Set the date and start time before publishing.")
    if not meeting.slots:
        raise PublishRefused("Add at least one slot before publishing.")
    overruns = [s.title for s, t in layout(meeting) if t.overruns]
    if overruns:
        raise PublishRefused(
            f"“{overruns[0]}” runs past the end of the meeting: lengthen the meeting or "
            "shorten the slots before publishing."
        )
    if meeting.status != "published":
        meeting.status = "published"
        meeting.published_at = meeting.published_at or utcnow()
        _touch(meeting, ["status"], SIGNIFICANT_MEETING)


def participating_offices(meeting: Meeting) -> list[Office]:
    """The meeting's offices; by default every respondent of the latest survey."""
    if meeting.offices:
        return list(meeting.offices)
    survey = latest_survey()
    return respondent_offices(survey) if survey else []


def offices_by_code(codes: Iterable[str]) -> list[Office]:
    """The offices with these codes (in any case), by code; an unknown code is refused."""
    wanted = {c.strip().upper() for c in codes}
    offices = db.session.scalars(
        select(Office).where(Office.code.in_(wanted)).order_by(Office.code)
    ).all()
    missing = sorted(wanted - {o.code for o in offices})
    if missing:
        raise AgendaError(f"Unknown office code(s): {', '.join(missing)}.", field="offices")
    return list(offices)


def set_offices(meeting: Meeting, codes: Iterable[str]) -> None:
    meeting.offices = offices_by_code(codes)
    meeting.updated_at = utcnow()


# What pages, the API and calendars show of a meeting, loaded in a fixed number of queries
# whatever the number of slots.
_AGENDA = (
    selectinload(Meeting.slots).selectinload(Slot.recommendations),
    selectinload(Meeting.slots).selectinload(Slot.office),
    selectinload(Meeting.offices),
    selectinload(Meeting.series),
)
_IN_ORDER = (Meeting.starts_at.is_(None), Meeting.starts_at, Meeting.id)


def with_agenda(query):
    """`query` (of meetings) loading their slots, presenters, recommendations, offices, series."""
    return query.options(*_AGENDA)


def get_meeting(meeting_id: int) -> Meeting | None:
    return db.session.get(Meeting, meeting_id, options=_AGENDA)


def meetings(*, include_drafts: bool) -> list[Meeting]:
    query = with_agenda(select(Meeting)).order_by(*_IN_ORDER)
    if not include_drafts:
        query = query.where(Meeting.status != "draft")
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Suggestions:
    """Ranked start times for one meeting, and for a series the rotation against "same time"."""

    offices: dict[str, str]  # code -> zone
    skipped: list[str]  # offices without a time zone
    earlier: list[Meeting]  # meetings of the series before this one, with a start
    burden: dict[str, float]  # each office's penalty so far in the series
    same_time: CandidateStart | None  # the best start at the series' first meeting's local time
    ranked: list[CandidateStart]  # every candidate, best first


def suggest_times(
    meeting: Meeting, offices: list[Office], minutes: int, first: date, last: date
) -> Suggestions:
    _check_minutes(minutes, "The duration")
    if not (first.year >= FIRST_YEAR and last.year <= LAST_YEAR):
        raise AgendaError(f"Look for dates between {FIRST_YEAR} and {LAST_YEAR}.")
    if last < first:
        raise AgendaError("The date range ends before it starts.")
    if (last - first).days > 62:
        raise AgendaError("Look at most two months ahead at a time.")
    zones = {o.code: o.time_zone for o in offices if o.time_zone}
    skipped = sorted(o.code for o in offices if not o.time_zone)
    if not zones:
        raise AgendaError("None of these offices has a time zone; set them on the office pages.")
    home = zone_info(meeting.time_zone)
    earlier = []
    if meeting.series is not None:
        # The series so far: its meetings that take place before the dates looked at.
        earlier = [
            m
            for m in meeting.series.meetings
            if m.id != meeting.id
            and m.starts_at is not None
            and m.status != "cancelled"
            and m.starts_at.astimezone(home).date() < first
        ]
    burden = series_burden([(m.starts_at, m.duration_minutes) for m in earlier], zones)
    starts = candidate_starts(first, last, meeting.time_zone)
    ranked = rank(starts, minutes, zones, carried=burden if earlier else None)
    same_time = None
    if earlier:
        reference = earlier[0].starts_at.astimezone(home).time()
        same_time = next((c for c in ranked if c.start.astimezone(home).time() == reference), None)
    return Suggestions(zones, skipped, earlier, burden, same_time, ranked)


def next_dates(meeting: Meeting) -> tuple[date, date]:
    """The default range to look in: the two weeks after the meeting's current or today's date."""
    start = (meeting.starts_at or utcnow()).astimezone(zone_info(meeting.time_zone)).date()
    return start, start + timedelta(days=13)


def lineup_target_choices() -> list[Meeting]:
    """The draft meetings a line-up can go into."""
    return list(
        db.session.scalars(select(Meeting).where(Meeting.status == "draft").order_by(*_IN_ORDER))
    )
