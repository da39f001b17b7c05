"""What each feed and schedule contains, built from the agenda; signed office links; the
change marker.

Answers are cached per (feed, state of the agenda): the 304 answer to a client that has the
current version costs one small query, not a rebuild.
"""

from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from hashlib import sha256
from importlib.metadata import version

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session, selectinload

from planner.agenda.fairness import office_times
from planner.agenda.models import Meeting, MeetingSeries, MeetingStatus, Slot, SlotStatus
from planner.agenda.queries import participating_offices, with_agenda
from planner.calendar.frab import ScheduleInfo, TalkInfo, encode, schedule
from planner.calendar.ics import EventInfo
from planner.calendar.models import CalendarState
from planner.db_types import utcnow
from planner.extensions import db
from planner.offices.models import Office
from planner.recommendations.models import Recommendation
from planner.survey.models import Respondent, Survey
from planner.timezones import local_time, utc_offset

HISTORY = timedelta(days=183)  # feeds show the past six months onwards
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A meeting's absolute address, made by the web layer (which knows the host).
MeetingUrl = Callable[[Meeting], str]

# What a calendar shows: a change to any of these moves the feeds' Last-Modified. A meeting
# without offices of its own lists the respondents of the latest survey.
_SHOWN = (Meeting, Slot, MeetingSeries, Office, Recommendation, Survey, Respondent)


def _mark_changes(session: Session, _context, _instances) -> None:
    touched = (
        any(isinstance(o, _SHOWN) for o in session.new)
        or any(isinstance(o, _SHOWN) for o in session.deleted)
        or any(isinstance(o, _SHOWN) and session.is_modified(o) for o in session.dirty)
    )
    if not touched:
        return
    with session.no_autoflush:
        state = session.get(CalendarState, 1)
    now = utcnow()
    if state is None:
        session.add(CalendarState(id=1, changed_at=now))
    else:
        # HTTP dates have whole seconds: two changes never share one, or If-Modified-Since
        # could call the second one "not modified".
        state.changed_at = max(now, state.changed_at.replace(microsecond=0) + timedelta(seconds=1))


def track_changes() -> None:
    if not event.contains(Session, "before_flush", _mark_changes):
        event.listen(Session, "before_flush", _mark_changes)


def changed_at() -> datetime:
    return db.session.scalar(select(CalendarState.changed_at).where(CalendarState.id == 1)) or EPOCH


def _span(start: datetime, end: datetime, zone: str) -> str:
    local, until = local_time(zone, start), local_time(zone, end)
    return f"{local:%a %-d %b %Y, %H:%M}–{until:%H:%M} {zone} ({utc_offset(local)})"


def _status(meeting: Meeting, slot: Slot | None = None) -> str:
    if meeting.status == MeetingStatus.cancelled or (
        slot is not None and slot.status == SlotStatus.cancelled
    ):
        return "CANCELLED"
    if meeting.status == MeetingStatus.draft or (
        slot is not None and slot.status == SlotStatus.tentative
    ):
        return "TENTATIVE"
    return "CONFIRMED"


def meeting_event(meeting: Meeting, url: str, offices: list[Office] | None = None) -> EventInfo:
    zone = meeting.time_zone
    kind = meeting.kind_label
    lines = [
        f"{kind[:1].upper()}{kind[1:]} of the CWS ICT Strategy Task Force.",
        f"Home time zone: {_span(meeting.starts_at, meeting.ends_at, zone)}",
    ]
    if meeting.video_url:
        lines.append(f"Video link: {meeting.video_url}")
    placed = [s for s in meeting.slots if s.starts_at]
    if placed:
        lines += ["", f"Agenda ({zone}):"]
        for slot in placed:
            who = f" — {slot.office.name}" if slot.office else ""
            gone = " (cancelled)" if slot.status == SlotStatus.cancelled else ""
            lines.append(
                f"{local_time(zone, slot.starts_at):%H:%M}–{local_time(zone, slot.ends_at):%H:%M} "
                f"{slot.title}{who}{gone}"
            )
    if offices is None:
        offices = participating_offices(meeting)
    local = office_times(
        meeting.starts_at, meeting.ends_at, zone, {o: o.time_zone for o in offices}
    )
    if local:
        lines += ["", "Local times:"]
        for office, times in local.items():
            lines.append(
                f"{office.code} {office.short_name}: {times.start:%a %H:%M}–{times.end:%a %H:%M}"
            )
    if meeting.description:
        lines += ["", meeting.description]
    lines += ["", f"Agenda page: {url}"]
    return EventInfo(
        uid=meeting.uid,
        sequence=meeting.sequence,
        last_modified=max([meeting.updated_at, *(s.updated_at for s in meeting.slots)]),
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=meeting.title,
        description="\n".join(lines),
        status=_status(meeting),
        url=url,
        video_url=meeting.video_url,
    )


