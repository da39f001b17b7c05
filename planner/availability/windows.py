"""Availability windows as plain data: checking them, asking whether a UTC interval falls inside
one (in the window's own zone, DST included), and reading free text to pre-fill a form. Pure."""

import re
from collections.abc import Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from babel.dates import format_skeleton, get_day_names
from flask_babel import gettext

from planner.db_types import FIRST_YEAR, LAST_YEAR
from planner.errors import PlannerError
from planner.timezones import (
    PLACES,
    is_skipped,
    is_time_zone,
    place_key,
    place_time_zones,
    zone_info,
)

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)


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
            raise PlannerError(
                gettext(
                    "%(time)s does not exist in %(zone)s: the clocks skip it when daylight saving "
                    "time starts. Choose another time.",
                    time=wall.strftime("%Y-%m-%d %H:%M"),
                    zone=window.time_zone,
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


def inside(windows: Sequence[Window], start: datetime, end: datetime) -> bool:
    """Whether the interval lies inside any of the windows."""
    return any(contains(window, start, end) for window in windows)


def describe(window: Window, language: str = "en") -> str:
    """ "Tue, Thu 08:00–11:00 America/Lima", or "Thu 12 Mar 2026 22:00–01:00 Asia/Tokyo"; the
    days as `language` writes them ("mar, jue"), the rest in the request's language (a page
    shown in `language`, `languages.show_in`)."""
    english = language == "en"
    if window.on is not None:
        on = window.on
        days = f"{on:%a %-d %b %Y}" if english else format_skeleton("yMMMEd", on, locale=language)
    else:
        names = DAY_NAMES if english else get_day_names("abbreviated", locale=language)
        days = ", ".join(names[d] for d in sorted(window.weekdays))
    hours = f"{window.starts:%H:%M}–{window.ends:%H:%M}"
    after = " " + gettext("(to the next day)") if window.crosses_midnight else ""
    return f"{days} {hours}{after} {window.time_zone}"


def as_json(window: Window) -> dict:
    return {
        "time_zone": window.time_zone,
        "weekdays": [DAY_NAMES[d] for d in sorted(window.weekdays)] if window.on is None else None,
        "date": window.on.isoformat() if window.on else None,
        "from": f"{window.starts:%H:%M}",
        "to": f"{window.ends:%H:%M}",
        "text": describe(window),
    }


# --- Reading what people write ----------------------------------------------------------------


# Zones' city names that are common words in what people write about when they can present
# ("not around Easter", "Central European Time", "Davis will present"): read as no place.
_NOT_A_PLACE = frozenset(
    {
        "easter",
        "christmas",
        "reunion",
        "central",
        "center",
        "eastern",
        "western",
        "pacific",
        "mountain",
        "atlantic",
        "casey",
        "davis",
        "palmer",
        "troll",
        "regina",
        "knox",
        # Names of people and of things more than of the zones' islands and bases.
        "stanley",
        "victoria",
        "dawson",
        "currie",
        "johnston",
        "mendoza",
        "chatham",
        "midway",
        "wake",
        "jersey",
    }
)


@cache
def _places() -> dict[str, str]:
    """City names as `place_key` spells them ("lima", "buenos aires", "warszawa") to their zone:
    each zone's city, and the places people name that are not a zone's (`PLACES`) where the name
    means one zone ("Georgia", "Portland" mean two: free text does not guess)."""
    places = {}
    for zone in place_time_zones():
        places.setdefault(place_key(zone.rsplit("/", 1)[-1]), zone)
    for name, zones in PLACES.items():
        key = place_key(name)
        if len(zones) == 1:
            places[key] = zones[0]
        else:
            places.pop(key, None)
    places["alexandria"] = "America/New_York"  # the USPTO's, for this app's offices
    for word in _NOT_A_PLACE:
        places.pop(word, None)
    return places


_DAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*"
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_CLOCK = r"(\d{1,2})(?:[:h.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_TOKEN = re.compile(
    rf"(?P<iso>\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
    rf"|(?P<dm>\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})\b\.?(?:\s+(\d{{4}}))?)"
    rf"|(?P<md>\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b,?(?:\s+(\d{{4}}))?)"
    rf"|(?P<range>\b{_CLOCK}\s*(?:-|to|until|till)\s*{_CLOCK})"
    rf"|(?P<days>\b({_DAY})\s*(?:-|to|through|thru)\s*({_DAY})\b)"
    rf"|(?P<day>\b{_DAY}\b)"
    rf"|(?P<weekdays>\bweekdays\b|\bworking days\b)",
    re.IGNORECASE,
)


def _day(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if len(word) > 3 and word.endswith("s"):
        word = word[:-1]
    matches = [i for i, name in enumerate(_FULL_DAYS) if len(word) >= 3 and name.startswith(word)]
    return matches[0] if matches else None


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    matches = [i + 1 for i, name in enumerate(_MONTHS) if len(word) >= 3 and name.startswith(word)]
    return matches[0] if matches else None


def _clock(hour: str, minute: str | None, half: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    half = (half or "").replace(".", "").lower()
    if half == "pm" and h < 12:
        h += 12
    elif half == "am" and h == 12:
        h = 0
    if h == 24 and m == 0:
        h = 0
    return time(h, m) if 0 <= h < 24 and 0 <= m < 60 else None


def _hours(groups: Sequence[str | None]) -> tuple[time, time] | None:
    h1, m1, half1, h2, m2, half2 = groups
    if half2 and not half1:
        # "2-4pm": the first time shares the second's half of the day where that reads forward.
        shared, second = _clock(h1, m1, half2), _clock(h2, m2, half2)
        if shared is not None and second is not None and shared < second:
            half1 = half2
    first, second = _clock(h1, m1, half1), _clock(h2, m2, half2)
    if first is None or second is None or first == second:
        return None
    return first, second


def _date(year: str | None, month: int | None, day: str, today: date) -> date | None:
    if month is None:
        return None
    try:
        found = date(int(year) if year else today.year, month, int(day))
    except ValueError:
        return None
    if not year and found < today:
        found = found.replace(year=found.year + 1)  # "12 March" written in December: next one
    return found


# "UTC+8", "GMT -5", "UTC+05:30": an offset names no place, and the app's zones are places
# (one with summer time, or none): it is not read as UTC, nor as a zone (helper-70).
_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+\-−])\s*(\d{1,2})(?::?(\d{2}))?\b", re.IGNORECASE)


def _off_utc(offset: re.Match) -> bool:
    """Whether an `_OFFSET` match is other than zero ("UTC+0" is UTC)."""
    return bool(int(offset[2]) or int(offset[3] or 0))


def find_offset(text: str) -> str | None:
    """The first UTC offset other than zero written in `text` ("UTC+8"), as written."""
    return next((m[0] for m in _OFFSET.finditer(text or "") if _off_utc(m)), None)


def find_zone(text: str) -> str | None:
    """The first time zone or place named in `text` ("America/Lima", "Lima"), if any. A UTC
    offset ("UTC+8") is none (`find_offset`); "UTC+0" is UTC."""
    text = _OFFSET.sub(lambda m: " " if _off_utc(m) else " UTC ", text or "")
    for name in re.findall(r"\b[A-Z][A-Za-z_]+/[A-Za-z_/]+\b", text):
        if is_time_zone(name):
            return name
    # A place is a proper name: it starts with a capital ("after I wake up" names no Wake).
    words = re.findall(r"[^\W\d_]+", text)
    places = _places()
    for i in range(len(words)):
        if not words[i][0].isupper():
            continue
        for size in (3, 2, 1):
            phrase = words[i : i + size]
            key = place_key(" ".join(phrase))
            if len(phrase) == size and key in places:
                return places[key]
    return None


@dataclass(frozen=True)
class Reading:
    """What could be read from free text, to pre-fill the form: never stored as it is."""

    windows: list[Window]
    time_zone: str
    zone_named: bool  # the text named the zone (else the default was taken)
    offset: str | None = None  # a UTC offset the text gave instead of a place ("UTC+8")


def read_text(text: str, default_zone: str, *, today: date | None = None) -> Reading:
    """A best-effort reading of "Tuesdays and Thursdays 08:00–11:00 Lima", "Mon-Fri 9-12",
    "12 March 2026 14:00-16:00": days or dates are collected until hours follow, and those
    hours go with them (hours with no days before them go with the last days read). Times
    given with an offset ("9-12 UTC+8") are read in the default zone, and `offset` says so:
    the person chooses the zone."""
    today = today or datetime.now(UTC).date()
    text = (text or "").replace("–", "-").replace("—", "-").replace("‑", "-")
    named = find_zone(text)
    zone = named or default_zone
    windows: list[Window] = []
    days: set[int] = set()
    dates: list[date] = []
    last: tuple[frozenset[int], list[date]] = (frozenset(), [])
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        groups = match.groups()
        if kind == "iso":
            with suppress(ValueError):
                dates.append(date.fromisoformat(match.group("iso")))
        elif kind == "dm":
            found = _date(groups[4], _month(groups[3]), groups[2], today)
            dates.extend([found] if found else [])
        elif kind == "md":
            found = _date(groups[8], _month(groups[6]), groups[7], today)
            dates.extend([found] if found else [])
        elif kind == "days":
            first, final = _day(groups[17]), _day(groups[18])
            if first is not None and final is not None:
                span = (final - first) % 7
                days.update((first + k) % 7 for k in range(span + 1))
        elif kind == "day":
            day = _day(match.group("day"))
            days.update([day] if day is not None else [])
        elif kind == "weekdays":
            days.update(range(5))
        elif kind == "range":
            hours = _hours(groups[10:16])
            if hours is None:
                continue
            if days or dates:
                last = (frozenset(days), list(dates))
                days, dates = set(), []
            chosen_days, chosen_dates = last
            if chosen_days:
                windows.append(Window(zone, chosen_days, None, *hours))
            windows.extend(Window(zone, frozenset(), on, *hours) for on in chosen_dates)
    offset = None if named is not None else find_offset(text)
    return Reading(_unique(windows), zone, named is not None, offset)


def _unique(windows: list[Window]) -> list[Window]:
    seen, kept = set(), []
    for window in windows:
        if window not in seen:
            seen.add(window)
            kept.append(window)
    return kept
