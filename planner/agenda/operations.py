"""Changing agendas: meetings and slots, their times, publishing.

Every change that a calendar client must see (time, duration, status, link, title) raises the
item's SEQUENCE and moves its updated_at; times of slots re-flow whenever the order or a length
changes.
Field checks live in `checks.py`, reading in `queries.py`, fair start times in `suggestions.py`.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload

from planner.agenda.checks import (
    MAX_MINUTES,
    AgendaError,
    PublishRefused,
    check_choice,
    check_day,
    check_minutes,
    check_office,
    check_offset,
    check_pinned,
    check_proposal,
    check_published_text,
    check_recommendation,
    check_recommendations,
    check_start,
    check_url,
    check_zone,
    on_field,
    validated,
)
from planner.agenda.models import (
    HOME_ZONE,
    MATERIALS_PUBLIC,
    MEETING_KINDS,
    MEETING_STATUSES,
    SLOT_KINDS,
    SLOT_STATUSES,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    Slot,
    SlotStatus,
    new_uid,
)
from planner.agenda.queries import given_presentations, offices_by_code
from planner.agenda.schedule import SlotPlan, SlotTimes, lay_out
from planner.db_types import MAX_INT, utcnow
from planner.extensions import db
from planner.offices.models import Office
from planner.presenters.models import Answer
from planner.proposals.models import Proposal, ProposalStatus
from planner.text import blank
from planner.timezones import is_skipped, local_time, moment_in, zone_info

# Meeting fields a subscriber's calendar must follow: changing one raises SEQUENCE. The title
# is the meeting's event's SUMMARY and each slot's "Part of": a presenter's or contact's emailed
# copy changes only with a REQUEST of a higher SEQUENCE (its slots' count on from the meeting's).
SIGNIFICANT_MEETING = (
    "starts_at",
    "duration_minutes",
    "status",
    "video_url",
    "time_zone",
    "title",
)
# A slot's title is its event's SUMMARY, its abstract and recommendations are in its
# DESCRIPTION: the invitation in a presenter's or contact's calendar shows them, and only a
# REQUEST of a higher SEQUENCE changes them there (a feed is read again anyway).
SIGNIFICANT_SLOT = (
    "starts_at",
    "duration_minutes",
    "status",
    "title",
    "abstract",
    "recommendations",
)
# Where a transaction notes the slots whose presenters `_ask_again` asked to confirm again.
ASKED_AGAIN = "agenda.asked_again"
# And the slots back at the time their presenter confirmed (`_confirmed_as_it_was`).
CONFIRMED_AGAIN = "agenda.confirmed_again"


def _touch(item, changed: Iterable[str], significant: tuple[str, ...]) -> None:
    """Move updated_at when something changed; raise SEQUENCE on a significant change of a
    saved item (one not saved yet is in no calendar, and starts at 0)."""
    changed = set(changed)
    if not changed:
        return  # a save that changes nothing is no new version, for co-leads or calendars
    state = inspect(item)
    if changed & set(significant) and not (state.transient or state.pending):
        item.sequence = (item.sequence or 0) + 1
    item.updated_at = utcnow()


def _check_pinned_length(value) -> bool:
    if not isinstance(value, bool):
        raise AgendaError(
            "duration_pinned is true (the length stays as given) or false (the meeting ends "
            "with its last slot).",
            field="duration_pinned",
        )
    return value


def series_titled(title: str) -> MeetingSeries:
    """The series of this title, or a new one: a title is how co-leads name a series, on the
    meeting's form ("Or a new series") and in the API."""
    found = db.session.scalar(select(MeetingSeries).where(MeetingSeries.title == title))
    return found or MeetingSeries(title=title)


def _check_series(value) -> MeetingSeries | None:
    """A series as the API names it, by its title (`null` or "": in none), checked as the
    form's "Or a new series". A title of spaces or invisible characters alone names none and
    is refused: a stray space in a script's cell took the meeting out of its series, unsaid."""
    if value is None or value == "":
        return None
    title = check_published_text(value, "The series", 200)
    if blank(title):
        raise AgendaError(
            "The series has no title: give its title, or null to take the meeting out of its "
            "series."
        )
    return series_titled(title)


def apply_meeting(meeting: Meeting, changes: Mapping) -> None:
    """Validate and apply meeting fields (as named in the API); re-flow the slots.

    A start without an offset is a wall-clock time in the meeting's (new) home zone."""
    refuse_if_cancelled(meeting)

    # The zone first: the start is read in it.
    def zone_named(value) -> str:
        return check_zone(value, meeting.time_zone)

    zone = (
        on_field("time_zone", zone_named, changes["time_zone"])
        if "time_zone" in changes
        else meeting.time_zone
    )
    checks = {
        "title": lambda v: check_published_text(v, "The title", 200, required=True),
        "kind": lambda v: check_choice(v, MEETING_KINDS, "kind"),
        "starts_at": lambda v: check_start(v, zone),
        "duration_minutes": lambda v: check_minutes(v, "The duration"),
        "duration_pinned": _check_pinned_length,
        "time_zone": zone_named,
        "video_url": check_url,
        "description": lambda v: check_published_text(v, "The description", 5000, multiline=True),
        "materials_public": lambda v: check_choice(v, tuple(MATERIALS_PUBLIC), "materials_public"),
        "freeze_on": lambda v: check_day(v, "freeze_on"),
        "status": lambda v: check_choice(v, MEETING_STATUSES, "status"),
        "recommendation": check_recommendation,
        "series": _check_series,
    }
    values = validated(checks, changes, "meeting")
    if "duration_minutes" in values and "duration_pinned" not in values:
        values["duration_pinned"] = True  # a length given is a length pinned
    if (
        values.get("status") == MeetingStatus.published
        and meeting.status != MeetingStatus.published
    ):
        raise AgendaError(
            "Publish a meeting with its own action, which checks it is ready.", field="status"
        )
    if values.get("status") == MeetingStatus.cancelled and not meeting.was_published:
        # No one was ever shown it: cancelling would publish it, marked cancelled.
        raise AgendaError(
            "A meeting that was never published is deleted, not cancelled: no one has it yet.",
            field="status",
        )
    if values.get("status") == MeetingStatus.cancelled and meeting.status != values["status"]:
        refuse_if_ended(meeting)
    if meeting.was_published:
        # Subscribers have it in their calendars; only a cancellation removes it from there.
        if values.get("status") == MeetingStatus.draft:
            raise AgendaError(
                "A published meeting cannot become a draft again; cancel it.", field="status"
            )
        if "starts_at" in values and values["starts_at"] is None:
            raise AgendaError(
                "A published meeting keeps a start; move it, or cancel it.", field="starts_at"
            )
        moved_to = values.get("starts_at")
        if moved_to is not None and moved_to != meeting.starts_at:
            refuse_moving_if_took_place(meeting)
        if moved_to is not None and moved_to != meeting.starts_at and moved_to < utcnow():
            # Calendars and presenters would be told it took place without them.
            raise AgendaError(
                f"A published meeting is not moved into the past ({moved_to:%-d %B %Y at %H:%M} "
                "UTC has passed): choose a time to come, or cancel the meeting.",
                field="starts_at",
            )
    # A new home zone keeps the instant: the meeting's day there may be an earlier one.
    if {"freeze_on", "starts_at", "time_zone"} & values.keys():
        _check_freeze(
            values.get("freeze_on", meeting.freeze_on),
            values.get("starts_at", meeting.starts_at),
            zone,
        )
    changed = [name for name, value in values.items() if getattr(meeting, name) != value]
    if "starts_at" in changed and "time_zone" not in changed:
        _keep_pinned_clock_times(meeting, values["starts_at"])
    for name in changed:
        setattr(meeting, name, values[name])
    _touch(meeting, changed, SIGNIFICANT_MEETING)
    reflow(meeting)


