"""What each feed and schedule contains, built from the agenda; when that content last changed;
the events subscribers keep after they left a feed; signed office links.

Only published meetings are in a feed or schedule: a draft and its slots are in none,
whoever asks. Stored values are taken as they are, however damaged (an unknown
time zone, a length beyond any calendar): a feed is built whatever the database holds.

Built answers are cached per (feed, state of the agenda): the 304 answer to a client that has
the current version costs one small query, not a rebuild.
"""

import hmac
from bisect import bisect_right
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from hashlib import sha256
from importlib.metadata import version

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import ColumnElement, and_, event, func, inspect, select
from sqlalchemy.orm import Session, selectinload

from planner.agenda.fairness import office_times
from planner.agenda.models import (
    NOT_GIVEN,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Slot,
    SlotStatus,
    slot_recommendations,
)
from planner.agenda.queries import participating_offices, with_agenda
from planner.calendar.frab import ScheduleInfo, TalkInfo, encode, schedule
from planner.calendar.ics import EventInfo, one_line, text, web_address
from planner.calendar.models import CalendarState, RemovedEvent
from planner.db_types import utcnow
from planner.extensions import db
from planner.materials.models import Material
from planner.materials.operations import public_by_slot
from planner.offices.models import Office
from planner.presenters.models import Invitation
from planner.recommendations.models import Recommendation
from planner.survey.models import Respondent, Survey
from planner.timezones import (
    clock_span,
    known,
    place_name,
    time_span_in,
    utc_offset,
)

HISTORY = timedelta(days=183)  # feeds show meetings that started six months ago onwards
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Starts outside these are damaged rows: no calendar (nor time zone arithmetic) can hold them.
FIRST_START, LAST_START = datetime(1900, 1, 1, tzinfo=UTC), datetime(2200, 1, 1, tzinfo=UTC)
LONGEST = timedelta(days=7)  # a stored length beyond this is read as this
TITLE_MAX = 200
# A meeting's absolute address, made by the web layer (which knows the host).
MeetingUrl = Callable[[Meeting], str]
# A built answer and when its content last changed.
Built = tuple[bytes, datetime]

# What a calendar shows: a change to any of these builds feeds anew. A meeting without
# offices of its own lists the respondents of the survey it was planned with.
_SHOWN = (Meeting, Slot, MeetingSeries, Office, Recommendation, Survey, Respondent)
# Written in a transaction that goes on to change a slot, before the slot is: a presenter's
# invitation (their answer is the slot's status). Its flush holds the calendars' row too
# (`_mark_changes`), without marking a change.
_WRITTEN_WITH_SHOWN = (Invitation,)


# Reading stored values as a calendar can hold them.


def _plausible(moment: datetime | None) -> bool:
    return moment is not None and FIRST_START <= moment < LAST_START


