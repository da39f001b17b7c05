"""The calendar part of an email (iMIP, RFC 6047): an iTIP REQUEST or CANCEL (RFC 5546) of one
event, built by the feeds' builder from the very event the feeds show, so that UID and SEQUENCE
are the feeds' and an invited, subscribed person's calendar keeps one event. Pure: no Flask."""

import enum
import re
from dataclasses import replace
from datetime import datetime

from icalendar import Event

from planner.calendar.ics import EventInfo, FeedInfo, Participant, build, calendar_address

ORGANIZER_NAME = "CWS ICT Task Force"


class Method(enum.StrEnum):
    request = "REQUEST"  # puts the event into the calendar, or moves it (higher SEQUENCE)
    cancel = "CANCEL"  # takes it out


def presenter(email: str, name: str, *, confirmed: bool, rsvp: bool = False) -> Participant:
    """The slot's invited presenter: required; ACCEPTED once they confirmed on their page."""
    return Participant(
        email=email,
        name=name,
        role="REQ-PARTICIPANT",
        partstat="ACCEPTED" if confirmed else "NEEDS-ACTION",
        rsvp=rsvp,
    )


def office_contact(email: str, name: str) -> Participant:
    """A contact of the presenting office: optional, told of changes."""
    return Participant(email=email, name=name, role="OPT-PARTICIPANT", partstat="NEEDS-ACTION")


def itip(
    event: EventInfo,
    method: Method,
    *,
    organizer: str,
    attendee: Participant,
    stamp: datetime,
) -> str:
    """The iCalendar text of one message to one attendee. A CANCEL says STATUS:CANCELLED (and
    the title its prefix) whatever the feed still shows: a replaced presenter's slot goes on,
    without them. `event` carries the SEQUENCE to send: the feed's, which rose with the change."""
    if method == Method.cancel:
        event = replace(event, status="CANCELLED")
    event = replace(
        event,
        organizer=Participant(email=organizer, name=ORGANIZER_NAME),
        attendees=(attendee,),
        stamp=stamp,
    )
    return build(FeedInfo(event.summary, ""), [event], method=str(method)).decode("utf-8")


# An ORGANIZER line as the builder writes it, with its folded continuation lines.
_ORGANIZER_LINE = re.compile(r"^ORGANIZER[;:][^\r\n]*\r\n(?:[ \t][^\r\n]*\r\n)*", re.M)


def with_organizer(ics: str, organizer: str | None) -> str:
    """The message's calendar naming `organizer`, the Task Force's address as it goes out (as
    its From is): one written while none was set named the built-in one, which reaches nobody,
    and every message about an event must name the same organizer, or calendars take an update
    for another organizer's event. Without one (no address set up), the calendar as written."""
    if not organizer:
        return ics
    line = Event().content_line(
        "ORGANIZER", calendar_address(Participant(organizer, ORGANIZER_NAME))
    )
    return _ORGANIZER_LINE.sub(lambda _: line.to_ical().decode("utf-8") + "\r\n", ics)
