"""A published workshop through a co-lead's edits (helper-162): published, a presenter invited
and confirming, a slot moved, the meeting renamed, a slot made a discussion, a slot cancelled,
the meeting cancelled. After each, every email goes through a real SMTP server on loopback, and
the Task Force feeds, the meeting's download, a recommendation's feed, two offices' private
feeds and each email's calendar part are read by all three readers, which must agree on:

- each slot keeps its UID everywhere;
- in each feed, an event's SEQUENCE never goes down, and LAST-MODIFIED moves whenever it rises;
- in each mailbox, each message about an event comes with a higher SEQUENCE than the one before,
  never below the feed its reader follows (the presenter's: the Task Force's; a contact's: their
  office's), at the feed's times; METHOD is the one the email's Content-Type names, a REQUEST
  is not cancelled and a CANCEL is;
- no private link, token or address where it does not belong."""

import re
from datetime import timedelta

import time_machine
from icalendar import Calendar

from planner.calendar.operations import office_feed_token
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.sender import send_due
from planner.offices.models import Office
from tests.calendar.readers import calendar_parts, read_calendar_part, read_everywhere
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_message_sequences import ALEX, KIM, _contact, _mine, _publish
from tests.presenters.support import confirm, invite

JUN = "jun@jpo.example"
OTHER = "Blockchain for priority documents"


def _unfolded(body: bytes) -> str:
    return re.sub(r"\r\n[ \t]", "", body.decode("utf-8"))


class Walk:
    def __init__(self, api, presenter, slot, server: SmtpServer) -> None:
        self.api, self.presenter, self.server = api, presenter, server
        self.config = {
            **api.application.config,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": server.port,
        }
        tokens = {
            c: office_feed_token(db.session.get(Office, c), "test-secret-key") for c in ("AU", "JP")
        }
        self.tokens = tokens
        meeting = slot.meeting_id
        self.public = {
            "taskforce": "/feeds/taskforce.ics",
            "talks": "/feeds/taskforce-talks.ics",
            "download": f"/meetings/{meeting}.ics?scope=slots",
            "rec 10": "/feeds/recommendations/10.ics",
        }
        self.private = {c: f"/feeds/offices/{c}.ics?token={t}" for c, t in tokens.items()}
        self.uids = {s.id: s.uid for s in slot.meeting.slots} | {0: slot.meeting.uid}
        self.feeds: dict = {}  # (feed, uid) -> (sequence, last-modified)
        self.mailed: dict = {}  # (mailbox, uid) -> (sequence, method) of the last message
        self.read = 0
        self.sent: list = []  # this step's emails
        self.problems: list[str] = []
        self.step_name = ""

    def step(self, name: str) -> dict:
        """Everything due goes out; every feed and email is read. Returns the feeds' events
        this step: {feed: {uid: event}}."""
        self.step_name = name
        send_due(self.config, utcnow() + timedelta(hours=1))
        db.session.commit()
        shown = {
            feed: self._feed(feed, url) for feed, url in {**self.public, **self.private}.items()
        }
        self.sent = self.server.messages()[self.read :]
        for message in self.sent:
            self._email(message, shown)
        self.read += len(self.sent)
        return shown

    def _problem(self, text: str) -> None:
        self.problems.append(f"[{self.step_name}] {text}")

    def _feed(self, feed: str, url: str) -> dict:
        answer = self.presenter.get(url)
        assert answer.status_code == 200, url
        text = _unfolded(answer.data)
        parsed = read_everywhere(answer.data)
        assert "METHOD" not in Calendar.from_ical(answer.data)
        leaks = ["/presenter/", ALEX, KIM, JUN]
        leaks += (
            list(self.tokens.values())
            if feed in self.public
            else [t for c, t in self.tokens.items() if c != feed]
        )
        for leak in leaks:
            if leak in text:
                self._problem(f"{feed} holds {leak[:24]}")
        events = {}
        for event in Calendar.from_ical(answer.data).walk("VEVENT"):
            uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
            modified = event["LAST-MODIFIED"].dt
            if uid not in self.uids.values():
                self._problem(f"{feed} has an event of no slot: {uid}")
            before = self.feeds.get((feed, uid))
            if before is not None and (
                sequence < before[0]
                or modified < before[1]
                or (sequence > before[0] and modified == before[1])
            ):
                self._problem(
                    f"{feed} {uid}: SEQUENCE {before[0]} -> {sequence}, "
                    f"LAST-MODIFIED {before[1]} -> {modified}"
                )
            self.feeds[(feed, uid)] = (sequence, modified)
            events[uid] = event
        assert {e["uid"] for e in parsed["events"]} == set(events)
        return events

    def _email(self, message, shown: dict) -> None:
        (to,) = message["To"].addresses
        who = to.addr_spec
        whole = message.as_string()
        if "/presenter/" in whole and who != ALEX:
            self._problem(f"a private link to {who}")
        if any(token in whole for token in self.tokens.values()):
            self._problem(f"an office feed token to {who}")
        parts = calendar_parts(message)
        if not parts:
            return
        body, calendar, event = read_calendar_part(parts[0])
        method, status = str(calendar["METHOD"]), str(event["STATUS"])
        uid, sequence = str(event["UID"]), int(event["SEQUENCE"])
        line = f"{who} {method} {uid} SEQUENCE {sequence} “{message['Subject']}”"
        if parts[0].get_param("method") != method:
            self._problem(f"Content-Type says {parts[0].get_param('method')}: {line}")
        if "/presenter/" in _unfolded(body) or "token=" in _unfolded(body):
            self._problem(f"a private link in the calendar part: {line}")
        if (method == "CANCEL") != (status == "CANCELLED"):
            self._problem(f"STATUS {status}: {line}")
        before = self.mailed.get((who, uid))
        if before is not None and sequence <= before[0]:
            self._problem(f"not above {before[0]}: {line}")
        self.mailed[(who, uid)] = (sequence, method)
        followed = "talks" if who == ALEX else {KIM: "AU", JUN: "JP"}[who]
        feed = shown[followed].get(uid)
        if feed is None:
            self._problem(f"not in the {followed} feed: {line}")
            return
        if sequence < int(feed["SEQUENCE"]):
            self._problem(f"below the {followed} feed's {int(feed['SEQUENCE'])}: {line}")
        if method == "REQUEST" and (event["DTSTART"].dt, event["DTEND"].dt) != (
            feed["DTSTART"].dt,
            feed["DTEND"].dt,
        ):
            self._problem(f"not at the {followed} feed's time: {line}")


