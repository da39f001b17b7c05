"""What the outbox holds after real requests: the invitation with its REQUEST, updates when a slot
or its meeting moves, cancellations, decisions, answers, reminders; nothing for a change that
was rolled back; unsubscribed contacts get no update (only the CANCEL of an event they were sent),
presenters still get cancellations."""

import html
import io
import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import select

from planner.agenda.models import Slot
from planner.extensions import db
from planner.mail.messages import enqueue_reminders
from planner.mail.messages.waiting import settles
from planner.mail.models import MessageStatus, OutboxMessage
from planner.mail.unsubscribe import unsubscribe
from planner.offices.models import Office, OfficeContact
from planner.proposals.models import Proposal
from tests.calendar.readers import read_everywhere
from tests.materials.files import PDF
from tests.presenters.support import MEETING, TALK, confirm, invite
from tests.support import csrf_token, hidden_fields, publish_as_planned, read_afresh, sign_in

PRESENTER = "alex@ipaustralia.example"


def outbox(**where) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    for name, value in where.items():
        query = query.where(getattr(OutboxMessage, name) == value)
    return list(db.session.scalars(query))


def invitations_went() -> None:
    """The sender's round took the invitations queued: they went (helper-340: one not gone yet
    is written again when the meeting is published or cancelled, rather than followed by news
    of it)."""
    for message in outbox(kind="invitation", status=MessageStatus.queued):
        message.status = MessageStatus.sent
    db.session.commit()


def sender_took_invitations():
    """The sender's round took the invitations queued (`sender.claim` leased them) and has not
    finished with them: a change now cannot write them again (they go as written, or are found
    not sent) and its news follows them. Returns the lease, for `deliver_leased`."""
    from planner.db_types import utcnow
    from planner.mail.sender import claim

    lease = claim(utcnow())
    assert lease, "no invitation was due"
    return lease


def vevent(message: OutboxMessage):
    """The message's one event, after all three readers agreed on it."""
    body = message.ics.encode("utf-8")
    read_everywhere(body)
    calendar = Calendar.from_ical(body)
    assert str(calendar["METHOD"]) == message.ics_method
    (event,) = calendar.walk("VEVENT")
    return event


def feed_event(presenter, title: str) -> dict:
    feed = read_everywhere(presenter.get("/feeds/taskforce-talks.ics").data)
    return next(e for e in feed["events"] if e["summary"].endswith(title))


def test_an_invitation_carries_the_link_and_a_request_of_the_slot(api, slot, presenter):
    link = invite(api, slot)
    (message,) = outbox(recipient_email=PRESENTER)
    assert message.kind == "invitation" and message.status == "queued"
    assert message.slot_id == slot.id and message.ics_method == "REQUEST"
    assert "http://localhost" + link in message.text_body
    assert "http://localhost" + link in message.html_body
    # Their zone (Sydney) and the meeting's.
    assert "Tuesday 9 March 2027, 23:10–23:30 Sydney (UTC+11)" in message.text_body
    assert "Tuesday 9 March 2027, 13:10–13:30 Geneva (UTC+1)" in message.text_body
    assert message.subject == f"Invitation to present: {TALK['title']}"
    event = vevent(message)
    assert str(event["UID"]) == slot.uid
    assert int(event["SEQUENCE"]) == slot.sequence + slot.meeting.sequence
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert event["ORGANIZER"].params["CN"] == "CWS ICT Task Force"
    attendee = event["ATTENDEE"]
    assert str(attendee) == f"mailto:{PRESENTER}"
    assert attendee.params["CN"] == "Alex Example"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "TRUE"
    # A draft's video link is the co-leads' to give out once it is published.
    assert "video.example" not in message.ics


def test_uid_and_sequence_are_the_feeds_through_invite_move_and_cancel(api, slot, presenter):
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    invitations_went()
    (invited,) = outbox(recipient_email=PRESENTER)
    request = vevent(invited)
    shown = feed_event(presenter, TALK["title"])
    assert str(request["UID"]) == shown["uid"] and int(request["SEQUENCE"]) == shown["sequence"]
    assert "https://video.example/rec10" in invited.text_body  # published: the link is given

    # The meeting moves an hour later: one update, a higher SEQUENCE, the same UID.
    moved = api.patch(
        f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": "2027-03-09T14:00:00+01:00"}
    )
    assert moved.status_code == 200
    (_, update) = outbox(recipient_email=PRESENTER)
    assert update.kind == "update" and update.ics_method == "REQUEST"
    event = vevent(update)
    shown = feed_event(presenter, TALK["title"])
    assert str(event["UID"]) == shown["uid"] == slot.uid
    assert int(event["SEQUENCE"]) == shown["sequence"] > int(request["SEQUENCE"])
    assert event["DTSTART"].dt == datetime(2027, 3, 9, 13, 10, tzinfo=UTC)
    assert "time" in update.subject

    # The slot itself is pinned later (PATCH starts_at): another update.
    pinned = api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": "2027-03-09T14:30:00+01:00"})
    assert pinned.status_code == 200, pinned.get_json()
    (*_, again) = outbox(recipient_email=PRESENTER)
    assert again.kind == "update" and again.id != update.id
    assert int(vevent(again)["SEQUENCE"]) > int(event["SEQUENCE"])

    # Cancelled: a CANCEL with a higher SEQUENCE still.
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    (*_, cancel) = outbox(recipient_email=PRESENTER)
    assert cancel.kind == "cancellation" and cancel.ics_method == "CANCEL"
    gone = vevent(cancel)
    shown = feed_event(presenter, TALK["title"])
    assert str(gone["UID"]) == slot.uid and str(gone["STATUS"]) == "CANCELLED"
    assert int(gone["SEQUENCE"]) == shown["sequence"] > int(vevent(again)["SEQUENCE"])
    assert len(outbox(recipient_email=PRESENTER)) == 4
    # No call to join for what is cancelled; what may come next, and whom to ask (helper-81).
    for body in (cancel.text_body, cancel.html_body):
        assert "video.example" not in body
        assert "If the co-leads can offer you another slot, they will invite you again." in body


def test_several_changes_in_one_request_make_one_update(api, slot):
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    invitations_went()  # before it went, it is written again instead (helper-348)
    changed = api.patch(
        f"/api/v1/meetings/{slot.meeting_id}",
        json={
            "starts_at": "2027-03-09T15:00:00+01:00",
            "video_url": "https://video.example/other",
        },
    )
    assert changed.status_code == 200
    updates = outbox(recipient_email=PRESENTER, kind="update")
    assert len(updates) == 1
    assert "https://video.example/other" in updates[0].text_body
    # Said as a sentence says it ("video link and time"), not as a list ("video link, time";
    # helper-58); the meeting's video link by that name, not "link", which a presenter read as
    # their private link replaced (helper-182).
    assert updates[0].subject.endswith("(time and video link)"), updates[0].subject


def test_a_cancelled_meeting_cancels_for_the_presenter(api, slot):
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    invitations_went()
    assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
    (cancel,) = outbox(recipient_email=PRESENTER, kind="cancellation")
    event = vevent(cancel)
    assert str(event["STATUS"]) == "CANCELLED" and str(event["UID"]) == slot.uid


def test_a_cancellation_names_the_time_the_recipient_knew(api, slot):
    """helper-94: moved, then cancelled within the minute the news of the move waits: that
    news never goes, so the cancellation names the time their calendar holds (it named the
    new time, which they had never heard of)."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    invitations_went()
    url = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(url, json={"starts_at": "2027-03-10T13:00:00+01:00"}).status_code == 200
    (moved,) = outbox(recipient_email=PRESENTER, kind="update")
    assert "Wednesday 10 March 2027" in moved.text_body and moved.status == "queued"
    assert api.delete(url).status_code in (200, 204)
    assert outbox(recipient_email=PRESENTER, kind="update")[0].status == "superseded"
    (cancel,) = outbox(recipient_email=PRESENTER, kind="cancellation")
    for body in (cancel.text_body, cancel.html_body):
        assert "Tuesday 9 March 2027, 23:10–23:30 Sydney (UTC+11)" in body
        assert "10 March" not in body
    assert str(vevent(cancel)["UID"]) == slot.uid


def test_inviting_someone_else_cancels_for_the_one_before(api, slot):
    from planner.mail.models import MessageStatus

    invite(api, slot)
    sent = outbox(recipient_email=PRESENTER)[0]
    first = vevent(sent)
    sent.status = MessageStatus.sent  # it reached them
    db.session.commit()
    invite(api, slot, name="Sam Other", email="sam@ipaustralia.example")
    cancel = outbox(recipient_email=PRESENTER)[-1]
    assert cancel.kind == "cancellation" and cancel.ics_method == "CANCEL"
    assert "invited someone else" in cancel.text_body
    assert int(vevent(cancel)["SEQUENCE"]) > int(first["SEQUENCE"])
    (new,) = outbox(recipient_email="sam@ipaustralia.example")
    assert new.kind == "invitation" and int(vevent(new)["SEQUENCE"]) == int(
        vevent(cancel)["SEQUENCE"]
    )


def test_no_address_no_message(api, slot):
    invite(api, slot, email="")
    assert outbox() == []


def test_deleting_a_draft_slot_cancels_for_its_presenter(api, slot):
    invite(api, slot)
    invitations_went()  # one not gone yet is taken back, and nothing is cancelled
    asked = f"/slots/{slot.id}/delete"
    slot_id = slot.id
    deleted = api.post(asked, data=hidden_fields(api, asked))
    assert deleted.status_code == 302, deleted.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Slot, slot_id) is None
    cancel = outbox(recipient_email=PRESENTER)[-1]
    assert cancel.kind == "cancellation" and str(vevent(cancel)["STATUS"]) == "CANCELLED"


def test_confirming_tells_the_co_leads_and_updates_the_presenters_calendar(
    api, slot, presenter, colead
):
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    (answer,) = outbox(kind="answer")
    assert answer.recipient_email == colead.email
    assert "Alex Example" in answer.subject and "confirmed" in answer.subject
    update = outbox(recipient_email=PRESENTER)[-1]
    assert update.kind == "update"
    assert vevent(update)["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    assert str(vevent(update)["STATUS"]) == "CONFIRMED"
    # Their own answer, not a change someone made to their talk: the message says so.
    assert update.subject == f"Confirmed: {TALK['title']}"
    assert "your confirmation is recorded" in update.text_body and "has changed" not in (
        update.text_body
    )
    assert "marks it confirmed in your calendar" in update.html_body


def test_a_co_lead_confirming_is_not_thanked_as_the_presenters_answer(api, slot):
    """A co-lead who sets the slot confirmed, its presenter having answered nothing: the
    presenter hears the co-leads confirmed it, not "Thank you: your confirmation is recorded",
    which they never gave; their calendar's answer stays theirs to give."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    invitations_went()  # before it went, it is written again saying so (helper-229)
    confirmed = api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"})
    assert confirmed.status_code == 200
    update = outbox(recipient_email=PRESENTER)[-1]
    assert update.subject == f"Confirmed: {TALK['title']}"
    for body in (update.text_body, update.html_body):
        assert "The co-leads have confirmed the presentation you give." in body
        assert "your confirmation is recorded" not in body
    event = vevent(update)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"


def test_a_decline_tells_the_co_leads_why(api, slot, presenter, colead):
    link = invite(api, slot)
    reason = "I am on leave that week."
    assert (
        presenter.post(link + "/answer", data={"answer": "declined", "note": reason}).status_code
        == 302
    )
    (answer,) = outbox(kind="answer")
    assert reason in answer.text_body and reason in answer.html_body
    cancel = outbox(recipient_email=PRESENTER)[-1]
    assert cancel.kind == "cancellation" and "You declined" in cancel.text_body


def test_the_cancellation_a_decline_sends_is_in_the_zone_the_presenter_was_invited_in(
    api, slot, presenter
):
    """Once declined, the slot's presenter zone is the office's again (for its next
    presenter); the one who declined reads their cancellation in their own zone (helper-55)."""
    link = invite(api, slot, time_zone="Asia/Tokyo")
    presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    cancel = outbox(recipient_email=PRESENTER)[-1]
    assert cancel.kind == "cancellation"
    assert "21:10–21:30 Tokyo (UTC+9)" in cancel.text_body
    assert "Australia/Sydney" not in cancel.text_body


def test_a_refused_change_leaves_no_message(api, slot):
    invite(api, slot)
    before = len(outbox())
    # Pinned before the slot before it ends: refused.
    refused = api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": "2027-03-09T13:05:00+01:00"})
    assert refused.status_code == 400, refused.get_json()
    stale = api.patch(
        f"/api/v1/meetings/{slot.meeting_id}",
        json={"starts_at": "2027-03-09T16:00:00+01:00", "version": 1},
    )
    assert stale.status_code == 409
    assert len(outbox()) == before


def test_a_change_rolled_back_after_its_flush_sends_nothing(api, slot, app):
    """The hook noted the move as the session flushed; the rollback forgets it, and the next
    transaction's commit sends nothing for it."""
    from planner.agenda.operations import apply_meeting

    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    before = len(outbox())
    read_afresh()  # the test's own change begins after the requests' (tests/conftest.py)
    meeting = db.session.get(Slot, slot.id).meeting
    apply_meeting(meeting, {"starts_at": meeting.starts_at + timedelta(days=1)})
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert len(outbox()) == before


def _proposal(client, api, **extra) -> dict:
    sent = client.post(
        "/api/v1/proposals",
        json={
            "office": "AU",
            "name": "Robin Volunteer",
            "email": "robin@ipaustralia.example",
            "title": "Governing AI trials",
            "abstract": "What we learned.",
            "recommendations": [10],
            "duration": 25,
            "maturity": "production",
            **extra,
        },
    )
    assert sent.status_code == 201, sent.get_json()
    return sent.get_json()


def test_a_decision_reaches_the_volunteer_with_the_reason(api, client, survey):
    sent = _proposal(client, api, consent=True, language="ar")
    reason = "It fits the Rec 10 workshop <well>."
    decision = {"status": "declined", "reason": reason, "version": sent["version"]}
    assert api.patch(f"/api/v1/proposals/{sent['id']}", json=decision).status_code == 200
    (message,) = outbox(kind="decision")
    assert message.recipient_email == "robin@ipaustralia.example"
    # Content-Language says what the text is written in: English, until an Arabic template
    # exists (the proposal keeps asking for Arabic, and gets it then). Declined, it made no
    # office contact.
    assert message.language == "en"
    assert '<html lang="en">' in message.html_body  # so screen readers read it as English
    assert db.session.scalar(select(Proposal.contact_language)) == "ar"
    assert db.session.scalar(select(OfficeContact.id)) is None
    assert "declined" in message.subject and reason in message.text_body
    assert "&lt;well&gt;" in message.html_body and "<well>" not in message.html_body
    assert message.ics is None
    # Only a digest of the private link is kept: the email that carried it is named, by its
    # subject and day, for the volunteer to find it (helper-81).
    (received,) = outbox(kind="received")
    named = f'its link is in our email "{received.subject}" of {received.created_at:%-d %B %Y}'
    assert named in message.text_body


def test_the_waiting_list_is_news_to_the_volunteer_and_so_is_the_decision_after_it(
    api, client, survey
):
    """Put on the waiting list, the volunteer hears so, with the reason, and that a later
    decision will be emailed too (they used to hear nothing until then, if ever); set back to
    undecided, they hear nothing (the co-leads' own undoing); accepted later, they hear that."""
    sent = _proposal(client, api, consent=True, language="fr")
    version = sent["version"]

    def decide(status: str, reason: str):
        nonlocal version
        answer = api.patch(
            f"/api/v1/proposals/{sent['id']}",
            json={"status": status, "reason": reason, "version": version},
        )
        assert answer.status_code == 200, answer.get_json()
        version = answer.get_json()["version"]

    decide("waitlisted", "Le programme de mars est complet.")
    (waitlisted,) = outbox(kind="decision")
    assert waitlisted.language == "fr"
    assert waitlisted.subject == (
        "Votre proposition est sur la liste d’attente\u00a0: Governing AI trials"
    )
    for body in (waitlisted.text_body, html.unescape(waitlisted.html_body)):
        assert "ont placé votre proposition «\u00a0Governing AI trials\u00a0» " in body
        assert "Le programme de mars est complet." in body
        assert "S’ils l’acceptent ou la refusent plus tard, nous vous écrirons." in body
        assert "refusé" not in body and "accepté" not in body
    decide("submitted", "Back to review.")
    assert outbox(kind="decision") == [waitlisted]
    decide("accepted", "Une place s’est libérée.")
    (_, accepted) = outbox(kind="decision")
    assert accepted.subject == "Votre proposition a été acceptée\u00a0: Governing AI trials"
    assert "liste d’attente" not in accepted.text_body


