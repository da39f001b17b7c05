"""A presenter whose invitation did not reach them (their office's mail server turned it away
for a day, or for good) hears nothing else of the slot until it does: no update of a calendar
entry they lack, no reminder, no cancellation of a talk they never heard of. The co-leads see
it on the meeting's editor and send it again, written with the slot as it is then, or invite
another address. Delivered through a real SMTP server on loopback."""

import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageStatus
from planner.mail.sender import LONGEST_DELAY, MAX_ATTEMPTS, Counts, deliver_leased, send_due
from planner.offices.models import OfficeContact
from tests.calendar.readers import read_calendar_in, read_everywhere
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_messages import PRESENTER, outbox, sender_took_invitations
from tests.presenters.support import confirm, invite, reads
from tests.support import COLEAD_EMAIL, csrf_token, hidden_fields, publish_as_planned

FROM = "CWS ICT Task Force <taskforce@example.org>"
BUSY = "451 4.3.0 Mailbox unavailable, try again later"
# The talk (13:10–13:30 in Geneva) once moved 20 minutes later.
MOVED = "2027-03-09T13:30:00+01:00"
MOVED_SYDNEY = "Tuesday 9 March 2027, 23:30–23:50 Sydney (UTC+11)"


@pytest.fixture
def smtp(app):
    server = SmtpServer().start()
    yield server
    server.stop()


def settings(app, server: SmtpServer) -> dict:
    return {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_FROM": FROM}


def turned_away_for_a_day(api, slot, smtp) -> tuple[dict, object]:
    """Alex is invited and the workshop published while their office's server answers every
    message with 451: the sender tries the invitation all day, then gives up. (The settings,
    the time the sender's rounds reached.) Published once the sender first tried it: before
    that, the invitation is written again as published (helper-340)."""
    smtp.refuse[PRESENTER] = BUSY
    config = settings(api.application, smtp)
    invite(api, slot)
    now = utcnow() + timedelta(minutes=1)
    assert send_due(config, now).retrying == 1
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    for _ in range(MAX_ATTEMPTS - 1):
        now += LONGEST_DELAY + timedelta(minutes=1)
        send_due(config, now)
    return config, now + LONGEST_DELAY + timedelta(minutes=1)


def test_nothing_else_reaches_a_presenter_whose_invitation_failed_until_it_is_sent_again(
    api, slot, smtp
):
    config, now = turned_away_for_a_day(api, slot, smtp)
    invitation, published = outbox(recipient_email=PRESENTER)
    assert (invitation.kind, invitation.status) == ("invitation", MessageStatus.failed)
    assert invitation.attempts == MAX_ATTEMPTS and invitation.last_error.endswith(BUSY[4:])
    # The news of the publishing waited behind it, and then did not go: "The presentation you
    # give is on the agenda" to someone who never had their link nor the calendar entry.
    assert (published.kind, published.status) == ("update", MessageStatus.superseded)
    assert published.last_error == (
        f"not sent: the invitation to {PRESENTER} (“{invitation.subject}”, message "
        f"{invitation.id}) failed, and this would reach them as if they knew they present "
        f"“{slot.title}”. Send the invitation again once their mail server takes mail (it is "
        "written with the slot as it is then, and says what this did), or invite them at "
        "another address (“Invite again” on the meeting's editor)."
    )
    # Moved, and confirmed by a co-lead (arranged by phone): nothing is written to them.
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    confirmed = api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"})
    assert confirmed.status_code == 200
    assert len(outbox(recipient_email=PRESENTER)) == 2
    # Their server takes mail again: still nothing goes to them on its own.
    smtp.refuse.clear()
    send_due(config, now)
    assert smtp.received == []
    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert "Invitations that did not reach their presenter" in page
    assert (
        f"“{slot.title}”: the invitation to Alex Example <{PRESENTER}> could not be delivered "
        f"({invitation.last_error})." in page
    )
    assert f'href="/outbox/{invitation.id}"' in page and "invitation not delivered" in page
    shown = html.unescape(api.get(f"/outbox/{published.id}").get_data(as_text=True))
    assert "This message is superseded: it never goes. The invitation to" in shown

    # A co-lead sends it again: written with the slot as it is now, it alone reaches them.
    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, now).sent == 1
    (received,) = smtp.messages()
    assert received["Subject"] == invitation.subject
    text = received.get_body(("plain",)).get_content()
    assert MOVED_SYDNEY in text and "/presenter/" in text
    (event,) = read_calendar_in(received)["events"]
    assert event["uid"] == slot.uid and event["start"] == "2027-03-09T12:30:00.000Z"
    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert "did not reach their presenter" not in page
    # From then on, they hear of the slot's changes as any presenter does.
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Governing AI"}).status_code == 200
    assert send_due(config, now + timedelta(minutes=2)).sent == 1
    assert smtp.messages()[-1]["Subject"].startswith("Changed: Governing AI")


