"""Sequences a real Task Force produces (written by helper-63), walked through the pages and
the API, every message "sent" between steps as a sender would send it. For each recipient
mailbox and slot UID it checks:

(a) each calendar message's SEQUENCE is strictly above the last one they got for that UID
    (unless it is an identical re-send);
(b) no CANCEL goes to someone who never got a REQUEST for that UID;
(c) what their calendar holds (the last method per UID) matches what the feeds show for them:
    the presenter, the slot while they present it; a contact of the slot's office, the slot
    while its meeting is published and it is not cancelled, if subscribed; else nothing (an
    unsubscribed contact may keep what they had until its CANCEL: checked strictly at the end);
(d) no private presenter link (/presenter/) is in a message to anyone but the slot's presenter;
(e) each calendar message is addressed as iTIP wants it (RFC 5546): its one ATTENDEE is its
    recipient (a REQUEST that names someone else is "not addressed to you" to Outlook, "party
    crashing" to Thunderbird), with an ORGANIZER and a DTSTAMP; a CANCEL is STATUS:CANCELLED.

What a calendar holds is compared with the feeds' event whole: times, title, status and
description (the meeting, its home time, the recommendations, the video link, the abstract, the
agenda page), all but the line naming the presenting office, which a presenter keeps while the
slot is with another office (the editor warns the co-lead to invite that office's presenter).

All problems of a sequence are gathered and reported together, with the message list."""

import os
import re
from dataclasses import dataclass, field

import pytest
from icalendar import Calendar
from sqlalchemy import or_, select

from planner.addresses import mailbox
from planner.agenda.models import MeetingStatus, Slot, SlotStatus
from planner.calendar.operations import is_public, presenter_event
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageStatus, OutboxMessage
from planner.mail.outbox import release, unsubscribed
from planner.mail.unsubscribe import unsubscribe
from planner.offices.contacts import contacts_for, update_contact
from planner.offices.models import OfficeContact
from tests.calendar.readers import read_everywhere
from tests.presenters.support import confirm, invite
from tests.support import publish_as_planned

# Each step's queries run on PostgreSQL in tests/mail/test_messages.py; these combinations
# run on SQLite (`one_database`).
pytestmark = pytest.mark.one_database

ALEX = "alex@ipaustralia.example"
SAM = "sam@ipaustralia.example"
KIM = "kim@ipaustralia.example"
PAT = "pat@indecopi.example"
HOLDING = (SlotStatus.invited, SlotStatus.confirmed)


@dataclass
class Held:
    method: str
    sequence: int
    body: str  # the VEVENT without DTSTAMP, to tell an identical re-send
    event: object
    got_request: bool = False