def test_a_stale_decision_sends_nothing(api, client, survey):
    sent = _proposal(client, api)
    decision = {"status": "accepted", "reason": "Fits.", "version": sent["version"] + 5}
    assert api.patch(f"/api/v1/proposals/{sent['id']}", json=decision).status_code == 409
    assert outbox(kind="decision") == []


def test_a_volunteer_is_sent_the_private_link_of_their_proposal(app, api, client, survey):
    """The private page's address is the only way back to a proposal: it comes by email too,
    and opens the proposal."""
    sent = _proposal(client, api)
    (message,) = outbox(kind="received")
    assert message.recipient_email == "robin@ipaustralia.example"
    assert message.subject == "Your proposal is with the co-leads: Governing AI trials"
    link = sent["link"]
    assert link in message.text_body and f'href="{link}"' in message.html_body
    page = client.get(link.removeprefix("http://localhost"))
    assert page.status_code == 200 and "Governing AI trials" in page.get_data(as_text=True)
    # The page shows its own address to copy, and says whether it is emailed: without a mail
    # server it is not (helper-53: it said "it was also emailed" all the same).
    shown = page.get_data(as_text=True)
    assert f'id="proposal-link" type="text" readonly value="{link}"' in shown
    assert app.config.get("MAIL_SERVER") is None
    assert (
        "it could not be emailed to robin@ipaustralia.example (this site sends no email yet), so "
        "copy it now" in shown
    )
    app.config["MAIL_SERVER"] = "127.0.0.1"
    try:
        shown = client.get(link.removeprefix("http://localhost")).get_data(as_text=True)
    finally:
        app.config["MAIL_SERVER"] = None
    assert "an email with it is on its way to robin@ipaustralia.example" in shown
    # A transactional message: nothing to unsubscribe from.
    assert "/unsubscribe/" not in message.text_body
    # Once it went, the page says so, and when; refused by the server, it says to copy it.
    from planner.db_types import utcnow
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer

    server = SmtpServer().start()
    config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    try:
        send_due(config, utcnow() + timedelta(seconds=1))
        to = [m["To"].addresses[0].addr_spec for m in server.messages()]
        assert to.count("robin@ipaustralia.example") == 1
        again = _proposal(client, api, email="sam@ipaustralia.example")
        server.refuse["sam@ipaustralia.example"] = "550 5.1.1 No such user"
        send_due(config, utcnow() + timedelta(seconds=1))
    finally:
        server.stop()
    shown = html.unescape(client.get(link.removeprefix("http://localhost")).text)
    assert f"it was emailed to robin@ipaustralia.example on {utcnow():%-d %B %Y}" in shown
    # Another proposal from the same person does not change what this page says (helper-67).
    _proposal(client, api, title="A second one", email="ROBIN@ipaustralia.example")
    shown = html.unescape(client.get(link.removeprefix("http://localhost")).text)
    assert f"it was emailed to robin@ipaustralia.example on {utcnow():%-d %B %Y}" in shown
    # A new link made by a co-lead was never emailed: the page no longer says one was.
    review = f"/proposals/{sent['id']}"
    made = api.post(f"{review}/link", data={**hidden_fields(api, review), "action": "reissue"})
    assert made.status_code in (200, 302)
    fresh = re.search(r"http://localhost(/proposals/[\w-]{20,})", html.unescape(made.text))
    if fresh is None:  # shown on the page it redirects to
        page = html.unescape(api.get(made.headers["Location"]).text)
        fresh = re.search(r"http://localhost(/proposals/[\w-]{20,})", page)
    shown = html.unescape(client.get(fresh[1]).text)
    assert "Your proposal" in shown and "emailed" not in shown and "on its way" not in shown
    shown = html.unescape(client.get(again["link"].removeprefix("http://localhost")).text)
    assert "the email with it to sam@ipaustralia.example could not be delivered, so copy it" in (
        shown
    )


def test_the_co_leads_hear_of_a_new_proposal_and_may_stop_such_news(app, api, client, survey):
    """helper-66: a proposal sat unseen until a co-lead happened to open the list. Each co-lead
    is told, with what it is and the way to review it; the news may be turned off."""
    sent = _proposal(client, api)
    (news,) = outbox(kind="proposal")
    assert news.recipient_email == "colead@example.org"
    assert news.subject == "New proposal from AU: Governing AI trials"
    review = f"http://localhost/proposals/{sent['id']}"
    assert "Robin Volunteer (IP Australia) volunteers a presentation" in news.text_body
    assert "Recommendations: 10" in news.text_body and "Length: 25 minutes" in news.text_body
    assert review in news.text_body and f'href="{review}"' in news.html_body
    assert sent["link"] not in news.text_body  # the volunteer's private link is theirs
    link = news.text_body.split("Stop these messages: ")[1].split()[0]
    anonymous = app.test_client(use_cookies=False)
    stopped = anonymous.post(link.removeprefix("http://localhost"))
    assert stopped.status_code == 200
    shown = html.unescape(stopped.text)
    assert "news of proposals that offices send" in shown
    assert "every proposal stays on the Proposals page" in shown
    _proposal(client, api, title="Another one", email="sam@ipaustralia.example")
    assert len(outbox(kind="proposal")) == 1
    # Changed their mind: the page they were left on subscribes them again.
    path = link.removeprefix("http://localhost")
    again = anonymous.post(path, data={"action": "resubscribe"})
    assert again.status_code == 200 and "You are subscribed again" in again.text
    _proposal(client, api, title="A third one", email="kai@ipaustralia.example")
    assert len(outbox(kind="proposal")) == 2


def test_contacts_get_updates_unless_unsubscribed_and_presenters_still_cancellations(api, slot):
    for name, email in (("Kim Contact", "kim@ipaustralia.example"), ("Lee", "lee@ipa.example")):
        db.session.add(
            OfficeContact(office_code="AU", name=name, email=email, language="en", source="test")
        )
    unsubscribe("lee@ipa.example", "update")
    unsubscribe(PRESENTER, "update")
    db.session.commit()
    invite(api, slot)
    assert outbox(recipient_email="kim@ipaustralia.example") == []  # a draft is private
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    (published,) = outbox(recipient_email="kim@ipaustralia.example")
    assert published.kind == "update" and "/unsubscribe/" in published.text_body
    # The first message about it puts it in their calendar; it changed nothing there.
    assert published.subject == f"On the agenda: {TALK['title']}"
    assert "is on the agenda of a published meeting" in published.text_body
    assert "puts it in your calendar" in published.text_body and "has changed" not in (
        published.text_body
    )
    attendee = vevent(published)["ATTENDEE"]
    assert attendee.params["ROLE"] == "OPT-PARTICIPANT" and "RSVP" not in attendee.params
    later = {"duration_minutes": 25}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    (_, changed) = outbox(recipient_email="kim@ipaustralia.example")
    assert changed.subject.startswith("Changed: ") and "has changed" in changed.text_body
    # What it was, beside what it is: 20 minutes then, 25 now (in the office's zone, Sydney).
    now, was = changed.text_body.split("It was:")
    assert "23:10–23:35 Sydney" in now and "23:10–23:30 Sydney" in was
    assert "<s>" in changed.html_body
    invitations_went()
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    (_, _, cancel) = outbox(recipient_email="kim@ipaustralia.example")
    assert cancel.kind == "cancellation" and cancel.ics_method == "CANCEL"
    assert outbox(recipient_email="lee@ipa.example") == []
    # The presenter, unsubscribed from updates, still gets the cancellation.
    assert [m.kind for m in outbox(recipient_email=PRESENTER)][-1] == "cancellation"


def test_a_volunteer_who_did_not_consent_gets_no_office_contact_mail(api, client, slot):
    """A proposal sent without consent to be kept as a contact: its talk on a published agenda,
    moved and cancelled, tells the office's saved contacts, never the volunteer as one."""
    sent = _proposal(client, api, consent=False)
    decision = {"status": "accepted", "reason": "Fits.", "version": sent["version"]}
    assert api.patch(f"/api/v1/proposals/{sent['id']}", json=decision).status_code == 200
    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email="kim@ipaustralia.example", source="t")
    )
    db.session.commit()
    linked = {"proposal_id": sent["id"]}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=linked).status_code == 200
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    with _once_the_news_went():
        assert (
            api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 25}).status_code == 200
        )
        assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    kinds = [m.kind for m in outbox(recipient_email="robin@ipaustralia.example")]
    assert kinds == ["received", "decision"]
    assert [m.kind for m in outbox(recipient_email="kim@ipaustralia.example")] == [
        "update",
        "update",
        "cancellation",
    ]
    assert db.session.scalar(select(OfficeContact.email)) == "kim@ipaustralia.example"


def test_a_new_title_reaches_the_calendars_that_hold_the_slot(api, slot, presenter):
    """The title is the event's SUMMARY: a renamed slot goes to its presenter and the office's
    contacts as an update, with a higher SEQUENCE, as the feeds have it (helper-43: the
    invitation in their calendars kept the old title)."""
    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email="kim@ipaustralia.example", source="t")
    )
    db.session.commit()
    invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    before = feed_event(presenter, TALK["title"])
    invitations_went()  # the invitation in their calendar has the old title
    renamed = {"title": "Risk-based governance, two years on"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=renamed).status_code == 200
    after = feed_event(presenter, "Risk-based governance, two years on")
    assert after["sequence"] > before["sequence"]
    for email in (PRESENTER, "kim@ipaustralia.example"):
        update = outbox(recipient_email=email)[-1]
        assert update.subject == "Changed: Risk-based governance, two years on (title)"
        event = vevent(update)
        assert str(event["SUMMARY"]) == "Risk-based governance, two years on"
        assert int(event["SEQUENCE"]) == after["sequence"]


def test_a_new_abstract_reaches_the_calendars_that_hold_the_slot_once(app, api, slot, presenter):
    """helper-201: the abstract is in the DESCRIPTION of the event a confirmed presenter's
    invitation put in their calendar (and the office's contacts'); changed, on their page or by
    a co-lead, it emailed nobody and their calendars kept the old text. Now an update goes,
    at the feeds' higher SEQUENCE under the same UID; a presenter fixing typos, then a co-lead,
    within the minute sends one message each, saying the text as it ends, as moves do."""
    from planner.calendar.operations import office_feed_token
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer
    from tests.presenters.test_presenters import seen_on

    kim = "kim@ipaustralia.example"
    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email=kim, language="fr", source="t")
    )
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    for message in outbox(status=MessageStatus.queued):
        message.status = MessageStatus.sent  # what went before
    db.session.commit()
    held = int(vevent(outbox(recipient_email=PRESENTER)[-1])["SEQUENCE"])
    before = {m.id for m in outbox()}

    def edit(title: str, abstract: str) -> None:
        data = {"title": title, "abstract": abstract, "seen": seen_on(presenter, link)}
        assert presenter.post(link + "/talk", data=data).status_code == 302

    edit(TALK["title"], "How IP Australia trials new technologys.")
    edit(TALK["title"], "How IP Australia trials new technologies.")
    edit("Trialling new technologies", "How IP Australia trials new technologies.")
    final = "How IP Australia trials new technologies, and what it learnt."
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"abstract": final}).status_code == 200
    news = [m for m in outbox() if m.id not in before and m.status == MessageStatus.queued]
    assert sorted(m.recipient_email for m in news) == [PRESENTER, kim]
    feed = feed_event(presenter, "Trialling new technologies")
    assert final in feed["description"] and feed["sequence"] > held
    token = office_feed_token(db.session.get(Office, "AU"), app.config["SECRET_KEY"])
    office = read_everywhere(presenter.get(f"/feeds/offices/AU.ics?token={token}").data)
    (in_office,) = [e for e in office["events"] if e["uid"] == slot.uid]
    assert final in in_office["description"]
    (to_presenter,) = [m for m in news if m.recipient_email == PRESENTER]
    (to_kim,) = [m for m in news if m.recipient_email == kim]
    assert to_presenter.subject == "Changed: Trialling new technologies (abstract and title)"
    assert "has changed: its abstract and title." in to_presenter.text_body
    assert "http://localhost" + link in to_presenter.text_body
    assert to_kim.subject == "Modifiée\u00a0: Trialling new technologies (résumé et titre)"
    for message, sequence in ((to_presenter, feed["sequence"]), (to_kim, in_office["sequence"])):
        event = vevent(message)
        assert str(event["UID"]) == slot.uid and int(event["SEQUENCE"]) == sequence
        assert final in str(event["DESCRIPTION"]) and "technologys" not in message.ics
        assert str(event["SUMMARY"]) == "Trialling new technologies"
    # The download on their page is the same entry.
    download = read_everywhere(presenter.get(link + "/slot.ics").data)["events"][0]
    assert final in download["description"] and download["sequence"] == feed["sequence"]
    # It waits its minute, then goes: a real SMTP server reads it, its part as the readers do.
    server = SmtpServer().start()
    try:
        config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
        assert send_due(config, utcnow()).sent == 0  # still settling
        assert send_due(config, utcnow() + UPDATE_SETTLE + timedelta(seconds=1)).sent == 2
        db.session.commit()
    finally:
        server.stop()
    (delivered,) = [m for m in server.messages() if m["Message-ID"] == to_presenter.message_id]
    (part,) = [p for p in delivered.walk() if p.get_content_type() == "text/calendar"]
    body = part.get_content()
    (event,) = read_everywhere(body if isinstance(body, bytes) else body.encode("utf-8"))["events"]
    assert event["uid"] == slot.uid and final in event["description"]


@pytest.mark.parametrize(
    ("change", "said", "shown"),
    [
        ({"abstract": "A shorter abstract."}, "abstract", "A shorter abstract."),
        ({"recommendations": [10, 4]}, "recommendations", "Recommendation 4: "),
    ],
)
def test_what_a_confirmed_talk_s_calendar_entry_says_reaches_its_presenter(
    api, slot, presenter, change, said, shown
):
    """Its abstract alone, or its recommendations (both in the entry's DESCRIPTION), changed by
    a co-lead: the presenter's calendar gets the new text under the same UID."""
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    held = int(vevent(outbox(recipient_email=PRESENTER)[-1])["SEQUENCE"])
    assert api.patch(f"/api/v1/slots/{slot.id}", json=change).status_code == 200
    update = outbox(recipient_email=PRESENTER)[-1]
    assert update.kind == "update" and update.subject == f"Changed: {TALK['title']} ({said})"
    event = vevent(update)
    assert str(event["UID"]) == slot.uid and int(event["SEQUENCE"]) > held
    assert shown in str(event["DESCRIPTION"])


def test_a_presenter_who_confirms_then_edits_their_abstract_is_thanked_once(api, slot, presenter):
    """The confirmation waits its minute as a change does; an abstract saved within it leaves
    the talk confirmed: one message says both ("Confirmed", its abstract changed too), not a
    "Changed (abstract and status)" that lost the thanks."""
    from tests.presenters.test_presenters import seen_on

    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot, language="es")
    assert confirm(presenter, link).status_code == 302
    data = {"title": TALK["title"], "abstract": "Nuevo resumen.", "seen": seen_on(presenter, link)}
    assert presenter.post(link + "/talk", data=data).status_code == 302
    (update,) = outbox(kind="update", recipient_email=PRESENTER, status=MessageStatus.queued)
    assert update.subject == f"Confirmada: {TALK['title']}"
    said = "la presentación que usted da está confirmada; también hay cambios: resumen."
    assert said in update.text_body and said in html.unescape(update.html_body)
    assert "Nuevo resumen." in str(vevent(update)["DESCRIPTION"])


