"""IANA time zone names: validation shared by imports, office edits and meetings."""

from functools import lru_cache
from zoneinfo import available_timezones


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether `name` is an IANA place zone such as "Australia/Sydney".

    Abbreviations ("GMT", "EST") and fixed offsets ("Etc/GMT+5") are refused: they ignore DST.
    """
    return name in known_time_zones() and "/" in name and not name.startswith("Etc/")