def _check_freeze(freeze_on: date | None, starts_at: datetime | None, zone: str) -> None:
    """A programme freezes before the meeting, or on its day: a later one would let presenters
    rewrite a talk already given."""
    if freeze_on is None or starts_at is None:
        return
    day = local_time(zone, starts_at).date()
    if freeze_on > day:
        raise AgendaError(
            f"The programme freeze ({freeze_on:%-d %B %Y}) comes before the meeting or on its "
            f"day ({day:%-d %B %Y}): choose that day or an earlier one, or leave it empty.",
            field="freeze_on",
        )


def _keep_pinned_clock_times(meeting: Meeting, new_start: datetime | None) -> None:
    """A meeting that moves takes its pinned slots along by the same wall-clock distance: a
    slot pinned to 03:00 in a meeting that starts at 23:00 stays at 03:00 when the meeting moves
    to 23:00 a week later, also when a clock change lies between (its minutes after the start
    then differ by the change's hour). A pin the move would put in a skipped hour is refused,
    naming the slot; in a repeated hour it takes the one of the two instants nearer its old
    distance from the start (never before the start). Nothing changes unless every pin can."""
    old_start, zone = meeting.starts_at, meeting.time_zone or "UTC"
    if old_start is None or new_start is None:
        return
    tz = zone_info(zone)
    old_home = old_start.astimezone(tz).replace(tzinfo=None)
    new_home = new_start.astimezone(tz).replace(tzinfo=None)
    offsets = {}
    for slot in meeting.slots:
        if slot.offset_minutes is None:
            continue
        was = (old_start + timedelta(minutes=slot.offset_minutes)).astimezone(tz)
        wall = new_home + (was.replace(tzinfo=None) - old_home)
        moved = f"“{slot.title}” is pinned to {was:%H:%M}; moved with the meeting it would start "
        if is_skipped(wall, zone):
            raise AgendaError(
                f"{moved}at {wall:%Y-%m-%d %H:%M}, which does not exist in {zone} (the clocks "
                "skip it). Pin it to another time first, then move the meeting.",
                field="starts_at",
            )
        candidates = sorted(
            {
                int((wall.replace(tzinfo=tz, fold=f).astimezone(UTC) - new_start).total_seconds())
                // 60
                for f in (0, 1)
            }
        )
        after = [m for m in candidates if m >= 0]
        if not after:
            raise AgendaError(
                f"{moved}at {wall:%Y-%m-%d %H:%M}, before the meeting's new start. Pin it to "
                "another time first, then move the meeting.",
                field="starts_at",
            )
        nearest = min(after, key=lambda m: (abs(m - slot.offset_minutes), m))
        offsets[slot] = on_field("starts_at", check_offset, nearest)
    for slot, offset in offsets.items():
        slot.offset_minutes = offset


def presenter_of_another_office(slot: Slot, office_before: str | None) -> str | None:
    """What to tell the co-lead when a slot changed office while its presenter, invited for
    another office, still holds it (a working link, no decline); None otherwise, and None when
    the slot is set back to the office the presenter was invited for."""
    invited = slot.presenter_invited
    if slot.office_code == office_before or invited is None or invited.link_hash is None:
        return None
    invited_for = invited.office_code if invited.office_code is not None else office_before
    if slot.office_code == invited_for:
        return None
    now = slot.office_code or "no office"
    return (
        f"{invited.name}, invited for {invited_for or 'no office'}, still presents "
        f"“{slot.title}”, now {now}'s. Invite {now}'s presenter (the link sent before stops "
        "working and they are told), or set the office back."
    )


def proposal_of_another_office(
    slot: Slot, office_before: str | None = None, proposal_before: int | None = None
) -> str | None:
    """What to tell the co-lead when a save leaves a slot presenting a volunteer's proposal as
    another office's than the proposal's (helper-187: an AU slot took PE's proposal without a
    word); None when neither its office nor its proposal changed, or they agree. The co-lead's
    choice stands (a talk given jointly, say); the volunteer's office's feed and contacts only
    do not see it."""
    proposal = slot.proposal
    if proposal is None or slot.office_code in (None, proposal.office_code):
        return None
    if (slot.office_code, slot.proposal_id) == (office_before, proposal_before):
        return None
    return (
        f"“{slot.title}” presents proposal {proposal.id}, which is {proposal.office_code}'s, as "
        f"{slot.office_code}'s: it is in {slot.office_code}'s feed and its contacts hear of it, "
        f"not {proposal.office_code}'s. If the volunteer presents for {proposal.office_code}, "
        "give the slot that office."
    )


def create_meeting(
    changes: Mapping, *, series: MeetingSeries | None = None, uid: str | None = None
) -> Meeting:
    """A new draft; `uid` the one its form was given (see `agenda.meeting_views.new`), else a
    new one."""
    if "title" not in changes:
        raise AgendaError("The title is required.", field="title")
    meeting = Meeting(
        uid=uid or new_uid(),
        title="",
        kind="workshop",
        status=MeetingStatus.draft,
        duration_minutes=120,
        time_zone=HOME_ZONE,
        description="",
        sequence=0,
        series=series,
        # A new meeting has none: said, so showing it after the insert looks neither up.
        slots=[],
        offices=[],
    )
    apply_meeting(meeting, {"status": MeetingStatus.draft, **changes})
    db.session.add(meeting)
    db.session.flush()
    return meeting


def layout(meeting: Meeting) -> list[tuple[Slot, SlotTimes]]:
    """The slots with their times and flags (overrun, overlap), for pages and the API."""
    return _laid_out(meeting, meeting.slots)


def _laid_out(
    meeting: Meeting, slots: Sequence[Slot], unpinned: Slot | None = None
) -> list[tuple[Slot, SlotTimes]]:
    """`slots` in this order, with their times (`unpinned` as if it followed the one before)."""
    times = lay_out(
        meeting.starts_at,
        meeting.duration_minutes,
        [SlotPlan(s.duration_minutes, None if s is unpinned else s.offset_minutes) for s in slots],
    )
    # A cancelled slot keeps its place but takes no time: it runs past nothing.
    return [
        (s, replace(t, overruns=False) if s.status == SlotStatus.cancelled else t)
        for s, t in zip(slots, times, strict=True)
    ]