def test_a_new_meeting_title_reaches_the_feeds_and_the_calendars_that_hold_its_slots(
    api, slot, presenter
):
    """The meeting's title is its event's SUMMARY and each slot's "Part of": renamed once
    published, the meeting's event and its slots' rise in every feed (the Task Force's, the
    office's), and the presenter and the office's contact, whose emailed copies say the old
    name, get one update each with the feeds' SEQUENCE (before: the SEQUENCE stayed, no one
    was told, and their calendars kept "Part of: Rec 10 workshop")."""
    from planner.calendar.operations import office_feed_token

    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email="kim@ipaustralia.example", source="t")
    )
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    token = office_feed_token(db.session.get(Office, "AU"), "test-secret-key")
    invitations_went()  # their emailed copy says the old name
    feeds = (
        "/feeds/taskforce.ics",
        "/feeds/taskforce-talks.ics",
        f"/feeds/offices/AU.ics?token={token}",
    )

    def shown() -> dict:
        return {
            (url, e["uid"]): e
            for url in feeds
            for e in read_everywhere(presenter.get(url).data)["events"]
        }

    before = shown()
    count = len(outbox())
    new_title = "Rec 10 workshop: risk and governance"
    renamed = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"title": new_title})
    assert renamed.status_code == 200
    after = shown()
    assert after.keys() == before.keys()
    for key, event in after.items():
        assert event["sequence"] > before[key]["sequence"], key
    meeting_event = after[("/feeds/taskforce.ics", slot.meeting.uid)]
    assert meeting_event["summary"] == new_title
    talk = after[(feeds[2], slot.uid)]
    assert talk["description"].startswith(f"Part of: {new_title}\n")
    news = outbox()[count:]
    assert sorted(m.recipient_email for m in news) == [PRESENTER, "kim@ipaustralia.example"]
    for update in news:
        assert update.kind == "update" and update.ics_method == "REQUEST"
        subject = f"Changed: {TALK['title']} (meeting title)"
        assert update.subject == subject
        assert "has changed: its meeting title." in update.text_body
        assert new_title in update.text_body and new_title in update.html_body
        event = vevent(update)
        assert str(event["UID"]) == slot.uid and str(event["SUMMARY"]) == TALK["title"]
        assert int(event["SEQUENCE"]) == talk["sequence"]
        assert str(event["DESCRIPTION"]).startswith(f"Part of: {new_title}\n")


def test_a_meeting_renamed_twice_and_given_a_link_in_a_minute_makes_one_update_each(api, slot):
    """A co-lead fixing a typo in the new title and then the link within a minute: each
    calendar that holds a slot of the meeting gets one update, naming both changes, at the
    latest SEQUENCE (the settling minute of helper-66 merges them)."""
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE

    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email="kim@ipaustralia.example", source="t")
    )
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    url = f"/api/v1/meetings/{slot.meeting_id}"
    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1)):
        invitations_went()  # the calendars hold the slot
        count = len(outbox())
        for title in ("Rec 10 wokrshop", "Rec 10 workshop, second day"):
            assert api.patch(url, json={"title": title}).status_code == 200
        assert api.patch(url, json={"video_url": "https://video.example/day2"}).status_code == 200
        news = outbox()[count:]
    going = [m for m in news if m.status == "queued"]
    assert sorted(m.recipient_email for m in going) == [PRESENTER, "kim@ipaustralia.example"]
    assert {m.status for m in news} == {"queued", "superseded"}
    for update in going:
        assert update.subject == f"Changed: {TALK['title']} (meeting title and video link)"
        event = vevent(update)
        assert str(event["DESCRIPTION"]).startswith("Part of: Rec 10 workshop, second day\n")
        assert int(event["SEQUENCE"]) == slot.sequence + slot.meeting.sequence


def test_changes_made_once_a_meeting_has_ended_are_written_to_no_one(api, slot, presenter):
    """Once the workshop is over, co-leads correct it for the record: its title, the
    recording's link, a talk's title, which office gave it, a talk that was not given (a slot
    added is refused: an ended meeting takes none). The feeds follow (a subscription is read
    again anyway); no one is written to, and no calendar's past entry is taken out (before:
    "Changed", "No longer on your programme", "Cancelled" and "On the agenda" went to the
    presenter and the contacts two days after it).
    During the meeting, a change is still news."""
    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email="kim@ipaustralia.example", source="t")
    )
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    meeting_url = f"/api/v1/meetings/{slot.meeting_id}"
    slot_url = f"/api/v1/slots/{slot.id}"
    ends = slot.meeting.starts_at + timedelta(minutes=slot.meeting.duration_minutes)
    with time_machine.travel(ends - timedelta(minutes=5), tick=False):
        count = len(outbox())
        assert api.patch(slot_url, json={"title": "AI search, as given"}).status_code == 200
        assert {m.recipient_email for m in outbox()[count:]} == {
            PRESENTER,
            "kim@ipaustralia.example",
        }
    with time_machine.travel(ends + timedelta(days=2), tick=False):
        before = feed_event(presenter, "AI search, as given")
        count = len(outbox())
        changes = [
            (meeting_url, {"title": "Rec 10 workshop (held)"}),
            (meeting_url, {"video_url": "https://video.example/recording"}),
            (slot_url, {"title": "AI search, as it was given"}),
            (slot_url, {"office": "JP"}),
            (slot_url, {"status": "cancelled"}),
        ]
        for url, change in changes:
            answer = api.patch(url, json=change)
            assert answer.status_code == 200, (change, answer.get_json())
        added = {"title": "Added for the record", "office": "AU", "duration_minutes": 5}
        assert api.post(f"{meeting_url}/slots", json=added).status_code == 409
        assert outbox()[count:] == []
        after = feed_event(presenter, "AI search, as it was given")
    assert after["sequence"] > before["sequence"] and after["status"] == "CANCELLED"
    assert after["description"].startswith("Part of: Rec 10 workshop (held)\n")


def test_recording_a_talk_not_given_says_that_no_one_is_emailed(api, slot, presenter):
    """helper-254: a week after the workshop, the co-lead marks a talk whose presenter did not
    come. The editor's "Cancel slot" asked first, saying the presenter "gets a cancellation
    email that takes it out of their calendar" and that the contacts get it too: nothing is
    written about a meeting that took place, so the page promised what never went. It now asks
    to record the talk as not given, and says what that does and that no one is emailed."""
    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email="kim@ipaustralia.example", source="t")
    )
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    url = f"/slots/{slot.id}/delete"
    asked = html.unescape(api.get(url).get_data(as_text=True))
    assert "gets a cancellation email that takes it out of their calendar" in asked  # to come
    with time_machine.travel(slot.meeting.ends_at + timedelta(days=7), tick=True):
        assert sign_in(api).status_code == 302  # months after the session began
        count = len(outbox())
        editor = html.unescape(api.get(f"/meetings/{slot.meeting_id}/edit").get_data(as_text=True))
        assert f'href="{url}" aria-label="Record as not given: “{TALK["title"]}”">' in editor
        assert "Cancel slot" not in editor  # the button says what it does after the meeting
        asked = html.unescape(api.get(url).get_data(as_text=True))
        assert f"Record “{TALK['title']}” as not given?" in asked
        assert "left out of its archive and of the talks its office presented" in asked
        assert "No one is emailed: its presenter and the office's contacts keep" in asked
        assert "cancellation email" not in asked and "get the cancellation" not in asked
        assert ">Record as not given</button>" in asked
        done = api.post(url, data=hidden_fields(api, url), follow_redirects=True)
        shown = html.unescape(done.get_data(as_text=True))
        assert f"“{TALK['title']}” is recorded as not given" in shown
        assert "No one is emailed." in shown and "instead of deleted" not in shown
        assert outbox()[count:] == []
        assert feed_event(presenter, TALK["title"])["status"] == "CANCELLED"
    db.session.expire_all()
    assert slot.status == "cancelled"


def test_publishing_tells_the_presenter_so_and_a_first_message_has_no_old_time(api, slot):
    """The presenter invited to a draft hears that it is published (not that "its status" has
    changed); a contact added later is first told of the slot with no "It was" of a time they
    never had."""
    invite(api, slot)
    invitations_went()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    published = outbox(recipient_email=PRESENTER)[-1]
    assert published.kind == "update"
    assert published.subject == f"Published: {TALK['title']}"
    assert "is on the agenda of a meeting the co-leads have now published." in published.text_body
    assert "its status" not in published.text_body and "It was:" not in published.text_body
    db.session.add(
        OfficeContact(
            office_code="AU",
            name="Kim",
            email="kim@ipaustralia.example",
            language="en",
            source="test",
        )
    )
    db.session.commit()
    # Added after publication, Kim is sent the office's slot at once (helper-55).
    (first,) = outbox(recipient_email="kim@ipaustralia.example")
    assert first.subject == f"On the agenda: {TALK['title']}"
    assert "It was:" not in first.text_body and "<s>" not in first.html_body
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 25}).status_code == 200
    (_, changed) = outbox(recipient_email="kim@ipaustralia.example")
    assert changed.subject.startswith("Changed: ") and "It was:" in changed.text_body
    moved = outbox(recipient_email=PRESENTER)[-1]  # the presenter had the old time: told it
    assert moved.subject.startswith("Changed: ") and "It was:" in moved.text_body


def test_publishing_while_another_time_is_asked_for_says_the_request_is_with_the_co_leads(
    api, slot, presenter
):
    """A presenter who asked for another time, told the meeting is published with their slot
    where it was, reads that their request is with the co-leads, not that their confirmation is
    awaited; once a co-lead moves the slot, they are asked to confirm the new time."""
    link = invite(api, slot)
    note = {"answer": "another_time", "note": "Mornings in Sydney, please"}
    assert presenter.post(link + "/answer", data=note).status_code == 302
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    published = outbox(recipient_email=PRESENTER)[-1]
    assert published.subject == f"Published: {TALK['title']}"
    request = "you asked for another time; the co-leads have your request and will be in touch"
    for body in (published.text_body, html.unescape(published.html_body)):
        assert f"Status: {request}" in body
        assert "waiting for your confirmation" not in body
    moved = api.patch(f"/api/v1/slots/{slot.id}", json={"starts_at": "2027-03-09T13:40:00+01:00"})
    assert moved.status_code == 200, moved.get_json()
    asked = outbox(recipient_email=PRESENTER)[-1]
    assert asked.subject == f"New time, please confirm: {TALK['title']}"
    assert "Status: waiting for your confirmation" in asked.text_body
    assert request not in asked.text_body