def test_a_slot_cancelled_or_deleted_sends_nothing_to_a_presenter_never_invited(api, slot, smtp):
    """Their address does not exist (550): the invitation fails at once. Cancelling the talk,
    or deleting it from the draft, has nothing to take out of their calendar."""
    smtp.refuse[PRESENTER] = "550 5.1.1 No such user"
    config = settings(api.application, smtp)
    invite(api, slot)
    assert send_due(config, utcnow()).failed == 1
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "cancelled"}).status_code == 200
    assert [m.kind for m in outbox(recipient_email=PRESENTER)] == ["invitation"]

    other = db.session.get(type(slot), slot.id + 1)
    invite(api, other)
    assert send_due(config, utcnow()).failed == 1
    assert api.delete(f"/api/v1/slots/{other.id}").status_code in (200, 204)
    assert [m.kind for m in outbox(recipient_email=PRESENTER)] == ["invitation", "invitation"]
    assert smtp.received == []


def test_a_draft_deleted_sends_nothing_to_a_presenter_never_invited(api, slot, smtp):
    """Nor may the invitation be sent again, to a talk no longer there (helper-237: it named
    no slot left, and "Send again" queued it)."""
    smtp.refuse[PRESENTER] = "550 5.1.1 No such user"
    invite(api, slot)
    assert send_due(settings(api.application, smtp), utcnow()).failed == 1
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    (invitation,) = outbox(recipient_email=PRESENTER)
    assert invitation.status == MessageStatus.superseded
    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 409


def test_invited_again_at_a_corrected_address_the_invitation_goes_there(api, slot, smtp):
    """The talk's title corrected before the sender's round: the invitation, refused at the
    mistyped address, already said the new one, and nothing followed it there. Invited again
    at the corrected address and the talk moved before the next round: one invitation reaches
    them there, at the new time (helper-348: it went at the old time, then "Changed")."""
    smtp.refuse[PRESENTER] = "550 5.1.1 No such user"
    config = settings(api.application, smtp)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    retitled = api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Governance, revised"})
    assert retitled.status_code == 200
    counts = send_due(config, utcnow() + timedelta(minutes=2))
    assert (counts.failed, counts.before_invitation) == (1, 0)
    (refused,) = outbox(recipient_email=PRESENTER, status=MessageStatus.failed)
    assert refused.subject == "Invitation to present: Governance, revised"
    fixed = "alex.example@ipaustralia.example"
    url = f"/slots/{slot.id}/invite"
    data = {"name": "Alex Example", "email": fixed, "time_zone": "Australia/Sydney"}
    assert api.post(url, data={**hidden_fields(api, url), **data}).status_code == 302
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    send_due(config, utcnow() + timedelta(minutes=5))
    (received,) = smtp.messages()
    assert received["To"] == f"Alex Example <{fixed}>"
    assert received["Subject"] == "Invitation to present: Governance, revised"
    assert MOVED_SYDNEY in received.get_body(("plain",)).get_content()
    (event,) = read_calendar_in(received)["events"]
    assert event["start"] == "2027-03-09T12:30:00.000Z"


