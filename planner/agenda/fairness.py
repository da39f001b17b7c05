"""Fair start times across time zones: an unsocial-hours penalty per office, and rankings.

A meeting costs an office the sum, over its quarter-hours, of how unsocial that quarter-hour is in
the office's local time: nothing in office hours, more early and late, most at night, more on a
local weekend or a public holiday of its country (`days_off`). One meeting is ranked by its worst
office's penalty, then the total; a series rotates the pain by minimising the worst cumulative
burden. Pure: no Flask, no database.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

import numpy as np

from planner.timezones import local_time, zone_info

Key = TypeVar("Key")

STEP = timedelta(minutes=15)
CANDIDATE_STEP = timedelta(minutes=30)

# Penalty per hour of meeting, by local hour of day (index 0 = 00:00–01:00).
HOURLY = np.array(
    [8, 8, 8, 8, 8, 4, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 4, 4], dtype=float
)
WEEKEND_EXTRA = 3.0  # per hour, on a local Saturday or Sunday, or a public holiday there
# Each quarter-hour of the week (Monday 00:00 first): its penalty for a quarter-hour of meeting.
_WEEK = np.concatenate(
    [np.repeat(HOURLY + (WEEKEND_EXTRA if day >= 5 else 0.0), 4) / 4 for day in range(7)]
)
SOCIAL_START, SOCIAL_END = time(7, 0), time(21, 0)


def quarter_of_week(local: datetime) -> int:
    return local.weekday() * 96 + local.hour * 4 + local.minute // 15


def _weight(local: datetime, days_off: Collection[date]) -> float:
    """A quarter-hour's penalty: a public holiday on a weekday weighs as a Saturday would."""
    extra = WEEKEND_EXTRA / 4 if local.weekday() < 5 and local.date() in days_off else 0.0
    return float(_WEEK[quarter_of_week(local)]) + extra


def penalty(start: datetime, minutes: int, zone: str, days_off: Collection[date] = ()) -> float:
    """The unsocial-hours penalty of a meeting for an office in `zone` (start is aware) whose
    public holidays are `days_off`."""
    tz = zone_info(zone)
    full, part = divmod(minutes, 15)
    # A last part of a quarter-hour counts for its minutes (130 minutes are not 135).
    shares = [1.0] * full + ([part / 15] if part else [])
    return sum(
        share * _weight((start + k * STEP).astimezone(tz), days_off)
        for k, share in enumerate(shares)
    )


def outside_social_hours(start_local: datetime, end_local: datetime) -> bool:
    """Starts before 07:00, or ends after 21:00, or runs past midnight, in local time."""
    return (
        start_local.time() < SOCIAL_START
        or end_local.date() != start_local.date()
        or end_local.time() > SOCIAL_END
    )


@dataclass(frozen=True)
class LocalTimes:
    """When a meeting falls for one office, in the office's own time."""

    start: datetime
    end: datetime
    unsocial: bool  # outside 07:00–21:00 there (see `outside_social_hours`)
    other_day: bool  # starts on another date there than in the meeting's home zone


def office_times(
    start: datetime, end: datetime, home_zone: str, zones: Mapping[Key, str | None]
) -> dict[Key, LocalTimes]:
    """Each office's local start and end of a meeting (`zones` maps an office to its zone), in
    the order given; offices without a zone are left out."""
    home_day = local_time(home_zone, start).date()
    times = {}
    for office, zone in zones.items():
        if not zone:
            continue
        there, until = local_time(zone, start), local_time(zone, end)
        times[office] = LocalTimes(
            there, until, outside_social_hours(there, until), there.date() != home_day
        )
    return times


# A presenter's hours count this many times an audience office's: they cannot skip the meeting.
PRESENTER_WEIGHT = 2.0
# Added when a presenter's slot would fall outside the windows they said they can present in:
# more than any night-time penalty of a meeting, so such a start comes last.
OUTSIDE_WINDOW = 40.0


@dataclass(frozen=True)
class Weighed:
    """A participant whose hours weigh more than the audience's: a presenter."""

    key: str
    zone: str
    weight: float = PRESENTER_WEIGHT
    # Per candidate start (in the order given), added after weighting: a window missed.
    extra: Sequence[float] | None = None
    days_off: frozenset[date] = frozenset()  # the public holidays of their office's country


@dataclass(frozen=True)
class CandidateStart:
    start: datetime  # aware, UTC
    penalties: dict[str, float]
    worst: float  # over the offices and the presenters
    total: float
    presenters: dict[str, float] = field(default_factory=dict)  # weighted, window missed included

    @property
    def worst_for(self) -> list[str]:
        """Who carries the worst burden: presenters first, then offices."""
        if self.worst <= 0:
            return []
        burdens = {**self.presenters, **self.penalties}
        return [key for key, value in burdens.items() if value == self.worst]


def candidate_starts(first: date, last: date, zone: str) -> list[datetime]:
    """Every half hour of the home zone's local days `first`..`last`, as UTC instants.

    Local times that a DST change skips are left out; repeated ones appear once each.
    """
    tz = zone_info(zone)
    begin = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
    count = int((end - begin) / CANDIDATE_STEP)
    return [begin + k * CANDIDATE_STEP for k in range(count)]