def test_an_unsubscribed_contact_still_gets_the_cancel_of_the_event_they_were_sent(app, api, slot):
    """Subscribed, sent the slot's REQUEST, unsubscribed with the message's own link: nothing
    new reaches them (not a change of time), but the meeting's cancellation does, with the same
    UID, so no dead event stays in their calendar. One never sent the REQUEST gets nothing."""
    from planner.db_types import utcnow
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer

    kim, lee = "kim@ipaustralia.example", "lee@ipa.example"
    for name, email in (("Kim Contact", kim), ("Lee", lee)):
        db.session.add(
            OfficeContact(office_code="AU", name=name, email=email, language="en", source="test")
        )
    db.session.commit()
    server = SmtpServer().start()
    config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    try:
        server.refuse[lee] = "550 5.1.1 No such user"  # Lee's REQUEST never reaches Lee
        invite(api, slot)
        assert publish_as_planned(api, slot.meeting_id).status_code == 200
        send_due(config, utcnow() + timedelta(seconds=1))
        (on_agenda,) = [m for m in server.messages() if m["To"].addresses[0].addr_spec == kim]
        assert on_agenda["Subject"].startswith("On the agenda: ")
        for address in (kim, lee):  # both unsubscribe, as mail programs do (RFC 8058)
            (message,) = outbox(recipient_email=address)
            link = message.text_body.split("Stop these messages: ")[1].split()[0]
            anonymous = app.test_client(use_cookies=False)
            path = link.removeprefix(app.config["BASE_URL"])
            assert anonymous.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200

        later = {"duration_minutes": 25}
        assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
        assert [m.kind for m in outbox(recipient_email=kim)] == ["update"]  # nothing new
        assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
        assert send_due(config, utcnow() + timedelta(seconds=2)).sent >= 1
        db.session.commit()
    finally:
        server.stop()

    assert [m.kind for m in outbox(recipient_email=kim)] == ["update", "cancellation"]
    assert [m.kind for m in outbox(recipient_email=lee)] == ["update"]  # never had the event
    to_kim = [m for m in server.messages() if m["To"].addresses[0].addr_spec == kim]
    assert [m["Subject"].split(":")[0] for m in to_kim] == ["On the agenda", "Meeting cancelled"]
    cancel = to_kim[1]
    # It says the meeting is cancelled, not only the presentation, and offers no video call.
    assert (
        "is cancelled, and this presentation with it" in cancel.get_body(("plain",)).get_content()
    )
    assert "Video link" not in cancel.get_body(("plain",)).get_content()
    (part,) = [p for p in cancel.walk() if p.get_content_type() == "text/calendar"]
    assert "video.example" not in part.get_content()  # nor in its event (helper-61)
    (part,) = [p for p in cancel.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    (event,) = Calendar.from_ical(part.get_content()).walk("VEVENT")
    assert str(event["UID"]) == slot.uid and str(event["STATUS"]) == "CANCELLED"
    text = cancel.get_body(("plain",)).get_content()
    assert "You unsubscribed from updates" in text
    assert "/unsubscribe/" not in text and cancel["List-Unsubscribe"] is None


def test_invitations_wait_for_review_when_held(api, slot):
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    (message,) = outbox(recipient_email=PRESENTER)
    assert message.status == "held"
    assert "Please confirm, decline or ask for another time" in message.text_body


def test_a_held_invitation_says_the_answer_given_meanwhile(api, slot, presenter):
    """helper-70: the presenter confirmed on the link a co-lead passed on by hand; the held
    invitation, written again, went on asking them to confirm."""
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    held = [m for m in outbox(recipient_email=PRESENTER) if m.status == "held"]
    assert [m.kind for m in held] == ["invitation"]
    (message,) = held
    for body in (message.text_body, message.html_body):
        assert "You have already confirmed it on" in body
        assert "Please confirm, decline" not in body and "please answer" not in body
    assert vevent(message)["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_a_held_invitation_is_in_the_zone_the_presenter_chose_meanwhile(api, slot, presenter):
    """helper-193: the presenter chose Lima on the link a co-lead passed on by hand (their
    page says their emails follow it); the held invitation, sent later, was in Sydney's time."""
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    link = invite(api, slot)
    _choose_zone(presenter, link, "Lima")
    (held,) = [m for m in outbox(recipient_email=PRESENTER) if m.status == "held"]
    assert held.kind == "invitation" and "http://localhost" + link in held.text_body
    for body in (held.text_body, held.html_body):
        assert IN_LIMA in body and "Sydney" not in body


def test_a_held_invitation_keeps_the_feeds_sequence(api, slot):
    """A slot added at the end lengthens the meeting, whose counter is part of every slot's
    SEQUENCE: nothing the presenter sees changed, but the held invitation, when it goes, must
    carry the SEQUENCE the feeds show (a calendar that subscribed too would see it as older)."""
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(meeting, json={"duration_pinned": False}).status_code == 200
    assert api.post(f"{meeting}/publish").status_code == 200
    before = api.get(meeting).get_json()["duration_minutes"]
    extra = {"title": "Closing break", "kind": "break", "duration_minutes": 10}
    assert api.post(f"/api/v1/meetings/{slot.meeting_id}/slots", json=extra).status_code == 201
    assert api.get(meeting).get_json()["duration_minutes"] == before + 10  # it followed
    (held,) = [m for m in outbox(recipient_email=PRESENTER) if m.status == "held"]
    feed = read_everywhere(api.get(f"/meetings/{slot.meeting_id}.ics?scope=slots").data)
    (shown,) = [e for e in feed["events"] if e["uid"] == slot.uid]
    assert int(vevent(held)["SEQUENCE"]) == shown["sequence"]


def test_one_round_of_the_sender_enqueues_the_reminders_due(api, slot, presenter, cli):
    """Cron runs `mail send --once`: its round does what the worker's does, reminders too."""
    import time_machine

    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    with time_machine.travel(slot.starts_at - timedelta(days=2), tick=False):
        result = cli.invoke(args=["mail", "send", "--once"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("; 1 reminder(s) enqueued first")
    (reminder,) = outbox(kind="reminder")
    assert reminder.recipient_email == PRESENTER


def test_reminders_go_once_per_slot_and_start(api, slot, presenter, cli):
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    start = slot.starts_at
    assert enqueue_reminders(start - timedelta(days=4)) == 0  # not yet
    assert enqueue_reminders(start - timedelta(days=2)) == 1
    assert enqueue_reminders(start - timedelta(days=1)) == 0  # once
    db.session.commit()
    db.session.commit()
    (reminder,) = outbox(kind="reminder")
    assert reminder.recipient_email == PRESENTER and "Materials" in reminder.text_body
    assert "Sydney (UTC+11)" in reminder.text_body and "/unsubscribe/" in reminder.text_body
    # Moved: the reminder not out yet, of the old time, does not go; the presenter is asked
    # to confirm the new time; once they have, a new reminder for the new start.
    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    db.session.refresh(reminder)
    assert reminder.status == "superseded"
    db.session.refresh(slot)
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 0
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    # Moved back to its first start (the new reminder, not out yet, does not go); confirmed
    # again: reminded of it, although the first reminder of that start never went.
    back = {"starts_at": "2027-03-09T13:10:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=back).status_code == 200
    db.session.refresh(slot)
    assert slot.starts_at == start
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(start - timedelta(days=2)) == 1
    assert enqueue_reminders(start - timedelta(days=1)) == 0  # once
    db.session.commit()


def test_once_the_meeting_is_on_a_talk_it_shifts_is_not_reminded_again(api, slot, presenter):
    """helper-254: reminded three days before, the presenter was sent a second reminder
    ("In 12 minutes: ...") during the meeting, beside "Changed: ... (time)", when the opening
    ran ten minutes long and the co-lead shifted the talks after it: a reminder goes once per
    start, and the start had moved. Every presenter after the opening got one. Once the meeting
    is on, the update tells them; a reminder is for before it."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    opening = slot.meeting.slots[0]
    with time_machine.travel(slot.meeting.starts_at + timedelta(minutes=5), tick=False):
        longer = api.patch(f"/api/v1/slots/{opening.id}", json={"duration_minutes": 20})
        assert longer.status_code == 200
        db.session.refresh(slot)
        assert slot.status == "confirmed"
        assert enqueue_reminders(slot.meeting.starts_at + timedelta(minutes=5)) == 0
        db.session.commit()
    assert [m.subject for m in outbox(kind="reminder")] == [f"In 2 days: {TALK['title']}"]
    assert f"Changed: {TALK['title']} (time)" in [m.subject for m in outbox(kind="update")]
    # Seen before the meeting began, the new start would be reminded (a talk moved days ahead).
    assert enqueue_reminders(slot.starts_at - timedelta(hours=2)) == 1


@pytest.mark.parametrize(
    ("before", "language", "subject", "said"),
    [
        # 23:10 in Sydney, where the presenter reads their times.
        (timedelta(hours=2), "en", "In 2 hours: ", "A reminder: you present in 2 hours."),
        (timedelta(hours=26), "en", "Tomorrow: ", "A reminder: you present tomorrow."),
        (timedelta(days=3), "en", "In 3 days: ", "A reminder: you present in 3 days."),
        (timedelta(hours=2), "es", "Dentro de 2 horas: ", "le toca presentar dentro de 2 horas."),
        (timedelta(hours=26), "es", "Mañana: ", "Un recordatorio: le toca presentar mañana."),
        (timedelta(hours=26), "fr", "Demain\u00a0: ", "Un rappel\u00a0: vous présentez demain."),
        (timedelta(hours=2), "pt", "Em 2 horas: ", "sua apresentação é em 2 horas."),
        (timedelta(hours=26), "ru", "Завтра: ", "Ваше выступление состоится завтра."),
        (timedelta(hours=2), "zh", "2小时后演讲：", "您的演讲将于2小时后开始。"),
    ],
)
def test_a_reminder_says_how_soon_the_talk_is(
    api, slot, presenter, before, language, subject, said
):
    """helper-201: confirmed two hours before their talk, a presenter was reminded "In 3 days
    or less". The subject and the text say how soon, on their clock, in their language."""
    link = invite(api, slot, language=language)
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - before) == 1
    db.session.commit()
    (reminder,) = outbox(kind="reminder")
    assert reminder.language == language and reminder.subject == subject + slot.title
    assert said in reminder.text_body and said in html.unescape(reminder.html_body)


def test_a_reminder_that_goes_late_says_how_soon_as_it_goes(
    app, api, slot, presenter, cli, monkeypatch
):
    """Written the evening before ("Mañana"), it waited behind their invitation while their
    server turned everything away; it went hours later, the next day, over SMTP: it says how
    soon as it goes, under the Message-ID it was written with."""
    from tests.mail.smtp_server import SmtpServer

    link = invite(api, slot, language="es")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    server = SmtpServer(refuse={PRESENTER: "451 4.3.0 Try again later"}).start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    try:
        # 21:10 in Sydney the evening before.
        with time_machine.travel(slot.starts_at - timedelta(hours=26), tick=False):
            assert cli.invoke(args=["mail", "send", "--once"]).exit_code == 0
        (reminder,) = outbox(kind="reminder")
        assert reminder.status == "queued" and reminder.subject.startswith("Mañana: ")
        written_as = reminder.message_id
        server.refuse.clear()
        # 20:10 in Sydney: three hours before, the same day.
        with time_machine.travel(slot.starts_at - timedelta(hours=3), tick=False):
            assert cli.invoke(args=["mail", "send", "--once"]).exit_code == 0
    finally:
        server.stop()
    (reminder,) = outbox(kind="reminder")
    assert reminder.status == "sent" and reminder.message_id == written_as
    (delivered,) = [m for m in server.messages() if m["Message-ID"] == written_as]
    assert delivered["Subject"] == f"Dentro de 3 horas: {slot.title}"
    # Dated when it went, as its words are (helper-210): not the evening it was written.
    assert parsedate_to_datetime(delivered["Date"]) == slot.starts_at - timedelta(hours=3)
    (text,) = [p for p in delivered.walk() if p.get_content_type() == "text/plain"]
    assert "Un recordatorio: le toca presentar dentro de 3 horas." in text.get_content()
    assert "mañana" not in text.get_content()


def test_flask_mail_remind_enqueues_due_reminders_once(api, survey, presenter, cli):
    soon = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    meeting = api.post("/api/v1/meetings", json={**MEETING, "starts_at": soon.isoformat()})
    made = api.post(f"/api/v1/meetings/{meeting.get_json()['id']}/slots", json=TALK).get_json()
    slot = db.session.get(Slot, made["id"])
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    assert cli.invoke(args=["mail", "remind"]).output == "1 reminders enqueued\n"
    assert cli.invoke(args=["mail", "remind"]).output == "0 reminders enqueued\n"
    assert len(outbox(kind="reminder")) == 1


def test_invite_move_cancel_delivered_over_smtp(api, slot, presenter):
    """End to end: the three messages reach a real SMTP server on loopback; each carries its
    .ics as text/calendar with method=, and the three readers see one event moving on. (The
    invitation goes before the move: moved before the sender's round, it is written again at
    the new time, with no "Changed" after it: tests/mail/test_busy_day.py.)"""
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer

    server = SmtpServer().start()
    config = {**api.application.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    try:
        assert publish_as_planned(api, slot.meeting_id).status_code == 200
        invite(api, slot)
        assert send_due(config, utcnow() + timedelta(seconds=1)).sent == 1  # the invitation
        later = {"starts_at": "2027-03-09T14:00:00+01:00"}
        assert api.patch(f"/api/v1/meetings/{slot.meeting_id}", json=later).status_code == 200
        # The change waits a minute for another (UPDATE_SETTLE); none comes, and it goes.
        assert send_due(config, utcnow() + timedelta(seconds=1)).sent == 0
        assert send_due(config, utcnow() + UPDATE_SETTLE + timedelta(seconds=1)).sent == 1
        assert api.delete(f"/api/v1/meetings/{slot.meeting_id}").status_code in (200, 204)
        assert send_due(config, utcnow() + timedelta(seconds=1)).sent == 1
        db.session.commit()
    finally:
        server.stop()
    received = [m for m in server.messages() if m["To"].addresses[0].addr_spec == PRESENTER]
    assert [m["Subject"].split(":")[0] for m in received] == [
        "Invitation to present",
        "Changed",
        "Meeting cancelled",
    ]
    sequences = []
    for message, method in zip(received, ("REQUEST", "REQUEST", "CANCEL"), strict=True):
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert part.get_param("method") == method
        body = part.get_content()
        body = body if isinstance(body, bytes) else body.encode("utf-8")
        seen = read_everywhere(body)
        calendar = Calendar.from_ical(body)
        (event,) = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == method and str(event["UID"]) == slot.uid
        assert str(event["ATTENDEE"]) == f"mailto:{PRESENTER}" and "ORGANIZER" in event
        sequences.append(seen["events"][0]["sequence"])
    assert sequences == sorted(set(sequences))  # strictly rising


@pytest.mark.parametrize(
    ("language", "asked"),
    [("en", "Please add them"), ("es", "Le rogamos que las añada"), ("ru", "добавьте их")],
)
def test_a_reminder_names_the_slides_already_added_rather_than_asking_for_them(
    api, slot, presenter, language, asked
):
    """helper-193: a presenter added their slides on their page, which lists them as theirs;
    the reminder still asked them to add their slides before they present, as if the upload
    had been lost. It names the slides there and where to change them."""
    link = invite(api, slot, language=language)
    assert confirm(presenter, link).status_code == 302
    added = presenter.post(
        f"{link}/materials",
        data={"material-file": (io.BytesIO(PDF), "slides.pdf")},
        content_type="multipart/form-data",
    )
    assert added.status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    (reminder,) = outbox(kind="reminder")
    for body in (reminder.text_body, reminder.html_body):
        assert "slides.pdf" in body and asked not in body
        assert "http://localhost" + link in body


def test_a_reminder_and_an_update_carry_the_private_link_that_opens_the_page(api, slot, presenter):
    """The presenter acts from whichever message they open: the reminder and the update link to
    the same private page as the invitation. The calendar entries never carry it: a calendar is
    shared with assistants and synced to other services."""
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    (reminder,) = outbox(kind="reminder")
    assert "http://localhost" + link in reminder.text_body
    assert f'href="http://localhost{link}#materials"' in reminder.html_body
    assert presenter.get(link).status_code == 200

    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    (update,) = outbox(kind="update", recipient_email=PRESENTER)
    assert "http://localhost" + link in update.text_body
    assert "http://localhost" + link in update.html_body
    (invitation,) = outbox(kind="invitation")
    for message in (invitation, update):
        assert "/presenter/" not in message.ics
        assert "URL" not in vevent(message)  # the meeting is a draft: no public page either


DRAFT = "The agenda is still a draft: the time may still change until the co-leads publish it"


def test_a_presenter_of_a_draft_is_told_the_time_may_still_change(api, slot, presenter):
    """Invited to a draft, a presenter got a TENTATIVE calendar entry and nothing that said why:
    the agenda is not final and the time may still move. Every message to them about it says so
    (text and HTML), until the agenda is published."""

    def says_draft(message: OutboxMessage) -> bool:
        bodies = (message.text_body, re.sub(r"<[^>]+>", "", html.unescape(message.html_body)))
        said = [DRAFT in body for body in bodies]
        assert said[0] == said[1], "the text and the HTML say different things"
        return said[0]

    link = invite(api, slot)
    (invitation,) = outbox(kind="invitation")
    assert str(vevent(invitation)["STATUS"]) == "TENTATIVE" and says_draft(invitation)
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    (reminder,) = outbox(kind="reminder")
    assert says_draft(reminder)
    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    moved = outbox(kind="update", recipient_email=PRESENTER)[-1]
    assert says_draft(moved)
    # They confirm the new time before that update goes: it is written again as a thanks, its
    # calendar entry still tentative, and its words say so (not "marks it confirmed").
    assert confirm(presenter, link).status_code == 302
    thanks = outbox(kind="update", recipient_email=PRESENTER)[-1]
    assert thanks.subject.startswith("Confirmed") and str(vevent(thanks)["STATUS"]) == "TENTATIVE"
    for body in (thanks.text_body, re.sub(r"<[^>]+>", "", html.unescape(thanks.html_body))):
        assert "still tentative until the agenda is published" in body
        assert "marks it confirmed" not in body
    # Published, it is final: nothing more says it may change.
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    published = outbox(kind="update", recipient_email=PRESENTER)[-1]
    assert published.id != moved.id and not says_draft(published)
    invite(api, slot, name="Li Example", email="li@ipaustralia.example")
    (again,) = outbox(kind="invitation", recipient_email="li@ipaustralia.example")
    assert not says_draft(again)


def test_a_revoked_link_is_in_no_later_message(api, slot, presenter):
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    revoked = api.post(
        f"/slots/{slot.id}/invitation/revoke",
        data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
    )
    assert revoked.status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    (reminder,) = outbox(kind="reminder")
    assert "/presenter/" not in reminder.text_body + reminder.html_body
    assert "the link in your invitation" in reminder.text_body
    assert "yours alone" not in reminder.text_body


def test_a_new_secret_key_keeps_the_link_working_but_out_of_messages(app, api, slot, presenter):
    """The link's digest still opens the page; a token written again with another key would
    not match it, so no message carries a link that does not work."""
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another-secret-key"
    try:
        assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
        db.session.commit()
    finally:
        app.config["SECRET_KEY"] = key
    (reminder,) = outbox(kind="reminder")
    assert "/presenter/" not in reminder.text_body
    assert presenter.get(link).status_code == 200


def test_a_rotated_secret_key_kept_as_a_fallback_keeps_the_link_in_messages(
    app, api, slot, presenter, monkeypatch
):
    """With the key the link was made with among SECRET_KEY_FALLBACKS (a planned rotation), a
    reminder still carries the presenter's link, the one their invitation gave."""
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [app.config["SECRET_KEY"]])
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-key")
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    (reminder,) = outbox(kind="reminder")
    assert link in reminder.text_body
    assert presenter.get(link).status_code == 200


SAM = "sam@ipaustralia.example"


def test_a_held_invitation_to_someone_replaced_never_goes(api, slot, presenter):
    """Invitations are held for review; Alex is invited, then Sam in Alex's place. Alex was told
    nothing, so Alex gets nothing: no CANCEL, and "Send all held" sends Sam's invitation only."""
    from planner.db_types import utcnow
    from planner.mail.outbox import release_held, set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    invite(api, slot, name="Sam Example", email=SAM)
    alex = outbox(recipient_email=PRESENTER)
    assert [(m.kind, m.status) for m in alex] == [("invitation", "superseded")]
    assert release_held(utcnow()) == 1
    db.session.commit()
    (sam,) = outbox(recipient_email=SAM)
    assert sam.kind == "invitation" and sam.status == "queued"
    # The outbox page says what became of Alex's.
    page = api.get("/outbox").get_data(as_text=True)
    assert "superseded (not sent)" in page


def test_someone_replaced_after_being_told_gets_a_cancel_and_nothing_stale(api, slot, presenter):
    from planner.mail.models import MessageStatus

    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    # Alex's invitation went out; the reminder is still queued.
    (invitation,) = outbox(recipient_email=PRESENTER, kind="invitation")
    invitation.status = MessageStatus.sent
    db.session.commit()
    sam_link = invite(api, slot, name="Sam Example", email=SAM)
    alex = {m.kind: m.status for m in outbox(recipient_email=PRESENTER)}
    assert alex == {"invitation": "sent", "reminder": "superseded", "cancellation": "queued"}
    # Sam confirms and is reminded in turn: a reminder per presenter, not per slot.
    assert confirm(presenter, sam_link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=1)) == 1
    db.session.commit()
    (reminder,) = outbox(recipient_email=SAM, kind="reminder")
    assert "http://localhost" + sam_link in reminder.text_body


def test_a_new_link_for_the_same_presenter_supersedes_the_held_one(api, slot, presenter):
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()
    old = invite(api, slot)
    new = invite(api, slot)
    first, second = outbox(recipient_email=PRESENTER)
    assert first.status == "superseded" and old in first.text_body
    assert second.status == "held" and new in second.text_body


def test_a_sender_leaves_a_message_superseded_after_it_was_leased(app, api, slot):
    """A message superseded between a sender's lease and its turn is not sent."""
    from planner.db_types import utcnow
    from planner.mail import sender
    from planner.mail.models import MessageStatus
    from tests.mail.smtp_server import SmtpServer

    invite(api, slot)
    (message,) = outbox(recipient_email=PRESENTER)
    leased = sender.claim(utcnow())
    assert leased == [message.id]
    message.status = MessageStatus.superseded  # Sam is invited in Alex's place meanwhile
    db.session.commit()
    server = SmtpServer().start()
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    counts = sender.Counts()
    try:
        sender.deliver_leased(leased, config, utcnow(), counts)
    finally:
        server.stop()
    assert counts.sent == 0 and server.messages() == []
    assert outbox(recipient_email=PRESENTER)[0].status == "superseded"


def test_the_same_answer_twice_tells_the_co_leads_once(api, slot, presenter):
    link = invite(api, slot)
    for _ in range(2):
        answered = confirm(presenter, link)
        assert answered.status_code == 302
    assert len(outbox(kind="answer")) == 1
    page = presenter.get(link).get_data(as_text=True)
    assert "confirmed" in page
    # Another answer is news again.
    note = {"answer": "another_time", "note": "Mornings in Sydney, please"}
    assert presenter.post(link + "/answer", data=note).status_code == 302
    assert len(outbox(kind="answer")) == 2


def test_the_co_leads_read_the_slots_time_in_an_answer(api, slot, presenter):
    """A co-lead told that the presenter asks for another time sees the time they answered to,
    in the meeting's zone, as the agenda editor shows it."""
    link = invite(api, slot)
    note = {"answer": "another_time", "note": "Mornings in Sydney, please"}
    assert presenter.post(link + "/answer", data=note).status_code == 302
    [message] = outbox(kind="answer")
    time = "Tuesday 9 March 2027, 13:10–13:30 Geneva (UTC+1)"
    assert f"The slot's time on the agenda: {time}" in message.text_body
    assert f"The slot’s time on the agenda: {time}" in html.unescape(message.html_body)


def test_an_answer_repeated_after_a_co_lead_reset_the_slot_counts_again(api, slot, presenter):
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    reset = api.patch(f"/api/v1/slots/{slot.id}", json={"status": "invited"})
    assert reset.status_code == 200, reset.get_json()
    assert confirm(presenter, link).status_code == 302
    db.session.refresh(slot)
    assert slot.status == "confirmed"
    assert len(outbox(kind="answer")) == 2


def test_a_held_invitation_for_a_slot_without_a_time_is_superseded_too(api, survey, presenter):
    from planner.mail.outbox import set_hold_invitations

    meeting = api.post("/api/v1/meetings", json={"title": "Undated", "duration_minutes": 60})
    made = api.post(f"/api/v1/meetings/{meeting.get_json()['id']}/slots", json=TALK)
    slot = db.session.get(Slot, made.get_json()["id"])
    assert slot.starts_at is None
    set_hold_invitations(True)
    db.session.commit()
    invite(api, slot)
    invite(api, slot, name="Sam Example", email=SAM)
    assert [m.status for m in outbox(recipient_email=PRESENTER)] == ["superseded"]


def test_invited_back_after_being_replaced_they_are_reminded_again(api, slot, presenter):
    alex = invite(api, slot)
    assert confirm(presenter, alex).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    invite(api, slot, name="Sam Example", email=SAM)
    again = invite(api, slot)  # Alex, back
    assert confirm(presenter, again).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=1)) == 1
    db.session.commit()
    kinds = [(m.kind, m.status) for m in outbox(recipient_email=PRESENTER, kind="reminder")]
    assert kinds == [("reminder", "superseded"), ("reminder", "queued")]
    assert (
        "http://localhost" + again
        in outbox(recipient_email=PRESENTER, kind="reminder")[1].text_body
    )


def test_a_reminder_sent_under_the_old_message_id_is_not_sent_again(api, slot, presenter):
    """Until December 2026 a reminder's Message-ID named the slot and its start only."""
    from planner.mail.models import MessageStatus

    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    (reminder,) = outbox(kind="reminder")
    uid = slot.uid.split("@", 1)[0]
    reminder.message_id = f"<reminder.{uid}.{slot.starts_at:%Y%m%dT%H%MZ}@cws-ict-planner>"
    reminder.status = MessageStatus.sent
    db.session.commit()
    assert enqueue_reminders(slot.starts_at - timedelta(days=1)) == 0


def test_a_revoked_link_does_not_make_a_second_reminder(api, slot, presenter):
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    api.post(
        f"/slots/{slot.id}/invitation/revoke",
        data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
    )
    assert enqueue_reminders(slot.starts_at - timedelta(days=1)) == 0


def test_a_replaced_presenter_who_never_got_a_message_gets_none(api, slot, presenter):
    """Invited, then someone else in their place before any sender took the invitation: it is
    superseded, and no CANCEL follows it (they never heard of the slot)."""
    invite(api, slot)
    invite(api, slot, name="Sam Example", email=SAM)
    assert [(m.kind, m.status) for m in outbox(recipient_email=PRESENTER)] == [
        ("invitation", "superseded")
    ]


def test_a_replaced_presenter_who_answered_on_their_page_is_told(api, slot, presenter):
    """No mail server: the co-lead passed the link on by hand and the presenter confirmed. In
    their place someone else: they get the CANCEL, as they know of the slot."""
    from planner.mail.models import MessageStatus

    link = invite(api, slot)
    (invitation,) = outbox(recipient_email=PRESENTER)
    invitation.status = MessageStatus.not_sent
    db.session.commit()
    assert confirm(presenter, link).status_code == 302
    invite(api, slot, name="Sam Example", email=SAM)
    kinds = {m.kind: m.status for m in outbox(recipient_email=PRESENTER)}
    assert kinds == {"invitation": "superseded", "cancellation": "queued"}


def _hold_invitations() -> None:
    from planner.mail.outbox import set_hold_invitations

    set_hold_invitations(True)
    db.session.commit()


def test_while_an_invitation_is_held_nothing_else_reaches_the_presenter(api, slot, presenter):
    """The co-leads review invitations: until one is sent the presenter hears nothing, not a
    change of time, not a reminder; the held invitation is written again with each change, so
    that it says the time as it is when a co-lead sends it."""
    _hold_invitations()
    invite(api, slot)
    (held,) = outbox(recipient_email=PRESENTER)
    assert held.status == "held" and "23:10" in held.text_body  # Sydney time of the start
    later = {"starts_at": "2027-03-09T13:30:00+01:00"}
    assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    messages = outbox(recipient_email=PRESENTER)
    assert [(m.kind, m.status) for m in messages] == [
        ("invitation", "superseded"),
        ("invitation", "held"),
    ]
    assert "23:30" in messages[-1].text_body and "/presenter/" in messages[-1].text_body
    # Set confirmed by a co-lead, the presenter (never told) is not reminded.
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "confirmed"}).status_code == 200
    db.session.refresh(slot)
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 0
    # Cancelled before anyone sent it: the invitation no longer goes, and nothing else does.
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    # Each change wrote the held invitation again (the move, the co-lead's confirmation), so
    # that it would carry the feeds' SEQUENCE; cancelled, none of them goes.
    assert [(m.kind, m.status) for m in outbox(recipient_email=PRESENTER)] == [
        ("invitation", "superseded")
    ] * 3


