"""The iCalendar builder on its own: whatever text and addresses it is given, the lines it writes
are valid and every reader reads the same events back. No database."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from planner.calendar.ics import EventInfo, FeedInfo, build, one_line, text, web_address
from tests.calendar.readers import read_everywhere, with_icalendar, with_vobject

START = datetime(2026, 12, 8, 11, tzinfo=UTC)
BREAKS = ["\r\n", "\r", "\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
UNWRITABLE = ["\x00", "\x01", "\x1b", "\x1f", "\x7f", "\x80", "\x9f", "\ud800", "\uffff"]


def event(**changes) -> EventInfo:
    values = {
        "uid": "slot-1@cws-ict-planner",
        "sequence": 0,
        "last_modified": START - timedelta(days=1),
        "start": START,
        "end": START + timedelta(minutes=20),
        "summary": "Talk",
        "description": "About AI.",
        "status": "CONFIRMED",
        "url": "https://planner.example/meetings/1",
        **changes,
    }
    return EventInfo(**values)


FEED = FeedInfo("Feed", "https://planner.example/feeds/taskforce.ics", "All meetings")


@pytest.mark.parametrize("char", BREAKS + UNWRITABLE)
def test_no_character_breaks_a_feed(char):
    hostile = f"A{char}BEGIN:VEVENT{char}UID:x{char}END:VEVENT{char}B;,\\"
    events = [
        event(
            uid=f"one{char}",
            summary=hostile,
            description=hostile,
            video_url=f"https://video.example/{char}x",
            categories=(hostile,),
            parent_uid=hostile,
        ),
        event(uid="two", url=f"https://planner.example/{char}"),
    ]
    feed = FeedInfo(hostile, f"https://planner.example/{char}", hostile)
    parsed = read_everywhere(build(feed, events))
    assert len(parsed["events"]) == 2
    summary = parsed["events"][0]["summary"]
    assert summary == one_line(hostile) and summary.endswith("B;,\\")
    assert "\n" not in summary


def test_one_line_and_text():
    assert one_line("a\r\nb\u2028c\x00d\te  f") == "a b cd e f"
    assert text("a\r\nb\rc\u2028d\x00e\tf") == "a\nb\nc\nde f"
    assert one_line("x" * 1000, 10) == "x" * 9 + "…"
    # Reordering characters older data may hold are not written; right-to-left text and its
    # marks are.
    assert one_line("Talk \u2067by AU\u202e x") == "Talk by AU x"
    assert (
        text("\u05e9\u05dc\u05d5\u05dd\u200f \u202aok\u202c") == "\u05e9\u05dc\u05d5\u05dd\u200f ok"
    )


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("https://video.example/rec10?x=1&y=2#top", "https://video.example/rec10?x=1&y=2#top"),
        (" https://video.example/a\r\n", "https://video.example/a"),
        ("https://video.example/a b\r\nc", "https://video.example/a%20b%0D%0Ac"),
        ('https://video.example/"<>ü%zz%41', "https://video.example/%22%3C%3E%C3%BC%25zz%41"),
        ("https://video.example/\u2028\x00", "https://video.example/%E2%80%A8"),
        ("HTTPS://VIDEO.EXAMPLE/", "HTTPS://VIDEO.EXAMPLE/"),
        ("javascript:alert(1)", None),
        ("video.example/a", None),
        ("https://", None),
        ("https://video.example/" + "a" * 3000, None),
        ("", None),
        (None, None),
    ],
)
def test_web_addresses_are_percent_encoded_or_dropped(stored, written):
    assert web_address(stored) == written


def test_no_empty_categories_line():
    body = build(FEED, [event(), event(uid="rec", categories=("Rec 10", "Rec 4"))]).decode()
    assert "CATEGORIES:\r\n" not in body
    assert body.count("CATEGORIES:") == 1 and "CATEGORIES:Rec 10,Rec 4\r\n" in body


def test_feed_names_are_escaped_text():
    feed = FeedInfo("A; B, C \\ D", "https://planner.example/f", "E; F, G \\ H")
    body = build(feed, [event()])
    lines = body.decode().split("\r\n")
    assert "NAME:A\\; B\\, C \\\\ D" in lines and "X-WR-CALNAME:A\\; B\\, C \\\\ D" in lines
    assert "X-WR-CALDESC:E\\; F\\, G \\\\ H" in lines and "DESCRIPTION:E\\; F\\, G \\\\ H" in lines
    calendar = with_vobject(body)
    assert calendar.contents["x-wr-caldesc"][0].value == "E; F, G \\ H"


@pytest.mark.parametrize("typed", ["C:\\New folder", "IPAS\\NG; WIPO\\N", "\\N\\n\\\\N"])
def test_a_backslash_before_n_is_text_not_a_line_break(typed):
    """A backslash and a capital N, as in a Windows path, is what a co-lead typed: `icalendar`
    alone writes it as a line break ("\\N" is one of its ways to ask for one), and every reader
    showed "C:", a new line, and "ew folder"."""
    feed = FeedInfo(typed, "https://planner.example/f", typed)
    body = build(feed, [event(summary=typed, description=f"{typed}\nnext line")])
    (seen,) = read_everywhere(body)["events"]
    assert seen["summary"] == typed
    assert seen["description"] == f"{typed}\nnext line"
    calendar = with_vobject(body)
    assert calendar.vevent.summary.value == typed
    assert calendar.contents["x-wr-calname"][0].value == typed
    assert calendar.contents["x-wr-caldesc"][0].value == typed
    read = with_icalendar(body)
    assert read.walk("VEVENT")[0]["SUMMARY"] == typed


def test_damaged_times_and_counters_still_make_an_event():
    body = build(FEED, [event(end=START - timedelta(hours=1), sequence=-3)])
    parsed = read_everywhere(body)
    assert parsed["events"][0]["end"] == parsed["events"][0]["start"]
    assert re.search(r"\r\nSEQUENCE:0\r\n", body.decode())


def test_very_long_text_is_cut():
    body = build(FEED, [event(summary="x" * 100_000, description="y" * 1_000_000)])
    parsed = read_everywhere(body)
    assert len(parsed["events"][0]["summary"]) <= 500
    assert len(parsed["events"][0]["description"]) <= 100_000


def test_an_attendee_is_written_as_mail_clients_match_it():
    """The domain in its ASCII form and a non-ASCII name part as it is, as the message's To
    header has them (clients compare the two letter for letter, never percent-decoding), what
    ASCII a URI cannot hold percent-encoded, and a name's double quotes made single: clients
    that do not read RFC 6868's caret escapes (vobject among them) would show "^'"."""
    from planner.calendar.ics import Participant, calendar_address

    idn = calendar_address(Participant("Eva@exämple.org", 'Ana "The ; Hacker": x'))
    assert str(idn) == "mailto:Eva@xn--exmple-cua.org"
    assert idn.params["CN"] == "Ana 'The ; Hacker': x"
    assert str(calendar_address(Participant("josé@example.org"))) == "mailto:josé@example.org"
    quoted = calendar_address(Participant('"j b\\%"@example.org'))
    assert str(quoted) == "mailto:%22j%20b%5C%25%22@example.org"


