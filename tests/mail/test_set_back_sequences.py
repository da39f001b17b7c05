"""helper-64: sequences that stress a co-lead setting an invited/confirmed slot back (to
proposed or declined), walked with the ledger of tests/mail/test_message_sequences.py."""

import pytest
from sqlalchemy import select

from planner.agenda.models import Slot
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import release_held, set_hold_invitations
from planner.mail.unsubscribe import unsubscribe
from planner.presenters.forms import slot_time
from tests.mail.test_message_sequences import (
    ALEX,
    KIM,
    PAT,
    SAM,
    Ledger,
    _contact,
    _decline,
    _mine,
    _move_meeting,
    _patch_slot,
    _publish,
    _published_and_confirmed,
)
from tests.presenters.support import confirm, invite

# Each step's queries run on PostgreSQL in tests/mail/test_messages.py; these combinations
# run on SQLite (`one_database`).
pytestmark = pytest.mark.one_database


def _contacts(as_contact: str) -> None:
    _contact("AU", "Kim", KIM)
    _contact("PE", "Pat", PAT)
    if as_contact in ("alex", "alex_unsubscribed"):
        _contact("AU", "Alex", ALEX)
    if as_contact == "alex_unsubscribed":
        unsubscribe(ALEX, "update")
        db.session.commit()


# 1. Set back, then invited again by PATCH (the same invitation), then confirmed.


# Each value of each dimension at least once, with the contact roles against both statuses
# (every combination, 36, ran clean when written; a suite kept under four minutes runs these).
@pytest.mark.parametrize(
    ("as_contact", "status", "published", "confirmed_by"),
    [
        ("none", "proposed", True, "presenter"),
        ("none", "declined", False, "colead"),
        ("alex", "proposed", False, "presenter_unasked"),
        ("alex", "declined", True, "presenter"),
        ("alex_unsubscribed", "proposed", True, "colead"),
        ("alex_unsubscribed", "declined", False, "presenter_unasked"),
    ],
)
def test_set_back_then_invited_again_by_patch(
    api, slot, presenter, as_contact, status, published, confirmed_by
):
    ledger = Ledger()
    slot_id = slot.id
    _contacts(as_contact)
    ledger.step("contacts")
    if published:
        _publish(api, slot)
        ledger.step("publish")
    link = invite(api, _mine(slot_id))
    ledger.step("invite Alex")
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms")
    _patch_slot(api, slot_id, status=status)
    ledger.step(f"co-lead sets {status}", strict=True)
    _patch_slot(api, slot_id, duration_minutes=25)
    ledger.step("slot longer", strict=True)
    if confirmed_by == "presenter_unasked":
        # A page opened before the set-back still holds the form: the answer is refused (it
        # would undo the co-leads' decision) and tells no one.
        refused = confirm(presenter, link, shown_time=slot_time(db.session.get(Slot, slot_id)))
        assert refused.status_code == 409
        assert "taken you off this presentation" in refused.get_data(as_text=True)
        ledger.step("Alex's unasked confirmation refused", strict=True)
    _patch_slot(api, slot_id, status="invited")
    ledger.step("co-lead sets invited again", strict=True)
    if confirmed_by == "colead":
        _patch_slot(api, slot_id, status="confirmed")
    else:
        assert confirm(presenter, link).status_code == 302
    ledger.step(f"confirmed by {confirmed_by}", strict=True)
    _move_meeting(api, slot, "2027-03-09T14:00:00+01:00")
    ledger.step("meeting moved", strict=True)
    if not published:
        _publish(api, slot)
        ledger.step("publish", strict=True)
    _patch_slot(api, slot_id, status=status)
    ledger.step(f"co-lead sets {status} again", strict=True)
    assert api.delete(f"/api/v1/slots/{slot_id}").status_code in (200, 204)
    ledger.step("slot cancelled", strict=True)
    ledger.verdict()


# 2. Set back while the presenter's invitation is still held for review.


@pytest.mark.parametrize(
    ("as_contact", "status", "then"),
    [
        ("none", "proposed", "release"),
        ("alex", "proposed", "release"),
        ("none", "declined", "invited_then_release"),
        ("alex", "proposed", "sam_then_release"),
    ],
)
def test_set_back_while_the_invitation_is_held(api, slot, presenter, as_contact, status, then):
    ledger = Ledger()
    slot_id = slot.id
    _contacts(as_contact)
    _publish(api, slot)
    ledger.step("publish")
    set_hold_invitations(True)
    db.session.commit()
    invite(api, _mine(slot_id))
    ledger.step("invite Alex (held)")
    _patch_slot(api, slot_id, status=status)
    ledger.step(f"co-lead sets {status}", strict=True)
    if then == "invited_then_release":
        _patch_slot(api, slot_id, status="invited")
        ledger.step("co-lead sets invited again", strict=True)
    if then == "sam_then_release":
        invite(api, _mine(slot_id), name="Sam Other", email=SAM)
        ledger.step("Sam invited (held)", strict=True)
    held = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == MessageStatus.held)
    ).all()
    ledger.log.append(f"  held now: {[(m.id, m.recipient_email, m.kind) for m in held]}")
    release_held(utcnow())
    db.session.commit()
    ledger.step("send all held", strict=True)
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()


# 3. Set back, then the slot moved to another office (and back).