def test_discarding_a_held_invitation_says_the_link_still_works(api, slot, presenter):
    _hold_invitations()
    link = invite(api, slot)
    (held,) = outbox(recipient_email=PRESENTER)
    token = csrf_token(api, "/outbox")
    gone = api.post(f"/outbox/{held.id}/discard", data={"csrf_token": token, "confirmed": "yes"})
    page = api.get(gone.headers["Location"]).get_data(as_text=True)
    assert "Their private link still works" in page
    assert "stays in the outbox marked discarded" in page
    assert presenter.get(link).status_code == 200


def test_a_presenter_unsubscribed_from_updates_still_hears_their_own_slot_move(api, slot):
    """Unsubscribing stops what may be stopped (an office's news); the time of the talk one
    gives, which their calendar holds, is not news they can opt out of."""
    unsubscribe(PRESENTER, "update")
    db.session.commit()
    invite(api, slot)
    invitations_went()  # their calendar holds the talk
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 25}).status_code == 200
    moved = outbox(recipient_email=PRESENTER)[-1]
    assert moved.kind == "update" and moved.subject.startswith("Changed: ")
    assert "/unsubscribe/" not in moved.text_body


@pytest.mark.parametrize("again", ["confirmed", "another_time"])
def test_back_from_a_decline_the_slot_returns_to_the_presenters_calendar(
    api, slot, presenter, again
):
    """A draft's slot is tentative in the feeds whether declined or confirmed, but the decline
    sent the presenter a CANCEL: answering again puts the slot back with a REQUEST above it."""
    link = invite(api, slot)
    declined = {"answer": "declined", "note": "Ill that week"}
    assert presenter.post(link + "/answer", data=declined).status_code == 302
    (cancel,) = outbox(kind="cancellation", recipient_email=PRESENTER)
    if again == "confirmed":
        assert confirm(presenter, link).status_code == 302
    else:
        answer = {"answer": again, "note": "Any Tuesday"}
        assert presenter.post(link + "/answer", data=answer).status_code == 302
    (update,) = outbox(kind="update", recipient_email=PRESENTER)
    assert update.ics_method == "REQUEST"
    request, cancelled = vevent(update), vevent(cancel)
    assert str(request["UID"]) == str(cancelled["UID"]) == slot.uid
    assert int(request["SEQUENCE"]) > int(cancelled["SEQUENCE"])
    assert "puts it in your calendar" in update.text_body
    if again == "confirmed":
        # helper-201: "On the agenda" above "Thank you: your confirmation is recorded".
        assert update.subject == f"Confirmed: {TALK['title']}"
        assert "your confirmation is recorded" in update.text_body


@contextmanager
def _once_the_news_went():
    """What follows happens after a contact's first news of a slot no one is invited to yet
    went out: it waits a minute (`UPDATE_SETTLE`) for an invitation that would say it all."""
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE

    with time_machine.travel(utcnow() + UPDATE_SETTLE + timedelta(seconds=1), tick=False):
        yield


def _contact(office: str, name: str, email: str) -> None:
    db.session.add(
        OfficeContact(office_code=office, name=name, email=email, language="en", source="test")
    )
    db.session.commit()


def test_a_slot_given_to_another_office_leaves_one_office_s_calendars_for_the_other_s(
    app, api, slot, presenter
):
    """helper-52: moving a published slot from AU to PE sent nobody anything. helper-55: when it
    came back, AU's contact got a REQUEST below the CANCEL they held (ignored: the talk stayed
    out of their calendar), its presenter got the CANCEL of their own talk, and a contact of both
    offices only the CANCEL. Each contact's messages carry their office feed's SEQUENCE."""
    from planner.calendar.operations import office_feed_token

    kim, pat, both = "kim@ipaustralia.example", "pat@indecopi.example", "both@example.org"
    _contact("AU", "Kim", kim)
    _contact("PE", "Pat", pat)
    _contact("AU", "Both", both)
    _contact("PE", "Both", both)
    _contact("AU", "Alex", PRESENTER)  # the presenter is an AU contact too
    invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200

    def feed_sequence(office: str) -> int:
        token = office_feed_token(db.session.get(Office, office), app.config["SECRET_KEY"])
        body = presenter.get(f"/feeds/offices/{office}.ics?token={token}").data
        (event,) = [e for e in read_everywhere(body)["events"] if e["uid"] == slot.uid]
        return event["sequence"]

    def last(email: str) -> OutboxMessage:
        return outbox(recipient_email=email)[-1]

    (on_agenda,) = outbox(recipient_email=kim)
    assert int(vevent(on_agenda)["SEQUENCE"]) == feed_sequence("AU")
    assert outbox(recipient_email=pat) == []
    kept = len(outbox(recipient_email=PRESENTER))
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"office": "PE"}).status_code == 200
    cancel = last(kim)
    assert cancel.kind == "cancellation" and cancel.ics_method == "CANCEL"
    assert "Another office now gives this presentation" in cancel.text_body
    assert "Sydney (UTC+11)" in cancel.text_body  # their office's zone, as before
    event = vevent(cancel)
    assert str(event["UID"]) == slot.uid and str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == feed_sequence("AU") > int(vevent(on_agenda)["SEQUENCE"])
    told = last(pat)
    assert told.subject == f"On the agenda: {TALK['title']}" and told.ics_method == "REQUEST"
    assert int(vevent(told)["SEQUENCE"]) == feed_sequence("PE")
    # A contact of both offices keeps it; the presenter keeps their talk.
    assert all(m.ics_method != "CANCEL" for m in outbox(recipient_email=both))
    assert all(m.ics_method != "CANCEL" for m in outbox(recipient_email=PRESENTER)[kept:])

    # Back to AU: Kim's calendar gets it again, above the CANCEL it holds; Pat's loses it.
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"office": "AU"}).status_code == 200
    back = last(kim)
    assert back.ics_method == "REQUEST" and back.subject == f"On the agenda: {TALK['title']}"
    assert int(vevent(back)["SEQUENCE"]) == feed_sequence("AU") > int(event["SEQUENCE"])
    gone = last(pat)
    assert gone.ics_method == "CANCEL"
    assert int(vevent(gone)["SEQUENCE"]) == feed_sequence("PE") > int(vevent(told)["SEQUENCE"])
    # Later changes go on from there, as the feed does.
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"duration_minutes": 25}).status_code == 200
    changed = last(kim)
    assert changed.subject.startswith("Changed: ")
    assert int(vevent(changed)["SEQUENCE"]) == feed_sequence("AU") > int(vevent(back)["SEQUENCE"])


def test_a_slot_given_to_another_office_on_its_page_names_the_new_office(api, slot):
    """helper-58: through the slot's page (which had loaded the old office), PE's contact was
    told of "IP Australia" at Sydney's time, and the event named AU as presenter."""
    _contact("PE", "Pat", "pat@indecopi.example")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    url = f"/slots/{slot.id}/edit"
    form = {
        **hidden_fields(api, url),
        "title": TALK["title"],
        "kind": "presentation",
        "duration_minutes": "20",
        "status": "proposed",
        "office": "PE",
        "proposal": "",
        "recommendations": "10",
        "abstract": TALK["abstract"],
    }
    assert api.post(url, data=form).status_code == 302
    (told,) = outbox(recipient_email="pat@indecopi.example")
    assert "INDECOPI" in told.text_body and "Lima (UTC" in told.text_body
    assert "IP Australia" not in told.text_body and "Sydney (UTC" not in told.text_body
    assert "INDECOPI" in str(vevent(told)["DESCRIPTION"])


def test_a_contact_invited_to_present_gets_sequences_above_what_their_calendar_holds(
    api, slot, presenter
):
    """helper-58: an office contact's copy of a slot counts on from their office feed (above a
    move away and back); invited to present it, their invitation and then their decline's
    message came at the slot's own lower SEQUENCE, and their calendar ignored both (one UID,
    one event)."""
    _contact("AU", "Alex", PRESENTER)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    for office in ("PE", "AU"):
        assert api.patch(f"/api/v1/slots/{slot.id}", json={"office": office}).status_code == 200
    held = max(int(vevent(m)["SEQUENCE"]) for m in outbox(recipient_email=PRESENTER))
    assert outbox(recipient_email=PRESENTER)[-1].ics_method == "REQUEST"
    link = invite(api, slot)
    invited = outbox(recipient_email=PRESENTER)[-1]
    assert invited.kind == "invitation" and invited.ics_method == "REQUEST"
    assert int(vevent(invited)["SEQUENCE"]) >= held
    presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    # A contact still: it goes back to the office's copy (helper-61), above the invitation.
    back = outbox(recipient_email=PRESENTER)[-1]
    assert back.ics_method == "REQUEST" and back.subject.startswith("You no longer present")
    assert int(vevent(back)["SEQUENCE"]) > int(vevent(invited)["SEQUENCE"])


def test_a_replaced_presenter_who_is_a_contact_keeps_the_office_s_copy(api, slot):
    """helper-58: a presenter replaced by another was sent only a CANCEL, though they are a
    contact of the office too: their calendar lost the talk their colleagues' kept, until an
    unrelated change brought it back."""
    _contact("AU", "Alex", PRESENTER)
    invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    for message in outbox(recipient_email=PRESENTER):
        message.status = MessageStatus.sent  # they reached them
    db.session.commit()
    held = max(int(vevent(m)["SEQUENCE"]) for m in outbox(recipient_email=PRESENTER) if m.ics)
    invite(api, slot, name="Li Example", email="li@ipaustralia.example")
    last = outbox(recipient_email=PRESENTER)[-1]
    assert last.subject == f"You no longer present: {TALK['title']}"
    assert last.ics_method == "REQUEST" and "stays in your calendar" in last.text_body
    assert int(vevent(last)["SEQUENCE"]) >= held
    assert "/presenter/" not in last.text_body  # the private page is Li's now
    assert all(m.ics_method != "CANCEL" for m in outbox(recipient_email=PRESENTER))


def test_a_presenter_who_declines_and_is_a_contact_keeps_it_and_hears_as_one(api, slot, presenter):
    """helper-61: a presenter who declined was sent a CANCEL though a subscribed contact of the
    office, and then none of the slot's news (the declined invitation still counted as its
    presenter), until someone else was invited."""
    _contact("AU", "Alex", PRESENTER)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    told = outbox(recipient_email=PRESENTER)[-1]
    assert told.subject == f"You no longer present: {TALK['title']}"
    assert told.ics_method == "REQUEST" and "You declined this presentation" in told.text_body
    assert all(m.ics_method != "CANCEL" for m in outbox(recipient_email=PRESENTER))
    # The slot's later news reaches them as the office's contact.
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Renamed"}).status_code == 200
    news = outbox(recipient_email=PRESENTER)[-1]
    assert news.subject.startswith("Changed: Renamed") and "/presenter/" not in news.text_body
    assert int(vevent(news)["SEQUENCE"]) > int(vevent(told)["SEQUENCE"])