def test_a_presenter_who_answered_on_a_link_passed_on_by_hand_hears_of_changes(
    api, slot, presenter, smtp
):
    """The co-lead copied the link from "Presenter link" into a chat: Alex confirmed on their
    page. They know their slot, and its changes reach them though the invitation failed."""
    smtp.refuse[PRESENTER] = "550 5.1.1 No such user"
    config = settings(api.application, smtp)
    link = invite(api, slot)
    assert send_due(config, utcnow()).failed == 1
    assert confirm(presenter, link).status_code == 302
    smtp.refuse.clear()  # the office fixed its server
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    send_due(config, utcnow() + timedelta(minutes=2))
    (received,) = [m for m in smtp.messages() if PRESENTER in m["To"]]
    assert received["Subject"].startswith("New time, please confirm")


def test_a_message_written_before_a_mail_server_was_configured_waits_for_the_invitation(
    api, slot, smtp
):
    """The planner ran without a mail server when Alex was invited, and the talk moved while
    the sender's round held the invitation: the move's update waited behind it, and would be
    the first they hear of the talk. The sender finds the invitation not sent and keeps the
    update from them; once one is configured, "Send again" of the update is refused, and
    nothing more is written to them as presenter until the invitation is sent again
    (helper-237). (Moved before the round took it, the invitation is written again at the new
    time, and no update follows it: helper-348.)"""
    invite(api, slot)
    round_ = sender_took_invitations()
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    invitation, update = outbox(recipient_email=PRESENTER)
    assert (invitation.status, update.status) == (MessageStatus.queued, MessageStatus.queued)
    no_server = {**api.application.config, "MAIL_SERVER": None}
    counts = Counts()
    deliver_leased(round_, no_server, utcnow(), counts)
    assert counts.not_sent == 1  # the invitation, as the round found it
    later = utcnow() + timedelta(minutes=2)
    counts = send_due(no_server, later)
    assert (counts.not_sent, counts.before_invitation) == (0, 1)
    invitation, update = outbox(recipient_email=PRESENTER)
    assert (invitation.status, update.status) == (MessageStatus.not_sent, MessageStatus.superseded)
    assert update.last_error.startswith(f"not sent: the invitation to {PRESENTER} (")
    assert "was not sent, and this would reach them" in update.last_error
    token = csrf_token(api, f"/outbox/{update.id}")
    refused = api.post(f"/outbox/{update.id}/send", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "was not sent, and this would reach them" in html.unescape(refused.text)

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Governing AI"}).status_code == 200
    assert len(outbox(recipient_email=PRESENTER)) == 2
    send_due(settings(api.application, smtp), later + timedelta(minutes=2))
    assert smtp.received == []


def _contact_whose_invitation_failed(api, slot, smtp):
    """The workshop published (its news reached the office's contacts, the presenter among
    them), then the presenter invited, their server turning the invitation away until it
    failed: the mail settings and the time the sender has reached."""
    reads("en")
    config = settings(api.application, smtp)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    now = utcnow() + timedelta(minutes=2)
    assert send_due(config, now).sent == 1
    smtp.refuse[PRESENTER] = BUSY
    invite(api, slot)
    for _ in range(MAX_ATTEMPTS):
        send_due(config, now)
        now += LONGEST_DELAY + timedelta(minutes=1)
    smtp.refuse.clear()
    return config, now


def test_a_presenter_who_is_a_contact_hears_of_the_slot_as_a_contact_until_it_reaches_them(
    api, slot, smtp
):
    """Alex is a contact of IP Australia: the workshop's publication reached them ("On the
    agenda ... no presenter invited yet"). Invited to present it, their invitation was turned
    away all day. They go on hearing of the talk as the office's other contacts do (their
    calendar keeps the copy it holds up to date), never as its presenter: no "The presentation
    you give", no private link, no request to confirm. The invitation, sent again, makes the
    event theirs (one UID, a higher SEQUENCE), and from then on they hear of it as presenter."""
    config, now = _contact_whose_invitation_failed(api, slot, smtp)
    invitation = outbox(recipient_email=PRESENTER, kind="invitation")[0]
    assert invitation.status == MessageStatus.failed
    # The co-leads see that it did not reach them, though the office's news did.
    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert "Invitations that did not reach their presenter" in page

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    assert send_due(config, now + timedelta(minutes=2)).sent == 1
    _, moved = smtp.messages()
    assert moved["Subject"] == f"Changed: {slot.title} (time)"
    text = moved.get_body(("plain",)).get_content()
    assert "A presentation by your office has changed: its time." in text
    assert "/presenter/" not in text and "you give" not in text and "/unsubscribe/" in text
    assert moved["List-Unsubscribe"]
    (held,) = read_calendar_in(moved)["events"]
    assert held["start"] == "2027-03-09T12:30:00.000Z"

    # Sent again, the invitation reaches them over the copy they hold, and changes after it
    # come to them as its presenter, once.
    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, now + timedelta(minutes=3)).sent == 1
    invited = smtp.messages()[-1]
    assert invited["Subject"] == invitation.subject
    (event,) = read_calendar_in(invited)["events"]
    assert event["uid"] == held["uid"] and event["sequence"] > held["sequence"]
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Governing AI"}).status_code == 200
    assert send_due(config, now + timedelta(minutes=5)).sent == 1
    renamed = smtp.messages()[-1]
    assert renamed["Subject"].startswith("Changed: Governing AI")
    assert "The presentation you give has changed" in renamed.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("language", "said", "asked"),
    [
        ("en", "The co-leads have confirmed it for you: there is nothing to answer.", "Please"),
        ("es", "Los codirectores ya la han confirmado por usted", "Le rogamos"),
    ],
)
def test_an_invitation_sent_again_after_a_co_lead_confirmed_says_it_is_confirmed(
    api, slot, smtp, language, said, asked
):
    """Alex's invitation bounced; a co-lead phoned them, they said yes, and the co-lead
    confirmed the talk by hand. Sent again, the invitation says it is confirmed, and what their
    page still offers (their time zone, slides), rather than asking them to confirm; their
    calendar entry asks no answer (the draft's time may still change: it stays tentative)."""
    smtp.refuse[PRESENTER] = "550 5.1.1 No such user"
    config = settings(api.application, smtp)
    invite(api, slot, language=language)
    assert send_due(config, utcnow()).failed == 1
    confirmed = api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"})
    assert confirmed.status_code == 200
    smtp.refuse.clear()
    (invitation,) = outbox(recipient_email=PRESENTER)
    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, utcnow()).sent == 1
    (received,) = smtp.messages()
    text = received.get_body(("plain",)).get_content()
    page = received.get_body(("html",)).get_content()
    for body in (text, page):
        assert said in body and f"{asked} confirm" not in body
    assert "/presenter/" in text and ("slides" in text or "diapositivas" in text)
    (part,) = [p for p in received.walk() if p.get_content_type() == "text/calendar"]
    ics = part.get_payload(decode=True).decode().replace("\r\n ", "")
    assert "ROLE=REQ-PARTICIPANT" in ics and "RSVP=TRUE" not in ics
    read_everywhere(part.get_payload(decode=True))


