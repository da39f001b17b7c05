"""Reading calendar output as clients do: icalendar, vobject and Mozilla's ical.js (Node), plus
the byte-level rules (CRLF, folding at 75 octets, every TZID defined) no single parser checks."""

import json
import os
import re
import shutil
import subprocess
import threading
from email.message import EmailMessage
from pathlib import Path

import pytest
import vobject
from icalendar import Calendar, Event

ICAL_JS = Path(__file__).parent / "js" / "parse.mjs"


def check_bytes(body: bytes) -> None:
    assert body.endswith(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b""), "a line ends without CR"
    assert not re.search(rb"[\x00-\x08\x0a-\x1f\x7f]", body.replace(b"\r\n", b"")), "control"
    for line in body.split(b"\r\n"):
        assert len(line) <= 75, f"line longer than 75 octets: {line[:40]!r}"
    text = body.decode("utf-8")
    # C1 controls, and what some readers take for line ends (Python's str.splitlines does).
    assert not re.search("[\x80-\x9f\u2028\u2029]", text), "a C1 control or line separator"
    unfolded = re.sub(r"\r\n[ \t]", "", text)
    used = set(re.findall(r";TZID=([^;:]+)", unfolded))
    defined = set(re.findall(r"^TZID:(.+)$", unfolded, re.M))
    assert used <= defined, f"TZIDs without VTIMEZONE: {used - defined}"
    assert "TZID=GMT" not in unfolded
    # Event times are UTC or carry a defined TZID: never floating.
    for event in re.findall(r"^BEGIN:VEVENT$(.*?)^END:VEVENT$", unfolded, re.M | re.S):
        for name, zone, value in re.findall(r"^(DTSTART|DTEND)((?:;[^:]*)?):(.+)$", event, re.M):
            assert value.endswith("Z") or "TZID=" in zone, f"floating {name}: {value}"


def with_icalendar(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    return calendar


def with_vobject(body: bytes):
    calendar = vobject.readOne(body.decode("utf-8"), validate=True)
    assert calendar.name == "VCALENDAR"
    return calendar


class _IcalJs:
    """One Node process reading calendars with ical.js for the whole test run (one per calendar
    cost a tenth of a second each): a calendar's text in, as a JSON line, its reading out."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.lock = threading.Lock()

    def read(self, body: bytes) -> dict:
        with self.lock:
            if self.process is None or self.process.poll() is not None:
                self.process = subprocess.Popen(
                    [_node(), str(ICAL_JS)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                )
            text = body.decode("utf-8")
            self.process.stdin.write(json.dumps(text) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        assert answer, "ical.js stopped without an answer"
        return json.loads(answer)


def _node() -> str:
    node = shutil.which("node")
    if node is None or not (ICAL_JS.parent / "node_modules" / "ical.js").exists():
        message = "Node.js with ical.js is needed (make test installs ical.js with npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return node


_ICAL_JS = _IcalJs()


def with_ical_js(body: bytes) -> dict:
    parsed = _ICAL_JS.read(body)
    assert "error" not in parsed, parsed.get("error")
    assert parsed["undefinedZones"] == []
    return parsed


def _people_by_icalendar(event) -> list[list]:
    people = []
    for name in ("ORGANIZER", "ATTENDEE"):
        found = event.get(name)
        for person in found if isinstance(found, list) else [found] if found else []:
            people.append([name.lower(), str(person), person.params.get("CN")])
    return people


def _people_by_vobject(event) -> list[list]:
    return [
        [name, line.value, line.params["CN"][0] if "CN" in line.params else None]
        for name in ("organizer", "attendee")
        for line in event.contents.get(name, [])
    ]


def read_everywhere(body: bytes) -> dict:
    """Check the bytes, parse with all three parsers, and return what ical.js saw. The three
    must see the same events: a line break let through would show as events only one sees;
    and the same names of the people a message names (vobject, as Outlook, reads no RFC 6868
    caret escapes: a name that needs one reads otherwise there)."""
    check_bytes(body)
    by_icalendar = with_icalendar(body).walk("VEVENT")
    by_vobject = with_vobject(body).contents.get("vevent", [])
    parsed = with_ical_js(body)
    uids = [str(e["UID"]) for e in by_icalendar]
    assert uids == [e.uid.value for e in by_vobject] == [e["uid"] for e in parsed["events"]]
    for mine, theirs, seen in zip(by_icalendar, by_vobject, parsed["events"], strict=True):
        assert _people_by_icalendar(mine) == _people_by_vobject(theirs) == seen["people"]
    return parsed


def calendar_parts(message: EmailMessage) -> list[EmailMessage]:
    """The text/calendar parts of an email: an invitation, update or cancellation has one."""
    return [p for p in message.walk() if p.get_content_type() == "text/calendar"]


def read_calendar_in(message: EmailMessage) -> dict:
    """The one text/calendar part of an email, as read_everywhere reads it."""
    (part,) = calendar_parts(message)
    return read_everywhere(part.get_payload(decode=True))


def read_calendar_part(part: EmailMessage) -> tuple[bytes, Calendar, Event]:
    """The bytes of an email's text/calendar part, checked by read_everywhere, and its calendar
    and one event as icalendar reads them."""
    body = part.get_content()
    body = body if isinstance(body, bytes) else body.encode("utf-8")
    read_everywhere(body)
    calendar = Calendar.from_ical(body)
    (event,) = calendar.walk("VEVENT")
    return body, calendar, event