@dataclass
class Ledger:
    seen: int = 0
    held: dict = field(default_factory=dict)  # (mailbox, uid) -> Held
    requested: set = field(default_factory=set)  # (mailbox, uid) that ever got a REQUEST
    log: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    uids: set = field(default_factory=set)
    step_name: str = ""
    read_all: bool = False  # True: every message also through ical.js and vobject (slow)
    read: dict = field(default_factory=dict)  # what a check read once (`check_calendars`)

    # Delivery.

    def step(self, name: str, *, strict: bool = False) -> None:
        """Everything queued since the last step goes out (marked sent), and is checked: new
        messages, and older ones released again ("Send now", "Send all held", "Send again")."""
        self.step_name = name
        db.session.expire_all()
        messages = db.session.scalars(
            select(OutboxMessage)
            .where(or_(OutboxMessage.id > self.seen, OutboxMessage.status == MessageStatus.queued))
            .order_by(OutboxMessage.id)
        ).all()
        for message in messages:
            self.seen = max(self.seen, message.id)
            if message.status != MessageStatus.queued:
                self.log.append(f"  [{name}] (not sent: {message.status}) {self._line(message)}")
                continue
            self._deliver(message)
            message.status = MessageStatus.sent
        db.session.commit()
        self.check_calendars(strict=strict)

    def fail(self, *emails: str, note: str = "") -> list[int]:
        """The queued messages to `emails` fail (no server, bounced): not delivered."""
        db.session.expire_all()
        failed = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.status == MessageStatus.queued,
                OutboxMessage.recipient_email.in_(emails),
            )
        ).all()
        for message in failed:
            message.status = MessageStatus.failed
            self.log.append(f"  [{note}] FAILED {self._line(message)}")
        db.session.commit()
        return [m.id for m in failed]

    def send_again(self, ids: list[int], note: str) -> None:
        """A co-lead's "Send again" of each one still failed (a superseded one cannot be)."""
        db.session.expire_all()
        for message_id in ids:
            message = db.session.get(OutboxMessage, message_id)
            self.log.append(f"  [{note}] #{message_id} is {message.status}")
            if message.status == MessageStatus.failed:
                release(message, utcnow())
        db.session.commit()

    def _line(self, message: OutboxMessage, seq: int | None = None) -> str:
        return (
            f"#{message.id} to {message.recipient_email}: {message.kind} "
            f"{message.ics_method or '-'} SEQ={'' if seq is None else seq} “{message.subject}”"
        )

    def _deliver(self, message: OutboxMessage) -> None:
        self._check_link(message)
        if not message.ics:
            self.log.append(f"  [{self.step_name}] {self._line(message)}")
            return
        body = message.ics.encode("utf-8")
        if self.read_all:
            read_everywhere(body)
        calendar = Calendar.from_ical(body)
        (event,) = calendar.walk("VEVENT")
        uid, seq, method = str(event["UID"]), int(event["SEQUENCE"]), str(calendar["METHOD"])
        self.uids.add(uid)
        line = self._line(message, seq)
        self.log.append(f"  [{self.step_name}] {line}")
        self._check_addressed(message, event, method, line)
        key = (mailbox(message.recipient_email), uid)
        norm = re.sub(
            r"^(DTSTAMP|LAST-MODIFIED)[:;].*\r?\n", "", event.to_ical().decode(), flags=re.M
        )
        before = self.held.get(key)
        if before is not None and not seq > before.sequence:
            identical = seq == before.sequence and method == before.method and norm == before.body
            if not identical:
                self.problem(
                    "a",
                    f"SEQUENCE {seq} not above {before.sequence} ({before.method}) held: {line}",
                )
        if method == "CANCEL" and key not in self.requested:
            self.problem("b", f"CANCEL to one who never got a REQUEST of {uid}: {line}")
        if method == "CANCEL" and before is not None and before.method == "CANCEL":
            # Harmless (the event is gone already), kept in the log shown on a failure.
            self.log.append(f"  [{self.step_name}] (a CANCEL after a CANCEL) {line}")
        if method == "REQUEST":
            self.requested.add(key)
        if before is None or seq > before.sequence:
            # A calendar client ignores a message below what it holds (and, at the same
            # SEQUENCE, an older DTSTAMP, which a stored message sent again has).
            self.held[key] = Held(method, seq, norm, event)

    def _check_addressed(self, message: OutboxMessage, event, method: str, line: str) -> None:
        attendees = event.get("ATTENDEE")
        if isinstance(attendees, list) or attendees is None:
            self.problem("e", f"not one ATTENDEE but {attendees!r}: {line}")
        elif mailbox(str(attendees).removeprefix("mailto:")) != message.recipient_mailbox:
            self.problem("e", f"ATTENDEE {attendees} is not its recipient: {line}")
        if "ORGANIZER" not in event or "DTSTAMP" not in event:
            self.problem("e", f"no ORGANIZER or DTSTAMP: {line}")
        if method == "CANCEL" and str(event.get("STATUS")) != "CANCELLED":
            self.problem("e", f"a CANCEL that is {event.get('STATUS')}: {line}")

    def _check_link(self, message: OutboxMessage) -> None:
        text = (message.text_body or "") + (message.html_body or "")
        if "/presenter/" not in text:
            return
        slot = db.session.get(Slot, message.slot_id) if message.slot_id else None
        current = mailbox(slot.invitation.email) if slot is not None and slot.invitation else ""
        if mailbox(message.recipient_email) != current:
            self.problem(
                "d",
                f"private link to {message.recipient_email} (presenter: "
                f"{current or 'none'}): {self._line(message)}",
            )

    def problem(self, rule: str, text: str) -> None:
        self.problems.append(f"({rule}) [{self.step_name}] {text}")

    # What the calendars should hold.

    def _expected(self, who: str, slot: Slot | None) -> tuple[bool, bool]:
        """(should hold it, may hold it) for mailbox `who`."""
        if slot is None:
            return False, False
        meeting = slot.meeting
        if (
            slot.starts_at is None
            or slot.status == SlotStatus.cancelled
            or meeting.status == MeetingStatus.cancelled
        ):
            return False, False
        invitation = slot.invitation
        if invitation is not None and mailbox(invitation.email) == who and slot.status in HOLDING:
            return True, True
        contact = who in self._contacts(slot.office_code or "")
        if contact and is_public(meeting):
            if self._unsubscribed(who):
                return False, True  # what they had stays until its CANCEL
            return True, True
        return False, False

    def _waiting(self, slot: Slot | None, who: str) -> bool:
        if slot is None or slot.invitation is None or mailbox(slot.invitation.email) != who:
            return False
        return (
            db.session.scalar(
                select(OutboxMessage.id).where(
                    OutboxMessage.slot_id == slot.id,
                    OutboxMessage.status == MessageStatus.held,
                    OutboxMessage.recipient_email == who,
                )
            )
            is not None
        )

    def _contacts(self, office: str) -> set[str]:
        """The mailboxes of the office's contacts, read once a check (`check_calendars`)."""
        if office not in self.read:
            self.read[office] = {mailbox(c.email) for c in contacts_for(office)}
        return self.read[office]

    def _unsubscribed(self, who: str) -> bool:
        """Whether `who` stopped updates, read once a check (`check_calendars`)."""
        if (who, "update") not in self.read:
            self.read[who, "update"] = unsubscribed(who, "update")
        return self.read[who, "update"]

    def check_calendars(self, *, strict: bool) -> None:
        db.session.expire_all()
        # Nothing changes while it looks: each office's contacts and each person's
        # unsubscription are read once, not once for each person and slot (some 3,000 queries
        # over the module's sequences).
        self.read = {}
        slots = {
            s.uid: s for s in db.session.scalars(select(Slot).where(Slot.kind == "presentation"))
        }
        people = {who for who, _ in self.held}
        for office in ("AU", "PE", "JP"):
            people |= self._contacts(office)
        people |= {mailbox(s.invitation.email) for s in slots.values() if s.invitation}
        people.discard("")
        for who in sorted(people):
            for uid in sorted(self.uids | {u for u, s in slots.items() if s.starts_at}):
                slot = slots.get(uid)
                if self._waiting(slot, who):
                    # Their invitation is held for review: they have heard nothing of it yet and
                    # keep what they held as a contact, if anything, until it is released.
                    continue
                should, may = self._expected(who, slot)
                held = self.held.get((who, uid))
                holds = held is not None and held.method == "REQUEST"
                title = slot.title if slot else uid
                if should and not holds:
                    got = f"last {held.method} SEQ={held.sequence}" if held else "nothing"
                    self.problem("c", f"{who} should hold “{title}” but has {got}")
                elif holds and not (should or (may and not strict)):
                    self.problem(
                        "c",
                        f"{who} still holds “{title}” (REQUEST SEQ={held.sequence})"
                        f" but the feeds show nothing for them",
                    )
                elif holds and should and not self._unsubscribed(who):
                    self._same_event(who, slot, held)

    def _same_event(self, who: str, slot: Slot, held: Held) -> None:
        shown = presenter_event(slot, f"http://localhost/meetings/{slot.meeting_id}")
        event = held.event
        mine = (
            event["DTSTART"].dt,
            event["DTEND"].dt,
            str(event.get("SUMMARY")),
            str(event.get("STATUS")),
            _described(str(event.get("DESCRIPTION"))),
        )
        feed = (
            shown.start,
            shown.end,
            shown.summary,
            shown.status,
            _described(shown.description),
        )
        if mine != feed:
            self.problem("c", f"{who} holds “{slot.title}” as {mine}, the feeds show {feed}")

    def verdict(self) -> None:

        if self.problems or os.environ.get("SHOW_MESSAGES"):
            pytest.fail(
                "\n".join(["Problems:", *self.problems, "Messages:", *self.log]), pytrace=False
            )