def slot_event(slot: Slot, meeting: Meeting, url: str) -> EventInfo:
    lines = [
        f"Part of: {meeting.title}",
        f"Home time zone: {_span(slot.starts_at, slot.ends_at, meeting.time_zone)}",
    ]
    if slot.office:
        lines.append(f"Presenter: {slot.office.name}")
    lines += [f"Recommendation {r.number}: {r.short_title}" for r in slot.recommendations]
    if meeting.video_url:
        lines.append(f"Video link: {meeting.video_url}")
    if slot.abstract:
        lines += ["", slot.abstract]
    lines += ["", f"Agenda page: {url}"]
    return EventInfo(
        uid=slot.uid,
        # The meeting's changes (its link, its cancellation) are the slot's changes too; both
        # counters only grow, so their sum does.
        sequence=slot.sequence + meeting.sequence,
        last_modified=max(slot.updated_at, meeting.updated_at),
        start=slot.starts_at,
        end=slot.ends_at,
        summary=slot.title,
        description="\n".join(lines),
        status=_status(meeting, slot),
        url=url,
        video_url=meeting.video_url,
        parent_uid=meeting.uid,
        categories=tuple(f"Rec {r.number}" for r in slot.recommendations),
    )


def cutoff(today: date | None = None) -> datetime:
    day = (today or utcnow().date()) - HISTORY
    return datetime.combine(day, datetime.min.time(), UTC)


def meeting_events(meeting: Meeting, scope: str, meeting_url: MeetingUrl) -> list[EventInfo]:
    url = meeting_url(meeting)
    if scope == "meeting":
        return [meeting_event(meeting, url)]
    return [slot_event(s, meeting, url) for s in meeting.slots if s.starts_at]


def taskforce_events(meeting_url: MeetingUrl, since: datetime) -> list[EventInfo]:
    meetings = db.session.scalars(
        with_agenda(select(Meeting)).where(
            Meeting.published_at.is_not(None),
            Meeting.starts_at.is_not(None),
            Meeting.starts_at >= since - timedelta(days=1),
        )
    ).all()
    everyone = None  # the default participants, looked up once for all meetings
    events = []
    for meeting in meetings:
        if meeting.ends_at < since:
            continue
        if meeting.offices:
            offices = list(meeting.offices)
        else:
            everyone = participating_offices(meeting) if everyone is None else everyone
            offices = everyone
        url = meeting_url(meeting)
        events.append(meeting_event(meeting, url, offices))
        events += [slot_event(s, meeting, url) for s in meeting.slots if s.starts_at]
    return events


def office_events(office: Office, meeting_url: MeetingUrl, since: datetime) -> list[EventInfo]:
    """The slots an office presents: published meetings, and drafts with a date (tentative)."""
    slots = db.session.scalars(
        select(Slot)
        .join(Meeting)
        .where(
            Slot.office_code == office.code,
            Slot.starts_at.is_not(None),
            Slot.starts_at >= since,
            or_(Meeting.published_at.is_not(None), Meeting.status == MeetingStatus.draft),
        )
        .options(selectinload(Slot.meeting), selectinload(Slot.recommendations))
    ).all()
    urls = {m.id: meeting_url(m) for m in {s.meeting for s in slots}}
    return [slot_event(s, s.meeting, urls[s.meeting_id]) for s in slots]


def schedule_for(meeting: Meeting, meeting_url: MeetingUrl, base_url: str) -> bytes:
    """A published meeting as frab schedule JSON."""
    url = meeting_url(meeting)
    info = ScheduleInfo(
        id=meeting.id,
        title=meeting.title,
        description=meeting.description,
        time_zone=meeting.time_zone,
        start=meeting.starts_at,
        end=meeting.ends_at,
        url=url,
        base_url=base_url,
    )
    talks = [
        TalkInfo(
            id=slot.id,
            uid=slot.uid,
            title=slot.title,
            kind=slot.kind,
            start=slot.starts_at,
            minutes=slot.duration_minutes,
            abstract=slot.abstract,
            presenter=slot.office.name if slot.office else None,
            track=", ".join(f"Rec {r.number}" for r in slot.recommendations) or None,
            url=url,
            cancelled=slot.status == SlotStatus.cancelled,
        )
        for slot in meeting.slots
        if slot.starts_at
    ]
    return encode(schedule(info, talks, version("cws-planner")))


class FeedCache:
    """Bodies and their ETags, keyed by feed and the agenda's state; least recently used go."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, tuple[bytes, str]] = OrderedDict()

    def get(self, key: tuple, make: Callable[[], bytes]) -> tuple[bytes, str]:
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        body = make()
        entry = (body, sha256(body).hexdigest())
        self.entries[key] = entry
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return entry


cache = FeedCache()


def cached(key: tuple, make: Callable[[], bytes]) -> tuple[bytes, str, datetime]:
    """(body, etag, last_modified) of a feed or schedule in the agenda's current state; `make`
    builds the body when the cache does not have it."""
    state = changed_at()
    body, etag = cache.get((*key, state), make)
    return body, etag, state


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="office-feed")


def office_feed_token(office: Office, secret: str) -> str:
    """A signed token for the office's private feed; revoked by raising its feed_version."""
    return _serializer(secret).dumps([office.code, office.feed_version])


def token_is_valid(office: Office, token: str | None, secret: str) -> bool:
    if not token:
        return False
    try:
        code, version = _serializer(secret).loads(token)
    except (BadSignature, ValueError, TypeError):
        return False
    return code == office.code and version == office.feed_version


def revoke_office_feed(office: Office) -> None:
    office.feed_version += 1
