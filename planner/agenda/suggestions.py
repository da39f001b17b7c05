"""Fair start times for a meeting: every half hour of the coming days (none in the past), ranked
by the worst burden and then the total, presenters weighing more than the audience, and in a
series against "same time every time"."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from planner.agenda.checks import MAX_MINUTES, AgendaError
from planner.agenda.fairness import (
    OUTSIDE_WINDOW,
    CandidateStart,
    Weighed,
    candidate_starts,
    rank,
    series_burden,
)
from planner.agenda.models import Meeting, MeetingStatus
from planner.agenda.public_holidays import holidays_of
from planner.availability.operations import Presenter, presenters
from planner.db_types import FIRST_YEAR, LAST_YEAR, utcnow
from planner.offices.models import Office
from planner.timezones import known, zone_info


@dataclass(frozen=True)
class Suggestions:
    """Ranked start times for one meeting, and for a series the rotation against "same time"."""

    offices: dict[str, str]  # code -> zone
    skipped: list[str]  # offices without a time zone
    earlier: list[Meeting]  # meetings of the series before this one, with a start
    burden: dict[str, float]  # each office's penalty so far in the series
    same_time: CandidateStart | None  # the best start at the series' first meeting's local time
    ranked: list[CandidateStart]  # every candidate, best first
    presenters: list[Presenter]  # weighed above the audience (see `fairness.Weighed`)
    # The public holidays of the offices' and presenters' countries around the days looked at.
    holidays: dict[str, dict[date, str]]

    @property
    def holidays_by_day(self) -> list[tuple[date, str, list[str]]]:
        """Each holiday once, with the offices whose holiday it is: by day, then name."""
        codes: dict[tuple[date, str], list[str]] = {}
        for code, days in sorted(self.holidays.items()):
            for day, name in days.items():
                codes.setdefault((day, name), []).append(code)
        return [(day, name, found) for (day, name), found in sorted(codes.items())]


# A meeting shorter than this is no meeting to find a fair time for.
MIN_SUGGEST_MINUTES = 15


def check_suggest_minutes(value) -> int:
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not (MIN_SUGGEST_MINUTES <= value <= MAX_MINUTES)
    ):
        raise AgendaError(
            f"The duration is a whole number of minutes from {MIN_SUGGEST_MINUTES} to "
            f"{MAX_MINUTES}.",
            field="duration_minutes",
        )
    return value


def suggest_times(
    meeting: Meeting,
    offices: list[Office],
    minutes: int,
    first: date,
    last: date,
    *,
    now: datetime | None = None,
) -> Suggestions:
    check_suggest_minutes(minutes)
    if not (first.year >= FIRST_YEAR and last.year <= LAST_YEAR):
        raise AgendaError(f"Look for dates between {FIRST_YEAR} and {LAST_YEAR}.")
    if last < first:
        raise AgendaError("The date range ends before it starts.")
    if (last - first).days > 62:
        raise AgendaError("Look at most two months ahead at a time.")
    if not offices:
        raise AgendaError("Tick at least one participating office.")
    zones = {o.code: o.time_zone for o in offices if known(o.time_zone)}
    skipped = sorted(o.code for o in offices if not known(o.time_zone))
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
            and m.status != MeetingStatus.cancelled
            and m.starts_at.astimezone(home).date() < first
        ]
    speakers = presenters(meeting)
    # A day either side: a meeting on the home zone's first or last day falls on the day before
    # or after in some offices' time.
    since = min([first, *(m.starts_at.date() for m in earlier)]) - timedelta(days=1)
    days_off = holidays_of([*zones, *(p.office for p in speakers)], since, last + timedelta(days=2))
    burden = series_burden([(m.starts_at, m.duration_minutes) for m in earlier], zones, days_off)
    now = now or utcnow()
    starts = [s for s in candidate_starts(first, last, meeting.time_zone) if s >= now]
    if not starts:
        today = now.astimezone(home).date()
        raise AgendaError(
            f"Every start in these days is in the past: look from today ({today:%-d %B %Y}) on.",
            field="first",
        )
    weighed = [
        Weighed(
            p.key,
            p.time_zone,
            extra=[OUTSIDE_WINDOW if p.slot_inside(s) is False else 0.0 for s in starts],
            days_off=frozenset(days_off.get(p.office, ())),
        )
        for p in speakers
    ]
    ranked = rank(
        starts,
        minutes,
        zones,
        carried=burden if earlier else None,
        presenters=weighed,
        days_off=days_off,
    )
    same_time = None
    if earlier:
        reference = earlier[0].starts_at.astimezone(home).time()
        same_time = next((c for c in ranked if c.start.astimezone(home).time() == reference), None)
    return Suggestions(zones, skipped, earlier, burden, same_time, ranked, speakers, days_off)


# A meeting with no date, or one that has passed, is looked for from a week on: time to tell
# the offices (helper-66: the suggestions began today).
NOTICE = timedelta(days=7)


def next_dates(meeting: Meeting) -> tuple[date, date]:
    """The default range to look in: the two weeks from the meeting's date while that is to
    come, else from a week after today (nothing in the past is suggested)."""
    now = utcnow()
    upcoming = meeting.starts_at is not None and meeting.starts_at > now
    start = (meeting.starts_at if upcoming else now + NOTICE).astimezone(
        zone_info(meeting.time_zone)
    )
    return start.date(), start.date() + timedelta(days=13)