def _described(description: str) -> str:
    """An event's description but its line naming the presenting office (see the top)."""
    lines = description.split("\n")
    return "\n".join(line for line in lines if not line.startswith("Presenter: "))


def _contact(office: str, name: str, email: str) -> OfficeContact:
    contact = OfficeContact(
        office_code=office, name=name, email=email, language="en", source="test"
    )
    db.session.add(contact)
    db.session.commit()
    return contact


def _publish(api, slot) -> None:
    assert publish_as_planned(api, slot.meeting_id).status_code == 200


def _move_meeting(api, slot, when: str) -> None:
    moved = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": when})
    assert moved.status_code == 200, moved.get_json()


def _rename_meeting(api, slot, title: str) -> None:
    renamed = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"title": title})
    assert renamed.status_code == 200, renamed.get_json()


def _patch_slot(api, slot_id: int, **values) -> None:
    answer = api.patch(f"/api/v1/slots/{slot_id}", json=values)
    assert answer.status_code == 200, answer.get_json()


def _decline(presenter, link: str) -> None:
    answer = presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    assert answer.status_code == 302


def _published_and_confirmed(ledger: Ledger, api, slot, presenter) -> str:
    """The opening most walks share: the meeting published, Alex invited, Alex confirming.
    Returns Alex's private link."""
    _publish(api, slot)
    ledger.step("publish")
    link = invite(api, _mine(slot.id))
    ledger.step("invite Alex")
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms")
    return link