def _choose_zone(presenter, link: str, typed: str) -> None:
    """The presenter corrects their time zone on their own page."""
    page = presenter.get(link).get_data(as_text=True)
    seen = re.search(r'name="zone_seen" value="([^"]+)"', page)
    chosen = presenter.post(f"{link}/zone", data={"zone": typed, "zone_seen": seen[1]})
    assert chosen.status_code == 302


# 9 March 2027, 13:10–13:30 in Zurich: the talk on the clocks of Lima and Sydney.
IN_LIMA, IN_SYDNEY = "07:10–07:30 Lima (UTC−5)", "23:10–23:30 Sydney (UTC+11)"


@pytest.mark.parametrize("how", ["declined", "replaced"])
def test_a_presenter_who_is_a_contact_is_told_they_no_longer_present_in_their_own_zone(
    api, slot, presenter, how
):
    """The message that tells a presenter who is also the office's contact that they no longer
    present came in the office's zone (Sydney), though they had chosen Lima on their page,
    where every other message to them as presenter is written."""
    _contact("AU", "Alex", PRESENTER)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    _choose_zone(presenter, link, "Lima")
    if how == "declined":
        presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    else:
        for message in outbox(recipient_email=PRESENTER):
            message.status = MessageStatus.sent  # they reached them
        db.session.commit()
        invite(api, slot, name="Li Example", email="li@ipaustralia.example")
    told = outbox(recipient_email=PRESENTER)[-1]
    assert told.subject == f"You no longer present: {TALK['title']}"
    for body in (told.text_body, told.html_body):
        assert IN_LIMA in body and "Australia/Sydney" not in body


@pytest.mark.parametrize("news", ["moved", "confirmed"])
def test_an_update_still_waiting_when_the_presenter_chooses_their_zone_goes_in_it(
    api, slot, presenter, news
):
    """helper-193: a co-lead moved the slot (or the presenter confirmed it); within the minute
    the update waits for another change, the presenter chose Lima on their page, which said
    "here and in the emails you are sent", and the update went out in Sydney's time anyway.
    Written again in Lima, it says what it had to say and goes when it would have."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    if news == "moved":
        assert confirm(presenter, link).status_code == 302
        for message in outbox(recipient_email=PRESENTER):
            message.status = MessageStatus.sent  # the invitation and "Confirmed" went
        db.session.commit()
        with _once_the_news_went():
            later = {"starts_at": "2027-03-09T13:30:00+01:00"}
            assert api.patch(f"/api/v1/slots/{slot.id}", json=later).status_code == 200
    else:
        assert confirm(presenter, link).status_code == 302
    waiting = outbox(recipient_email=PRESENTER, kind="update")[-1]
    due = waiting.next_attempt_at
    _choose_zone(presenter, link, "Lima")
    update = outbox(recipient_email=PRESENTER, kind="update")[-1]
    assert update.status == "queued" and abs(update.next_attempt_at - due) < timedelta(seconds=1)
    assert update.id != waiting.id and waiting.status == "superseded"
    if news == "moved":
        assert update.subject == f"New time, please confirm: {TALK['title']}"
        now, was = update.text_body.split("It was:")
        assert "07:30–07:50 Lima (UTC−5)" in now and IN_LIMA in was
    else:
        assert update.subject == f"Confirmed: {TALK['title']}"
        assert IN_LIMA in update.text_body
    for body in (update.text_body, update.html_body):
        assert "Sydney" not in body


def test_a_confirmation_still_waiting_when_the_link_is_revoked_stays_one(api, slot, presenter):
    """The news of their confirmation, still waiting its minute, is written again without the
    link once it is revoked: it said "Changed: … (status)" instead (helper-193)."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    url = f"/slots/{slot.id}/invitation/revoke"
    assert api.post(url, data=hidden_fields(api, url)).status_code == 302
    update = outbox(recipient_email=PRESENTER, kind="update")[-1]
    assert update.subject == f"Confirmed: {TALK['title']}" and update.status == "queued"
    assert "/presenter/" not in update.text_body


def test_a_replaced_presenter_invited_in_their_office_s_zone_reads_their_cancel_in_it(api, slot):
    """Invited without a zone of their own, a presenter's page shows the office's (Sydney); the
    CANCEL sent when someone else was invited showed only the meeting's zone."""
    invite(api, slot, time_zone="")
    for message in outbox(recipient_email=PRESENTER):
        message.status = MessageStatus.sent  # it reached them
    db.session.commit()
    invite(api, slot, name="Li Example", email="li@ipaustralia.example")
    cancel = outbox(recipient_email=PRESENTER)[-1]
    assert cancel.ics_method == "CANCEL" and cancel.subject.startswith("You no longer present")
    assert IN_SYDNEY in cancel.text_body and IN_SYDNEY in cancel.html_body


@pytest.mark.parametrize("deleted", ["slot", "meeting"])
def test_a_deleted_draft_slot_s_cancel_is_in_the_zone_its_presenter_s_page_showed(
    api, slot, deleted
):
    """Invited without a zone of their own, a presenter's page shows the office's (Sydney); the
    CANCEL of their slot deleted with its draft (or the whole draft) showed only the meeting's
    zone."""
    invite(api, slot, time_zone="")
    invitations_went()
    meeting_id = slot.meeting_id
    address = f"/api/v1/slots/{slot.id}" if deleted == "slot" else f"/api/v1/meetings/{meeting_id}"
    assert api.delete(address).status_code in (200, 204)
    cancel = outbox(recipient_email=PRESENTER)[-1]
    assert cancel.ics_method == "CANCEL"
    assert IN_SYDNEY in cancel.text_body and IN_SYDNEY in cancel.html_body


def test_a_replaced_presenter_whose_calendar_never_had_it_is_not_told_it_stays(api, slot):
    """helper-59: nothing had reached them (no mail server), they had answered on their page;
    "it stays in your calendar" was not true."""
    _contact("AU", "Alex", PRESENTER)
    invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    for message in outbox(recipient_email=PRESENTER):
        message.status = MessageStatus.not_sent
    db.session.commit()
    from planner.mail.messages import presenter_replaced

    presenter_replaced(slot, "Alex", PRESENTER, "Australia/Sydney", answered=True)
    db.session.commit()
    last = outbox(recipient_email=PRESENTER)[-1]
    assert last.subject == f"You no longer present: {TALK['title']}"
    assert "goes to your calendar" in last.text_body and "stays in" not in last.text_body


def _declined_as_contact(api, slot, presenter) -> OutboxMessage:
    _contact("AU", "Alex", PRESENTER)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."})
    kept = outbox(recipient_email=PRESENTER)[-1]
    assert kept.ics_method == "REQUEST"  # the office's copy
    for message in outbox():
        message.status = MessageStatus.sent
    db.session.commit()
    return kept


@pytest.mark.parametrize("then", ["cancelled", "given to JP"])
def test_a_declined_presenter_s_office_copy_goes_when_the_slot_does(api, slot, presenter, then):
    """helper-62: once the declined slot was cancelled (or given to another office) its status
    was no longer "declined", the declined invitation counted as its presenter again, and the
    office's copy they held was never taken out."""
    kept = _declined_as_contact(api, slot, presenter)
    if then == "cancelled":
        assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    else:
        assert api.patch(f"/api/v1/slots/{slot.id}", json={"office": "JP"}).status_code == 200
    last = outbox(recipient_email=PRESENTER)[-1]
    assert last.ics_method == "CANCEL"
    assert int(vevent(last)["SEQUENCE"]) > int(vevent(kept)["SEQUENCE"])


def test_a_declined_presenter_is_not_told_again_when_another_is_invited(api, slot, presenter):
    """helper-62: told "You declined…" and then "The co-leads have invited someone else…"."""
    _declined_as_contact(api, slot, presenter)
    before = len(outbox(recipient_email=PRESENTER))
    invite(api, slot, name="Bo Example", email="bo@ipaustralia.example")
    assert len(outbox(recipient_email=PRESENTER)) == before


def test_a_deleted_draft_slot_s_cancel_goes_above_invitations_sent_again(api, slot):
    """helper-62: invitations sent again climb one SEQUENCE each; the CANCEL of the deleted
    draft slot came from the slot's own count, below them, and was ignored."""
    for _ in range(3):
        invite(api, slot)
        for message in outbox():
            message.status = MessageStatus.sent
        db.session.commit()
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    *before, cancel = outbox(recipient_email=PRESENTER)
    assert cancel.ics_method == "CANCEL"
    assert int(vevent(cancel)["SEQUENCE"]) > max(int(vevent(m)["SEQUENCE"]) for m in before)


def test_a_slot_added_to_a_published_meeting_is_announced_and_only_then_cancelled(api, slot):
    """helper-52: a slot added after publication reached no contact, yet its deletion sent them
    a CANCEL of an event they never had. (Lee, unsubscribed from updates, never had it.)"""
    kim, lee = "kim@ipaustralia.example", "lee@ipa.example"
    _contact("AU", "Kim", kim)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    added = {**TALK, "title": "A late addition"}
    made = api.post(f"/api/v1/meetings/{slot.meeting_id}/slots", json=added)
    assert made.status_code == 201
    late = made.get_json()["id"]
    told = [m for m in outbox(recipient_email=kim) if m.slot_id == late]
    assert [m.subject for m in told] == ["On the agenda: A late addition"]
    unsubscribe(lee, "update")  # told of no slot: nothing of it in Lee's calendar
    _contact("AU", "Lee", lee)
    with _once_the_news_went():
        assert api.delete(f"/api/v1/slots/{late}").status_code in (200, 204)
    told = [m for m in outbox(recipient_email=kim) if m.slot_id == late]
    assert [m.ics_method for m in told] == ["REQUEST", "CANCEL"]
    assert outbox(recipient_email=lee) == []  # nothing of it in Lee's calendar to take out


def test_a_contact_added_changed_or_removed_after_publication_follows_the_office_s_slots(api, slot):
    """helper-55: a contact added after publication heard of the office's slots only when one
    changed; an address changed or removed kept its events for good. (Each first news of a slot
    no one is invited to yet waits its minute, `_once_the_news_went`, before the next step.)"""
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE
    from planner.offices.contacts import add_contact, remove_contact, update_contact

    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    office = db.session.get(Office, "AU")
    fields = {"name": "Kim", "role": "", "language": "en"}
    with time_machine.travel(utcnow(), tick=False) as clock:
        contact = add_contact(office, email="kim@ipaustralia.example", editor="co", **fields)
        db.session.commit()
        (told,) = outbox(recipient_email="kim@ipaustralia.example")
        assert told.subject == f"On the agenda: {TALK['title']}" and told.ics_method == "REQUEST"
        clock.shift(UPDATE_SETTLE + timedelta(seconds=1))
        update_contact(contact, email="kim.new@ipaustralia.example", editor="co", **fields)
        db.session.commit()
        (_, gone) = outbox(recipient_email="kim@ipaustralia.example")
        assert gone.ics_method == "CANCEL"
        assert int(vevent(gone)["SEQUENCE"]) > int(vevent(told)["SEQUENCE"])
        assert "no longer a contact of the office" in gone.text_body
        (moved,) = outbox(recipient_email="kim.new@ipaustralia.example")
        assert moved.subject == f"On the agenda: {TALK['title']}"
        clock.shift(UPDATE_SETTLE + timedelta(seconds=1))
        remove_contact(db.session.get(OfficeContact, contact.id))
        db.session.commit()
        assert [m.ics_method for m in outbox(recipient_email="kim.new@ipaustralia.example")] == [
            "REQUEST",
            "CANCEL",
        ]
        # A contact again: the REQUEST goes above the CANCEL their calendar holds (at the same
        # SEQUENCE a client would ignore it).
        add_contact(office, email="kim.new@ipaustralia.example", editor="co", **fields)
        db.session.commit()
        (_, cancel, again) = outbox(recipient_email="kim.new@ipaustralia.example")
        assert again.ics_method == "REQUEST" and again.subject == f"On the agenda: {TALK['title']}"
        assert int(vevent(again)["SEQUENCE"]) > int(vevent(cancel)["SEQUENCE"])
    # A contact of another office hears of that office's slot only.
    add_contact(db.session.get(Office, "JP"), email="jo@jpo.example", editor="co", **fields)
    db.session.commit()
    (jp,) = outbox(recipient_email="jo@jpo.example")
    assert jp.subject == "On the agenda: Blockchain for priority documents"
    # The same mailbox spelt in capitals is no new address: nothing to tell (helper-56).
    before = len(outbox())
    jo = db.session.scalar(select(OfficeContact).where(OfficeContact.email == "jo@jpo.example"))
    update_contact(jo, email="JO@jpo.example", editor="co", **fields)
    db.session.commit()
    assert len(outbox()) == before


