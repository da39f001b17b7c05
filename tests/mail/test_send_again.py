"""A co-lead's "Send again" of a message about a slot sends what holds now: an invitation that
found no mail server, sent again after the meeting moved, is written again with the new time,
the published status and the SEQUENCE the presenter's calendar needs (helper-151: it went with
the old time at SEQUENCE 1, saying the agenda was still a draft); one whose link was revoked
or renewed, an update a newer one replaced, or a reminder of a slot that moved, does not go,
and the page says why and what to do."""

import html
import re
from datetime import timedelta

import pytest
import time_machine
from icalendar import Calendar
from sqlalchemy import update

from planner.agenda.models import Slot
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import enqueue_reminders
from planner.mail.models import MessageStatus, OutboxMessage
from planner.mail.sender import Counts, delay_after, deliver_leased
from tests.calendar.readers import read_everywhere
from tests.mail.test_messages import PRESENTER, outbox, sender_took_invitations
from tests.presenters.support import confirm, invite
from tests.support import csrf_token, hidden_fields, publish_as_planned, sign_in

# The talk (the workshop's second slot, 13:10–13:30 in Zurich) once the workshop moves a week.
MOVED = "2027-03-16T13:00:00+01:00"
MOVED_START = "2027-03-16T12:10:00.000Z"
MOVED_SYDNEY = "Tuesday 16 March 2027, 23:10–23:30 Sydney (UTC+11)"
MOVED_ZURICH = "Tuesday 16 March 2027, 13:10–13:30 Geneva (UTC+1)"


def no_mail_server() -> None:
    """The sender ran without MAIL_SERVER: whatever was due is marked not sent."""
    for message in outbox(status=MessageStatus.queued):
        message.status = MessageStatus.not_sent
    db.session.commit()


def later(minutes: int):
    """Past the minute an update waits for further changes."""
    return time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=True)


def send_again(api, message: OutboxMessage):
    token = csrf_token(api, f"/outbox/{message.id}")
    return api.post(f"/outbox/{message.id}/send", data={"csrf_token": token})


def event_of(message: OutboxMessage) -> dict:
    """The message's one event as ical.js reads it, once all three readers agreed on it."""
    parsed = read_everywhere(message.ics.encode())
    assert str(Calendar.from_ical(message.ics)["METHOD"]) == message.ics_method
    (event,) = parsed["events"]
    return event


def feed_event(api, uid: str) -> dict:
    feed = read_everywhere(api.get("/feeds/taskforce-talks.ics").data)
    return next(e for e in feed["events"] if e["uid"] == uid)


def feed_sequence(api, uid: str) -> int:
    return feed_event(api, uid)["sequence"]


def moved_after_publishing(api, slot) -> tuple[OutboxMessage, OutboxMessage]:
    """Published, then invited with no mail server, then the workshop moved a week while the
    sender's round held the invitation: (the invitation, the update of the move), both not
    sent. (Moved after the invitation was found not sent, nothing is written to them as its
    presenter: helper-237. Published, or moved, before the round took it, the invitation is
    written again as the slot then is, and nothing follows it: helper-340, helper-348.)"""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    sender_took_invitations()
    with later(5):
        moved = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": MOVED})
        assert moved.status_code == 200
    no_mail_server()
    invitation, *_, update = outbox(recipient_email=PRESENTER)
    assert (invitation.kind, update.kind) == ("invitation", "update")
    return invitation, update


