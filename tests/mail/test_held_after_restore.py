"""A message `flask db restored` held because it was waiting to go when the backup was made: the
co-lead who finds it went in the hours before the restore records it as sent ("It went before
the restore"), rather than discard it, which counted its presenter as never told. Delivered
through a real SMTP server on loopback."""

import html
from datetime import timedelta

import pytest

from planner.database_restore import restored
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageStatus
from planner.mail.sender import send_due
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_messages import PRESENTER, outbox
from tests.mail.test_undelivered_invitation import MOVED, settings
from tests.presenters.support import invite
from tests.support import csrf_token, publish_as_planned, sign_in


@pytest.fixture
def smtp(app):
    server = SmtpServer().start()
    yield server
    server.stop()


def _invited_then_restored(api, slot):
    """Alex is invited to the published workshop; the database is restored from a backup made
    while the invitation waited to go, and `db restored` holds it. (The invitation.)"""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    restored()
    db.session.commit()
    assert sign_in(api).status_code == 302  # the restore signed every co-lead out
    (invitation,) = outbox(recipient_email=PRESENTER)
    assert (invitation.kind, invitation.status) == ("invitation", MessageStatus.held)
    return invitation


def _went(api, message_id: int, **confirmed):
    token = csrf_token(api, f"/outbox/{message_id}")
    return api.post(f"/outbox/{message_id}/went", data={"csrf_token": token, **confirmed})


def test_a_held_invitation_recorded_as_gone_before_the_restore_is_followed_by_updates(
    api, slot, smtp
):
    """The mail server's log shows Alex's invitation delivered before the restore. Discarded, it
    counted as never reaching them, and the talk moved later sent them nothing; recorded as
    sent, it does not go again, and the move reaches them as its presenter."""
    config = settings(api.application, smtp)
    invitation = _invited_then_restored(api, slot)
    page = html.unescape(api.get(f"/outbox/{invitation.id}").get_data(as_text=True))
    assert "It went before the restore</button>" in page

    asked = _went(api, invitation.id)
    assert asked.status_code == 200
    assert "Did this message go before the restore?" in html.unescape(asked.get_data(as_text=True))
    assert outbox(recipient_email=PRESENTER)[0].status == MessageStatus.held

    assert _went(api, invitation.id, confirmed="yes").status_code == 302
    (recorded,) = outbox(recipient_email=PRESENTER)
    assert recorded.status == MessageStatus.sent
    assert recorded.sent_at == invitation.next_attempt_at
    assert recorded.last_error.startswith("recorded as sent by colead@example.org on ")
    shown = html.unescape(api.get(f"/outbox/{recorded.id}").get_data(as_text=True))
    assert f"<dt>Note</dt><dd>{recorded.last_error}</dd>" in shown
    assert "It went before the restore</button>" not in shown
    # Recorded once: a second confirmation (another tab, a double click) changes nothing.
    assert _went(api, recorded.id, confirmed="yes").status_code == 409

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    assert send_due(config, utcnow() + timedelta(minutes=10)).sent == 1
    (update,) = smtp.messages()
    assert PRESENTER in update["To"] and update["Subject"] != invitation.subject


def test_only_a_message_the_restore_held_and_still_holds_is_recorded_as_gone(api, slot):
    """A message not held by the restore (held for review, sent, discarded) is refused; so is
    one the co-lead confirmed after a change of its slot wrote it again (the one they read
    never goes), and one that is not there."""
    invitation = _invited_then_restored(api, slot)
    asked = _went(api, invitation.id)
    assert asked.status_code == 200
    # Moved while the co-lead read the confirmation: the held invitation is written again.
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    replaced, rewritten = outbox(recipient_email=PRESENTER)
    assert replaced.status == MessageStatus.superseded
    assert _went(api, invitation.id, confirmed="yes").status_code == 409
    assert rewritten.status == MessageStatus.held and not rewritten.last_error
    assert _went(api, rewritten.id, confirmed="yes").status_code == 409
    assert [m.status for m in outbox(recipient_email=PRESENTER)] == [
        MessageStatus.superseded,
        MessageStatus.held,
    ]
    assert _went(api, 999_999, confirmed="yes").status_code == 404