def test_quick_changes_reach_the_presenter_as_one_message(api, slot, presenter):
    """helper-66: a co-lead moving a slot four times in a minute sent four "Changed" messages.
    A plain change waits a minute (UPDATE_SETTLE) for the next, which replaces it and says what
    it would have: every change named, and the time the presenter last knew. One message goes,
    its calendar entry at the latest SEQUENCE; a minute later the next change is news again."""
    from planner.db_types import utcnow
    from planner.mail.messages import UPDATE_SETTLE
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer

    server = SmtpServer().start()
    config = {**api.application.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    url = f"/api/v1/meetings/{slot.meeting_id}"
    try:
        assert publish_as_planned(api, slot.meeting_id).status_code == 200
        invite(api, slot)
        assert send_due(config, utcnow() + timedelta(seconds=1)).sent == 1
        for start in ("14:00", "14:30", "15:00"):
            moved = api.patch(url, json={"starts_at": f"2027-03-09T{start}:00+01:00"})
            assert moved.status_code == 200
        renamed = api.patch(f"/api/v1/slots/{slot.id}", json={"title": "AI search, revised"})
        assert renamed.status_code == 200
        updates = outbox(kind="update", recipient_email=PRESENTER)
        assert [m.status for m in updates] == ["superseded"] * 3 + ["queued"]
        waiting = updates[-1]
        assert waiting.subject == "Changed: AI search, revised (time and title)"
        # The time they were told in the invitation (13:10 in Geneva, 23:10 in Sydney).
        assert "It was:\nTuesday 9 March 2027, 23:10–23:30 Sydney" in waiting.text_body
        assert send_due(config, utcnow() + timedelta(seconds=1)).sent == 0  # still settling
        # The outbox says why it has not gone yet.
        listed = api.get("/outbox?kind=update").text
        assert "Waits for further changes until" in listed
        shown = html.unescape(api.get(f"/outbox/{waiting.id}").text)
        assert "for further changes to the slot, which it would then say too" in shown
        assert send_due(config, utcnow() + UPDATE_SETTLE + timedelta(seconds=1)).sent == 1
        # Moved and moved back, then renamed: the time is the one they know, not news.
        assert api.patch(url, json={"starts_at": "2027-03-09T13:00:00+01:00"}).status_code == 200
        assert api.patch(url, json={"starts_at": "2027-03-09T15:00:00+01:00"}).status_code == 200
        renamed = api.patch(f"/api/v1/slots/{slot.id}", json={"title": "AI search"})
        assert renamed.status_code == 200
        assert send_due(config, utcnow() + UPDATE_SETTLE + timedelta(seconds=1)).sent == 1
        db.session.commit()
    finally:
        server.stop()
    received = [m for m in server.messages() if m["To"].addresses[0].addr_spec == PRESENTER]
    subjects = [m["Subject"] for m in received]
    assert subjects[0].startswith("Invitation to present")
    assert subjects[1:] == [
        "Changed: AI search, revised (time and title)",
        "Changed: AI search (title)",
    ]
    last = received[-1].get_body(("plain",)).get_content()
    assert "It was:" not in last  # 15:10 again, as they were last told
    sequences = []
    for message in received:
        (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        body = part.get_content()
        body = body if isinstance(body, bytes) else body.encode("utf-8")
        sequences.append(read_everywhere(body)["events"][0]["sequence"])
    assert sequences == sorted(set(sequences))  # strictly rising: each entry replaces the last


def _delivered(email: str = PRESENTER) -> None:
    """What is queued to `email` went (as a sender would mark it)."""
    for message in outbox(recipient_email=email):
        if message.status == "queued":
            message.status = "sent"
    db.session.commit()


def test_a_settling_update_is_no_message_that_reached_a_replaced_presenter(api, slot):
    """helper-68: an update waiting its minute counted as on its way, so a presenter told
    nothing yet (their invitation still queued, taken by the sender's round as the title
    changed, then turned away by their server for now) was sent a CANCEL when replaced.
    (Renamed before the sender took it, the invitation is written again with the new title
    and nothing follows it: helper-348.)"""
    from planner.db_types import utcnow
    from planner.mail.sender import delay_after

    invite(api, slot)
    sender_took_invitations()
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Renamed"}).status_code == 200
    invitation = outbox(recipient_email=PRESENTER, kind="invitation")[0]
    invitation.attempts, invitation.last_error = 1, "451 4.7.1 Try again later"
    invitation.next_attempt_at = utcnow() + delay_after(1)
    db.session.commit()
    invite(api, slot, name="Sam Example", email=SAM)
    mine = [(m.kind, m.status) for m in outbox(recipient_email=PRESENTER)]
    assert mine == [("invitation", "superseded"), ("update", "superseded")]


def test_moved_and_moved_back_within_the_minute_is_no_news(api, slot):
    """helper-68: it left a "Changed" message naming no change."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    _delivered()
    url = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(url, json={"starts_at": "2027-03-09T14:00:00+01:00"}).status_code == 200
    assert api.patch(url, json={"starts_at": "2027-03-09T13:00:00+01:00"}).status_code == 200
    updates = outbox(kind="update", recipient_email=PRESENTER)
    assert [m.status for m in updates] == ["superseded"]


def test_a_deleted_draft_slot_takes_its_settling_update_along(api, slot):
    """helper-68: the update waited, then went before the cancellation, a minute late."""
    invite(api, slot)
    _delivered()
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Renamed"}).status_code == 200
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    mine = [(m.kind, m.status) for m in outbox(recipient_email=PRESENTER)]
    assert mine == [("invitation", "sent"), ("update", "superseded"), ("cancellation", "queued")]


def test_changes_every_fifty_seconds_still_reach_the_presenter_within_five_minutes(api, slot):
    """helper-68: each change put the waiting update off another minute, without end."""
    import time_machine

    from planner.db_types import utcnow
    from planner.mail.messages import SETTLE_AT_MOST
    from planner.mail.sender import send_due

    invite(api, slot)
    _delivered()
    config = {**api.application.config, "MAIL_SERVER": None}
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        for number in range(8):
            renamed = api.patch(f"/api/v1/slots/{slot.id}", json={"title": f"Title {number}"})
            assert renamed.status_code == 200
            clock.shift(50)
            if send_due(config, utcnow()).handled:  # "not sent" without a server: it was due
                break
        assert utcnow() - start <= SETTLE_AT_MOST + timedelta(seconds=50)
    updates = outbox(kind="update", recipient_email=PRESENTER)
    (gone,) = [m for m in updates if m.status == "not_sent"]
    assert gone.subject.startswith("Changed: Title ")


def test_a_contact_who_unsubscribes_while_an_update_waits_is_not_sent_it(app, api, slot):
    """helper-68: the update waiting its minute still went after the contact stopped updates
    with the link of an earlier one."""
    _contact("AU", "Kim Contact", "kim@ipaustralia.example")
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    _delivered("kim@ipaustralia.example")
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Renamed"}).status_code == 200
    (published, waiting) = outbox(recipient_email="kim@ipaustralia.example")
    assert waiting.status == "queued" and settles(waiting.basis)
    link = published.text_body.split("Stop these messages: ")[1].split()[0]
    anonymous = app.test_client(use_cookies=False)
    assert anonymous.post(link.removeprefix("http://localhost")).status_code == 200
    statuses = [m.status for m in outbox(recipient_email="kim@ipaustralia.example")]
    assert statuses == ["sent", "superseded"]


def test_the_outbox_shows_co_leads_no_private_link(api, client, slot, presenter):
    """A volunteer's link would let a co-lead act as the volunteer unseen; a presenter's, as the
    presenter. The outbox shows where they stand, as [hidden], in the text, the HTML part and
    the calendar (unfolded first: a link folded in two is found too); the message as sent
    keeps them."""
    proposal_link = _proposal(client, api)["link"]
    presenter_link = "http://localhost" + invite(api, slot)
    for message, link in (
        (outbox(kind="received")[0], proposal_link),
        (outbox(recipient_email=PRESENTER)[0], presenter_link),
    ):
        token = link.rstrip("/").rsplit("/", 1)[1]
        assert token in message.text_body  # as sent
        page = api.get(f"/outbox/{message.id}")
        assert page.status_code == 200
        shown = html.unescape(page.text)
        assert token not in shown and link.replace(token, "[hidden]") in shown
        part = api.get(f"/outbox/{message.id}/part.html")
        assert token not in part.text and "[hidden]" in part.text
        if message.ics:
            calendar = api.get(f"/outbox/{message.id}/invite.ics").data
            read_everywhere(calendar)
            assert str(Calendar.from_ical(calendar).walk("VEVENT")[0]["UID"]) == slot.uid


def test_a_private_link_folded_in_a_calendar_is_hidden_in_the_outbox(app):
    from icalendar import Event

    from planner.mail.views import _unshared_calendar

    token = "tzLhbUTcKP6Innk5Y6eq2zvMEohpwbE8sJk6hO5ABig"
    calendar, event = Calendar(), Event()
    calendar.add("prodid", "-//test//EN")
    calendar.add("version", "2.0")
    event.add("uid", "talk@example")
    event.add("description", f"Your page: https://planner.example/presenter/{token}/answer")
    calendar.add_component(event)
    sent = calendar.to_ical().decode()
    assert token not in sent  # folded in two, as sent
    shown = _unshared_calendar(sent)
    assert token.encode() not in shown.replace(b"\r\n ", b"")
    description = str(Calendar.from_ical(shown).walk("VEVENT")[0]["DESCRIPTION"])
    assert description == "Your page: https://planner.example/presenter/[hidden]/answer"


def test_a_link_revoked_while_an_update_settles_is_not_in_it(api, slot, presenter):
    """The update waiting its minute was written with the presenter's link; revoked meanwhile,
    it would have sent a link that opens nothing. It is written again, without the link, still
    saying what changed and the time they last knew, at the same moment."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    _delivered()
    url = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(url, json={"starts_at": "2027-03-09T14:00:00+01:00"}).status_code == 200
    (waiting,) = outbox(kind="update", recipient_email=PRESENTER)
    assert link in waiting.text_body and waiting.status == "queued"
    # Revoked 45 seconds into its minute: the update written again goes when it would have.
    with time_machine.travel(waiting.created_at + timedelta(seconds=45), tick=True):
        _revoke_link_then_check_the_rewrite(api, slot)


def _revoke_link_then_check_the_rewrite(api, slot):
    revoked = api.post(
        f"/slots/{slot.id}/invitation/revoke",
        data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
    )
    assert revoked.status_code == 302
    before, after = outbox(kind="update", recipient_email=PRESENTER)
    assert (before.status, after.status) == ("superseded", "queued")
    assert "/presenter/" not in after.text_body + after.html_body
    assert after.subject == before.subject == f"Changed: {slot.title} (time)"
    assert "It was:\nTuesday 9 March 2027, 23:10–23:30 Sydney" in after.text_body
    assert abs(after.next_attempt_at - before.next_attempt_at) <= timedelta(seconds=1)
    assert int(vevent(after)["SEQUENCE"]) >= int(vevent(before)["SEQUENCE"])
    assert str(vevent(after)["DTSTART"].dt) == str(vevent(before)["DTSTART"].dt)
    # Revoking with nothing waiting sends nothing.
    invite(api, slot)
    _delivered()
    count = len(outbox())
    revoked = api.post(
        f"/slots/{slot.id}/invitation/revoke",
        data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
    )
    assert revoked.status_code == 302 and len(outbox()) == count


def test_send_again_never_sends_what_a_newer_message_about_the_slot_replaced(api, slot, presenter):
    """No mail server yet: the invitation and every later message stay "not sent". Once the
    meeting is cancelled, "Send again" on the invitation would put a cancelled talk back in the
    presenter's calendar (helper-70): it is refused (409), its page names the newer message and
    offers no button; the newest, the cancellation, goes."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    for message in outbox():
        message.status = MessageStatus.not_sent
    db.session.commit()
    cancelled = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200
    mine = outbox(recipient_email=PRESENTER)
    invitation, cancellation = mine[0], mine[-1]
    assert (invitation.kind, cancellation.kind) == ("invitation", "cancellation")
    cancellation.status = MessageStatus.not_sent
    db.session.commit()
    page = api.get(f"/outbox/{invitation.id}").text
    shown = html.unescape(page)
    assert "A newer message about the same slot to this address was written since" in shown
    assert cancellation.subject in shown and "Send again" not in page
    token = csrf_token(api, f"/outbox/{cancellation.id}")
    refused = api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Not sent: a newer message about the same slot" in html.unescape(refused.text)
    db.session.expire_all()
    assert invitation.status == MessageStatus.not_sent
    sent = api.post(f"/outbox/{cancellation.id}/send", data={"csrf_token": token})
    assert sent.status_code == 302
    db.session.expire_all()
    assert cancellation.status == MessageStatus.queued


def test_an_update_settling_when_the_slot_goes_to_another_office_names_the_new_one(api, slot):
    """helper-70: the update waiting its minute went out naming the office the slot had left
    (its calendar entry too), while the feeds named the new one."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    _delivered()
    renamed = api.patch(f"/api/v1/slots/{slot.id}", json={"title": "AI search, revised"})
    assert renamed.status_code == 200
    (waiting,) = outbox(kind="update", recipient_email=PRESENTER)
    assert "IP Australia" in waiting.text_body
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"office": "PY"}).status_code == 200
    updates = outbox(kind="update", recipient_email=PRESENTER)
    assert [m.status for m in updates] == ["superseded", "queued"]
    now = updates[-1]
    assert now.subject == "Changed: AI search, revised (title)"
    presenting = [line for line in now.text_body.splitlines() if "DINAPI" in line]
    assert presenting and all("IP Australia" not in line for line in presenting)
    assert "DINAPI" in str(vevent(now)["DESCRIPTION"])
    assert now.next_attempt_at <= waiting.next_attempt_at + timedelta(seconds=1)


