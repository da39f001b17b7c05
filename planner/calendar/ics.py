"""The one place that writes iCalendar: a feed of events, built with `icalendar` 7.

Every time is in UTC, so no VTIMEZONE is needed and none can be wrong. A feed has no METHOD, so
each DTSTAMP is the event's last revision (RFC 5545 §3.8.7.2): the same state gives the same bytes,
and an ETag can be a hash of them. An email's iTIP message (`method`) is built from the same
events, with its ORGANIZER, ATTENDEEs and the time it was made as DTSTAMP. Whatever text or
address it is given (old rows, rows written straight into the database), it writes valid, escaped
lines. Pure: no Flask, no database.
"""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from urllib.parse import quote

from icalendar import Calendar, Conference, Event, Timezone, TimezoneStandard, vCalAddress, vText

from planner.addresses import AddressError, ascii_domain
from planner.text import ascii_web_address, shorten

PRODID = "-//WIPO CWS ICT Strategy Task Force//Planner//EN"
REFRESH = timedelta(hours=6)
CANCELLED_PREFIX = "Cancelled: "
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")
# Longer text is cut: a title of a megabyte (SQLite keeps whatever it is given) would make
# every subscriber download it every six hours.
LINE_MAX, TEXT_MAX, ADDRESS_MAX = 500, 100_000, 2_000

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# What no text value may hold, even escaped: control characters (a tab becomes a space), lone
# surrogates (not encodable as UTF-8), the two non-characters, and the bidirectional formatting
# characters that input now refuses (planner.text), should older data hold one.
_UNWRITABLE = re.compile(
    r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_SPACES = re.compile(r"[ \t]+")
_WEB = re.compile(r"https?://[^/?#\s]", re.IGNORECASE)
# What RFC 3986 allows in a URI as it is (a "%" only before two hex digits); all else is
# percent-encoded.
_URI_SAFE = "!#$&'()*+,/:;=?@[]~"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Readers that do not know CONFERENCE (vobject, and so Radicale, which writes back what it read)
# take its value for a list of texts: cut at the first "," and with its ";" escaped, which
# ical.js then keeps in the link. Such a link is left to LOCATION and DESCRIPTION, which are text.
_LIST_SEPARATORS = re.compile("[,;]")


class _Text(vText):
    """A TEXT value escaped as RFC 5545 §3.3.11 says and no more. `icalendar` takes a backslash
    before a capital N for a line break (its way of asking for one), so a title typed as
    "C:\\New folder" reached every calendar as "C:", a new line and "ew folder". Line breaks
    are "\\n" already (`one_line`, `text`); every other text is written as `icalendar` would."""

    __slots__ = ()

    def to_ical(self) -> bytes:
        escaped = str(self).replace("\\", "\\\\").replace(";", r"\;").replace(",", r"\,")
        return escaped.replace("\n", r"\n").encode(self.encoding)


# The same names and titles come back in every event of a feed: each is cleaned once.
@lru_cache(maxsize=8192)
def one_line(value: str | None, limit: int = LINE_MAX) -> str:
    """Text for a one-line value (a title, a name): line breaks become spaces."""
    text = _UNWRITABLE.sub("", _LINE_BREAK.sub(" ", value or ""))
    return shorten(_SPACES.sub(" ", text).strip(), limit)


@lru_cache(maxsize=1024)
def text(value: str | None, limit: int = TEXT_MAX) -> str:
    """Text of several lines (a description): every kind of line break becomes one "\\n",
    which icalendar writes escaped."""
    lines = _UNWRITABLE.sub("", _LINE_BREAK.sub("\n", value or "")).replace("\t", " ")
    return shorten(lines.strip(), limit)


@lru_cache(maxsize=1024)
def web_address(value: str | None) -> str | None:
    """An http(s) address fit for a URI value: what a URI may not hold is percent-encoded; None
    for anything that is not a web address (or is absurdly long)."""
    address = _UNWRITABLE.sub("", (value or "").strip())
    if not _WEB.match(address):
        return None
    try:
        # The host in its ASCII form: percent-encoded, an international name leads nowhere.
        address = ascii_web_address(address)
    except ValueError:
        return None
    encoded = _LONE_PERCENT.sub("%25", quote(address, safe=_URI_SAFE + "%"))
    return encoded if len(encoded) <= ADDRESS_MAX else None


@dataclass(frozen=True)
class FeedInfo:
    name: str
    url: str  # where the feed itself lives
    description: str = ""
    # False for a one-off download (a presenter's slot): no SOURCE or refresh lines, which tell
    # a client where to fetch the calendar again and how often.
    subscription: bool = True


@dataclass(frozen=True)
class Participant:
    """An ORGANIZER or ATTENDEE of an iTIP message (a feed has none)."""

    email: str
    name: str = ""
    role: str | None = None  # REQ-PARTICIPANT, OPT-PARTICIPANT
    partstat: str | None = None  # NEEDS-ACTION, ACCEPTED, DECLINED
    rsvp: bool = False


# What a name in a parameter would need RFC 6868's caret escapes for, as what looks like it; and
# a backslash, which ical.js (Thunderbird) reads there as in a text ("\n" a line break, "\\" one
# backslash), as the set minus that looks like one.
_NO_CARET_ESCAPE = str.maketrans({'"': "'", "^": "\u02c6", "\\": "\u2216"})
# What an address in a mailto: URI may hold as it is; all else in ASCII is percent-encoded.
_MAILTO_SAFE = "@.!#$&'*+-/=?^_`{|}~"
_MAILTO_UNSAFE = re.compile("[^A-Za-z0-9" + re.escape(_MAILTO_SAFE) + "\u0080-\U0010ffff]")


def calendar_address(person: Participant) -> vCalAddress:
    """A mailto: address with its parameters. The domain is in its ASCII form, as the message's
    envelope and To header carry it, so that a mail client finds the recipient's own address
    in the ATTENDEE it offers to answer as; for the same reason the part before the @ keeps
    its letters beyond ASCII as the To header has them ("josé"), since clients compare the
    address letter for letter (Thunderbird's attendeeMatchesAddresses), never percent-decoded
    as RFC 6068 would write it ("jos%C3%A9"). The name is one clean line, every run of spaces one
    space, and needs no caret escape (RFC 6868), which not every client reads back (vobject and
    Outlook show "^^" for a caret, "^n" for a line break): its double quotes are made single,
    a caret the modifier letter that looks like one, and a backslash a set minus."""
    try:
        email = ascii_domain(one_line(person.email, 254))
    except AddressError:
        email = one_line(person.email, 254)
    address = vCalAddress("mailto:" + _MAILTO_UNSAFE.sub(lambda c: quote(c[0]), email))
    name = " ".join(one_line(person.name, 200).split()).translate(_NO_CARET_ESCAPE)
    if name:
        address.params["CN"] = name
    if person.role:
        address.params["ROLE"] = person.role
    if person.partstat:
        address.params["PARTSTAT"] = person.partstat
    if person.rsvp:
        address.params["RSVP"] = "TRUE"
    return address


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
    url: str | None
    video_url: str | None = None
    parent_uid: str | None = None  # the meeting a slot belongs to
    categories: tuple[str, ...] = ()
    # Only in an iTIP message (METHOD set): who sends it, to whom, and when it was made.
    organizer: Participant | None = None
    attendees: tuple[Participant, ...] = ()
    stamp: datetime | None = None
    # In the language of the email that carries it; feeds are in English.
    cancelled_prefix: str = CANCELLED_PREFIX
    video_label: str = "Video call"


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
    start = _utc(info.start)
    video = web_address(info.video_url)
    categories = [c for c in (one_line(c, 100) for c in info.categories) if c]
    event = Event.new(
        uid=one_line(info.uid, 255),
        sequence=max(0, info.sequence),
        stamp=_utc(info.stamp) if info.stamp else revised,
        last_modified=revised,
        start=start,
        # A negative length read from a damaged row would make DTEND precede DTSTART.
        end=max(start, _utc(info.end)),
        summary=(info.cancelled_prefix if cancelled else "") + one_line(info.summary),
        description=text(info.description) or None,
        status=info.status,
        url=web_address(info.url),
        location=video,
        conferences=[Conference(video, feature="VIDEO", label=info.video_label)]
        if video and not cancelled and not _LIST_SEPARATORS.search(video)
        else None,
        organizer=calendar_address(info.organizer) if info.organizer else None,
        attendees=[calendar_address(a) for a in info.attendees] or None,
    )
    for name in ("SUMMARY", "DESCRIPTION"):
        if name in event:
            event[name] = _Text(event[name])
    if categories:
        # Only when there are some: an empty CATEGORIES line is an error to libical.
        event.add("CATEGORIES", categories)
    if info.parent_uid:
        event.add("RELATED-TO", one_line(info.parent_uid, 255), parameters={"RELTYPE": "PARENT"})
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


def _head(feed: FeedInfo, empty: bool) -> Calendar:
    url = web_address(feed.url)
    calendar = Calendar.new(
        prodid=PRODID,
        # A stable calendar UID: the same feed is the same calendar to its subscribers.
        uid=uuid.uuid5(uuid.NAMESPACE_URL, url or ""),
        url=url,
        source=url if feed.subscription else None,
        refresh_interval=REFRESH if feed.subscription else None,
        subcomponents=[_utc_zone()] if empty else [],
    )
    # NAME (RFC 7986) and the X-WR- names are TEXT: ";", "," and "\" escaped, which icalendar
    # does only when it is handed a vText (here `_Text`).
    name = one_line(feed.name) or "Calendar"
    calendar.add("NAME", _Text(name))
    calendar.add("X-WR-CALNAME", _Text(name))
    description = text(feed.description)
    if description:
        calendar.add("DESCRIPTION", _Text(description))
        calendar.add("X-WR-CALDESC", _Text(description))
    calendar.add("CALSCALE", "GREGORIAN")
    if url:
        calendar["URL"].params["VALUE"] = "URI"
    if not feed.subscription:
        return calendar
    # icalendar writes these without the VALUE parameter RFC 7986 asks for; clients need it.
    calendar["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"
    if url:
        calendar["SOURCE"].params["VALUE"] = "URI"
    calendar.add("X-PUBLISHED-TTL", "PT6H")
    return calendar


def _message_head(method: str) -> Calendar:
    """The head of an iTIP message (RFC 5546): METHOD, and none of a feed's subscription lines."""
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    return calendar


def build(feed: FeedInfo, events: Sequence[EventInfo], method: str | None = None) -> bytes:
    """The feed as iCalendar bytes: CRLF line ends, lines folded at 75 octets. With a `method`
    (REQUEST, CANCEL) it is an iTIP message instead: METHOD on the calendar, no feed lines."""
    ordered = sorted(events, key=lambda e: (e.start, e.uid))
    calendar = _message_head(method) if method else _head(feed, not ordered)
    # The calendar's own lines, then each event's, as Calendar.to_ical() would lay them out.
    head, end = calendar.to_ical().rsplit(b"END:VCALENDAR\r\n", 1)
    return b"".join([head, *(_event_bytes(e) for e in ordered), b"END:VCALENDAR\r\n", end])
