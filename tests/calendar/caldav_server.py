"""A real CalDAV server (Radicale, in a process of its own on loopback, with a temporary storage
folder and no authentication) and what a calendar client does with it: one calendar object
resource per UID, created with If-None-Match, replaced or deleted with If-Match, read back by GET
and by a calendar-query REPORT with a time-range (RFC 4791)."""

import base64
import hashlib
import http.client
import os
import re
import subprocess
import sys
import time
import uuid
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.mail.smtp_server import free_port

USER = "subscriber"
# No password is checked (auth type none), but Radicale's rights give a user their own folder.
AUTHORIZATION = "Basic " + base64.b64encode(f"{USER}:x".encode()).decode()
DAV, CALDAV = "DAV:", "urn:ietf:params:xml:ns:caldav"
# What a client keeps of a calendar when it files its events one by one: the rest of the head
# (METHOD above all, RFC 4791 §4.1; a feed's name, refresh interval and source) is not theirs.
_KEPT_HEAD = {"VERSION", "PRODID", "CALSCALE"}


@dataclass
class Answer:
    status: int
    headers: Message
    body: bytes

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")


@dataclass
class Radicale:
    """Radicale serving `folder` on a free port of loopback, until `stop`."""

    folder: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.folder / "radicale.log"

    def start(self, wait: float = 20.0) -> "Radicale":
        command = [
            sys.executable,
            "-m",
            "radicale",
            "--config",
            "",  # no configuration file of the machine's or the user's
            "--server-hosts",
            f"127.0.0.1:{self.port}",
            "--storage-filesystem-folder",
            str(self.folder / "collections"),
            "--auth-type",
            "none",
            "--web-type",
            "none",
            # A PUT over an existing object without If-Match is refused: the tests must
            # update as a careful client does, never overwrite blindly.
            "--storage-strict-preconditions",
            "True",
            "--logging-level",
            "warning",
            "--logging-bad-put-request-content",
            "True",
        ]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Radicale stopped at once:\n{self.log_text()}")
            try:
                if self.request("OPTIONS", "/").status < 500:
                    return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Radicale did not answer within {wait} s:\n{self.log_text()}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                method, path, body, {"Authorization": AUTHORIZATION, **(headers or {})}
            )
            response = connection.getresponse()
            return Answer(response.status, response.msg, response.read())
        finally:
            connection.close()

    def new_calendar(self) -> "CalDavCalendar":
        """A calendar collection of its own (MKCALENDAR), as a client makes one."""
        calendar = CalDavCalendar(self, f"/{USER}/{uuid.uuid4().hex}/")
        made = self.request("MKCALENDAR", calendar.path)
        assert made.status == 201, (made.status, made.body, self.log_text())
        return calendar

    def upload_calendar(self, body: bytes) -> "CalDavCalendar":
        """A whole calendar put as a new collection in one request (a calendar imported
        whole): the server files each UID as an object of its own."""
        calendar = CalDavCalendar(self, f"/{USER}/{uuid.uuid4().hex}/")
        answer = self.request(
            "PUT", calendar.path, body, {"Content-Type": "text/calendar; charset=utf-8"}
        )
        assert answer.status == 201, (answer.status, answer.body, self.log_text())
        return calendar

    def display_name(self, path: str) -> str | None:
        body = (
            f'<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="{DAV}">'
            "<D:prop><D:displayname/></D:prop></D:propfind>"
        ).encode()
        answer = self.request(
            "PROPFIND", path, body, {"Depth": "0", "Content-Type": "application/xml"}
        )
        assert answer.status == 207, (answer.status, answer.body)
        return ElementTree.fromstring(answer.body).findtext(f".//{{{DAV}}}displayname")


def started_radicale(folder: Path) -> Radicale:
    """Radicale started, or the test failed (with CI=true) or skipped, loudly, saying why."""
    try:
        return Radicale(folder).start()
    except (OSError, RuntimeError) as error:
        message = f"the CalDAV server (Radicale, from the test extra) could not start: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _logical_lines(body: bytes) -> list[bytes]:
    """Content lines as written (folded continuation lines kept with theirs)."""
    lines: list[bytes] = []
    for raw in body.split(b"\r\n"):
        if raw[:1] in (b" ", b"\t") and lines:
            lines[-1] += b"\r\n" + raw
        elif raw:
            lines.append(raw)
    return lines


def _unfolded(line: bytes) -> str:
    return re.sub(rb"\r\n[ \t]", b"", line).decode("utf-8")


def _name(line: bytes) -> str:
    return re.split(r"[;:]", _unfolded(line), maxsplit=1)[0].upper()


def _value(line: bytes) -> str:
    # The value follows the first colon outside a quoted parameter value.
    text = _unfolded(line)
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return text[index + 1 :]
    raise AssertionError(f"not a content line: {text!r}")