def test_a_reminder_of_a_cancelled_meeting_never_goes(api, slot, presenter):
    """helper-72: a queued reminder went before the cancellation; an unsent one could be sent
    again after it."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    assert confirm(presenter, link).status_code == 302
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    cancelled = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200
    (reminder,) = outbox(kind="reminder")
    assert reminder.status == MessageStatus.superseded
    # Unsent, and cancelled after: "Send again" refuses it.
    reminder.status = MessageStatus.not_sent
    db.session.commit()
    token = csrf_token(api, f"/outbox/{reminder.id}")
    again = api.post(f"/outbox/{reminder.id}/send", data={"csrf_token": token})
    assert again.status_code == 409


def test_an_unsent_invitation_still_goes_before_the_update_that_follows_it(api, slot):
    """helper-72: no mail server yet, the co-lead invites, then fixes the title while the
    sender's round holds the invitation. Once a server is configured, the invitation (with the
    link) is sent again: written again with the new title (helper-153), it says what the update
    did, which then no longer goes. (Renamed once the invitation was found not sent, nothing
    is written to them as its presenter: helper-237; renamed before the round took it, the
    invitation is written again and no update follows it: helper-348.)"""
    invite(api, slot)
    sender_took_invitations()
    renamed = api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Governance, revised"})
    assert renamed.status_code == 200
    invitation, update = outbox(recipient_email=PRESENTER)
    for message in (invitation, update):
        message.status = MessageStatus.not_sent
    db.session.commit()
    token = csrf_token(api, f"/outbox/{invitation.id}")
    assert api.post(f"/outbox/{update.id}/send", data={"csrf_token": token}).status_code == 409
    assert api.post(f"/outbox/{invitation.id}/send", data={"csrf_token": token}).status_code == 302
    *_, again = outbox(recipient_email=PRESENTER)
    assert again.subject == "Invitation to present: Governance, revised"
    assert api.post(f"/outbox/{update.id}/send", data={"csrf_token": token}).status_code == 409


def _send_again(api, message):
    token = csrf_token(api, f"/outbox/{message.id}")
    return api.post(f"/outbox/{message.id}/send", data={"csrf_token": token})


def test_an_unsent_invitation_to_a_deleted_slot_is_never_sent_again(api, slot):
    """helper-73: deleting a draft's slot leaves its messages naming no slot, so the check for
    a newer cancellation found none and "Send again" queued an invitation to a deleted talk."""
    invite(api, slot)
    for message in outbox():
        message.status = MessageStatus.not_sent
    db.session.commit()
    assert api.delete(f"/api/v1/slots/{slot.id}").status_code in (200, 204)
    (invitation,) = outbox(kind="invitation")
    assert invitation.slot_id is None and invitation.status == MessageStatus.superseded
    assert _send_again(api, invitation).status_code == 409
    assert outbox(kind="invitation")[0].status == MessageStatus.superseded


def test_a_decision_replaced_by_a_newer_one_is_never_sent_again(api, client, survey):
    """helper-73: accepted, then declined, with no mail server: "Send again" on the first would
    tell the volunteer their proposal was accepted."""
    sent = _proposal(client, api)
    url = f"/api/v1/proposals/{sent['id']}"
    accepted = api.patch(url, json={"status": "accepted", "reason": "Fits.", "version": 1})
    assert accepted.status_code == 200
    for message in outbox(kind="decision"):
        message.status = MessageStatus.not_sent
    db.session.commit()
    declined = {"status": "declined", "reason": "The agenda is full.", "version": 2}
    assert api.patch(url, json=declined).status_code == 200
    first, second = outbox(kind="decision")
    assert (first.status, second.status) == (MessageStatus.superseded, MessageStatus.queued)
    assert first.proposal_id == second.proposal_id == sent["id"]
    assert _send_again(api, first).status_code == 409


def test_the_message_with_a_replaced_volunteer_link_is_never_sent_again(api, client, survey):
    """helper-73: after "Make a new link", "Send again" sent the volunteer the old, dead one."""
    sent = _proposal(client, api)
    (received,) = outbox(kind="received")
    received.status = MessageStatus.not_sent
    db.session.commit()
    remade = api.post(
        f"/proposals/{sent['id']}/link",
        data={**hidden_fields(api, f"/proposals/{sent['id']}/link"), "action": "reissue"},
    )
    assert remade.status_code in (200, 302), remade.text[:500]
    (received,) = outbox(kind="received")
    assert received.status == MessageStatus.superseded
    assert _send_again(api, received).status_code == 409


def test_a_status_back_at_the_one_told_is_no_news_in_the_update_that_replaces_it(
    api, slot, presenter
):
    """helper-99: the presenter confirmed again (an update settling its minute for the office's
    contact: "status"), then the meeting moved, which asked them again: the contact was sent
    "(status and time)" with the same "invited" status they had been told before."""
    kim = "kim@ipaustralia.example"
    db.session.add(
        OfficeContact(office_code="AU", name="Kim", email=kim, language="en", source="test")
    )
    db.session.commit()
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    _delivered(kim)  # told: confirmed
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    assert api.patch(meeting, json={"starts_at": "2027-03-10T13:00:00+01:00"}).status_code == 200
    assert outbox(recipient_email=kim)[-1].subject.endswith("(status and time)")  # invited
    _delivered(kim)
    assert confirm(presenter, link).status_code == 302
    (told,) = [m for m in outbox(recipient_email=kim) if m.status == "queued"]
    assert told.subject == f"Changed: {TALK['title']} (status)"  # settling its minute
    assert api.patch(meeting, json={"starts_at": "2027-03-11T13:00:00+01:00"}).status_code == 200
    (now,) = [m for m in outbox(recipient_email=kim) if m.status == "queued"]
    assert now.subject == f"Changed: {TALK['title']} (time)"
    assert "It was:" in now.text_body and "10 March 2027" in now.text_body.split("It was:")[1]


def test_a_contact_invited_to_present_a_slot_just_added_gets_the_invitation_alone(api, slot):
    """A newcomer's run: a co-lead scheduled an accepted talk into a published meeting, then
    invited its volunteer, an office contact. Within fifteen seconds she had the news that it
    was on the agenda, "no one has been invited to present it yet", then the invitation. That
    first news waits its minute now: the invitation to her says it all; one to someone else
    replaces it with the news that a presenter is invited; a slot deleted before it went leaves
    her nothing to hear of, and nothing to take out of her calendar."""
    maria, kim = "maria@ipaustralia.example", "kim@ipaustralia.example"
    _contact("AU", "María", maria)
    _contact("AU", "Kim", kim)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    with _once_the_news_went():
        for title in ("Invited at once", "Given to someone else", "Taken out again"):
            made = api.post(
                f"/api/v1/meetings/{slot.meeting_id}/slots", json={**TALK, "title": title}
            )
            assert made.status_code == 201
        added = {
            s.title: s
            for s in db.session.scalars(select(Slot))
            if s.title in ("Invited at once", "Given to someone else", "Taken out again")
        }
        invite(api, added["Invited at once"], name="María", email=maria)
        invite(api, added["Given to someone else"])  # Alex, no contact
        assert api.delete(f"/api/v1/slots/{added['Taken out again'].id}").status_code in (200, 204)

        def going(email, title):
            return [
                m
                for m in outbox(recipient_email=email)
                if m.slot_id == added[title].id and m.status == MessageStatus.queued
            ]

        def said(messages):
            return [(m.kind, m.subject.split(":")[0]) for m in messages]

        assert said(going(maria, "Invited at once")) == [("invitation", "Invitation to present")]
        assert said(going(kim, "Invited at once")) == [("update", "On the agenda")]
        for email in (maria, kim):
            (told,) = going(email, "Given to someone else")
            assert said([told]) == [("update", "On the agenda")]
            assert "invited" in told.text_body and "no presenter invited yet" not in told.text_body
            assert going(email, "Taken out again") == []


def test_a_contact_s_first_news_moved_within_its_minute_names_no_time_they_were_never_sent(
    api, slot
):
    """helper-151: a slot no one is invited to yet, published; its office's contact's first news
    waits its minute, and the meeting moved within it. The news that replaced it was still the
    first ("On the agenda"), with "It was:" the time it had then, which never reached them."""
    kim = "kim@ipaustralia.example"
    _contact("AU", "Kim", kim)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    (first,) = [m for m in outbox(recipient_email=kim) if m.status == MessageStatus.queued]
    assert first.subject == f"On the agenda: {TALK['title']}" and "It was:" not in first.text_body
    moved = api.patch(
        f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": "2027-03-16T13:00:00+01:00"}
    )
    assert moved.status_code == 200, moved.get_json()
    (told,) = [m for m in outbox(recipient_email=kim) if m.status == MessageStatus.queued]
    assert told.subject == f"On the agenda: {TALK['title']}"
    for body in (told.text_body, html.unescape(told.html_body)):
        assert "It was" not in body and "9 March 2027" not in body
        assert "Tuesday 16 March 2027" in body
    assert vevent(told)["DTSTART"].dt.date().isoformat() == "2027-03-16"


def test_a_confirmation_s_news_moved_within_its_minute_never_goes_with_the_old_time(
    api, slot, presenter
):
    """helper-150: the presenter confirmed, a co-lead moved the slot eight seconds later, and
    "Confirmed", with the old time and a calendar entry marking it accepted, went out before
    "New time, please confirm". The news of a confirmation waits its minute as a change does:
    the move replaces it, and only the question goes."""
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    (told,) = [m for m in outbox(recipient_email=PRESENTER) if m.subject.startswith("Confirmed")]
    assert told.status == MessageStatus.queued and told.next_attempt_at > told.created_at
    moved = api.patch(
        f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": "2027-03-16T13:00:00+01:00"}
    )
    assert moved.status_code == 200, moved.get_json()
    db.session.refresh(told)
    assert told.status == MessageStatus.superseded
    going = outbox(recipient_email=PRESENTER)[-1]
    assert (
        going.status == MessageStatus.queued
        and going.subject == f"New time, please confirm: {TALK['title']}"
    )
    assert "Tuesday 16 March 2027" in going.text_body
    assert vevent(going)["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"


def test_a_confirmation_s_news_moved_and_moved_back_within_its_minute_still_goes(
    api, slot, presenter
):
    """helper-218: the presenter confirmed; within the minute its news waits, a co-lead moved
    the slot (the news replaced by "New time, please confirm") and moved it back (the question
    withdrawn: they were never asked). The confirmation's news was lost with the question:
    their calendar kept the slot tentative, awaiting their answer, while every feed showed it
    confirmed. Its news still goes, at the time they confirmed, accepted."""
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    (confirmed,) = [m for m in outbox(recipient_email=PRESENTER) if m.subject.startswith("Conf")]
    meeting = f"/api/v1/meetings/{slot.meeting_id}"
    start = api.get(meeting).get_json()["starts_at"]
    moved = api.patch(meeting, json={"starts_at": "2027-03-16T13:00:00+01:00"})
    assert moved.status_code == 200, moved.get_json()
    back = api.patch(meeting, json={"starts_at": start})
    assert back.status_code == 200, back.get_json()
    db.session.refresh(slot)
    assert slot.status == "confirmed"
    going = [m for m in outbox(recipient_email=PRESENTER) if m.status == MessageStatus.queued]
    (told,) = [m for m in going if m.kind == "update" and m.id > confirmed.id]
    assert told.subject == f"Confirmed: {TALK['title']}"
    assert "9 March 2027" in told.text_body and "16 March" not in told.text_body
    event = vevent(told)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
    feed = read_everywhere(api.get("/feeds/taskforce-talks.ics").data)
    (shown,) = [e for e in feed["events"] if e["uid"] == slot.uid]
    assert int(event["SEQUENCE"]) == shown["sequence"]


def test_a_contact_told_of_a_declined_talk_reads_that_its_presenter_declined(api, slot, presenter):
    """helper-155: published with its presenter's decline, a talk reached its office's contact
    as "On the agenda … Status: declined", while their feed and the agenda said it is to be
    confirmed: they read now who declined, and that no one else is invited yet."""
    kim = "kim@ipaustralia.example"
    _contact("AU", "Kim", kim)
    link = invite(api, slot)
    declined = {"answer": "declined", "note": "Our expert is away that week."}
    assert presenter.post(link + "/answer", data=declined).status_code == 302
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    (told,) = outbox(recipient_email=kim)
    assert told.subject == f"On the agenda: {TALK['title']}"
    said = "Status: its presenter declined; no one else is invited yet"
    assert said in told.text_body and said in html.unescape(told.html_body)
    assert vevent(told)["STATUS"] == "TENTATIVE"


@pytest.mark.parametrize("confirmed", [False, True], ids=["invited", "confirmed"])
def test_a_presenter_s_decline_reaches_the_office_s_contacts_once_in_their_language(
    app, api, slot, presenter, colead, confirmed
):
    """helper-201: a presenter invited to a published talk declined; the co-leads heard of it,
    but the office's contacts, who are the ones to find someone else, heard nothing (invited:
    their calendar shows it tentative either way), or "Changed (status)" (confirmed). Each
    subscribed contact is told once, in their language, with a REQUEST at their feed's
    SEQUENCE; not the reason, which is the co-leads'; nothing to an address that unsubscribed;
    a co-lead who is also a contact hears of it once, as a co-lead."""
    from planner.calendar.operations import office_feed_token
    from planner.mail.sender import send_due
    from tests.mail.smtp_server import SmtpServer
    from tests.support import COLEAD_EMAIL

    kim, lee = "kim@ipaustralia.example", "lee@ipaustralia.example"
    for name, email, language in (
        ("Kim", kim, "es"),
        ("Lee", lee, "fr"),
        ("Co", COLEAD_EMAIL, "en"),
    ):
        db.session.add(
            OfficeContact(office_code="AU", name=name, email=email, language=language, source="t")
        )
    db.session.commit()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    if confirmed:
        assert confirm(presenter, link).status_code == 302
    unsubscribe(lee, "update")
    db.session.commit()
    before = {m.id for m in outbox()}
    reason = {"answer": "declined", "note": "Our expert is away that week."}
    assert presenter.post(link + "/answer", data=reason).status_code == 302
    assert presenter.post(link + "/answer", data=reason).status_code == 302  # sent twice
    news = [m for m in outbox() if m.id not in before]
    assert sorted((m.recipient_email, m.kind) for m in news) == [
        (PRESENTER, "cancellation"),
        (COLEAD_EMAIL, "answer"),
        (kim, "update"),
    ]
    (told,) = [m for m in news if m.recipient_email == kim]
    assert told.language == "es" and told.subject == f"La persona invitada declinó: {TALK['title']}"
    said = "La persona invitada a dar esta presentación de su oficina la ha declinado."
    for body in (told.text_body, html.unescape(told.html_body)):
        assert said in body and "Los codirectores buscarán a otra persona" in body
        assert "aún no se ha invitado a nadie más" in body
        assert reason["note"] not in body and "/presenter/" not in body
    assert told.unsubscribe_kind == "update"  # optional: a contact's news
    event = vevent(told)
    token = office_feed_token(db.session.get(Office, "AU"), app.config["SECRET_KEY"])
    feed = read_everywhere(presenter.get(f"/feeds/offices/AU.ics?token={token}").data)
    (shown,) = [e for e in feed["events"] if e["uid"] == slot.uid]
    assert str(event["UID"]) == slot.uid and int(event["SEQUENCE"]) == shown["sequence"]
    assert str(event["STATUS"]) == "TENTATIVE" and told.ics_method == "REQUEST"
    # As a real SMTP server on loopback reads it, its calendar part as the three readers do.
    server = SmtpServer().start()
    try:
        config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
        send_due(config, told.next_attempt_at + timedelta(seconds=1))
        db.session.commit()
    finally:
        server.stop()
    (delivered,) = [m for m in server.messages() if m["Message-ID"] == told.message_id]
    assert delivered["Subject"] == told.subject and delivered["Content-Language"] == "es"
    (part,) = [p for p in delivered.walk() if p.get_content_type() == "text/calendar"]
    body = part.get_content()
    seen = read_everywhere(body if isinstance(body, bytes) else body.encode("utf-8"))
    assert seen["events"][0]["uid"] == slot.uid


@pytest.mark.parametrize("between", ["nothing", "lengthened", "set back to proposed"])
def test_contacts_told_of_a_decline_hear_that_someone_else_is_invited(
    api, slot, presenter, between
):
    """helper-236: told "Presenter declined … if someone at your office could give it, please
    tell them", the office's contacts heard nothing once the co-leads invited someone else (their
    calendars show the talk tentative either way), and went on looking. They are told its
    status: someone is invited; also after a change of the talk told meanwhile, or a co-lead's
    setting it back to proposed. Not one who stopped updates."""
    kim, lee, max_ = "kim@ipaustralia.example", "lee@ipaustralia.example", "max@ipaustralia.example"
    for name, email in (("Kim", kim), ("Lee", lee)):
        _contact("AU", name, email)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    _delivered(kim)
    _delivered(lee)
    unsubscribe(lee, "update")
    db.session.commit()
    assert (
        presenter.post(link + "/answer", data={"answer": "declined", "note": "Away."}).status_code
        == 302
    )
    (declined,) = [m for m in outbox(recipient_email=kim) if m.status == "queued"]
    assert declined.subject.startswith("Presenter declined")
    _delivered(kim)
    _contact("AU", "Max", max_)  # joins now: "On the agenda", the decline in its status
    _delivered(max_)
    if between != "nothing":
        change = {"duration_minutes": 25} if between == "lengthened" else {"status": "proposed"}
        assert api.patch(f"/api/v1/slots/{slot.id}", json=change).status_code == 200
        _delivered(kim)
        _delivered(max_)
    before = {m.id for m in outbox()}
    invite(api, slot, name="Sam Other", email="sam@ipaustralia.example")
    news = [m for m in outbox() if m.id not in before]
    told = [m for m in news if m.recipient_email in (kim, lee, max_)]
    assert sorted(m.recipient_email for m in told) == [kim, max_]
    for message in told:
        assert message.subject == f"Changed: {TALK['title']} (status)"
        assert "Status: its presenter is invited and has not confirmed yet" in message.text_body
        assert "Sam" not in message.text_body and "/presenter/" not in message.text_body
        event = vevent(message)
        assert str(event["STATUS"]) == "TENTATIVE" and message.ics_method == "REQUEST"
        assert int(event["SEQUENCE"]) > int(vevent(declined)["SEQUENCE"])


def test_a_decline_not_out_yet_is_no_news_once_someone_else_is_invited(api, slot, presenter):
    """The contact's news of the decline still waiting (their server away) when someone else
    is invited: it never goes (`outbox.declined_no_longer`), and nothing is written in its
    place: they never heard of the decline."""
    from planner.mail.outbox import declined_no_longer

    kim = "kim@ipaustralia.example"
    _contact("AU", "Kim", kim)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    link = invite(api, slot)
    _delivered(kim)
    declined = {"answer": "declined", "note": "Away."}
    assert presenter.post(link + "/answer", data=declined).status_code == 302
    (waiting,) = [m for m in outbox(recipient_email=kim) if m.status == "queued"]
    invite(api, slot, name="Sam Other", email="sam@ipaustralia.example")
    assert [m.id for m in outbox(recipient_email=kim) if m.status == "queued"] == [waiting.id]
    assert "no longer holds" in declined_no_longer(waiting, db.session.get(Slot, slot.id))


def test_a_decline_in_a_draft_reaches_no_contact(api, slot, presenter):
    """Contacts hear nothing of drafts: the decline is the co-leads' to plan around."""
    _contact("AU", "Kim", "kim@ipaustralia.example")
    link = invite(api, slot)
    declined = {"answer": "declined", "note": "Away."}
    assert presenter.post(link + "/answer", data=declined).status_code == 302
    assert outbox(recipient_email="kim@ipaustralia.example") == []


def test_every_change_that_raises_an_events_sequence_is_named_in_the_update():
    """A change of a field that raises a slot's or a meeting's SEQUENCE sends an update, which
    names what changed: a field added to one list and not the other would send an update that
    says nothing of it, or name a change no calendar was sent."""
    from planner.agenda.operations import SIGNIFICANT_MEETING, SIGNIFICANT_SLOT
    from planner.mail.messages.changes import _MEETING_FIELDS, _SLOT_FIELDS

    assert set(_SLOT_FIELDS) == set(SIGNIFICANT_SLOT)
    # A meeting's start and length move its slots, whose own updates say so.
    assert set(_MEETING_FIELDS) == set(SIGNIFICANT_MEETING) - {"starts_at", "duration_minutes"}


@pytest.mark.parametrize(
    ("email", "subject", "said", "unsaid"),
    [
        # helper-309: the same name at another address, their address corrected.
        (
            "alex.example@ipaustralia.example",
            "Address corrected",
            "have corrected the address of this presentation's presenter",
            ("someone else", "alex.example@"),
        ),
        # helper-323: the same name with no address, the link handed over in person.
        (
            "",
            "Link replaced",
            "with a new link that is not sent by email",
            ("corrected", "another address"),
        ),
    ],
)
def test_a_presenter_s_old_address_that_is_a_contact_is_told_what_became_of_it(
    api, slot, email, subject, said, unsaid
):
    """The old address of a presenter invited again under the same name, itself a contact of
    the office, keeps the office's copy of the talk: its message says what happened (their
    address corrected, or a new link not sent by email), not "You no longer present … invited
    someone else", and names no other address."""
    _contact("AU", "Alex Example", PRESENTER)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    for message in outbox():
        message.status = MessageStatus.sent
    db.session.commit()
    invite(api, slot, email=email)
    kept = outbox(recipient_email=PRESENTER)[-1]
    assert kept.kind == "update" and kept.ics_method == "REQUEST"
    assert kept.subject == f"{subject}: {slot.title}"
    for body in (kept.text_body, html.unescape(kept.html_body)):
        assert said in " ".join(body.split())
        assert not any(words in body for words in unsaid), body


def test_someone_else_invited_at_the_same_address_is_sent_one_invitation_that_replaces_the_entry(
    api, slot, presenter
):
    """helper-326: Rosa Quispe, invited at her office's shared mailbox, confirmed; the co-leads
    invite Ben Other at the same one. He is another person (the history, his hours, her old link
    say so), yet a "You no longer present" to that mailbox first would be noise: its CANCEL
    would take the entry out of that calendar for his REQUEST to put back (and a client that
    reads them out of order would drop his), where one invitation says who presents now. It
    replaces her entry: the same UID, a SEQUENCE above hers, the attendee him, asked to
    answer."""
    publish_as_planned(api, slot.meeting_id)
    link = invite(api, slot, name="Rosa Quispe")
    confirm(presenter, link)
    held = [vevent(m) for m in outbox(recipient_email=PRESENTER)]
    for message in outbox():
        message.status = MessageStatus.sent
    db.session.commit()
    before = len(outbox(recipient_email=PRESENTER))
    invite(api, slot, name="Ben Other")
    (new,) = outbox(recipient_email=PRESENTER)[before:]
    assert new.kind == "invitation" and new.ics_method == "REQUEST"
    assert new.recipient_name == "Ben Other" and "Rosa" not in new.text_body
    event = vevent(new)
    assert str(event["UID"]) == str(held[0]["UID"])
    assert int(event["SEQUENCE"]) > max(int(e["SEQUENCE"]) for e in held)
    assert event["ATTENDEE"].params["CN"] == "Ben Other"
    assert event["ATTENDEE"].params["PARTSTAT"] == "NEEDS-ACTION"
