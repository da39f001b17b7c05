"""Storing a proposal's or a presenter's windows, and reading the ones a slot's presenter gave.

A slot's windows are its invitation's (what the presenter said on their page) if it has any,
else its linked proposal's (what the volunteer said) while the volunteer may be its presenter
(nobody else is invited); with neither, a slot is checked against
what the volunteer wrote about their availability, as read into windows (said as such); a slot
with none of these is not checked.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import delete

from planner.agenda.models import HOME_ZONE, Meeting, Slot, SlotStatus
from planner.agenda.operations import layout
from planner.availability.models import AvailabilityWindow
from planner.availability.reading import Reading, read_text
from planner.availability.windows import Window, as_json, inside, mask_days, weekday_mask
from planner.errors import PlannerError
from planner.extensions import db
from planner.presenters.models import Invitation
from planner.proposals.models import Proposal
from planner.timezones import known, local_time, place_name, utc_offset

MAX_WINDOWS = 14


def _window(row: AvailabilityWindow) -> Window:
    return Window(row.time_zone, mask_days(row.weekdays), row.on_date, row.starts, row.ends)


def windows_of(
    *, proposal: Proposal | None = None, invitation: Invitation | None = None
) -> list[Window]:
    """The owner's windows, through its `windows` relationship: the agenda loads them with the
    slots (`agenda.queries`), so a page of many slots reads them in one query."""
    owner = proposal if proposal is not None else invitation
    if owner is None or owner.id is None:
        return []
    return [_window(row) for row in owner.windows]


def replace_windows(
    windows: list[Window],
    *,
    proposal: Proposal | None = None,
    invitation: Invitation | None = None,
) -> None:
    """The owner's windows become `windows` (already checked); none clears them."""
    if (proposal is None) == (invitation is None):
        raise ValueError("Windows belong to a proposal or to an invitation.")
    if len(windows) > MAX_WINDOWS:
        raise PlannerError(f"Give at most {MAX_WINDOWS} windows.", "windows")
    db.session.flush()  # the owner needs its id
    owner = (
        AvailabilityWindow.proposal_id == proposal.id
        if proposal is not None
        else AvailabilityWindow.invitation_id == invitation.id
    )
    db.session.execute(delete(AvailabilityWindow).where(owner))
    for window in windows:
        db.session.add(
            AvailabilityWindow(
                proposal_id=proposal.id if proposal is not None else None,
                invitation_id=invitation.id if invitation is not None else None,
                time_zone=window.time_zone,
                weekdays=weekday_mask(window.weekdays) if window.on is None else None,
                on_date=window.on,
                starts=window.starts,
                ends=window.ends,
            )
        )
    db.session.flush()
    db.session.expire(proposal if proposal is not None else invitation, ["windows"])


def _invitation(slot: Slot) -> Invitation | None:
    return getattr(slot, "invitation", None)


def slot_windows(slot: Slot) -> list[Window]:
    """The presenter's windows: the invitation's once its presenter gave theirs (even none),
    else the linked proposal's while its volunteer may be the presenter."""
    return presenter_windows(_invitation(slot), slot.proposal)


def presenter_windows(invitation: Invitation | None, proposal: Proposal | None) -> list[Window]:
    """The windows that stand for an invitation: its own once its presenter saved them (even
    none), else its own if any (stored before that was recorded), else the proposal's while its
    volunteer may be the presenter (`volunteer_presents`): they are the volunteer's hours, not
    those of someone invited in their place (nor the office's)."""
    windows = windows_of(invitation=invitation) if invitation is not None else []
    given = invitation is not None and invitation.windows_given_at is not None
    if not windows and not given and volunteer_presents(invitation, proposal):
        windows = windows_of(proposal=proposal)
    return windows


def volunteer_presents(invitation: Invitation | None, proposal: Proposal | None) -> bool:
    """Whether what the proposal's volunteer said of their availability (its windows, its
    words) is the presenter's: before anyone is invited, or once the volunteer is
    (`Proposal.volunteer_is`). Someone invited in their place (helper-174: Ana in Sydney, after
    Rosa in Lima declined) gave none of it."""
    if proposal is None:
        return False
    return invitation is None or proposal.volunteer_is(invitation.name)


def reading_zone(slot: Slot) -> str:
    """The zone a proposal's free text is read in when the text names none: its office's, the
    zone the volunteer form asks times in (not the zone the presenter later reads pages in:
    "Tuesday 9-12" written in Moscow stays 09:00-12:00 in Moscow, helper-146)."""
    for office in (slot.proposal.office if slot.proposal is not None else None, slot.office):
        if office is not None and known(office.time_zone):
            return office.time_zone
    return slot.meeting.time_zone or HOME_ZONE