def clock_at(meeting: Meeting, minutes: int) -> str:
    """A time on the agenda as the editor shows it: "13:00" on the home zone's clocks, or
    "60 minutes after the meeting's start" while the meeting has no date."""
    if meeting.starts_at is None:
        return f"{minutes} minutes after the meeting's start"
    at = meeting.starts_at + timedelta(minutes=minutes)
    return f"{local_time(meeting.time_zone or 'UTC', at):%H:%M}"


def upcoming_for_office(code: str, now: datetime) -> list[tuple[Slot, SlotTimes]]:
    """The slots an office presents on published agendas that have not ended, soonest first,
    with their times as the agenda shows them: what its page tells anyone who looks it up
    (helper-90: it offered only a calendar feed, and said nothing of the workshop)."""
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.status == MeetingStatus.published,
            Meeting.id.in_(select(Slot.meeting_id).where(Slot.office_code == code)),
        )
        .options(selectinload(Meeting.slots))
    ).all()
    found = [
        (slot, times)
        for meeting in meetings
        for slot, times in layout(meeting)
        if slot.office_code == code
        and slot.status != SlotStatus.cancelled
        and times.ends_at is not None
        and times.ends_at > now
    ]
    return sorted(found, key=lambda pair: (pair[1].starts_at, pair[0].id))


def reflow(meeting: Meeting) -> None:
    """Recompute every slot's start from the meeting's start and the order, and (unless its
    length is pinned) the meeting's end from its last slot; raise SEQUENCE of what moved."""
    _place(layout(meeting))
    follow_slots(meeting)


def slots_end_minutes(meeting: Meeting, laid: list | None = None) -> int | None:
    """When the last slot still on ends, in minutes from the meeting's start (None: no slot);
    from `laid`, the meeting's `layout`, where the caller has it already."""
    laid = layout(meeting) if laid is None else laid
    ends = [t.end_minutes for s, t in laid if s.status != SlotStatus.cancelled]
    return max(ends) if ends else None


def follow_slots(meeting: Meeting) -> None:
    """An unpinned meeting ends with its last slot; a pinned one keeps the length typed."""
    end = slots_end_minutes(meeting)
    if meeting.duration_pinned or end is None or end == meeting.duration_minutes:
        return
    if end > MAX_MINUTES:
        # As long as a meeting may be typed to last; a pinned length flags the slot instead.
        raise AgendaError(
            f"The slots would end {end} minutes after the meeting's start; a meeting lasts at "
            f"most {MAX_MINUTES} minutes. Shorten, move or remove a slot."
        )
    meeting.duration_minutes = end
    _touch(meeting, ["duration_minutes"], SIGNIFICANT_MEETING)


def unplanned_minutes(meeting: Meeting, laid: list | None = None) -> int:
    """Minutes of a pinned length left after the last slot ends: time no slot plans (0 when the
    meeting follows its slots, has none, or they fill it or overrun it)."""
    end = slots_end_minutes(meeting, laid)
    if not meeting.duration_pinned or end is None:
        return 0
    return max(meeting.duration_minutes - end, 0)


def sharing_talks(meeting: Meeting) -> list[Slot]:
    """The talks that can take the unplanned time: presentations from the last slot pinned to a
    time on (one before it would run into it) that `takes_a_share`; breaks and discussions keep
    their length."""
    slots = [s for s in meeting.slots if s.status != SlotStatus.cancelled]
    pinned = [index for index, s in enumerate(slots) if s.offset_minutes is not None]
    return [s for s in slots[pinned[-1] if pinned else 0 :] if takes_a_share(s)]


def takes_a_share(slot: Slot) -> bool:
    """Whether a talk takes a share of the unplanned time: one whose presenter stands
    (confirmed, or invited and not answered yet) or who is still to be invited. Not one that
    is cancelled, nor one that keeps its length (`_keeps_its_length`): a talk that stands
    takes the minutes."""
    return (
        slot.kind == "presentation"
        and slot.status != SlotStatus.cancelled
        and _keeps_its_length(slot) is None
    )


def _keeps_its_length(slot: Slot) -> str | None:
    """Why a talk still on keeps its length when the unplanned time is shared, as the editor
    says it; None if it takes a share. One declined, or that the co-leads took its presenter
    off (it waits for another presenter, or to be removed: its minutes would go with it), or
    whose presenter asked for another time (the co-leads owe them an answer first;
    lengthened, they would be asked to confirm a time they did not ask for)."""
    if _asked_for_another_time(slot):
        return "its presenter asked for another time"
    if slot.presenter_taken_off:
        return "the co-leads took its presenter off it"
    if slot.status == SlotStatus.declined:
        return "its presenter declined"
    return None


def left_out_of_sharing(meeting: Meeting, sharing: list[Slot]) -> list[tuple[Slot, str]]:
    """The talks still on that take no share of the unplanned time (those not `sharing`, as
    `sharing_talks` gives them), each with why, as the editor says it beside the action."""
    return [
        (slot, _keeps_its_length(slot) or "it comes before the last slot pinned to a time")
        for slot in meeting.slots
        if slot.kind == "presentation"
        and slot.status != SlotStatus.cancelled
        and slot not in sharing
    ]


def share_unplanned_time(meeting: Meeting) -> list[Slot]:
    """Lengthen the talks evenly, in whole minutes (the first ones a minute more while minutes
    remain), until the slots fill the meeting's pinned length: what a co-lead who gave a
    workshop three hours did by hand, a talk at a time (helper-365). Each talk changes as an
    edit of its length would: its presenter is told (asked to confirm again, if they had
    confirmed), its calendars follow. Returns the talks lengthened."""
    refuse_if_cancelled(meeting)
    if meeting.took_place():
        raise AgendaError(
            "The meeting has taken place: its talks keep the lengths they had.", status=409
        )
    minutes, talks = unplanned_minutes(meeting), sharing_talks(meeting)
    if not minutes:
        end = slots_end_minutes(meeting)
        if meeting.duration_pinned and end is not None and end > meeting.duration_minutes:
            raise AgendaError(
                f"The slots run {end - meeting.duration_minutes} minutes past the meeting's "
                "end: no time is left to share. Shorten a slot, or lengthen the meeting.",
                status=409,
            )
        raise AgendaError("The slots fill the meeting: no time is left to share.", status=409)
    if not talks:
        left_out = "; ".join(
            f"“{s.title}”: {why}" for s, why in left_out_of_sharing(meeting, talks)
        )
        raise AgendaError(
            f"No talk can take the {minutes} minutes"
            + (f" ({left_out})" if left_out else "")
            + ": lengthen a slot or shorten the meeting.",
            status=409,
        )
    each, rest = divmod(minutes, len(talks))
    lengthened = [talk for index, talk in enumerate(talks) if each + (index < rest)]
    # One change of the agenda, laid out once: each talk's event changes once (its SEQUENCE
    # rises by one, however many talks before it grew), as one edit of a length changes it.
    starts = {talk: talk.starts_at for talk in lengthened}
    for index, talk in enumerate(lengthened):
        talk.duration_minutes += each + (index < rest)
    _place(layout(meeting))
    for talk in lengthened:
        if talk.starts_at == starts[talk]:
            # Not moved, so not touched by `_place`: its new length is its change.
            asked = _ask_again(talk) or _confirmed_as_it_was(talk)
            _touch(talk, ["duration_minutes", *asked], SIGNIFICANT_SLOT)
    meeting.updated_at = utcnow()
    return lengthened