def _mine(slot_id: int) -> Slot:
    db.session.expire_all()
    return db.session.get(Slot, slot_id)


# 1. invite → confirm → meeting moved → presenter replaced → new one declines → slot given to
# another office and back → slot cancelled → meeting cancelled.


@pytest.mark.parametrize("as_contact", ["none", "alex", "alex_and_sam", "alex_capitals"])
@pytest.mark.parametrize("publish_first", [True, False])
def test_the_life_of_a_talk(api, slot, presenter, as_contact, publish_first):
    ledger = Ledger()
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    _contact("PE", "Pat", PAT)
    if as_contact in ("alex", "alex_and_sam"):
        _contact("AU", "Alex", ALEX)
    if as_contact == "alex_capitals":
        _contact("AU", "Alex", "Alex@IPAustralia.example")
    if as_contact == "alex_and_sam":
        _contact("AU", "Sam", SAM)
    ledger.step("contacts")
    if publish_first:
        _publish(api, slot)
        ledger.step("publish")
    link = invite(api, _mine(slot_id))
    ledger.step("invite Alex")
    if not publish_first:
        _publish(api, slot)
        ledger.step("publish")
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms")
    _move_meeting(api, slot, "2027-03-09T14:00:00+01:00")
    ledger.step("meeting moved")
    _rename_meeting(api, slot, "Rec 10 workshop: governance")
    ledger.step("meeting renamed")
    link = invite(api, _mine(slot_id), name="Sam Other", email=SAM)
    ledger.step("Sam replaces Alex")
    _decline(presenter, link)
    ledger.step("Sam declines")
    _patch_slot(api, slot_id, office="PE")
    ledger.step("slot to PE")
    _patch_slot(api, slot_id, office="AU")
    ledger.step("slot back to AU")
    assert api.delete(f"/api/v1/slots/{slot_id}").status_code in (200, 204)
    ledger.step("slot cancelled")
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()


# 2. A draft: invitations sent again, then the slot (or the whole meeting) deleted.


