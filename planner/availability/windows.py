"""Availability windows as plain data: checking them, asking whether a UTC interval falls inside
one (in the window's own zone, DST included), and saying them in a reader's language. Pure.
Free text is read into windows by `reading`."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_skeleton, get_day_names

from planner import translation
from planner.db_types import FIRST_YEAR, LAST_YEAR
from planner.errors import PlannerError
from planner.timezones import (
    clocks_not_known_here,
    day_in,
    in_own_words,
    is_skipped,
    is_time_zone,
    known,
    place_in,
    zone_info,
)
from planner.translation import gettext

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# A window ending before it starts runs past midnight ("22:00-02:00" in Sydney, for a meeting in
# Europe's afternoon). One that runs so for more than half a day ("12:00-09:00": 21 hours) is
# more likely a slip, its times swapped or the evening's end typed as the morning's (09:00 for
# 21:00): the form asks before keeping it.
LONGEST_NIGHT = timedelta(hours=12)


@dataclass(frozen=True)
class Window:
    """Weekdays (0 = Monday) or one date, from `starts` to `ends` in `time_zone`'s wall-clock
    time; an end at or before the start is on the next day (a window across midnight)."""

    time_zone: str
    weekdays: frozenset[int]
    on: date | None
    starts: time
    ends: time

    @property
    def crosses_midnight(self) -> bool:
        return self.ends <= self.starts

    @property
    def long_overnight(self) -> bool:
        return runs_long_overnight(self.starts, self.ends)


def runs_long_overnight(starts: time, ends: time) -> bool:
    """Whether a window from `starts` to `ends` runs past midnight for more than half a day
    (`LONGEST_NIGHT`). One that ends at 00:00 runs until midnight, as a time field writes
    "24:00": to the end of its day, through no night ("09:00-00:00" is no slip for noon)."""
    length = datetime.combine(date.min, ends) - datetime.combine(date.min, starts)
    return time(0) < ends < starts and length % timedelta(days=1) > LONGEST_NIGHT


def weekday_mask(days: Iterable[int]) -> str:
    """ "0101000" for Tuesday and Thursday: how weekdays are stored."""
    chosen = set(days)
    return "".join("1" if day in chosen else "0" for day in range(7))


def mask_days(mask: str | None) -> frozenset[int]:
    return frozenset(i for i, flag in enumerate(mask or "") if flag == "1")


def check_window(
    time_zone: str,
    weekdays: Iterable[int] = (),
    on: date | None = None,
    starts: time | None = None,
    ends: time | None = None,
) -> Window:
    """A window as given, or a PlannerError saying what is wrong with it."""
    days = frozenset(weekdays)
    if not isinstance(time_zone, str) or not is_time_zone(time_zone):
        raise PlannerError(
            gettext(
                "“%(zone)s” is not a time zone; give a place name such as America/Lima.",
                zone=time_zone,
            ),
            "time_zone",
        )
    if not days <= set(range(7)):
        raise PlannerError(gettext("Weekdays are numbered 0 (Monday) to 6 (Sunday)."), "weekdays")
    if days and on is not None:
        raise PlannerError(
            gettext("Choose weekdays or one date for each window, not both."), "weekdays"
        )
    if not days and on is None:
        # helper-86: this said "not both" when neither was given.
        raise PlannerError(
            gettext("Say when the window recurs: tick its weekdays, or give its one date."),
            "weekdays",
        )
    if on is not None and not FIRST_YEAR <= on.year <= LAST_YEAR:
        raise PlannerError(
            gettext(
                "Give a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR
            ),
            "on",
        )
    if starts is None or ends is None:
        raise PlannerError(gettext("Give the window's start and end times."), "starts")
    if starts.second or starts.microsecond or ends.second or ends.microsecond:
        raise PlannerError(gettext("Give times in whole minutes."), "starts")
    if starts == ends:
        raise PlannerError(gettext("The window ends when it starts: give a later end."), "ends")
    window = Window(time_zone, days, on, starts.replace(tzinfo=None), ends.replace(tzinfo=None))
    if on is not None:
        _refuse_skipped(window)
    return window


def _refuse_skipped(window: Window) -> None:
    """A window on one date may not start or end at a time the clocks skip that day (a weekly
    one is read with the offset before the change, the one week a year it meets one)."""
    end_day = window.on + timedelta(days=1) if window.crosses_midnight else window.on
    for field, day, at in (("starts", window.on, window.starts), ("ends", end_day, window.ends)):
        wall = datetime.combine(day, at)
        if is_skipped(wall, window.time_zone):
            # Said as the page says days and zones, in its language: "3 de octubre de 2027",
            # "Sídney" (helper-250: "2027-10-03 02:00 does not exist in Australia/Sydney").
            language = translation.language()
            raise PlannerError(
                gettext(
                    "There is no %(time)s on %(day)s in %(place)s: the clocks skip it when "
                    "daylight saving time starts. Choose another time.",
                    time=f"{at:%H:%M}",
                    day=day_in(language, day),
                    place=place_in(language, window.time_zone),
                ),
                field,
            )


def _occurrence(window: Window, day: date) -> tuple[datetime, datetime] | None:
    """The window on the local `day` it starts, as UTC instants; None if it does not recur then.

    Wall-clock times a DST change skips are read with the offset before the change."""
    if window.on is not None and day != window.on:
        return None
    if window.on is None and day.weekday() not in window.weekdays:
        return None
    tz = zone_info(window.time_zone)
    begin = datetime.combine(day, window.starts, tzinfo=tz)
    end_day = day + timedelta(days=1) if window.crosses_midnight else day
    end = datetime.combine(end_day, window.ends, tzinfo=tz)
    return begin.astimezone(UTC), end.astimezone(UTC)


def contains(window: Window, start: datetime, end: datetime) -> bool:
    """Whether the interval `start`–`end` (aware) lies wholly inside one occurrence of `window`."""
    local_day = start.astimezone(zone_info(window.time_zone)).date()
    # An occurrence that began the local day before may still run (across midnight).
    for day in (local_day - timedelta(days=1), local_day):
        occurrence = _occurrence(window, day)
        if occurrence and occurrence[0] <= start and end <= occurrence[1]:
            return True
    return False


def inside(windows: Sequence[Window], start: datetime, end: datetime) -> bool | None:
    """Whether the interval lies inside any of the windows; None (not known) when it lies in
    none this machine can place and some are in a zone its time zone database does not know:
    read in UTC (`zone_info`), "09:00-12:00" given in such a zone would say yes or no at hours
    its presenter never meant, and warn them and the co-leads of a time that may suit them."""
    placed = [window for window in windows if known(window.time_zone)]
    if any(contains(window, start, end) for window in placed):
        return True
    return None if len(placed) < len(windows) else False


def day_names(language: str = "en") -> Sequence[str]:
    """The weekdays' short names (0 is Monday) as `language` writes them: "Mon", "lun", "пн"."""
    if not in_own_words(language):
        return DAY_NAMES
    return get_day_names("abbreviated", locale=language)