def test_a_presenter_who_is_a_contact_is_reminded_once_the_invitation_reaches_them(api, slot, smtp):
    """Alex, a contact of IP Australia, was invited to present; the invitation was turned away
    all day, and a co-lead confirmed the talk by hand. What reached Alex as a contact (the
    workshop's publication, its confirmation) does not tell them they present it: no reminder
    is written to them as its presenter, to wait in the outbox behind the invitation (and go
    with it, as of the day it was written). Once the invitation, sent again, reaches them, they
    are reminded of their talk."""
    from planner.mail.messages import enqueue_reminders

    config, now = _contact_whose_invitation_failed(api, slot, smtp)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"}).status_code == 200
    send_due(config, now + timedelta(minutes=2))
    assert all(m.status != MessageStatus.queued for m in outbox(recipient_email=PRESENTER))
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 0
    db.session.commit()

    (invitation,) = outbox(recipient_email=PRESENTER, kind="invitation")
    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, now + timedelta(minutes=3)).sent == 1
    assert smtp.messages()[-1]["Subject"] == invitation.subject
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1


def test_what_reached_a_presenter_as_a_contact_still_does_not_count_once_cleared(
    api, app, slot, smtp
):
    """helper-237: what went to Alex as a contact of IP Australia was told from its calendar
    part, which is cleared RETENTION_DAYS after the meeting ended (`personal_data.retention`);
    then the workshop's publication, and the confirmation after it, counted as news to Alex as
    the talk's presenter: the editor no longer said their invitation had not reached them, and
    they were reminded of a talk they were never told they give. Each message keeps the role it
    was written in, and what follows from it stays as it was."""
    from planner.mail.messages import enqueue_reminders
    from planner.personal_data.retention import keep_for, prune

    config, now = _contact_whose_invitation_failed(api, slot, smtp)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"}).status_code == 200
    send_due(config, now + timedelta(minutes=2))
    to_alex = outbox(recipient_email=PRESENTER)
    assert [(m.kind, m.role) for m in to_alex] == [
        ("update", "contact"),
        ("invitation", "presenter"),
        ("update", "contact"),
    ]
    keep = keep_for(app.config)
    cleared = prune(slot.meeting.ends_at + keep + timedelta(days=1), keep)
    db.session.commit()
    assert cleared.messages >= len(to_alex)
    assert all(m.ics is None and m.basis is None for m in outbox(recipient_email=PRESENTER))

    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert "Invitations that did not reach their presenter" in page
    assert "invitation not delivered" in page
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 0