@pytest.mark.parametrize("as_contact", [False, True])
@pytest.mark.parametrize("delete", ["slot", "meeting", "slot_page"])
@pytest.mark.parametrize("replaced", [False, True])
def test_a_draft_invited_again_then_deleted(api, slot, presenter, as_contact, delete, replaced):
    from tests.support import hidden_fields

    ledger = Ledger()
    slot_id, meeting_id = slot.id, slot.meeting_id
    _contact("AU", "Kim", KIM)
    if as_contact:
        _contact("AU", "Alex", ALEX)
    ledger.step("contacts")
    for round_ in range(3):
        link = invite(api, _mine(slot_id))
        ledger.step(f"invite Alex #{round_ + 1}")
        if round_ == 1:
            assert confirm(presenter, link).status_code == 302
            ledger.step("Alex confirms")
            _move_meeting(api, slot, "2027-03-09T14:00:00+01:00")
            ledger.step("draft moved")
    if replaced:
        link = invite(api, _mine(slot_id), name="Sam Other", email=SAM)
        ledger.step("Sam replaces Alex")
        assert confirm(presenter, link).status_code == 302
        ledger.step("Sam confirms")
    if delete == "slot":
        assert api.delete(f"/api/v1/slots/{slot_id}").status_code in (200, 204)
    elif delete == "slot_page":
        asked = f"/slots/{slot_id}/delete"
        assert api.post(asked, data=hidden_fields(api, asked)).status_code == 302
    else:
        assert api.delete(f"/api/v1/meetings/{meeting_id}").status_code in (200, 204)
    ledger.step(f"draft {delete} deleted", strict=True)
    assert db.session.get(Slot, slot_id) is None
    ledger.verdict()


# 3. A contact (or the presenter, a contact too) unsubscribes midway.


@pytest.mark.parametrize("who", ["kim", "alex"])
def test_a_contact_unsubscribed_midway(api, slot, presenter, who):
    ledger = Ledger()
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    _contact("AU", "Alex", ALEX)
    _contact("PE", "Pat", PAT)
    ledger.step("contacts")
    link = _published_and_confirmed(ledger, api, slot, presenter)
    unsubscribe(KIM if who == "kim" else ALEX, "update")
    db.session.commit()
    ledger.step(f"{who} unsubscribes")
    _patch_slot(api, slot_id, duration_minutes=25)
    ledger.step("slot longer")
    _patch_slot(api, slot_id, office="PE")
    ledger.step("slot to PE")
    _patch_slot(api, slot_id, office="AU")
    ledger.step("slot back to AU")
    link = invite(api, _mine(slot_id), name="Sam Other", email=SAM)
    ledger.step("Sam replaces Alex")
    _move_meeting(api, slot, "2027-03-09T14:00:00+01:00")
    ledger.step("meeting moved")
    _decline(presenter, link)
    ledger.step("Sam declines")
    assert api.delete(f"/api/v1/slots/{slot_id}").status_code in (200, 204)
    ledger.step("slot cancelled")
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()


@pytest.mark.parametrize("who", ["kim", "alex"])
def test_a_contact_unsubscribed_then_the_meeting_is_cancelled(api, slot, presenter, who):
    """Unsubscribed: nothing new, but the CANCEL of what they hold (end state strict)."""
    ledger = Ledger()
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    _contact("AU", "Alex", ALEX)
    ledger.step("contacts")
    _publish(api, slot)
    ledger.step("publish")
    link = invite(api, _mine(slot_id))
    ledger.step("invite Alex")
    unsubscribe(KIM if who == "kim" else ALEX, "update")
    db.session.commit()
    ledger.step(f"{who} unsubscribes")
    _decline(presenter, link)
    ledger.step("Alex declines")
    _patch_slot(api, slot_id, title="Renamed")
    ledger.step("renamed")
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()


# 4. A contact's address edited to other capitals.