def describe(window: Window, language: str = "en") -> str:
    """ "Tue, Thu 08:00–11:00 Lima", or "Thu 12 Mar 2026 22:00–01:00 Tokyo"; the days as
    `language` writes them ("mar, jue"), and the zone by its city there ("Lima", as every page
    names the zone of its times), the rest in the request's language (a page shown in
    `language`, `languages.show_in`)."""
    if window.on is not None:
        on = window.on
        days = (
            format_skeleton("yMMMEd", on, locale=language)
            if in_own_words(language)
            else f"{on:%a %-d %b %Y}"
        )
    else:
        names = day_names(language)
        days = ("、" if language == "zh" else ", ").join(names[d] for d in sorted(window.weekdays))
    hours = f"{window.starts:%H:%M}–{window.ends:%H:%M}"
    if window.crosses_midnight:
        # Chinese brackets are full width, with their own space: "22:00–02:00（至次日）上海".
        after = gettext("(to the next day)")
        hours += after if after.startswith("（") else f" {after} "
    else:
        hours += " "
    zone = window.time_zone
    # Its clock times are the zone's, not UTC's, even where this machine cannot read it.
    place = place_in(language, zone) if known(zone) else clocks_not_known_here(language, zone)
    return f"{days} {hours}{place}"


def as_json(window: Window) -> dict:
    return {
        "time_zone": window.time_zone,
        "weekdays": [DAY_NAMES[d] for d in sorted(window.weekdays)] if window.on is None else None,
        "date": window.on.isoformat() if window.on else None,
        "from": f"{window.starts:%H:%M}",
        "to": f"{window.ends:%H:%M}",
        "text": describe(window),
    }