def _place(placed: Sequence[tuple[Slot, SlotTimes]], keeps_status: Slot | None = None) -> None:
    """Write the laid-out times; `keeps_status` is a slot whose status the same change sets."""
    for position, (slot, times) in enumerate(placed):
        slot.position = position
        if slot.starts_at != times.starts_at:
            moved = slot.starts_at is not None  # a slot getting its first time has not moved
            slot.starts_at = times.starts_at
            if moved:
                asked = (
                    (_ask_again(slot) or _confirmed_as_it_was(slot))
                    if slot is not keeps_status
                    else []
                )
                _touch(slot, ["starts_at", *asked], SIGNIFICANT_SLOT)


def _ask_again(slot: Slot) -> list[str]:
    """A presenter confirms a time, not a slot: when a confirmed slot's time or length changes,
    it is invited again and their answer is cleared, so their page and the update they are sent
    ask them to confirm the new time (RFC 5546: a significant change resets the attendee's
    answer; Outlook and Google do so too). So with a presenter who asked for another time: the
    time they answered about is gone, and the new one is theirs to confirm (their request's note
    stays with the co-leads). A status set by the same change (a co-lead who confirms it at the
    new time) stands: callers leave that slot out. Not once the meeting is under way: the
    co-leads shift the talks still to come as one runs long, their presenters are there, and
    are told the new time; asked again, each was "to be confirmed" on the agenda and in
    calendars while they gave their talk, and after (helper-195). Returns the fields changed."""
    if slot.meeting.starts_at is not None and slot.meeting.starts_at <= utcnow():
        return []
    requested = _asked_for_another_time(slot)
    if not confirmed_by_presenter(slot) and not requested:
        return []  # no presenter answered it (a discussion, a slot a co-lead confirmed)
    slot.status = SlotStatus.invited
    # answered_at stays: their page says they answered before, and which answer it was.
    slot.invitation.previous_answer, slot.invitation.answer = slot.invitation.answer, None
    # Noted for the transaction: the update mail asks them again, the co-lead is told whose.
    db.session.info.setdefault(ASKED_AGAIN, set()).add(slot.id)
    db.session.info.get(CONFIRMED_AGAIN, set()).discard(slot.id)  # back, then moved on again
    return [] if requested else ["status"]


def _asked_for_another_time(slot: Slot) -> bool:
    """Whether the slot's presenter asked for another time than the one it has."""
    invitation = slot.held_by
    return (
        slot.status == SlotStatus.invited
        and invitation is not None
        and invitation.answer == Answer.another_time
    )


def _confirmed_as_it_was(slot: Slot) -> list[str]:
    """A slot whose presenter was asked to confirm again, moved back (or its length set back)
    to the start and length they confirmed, before they answered: their confirmation stands
    again (a co-lead's move undone should not leave them a question: one still waiting to go
    is withdrawn, and one that went is followed by word that their confirmation stands).
    Returns the fields changed."""
    invitation = slot.held_by
    if (
        slot.status != SlotStatus.invited
        or invitation is None
        or invitation.answer is not None
        or invitation.confirmed_start is None
        or (invitation.confirmed_start, invitation.confirmed_minutes)
        != (slot.starts_at, slot.duration_minutes)
    ):
        return []
    slot.status = SlotStatus.confirmed
    invitation.answer = SlotStatus.confirmed
    db.session.info.get(ASKED_AGAIN, set()).discard(slot.id)  # asked and back in one change
    db.session.info.setdefault(CONFIRMED_AGAIN, set()).add(slot.id)
    return ["status"]


def confirmed_by_presenter(slot: Slot) -> bool:
    """Whether the slot is confirmed by its presenter's own answer: a change of its time or
    length asks them again (`_ask_again`)."""
    invitation = slot.held_by
    return (
        slot.status == SlotStatus.confirmed
        and invitation is not None
        and invitation.answer == SlotStatus.confirmed
    )


def asked_again(meeting: Meeting) -> list[Slot]:
    """The meeting's slots whose presenters this transaction asked to confirm again."""
    noted = db.session.info.get(ASKED_AGAIN, set())
    return [s for s in meeting.slots if s.id in noted]


def titles_of(slots: Iterable[Slot]) -> str:
    """Slots named in a sentence: “Opening”, “AI search”."""
    return ", ".join(f"“{s.title}”" for s in slots)


def ended_draft_note(meeting: Meeting) -> str | None:
    """A draft dated in the past is kept (a record of a meeting, or a year mistyped), but it
    will not publish: said when it is saved, on the page and in the API (helper-155: the API
    created one in 2020 without a word), not only when publishing is refused."""
    if meeting.status != MeetingStatus.draft or not meeting.ended():
        return None
    return (
        f"Its date has passed (it ended {moment_in(meeting.time_zone, meeting.ends_at)}): a "
        "meeting that has ended cannot be published. Set a date to come if that was a mistake."
    )


def asked_again_note(meeting: Meeting) -> str | None:
    """What the co-lead who made a change is told of it (pages and API): whose presenters are
    asked to confirm again, and whose confirmation stands again."""
    noted = db.session.info.get(CONFIRMED_AGAIN, set())
    back = [s for s in meeting.slots if s.id in noted]
    notes = [_asked_again_note(meeting)]
    if back:
        who = "its presenter" if len(back) == 1 else "their presenters"
        notes.append(
            f"{titles_of(back)} {'is' if len(back) == 1 else 'are'} back at the time {who} "
            "confirmed: confirmed again (told it stands if the question had gone out)."
        )
    return " ".join(n for n in notes if n) or None


def _asked_again_note(meeting: Meeting) -> str | None:
    asked = asked_again(meeting)
    if not asked:
        return None
    requested = [s for s in asked if s.invitation.previous_answer == Answer.another_time]
    confirmed = [s for s in asked if s not in requested]
    notes = []
    for slots, answered, asked_to in (
        (confirmed, "confirmed it as it was", "confirm it again"),
        (requested, "had asked for another time", "confirm the new one"),
    ):
        if not slots:
            continue
        who, verb = ("its presenter", "is") if len(slots) == 1 else ("their presenters", "are")
        emailed = sum(bool(s.invitation.email) for s in slots)
        where = (
            "on their page and by email"
            if emailed == len(slots)
            else "on their page (and by email, where they gave an address)"
            if emailed
            else "on their page (no address to email them)"
        )
        notes.append(
            f"{titles_of(slots)} moved or changed length: {who} {answered} and {verb} asked to "
            f"{asked_to}, {where}."
        )
    return " ".join(notes)