class _Offsets:
    """UTC offsets of a zone on a 15-minute grid, found by sampling hourly and bisecting changes."""

    def __init__(self, zone: str, begin: datetime, quarters: int) -> None:
        tz = zone_info(zone)

        def offset_minutes(k: int) -> int:
            return int((begin + k * STEP).astimezone(tz).utcoffset().total_seconds() // 60)

        self.minutes = np.empty(quarters, dtype=np.int64)
        start, value = 0, offset_minutes(0)
        for k in range(4, quarters + 4, 4):
            k = min(k, quarters - 1)
            current = offset_minutes(k)
            if current != value:
                low, high = start, k  # value at low, current at high: bisect the change
                while high - low > 1:
                    middle = (low + high) // 2
                    if offset_minutes(middle) == value:
                        low = middle
                    else:
                        high = middle
                self.minutes[start:high] = value
                start, value = high, current
            if k == quarters - 1:
                break
        self.minutes[start:] = value


def rank(
    starts: Sequence[datetime],
    minutes: int,
    zones: Mapping[str, str],
    *,
    carried: Mapping[str, float] | None = None,
    presenters: Sequence[Weighed] = (),
    days_off: Mapping[str, Collection[date]] | None = None,
) -> list[CandidateStart]:
    """Candidate starts ranked: lowest worst penalty first, then lowest total, then earliest.

    `zones` maps office code to IANA zone, `days_off` office code to its public holidays. With
    `carried` (each office's burden from earlier meetings of a series), worst and total are of
    the cumulative burden. `presenters` count in worst and total with their weight and extra
    penalties.
    """
    if not starts:
        return []
    offices = sorted(zones)
    carried = carried or {}
    quarters = -(-minutes // 15)
    full, part = divmod(minutes, 15)
    begin = starts[0]
    index = np.array([int((s - begin) / STEP) for s in starts])
    span = int(index[-1]) + quarters + 1
    # Minutes since the Monday before `begin`, in UTC, for every quarter of the span.
    monday = begin - timedelta(
        days=begin.weekday(), hours=begin.hour, minutes=begin.minute, seconds=begin.second
    )
    base = int((begin - monday).total_seconds() // 60) + 15 * np.arange(span)
    local_in: dict[str, np.ndarray] = {}  # minutes since `monday`'s date, on the zone's clocks
    sums: dict[tuple[str, frozenset[date]], np.ndarray] = {}

    def burden(zone: str, off: Collection[date]) -> np.ndarray:
        """Each start's penalty in `zone`, on whose days `off` no one works."""
        off = frozenset(off)
        if (zone, off) in sums:
            return sums[zone, off]
        if zone not in local_in:
            local_in[zone] = base + _Offsets(zone, begin, span).minutes
        local = local_in[zone]
        weights = _WEEK[(local // 15) % (7 * 96)]
        if off:  # a holiday on a weekday weighs as a Saturday (`_weight`)
            day = local // (24 * 60)
            holiday = np.isin(day, [(d - monday.date()).days for d in off]) & (day % 7 < 5)
            weights = weights + holiday * (WEEKEND_EXTRA / 4)
        cumulative = np.concatenate([[0.0], np.cumsum(weights)])
        sums[zone, off] = cumulative[index + full] - cumulative[index]
        if part:  # the last part of a quarter-hour, for its minutes (as `penalty` counts it)
            sums[zone, off] = sums[zone, off] + weights[index + full] * (part / 15)
        return sums[zone, off]

    days_off = days_off or {}
    rows = [burden(zones[o], days_off.get(o, ())) + carried.get(o, 0.0) for o in offices]
    rows += [
        burden(p.zone, p.days_off) * p.weight
        + (np.asarray(p.extra, dtype=float) if p.extra is not None else 0.0)
        for p in presenters
    ]
    matrix = np.vstack(rows)
    worst, total = matrix.max(axis=0), matrix.sum(axis=0)
    order = np.lexsort((np.arange(len(starts)), np.round(total, 6), np.round(worst, 6)))
    return [
        CandidateStart(
            starts[i],
            {o: round(float(matrix[j, i]), 4) for j, o in enumerate(offices)},
            round(float(worst[i]), 4),
            round(float(total[i]), 4),
            {p.key: round(float(matrix[len(offices) + j, i]), 4) for j, p in enumerate(presenters)},
        )
        for i in order
    ]


def series_burden(
    meetings: Iterable[tuple[datetime, int]],
    zones: Mapping[str, str],
    days_off: Mapping[str, Collection[date]] | None = None,
) -> dict[str, float]:
    """Each office's cumulative penalty over the (start, minutes) meetings of a series."""
    days_off = days_off or {}
    burden = dict.fromkeys(zones, 0.0)
    for start, minutes in meetings:
        for office, zone in zones.items():
            burden[office] += penalty(start, minutes, zone, days_off.get(office, ()))
    return burden


def by_clock_time(
    candidates: Iterable[CandidateStart], zone: str
) -> list[tuple[CandidateStart, list[date]]]:
    """Candidates grouped by their local clock time in `zone` and their penalties: the best of
    each group, with the other days it works out exactly the same. Keeps the ranking order.
    The second time the clocks show a time (the hour they go back) is a time of its own: the
    same day, not another one it works out the same on."""
    tz = zone_info(zone)
    groups: dict[tuple, tuple[CandidateStart, list[date]]] = {}
    for candidate in candidates:
        local = candidate.start.astimezone(tz)
        # Times compare without their fold: 02:30 before and after the change are equal.
        key = (local.time(), local.fold, tuple(sorted(candidate.penalties.items())))
        if key in groups:
            groups[key][1].append(local.date())
        else:
            groups[key] = (candidate, [])
    return list(groups.values())