def proposal_zone(proposal: Proposal) -> str:
    """`reading_zone` for a proposal on no slot yet: its office's, else WIPO's."""
    office = proposal.office
    return (office.zone if office is not None else None) or HOME_ZONE


def volunteers_words(slot: Slot) -> str:
    """What the slot's volunteer wrote about their availability, while they may be its
    presenter: before anyone is invited, or once they are. Another presenter's slot is not
    checked against them, nor is that presenter told they wrote them (helper-146: "When
    volunteering, you wrote «вторник 9-12»" to Olga, of Ivan's words)."""
    proposal = slot.proposal
    if proposal is None or not (proposal.availability or "").strip():
        return ""
    if not volunteer_presents(_invitation(slot), proposal):
        return ""
    return proposal.availability.strip()


def read_availability(text: str, zone: str) -> Reading:
    """`reading.read_text` of a proposal's availability text, read once a day however many
    pages and slots ask (a meeting's editor asks once a slot, and the suggestions again)."""
    return _read(text.strip(), zone, datetime.now(UTC).date())


@lru_cache(maxsize=512)
def _read(text: str, zone: str, today: date) -> Reading:
    return read_text(text, zone, today=today)


def checked_windows(slot: Slot) -> tuple[list[Window], str | None]:
    """The windows a slot is checked against, and the proposal's availability text when they
    are read from it: only when neither the presenter nor the volunteer gave windows (a
    presenter who saved none gave none: their page says so), so a reading never overrides what
    someone chose. A text that reads as nothing gives no windows."""
    windows = slot_windows(slot)
    invitation = _invitation(slot)
    given = invitation is not None and invitation.windows_given_at is not None
    text = volunteers_words(slot)
    if windows or given or not text:
        return windows, None
    read = read_availability(text, reading_zone(slot)).windows
    return list(read), text if read else None


def presenter_time(slot: Slot, *, private: bool = True) -> str | None:
    """ "Tue 9 Mar 09:00 in Lima (UTC−5)": when the slot starts for its presenter (None if
    unknown). The zone a presenter chose is theirs and the co-leads' (`private`); anyone else
    is told the time at the presenting office, which the office's public page shows anyway."""
    zone = slot.presenter_zone if private else slot.office_zone
    if zone is None or slot.starts_at is None:
        return None
    there = local_time(zone, slot.starts_at)
    # With its day: for a presenter across the world it is often not the meeting's (helper-81).
    return f"{there:%a %-d %b %H:%M} in {place_name(zone)} ({utc_offset(there)})"


@dataclass(frozen=True)
class SlotAvailability:
    inside: bool | None  # None: no windows given, or no time yet
    windows: list[Window]
    # The proposal's text the windows were read from; None when someone gave them.
    read_from: str | None = None

    def as_json(self) -> dict:
        return {
            "inside": self.inside,
            "windows": [as_json(w) for w in self.windows],
            "read_from": self.read_from,
        }


def slot_availability(slot: Slot) -> SlotAvailability:
    windows, read_from = checked_windows(slot) if slot.kind == "presentation" else ([], None)
    if not windows or slot.starts_at is None or slot.ends_at is None:
        return SlotAvailability(None, windows, read_from)
    return SlotAvailability(inside(windows, slot.starts_at, slot.ends_at), windows, read_from)


@dataclass(frozen=True)
class Presenter:
    """A presenter whose hours the fair start-time suggestion weighs."""

    key: str  # as shown in the ranking's columns
    time_zone: str
    offset_minutes: int  # their slot's start after the meeting's
    duration_minutes: int
    windows: list[Window]
    read_from: str | None = None  # as `SlotAvailability.read_from`
    office: str | None = None  # the office they present for (its country's holidays)

    def slot_inside(self, meeting_start: datetime) -> bool | None:
        """Whether their slot, for a meeting starting then, lies in their windows."""
        if not self.windows:
            return None
        start = meeting_start + timedelta(minutes=self.offset_minutes)
        return inside(self.windows, start, start + timedelta(minutes=self.duration_minutes))


def presenters(meeting: Meeting) -> list[Presenter]:
    """The presenters of the meeting's presentations that are still on, with a known zone."""
    found = []
    for slot, times in layout(meeting):
        if slot.kind != "presentation" or slot.status in (SlotStatus.cancelled, "declined"):
            continue
        zone = slot.presenter_zone
        if zone is None:
            continue
        invitation = _invitation(slot)
        who = invitation.name if invitation is not None else (slot.office_code or slot.title)
        key = f"{who} (presenter)"
        if any(p.key == key for p in found):
            key = f"{who} (presenter {len(found) + 1})"
        windows, read_from = checked_windows(slot)
        found.append(
            Presenter(
                key,
                zone,
                times.offset_minutes,
                slot.duration_minutes,
                windows,
                read_from,
                slot.office_code,
            )
        )
    return found