def apply_slot(slot: Slot, meeting: Meeting, changes: Mapping) -> None:
    """Validate and apply slot fields (as named in the API). A pinned start that would overlap
    the slot before it is refused. A pinned start is an instant, a wall-clock time in the home
    zone, or a time of day (the first one from the meeting's start on)."""
    refuse_if_cancelled(meeting)
    if slot.status == SlotStatus.cancelled and changes.get("status", slot.status) != slot.status:
        # Its presenter and subscribers were sent its cancellation; bringing it back would also
        # bring back what the proposal rules keep off an agenda (a declined proposal, a twin).
        raise AgendaError(
            "A cancelled slot stays cancelled: add a new slot instead.", field="status", status=409
        )
    checks = {
        "title": lambda v: check_published_text(v, "The slot title", 200, required=True),
        "kind": lambda v: check_choice(v, SLOT_KINDS, "slot kind"),
        "duration_minutes": lambda v: check_minutes(v, "The slot duration"),
        "office": check_office,
        "recommendations": check_recommendations,
        "proposal_id": check_proposal,
        "status": lambda v: check_choice(v, SLOT_STATUSES, "slot status"),
        "abstract": lambda v: check_published_text(v, "The abstract", 4000, multiline=True),
        "starts_at": lambda v: check_pinned(v, meeting),
        "offset_minutes": lambda v: v if v is None else check_offset(v),
    }
    if "proposal_id" in changes and changes["proposal_id"] == slot.proposal_id:
        # The link as it is (to a proposal declined since, say) is kept, not checked again.
        changes = {name: value for name, value in changes.items() if name != "proposal_id"}
    values = validated(checks, changes, "slot")
    if "starts_at" in values:
        values["offset_minutes"] = values.pop("starts_at")
    if values.get("proposal_id") is not None:
        _refuse_twice(values["proposal_id"], slot, meeting)
    _refuse_kind_with_presenter(slot, values)
    _refuse_presenterless_status(slot, values)
    _refuse_status_without_invitation(slot, values)
    # The proposal first: its office is filled in from it, and the office is not what to empty.
    _refuse_proposal_of_no_presentation(slot, values)
    values = _office_of_the_proposal(slot, values)
    _refuse_office_of_a_break(slot, values)
    # Loaded before the slot changes: a load after would first write the change in an UPDATE of
    # its own, and the touch below in another, raising the slot's version twice for one save.
    invitation, slots = slot.invitation, meeting.slots
    changed = []
    for name, value in values.items():
        attribute = {"office": "office_code", "proposal_id": "proposal"}.get(name, name)
        if getattr(slot, attribute) != value:
            setattr(slot, attribute, value)
            changed.append(name)
            if attribute == "office_code":
                # The office object too: one loaded earlier in the request (the page showed it)
                # would otherwise be the old one until the next load, and the messages sent at
                # the commit named it and its time zone (helper-58). Read as the loads above.
                with db.session.no_autoflush:
                    slot.office = db.session.get(Office, value) if value else None
    if "proposal_id" in changed and slot.proposal is not None:
        # The proposal's row is written too, so its version rises: a decision on it taken at the
        # same moment (a decline, which checks no agenda holds it) and this cannot both succeed.
        slot.proposal.updated_at = utcnow()
    if slot not in slots:
        slots.append(slot)
    placed = layout(meeting)
    _check_overlaps(placed, slot)
    status_given = "status" in changed
    lengthened = "duration_minutes" in changed and not status_given
    if (
        status_given
        and slot.status == SlotStatus.invited
        and invitation is not None
        and invitation.answer == SlotStatus.confirmed
    ):
        # A co-lead sets it back to invited: the presenter's answer is awaited again, and a
        # move back does not bring their confirmation back.
        invitation.previous_answer, invitation.answer = invitation.answer, None
    if status_given and invitation is not None and not confirmed_by_presenter(slot):
        invitation.confirmed_start = invitation.confirmed_minutes = None
    _touch(slot, changed, SIGNIFICANT_SLOT)
    _place(placed, keeps_status=slot if status_given else None)
    if lengthened:
        # After the slot's start is written: judged on the start and length it now has.
        _touch(slot, _ask_again(slot) or _confirmed_as_it_was(slot), SIGNIFICANT_SLOT)
    follow_slots(meeting)


def _refuse_kind_with_presenter(slot: Slot, values: Mapping) -> None:
    """A presentation its presenter holds (invited or confirmed: it is in their calendar, and
    they hear of its changes) does not become a discussion or a break by a change of kind: only
    a presentation has a presenter, so from then on nothing about it would reach them, and their
    copy would stay at its old time, confirmed, whatever followed (helper-151). The co-lead takes
    them off first, by setting it back to proposed (which tells them, as any setting back does)
    or cancelling it, then changes its kind; the same change cannot do both, so that the
    presenter hears of it as a presentation. Said with their name."""
    kind = values.get("kind", slot.kind)
    holder = slot.held_by
    if kind == slot.kind or holder is None:
        return
    answered = "has confirmed it" if slot.status == SlotStatus.confirmed else "is invited to it"
    raise AgendaError(
        f"“{slot.title}” has a presenter: {holder.name} {answered}, and a {kind} has none. "
        "Take them off it first: set its status back to proposed (they are told it is no "
        "longer theirs) or cancel the slot; then change its kind.",
        field="kind",
        status=409,
    )


# What only a presentation has: a presenter invited, who may decline.
_PRESENTER_STATUSES = (SlotStatus.invited, SlotStatus.declined)


def _refuse_presenterless_status(slot: Slot, values: Mapping) -> None:
    """A break or a discussion has no presenter to invite or to be declined by: it is proposed,
    confirmed or cancelled. Checked when the kind or the status changes (a slot stored before
    this rule keeps what it has until then)."""
    kind = values.get("kind", slot.kind)
    status = values.get("status", slot.status)
    if kind == "presentation" or status not in _PRESENTER_STATUSES:
        return
    if kind == slot.kind and status == slot.status:
        return
    field = "status" if status != slot.status else "kind"
    # A slot stored before this rule (a discussion left invited) was never a presentation.
    also = ", or keep it a presentation" if field == "kind" and slot.kind == "presentation" else ""
    raise AgendaError(
        f"A {kind} has no presenter to be {status}: give it the status proposed, confirmed or "
        f"cancelled{also}.",
        field=field,
    )


def _refuse_status_without_invitation(slot: Slot, values: Mapping) -> None:
    """A presentation is invited once someone is, and declined once they decline: set by hand
    with nobody invited, the status would be untrue, and the office's contacts are told it
    ("its presenter is invited and has not confirmed yet", helper-155). A co-lead may confirm a
    talk arranged otherwise (confirmed), but not invite nobody."""
    status = values.get("status", slot.status)
    if status not in _PRESENTER_STATUSES or status == slot.status or slot.invitation is not None:
        return
    raise AgendaError(
        f"Nobody is invited to present “{values.get('title', slot.title)}”: it becomes invited "
        "when you invite its presenter (the slot's Invite page, or POST "
        "/api/v1/slots/<id>/invite), and declined when they decline. Until then it is proposed, "
        "confirmed (if you confirm it yourself) or cancelled.",
        field="status",
    )


