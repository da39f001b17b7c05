"""IANA time zone names: validation shared by imports, office edits and meetings."""

from datetime import UTC, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def zone_info(name: str) -> ZoneInfo:
    """The zone `name`, read once per process.

    ZoneInfo keeps only a handful of zones in memory; with offices in hundreds of zones (a feed,
    the offices page) it would read their files from disk again and again.
    """
    return ZoneInfo(name)


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA place zone such as "Australia/Sydney".

    Abbreviations ("GMT", "EST") and fixed offsets ("Etc/GMT+5") are refused: they ignore DST.
    """
    return name in known_time_zones() and "/" in name and not name.startswith("Etc/")


def local_time(zone: str, at: datetime | None = None) -> datetime:
    """The wall-clock time in `zone` at the instant `at` (default: now)."""
    return (at or datetime.now(UTC)).astimezone(zone_info(zone))


def utc_offset(moment: datetime) -> str:
    """The offset of an aware datetime as people write it: "UTC+11", "UTC−5", "UTC+5:30"."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


@lru_cache(maxsize=1)
def place_time_zones() -> tuple[str, ...]:
    """The zones a person may choose, sorted: place names only (see `is_time_zone`)."""
    return tuple(sorted(name for name in known_time_zones() if is_time_zone(name)))


class LocalTimeError(ValueError):
    """A wall-clock time that does not exist, or exists twice, in a zone (DST changes)."""


def to_utc(local: datetime, zone: str) -> datetime:
    """The instant of a wall-clock time in `zone`; refuses times a DST change skips or repeats."""
    tz = zone_info(zone)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise LocalTimeError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks skip it when daylight "
            "saving time starts. Choose another time."
        )
    if first.utcoffset() != second.utcoffset():
        raise LocalTimeError(
            f"{naive:%Y-%m-%d %H:%M} happens twice in {zone} when daylight saving time ends; "
            f"give the UTC offset too ({utc_offset(first)} or {utc_offset(second)})."
        )
    return first.astimezone(UTC)