def test_a_presenter_who_is_a_contact_hears_of_the_slot_as_a_contact_until_it_is_sent(
    api, slot, smtp, monkeypatch
):
    """helper-237: the planner ran without a mail server when the workshop was published and
    Alex, a contact of IP Australia, was invited to present it: neither went. A server is
    configured since. Their invitation not sent, they hear of the talk as the office's other
    contacts do, as when it failed (helper-229): moved, it goes to their calendar as a
    presentation by their office, never as news to its presenter, which they cannot know they
    are. (It went to no one: the move's update, written to them as presenter, was kept from
    them by the sender.) The invitation, sent again, makes the event theirs."""
    reads("en")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    none = {**api.application.config, "MAIL_SERVER": None}
    now = utcnow() + timedelta(minutes=2)
    send_due(none, now)
    (invitation,) = outbox(recipient_email=PRESENTER, status=MessageStatus.not_sent)
    assert (invitation.kind, invitation.status) == ("invitation", MessageStatus.not_sent)

    config = settings(api.application, smtp)
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM"):
        monkeypatch.setitem(api.application.config, name, config[name])
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    counts = send_due(config, now + timedelta(minutes=2))
    assert (counts.sent, counts.before_invitation) == (1, 0)
    (moved,) = smtp.messages()
    assert moved["Subject"] == f"On the agenda: {slot.title}"
    text = moved.get_body(("plain",)).get_content()
    assert "A presentation by your office is on the agenda" in text
    assert "/presenter/" not in text and "you give" not in text
    (held,) = read_calendar_in(moved)["events"]
    assert held["start"] == "2027-03-09T12:30:00.000Z"
    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert "was not sent: no mail server was configured then" in page

    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, now + timedelta(minutes=3)).sent == 1
    invited = smtp.messages()[-1]
    assert invited["Subject"] == invitation.subject
    (event,) = read_calendar_in(invited)["events"]
    assert event["uid"] == held["uid"] and event["sequence"] > held["sequence"]
    assert event["start"] == held["start"]
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Governing AI"}).status_code == 200
    assert send_due(config, now + timedelta(minutes=5)).sent == 1
    renamed = smtp.messages()[-1]
    assert "The presentation you give has changed" in renamed.get_body(("plain",)).get_content()


def test_a_draft_deleted_sends_nothing_to_a_presenter_whose_invitation_was_not_sent(
    api, slot, smtp
):
    """helper-237: Alex was invited while the planner had no mail server; one is configured
    since. The draft deleted, "Cancelled: ..." went to them, of a talk they never heard of: it
    named no slot left, so the sender's check of their invitation had none to read."""
    invite(api, slot)
    assert send_due({**api.application.config, "MAIL_SERVER": None}, utcnow()).not_sent == 1
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    (invitation,) = outbox(recipient_email=PRESENTER)
    assert invitation.status == MessageStatus.superseded
    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 409
    send_due(settings(api.application, smtp), utcnow())
    assert smtp.received == []