@pytest.mark.parametrize("as_contact", ["none", "alex", "alex_unsubscribed"])
@pytest.mark.parametrize("status", ["proposed", "declined"])
def test_set_back_then_moved_to_another_office(api, slot, presenter, as_contact, status):
    ledger = Ledger()
    slot_id = slot.id
    _contacts(as_contact)
    link = _published_and_confirmed(ledger, api, slot, presenter)
    _patch_slot(api, slot_id, status=status)
    ledger.step(f"co-lead sets {status}", strict=True)
    _patch_slot(api, slot_id, office="PE")
    ledger.step("slot to PE", strict=True)
    _patch_slot(api, slot_id, status="invited")
    ledger.step("co-lead sets invited again", strict=True)
    assert confirm(presenter, link).status_code == 302
    ledger.step("Alex confirms", strict=True)
    _patch_slot(api, slot_id, status=status, office="AU")
    ledger.step(f"set {status} and back to AU at once", strict=True)
    invite(api, _mine(slot_id), name="Sam Other", email=SAM)
    ledger.step("Sam invited", strict=True)
    _move_meeting(api, slot, "2027-03-09T14:00:00+01:00")
    ledger.step("meeting moved", strict=True)
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()


# 4. Messages that did not go out, then newer ones; a co-lead's "Send again".


@pytest.mark.parametrize("as_contact", ["none", "alex"])
@pytest.mark.parametrize("ending", ["set_back", "slot_cancelled", "meeting_cancelled"])
def test_a_failed_update_then_a_cancellation(api, slot, presenter, as_contact, ending):
    ledger = Ledger()
    slot_id = slot.id
    _contacts(as_contact)
    _published_and_confirmed(ledger, api, slot, presenter)
    _patch_slot(api, slot_id, title="Renamed")
    failed = ledger.fail(ALEX, KIM, note="renamed")
    if ending == "set_back":
        _patch_slot(api, slot_id, status="proposed")
    elif ending == "slot_cancelled":
        assert api.delete(f"/api/v1/slots/{slot_id}").status_code in (200, 204)
    else:
        assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    db.session.expire_all()
    cancels = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.id > max(failed),
            OutboxMessage.kind == MessageKind.cancellation,
        )
    ).all()
    assert all(m.status == MessageStatus.queued for m in cancels), [
        (m.id, m.recipient_email, m.status) for m in cancels
    ]
    ledger.step(ending, strict=True)
    ledger.send_again(failed, "send again")
    ledger.step("send again", strict=True)
    ledger.verdict()


@pytest.mark.parametrize("as_contact", ["none", "alex"])
def test_a_failed_cancellation_then_invited_again(api, slot, presenter, as_contact):
    """The set-back's CANCEL fails; the slot is invited again (an update REQUEST goes); a
    co-lead then presses "Send again" on the old CANCEL."""
    ledger = Ledger()
    slot_id = slot.id
    _contacts(as_contact)
    _published_and_confirmed(ledger, api, slot, presenter)
    _patch_slot(api, slot_id, status="proposed")
    failed = ledger.fail(ALEX, note="set back")
    _patch_slot(api, slot_id, status="invited")
    ledger.step("co-lead sets invited again", strict=True)
    ledger.send_again(failed, "send again")
    ledger.step("send again", strict=True)
    ledger.verdict()


def test_a_failed_invitation_and_update_then_a_held_invitation(api, slot, presenter):
    """A held invitation is not taken by a newer message; one sent later says what holds."""
    ledger = Ledger()
    slot_id = slot.id
    _contacts("alex")
    _publish(api, slot)
    ledger.step("publish")
    set_hold_invitations(True)
    db.session.commit()
    invite(api, _mine(slot_id))
    ledger.step("invite Alex (held)")
    _patch_slot(api, slot_id, title="Renamed")
    ledger.step("renamed", strict=True)
    _patch_slot(api, slot_id, duration_minutes=25)
    ledger.step("longer", strict=True)
    db.session.expire_all()
    held = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.status == MessageStatus.held,
            OutboxMessage.kind == MessageKind.invitation,
        )
    ).all()
    assert len(held) == 1, [(m.id, m.recipient_email) for m in held]
    release_held(utcnow())
    db.session.commit()
    ledger.step("send all held", strict=True)
    ledger.verdict()


# 5. A presenter who is an unsubscribed contact, set back then moved, invited back, declining.


@pytest.mark.parametrize("status", ["proposed", "declined"])
def test_an_unsubscribed_contact_presenter_set_back(api, slot, presenter, status):
    ledger = Ledger()
    slot_id = slot.id
    _contacts("alex_unsubscribed")
    link = _published_and_confirmed(ledger, api, slot, presenter)
    _patch_slot(api, slot_id, status=status)
    ledger.step(f"co-lead sets {status}", strict=True)
    _patch_slot(api, slot_id, title="Renamed")
    ledger.step("renamed", strict=True)
    _patch_slot(api, slot_id, status="invited")
    ledger.step("invited again", strict=True)
    _decline(presenter, link)
    ledger.step("Alex declines", strict=True)
    _patch_slot(api, slot_id, status="confirmed")
    ledger.step("co-lead confirms it anyway", strict=True)
    _patch_slot(api, slot_id, status="proposed")
    ledger.step("co-lead sets proposed", strict=True)
    invite(api, _mine(slot_id), name="Sam Other", email=SAM)
    ledger.step("Sam invited", strict=True)
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    ledger.step("meeting cancelled", strict=True)
    ledger.verdict()