def test_an_invitation_sent_again_after_the_meeting_moved_says_the_slot_as_it_is_now(api, slot):
    invitation, update = moved_after_publishing(api, slot)
    no_mail_server()
    assert "DTSTART:20270309T121000Z" in invitation.ics
    with later(10):
        sent = send_again(api, invitation)
        page = html.unescape(api.get(sent.headers["Location"]).text)
        assert sent.status_code == 302
        old, *_, new = outbox(recipient_email=PRESENTER)
        assert sent.headers["Location"] == f"/outbox/{new.id}"
        assert (old.status, new.kind, new.status) == ("superseded", "invitation", "queued")
        # What the presenter's calendar reads: the new time, at the feed's SEQUENCE (4), not 1.
        event = event_of(new)
        assert event["uid"] == slot.uid and event["start"] == MOVED_START
        assert event["sequence"] == feed_sequence(api, slot.uid) == 4
        assert event["status"] == feed_event(api, slot.uid)["status"]
        assert MOVED_SYDNEY in new.text_body and MOVED_ZURICH in new.text_body
        assert "9 March" not in new.text_body
        assert "The agenda is still a draft" not in new.text_body
        link = re.search(r"http://localhost(/presenter/\S+)", new.text_body)[1]
        assert api.get(link).status_code == 200
        # The update of the move says nothing more: it never goes, and the page says why.
        assert outbox(id=update.id)[0].status == MessageStatus.superseded
        assert "Rewritten with the slot as it is now" in page
        assert f"the one you opened (message {invitation.id})" in page
        shown = html.unescape(api.get(f"/outbox/{invitation.id}").text)
        assert (
            f"A co-lead sent it again: it was written again as its slot then was, as "
            f"message {new.id}, “{new.subject}”." in shown
        )
        refused = send_again_refused(api, update)
        assert "says what holds now" in refused


def test_an_invitation_sent_again_with_nothing_changed_is_not_said_to_have_been_wrong(api, slot):
    """An invitation goes as the slot is when it is sent, so "Send again" writes it again even
    when nothing about the slot changed (a mail server that refused it at once): the page then
    says the one opened said the same, not that it said what no longer holds (helper-218)."""
    invite(api, slot)
    no_mail_server()
    (invitation,) = outbox(recipient_email=PRESENTER)
    sent = send_again(api, invitation)
    assert sent.status_code == 302
    page = html.unescape(api.get(sent.headers["Location"]).text)
    old, new = outbox(recipient_email=PRESENTER)
    assert (old.status, new.status) == ("superseded", "queued")
    assert (new.subject, new.text_body) == (old.subject, old.text_body)
    assert "Rewritten with the slot as it is now" in page
    assert f"the one you opened (message {old.id}) said the same" in page
    assert "said what no longer holds" not in page


def send_again_refused(api, message: OutboxMessage) -> str:
    """ "Send again" refused (409): what the page said."""
    token = csrf_token(api, "/outbox")
    answer = api.post(f"/outbox/{message.id}/send", data={"csrf_token": token})
    assert answer.status_code == 409, answer.status_code
    return html.unescape(answer.text)


def test_an_invitation_sent_again_after_an_update_went_is_above_it(api, slot):
    """The move's update reached them (a server was configured since): the invitation sent
    again comes above its SEQUENCE, or their calendar would ignore it."""
    invitation, update = moved_after_publishing(api, slot)
    update.status = MessageStatus.sent
    db.session.commit()
    with later(10):
        assert send_again(api, invitation).status_code == 302
    new = outbox(recipient_email=PRESENTER)[-1]
    event = event_of(new)
    assert event["start"] == MOVED_START
    assert event["sequence"] == event_of(update)["sequence"] + 1 == 5
    assert MOVED_SYDNEY in new.text_body