def test_a_presenter_whose_invitation_failed_no_longer_a_contact_has_their_copy_taken_out(
    api, slot, smtp
):
    """helper-237: Alex's calendar holds the talk as IP Australia's contacts have it, their
    invitation to present it having failed. Removed from the office's contacts, they are sent
    its cancellation, as any former contact is: their copy stayed, no longer followed by
    anything (they were taken for its presenter, who keeps it). Sent again, the invitation puts
    it back in their calendar, as theirs."""
    config, now = _contact_whose_invitation_failed(api, slot, smtp)
    (copy,) = smtp.messages()
    (held,) = read_calendar_in(copy)["events"]
    contact = db.session.scalar(select(OfficeContact).where(OfficeContact.email == PRESENTER))
    delete = f"/offices/contacts/{contact.id}/delete"
    asked = html.unescape(api.get(delete).get_data(as_text=True))
    assert "Alex Example will be sent a cancellation of it (in English)" in asked
    assert api.post(delete, data=hidden_fields(api, delete)).status_code == 302
    assert send_due(config, now + timedelta(minutes=2)).sent == 1
    taken = smtp.messages()[-1]
    assert taken["Subject"] == f"No longer on your programme: {slot.title}"
    (cancel,) = read_calendar_in(taken)["events"]
    assert cancel["uid"] == held["uid"] and cancel["sequence"] > held["sequence"]

    (invitation,) = outbox(recipient_email=PRESENTER, kind="invitation")
    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, now + timedelta(minutes=3)).sent == 1
    (event,) = read_calendar_in(smtp.messages()[-1])["events"]
    assert event["uid"] == held["uid"] and event["sequence"] > cancel["sequence"]


def test_a_presenter_who_is_a_contact_hears_nothing_while_their_invitation_is_held(api, slot, smtp):
    """Held for a co-lead's review, an invitation has not failed: it goes, written again with
    every change so that it says what is true when it goes. Meanwhile Alex, a contact of IP
    Australia who holds the talk as its contacts do, is sent nothing more of it, neither as its
    presenter nor as a contact: the invitation, sent, is their next news of it, and takes the
    place of their copy (one UID, a higher SEQUENCE) with the talk as it is then. A contact's
    message meanwhile would also climb above the invitation's SEQUENCE, which their calendar
    would then ignore (helper-237)."""
    config, now, held = _contact_holding_it_then_invited_held(api, slot, smtp)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    assert send_due(config, now + timedelta(minutes=2)).sent == 0
    (invitation,) = outbox(recipient_email=PRESENTER, status=MessageStatus.held)

    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, now + timedelta(minutes=3)).sent == 1
    invited = smtp.messages()[-1]
    assert invited["Subject"] == invitation.subject
    assert MOVED_SYDNEY in invited.get_body(("plain",)).get_content()
    (event,) = read_calendar_in(invited)["events"]
    assert event["uid"] == held["uid"] and event["sequence"] > held["sequence"]
    assert event["start"] == "2027-03-09T12:30:00.000Z"


def _discard(api, message_id: int):
    """A co-lead discards a held message from its page, confirming it."""
    url = f"/outbox/{message_id}/discard"
    token = csrf_token(api, f"/outbox/{message_id}")
    return api.post(url, data={"csrf_token": token, "confirmed": "yes"})


def _contact_holding_it_then_invited_held(api, slot, smtp):
    """The workshop published, its news reaching Alex, a contact of IP Australia; invitations
    then held for review, and Alex invited to present the talk. (The settings, the time the
    sender reached, the event Alex's calendar holds as a contact.)"""
    from planner.mail.outbox import set_hold_invitations

    reads("en")
    config = settings(api.application, smtp)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    now = utcnow() + timedelta(minutes=2)
    assert send_due(config, now).sent == 1
    (copy,) = smtp.messages()
    (held,) = read_calendar_in(copy)["events"]
    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    return config, now, held


def _held_then_discarded(api, slot, smtp, *, contact: bool):
    """The workshop published (its news reaching Alex if `contact`, a contact of IP
    Australia), invitations held for review, Alex invited to present the talk, which is then
    moved; a co-lead discards the held invitation. (The settings, the time the sender reached,
    the copy Alex's calendar holds as a contact or None, the invitation discarded.)"""
    from planner.mail.outbox import set_hold_invitations

    if contact:
        reads("en")
    config = settings(api.application, smtp)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    now = utcnow() + timedelta(minutes=2)
    send_due(config, now)
    copy = None
    if contact:
        (copy,) = smtp.messages()
    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    (invitation,) = outbox(recipient_email=PRESENTER, status=MessageStatus.held)
    assert _discard(api, invitation.id).status_code == 302
    return config, now, copy, invitation