def _sequences(shown: dict) -> dict:
    return {
        feed: {uid: int(e["SEQUENCE"]) for uid, e in events.items()}
        for feed, events in shown.items()
    }


def test_the_feeds_and_every_email_agree_through_a_co_lead_s_edits(api, slot, presenter):
    _contact("AU", "Kim", KIM)
    _contact("JP", "Jun", JUN)
    other = next(s.id for s in slot.meeting.slots if s.title == OTHER)
    server = SmtpServer().start()
    try:
        walk = Walk(api, presenter, slot, server)
        meeting = f"/api/v1/meetings/{slot.meeting_id}"
        edits = [
            ("moved", f"/api/v1/slots/{slot.id}", {"starts_at": "2027-03-09T14:00:00+01:00"}),
            ("renamed", meeting, {"title": "Rec 10 workshop: governance"}),
            ("made a discussion", f"/api/v1/slots/{other}", {"kind": "discussion"}),
            ("slot cancelled", f"/api/v1/slots/{slot.id}", {"status": "cancelled"}),
        ]
        with time_machine.travel(utcnow(), tick=True) as clock:
            # Each step two minutes after the last: its own news (not merged with the one
            # before), in a second of its own (LAST-MODIFIED is to the second).
            _publish(api, slot)
            walk.step("published")
            clock.shift(timedelta(minutes=2))
            link = invite(api, _mine(slot.id))
            walk.step("invited")
            clock.shift(timedelta(minutes=2))
            assert confirm(presenter, link).status_code == 302
            shown = walk.step("confirmed")
            before = _sequences(shown)
            for name, url, change in edits:
                clock.shift(timedelta(minutes=2))
                answer = api.patch(url, json=change)
                assert answer.status_code == 200, answer.get_json()
                shown = walk.step(name)
                if name == "renamed":
                    # Every event rose (checked against the step before: LAST-MODIFIED moved
                    # with it), says the new name, and each copy mailed is updated, once.
                    for feed, events in shown.items():
                        for uid, event in events.items():
                            assert int(event["SEQUENCE"]) > before[feed][uid], (feed, uid)
                            if uid != walk.uids[0]:
                                said = str(event["DESCRIPTION"])
                                assert said.startswith("Part of: Rec 10 workshop: governance\n")
                    told = sorted(m["To"].addresses[0].addr_spec for m in walk.sent)
                    assert told == [ALEX, JUN, KIM]
                before = _sequences(shown)
            clock.shift(timedelta(minutes=2))
            assert api.delete(meeting).status_code in (200, 204)
            shown = walk.step("meeting cancelled")
    finally:
        server.stop()
    assert walk.problems == []
    # Each one was written to, and their calendar holds nothing at the end.
    assert sorted({who for who, _ in walk.mailed}) == [ALEX, JUN, KIM]
    assert {method for _, method in walk.mailed.values()} == {"CANCEL"}
    for feed, events in shown.items():
        assert {str(e["STATUS"]) for e in events.values()} == {"CANCELLED"}, feed