def test_an_update_queued_after_the_invitation_does_not_go_before_the_one_sent_again(api, slot):
    """The move's update waits in the queue (its minute for further changes was not over when
    the sender's round found the invitation not sent; the round had taken it when the co-lead
    moved the workshop): the invitation written again says the move, and the update would
    reach them before it."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    invite(api, slot)
    round_ = sender_took_invitations()
    moved = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": MOVED})
    assert moved.status_code == 200
    counts = Counts()
    deliver_leased(round_, {**api.application.config, "MAIL_SERVER": None}, utcnow(), counts)
    assert counts.not_sent == 1
    invitation, *_, update = outbox(recipient_email=PRESENTER)
    assert (invitation.status, update.kind) == (MessageStatus.not_sent, "update")
    assert update.status == MessageStatus.queued
    with later(10):
        assert send_again(api, invitation).status_code == 302
    statuses = [(m.kind, m.status) for m in outbox(recipient_email=PRESENTER)]
    assert statuses[-2:] == [("update", "superseded"), ("invitation", "queued")]


@pytest.mark.parametrize("due", [-timedelta(seconds=1), delay_after(1)], ids=["due", "later"])
def test_an_update_retrying_after_a_temporary_failure_does_not_go_before_the_one_sent_again(
    api, slot, due
):
    """The move's update failed once (the server said 451, try later) and is to be tried again,
    due now or in a minute as the sender leaves it (helper-159): the invitation written again
    says the move, and the update would reach them first."""
    invitation, update = moved_after_publishing(api, slot)
    with later(10):
        update.attempts, update.last_error = 1, "451 4.7.1 Try again later"
        update.next_attempt_at = utcnow() + due
        db.session.commit()
        assert send_again(api, invitation).status_code == 302
    statuses = [(m.kind, m.status) for m in outbox(recipient_email=PRESENTER)]
    assert statuses[-2:] == [("update", "superseded"), ("invitation", "queued")]


def test_an_invitation_whose_link_was_revoked_is_not_sent_again(api, slot):
    invite(api, slot)
    no_mail_server()
    revoked = api.post(
        f"/slots/{slot.id}/invitation/revoke",
        data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
    )
    assert revoked.status_code == 302
    (invitation,) = outbox(kind="invitation")
    assert invitation.status == MessageStatus.superseded
    page = html.unescape(api.get(f"/outbox/{invitation.id}").text)
    assert "was given a new link, or their link was revoked" in page
    assert "“Invite again” on the meeting's editor" in page
    assert "Send again" not in page
    refused = send_again_refused(api, invitation)
    assert "the link in it no longer opens their page" in refused
    assert [m.status for m in outbox()] == [MessageStatus.superseded]


def test_an_invitation_sent_again_after_the_presenter_was_invited_again_does_not_go(api, slot):
    """Invited again (a new link): the old invitation carries a link that no longer opens."""
    invite(api, slot)
    no_mail_server()
    invite(api, slot)
    old, new = outbox(kind="invitation")
    assert (old.status, new.status) == ("superseded", "queued")
    refused = send_again_refused(api, old)
    assert "was given a new link" in refused and "that invitation is in the outbox" in refused


def test_an_update_whose_link_was_revoked_is_written_again_without_it(api, slot, presenter):
    """The move's update to a presenter who had confirmed found no mail server, and their link
    was revoked since: sent again, it is written again without the dead link, at the time and
    SEQUENCE the slot has now, and goes at once (not after a minute's wait for changes)."""
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    for message in outbox(status=MessageStatus.queued):
        message.status = MessageStatus.sent
    db.session.commit()
    with later(5):
        moved = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": MOVED})
        assert moved.status_code == 200
    update = outbox(recipient_email=PRESENTER)[-1]
    assert update.kind == "update" and link in update.text_body
    no_mail_server()
    revoked = api.post(
        f"/slots/{slot.id}/invitation/revoke",
        data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
    )
    assert revoked.status_code == 302
    with later(10):
        sent = send_again(api, update)
        page = html.unescape(api.get(sent.headers["Location"]).text)
    assert sent.status_code == 302
    assert "without the presenter's link, which was revoked" in page
    assert "calendar SEQUENCE and the presenter's link" not in page
    new = outbox(recipient_email=PRESENTER)[-1]
    assert new.id != update.id and sent.headers["Location"] == f"/outbox/{new.id}"
    assert (outbox(id=update.id)[0].status, new.kind, new.status) == (
        "superseded",
        "update",
        "queued",
    )
    assert new.next_attempt_at <= utcnow() + timedelta(minutes=10)
    assert "/presenter/" not in new.text_body
    assert MOVED_SYDNEY in new.text_body
    event = event_of(new)
    assert event["start"] == MOVED_START
    assert event["sequence"] == feed_sequence(api, slot.uid)


def all_sent() -> None:
    for message in outbox(status=MessageStatus.queued):
        message.status = MessageStatus.sent
    db.session.commit()


def lengthened(api, slot) -> None:
    """The workshop made longer: its SEQUENCE rises, and its presenter is sent nothing (their
    talk keeps its time), so an update not sent falls behind."""
    answer = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"duration_minutes": 150})
    assert answer.status_code == 200