def calendar_objects(body: bytes) -> dict[str, bytes]:
    """The calendar as a client files it on a CalDAV server: one object per UID, holding that
    UID's events and the VTIMEZONEs they name, under a head of VERSION, PRODID and CALSCALE
    (no METHOD, no feed lines). The event lines are the app's bytes, unchanged."""
    head: list[bytes] = []
    zones: dict[str, list[bytes]] = {}
    events: dict[str, list[bytes]] = {}
    component: list[bytes] | None = None
    depth = 0
    for line in _logical_lines(body):
        name = _name(line)
        if name == "BEGIN":
            depth += 1
            if depth == 2:
                component = []
        if depth >= 2:
            component.append(line)
        elif depth == 1 and name in _KEPT_HEAD:
            head.append(line)
        if name == "END":
            if depth == 2:
                kind = _value(component[0]).upper()
                ids = [_value(x) for x in component if _name(x) in ("UID", "TZID")]
                assert len(ids) == 1, f"{kind} without one UID or TZID: {ids}"
                if kind == "VTIMEZONE":
                    zones[ids[0]] = component
                else:
                    assert kind == "VEVENT", kind
                    events.setdefault(ids[0], []).extend(component)
            depth -= 1
    assert depth == 0, "unbalanced BEGIN and END"
    objects = {}
    for uid, lines in events.items():
        named = set(re.findall(r";TZID=([^;:]+)", "\n".join(map(_unfolded, lines))))
        used = [line for zone in sorted(named) for line in zones[zone]]
        whole = [b"BEGIN:VCALENDAR", *head, *used, *lines, b"END:VCALENDAR"]
        objects[uid] = b"\r\n".join(whole) + b"\r\n"
    return objects


def event_properties(obj: bytes) -> list[tuple[str, bytes, tuple]]:
    """The properties of an object's events as `icalendar` reads them (value as written back,
    parameters), in an order of their own: what a server that keeps the object must keep."""
    found = []
    for event in Calendar.from_ical(obj).walk("VEVENT"):
        for name, value in event.property_items(recursive=False):
            if name not in ("BEGIN", "END"):
                found.append((name, value.to_ical(), tuple(sorted(value.params.items()))))
    return sorted(found)


def utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class CalDavCalendar:
    """One calendar collection, and what a client keeps of it: the href and ETag of each UID."""

    server: Radicale
    path: str
    held: dict[str, tuple[str, str]] = field(default_factory=dict)  # UID: (href, ETag)
    sent: dict[str, bytes] = field(default_factory=dict)  # UID: the object last PUT

    def href(self, uid: str) -> str:
        # Clients name a resource after its UID, in letters any server takes.
        return self.path + hashlib.sha256(uid.encode()).hexdigest()[:32] + ".ics"

    def put(self, uid: str, obj: bytes) -> Answer:
        """Create the UID's object (If-None-Match: *) or replace the one held (If-Match)."""
        href, etag = self.held.get(uid, (self.href(uid), None))
        condition = {"If-Match": etag} if etag else {"If-None-Match": "*"}
        answer = self.server.request(
            "PUT", href, obj, {"Content-Type": "text/calendar; charset=utf-8", **condition}
        )
        assert answer.status == (204 if etag else 201), (
            f"{answer.status} for {uid}: {answer.body!r}\n{obj.decode()}\n{self.server.log_text()}"
        )
        assert answer.etag, "no ETag in the answer to a PUT"
        self.held[uid] = (href, answer.etag)
        self.sent[uid] = obj
        return answer

    def delete(self, uid: str) -> Answer:
        href, etag = self.held.pop(uid)
        del self.sent[uid]
        answer = self.server.request("DELETE", href, headers={"If-Match": etag})
        assert answer.status in (200, 204), (answer.status, answer.body)
        return answer

    def get(self, uid: str) -> Answer:
        href, etag = self.held[uid]
        answer = self.server.request("GET", href)
        assert answer.status == 200, (answer.status, answer.body)
        assert answer.etag == etag, "the object changed on the server behind the client"
        return answer

    def sync(self, feed: bytes) -> dict[str, int]:
        """What a syncing client does with a feed it fetched: each UID created or replaced,
        each UID no longer in it deleted. The status of each UID's PUT."""
        objects = calendar_objects(feed)
        statuses = {uid: self.put(uid, obj).status for uid, obj in objects.items()}
        for uid in set(self.held) - set(objects):
            self.delete(uid)
        return statuses

    def query(self, start: datetime | None = None, end: datetime | None = None) -> dict:
        """calendar-query REPORT: the objects with an event in [start, end) (every one without
        a range), as {href: calendar data}."""
        time_range = (
            f'<C:time-range start="{utc_stamp(start)}" end="{utc_stamp(end)}"/>'
            if start and end
            else ""
        )
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            f'<C:calendar-query xmlns:D="{DAV}" xmlns:C="{CALDAV}">'
            "<D:prop><D:getetag/><C:calendar-data/></D:prop>"
            '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
            f"{time_range}</C:comp-filter></C:comp-filter></C:filter>"
            "</C:calendar-query>"
        ).encode()
        answer = self.server.request(
            "REPORT",
            self.path,
            body,
            {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        )
        assert answer.status == 207, (answer.status, answer.body)
        found = {}
        for response in ElementTree.fromstring(answer.body).iter(f"{{{DAV}}}response"):
            href = response.findtext(f"{{{DAV}}}href")
            for propstat in response.iter(f"{{{DAV}}}propstat"):
                if " 200 " in (propstat.findtext(f"{{{DAV}}}status") or ""):
                    data = propstat.findtext(f".//{{{CALDAV}}}calendar-data")
                    if data is not None:
                        found[href] = data
        return found