@pytest.mark.parametrize("as_contact", [False, True])
def test_a_contact_s_address_in_other_capitals(api, slot, presenter, as_contact):
    fields = {"role": "", "language": "en", "editor": "co"}
    ledger = Ledger()
    slot_id = slot.id
    kim = _contact("AU", "Kim", KIM)
    alex = _contact("AU", "Alex", ALEX) if as_contact else None
    ledger.step("contacts")
    _publish(api, slot)
    ledger.step("publish")
    link = invite(api, _mine(slot_id), email="Alex@IPAustralia.example")
    ledger.step("invite Alex (capitals)")
    update_contact(db.session.get(OfficeContact, kim.id), name="Kim", email=KIM.upper(), **fields)
    if alex is not None:
        update_contact(
            db.session.get(OfficeContact, alex.id),
            name="Alex",
            email="ALEX@ipaustralia.EXAMPLE",
            **fields,
        )
    db.session.commit()
    ledger.step("addresses in capitals")
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms")
    _patch_slot(api, slot_id, duration_minutes=25)
    ledger.step("slot longer")
    invite(api, _mine(slot_id), name="Sam Other", email=SAM)
    ledger.step("Sam replaces Alex")
    _patch_slot(api, slot_id, office="PE")
    ledger.step("slot to PE")
    _patch_slot(api, slot_id, office="AU")
    ledger.step("slot back to AU")
    update_contact(
        db.session.get(OfficeContact, kim.id), name="Kim", email="Kim@IpAustralia.Example", **fields
    )
    db.session.commit()
    ledger.step("Kim in capitals again")
    _move_meeting(api, slot, "2027-03-09T14:00:00+01:00")
    ledger.step("meeting moved", strict=True)
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()


# 5. A declined presenter invited again (the same person) and confirming.


@pytest.mark.parametrize("as_contact", [False, True])
@pytest.mark.parametrize("published", [True, False])
def test_declined_then_invited_again_and_confirming(api, slot, presenter, as_contact, published):
    ledger = Ledger()
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    if as_contact:
        _contact("AU", "Alex", ALEX)
    ledger.step("contacts")
    if published:
        _publish(api, slot)
        ledger.step("publish")
    link = invite(api, _mine(slot_id))
    ledger.step("invite Alex")
    _decline(presenter, link)
    ledger.step("Alex declines")
    link = invite(api, _mine(slot_id))
    ledger.step("Alex invited again")
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms")
    _move_meeting(api, slot, "2027-03-09T14:00:00+01:00")
    ledger.step("meeting moved")
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms again")
    if not published:
        _publish(api, slot)
        ledger.step("publish", strict=True)
    _decline(presenter, link)
    ledger.step("Alex declines again")
    invite(api, _mine(slot_id))
    ledger.step("Alex invited a third time")
    assert api.delete(f"/api/v1/slots/{slot_id}").status_code in (200, 204)
    ledger.step("slot cancelled", strict=True)
    ledger.verdict()


# Extra orderings.


def test_replaced_while_the_slot_is_with_another_office(api, slot, presenter):
    """Alex (an AU contact) presents; the slot goes to PE, Sam replaces Alex there, and it
    comes back to AU."""
    ledger = Ledger()
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    _contact("AU", "Alex", ALEX)
    _contact("PE", "Pat", PAT)
    ledger.step("contacts")
    _published_and_confirmed(ledger, api, slot, presenter)
    _patch_slot(api, slot_id, office="PE")
    ledger.step("slot to PE")
    # Sam is PE's: the form filled in for Alex in Sydney would ask (helper-240).
    invite(api, _mine(slot_id), name="Sam Other", email=SAM, time_zone="Lima")
    ledger.step("Sam replaces Alex")
    _patch_slot(api, slot_id, office="AU")
    ledger.step("slot back to AU", strict=True)
    _move_meeting(api, slot, "2027-03-09T14:00:00+01:00")
    ledger.step("meeting moved", strict=True)
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()