@pytest.mark.parametrize(
    "link",
    ["https://video.example/r?room=a,b", "https://video.example/r;id=7", "https://v.example/"],
)
def test_a_video_link_reaches_readers_of_conference_whole_or_not_at_all(link):
    """vobject (Radicale's reader: a link filed on that CalDAV server is written back as vobject
    read it) takes CONFERENCE, which it does not know, for a list of texts: it cuts the link at
    its first "," and writes its ";" as "\\;", which ical.js then reads as part of the link. Such
    a link is left out of CONFERENCE; LOCATION (text, which vobject reads right) keeps it."""
    body = build(FEED, [event(video_url=link)])
    parsed = read_everywhere(body)
    assert parsed["events"][0]["location"] == link
    vevent = with_vobject(body).vevent
    assert vevent.location.value == link
    conferences = [c.value for c in vevent.contents.get("conference", [])]
    assert conferences == ([] if set(link) & {",", ";"} else [link])


def test_outlook_shows_each_status_as_its_free_busy_state():
    """How busy a talk makes its reader is said by its STATUS alone (helper-210). Outlook and
    Exchange set an imported event's "Show as" from X-MICROSOFT-CDO-BUSYSTATUS, else from TRANSP
    (OPAQUE busy, TRANSPARENT free), and only without either from STATUS (MS-OXCICAL
    2.1.3.1.1.20.23 and .25): CANCELLED free, TENTATIVE tentative, CONFIRMED busy, which is
    what each means here (Outlook strikes no cancelled event through: free is how it shows
    one). A TRANSP:OPAQUE, the RFC 5545 default some builders write out, would make a talk
    still to be confirmed (a presenter invited, or one who declined) busy. CalDAV servers read
    STATUS alike for free-busy (RFC 4791 §7.10: cancelled left out, tentative BUSY-TENTATIVE).
    So neither a feed nor an emailed REQUEST or CANCEL carries TRANSP or a Microsoft busy
    status, and every event carries its STATUS."""
    from planner.mail import imip

    statuses = ("CONFIRMED", "TENTATIVE", "CANCELLED")
    feed = build(FEED, [event(uid=f"{s}@x", status=s) for s in statuses])
    attendee = imip.office_contact("kim@ipaustralia.example", "Kim")
    messages = [
        imip.itip(
            event(status=status),
            method,
            organizer="taskforce@wipo.example",
            attendee=attendee,
            stamp=START,
        ).encode()
        for status in statuses[:2]
        for method in imip.Method
    ]
    for body in (feed, *messages):
        read_everywhere(body)
        unfolded = re.sub(r"\r\n[ \t]", "", body.decode())
        assert not re.search(r"^(TRANSP|X-MICROSOFT-CDO-BUSYSTATUS)[:;]", unfolded, re.M)
        events = re.findall(r"^BEGIN:VEVENT\r\n(.*?)^END:VEVENT", unfolded, re.M | re.S)
        assert events and all(re.search(r"^STATUS:", e, re.M) for e in events)
    shown = [s["status"] for s in read_everywhere(feed)["events"]]
    assert sorted(shown) == sorted(statuses)