def _refuse_office_of_a_break(slot: Slot, values: Mapping) -> None:
    """A break is nobody's: with an office, it counted among the talks the office gives and went
    into its feed (helper-155: "PE presents 7"). Checked when the kind or the office changes."""
    kind = values.get("kind", slot.kind)
    office = values.get("office", slot.office_code)
    if kind != "break" or not office:
        return
    if kind == slot.kind and office == slot.office_code:
        return
    raise AgendaError(
        "A break is no office's: leave its office empty.",
        field="office" if "office" in values else "kind",
    )


def _refuse_proposal_of_no_presentation(slot: Slot, values: Mapping) -> None:
    """Only a presentation presents a volunteer's proposal: a break or a discussion linked to
    one was listed on the volunteer's page under "When you present", waiting for a presenter
    no one can invite, and the proposal stayed on an agenda, so no decision could change and no
    other meeting took it (helper-163). Checked when the kind or the proposal changes."""
    kind = values.get("kind", slot.kind)
    proposal = values.get("proposal_id", slot.proposal)
    if kind == "presentation" or proposal is None:
        return
    if kind == slot.kind and proposal is slot.proposal:
        return
    raise AgendaError(
        f"A {kind} presents no proposal: leave its proposal empty.",
        field="proposal_id" if "proposal_id" in values else "kind",
    )


def _office_of_the_proposal(slot: Slot, values: dict) -> dict:
    """A slot of no office linked to a proposal takes the proposal's office, as a slot made
    from the proposal does; one of another office keeps it (`proposal_of_another_office`)."""
    proposal = values.get("proposal_id")
    if proposal is None or values.get("office", slot.office_code) is not None:
        return values
    return {**values, "office": proposal.office_code}


def refuse_if_cancelled(meeting: Meeting) -> None:
    """A cancelled meeting stays as it was when it was cancelled: its presenters and subscribers
    were sent the cancellation, and a change would send them its event again, as a REQUEST."""
    if meeting.status == MeetingStatus.cancelled:
        raise AgendaError(
            "The meeting is cancelled, so it no longer changes: bring it back first (“Bring "
            f"the meeting back…” on its editor, or POST /api/v1/meetings/{meeting.id}/reinstate), "
            "or copy it as a new draft.",
            status=409,
        )


def _refuse_twice(proposal: Proposal, slot: Slot, meeting: Meeting) -> None:
    """A proposal has one slot in a meeting (a second click on "Schedule" would add another):
    another slot of the meeting that is not cancelled already holds it."""
    for other in meeting.slots:
        if (
            other is not slot
            and other.proposal is proposal
            and other.status != SlotStatus.cancelled
        ):
            raise AgendaError(
                f"Proposal {proposal.id} is in this meeting already, as “{other.title}”: edit that "
                "slot (or cancel it first).",
                field="proposal_id",
                status=409,
            )


def refuse_a_talk_given(changes: Mapping, slot: Slot | None = None) -> None:
    """A script links no proposal whose talk was given at a meeting that took place to a slot
    (a new one, or `slot`, not already linked to it), as the slot editor no longer offers it:
    a talk given is not proposed again (helper-204). 409, naming where it was given. "Schedule"
    on the proposal's page presents it once more, on purpose."""
    wanted = changes.get("proposal_id")
    if not isinstance(wanted, int) or isinstance(wanted, bool) or not 0 < wanted <= MAX_INT:
        return  # none, or no proposal's number: check_proposal says what is wrong with it
    if slot is not None and slot.proposal_id == wanted:
        return  # the link as it is stays
    given = given_presentations(utcnow(), proposal_id=wanted)
    if not given:
        return
    where = "; ".join(
        f"“{talk.meeting.title}” on "
        f"{local_time(talk.meeting.time_zone or 'UTC', talk.meeting.starts_at):%-d %B %Y}"
        for talk in given[:3]
    )
    raise AgendaError(
        f"Proposal {wanted}'s talk was given at {where}: a talk given is not linked to another "
        "slot. To present it once more on purpose, use “Schedule” on the proposal's page "
        f"(/proposals/{wanted}).",
        field="proposal_id",
        status=409,
    )


def presenter_changed(slot: Slot) -> None:
    """Someone else presents the slot: an iTIP change (the one invited before is sent a CANCEL,
    which needs a SEQUENCE above the one they had), so SEQUENCE rises."""
    slot.sequence = (slot.sequence or 0) + 1
    slot.updated_at = utcnow()


def _check_overlaps(placed: Sequence[tuple[Slot, SlotTimes]], changed: Slot) -> None:
    previous_end: datetime | None = None
    for slot, times in placed:
        if times.overlaps:
            # Said in the home zone's clock time the co-lead typed (helper-69: "+50 min").
            zone = slot.meeting.time_zone or "UTC"
            at = (
                f"{local_time(zone, times.starts_at):%H:%M}, before the slot before it ends "
                f"({local_time(zone, previous_end):%H:%M})"
                if times.starts_at is not None and previous_end is not None
                else f"{times.offset_minutes} minutes after the meeting's start, before the "
                "slot before it ends"
            )
            raise AgendaError(
                f"“{slot.title}” would start at {at}: slots cannot overlap. Move it or shorten "
                "the one before.",
                # The changed slot's own start, or (another slot's) something else.
                field="starts_at" if slot is changed else None,
            )
        if times.ends_at is not None and (previous_end is None or times.ends_at > previous_end):
            previous_end = times.ends_at


def slot_fields_from_proposal(proposal: Proposal) -> dict:
    """A slot for an accepted proposal, as slot changes (named as in the API): its title,
    abstract, office, length, recommendations and the link back to it."""
    return {
        "title": proposal.title,
        "abstract": proposal.abstract,
        "office": proposal.office_code,
        "duration_minutes": proposal.duration_minutes,
        "recommendations": [r.number for r in proposal.recommendations],
        "proposal_id": proposal.id,
    }


def with_proposal_fields(changes: Mapping) -> dict:
    """The changes, with what a linked proposal says filling every field left empty or out."""
    filled = dict(changes)
    if changes.get("proposal_id") is None:
        return filled
    proposal = on_field("proposal_id", check_proposal, changes["proposal_id"])
    for name, value in slot_fields_from_proposal(proposal).items():
        if filled.get(name) in (None, "", []):
            filled[name] = value
    return filled


def create_slot(meeting: Meeting, changes: Mapping) -> Slot:
    """A new slot; with a linked proposal, what the co-lead left empty comes from it."""
    changes = with_proposal_fields(changes)
    if meeting.took_place():
        # A new slot would be news of a past meeting to its office's contacts
        # ("On the agenda: ...") and a change to every calendar holding it (helper-163).
        raise AgendaError(
            "The meeting has ended: it takes no new slot. It stays among the past meetings as it "
            "took place.",
            status=409,
        )
    if not str(changes.get("title") or "").strip():
        raise AgendaError("The slot title is required.", field="title")
    slot = Slot(
        title="",
        kind="presentation",
        status=SlotStatus.proposed,
        duration_minutes=20,
        position=len(meeting.slots),
        abstract="",
        sequence=0,
        # No one is invited to a new slot: said, so its availability is not looked up.
        invitation=None,
    )
    apply_slot(slot, meeting, changes)
    meeting.updated_at = utcnow()
    return slot