@pytest.mark.parametrize("as_contact", [False, True])
def test_declined_in_a_draft_then_published(api, slot, presenter, as_contact):
    ledger = Ledger()
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    if as_contact:
        _contact("AU", "Alex", ALEX)
    ledger.step("contacts")
    link = invite(api, _mine(slot_id))
    ledger.step("invite Alex")
    _decline(presenter, link)
    ledger.step("Alex declines")
    _publish(api, slot)
    ledger.step("publish", strict=True)
    _patch_slot(api, slot_id, status="invited")
    ledger.step("co-lead sets it back to invited", strict=True)
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms", strict=True)
    _patch_slot(api, slot_id, office="JP")
    ledger.step("slot to JP", strict=True)
    _patch_slot(api, slot_id, office="AU")
    ledger.step("slot back to AU", strict=True)
    assert api.delete(f"/api/v1/slots/{slot_id}").status_code in (200, 204)
    ledger.step("slot cancelled", strict=True)
    ledger.verdict()


@pytest.mark.parametrize("as_contact", [False, True])
@pytest.mark.parametrize("status", ["proposed", "declined"])
def test_a_co_lead_resets_the_status(api, slot, presenter, as_contact, status):
    """The co-leads set an invited slot back to proposed (or declined) by hand."""
    ledger = Ledger()
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    if as_contact:
        _contact("AU", "Alex", ALEX)
    ledger.step("contacts")
    _published_and_confirmed(ledger, api, slot, presenter)
    _patch_slot(api, slot_id, status=status)
    ledger.step(f"co-lead sets {status}", strict=True)
    _patch_slot(api, slot_id, duration_minutes=25)
    ledger.step("slot longer", strict=True)
    invite(api, _mine(slot_id), name="Sam Other", email=SAM)
    ledger.step("Sam invited", strict=True)
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()


def test_a_failed_update_sent_again_after_a_newer_one(api, slot, presenter):
    """A co-lead's "Send again" of an update that failed, after a later one went."""
    ledger = Ledger()
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    ledger.step("contacts")
    _publish(api, slot)
    ledger.step("publish")
    _patch_slot(api, slot_id, duration_minutes=25)
    failed = ledger.fail(KIM, note="slot longer")
    _patch_slot(api, slot_id, duration_minutes=30)
    ledger.step("slot longer again")
    ledger.send_again(failed, "send again")
    ledger.step("sent again", strict=True)
    ledger.verdict()


# 4. What a talk's calendar entry describes, and its presenter's answers (helper-201's changes).


@pytest.mark.parametrize("as_contact", [False, True])
def test_a_talk_s_description_and_its_presenter_s_answers_reach_every_calendar(
    api, slot, presenter, as_contact
):
    """helper-210: its abstract (the presenter's on their page, then a co-lead's) and its
    recommendations change, the presenter declines (the office's contacts are told: a REQUEST,
    still tentative) and confirms again on the same page, a contact joins and one stops
    updates: every calendar that holds the talk holds its description as the feeds give it, at
    a SEQUENCE that only rises, addressed to its own reader."""
    from tests.presenters.test_presenters import seen_on

    ledger = Ledger(read_all=True)
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    if as_contact:
        _contact("AU", "Alex", ALEX)
    ledger.step("contacts")
    link = _published_and_confirmed(ledger, api, slot, presenter)
    data = {"title": slot.title, "abstract": "Trials, and what they taught.", "seen": ""}
    data["seen"] = seen_on(presenter, link)
    assert presenter.post(link + "/talk", data=data).status_code == 302
    ledger.step("Alex edits the abstract")
    _patch_slot(api, slot_id, recommendations=[4, 10])
    ledger.step("a recommendation added")
    _decline(presenter, link)
    ledger.step("Alex declines")
    _patch_slot(api, slot_id, abstract="Trials at IP Australia.")
    ledger.step("a co-lead edits the abstract")
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms again")
    _contact("AU", "Sam", SAM)
    ledger.step("Sam becomes a contact")
    unsubscribe(KIM, "update")
    db.session.commit()
    _patch_slot(api, slot_id, recommendations=[4])
    ledger.step("Kim stopped updates; a recommendation taken off")
    _patch_slot(api, slot_id, status="cancelled")
    ledger.step("slot cancelled", strict=True)
    ledger.verdict()
