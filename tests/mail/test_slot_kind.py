"""helper-151: a slot's kind changed. Only a presentation is in its office's contacts'
calendars and has a presenter: one made a discussion or a break leaves the contacts' calendars
(a CANCEL of the same UID above the copy they hold), and nothing of it reaches them after; one
made a presentation is announced to them as a slot added is. Walked with the ledger of
tests/mail/test_message_sequences.py, every calendar part read back by every parser."""

import pytest
from sqlalchemy import select

from planner.extensions import db
from planner.mail.models import OutboxMessage
from tests.calendar.readers import read_everywhere
from tests.mail.test_message_sequences import (
    ALEX,
    KIM,
    Ledger,
    _contact,
    _mine,
    _move_meeting,
    _patch_slot,
    _publish,
)
from tests.presenters.support import confirm, invite

pytestmark = pytest.mark.one_database


def _to(email: str, slot_id: int, after: int = 0) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.recipient_email == email,
                OutboxMessage.slot_id == slot_id,
                OutboxMessage.id > after,
            )
            .order_by(OutboxMessage.id)
        )
    )


def _event(message: OutboxMessage) -> dict:
    """The one event of a message's calendar part, as ical.js (and the others) read it."""
    (event,) = read_everywhere(message.ics.encode())["events"]
    return event


def _last_id() -> int:
    return db.session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id.desc())) or 0


def test_a_presentation_made_a_discussion_leaves_its_contacts_calendars(api, slot):
    """The contact's copy is cancelled with a higher SEQUENCE; the meeting moved and cancelled
    afterwards sends them nothing (they hold nothing of it)."""
    ledger = Ledger(read_all=True)
    slot_id, uid = slot.id, slot.uid
    _contact("AU", "Kim", KIM)
    _publish(api, slot)
    ledger.step("publish")
    (announced,) = _to(KIM, slot_id)
    held = _event(announced)
    assert (announced.ics_method, held["uid"]) == ("REQUEST", uid)

    _patch_slot(api, slot_id, kind="discussion")
    (cancel,) = _to(KIM, slot_id, announced.id)
    event = _event(cancel)
    assert cancel.ics_method == "CANCEL" and cancel.kind == "cancellation"
    assert (event["uid"], event["status"]) == (uid, "CANCELLED")
    assert event["sequence"] > held["sequence"]
    assert cancel.subject == f"No longer on your programme: {_mine(slot_id).title}"
    assert "the co-leads have made it a discussion on the agenda" in cancel.text_body
    ledger.step("made a discussion", strict=True)

    last = _last_id()
    _move_meeting(api, slot, "2027-03-16T14:00:00+01:00")
    ledger.step("meeting moved", strict=True)
    assert api.delete(f"/api/v1/meetings/{_mine(slot_id).meeting_id}").status_code == 200
    ledger.step("meeting cancelled", strict=True)
    assert _to(KIM, slot_id, last) == []
    ledger.verdict()


def test_a_slot_made_a_presentation_is_announced_to_its_office_contacts(api, slot):
    """A discussion of AU's on a published agenda, made a presentation: AU's contacts get it as
    a slot added, "On the agenda"; back and forth, each message above the last they hold."""
    ledger = Ledger(read_all=True)
    slot_id, uid = slot.id, slot.uid
    _contact("AU", "Kim", KIM)
    _patch_slot(api, slot_id, kind="discussion")
    _publish(api, slot)
    ledger.step("publish")
    assert _to(KIM, slot_id) == []  # a discussion is in no contact's calendar

    _patch_slot(api, slot_id, kind="presentation")
    (announced,) = _to(KIM, slot_id)
    first = _event(announced)
    assert (announced.ics_method, first["uid"], first["status"]) == ("REQUEST", uid, "TENTATIVE")
    assert announced.subject.startswith("On the agenda: ")
    ledger.step("made a presentation", strict=True)

    # (A break is no office's: made one, it would lose its office too.)
    _patch_slot(api, slot_id, kind="discussion")
    (cancel,) = _to(KIM, slot_id, announced.id)
    assert cancel.ics_method == "CANCEL"
    assert _event(cancel)["sequence"] > first["sequence"]
    assert "the co-leads have made it a discussion on the agenda" in cancel.text_body
    ledger.step("made a discussion", strict=True)

    _patch_slot(api, slot_id, kind="presentation")
    (again,) = _to(KIM, slot_id, cancel.id)
    assert again.ics_method == "REQUEST"
    assert _event(again)["sequence"] > _event(cancel)["sequence"]
    ledger.step("a presentation again", strict=True)
    ledger.verdict()


def test_first_news_still_waiting_is_withdrawn_not_cancelled(api, slot):
    """Made a discussion within the minute the contact's first news waits: it never goes, and
    no CANCEL follows of what never reached them."""
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    _publish(api, slot)
    (waiting,) = _to(KIM, slot_id)
    assert waiting.status == "queued"
    _patch_slot(api, slot_id, kind="discussion")
    assert [(m.kind, m.status) for m in _to(KIM, slot_id)] == [("update", "superseded")]