def _count(value) -> int:
    """A stored whole number (a SEQUENCE, a length), or 0 for what is not one."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _minutes(minutes: int | None) -> int:
    """A stored length as a calendar can hold it: none below zero, none beyond LONGEST."""
    return min(max(_count(minutes), 0), LONGEST // timedelta(minutes=1))


def _ends(start: datetime, minutes: int | None) -> datetime:
    return start + timedelta(minutes=_minutes(minutes))


def _latest(moments: Iterable[datetime | None]) -> datetime:
    return max((m for m in moments if m is not None), default=EPOCH)


def _public():
    """The meetings that are in feeds: published, not a draft, with a start a calendar holds."""
    return (
        Meeting.published_at.is_not(None),
        Meeting.status != MeetingStatus.draft,
        Meeting.starts_at >= FIRST_START,
        Meeting.starts_at < LAST_START,
    )


def is_public(meeting: Meeting) -> bool:
    return (
        meeting.was_published
        and meeting.status != MeetingStatus.draft
        and _plausible(meeting.starts_at)
    )


# Change tracking: the cache key, and the events that leave feeds.


def _feed_is(office: str | None, recommendation: int | None) -> tuple[ColumnElement, ...]:
    """The removed events of one feed: an office's, a recommendation's, or (both None) the Task
    Force feeds and meeting downloads."""
    return (
        RemovedEvent.office_code.is_(None)
        if office is None
        else RemovedEvent.office_code == office,
        RemovedEvent.recommendation.is_(None)
        if recommendation is None
        else RemovedEvent.recommendation == recommendation,
    )


def _removal(
    session: Session,
    gone: dict,
    *,
    uid: str,
    office: str | None,
    meeting_id: int,
    recommendation: int | None = None,
    **event,
) -> None:
    """Keep (or refresh) the removed event `uid` for one feed, one SEQUENCE above the highest
    one subscribers of that feed had: its own, or that of an earlier removal it came back from.
    """
    key = (uid, office, recommendation)
    if key in gone:  # already kept in this flush (a slot deleted with its meeting)
        return
    row = session.scalar(
        select(RemovedEvent).where(RemovedEvent.uid == uid, *_feed_is(office, recommendation))
    )
    shown = event.pop("sequence")
    if row is not None:
        shown = _returned_sequence(shown, row)  # what subscribers had since it came back
    if row is None:
        row = RemovedEvent(
            uid=uid,
            office_code=office,
            recommendation=recommendation,
            meeting_id=meeting_id,
            sequence=0,
        )
        session.add(row)
    gone[key] = row
    for name, value in event.items():
        setattr(row, name, value)
    row.title = one_line(row.title, TITLE_MAX)
    row.sequence = shown + 1
    row.removed_at = utcnow()


def _slot_removed(
    session: Session, gone: dict, slot, meeting: Meeting, offices, recommendations=()
) -> None:
    """Slot `slot` left the feeds of `offices` (None: the Task Force feeds) and of
    `recommendations`."""
    start = slot.starts_at
    feeds = [(office, None) for office in offices] + [(None, n) for n in recommendations]
    for office, number in feeds:
        _removal(
            session,
            gone,
            uid=slot.uid,
            office=office,
            recommendation=number,
            meeting_id=meeting.id,
            parent_uid=meeting.uid,
            title=slot.title,
            starts_at=start,
            ends_at=_ends(start, slot.duration_minutes),
            sequence=slot_sequence(slot, meeting),
        )


def _numbers_of(session: Session, slot_ids) -> dict[int, list[int]]:
    """The recommendations of these slots, read as rows (their slots may be being deleted)."""
    rows = session.execute(
        select(slot_recommendations.c.slot_id, slot_recommendations.c.recommendation_number).where(
            slot_recommendations.c.slot_id.in_(list(slot_ids))
        )
    ).all()
    numbers: dict[int, list[int]] = defaultdict(list)
    for slot_id, number in rows:
        numbers[slot_id].append(number)
    return numbers


def _record_removals(session: Session) -> None:
    """Events of published meetings that this flush takes out of a feed: deleted slots and
    meetings, and slots given to another office."""
    gone: dict = {}
    for item in list(session.deleted):
        if isinstance(item, Meeting) and is_public(item):
            _removal(
                session,
                gone,
                uid=item.uid,
                office=None,
                meeting_id=item.id,
                parent_uid=None,
                title=item.title,
                starts_at=item.starts_at,
                ends_at=_ends(item.starts_at, item.duration_minutes),
                sequence=_count(item.sequence),
            )
            # Read as rows: loading them as slots would change what this flush deletes.
            slots = session.execute(
                select(
                    Slot.id,
                    Slot.uid,
                    Slot.title,
                    Slot.starts_at,
                    Slot.duration_minutes,
                    Slot.office_code,
                    Slot.sequence,
                    Slot.kind,
                    Slot.status,
                ).where(Slot.meeting_id == item.id)
            ).all()
            numbers = _numbers_of(session, [slot.id for slot in slots])
            for slot in slots:
                if _plausible(slot.starts_at):
                    offices = {None, slot.office_code} - {""}
                    _slot_removed(session, gone, slot, item, offices, numbers[slot.id])
        elif isinstance(item, Slot) and _plausible(item.starts_at):
            meeting = session.get(Meeting, item.meeting_id) if item.meeting_id else None
            if meeting is not None and is_public(meeting):
                offices = {None, item.office_code} - {""}
                numbers = _numbers_of(session, [item.id]) if item.id else {}
                _slot_removed(session, gone, item, meeting, offices, numbers.get(item.id, []))
    for item in list(session.dirty):
        if not isinstance(item, Slot) or not _plausible(item.starts_at):
            continue
        state = inspect(item)
        before = set(state.attrs.office_code.history.deleted) | {
            o.code for o in state.attrs.office.history.deleted if o is not None
        }
        left = before - {item.office_code, None, ""}
        # Recommendations it is no longer on: their feeds lose it (read only when some were
        # taken off: a flush that reflows many slots loads no recommendations).
        taken_off = {r.number for r in state.attrs.recommendations.history.deleted}
        off = taken_off - {r.number for r in item.recommendations} if taken_off else set()
        if (left or off) and item.meeting_id:
            meeting = session.get(Meeting, item.meeting_id)
            if meeting is not None and is_public(meeting):
                _slot_removed(session, gone, item, meeting, left, sorted(off))


def _written(session: Session, kinds: tuple[type, ...]) -> bool:
    """Whether this flush writes a row of one of `kinds`: adds, deletes or changes one."""
    return (
        any(isinstance(o, kinds) for o in session.new)
        or any(isinstance(o, kinds) for o in session.deleted)
        or any(isinstance(o, kinds) and session.is_modified(o) for o in session.dirty)
    )


def _mark_changes(session: Session, _context, _instances) -> None:
    touched = _written(session, _SHOWN)
    if not touched and not _written(session, _WRITTEN_WITH_SHOWN):
        return
    with session.no_autoflush:
        # Its row is held first, before this flush writes anything, and read as committed now.
        # Every change a calendar shows writes this one row: written last, after the rows it
        # changed, it let two requests each hold what the other then waited for (a co-lead's
        # move wrote the slot, this row, then the presenter's invitation; the presenter's
        # answer, on another instance, the invitation, then the slot and this row), and
        # PostgreSQL ended one of them as a deadlock: a 503 to the presenter. Now the second
        # waits for the first to end, then finds what it changed (a 409 from the versions), as
        # it would on one instance alone.
        state = session.get(CalendarState, 1, with_for_update=True, populate_existing=True)
        if not touched:
            return
        _record_removals(session)
    now = utcnow()
    if state is None:
        session.add(CalendarState(id=1, changed_at=now))
    else:
        # A key for the cache: it must differ from the last one even if the clock steps back.
        state.changed_at = max(now, state.changed_at + timedelta(microseconds=1))


def track_changes() -> None:
    if not event.contains(Session, "before_flush", _mark_changes):
        event.listen(Session, "before_flush", _mark_changes)


def changed_at() -> datetime:
    return db.session.scalar(select(CalendarState.changed_at).where(CalendarState.id == 1)) or EPOCH


# What events say, and when what they say last changed.


def _status(meeting: Meeting, slot: Slot | None = None) -> str:
    """A presentation is CONFIRMED once its presenter has confirmed; until then, and when
    declined, TENTATIVE. A break or a discussion has no one to confirm it: it is CONFIRMED with
    its published meeting, as the agenda page, its table and the programme in the meeting's
    event say it with nothing to confirm (helper-218: a line-up's closing discussion, left
    proposed, showed as tentative in every subscriber's calendar, and nothing told a co-lead)."""
    if meeting.status == MeetingStatus.cancelled or (
        slot is not None and slot.status == SlotStatus.cancelled
    ):
        return "CANCELLED"
    if slot is not None and _settled_by_its_meeting(slot, meeting):
        # As its agenda says once the meeting took place: presented, or not given.
        return "CANCELLED" if slot.status in NOT_GIVEN else "CONFIRMED"
    if meeting.status == MeetingStatus.draft or (
        slot is not None and slot.kind == "presentation" and slot.status != SlotStatus.confirmed
    ):
        return "TENTATIVE"
    return "CONFIRMED"


def _settled_by_its_meeting(slot: Slot, meeting: Meeting) -> bool:
    """Whether the meeting's end changed what a talk's event says: one its presenter never
    confirmed (or declined) was TENTATIVE until then, and is presented (or not given) once the
    meeting took place, with no change in the database (helper-265: a talk given unconfirmed
    stayed tentative in every calendar for good). A cancelled one counts too: recorded as not
    given after the meeting, its SEQUENCE (`slot_sequence`) keeps the one the end added, and
    its own change rises above it (helper-273: CONFIRMED became CANCELLED at the same SEQUENCE,
    which calendars holding it ignore)."""
    return (
        slot.kind == "presentation" and slot.status != SlotStatus.confirmed and meeting.took_place()
    )


def _placed(meeting: Meeting) -> list[Slot]:
    return [s for s in meeting.slots if _plausible(s.starts_at)]


def _slot_changed(slot: Slot) -> datetime:
    """When anything a slot's event shows about the slot itself last changed: the slot, its
    presenter's name, its recommendations' titles."""
    return _latest(
        [
            slot.updated_at,
            slot.office.updated_at if slot.office else None,
            *(r.updated_at for r in slot.recommendations),
        ]
    )


def meeting_event(meeting: Meeting, url: str, offices: list[Office] | None = None) -> EventInfo:
    """The meeting as one event. `offices` are its participants (default: looked up). A change
    of the survey whose respondents take part dates the meeting itself (`participants_kept`)."""
    zone = known(meeting.time_zone) or "UTC"
    start = meeting.starts_at
    end = _ends(start, meeting.duration_minutes)
    kind = meeting.kind_label
    # A meeting's event is in feeds only: in English, in the words its slots' events use.
    said = slot_words("en")
    lines = [f"{kind[:1].upper()}{kind[1:]} of the CWS ICT Strategy Task Force."]
    # What it is on, as its agenda says, and its category in calendars that filter by one, as
    # its talks' are (helper-229: a subscriber could not tell a Rec 10 workshop from a Rec 4
    # one unless the title said so).
    on = meeting.recommendation
    if on is not None:
        lines.append(said["recommendation"].format(on.number, one_line(on.short_title)))
    lines.append(said["home"].format(time_span_in("en", zone, start, end, short=True)))
    # A cancelled meeting has no call to join: no link in its event (its page shows none either).
    video = web_address(meeting.video_url) if meeting.status != MeetingStatus.cancelled else None
    if video:
        lines.append(said["video"].format(video))
    placed = _placed(meeting)
    if placed:
        lines += ["", f"Agenda ({place_name(zone)} time):"]
        for slot in placed:
            who = f" — {one_line(slot.office.name)}" if slot.office else ""
            mark = " (cancelled)" if slot.status == SlotStatus.cancelled else ""
            if not mark and _settled_by_its_meeting(slot, meeting):
                mark = " (not given)" if slot.status in NOT_GIVEN else ""
            elif not mark and slot.kind == "presentation" and slot.status != SlotStatus.confirmed:
                # As the agenda page marks it: a subscriber should not count on it yet
                # (helper-184: the programme listed every talk alike).
                mark = " (to be confirmed)"
            until = _ends(slot.starts_at, slot.duration_minutes)
            lines.append(
                f"{clock_span(zone, slot.starts_at, until, start)} "
                f"{one_line(slot.title)}{who}{mark}"
            )
    if offices is None:
        offices = participating_offices(meeting)
    local = office_times(start, end, zone, {o: known(o.time_zone) for o in offices})
    if local:
        lines += ["", "Local times:"]
        for office, times in local.items():
            changes = times.start.utcoffset() != times.end.utcoffset()
            offsets = (
                (f" ({utc_offset(times.start)})", f" ({utc_offset(times.end)})")
                if changes
                else ("", "")
            )
            lines.append(
                f"{office.code} {one_line(office.short_name)}: "
                f"{times.start:%a %H:%M}{offsets[0]}–{times.end:%a %H:%M}{offsets[1]}"
            )
    if meeting.description:
        lines += ["", text(meeting.description, 5000)]
    lines += ["", f"Agenda page: {url}"]
    return EventInfo(
        uid=meeting.uid,
        sequence=_count(meeting.sequence),
        last_modified=_latest(
            [
                meeting.updated_at,
                *(_slot_changed(s) for s in meeting.slots),
                *(o.updated_at for o in offices),
                *(meeting.ends_at for s in placed if _settled_by_its_meeting(s, meeting)),
            ]
        ),
        start=start,
        end=end,
        summary=meeting.title,
        description="\n".join(lines),
        status=_status(meeting),
        url=url,
        video_url=video,
        categories=(f"Rec {on.number}",) if on is not None else (),
    )


def presenter_event(slot: Slot, agenda_url: str, language: str = "en") -> EventInfo:
    """The slot's event as a presenter's own calendar gets it (the invitation's REQUEST, its
    updates and CANCEL, the download on their page): the feeds' event, with the video link and
    the agenda page (`agenda_url`) only once the meeting is public (a draft's page is private),
    described in the `language` of the email that carries it. Their private page is never in
    it: calendars are shared with assistants and colleagues and synced to other services; the
    email's text carries the link."""
    public = is_public(slot.meeting)
    return slot_event(slot, slot.meeting, agenda_url if public else None, language)


def slot_sequence(slot: Slot, meeting: Meeting) -> int:
    """A slot's SEQUENCE in every calendar: the meeting's changes (its link, its cancellation)
    are the slot's changes too; both counters only grow, so their sum does. A talk whose
    status its meeting's end changed counts that change too."""
    settled = 1 if _settled_by_its_meeting(slot, meeting) else 0
    return _count(slot.sequence) + _count(meeting.sequence) + settled


def office_sequence(slot: Slot, office: str) -> int:
    """The slot's SEQUENCE in `office`'s feed, which its contacts' messages carry too: its
    own, counted on from above its removal's once it left that feed and came back
    (`_returned_sequence`); the removal's while it is away."""
    row = db.session.scalar(
        select(RemovedEvent).where(RemovedEvent.uid == slot.uid, *_feed_is(office, None))
    )
    own = slot_sequence(slot, slot.meeting)
    if row is None:
        return own
    return _returned_sequence(own, row) if slot.office_code == office else row.sequence


# What a slot's event says around the agenda's own words, in English (the feeds') and in each
# language an email carrying it is written in (mail.models.LANGUAGES_WRITTEN).
_SLOT_WORDS = {
    "en": {
        "part_of": "Part of: {}",
        "home": "Home time zone: {}",
        "presenter": "Presenter: {}",
        "recommendation": "Recommendation {}: {}",
        "video": "Video link: {}",
        "agenda": "Agenda page: {}",
        "removed": "Removed from the agenda of {}.",
        # Before a cancelled event's title, as calendars show it; the video link's label.
        "cancelled": "Cancelled: ",
        "video_call": "Video call",
    },
    "es": {
        "part_of": "Forma parte de: {}",
        "home": "Zona horaria de la reunión: {}",
        "presenter": "Presenta: {}",
        "recommendation": "Recomendación {}: {}",
        "video": "Enlace de vídeo: {}",
        "agenda": "Página del orden del día: {}",
        "removed": "Retirada del orden del día de «{}».",
        "cancelled": "Cancelado: ",
        "video_call": "Videollamada",
    },
    "fr": {
        "part_of": "Fait partie de\u00a0: {}",
        "home": "Fuseau horaire de la réunion\u00a0: {}",
        "presenter": "Présentée par\u00a0: {}",
        "recommendation": "Recommandation {}\u00a0: {}",
        "video": "Lien vidéo\u00a0: {}",
        "agenda": "Page de l’ordre du jour\u00a0: {}",
        "removed": "Retirée de l’ordre du jour de «\u00a0{}\u00a0».",
        "cancelled": "Annulé\u00a0: ",
        "video_call": "Visioconférence",
    },
    "pt": {
        "part_of": "Faz parte de: {}",
        "home": "Fuso horário da reunião: {}",
        "presenter": "Apresentada por: {}",
        "recommendation": "Recomendação {}: {}",
        "video": "Link de vídeo: {}",
        "agenda": "Página da ordem do dia: {}",
        "removed": "Retirada da ordem do dia de “{}”.",
        "cancelled": "Cancelado: ",
        "video_call": "Videochamada",
    },
    "ru": {
        "part_of": "В рамках: {}",
        "home": "Часовой пояс совещания: {}",
        "presenter": "Выступает: {}",
        "recommendation": "Рекомендация {}: {}",
        "video": "Ссылка на видеосвязь: {}",
        "agenda": "Страница повестки дня: {}",
        "removed": "Исключено из повестки дня совещания «{}».",
        "cancelled": "Отменено: ",
        "video_call": "Видеозвонок",
    },
    "zh": {
        "part_of": "所属会议：{}",
        "home": "会议时区：{}",
        "presenter": "演讲方：{}",
        "recommendation": "建议{}：{}",
        "video": "视频链接：{}",
        "agenda": "议程页面：{}",
        "removed": "已从会议“{}”的议程中移除。",
        "cancelled": "已取消：",
        "video_call": "视频通话",
    },
}


def slot_words(language: str) -> dict[str, str]:
    """What a slot's event says in `language`; English where it has no words of its own."""
    return _SLOT_WORDS.get(language, _SLOT_WORDS["en"])


def slot_event(slot: Slot, meeting: Meeting, url: str | None, language: str = "en") -> EventInfo:
    """The slot's event. `url` is its meeting's public page; None for a meeting not public
    yet, whose event then names neither a page nor the video link (the co-leads give that out
    once it is published). Its description is in English, as in every feed, or in the
    `language` of the email that carries it; its title is the slot's own."""
    zone = known(meeting.time_zone) or "UTC"
    end = _ends(slot.starts_at, slot.duration_minutes)
    said = slot_words(language)
    lines = [
        said["part_of"].format(one_line(meeting.title)),
        said["home"].format(time_span_in(language, zone, slot.starts_at, end, short=True)),
    ]
    if slot.office:
        lines.append(said["presenter"].format(one_line(slot.office.name)))
    lines += [
        said["recommendation"].format(r.number, one_line(r.short_title))
        for r in slot.recommendations
    ]
    live = url is not None and meeting.status != MeetingStatus.cancelled
    video = web_address(meeting.video_url) if live else None
    if video:
        lines.append(said["video"].format(video))
    if slot.abstract:
        lines += ["", text(slot.abstract, 5000)]
    if url is not None:
        lines += ["", said["agenda"].format(url)]
    return EventInfo(
        uid=slot.uid,
        sequence=slot_sequence(slot, meeting),
        last_modified=_latest(
            [
                _slot_changed(slot),
                meeting.updated_at,
                meeting.ends_at if _settled_by_its_meeting(slot, meeting) else None,
            ]
        ),
        start=slot.starts_at,
        end=end,
        summary=slot.title,
        description="\n".join(lines),
        status=_status(meeting, slot),
        url=url,
        video_url=video,
        parent_uid=meeting.uid,
        categories=tuple(f"Rec {r.number}" for r in slot.recommendations),
        cancelled_prefix=said["cancelled"],
        video_label=said["video_call"],
    )


def removed_event(row: RemovedEvent) -> EventInfo:
    return EventInfo(
        uid=row.uid,
        sequence=row.sequence,
        last_modified=row.removed_at,
        start=row.starts_at,
        end=row.ends_at,
        summary=row.title,
        description="Removed from the agenda.",
        status="CANCELLED",
        url=None,
        parent_uid=row.parent_uid,
    )


def _returned_sequence(own: int, row: RemovedEvent) -> int:
    """The SEQUENCE of an event that came back to a feed it had left (a slot given back to its
    office, put back on a recommendation): its own counted from above its removal's, so that it
    rises with every later change, as its own does."""
    return own + row.sequence + 1


def _with_removed(
    events: list[EventInfo],
    removed: Iterable[RemovedEvent],
    held: Callable[[list[str]], set] | None = None,
) -> list[EventInfo]:
    """The events, and the removed ones they do not hold again. One that came back goes on
    from above the SEQUENCE of its removal (`_returned_sequence`). One that came back and then
    left the window (moved to a start older than it) is not shown as its old removal: that
    says an older time, with a lower SEQUENCE than subscribers had since; `held(uids)` names
    those of `uids` the feed holds again, window or not (the office and recommendation feeds,
    whose slots come and go; a meeting or slot deleted never comes back)."""
    rows = {r.uid: r for r in removed}
    out = []
    for item in events:
        row = rows.pop(item.uid, None)
        if row is not None:
            item = replace(
                item,
                sequence=_returned_sequence(item.sequence, row),
                last_modified=max(item.last_modified, row.removed_at),
            )
        out.append(item)
    back = held(list(rows)) if rows and held is not None else set()
    return out + [removed_event(r) for r in rows.values() if r.uid not in back]


def _held_slots(*where: ColumnElement) -> Callable[[list[str]], set]:
    """Which of some UIDs are slots of published meetings matching `where`, whatever their
    start."""

    def held(uids: list[str]) -> set:
        return set(
            db.session.scalars(
                select(Slot.uid).join(Meeting).where(*_public(), *where, Slot.uid.in_(uids))
            )
        )

    return held


# When what the feeds say of their events last changed with no change of the events to date it
# (2 December 2026: the Task Force feed holds the meetings alone, no longer each slot beside its
# meeting; 5 December: a published meeting's break or discussion left proposed is CONFIRMED, no
# longer TENTATIVE; 6 December: a meeting's event names its recommendation). No feed's date is
# older, so a client revalidating by date alone fetches the new content once (one that holds
# none of what changed, at most an unchanged body once). Raise it with the next such change.
FORMAT_CHANGED = datetime(2026, 12, 6, tzinfo=UTC)
# Likewise for a meeting's schedule.json: when it began listing the materials.
SCHEDULE_FORMAT_CHANGED = datetime(2026, 12, 6, 17, tzinfo=UTC)


def _changed(events: list[EventInfo], *left: datetime | None) -> datetime:
    """When a feed's content last changed: the newest of its events' revisions, of the times
    events left it (`left`), and of its format (`FORMAT_CHANGED`)."""
    return _latest([FORMAT_CHANGED, *(e.last_modified for e in events), *left])


def cutoff(today: date | None = None) -> datetime:
    day = (today or utcnow().date()) - HISTORY
    return datetime.combine(day, time.min, UTC)


def _left_window(latest_start: datetime | None) -> datetime | None:
    """When the newest of the items older than the window left it: at the first midnight from
    which the window no longer reaches its start (see `cutoff`)."""
    if latest_start is None:
        return None
    return datetime.combine(latest_start.date() + HISTORY + timedelta(days=1), time.min, UTC)


def _removed_rows(*where: ColumnElement) -> list[RemovedEvent]:
    return list(db.session.scalars(select(RemovedEvent).where(*where).order_by(RemovedEvent.id)))


def _feed_removals(feed: ColumnElement, since: datetime, events: list[EventInfo]):
    """A feed's removed events in its window, and the removals of the events it holds again
    wherever their old start was (one that came back and moved keeps counting from above its
    removal's SEQUENCE)."""
    present = [e.uid for e in events]
    return _removed_rows(feed, (RemovedEvent.starts_at >= since) | RemovedEvent.uid.in_(present))


def meeting_feed(meeting: Meeting, scope: str, meeting_url: MeetingUrl) -> tuple:
    """(events, changed) of a meeting's own download: the meeting, or its slots (and the ones
    deleted since it was published)."""
    url = meeting_url(meeting)
    if scope == "meeting":
        events = _programmes_changed(
            [meeting_event(meeting, url)],
            _removed_rows(RemovedEvent.meeting_id == meeting.id, *_feed_is(None, None)),
        )
        return events, _changed(events)
    events = _with_removed(
        [slot_event(s, meeting, url) for s in _placed(meeting)],
        _removed_rows(RemovedEvent.meeting_id == meeting.id, *_feed_is(None, None)),
    )
    return events, _changed(events)


def _published_from(since: datetime) -> list[Meeting]:
    return list(
        db.session.scalars(
            with_agenda(select(Meeting))
            .options(selectinload(Meeting.recommendation))
            .where(*_public(), Meeting.starts_at >= since)
        ).all()
    )


def _older_than(
    since: datetime, window: ColumnElement, office: str | None = None
) -> tuple[datetime | None, ...]:
    """When the newest published meeting (with a slot of `office`, if given) and removed event
    older than `since` left the window, and when a meeting older than it last changed: one
    moved out of the window left it then (else the feed's date would go back, and a client
    asking "changed since?" keep it). An edit of a meeting already out of the window moves the
    date too, with the same content: a client then fetches an unchanged feed once (its ETag
    says so)."""
    query = select(func.max(Meeting.starts_at), func.max(Meeting.updated_at)).where(
        *_public(), Meeting.starts_at < since
    )
    if office is not None:
        query = query.join(Slot).where(Slot.office_code == office)
    older, changed = db.session.execute(query).one()
    older_removed = db.session.scalar(
        select(func.max(RemovedEvent.starts_at)).where(window, RemovedEvent.starts_at < since)
    )
    return _left_window(older), _left_window(older_removed), changed


def _programmes_changed(events: list[EventInfo], removed: list[RemovedEvent]) -> list[EventInfo]:
    """Meeting events whose programme lost a slot changed then: their LAST-MODIFIED (and so the
    feed's Last-Modified) moves with the slot's removal."""
    latest: dict[str, datetime] = {}
    for row in removed:
        if row.parent_uid is not None:
            latest[row.parent_uid] = max(row.removed_at, latest.get(row.parent_uid, EPOCH))
    return [
        replace(e, last_modified=max(e.last_modified, latest[e.uid])) if e.uid in latest else e
        for e in events
    ]


def taskforce_feed(meeting_url: MeetingUrl, since: datetime, *, talks: bool = False) -> tuple:
    """(events, changed) of a Task Force feed of every published meeting that started from
    `since` on. Meetings: one event each, its programme in the description. With `talks`: each
    slot as an event of its own instead of its meeting (which would overlap them all); a
    meeting with no slot yet is its own event until it has some."""
    respondents: dict = {}  # those of each survey meetings were planned with, read once
    events = []
    for meeting in _published_from(since):
        placed = _placed(meeting)
        url = meeting_url(meeting)
        if talks and placed:
            events += [slot_event(s, meeting, url) for s in placed]
            continue
        events.append(meeting_event(meeting, url, participating_offices(meeting, respondents)))
    window = and_(*_feed_is(None, None))
    removed = _removed_rows(window, RemovedEvent.starts_at >= since)
    if not talks:
        events = _programmes_changed(events, removed)
    if talks:
        # A deleted meeting's slots say it; its own event was shown only if it had none.
        parents = {r.parent_uid for r in removed}
        removed = [r for r in removed if r.parent_uid is not None or r.uid not in parents]
    else:
        removed = [r for r in removed if r.parent_uid is None]
    events = _with_removed(events, removed)
    return events, _changed(events, *_older_than(since, window))


def recommendation_feed(number: int, meeting_url: MeetingUrl, since: datetime) -> tuple:
    """(events, changed) of every slot on recommendation `number` in published meetings that
    started from `since` on ("every Rec 10 talk"). A slot that leaves it (deleted, or no longer
    on the recommendation) stays as CANCELLED with a higher SEQUENCE, as in the other feeds, so
    that calendars drop it; one that comes back goes on from above that SEQUENCE."""
    meetings = _published_from(since)
    events = [
        slot_event(s, meeting, meeting_url(meeting))
        for meeting in meetings
        for s in _placed(meeting)
        if any(r.number == number for r in s.recommendations)
    ]
    window = and_(*_feed_is(None, number))
    on_it = Slot.recommendations.any(Recommendation.number == number)
    events = _with_removed(events, _feed_removals(window, since, events), _held_slots(on_it))
    # A slot that stopped being placed leaves no row, and a talk's time follows the slots
    # before it: the feed's date moves with any slot's change in a meeting with a slot on the
    # recommendation (at worst a client fetches an unchanged feed; its ETag matches). Not with
    # changes in other meetings: a client asking If-Modified-Since fetched it again (helper-78).
    changes = (
        s.updated_at
        for meeting in meetings
        if any(r.number == number for slot in meeting.slots for r in slot.recommendations)
        for s in meeting.slots
    )
    # The feed names the recommendation: its new title is news without an event to say so.
    renamed = db.session.scalar(
        select(Recommendation.updated_at).where(Recommendation.number == number)
    )
    return events, _changed(events, renamed, *changes, *_older_than(since, window))


def office_feed(office: Office, meeting_url: MeetingUrl, since: datetime) -> tuple:
    """(events, changed) of an office's feed: the slots it presents in published meetings that
    started from `since` on, tentative ones included, and the ones it no longer presents."""
    slots = db.session.scalars(
        select(Slot)
        .join(Meeting)
        .where(*_public(), Meeting.starts_at >= since, Slot.office_code == office.code)
        .options(
            selectinload(Slot.meeting),
            selectinload(Slot.office),
            selectinload(Slot.recommendations),
        )
    ).all()
    urls = {m.id: meeting_url(m) for m in {s.meeting for s in slots}}
    events = [
        slot_event(s, s.meeting, urls[s.meeting_id]) for s in slots if _plausible(s.starts_at)
    ]
    mine = RemovedEvent.office_code == office.code
    events = _with_removed(
        events, _feed_removals(mine, since, events), _held_slots(Slot.office_code == office.code)
    )
    # The feed names the office (`office.updated_at`): news without an event to say so.
    return events, _changed(events, office.updated_at, *_older_than(since, mine, office.code))


def published_meetings_with(proposal_id: int) -> list[Meeting]:
    """The published meetings in which a proposal has a slot, for its office's page."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(*_public(), Meeting.slots.any(Slot.proposal_id == proposal_id))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def schedule_for(
    meeting: Meeting, meeting_url: MeetingUrl, base_url: str, shown: Callable[[Material], dict]
) -> Built:
    """A published meeting as frab schedule JSON, and when its content last changed. A
    cancelled one is still served, its title saying so and every talk left out: an app that
    fetched it before drops the talks, where a 404 would leave them in its programme. Its
    materials are those its page shows anyone now (`public_by_slot`), each as `shown` (the read
    API's `material_json`) gives it; they changed when one was last added or removed, or, made
    public once the meeting ended, then."""
    url = meeting_url(meeting)
    materials = public_by_slot(meeting)

    def listed(slot_id: int | None, files: bool) -> tuple[dict, ...]:
        return tuple(shown(m) for m in materials.get(slot_id, []) if m.is_file == files)

    zone = known(meeting.time_zone) or "UTC"
    called_off = meeting.status == MeetingStatus.cancelled
    info = ScheduleInfo(
        id=meeting.id,
        title=one_line(f"{meeting.title} (cancelled)" if called_off else meeting.title),
        description=text(meeting.description, 5000),
        time_zone=zone,
        start=meeting.starts_at,
        end=_ends(meeting.starts_at, meeting.duration_minutes),
        url=url,
        base_url=base_url,
        materials=tuple(shown(m) for m in materials.get(None, [])),
    )
    placed = _placed(meeting)
    talks = [
        TalkInfo(
            id=slot.id,
            uid=slot.uid,
            title=one_line(slot.title),
            kind=slot.kind,
            start=slot.starts_at,
            minutes=_minutes(slot.duration_minutes),
            abstract=text(slot.abstract, 5000),
            presenter=one_line(slot.office.name) if slot.office else None,
            track=", ".join(f"Rec {r.number}" for r in slot.recommendations) or None,
            url=url,
            cancelled=called_off or slot.status == SlotStatus.cancelled,
            links=listed(slot.id, files=False),
            attachments=listed(slot.id, files=True),
        )
        for slot in placed
    ]
    body = encode(schedule(info, talks, version("cws-planner")))
    public_at_its_end = bool(materials) and meeting.materials_public == "after"
    return body, _latest(
        [
            SCHEDULE_FORMAT_CHANGED,
            meeting.updated_at,
            meeting.materials_changed_at,
            meeting.ends_at if public_at_its_end else None,
            *(_slot_changed(s) for s in meeting.slots),
        ]
    )


class FeedCache:
    """Bodies, their ETags and change times, keyed by feed and the agenda's state; least
    recently used go."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.entries: OrderedDict[tuple, tuple[bytes, str, datetime]] = OrderedDict()
        # The ends of the published meetings, sorted, as of the agenda's state they were read in.
        self._ends: tuple[datetime, list[datetime]] | None = None

    def clear(self) -> None:
        self.entries.clear()
        self._ends = None

    def ended(self, changed: datetime) -> int:
        """How many published meetings have ended by now: a meeting's end changes its talks'
        events (`_settled_by_its_meeting`) with nothing in the database to say so. Their ends
        are read once for each state of the agenda (`changed`, which every change of a meeting
        moves), not on each request."""
        read = self._ends  # one snapshot: another thread of the worker may replace it meanwhile
        if read is None or read[0] != changed:
            published = db.session.execute(
                select(Meeting.starts_at, Meeting.duration_minutes).where(
                    Meeting.status == MeetingStatus.published, Meeting.starts_at.is_not(None)
                )
            )
            read = self._ends = (changed, sorted(_ends(s, minutes) for s, minutes in published))
        return bisect_right(read[1], utcnow())

    def get(self, key: tuple, make: Callable[[], Built]) -> tuple[bytes, str, datetime]:
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        body, changed = make()
        entry = (body, sha256(body).hexdigest(), changed)
        self.entries[key] = entry
        if len(self.entries) > self.size:
            self.entries.popitem(last=False)
        return entry


cache = FeedCache()


def cached(key: tuple, make: Callable[[], Built]) -> tuple[bytes, str, datetime]:
    """(body, etag, changed) of a feed or schedule in the agenda's current state; `make`
    builds the body (and says when its content last changed) when the cache does not have it.
    """
    changed = changed_at()
    return cache.get((*key, changed, cache.ended(changed)), make)


def _serializer(secret: str | list[str]) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="office-feed")


def office_feed_token(office: Office, secret: str) -> str:
    """A signed token for the office's private feed; revoked by raising its feed_version."""
    return _serializer(secret).dumps([office.code, office.feed_version])


def signed_as_feed_token(token: str, keys: list[str]) -> bool:
    """Whether `token` is signed as some office's feed token (current or revoked) with one of
    `keys` (`config.signing_keys`): a secret."""
    try:
        _serializer(keys).loads(token)
    except BadSignature:
        return False
    return True


def token_is_valid(office: Office, token: str | None, keys: list[str]) -> bool:
    """Whether `token` is the office's current feed token, exactly, as signed with one of `keys`
    (`config.signing_keys`: SECRET_KEY and those it replaced): the token is the same every time
    it is made, so it is compared whole (in constant time) rather than decoded, which would
    accept variants of it (base64 padding added, say)."""
    if not token:
        return False
    return any(
        hmac.compare_digest(token.encode(), office_feed_token(office, key).encode()) for key in keys
    )


def revoke_office_feed(office: Office) -> None:
    office.feed_version += 1
