"""The one place that writes iCalendar: a feed of events, built with `icalendar` 7.

Every time is in UTC, so no VTIMEZONE is needed and none can be wrong. There is no METHOD, so
each DTSTAMP is the event's last revision (RFC 5545 §3.8.7.2): the same state gives the same bytes,
and an ETag can be a hash of them. Pure: no Flask, no database.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Conference, Event, Timezone, TimezoneStandard

PRODID = "-//WIPO CWS ICT Strategy Task Force//Planner//EN"
REFRESH = timedelta(hours=6)
CANCELLED_PREFIX = "Cancelled: "
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")


@dataclass(frozen=True)
class FeedInfo:
    name: str
    url: str  # where the feed itself lives
    description: str = ""


@dataclass(frozen=True)
class EventInfo:
    uid: str
    sequence: int
    last_modified: datetime
    start: datetime
    end: datetime
    summary: str
    description: str
    status: str  # one of STATUSES
    url: str
    video_url: str | None = None
    parent_uid: str | None = None  # the meeting a slot belongs to
    categories: tuple[str, ...] = ()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


@lru_cache(maxsize=8192)
def _event_bytes(info: EventInfo) -> bytes:
    """One event, serialised. Events are values: a feed rebuilt after a change serialises only
    the events that changed (icalendar folds lines character by character, which is slow)."""
    return _event(info).to_ical()


def _event(info: EventInfo) -> Event:
    if info.status not in STATUSES:
        raise ValueError(f"unknown status {info.status!r}")
    cancelled = info.status == "CANCELLED"
    revised = _utc(info.last_modified)
    event = Event.new(
        uid=info.uid,
        sequence=info.sequence,
        stamp=revised,
        last_modified=revised,
        start=_utc(info.start),
        end=_utc(info.end),
        summary=(CANCELLED_PREFIX if cancelled else "") + info.summary,
        description=info.description,
        status=info.status,
        url=info.url,
        location=info.video_url,
        categories=list(info.categories),
        conferences=[Conference(info.video_url, feature="VIDEO", label="Video call")]
        if info.video_url and not cancelled
        else None,
    )
    if info.parent_uid:
        event.add("RELATED-TO", info.parent_uid, parameters={"RELTYPE": "PARENT"})
    return event


def _utc_zone() -> Timezone:
    """A UTC time zone definition: the one component of a feed that has no events (the grammar
    wants at least one component). Clients show nothing for it."""
    zone = Timezone()
    zone.add("TZID", "UTC")
    standard = TimezoneStandard()
    standard.add("DTSTART", datetime(1970, 1, 1))
    standard.add("TZOFFSETFROM", timedelta(0))
    standard.add("TZOFFSETTO", timedelta(0))
    standard.add("TZNAME", "UTC")
    zone.add_component(standard)
    return zone


def build(feed: FeedInfo, events: Sequence[EventInfo]) -> bytes:
    """The feed as iCalendar bytes: CRLF line ends, lines folded at 75 octets."""
    ordered = sorted(events, key=lambda e: (e.start, e.uid))
    calendar = Calendar.new(
        prodid=PRODID,
        name=feed.name,
        description=feed.description or None,
        # A stable calendar UID: the same feed is the same calendar to its subscribers.
        uid=uuid.uuid5(uuid.NAMESPACE_URL, feed.url),
        url=feed.url,
        source=feed.url,
        refresh_interval=REFRESH,
        subcomponents=[] if ordered else [_utc_zone()],
    )
    calendar.add("CALSCALE", "GREGORIAN")
    # icalendar writes these without the VALUE parameter RFC 7986 asks for; clients need it.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    calendar["SOURCE"].params["VALUE"] = "URI"
    calendar["URL"].params["VALUE"] = "URI"
    calendar.add("X-PUBLISHED-TTL", "PT6H")
    # The calendar's own lines, then each event's, as Calendar.to_ical() would lay them out.
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR\r\n", 1)
    return b"".join([head, *(_event_bytes(e) for e in ordered), b"END:VCALENDAR\r\n", end])