def test_a_presenter_whose_held_invitation_was_discarded_hears_nothing_as_its_presenter(
    api, slot, smtp
):
    """helper-237: invitations held for review, a co-lead discarded Alex's. Later changes of the
    talk went to Alex as its presenter ("Confirmed: ...", with their private link), though
    nothing ever told them they present it. A discarded invitation did not reach them, as a
    failed or unsent one: nothing is written to them as presenter, the editor lists it, and
    "Send again" writes it with the talk as it is then."""
    config, now, _copy, discarded = _held_then_discarded(api, slot, smtp, contact=False)
    # Kept, marked discarded (it was deleted): the moved talk's held one had replaced the first.
    superseded, kept = outbox(recipient_email=PRESENTER)
    assert superseded.status == MessageStatus.superseded
    assert (kept.id, kept.kind, kept.status) == (discarded.id, "invitation", "discarded")
    assert kept.last_error.startswith("discarded by ")
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"}).status_code == 200
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Governing AI"}).status_code == 200
    send_due(config, now + timedelta(minutes=5))
    assert smtp.received == []
    assert len(outbox(recipient_email=PRESENTER)) == 2

    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert "Invitations that did not reach their presenter" in page
    assert (
        "“Governing AI”: the invitation to Alex Example <alex@ipaustralia.example> was "
        f"discarded by colead@example.org on {kept.last_error.split(' on ')[1]}" in page
    )
    assert kept.last_error.endswith(" UTC, before it went.")
    assert f'href="/outbox/{kept.id}"' in page
    listed = html.unescape(api.get("/outbox?status=discarded").get_data(as_text=True))
    assert "discarded (not sent): 1" in listed and kept.subject in listed
    # Its page says who discarded it as why it did not go, not as an error of the server.
    shown = html.unescape(api.get(f"/outbox/{kept.id}").get_data(as_text=True))
    assert f"<dt>Why it did not go</dt><dd>{kept.last_error}</dd>" in shown
    assert "<dt>Error</dt>" not in shown

    token = csrf_token(api, f"/outbox/{kept.id}")
    assert api.post(f"/outbox/{kept.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, now + timedelta(minutes=6)).sent == 1
    (received,) = [m for m in smtp.messages() if PRESENTER in m["To"]]
    assert received["Subject"] == "Invitation to present: Governing AI"
    text = received.get_body(("plain",)).get_content()
    assert MOVED_SYDNEY in text and "/presenter/" in text
    assert "The co-leads have confirmed it for you: there is nothing to answer." in text
    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert "did not reach their presenter" not in page


def test_a_presenter_who_is_a_contact_hears_of_the_slot_as_a_contact_once_it_is_discarded(
    api, slot, smtp
):
    """Alex, a contact of IP Australia, holds the talk as its contacts do; while their held
    invitation waited, nothing else of it went to them (it was to take the place of their
    copy). Discarded, it never does: their copy is brought up to the talk as it is (it moved
    meanwhile), and later changes reach them as the office's other contacts, never as its
    presenter, with no private link."""
    config, now, copy, _discarded = _held_then_discarded(api, slot, smtp, contact=True)
    (held,) = read_calendar_in(copy)["events"]
    assert send_due(config, now + timedelta(minutes=3)).sent == 1
    caught_up = smtp.messages()[-1]
    assert caught_up["Subject"] == f"Changed: {slot.title} (time)"
    text = caught_up.get_body(("plain",)).get_content()
    assert "A presentation by your office has changed: its time." in text
    assert "/presenter/" not in text and "you give" not in text
    (event,) = read_calendar_in(caught_up)["events"]
    assert event["uid"] == held["uid"] and event["sequence"] > held["sequence"]
    assert event["start"] == "2027-03-09T12:30:00.000Z"

    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"}).status_code == 200
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Governing AI"}).status_code == 200
    assert send_due(config, now + timedelta(minutes=6)).sent == 1
    renamed = smtp.messages()[-1]
    assert renamed["Subject"].startswith("Changed: Governing AI")
    text = renamed.get_body(("plain",)).get_content()
    assert "A presentation by your office has changed" in text and "/presenter/" not in text


def test_a_presenter_no_longer_a_contact_has_their_copy_taken_out_once_it_is_discarded(
    api, slot, smtp
):
    """Alex, a contact of IP Australia holding the talk as its contacts do, is removed from its
    contacts while their invitation is held: their copy stayed, for the invitation to take its
    place. Discarded, nothing would ever replace it: they are sent its cancellation, as any
    former contact is."""
    config, now, held = _contact_holding_it_then_invited_held(api, slot, smtp)
    contact = db.session.scalar(select(OfficeContact).where(OfficeContact.email == PRESENTER))
    delete = f"/offices/contacts/{contact.id}/delete"
    assert api.post(delete, data=hidden_fields(api, delete)).status_code == 302
    assert send_due(config, now + timedelta(minutes=2)).sent == 0
    (invitation,) = outbox(recipient_email=PRESENTER, status=MessageStatus.held)
    assert _discard(api, invitation.id).status_code == 302
    assert send_due(config, now + timedelta(minutes=3)).sent == 1
    taken = smtp.messages()[-1]
    assert taken["Subject"] == f"No longer on your programme: {slot.title}"
    (cancel,) = read_calendar_in(taken)["events"]
    assert cancel["uid"] == held["uid"] and cancel["sequence"] > held["sequence"]


def test_a_presenter_who_declined_invited_again_hears_nothing_before_the_invitation(
    api, slot, presenter, smtp
):
    """Alex declined the talk (their calendar's entry was cancelled), and was invited to it
    again with invitations held for review. While it was held, a co-lead confirmed the talk by
    hand: a reminder was written to them, to go before their invitation. Discarded, it never
    reached them, yet the talk's changes went to them as its presenter ("The presentation you
    give has changed ... waiting for your confirmation"), with a reminder: what reached them
    before they declined counted as their knowing they present it again."""
    from planner.mail.messages import enqueue_reminders
    from planner.mail.outbox import set_hold_invitations

    config = settings(api.application, smtp)
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    now = utcnow() + timedelta(minutes=2)
    send_due(config, now)
    declined = {"answer": "declined", "note": "Away that week."}
    assert presenter.post(link + "/answer", data=declined).status_code == 302
    send_due(config, now + timedelta(minutes=2))
    told = len(smtp.received)
    assert smtp.messages()[-1]["Subject"].startswith("You no longer present")
    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"}).status_code == 200
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 0
    db.session.commit()

    (held,) = outbox(recipient_email=PRESENTER, status=MessageStatus.held)
    assert _discard(api, held.id).status_code == 302
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": MOVED}).status_code == 200
    send_due(config, now + timedelta(minutes=5))
    assert len(smtp.received) == told
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 0
    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert "the invitation to Alex Example <alex@ipaustralia.example> was discarded" in page


def test_the_editor_says_an_invitation_is_held_and_who_invited(api, slot, smtp):
    """helper-255: Bo, a co-lead who joined while invitations were held for review, read
    "Petra Novak, invited 6 Dec" on the meeting's editor, as for one sent: the editor now says
    that the invitation waits in the outbox (Petra has been sent nothing), and which co-lead
    invited each presenter, until a co-lead sends it."""
    from planner.mail.outbox import set_hold_invitations

    config = settings(api.application, smtp)
    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    (invitation,) = outbox(recipient_email=PRESENTER, status=MessageStatus.held)
    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    day = invitation.created_at.strftime("%-d %b")
    assert (
        f'Alex Example, invited {day} by {COLEAD_EMAIL} (<a href="/outbox/{invitation.id}">the '
        "invitation is held for review in the outbox</a>: they have been sent nothing yet)."
    ) in page
    assert 'Alex Example · <a href="#not-answered">invitation held for review</a>' in page

    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    assert send_due(config, utcnow() + timedelta(minutes=1)).sent == 1
    page = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
    assert f"Alex Example, invited {day} by {COLEAD_EMAIL}." in page
    assert "held for review" not in page