def test_a_published_update_sent_again_after_it_fell_behind_still_says_it_is_published(api, slot):
    """Its invitation went; the news of the publishing found no mail server, and a change
    since raised the SEQUENCE without a message: written again, it says what it said (the
    meeting is published), not "Changed" naming no change."""
    invite(api, slot)
    all_sent()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    no_mail_server()
    published = outbox(recipient_email=PRESENTER)[-1]
    assert published.subject.startswith("Published: ")
    with later(5):
        lengthened(api, slot)
    assert outbox(recipient_email=PRESENTER)[-1].id == published.id
    with later(10):
        sent = send_again(api, published)
    assert sent.status_code == 302
    new = outbox(recipient_email=PRESENTER)[-1]
    assert new.id != published.id and sent.headers["Location"] == f"/outbox/{new.id}"
    assert (new.kind, new.status, new.subject) == ("update", "queued", published.subject)
    assert "a meeting the co-leads have now published" in new.text_body
    assert "has changed" not in new.text_body
    assert event_of(new)["sequence"] == feed_sequence(api, slot.uid)


def test_an_update_that_keeps_what_it_said_is_not_taken_for_one_still_settling(api, slot):
    """Every update keeps what it said, for "Send again"; only one written to wait its minute
    is one a later change replaces. The news of the publishing is due at once: a rename within
    its minute is news of its own, and once a sender has taken it (due LEASE later), a link
    revoked meanwhile rewrites nothing (it is on its way)."""
    from planner.mail.messages.waiting import settling_update
    from planner.mail.sender import claim

    invite(api, slot)
    all_sent()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    published = outbox(recipient_email=PRESENTER)[-1]
    assert published.subject.startswith("Published: ") and published.basis["said"]["published"]
    assert not settling_update(slot, PRESENTER)
    renamed = api.patch(f"/api/v1/slots/{slot.id}", json={"title": "Renamed"})
    assert renamed.status_code == 200
    published_again, changed = outbox(recipient_email=PRESENTER)[-2:]
    assert (published_again.id, published_again.status) == (published.id, "queued")
    assert changed.subject == "Changed: Renamed (title)" and "since" in changed.basis
    assert settling_update(slot, PRESENTER)  # the rename waits its minute
    with later(2):
        assert published.id in claim(utcnow())  # the rename too, a minute on
        assert not settling_update(slot, PRESENTER)
        revoked = api.post(
            f"/slots/{slot.id}/invitation/revoke",
            data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
        )
        assert revoked.status_code == 302
    assert [(m.id, m.status) for m in outbox(recipient_email=PRESENTER)[-2:]] == [
        (published.id, "queued"),
        (changed.id, "queued"),
    ]