def before_closing(slot: Slot) -> list[Slot]:
    """A new presentation goes before the slots that close the agenda (a closing discussion, a
    break at the end), right after the last presentation; returns those it went before. With no
    presentation yet, or a closing slot pinned to its time, it stays last: nothing to go after,
    nothing to unpin."""
    slots = slot.meeting.slots
    before = slots[: slots.index(slot)]
    trailing = []
    for other in reversed(before):
        if other.kind == "presentation":
            break
        trailing.append(other)
    if len(trailing) == len(before) or any(o.offset_minutes is not None for o in trailing):
        return []
    for _ in trailing:
        move_slot(slot, -1)
    return trailing[::-1]


@dataclass(frozen=True)
class Moved:
    """What a move did besides the move: the slot moved, if it was pinned (it follows the slots
    before it now), and the pinned slot it went past, which keeps its time."""

    unpinned: Slot | None = None
    past: Slot | None = None


def move_slot(slot: Slot, step: int) -> Moved:
    """Move a slot up (-1) or down (+1), past the slot next to it. The slot moved then follows
    the slots before it (unpinned, if it was: the co-lead moved it); the other keeps its pinned
    start, if it has one, as a pinned slot does until it is moved or edited itself (helper-239:
    a talk moved past a break pinned to 13:00 unpinned the break, which then moved). A move
    that would make slots overlap is refused, nothing moved."""
    refuse_if_cancelled(slot.meeting)
    meeting = slot.meeting
    slots = meeting.slots
    index = slots.index(slot)
    target = index + step
    if not 0 <= target < len(slots):
        return Moved()
    other = slots[target]
    order = list(slots)
    order[index], order[target] = other, slot
    _refuse_overlap(meeting, slot, order)
    unpinned = slot if slot.offset_minutes is not None else None
    slot.position, other.position = other.position, slot.position
    slot.offset_minutes = None
    # Sorting in place moves no slot out of the collection (which would delete it as an orphan).
    slots.sort(key=lambda s: s.position)
    reflow(meeting)
    meeting.updated_at = utcnow()
    return Moved(unpinned, other if other.offset_minutes is not None else None)


def _refuse_overlap(meeting: Meeting, moved: Slot, order: Sequence[Slot]) -> None:
    """Refuse a move after which a slot would end after a pinned slot's start (one that
    overlapped before the move is left as it was: not this move's doing)."""
    overlapping = {s for s, t in layout(meeting) if t.overlaps}
    last: tuple[Slot, SlotTimes] | None = None  # the slot so far that ends last
    for slot, times in _laid_out(meeting, order, unpinned=moved):
        if times.overlaps and slot not in overlapping and last is not None:
            pinned, ends = (
                clock_at(meeting, times.offset_minutes),
                clock_at(meeting, last[1].end_minutes),
            )
            if last[0] is moved:
                why = f"before “{slot.title}”, pinned to {pinned}, it would end at {ends}"
                shorten = "Shorten it"
            else:
                why = (
                    f"“{last[0].title}” would then end at {ends}, after “{slot.title}” starts, "
                    f"pinned to {pinned}"
                )
                shorten = f"Shorten a slot before “{slot.title}”"
            raise AgendaError(
                f"“{moved.title}” was not moved: {why}. {shorten}, or unpin “{slot.title}” first "
                "(on its Edit page, leave its start empty).",
                status=409,
            )
        if last is None or times.end_minutes > last[1].end_minutes:
            last = (slot, times)


def remove_slot(slot: Slot) -> str:
    """Delete a draft slot; a slot subscribers may have is cancelled instead."""
    meeting = slot.meeting
    refuse_if_cancelled(meeting)
    if meeting.was_published:
        if slot.status != SlotStatus.cancelled:
            slot.status = SlotStatus.cancelled
            _touch(slot, ["status"], SIGNIFICANT_SLOT)
            follow_slots(meeting)
        return "cancelled"
    meeting.slots.remove(slot)
    db.session.delete(slot)
    reflow(meeting)
    return "deleted"


def refuse_moving_if_took_place(meeting: Meeting) -> None:
    """A published meeting that took place keeps its start (helper-254): moved to a date to
    come it would no longer have taken place, its archive and the talks given would go, its
    presenters would be asked to confirm again, and it could then be cancelled."""
    if meeting.took_place():
        raise AgendaError(
            "The meeting has taken place: its date and start stay as they were, on the record "
            "and in calendars. To hold it again, copy it as a new draft.",
            field="starts_at",
        )


def refuse_if_ended(meeting: Meeting) -> None:
    """A meeting that took place is not cancelled afterwards: its calendars and presenters
    would be told a past meeting is off (helper-60)."""
    if meeting.ended():
        raise AgendaError(
            "The meeting has ended: there is nothing to cancel. It stays among the past "
            "meetings as it took place.",
            field="status",
        )


def remove_meeting(meeting: Meeting) -> str:
    """Delete a never-published meeting; a published one is cancelled instead (not once it has
    ended)."""
    if meeting.was_published:
        if meeting.status != MeetingStatus.cancelled:
            refuse_if_ended(meeting)
            meeting.status = MeetingStatus.cancelled
            _touch(meeting, ["status"], SIGNIFICANT_MEETING)
        return "cancelled"
    db.session.delete(meeting)
    return "deleted"


def reinstate_problem(meeting: Meeting) -> str | None:
    """Why a cancelled meeting cannot be brought back as it was (None: it can); asked by the
    page that asks first, and by `reinstate`."""
    if meeting.status != MeetingStatus.cancelled:
        return "It is not cancelled: there is nothing to bring back."
    if meeting.ended():
        # Its presenters and subscribers would be told a past meeting is on again.
        return (
            "The meeting's time has passed (it ended "
            f"{moment_in(meeting.time_zone, meeting.ends_at)}): it cannot be brought back. "
            "Copy it as a new draft to hold it on another day."
        )
    for slot in meeting.slots:
        if slot.proposal is None or slot.status == SlotStatus.cancelled:
            continue
        if (elsewhere := _agenda_holding(slot.proposal, meeting)) is not None:
            # Once the meeting was cancelled its talks were free to go on another agenda: it
            # would then be on two, and its presenter invited to both.
            return (
                f"“{slot.title}” (proposal {slot.proposal_id}) is on the agenda of "
                f"“{elsewhere.meeting.title}” now: cancel it there first, or copy this meeting "
                "as a new draft without it."
            )
        if slot.proposal.status != ProposalStatus.accepted:
            return (
                f"“{slot.title}” presents proposal {slot.proposal_id}, which is "
                f"{slot.proposal.status} now: accept it again first, or copy this meeting as a "
                "new draft without it."
            )
    return None