@pytest.mark.parametrize("alex_is_contact", [False, True])
def test_taken_off_then_made_a_discussion_no_copy_is_left_behind(
    api, slot, presenter, alex_is_contact
):
    """The story the calendar probe found: Alex confirmed, an AU contact. The change of kind is
    refused while Alex holds it (nothing sent); set back, Alex is told (a CANCEL, or kept as
    a contact); made a discussion, every contact's copy is cancelled; the meeting moved and
    cancelled then sends no one anything, and no calendar keeps the slot."""
    ledger = Ledger(read_all=True)
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    if alex_is_contact:
        _contact("AU", "Alex", ALEX)
    _publish(api, slot)
    ledger.step("publish")
    link = invite(api, _mine(slot_id))
    ledger.step("invite Alex")
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms", strict=True)

    last = _last_id()
    refused = api.patch(f"/api/v1/slots/{slot_id}", json={"kind": "discussion"})
    assert refused.status_code == 409
    assert _last_id() == last
    ledger.step("made a discussion: refused", strict=True)

    _patch_slot(api, slot_id, status="proposed")
    ledger.step("Alex set back", strict=True)
    _patch_slot(api, slot_id, kind="discussion")
    for email in (KIM, ALEX) if alex_is_contact else (KIM,):
        last_message = _to(email, slot_id)[-1]
        assert last_message.ics_method == "CANCEL", (email, last_message.subject)
    ledger.step("made a discussion", strict=True)

    last = _last_id()
    _move_meeting(api, slot, "2027-03-16T14:00:00+01:00")
    ledger.step("meeting moved", strict=True)
    assert _mine(slot_id).status == "proposed"
    assert api.delete(f"/api/v1/meetings/{_mine(slot_id).meeting_id}").status_code == 200
    ledger.step("meeting cancelled", strict=True)
    assert _to(KIM, slot_id, last) == [] and _to(ALEX, slot_id, last) == []
    ledger.verdict()


def test_made_a_presentation_again_with_its_invitation_its_presenter_hears_of_it(
    api, slot, presenter
):
    """Set back, made a discussion the co-leads confirm, then a presentation again: the
    invitation left on it makes Alex its presenter again (as a co-lead's confirmation after a
    setting back does), and Alex's calendar gets it again rather than nothing."""
    ledger = Ledger(read_all=True)
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    _publish(api, slot)
    link = invite(api, _mine(slot_id))
    assert confirm(presenter, link).status_code == 302
    ledger.step("published, Alex confirmed")
    _patch_slot(api, slot_id, status="proposed")
    _patch_slot(api, slot_id, kind="discussion", status="confirmed")
    ledger.step("set back, a confirmed discussion", strict=True)
    last = _last_id()
    _patch_slot(api, slot_id, kind="presentation")
    (back,) = _to(ALEX, slot_id, last)
    assert back.ics_method == "REQUEST"
    assert _event(back)["status"] == "CONFIRMED"
    assert [m.ics_method for m in _to(KIM, slot_id, last)] == ["REQUEST"]
    ledger.step("a presentation again", strict=True)
    ledger.verdict()


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("es", "los codirectores lo han convertido en un debate del orden del día"),
        ("fr", "les coresponsables en ont fait une discussion à l’ordre du jour"),
        ("pt", "os co-líderes o transformaram em um debate na ordem do dia"),
        ("ru", "сокоординаторы сделали этот пункт повестки дня обсуждением"),
        ("zh", "共同牵头人已将其改为议程中的讨论"),
    ],
)
def test_the_contact_reads_why_in_their_language(api, slot, language, said):
    slot_id = slot.id
    contact = _contact("AU", "Kim", KIM)
    contact.language = language
    db.session.commit()
    _publish(api, slot)
    (announced,) = _to(KIM, slot_id)
    announced.status = "sent"  # it went out: its event is in their calendar
    db.session.commit()
    _patch_slot(api, slot_id, kind="discussion")
    (cancel,) = _to(KIM, slot_id, announced.id)
    assert cancel.ics_method == "CANCEL"
    for body in (cancel.text_body, cancel.html_body):
        assert said in body, body
    assert _event(cancel)["status"] == "CANCELLED"


def test_a_presentation_given_to_no_office_is_not_said_to_be_another_office_s(api, slot):
    """helper-159: a published presentation whose office a co-lead cleared reached its office's
    contact as "Another office now gives this presentation", which none did."""
    ledger = Ledger(read_all=True)
    slot_id = slot.id
    _contact("AU", "Kim", KIM)
    _publish(api, slot)
    ledger.step("publish")
    (first,) = _to(KIM, slot_id)
    _patch_slot(api, slot_id, office=None)
    ledger.step("office cleared", strict=True)
    (cancel,) = _to(KIM, slot_id, first.id)
    assert cancel.ics_method == "CANCEL"
    assert cancel.subject.startswith("No longer on your programme: ")
    said = (
        "The co-leads have taken your office off this presentation, and no other office gives "
        "it for now, so it is no longer on your office's programme:"
    )
    assert said in cancel.text_body and "Another office" not in cancel.text_body
    ledger.verdict()