def test_an_update_with_nothing_written_in_its_place_is_refused_not_guessed(api, slot, monkeypatch):
    """Written again, the slot as it is has nothing for its presenter: the co-lead is told so,
    not "Rewritten … as message N" of an older message that never goes."""
    from planner.mail import outbox as mail_outbox
    from planner.mail.messages import again

    invite(api, slot)
    all_sent()
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    no_mail_server()
    (published,) = outbox(status=MessageStatus.not_sent)
    with later(5):
        lengthened(api, slot)
    # A message to them about the slot, numbered after it, that never goes.
    older = mail_outbox.enqueue(
        mail_outbox.Recipient(PRESENTER, "Alex Example", "en"),
        kind="update",
        subject="Changed: withdrawn long ago",
        text="-",
        slot_id=slot.id,
        meeting_id=slot.meeting_id,
        optional=False,
    )
    older.status = MessageStatus.superseded
    db.session.commit()
    monkeypatch.setattr(again, "update_again", lambda slot, said: None)
    with later(10):
        refused = send_again_refused(api, published)
    assert "Not sent: nothing was written in its place" in refused
    assert "Rewritten" not in refused
    assert [(m.id, m.status) for m in outbox(recipient_email=PRESENTER)[-2:]] == [
        (published.id, "not_sent"),
        (older.id, "superseded"),
    ]


def test_a_request_to_confirm_a_new_time_sent_again_still_asks(api, slot, presenter):
    """The presenter had confirmed; the move asked them again and found no mail server, and
    the workshop was made longer since: written again, it still asks them to confirm."""
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    all_sent()
    with later(5):
        moved = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": MOVED})
        assert moved.status_code == 200
    question = outbox(recipient_email=PRESENTER)[-1]
    assert question.subject.startswith("New time, please confirm: ")
    no_mail_server()
    with later(7):
        lengthened(api, slot)
    with later(10):
        assert send_again(api, question).status_code == 302
    new = outbox(recipient_email=PRESENTER)[-1]
    assert (new.kind, new.status, new.subject) == ("update", "queued", question.subject)
    assert "please confirm again" in new.text_body and MOVED_SYDNEY in new.text_body
    assert "It was:" in new.text_body
    event = event_of(new)
    assert event["start"] == MOVED_START and event["sequence"] == feed_sequence(api, slot.uid)
    assert "RSVP=TRUE" in new.ics.replace("\r\n ", "")


def test_an_update_before_its_unsent_invitation_is_not_sent_again(api, slot):
    """An update would reach them without the invitation (its link, its calendar entry): the
    page says to send the invitation again, which says it all."""
    invitation, update = moved_after_publishing(api, slot)
    no_mail_server()
    refused = send_again_refused(api, update)
    assert "Send the invitation again" in refused and invitation.subject in refused
    assert outbox(id=update.id)[0].status == MessageStatus.not_sent


def unsent_reminder(api, slot, presenter) -> tuple[OutboxMessage, str]:
    """The presenter confirmed their talk of the published workshop; its reminder found no
    mail server: (the reminder, their link)."""
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    all_sent()
    assert enqueue_reminders(slot.starts_at - timedelta(days=2)) == 1
    db.session.commit()
    no_mail_server()
    (reminder,) = outbox(kind="reminder")
    return reminder, link


def test_a_reminder_of_a_slot_that_moved_is_not_sent_again(api, slot, presenter):
    """The move supersedes it first."""
    reminder, _ = unsent_reminder(api, slot, presenter)
    page = html.unescape(api.get(f"/outbox/{reminder.id}").text)
    assert "Send again" in page
    with later(5):
        moved = api.patch(f"/api/v1/meetings/{slot.meeting_id}", json={"starts_at": MOVED})
        assert moved.status_code == 200
    assert outbox(kind="reminder")[0].status == MessageStatus.superseded
    refused = send_again_refused(api, reminder)
    assert "This message is superseded: it never goes." in refused
    assert "A newer message about the same slot" in refused


def test_a_reminder_whose_link_was_revoked_is_not_sent_again(api, slot, presenter):
    reminder, link = unsent_reminder(api, slot, presenter)
    assert link in reminder.text_body
    revoked = api.post(
        f"/slots/{slot.id}/invitation/revoke",
        data=hidden_fields(api, f"/slots/{slot.id}/invitation/revoke"),
    )
    assert revoked.status_code == 302
    refused = send_again_refused(api, outbox(kind="reminder")[0])
    assert "the private link in this reminder no longer opens the page" in refused
    assert "“Invite again” on the meeting's editor" in refused


