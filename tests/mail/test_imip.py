"""The iTIP calendar of a message, without an app: METHOD, ORGANIZER, ATTENDEE with ROLE,
PARTSTAT and RSVP, the feed's UID and SEQUENCE, escaping, and all three readers agreeing."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from planner.calendar.ics import EventInfo, FeedInfo, build
from planner.mail import imip
from tests.calendar.readers import read_everywhere

START = datetime(2027, 3, 9, 12, 10, tzinfo=UTC)
EVENT = EventInfo(
    uid="b8218bab-b3e2@cws-ict-planner",
    sequence=3,
    last_modified=datetime(2026, 12, 1, tzinfo=UTC),
    start=START,
    end=START + timedelta(minutes=20),
    summary="Risk-based governance; of, new \\ technologies",
    description="Part of: Rec 10 workshop\nVideo link: https://video.example/rec10",
    status="TENTATIVE",
    url="https://planner.example/meetings/1",
    video_url="https://video.example/rec10",
    parent_uid="meeting@cws-ict-planner",
)
STAMP = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)


def parsed(text: str):
    body = text.encode("utf-8")
    seen = read_everywhere(body)
    calendar = Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    return calendar, event, seen


def test_a_request_names_organizer_and_attendee_and_keeps_uid_and_sequence():
    attendee = imip.presenter("alex@ipa.example", "Alex Example", confirmed=False, rsvp=True)
    calendar, event, seen = parsed(
        imip.itip(
            EVENT,
            imip.Method.request,
            organizer="taskforce@wipo.example",
            attendee=attendee,
            stamp=STAMP,
        )
    )
    assert str(calendar["METHOD"]) == "REQUEST"
    # A message, not a feed: no subscription lines.
    assert "REFRESH-INTERVAL" not in calendar and "X-PUBLISHED-TTL" not in calendar
    assert str(event["UID"]) == EVENT.uid and int(event["SEQUENCE"]) == 3
    assert seen["events"][0]["uid"] == EVENT.uid and seen["events"][0]["sequence"] == 3
    assert event["DTSTAMP"].dt == STAMP  # when the message was made (RFC 5546)
    assert str(event["ORGANIZER"]) == "mailto:taskforce@wipo.example"
    assert event["ORGANIZER"].params["CN"] == "CWS ICT Task Force"
    person = event["ATTENDEE"]
    assert str(person) == "mailto:alex@ipa.example"
    assert dict(person.params) == {
        "CN": "Alex Example",
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
    }
    assert str(event["SUMMARY"]) == EVENT.summary  # escaped on the way out, read back whole


def test_a_confirmed_presenter_has_accepted_and_a_contact_is_optional():
    confirmed = imip.presenter("a@b.example", "A", confirmed=True)
    assert (confirmed.partstat, confirmed.rsvp) == ("ACCEPTED", False)
    contact = imip.office_contact("c@b.example", "C")
    _, event, _ = parsed(
        imip.itip(
            EVENT, imip.Method.request, organizer="t@x.example", attendee=contact, stamp=STAMP
        )
    )
    assert event["ATTENDEE"].params["ROLE"] == "OPT-PARTICIPANT"
    assert "RSVP" not in event["ATTENDEE"].params


def test_a_cancel_is_cancelled_whatever_the_feed_still_shows():
    attendee = imip.presenter("a@b.example", "A", confirmed=True)
    calendar, event, seen = parsed(
        imip.itip(
            EVENT, imip.Method.cancel, organizer="t@x.example", attendee=attendee, stamp=STAMP
        )
    )
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED" and seen["events"][0]["status"] == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: ")
    assert "CONFERENCE" not in event


def test_names_and_addresses_are_escaped():
    hostile = imip.presenter(
        "x@y.example\r\nATTENDEE:mailto:evil@z.example", 'Eve "the" ; : , \n name', confirmed=False
    )
    text = imip.itip(
        EVENT, imip.Method.request, organizer="t@x.example", attendee=hostile, stamp=STAMP
    )
    _, event, _ = parsed(text)
    attendees = event["ATTENDEE"]
    assert not isinstance(attendees, list)  # one attendee: nothing was smuggled in
    assert "\n" not in attendees.params["CN"] and "evil@z.example" in str(attendees)
    assert str(attendees).startswith("mailto:x@y.example")


@pytest.mark.parametrize(
    "name",
    [
        "Alex\nExample",
        "Alex\r\nExample",
        "Alex\rExample",
        "Alex\tExample",
        'Alex "Al" Example',
        "Example; Alex: co-lead, IP\\AU",
        "Alex ^ Example",
        "Alex^nExample",  # a name copied from a calendar that wrote its line break RFC 6868's way
        "Alex^'Example^^",
        # Backslash escapes, which ical.js (Thunderbird) reads in a parameter as in a text value.
        "Alex\\nExample",
        "Alex\\NExample",
        "Alex\\\\Example",
        "Alex\\, Example\\;",
        "A" * 300,
        "Alex 🦘 Example",
        "\u200fعلي\u200e Example",
        "  Alex \u2028 Example \x85 ",
    ],
)
def test_a_person_s_name_reads_alike_in_every_reader(name):
    """A name is one line, written with no RFC 6868 caret escape (`^n` for a line break, `^'`
    for a double quote, `^^` for a caret), which vobject, as Outlook, shows as written: a line
    break in it was written `^n` and read back `^^n` there. Every reader reads the same name
    (`read_everywhere` compares them), one line, with no caret escape for any of them, and no
    backslash, which ical.js reads as an escape ("\\n" a line break) where the others do not."""
    for attendee in (
        imip.presenter("alex@ipa.example", name, confirmed=False),
        imip.office_contact("alex@ipa.example", name),
    ):
        text = imip.itip(
            EVENT, imip.Method.request, organizer="t@x.example", attendee=attendee, stamp=STAMP
        )
        _, event, seen = parsed(text)
        cn = str(event["ATTENDEE"].params["CN"])
        assert cn == seen["events"][0]["people"][1][2]
        assert cn == cn.strip() and "  " not in cn and not set(cn) & set('\r\n\t"^\\')
        assert "^" not in text.replace("\r\n ", "")
        assert 0 < len(cn) <= 200


def test_feeds_are_unchanged_by_messages():
    feed = build(FeedInfo("Feed", "https://planner.example/feeds/taskforce.ics"), [EVENT])
    assert b"METHOD" not in feed and b"ORGANIZER" not in feed and b"ATTENDEE" not in feed
    assert b"DTSTAMP:20261201T000000Z" in feed
