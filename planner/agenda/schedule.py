"""When each slot of a meeting starts and ends: slots follow one another in order, unless a slot
is pinned to an offset from the meeting's start. Pure: no Flask, no database."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SlotPlan:
    """A slot as the layout needs it: its length, and its pinned offset if any."""

    duration_minutes: int
    offset_minutes: int | None = None


@dataclass(frozen=True)
class SlotTimes:
    offset_minutes: int  # from the meeting's start
    end_minutes: int
    starts_at: datetime | None  # None while the meeting has no date
    ends_at: datetime | None
    overruns: bool  # ends after the meeting does
    overlaps: bool  # a pinned start earlier than the end of the slot before it
    # Minutes between the end of the slots before and a pinned start later than that: time on
    # the agenda that nothing fills.
    gap_before: int = 0


def lay_out(
    start: datetime | None, meeting_minutes: int, slots: Sequence[SlotPlan]
) -> list[SlotTimes]:
    """Times for each slot, in order; flags overruns and overlaps rather than hiding them."""
    times = []
    cursor = 0
    for slot in slots:
        offset = cursor if slot.offset_minutes is None else slot.offset_minutes
        end = offset + slot.duration_minutes
        times.append(
            SlotTimes(
                offset_minutes=offset,
                end_minutes=end,
                starts_at=start + timedelta(minutes=offset) if start else None,
                ends_at=start + timedelta(minutes=end) if start else None,
                overruns=end > meeting_minutes,
                overlaps=offset < cursor,
                gap_before=max(0, offset - cursor),
            )
        )
        cursor = max(cursor, end)
    return times