def test_a_reminder_sent_again_later_says_how_soon_as_it_goes(api, slot, presenter):
    """Written two days before, it found no mail server; sent again the evening before, it
    said "in 2 days" of a talk the next day. It goes as of then, under its Message-ID."""
    reminder, link = unsent_reminder(api, slot, presenter)
    assert reminder.subject == f"In 2 days: {slot.title}"
    assert "A reminder: you present in 2 days." in reminder.text_body
    message_id = reminder.message_id
    # 20:10 in Sydney the evening before: 27 hours on their clock, and tomorrow.
    with time_machine.travel(slot.starts_at - timedelta(hours=27), tick=True):
        assert sign_in(api).status_code == 302  # months on: signed in again
        assert send_again(api, reminder).status_code == 302
    (again,) = outbox(kind="reminder")
    assert again.status == MessageStatus.queued and again.message_id == message_id
    assert again.subject == f"Tomorrow: {slot.title}"
    assert "A reminder: you present tomorrow." in again.text_body
    assert "you present tomorrow." in html.unescape(again.html_body)
    assert "http://localhost" + link in again.text_body  # the link it carried, still theirs


def test_a_reminder_of_a_slot_that_has_started_is_not_sent_again(api, slot, presenter):
    """Nothing supersedes it as the talk begins: sent again then, it would remind them of a
    talk under way."""
    reminder, _ = unsent_reminder(api, slot, presenter)
    with time_machine.travel(slot.starts_at + timedelta(minutes=5), tick=True):
        assert sign_in(api).status_code == 302  # months on: signed in again
        refused = send_again_refused(api, reminder)
    assert f"“{slot.title}” has started since this reminder was written" in refused
    assert outbox(id=reminder.id)[0].status == MessageStatus.not_sent


def _behind_the_outbox(slot, **values) -> None:
    """The slot changed without the outbox hearing of it (a fix made in the database): no
    message supersedes the reminder, which must still not go."""
    db.session.execute(update(Slot).where(Slot.id == slot.id).values(**values))
    db.session.commit()


def test_a_reminder_of_another_start_than_the_slot_has_is_not_sent_again(api, slot, presenter):
    reminder, _ = unsent_reminder(api, slot, presenter)
    _behind_the_outbox(slot, starts_at=slot.starts_at + timedelta(hours=1))
    refused = send_again_refused(api, reminder)
    assert f"“{slot.title}” has changed since this reminder was written" in refused
    assert "it is confirmed now, Wednesday 10 March 2027, 00:10–00:30 Sydney" in refused


def test_a_reminder_of_a_slot_no_longer_confirmed_is_not_sent_again(api, slot, presenter):
    reminder, _ = unsent_reminder(api, slot, presenter)
    _behind_the_outbox(slot, status="invited")
    refused = send_again_refused(api, reminder)
    assert f"“{slot.title}” has changed since this reminder was written" in refused
    assert "(it is invited now," in refused


def test_nothing_about_a_meeting_that_is_over_is_sent_again(api, slot, presenter):
    """The change of the video link five minutes before the workshop found no mail server;
    "Send again" the next day would tell the presenter of a link to a meeting over."""
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    all_sent()
    with time_machine.travel(slot.meeting.starts_at - timedelta(minutes=5), tick=True):
        changed = api.patch(
            f"/api/v1/meetings/{slot.meeting_id}", json={"video_url": "https://video.example/b"}
        )
        assert changed.status_code == 200
    no_mail_server()
    (update,) = outbox(status=MessageStatus.not_sent)
    with time_machine.travel(slot.meeting.ends_at + timedelta(days=1), tick=True):
        assert sign_in(api).status_code == 302
        refused = send_again_refused(api, update)
    assert (
        "Not sent: its meeting ended 9 March 2027 at 14:30 in Geneva (UTC+1), before it went: "
        "no one is written to about a meeting that is over."
    ) in refused
    assert outbox(id=update.id)[0].status == MessageStatus.not_sent