def reinstate(meeting: Meeting) -> None:
    """Bring a cancelled meeting back as it was when it was cancelled: published again, every
    slot with the status it kept, its UIDs the same and its SEQUENCE raised, so that every
    calendar its cancellation reached takes it back (the feeds at their next refresh; those the
    cancellation was emailed to are told it is back, `mail.messages.changes`). Not once it has
    ended (409)."""
    if problem := reinstate_problem(meeting):
        raise AgendaError(problem, field="status", status=409)
    meeting.status = MeetingStatus.published
    _touch(meeting, ["status"], SIGNIFICANT_MEETING)


def _agenda_holding(proposal: Proposal, other_than: Meeting | None = None) -> Slot | None:
    """A slot that presents `proposal` on an agenda (not cancelled, in a meeting not cancelled),
    in another meeting than `other_than`; None when no agenda holds it."""
    query = (
        select(Slot)
        .join(Slot.meeting)
        .where(
            Slot.proposal_id == proposal.id,
            Slot.status != SlotStatus.cancelled,
            Meeting.status != MeetingStatus.cancelled,
        )
        .order_by(Slot.id)
        .limit(1)
    )
    if other_than is not None:
        query = query.where(Slot.meeting_id != other_than.id)
    return db.session.scalars(query).first()


def copy_plan(meeting: Meeting) -> tuple[list[tuple[Slot, Proposal | None]], list[str]]:
    """What "Copy as a new draft" brings along from `meeting`: its slots not cancelled, each
    with the proposal it keeps presenting (None where it keeps none), and what it leaves out,
    said for the co-lead. A talk keeps its proposal while no other agenda holds it, it is
    accepted and its talk was not given; the programme freeze is left out once it has passed."""
    kept: list[tuple[Slot, Proposal | None]] = []
    left: list[str] = []
    if _freeze_passed(meeting):
        left.append(
            f"the programme freeze of {meeting.freeze_on:%-d %B %Y}, which has passed (its "
            "presenters could have changed nothing): set one on its editor"
        )
    for slot in meeting.slots:
        if slot.status == SlotStatus.cancelled:
            left.append(f"“{slot.title}”, cancelled before the meeting was")
            continue
        proposal = slot.proposal
        if proposal is not None and (why := _not_presented_again(proposal)):
            left.append(f"the link of “{slot.title}” to proposal {proposal.id}: {why}")
            proposal = None
        kept.append((slot, proposal))
    return kept, left


def copy_meeting(meeting: Meeting) -> tuple[Meeting, list[str]]:
    """A new draft made from `meeting` ("Copy as a new draft"): to hold a cancelled meeting on
    another day, or anew, without typing it again. Its title, kind, time (kept, to be changed
    on the draft's editor), length, zone, links, description, settings, recommendation, series
    and participating offices, and its slots as `copy_plan` says, in order, with their pins,
    lengths, offices, abstracts and recommendations. New UIDs: it is another event, in no
    calendar yet. It remembers the meeting it was copied from; no one is invited and nothing is
    sent: each presentation is proposed, and remembers the slot it was copied from, whose
    presenter "Invite" fills in (`Slot.to_invite_again`). Returns the draft and what it did
    not bring along."""
    kept, left = copy_plan(meeting)
    draft = Meeting(
        uid=new_uid(),
        title=meeting.title,
        kind=meeting.kind,
        status=MeetingStatus.draft,
        starts_at=meeting.starts_at,
        duration_minutes=meeting.duration_minutes,
        duration_pinned=meeting.duration_pinned,
        time_zone=meeting.time_zone,
        video_url=meeting.video_url,
        description=meeting.description,
        freeze_on=None if _freeze_passed(meeting) else meeting.freeze_on,
        materials_public=meeting.materials_public,
        survey_id=meeting.survey_id,
        recommendation_number=meeting.recommendation_number,
        # A workshop's second session, for other time zones, rotates its start with the first
        # (helper-365: a copy was in no series, and fair start times ignored the first's hours).
        series_id=meeting.series_id,
        sequence=0,
        offices=list(meeting.offices),
        copied_from_id=meeting.id,
        slots=[
            Slot(
                uid=new_uid(),
                position=position,
                offset_minutes=slot.offset_minutes,
                title=slot.title,
                kind=slot.kind,
                duration_minutes=slot.duration_minutes,
                office_code=slot.office_code,
                # No one is invited to the copy: a talk is proposed; a break or a discussion,
                # which no one presents, keeps its own.
                status=SlotStatus.proposed if slot.kind == "presentation" else slot.status,
                abstract=slot.abstract,
                proposal=proposal,
                recommendations=list(slot.recommendations),
                copied_from=slot,
                sequence=0,
                invitation=None,
            )
            for position, (slot, proposal) in enumerate(kept)
        ],
    )
    db.session.add(draft)
    reflow(draft)
    db.session.flush()
    return draft, left


def _freeze_passed(meeting: Meeting) -> bool:
    """Whether the meeting's programme freeze has passed: a copy keeping it would be frozen
    before its first presenter is invited (`presenters.operations.frozen`)."""
    until = meeting.editable_until
    return until is not None and until < utcnow()


def _not_presented_again(proposal: Proposal) -> str | None:
    """Why a copied slot does not present `proposal` again (None: it does): a proposal is on
    one agenda at a time, and a talk given is not proposed again."""
    if proposal.status != ProposalStatus.accepted:
        return f"it is {proposal.status} now"
    if (held := _agenda_holding(proposal)) is not None:
        return f"it stays on the agenda of “{held.meeting.title}”"
    if given_presentations(utcnow(), proposal_id=proposal.id):
        return "its talk was given"
    return None


def publish_problem(meeting: Meeting) -> str | None:
    """Why the meeting cannot be published as it is (None: it can); asked by the page that
    asks first, and by `publish`."""
    if meeting.status == MeetingStatus.cancelled:
        # Its cancellation went to every calendar and presenter: it stays cancelled.
        return (
            "The meeting was cancelled, so it cannot be published again: bring it back instead "
            "(“Bring the meeting back…”, which tells those its cancellation reached), or copy it "
            "as a new draft."
        )
    if meeting.starts_at is None:
        return "Set the date and start time before publishing."
    if not meeting.slots:
        return "Add at least one slot before publishing."
    overruns = [s.title for s, t in layout(meeting) if t.overruns]
    if overruns:
        return (
            f"“{overruns[0]}” runs past the end of the meeting: lengthen the meeting or "
            "shorten the slots before publishing."
        )
    if meeting.status == MeetingStatus.draft and meeting.ended():
        # Publishing would put a past meeting in calendars and invite presenters to it.
        return (
            "The meeting's date has passed (it ended "
            f"{moment_in(meeting.time_zone, meeting.ends_at)}): set a date to come before "
            "publishing, or delete the draft."
        )
    return None


def publish(meeting: Meeting) -> None:
    if problem := publish_problem(meeting):
        raise PublishRefused(problem)
    if meeting.status != MeetingStatus.published:
        meeting.status = MeetingStatus.published
        meeting.published_at = meeting.published_at or utcnow()
        _touch(meeting, ["status"], SIGNIFICANT_MEETING)


def set_offices(meeting: Meeting, codes: Iterable[str]) -> None:
    meeting.offices = offices_by_code(codes)
    meeting.updated_at = utcnow()
