"""A message that goes late (its recipient's server turned it away for a day and it is retried,
or a co-lead sends it again) says what is true when it goes, as a reminder says how soon: an
office contact's first news of a talk names its status now, and the news that its presenter
declined does not go once the talk has a presenter again. Through a real SMTP server on
loopback, by the sender's own rounds (`flask mail send --once`)."""

import html
from datetime import timedelta

import pytest
import time_machine

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageStatus
from planner.offices.models import OfficeContact
from tests.calendar.readers import read_calendar_in
from tests.mail.smtp_server import SmtpServer
from tests.mail.test_messages import outbox
from tests.presenters.support import TALK, confirm, invite
from tests.support import csrf_token, publish_as_planned

KIM = "kim@ipaustralia.example"
BUSY = "451 4.3.0 Mailbox unavailable, try again later"


@pytest.fixture
def smtp(app, monkeypatch):
    """The mail server the sender delivers through; Kim, AU's contact, on a server that turns
    everything away until told otherwise."""
    server = SmtpServer(refuse={KIM: BUSY}).start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", server.port)
    db.session.add(OfficeContact(office_code="AU", name="Kim", email=KIM, source="t"))
    db.session.commit()
    yield server
    server.stop()


def sender_round(cli, minutes: int) -> str:
    """The sender's round (`mail send --once`), `minutes` from now."""
    with time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=False):
        result = cli.invoke(args=["mail", "send", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def to_kim(smtp: SmtpServer) -> list:
    return [m for m in smtp.messages() if KIM in m["To"]]


def test_a_first_news_that_goes_late_says_the_status_the_talk_has_then(api, slot, smtp, cli):
    """Published with no presenter invited, the talk's "On the agenda" to Kim is turned away;
    the co-lead invites Alex meanwhile (no news to contacts: their calendar shows it tentative
    either way). When Kim's server takes mail again, the message says the talk has a presenter
    invited, under the Message-ID it was written with, with the calendar part it had."""
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    sender_round(cli, 2)
    (news,) = outbox(recipient_email=KIM)
    assert news.status == MessageStatus.queued and news.attempts == 1
    assert "Status: planned; no presenter invited yet" in news.text_body
    written = (news.message_id, news.ics)
    invite(api, slot)
    assert [m.id for m in outbox(recipient_email=KIM)] == [news.id]  # nothing new to them
    smtp.refuse.clear()
    sender_round(cli, 10)
    (delivered,) = to_kim(smtp)
    assert delivered["Message-ID"] == written[0]
    assert delivered["Subject"] == f"On the agenda: {TALK['title']}"
    text = delivered.get_body(("plain",)).get_content()
    assert "Status: its presenter is invited and has not confirmed yet" in text
    assert "no presenter invited yet" not in text
    shown = html.unescape(delivered.get_body(("html",)).get_content())
    assert "its presenter is invited and has not confirmed yet" in shown
    (event,) = read_calendar_in(delivered)["events"]
    assert event["uid"] == slot.uid and event["status"] == "TENTATIVE"
    assert outbox(id=news.id)[0].ics == written[1]


def declined_while_kim_is_away(api, slot, presenter, smtp, cli):
    """Alex, invited to the published talk, declines; the news to Kim is turned away."""
    invite_link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    smtp.refuse.clear()
    sender_round(cli, 2)  # Kim had its first news
    smtp.refuse[KIM] = BUSY
    declined = {"answer": "declined", "note": "Our expert is away that week."}
    assert presenter.post(invite_link + "/answer", data=declined).status_code == 302
    sender_round(cli, 4)
    news = outbox(recipient_email=KIM)[-1]
    assert news.subject.startswith("Presenter declined") and news.attempts == 1
    return news


def test_the_news_of_a_decline_does_not_go_once_the_talk_has_a_presenter_again(
    api, slot, presenter, smtp, cli
):
    """ "The co-leads will look for another presenter: if someone at your office could give it,
    please tell them" went hours after the co-leads had invited Ben in Alex's place."""
    news = declined_while_kim_is_away(api, slot, presenter, smtp, cli)
    invite(api, slot, name="Ben Example", email="ben@ipaustralia.example")
    smtp.refuse.clear()
    smtp.received.clear()
    output = sender_round(cli, 10)
    assert to_kim(smtp) == [] and "1 too late to send (see the outbox)" in output
    news = outbox(id=news.id)[0]
    assert news.status == MessageStatus.superseded
    reason = (
        f"the news that the presenter of “{TALK['title']}” declined no longer holds: it has a "
        "presenter again: Ben Example is invited to it. Nothing of it is news to the office's "
        "contact."
    )
    assert news.last_error == f"not sent: {reason}"
    page = html.unescape(api.get(f"/outbox/{news.id}").get_data(as_text=True))
    assert f"This message is superseded: it never goes. {reason[0].upper()}{reason[1:]}" in page


def test_a_decline_failed_for_good_is_not_sent_again_once_the_talk_has_a_presenter(
    api, slot, presenter, smtp, cli
):
    news = declined_while_kim_is_away(api, slot, presenter, smtp, cli)
    news.status = MessageStatus.failed  # the sender gave up on it
    db.session.commit()
    invite(api, slot, name="Ben Example", email="ben@ipaustralia.example")
    token = csrf_token(api, f"/outbox/{news.id}")
    refused = api.post(f"/outbox/{news.id}/send", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Ben Example is invited to it" in html.unescape(refused.get_data(as_text=True))
    assert outbox(id=news.id)[0].status == MessageStatus.failed


def test_a_decline_sent_again_while_it_holds_says_the_talk_as_it_is(
    api, slot, presenter, smtp, cli
):
    """The co-leads set the talk back to proposed (no one invited yet): the decline, sent again,
    still asks the office for someone, and says the talk's status now."""
    news = declined_while_kim_is_away(api, slot, presenter, smtp, cli)
    news.status = MessageStatus.failed
    db.session.commit()
    assert api.patch(f"/api/v1/slots/{slot.id}", json={"status": "proposed"}).status_code == 200
    token = csrf_token(api, f"/outbox/{news.id}")
    assert api.post(f"/outbox/{news.id}/send", data={"csrf_token": token}).status_code == 302
    smtp.refuse.clear()
    smtp.received.clear()
    sender_round(cli, 10)
    (delivered,) = to_kim(smtp)
    assert delivered["Message-ID"] == news.message_id
    text = delivered.get_body(("plain",)).get_content()
    assert "The co-leads will look for another presenter" in text
    assert "Status: planned; no presenter invited yet" in text


def test_a_round_says_every_late_message_again_in_the_same_few_statements(api, slot):
    """However many are due: not five statements a reminder (helper-215: each read its slot,
    invitation, meeting, office and materials, and was written on its own)."""
    from planner.mail.messages import enqueue_reminders, reword_due
    from planner.presenters.operations import answer
    from planner.presenters.operations import invite as invite_presenter
    from tests.support import counted_queries

    for n in range(4):
        made = api.post(
            f"/api/v1/meetings/{slot.meeting_id}/slots",
            json={**TALK, "title": f"Talk {n}", "office": ["BR", "CA", "DE", "ES"][n]},
        )
        assert made.status_code == 201
    talks = [s for s in slot.meeting.slots if s.kind == "presentation"]
    for n, talk in enumerate(talks):
        invite_presenter(talk, name=f"P{n}", email=f"p{n}@x.example", time_zone=None, by="t")
    db.session.commit()
    for talk in talks:
        answer(talk.invitation, "confirmed", "")
    db.session.commit()
    day_before = slot.starts_at - timedelta(days=1)
    assert enqueue_reminders(day_before) == len(talks)
    db.session.commit()
    counts = []
    for due in (1, len(talks)):
        reminders = outbox(kind="reminder")
        for n, message in enumerate(reminders):
            message.status = MessageStatus.queued if n < due else MessageStatus.held
        db.session.commit()
        # Written the day before ("Tomorrow"), they go hours before: said again.
        going = slot.starts_at - timedelta(hours=2)
        db.session.expire_all()
        with counted_queries() as statements:
            reword_due(going)
        # The test's own savepoints aside (each test runs in one transaction).
        counts.append(len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]))
        assert [m.subject.startswith("In ") for m in reminders] == [
            n < due for n in range(len(reminders))
        ]
        db.session.rollback()
    # The reminders, their slots (with their meetings and offices), invitations, those no
    # sender leased since (held from any until the round commits) and materials,
    # the newer messages about them (none), and the texts written again in one batch.
    assert counts[0] == counts[1] == 6


def test_a_decline_that_was_a_contact_s_first_news_still_puts_the_talk_in_their_calendar(
    api, slot, presenter, smtp, cli
):
    """Kim's "On the agenda" failed (their server turned it away all day), so the news of the
    decline was their first of the talk. Ben invited since, it goes as "On the agenda", the
    talk as it is then: it puts the talk in their calendar, and asks nothing of the office."""
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    sender_round(cli, 2)
    (first,) = outbox(recipient_email=KIM)
    first.status = MessageStatus.failed  # the sender gave up on it
    db.session.commit()
    declined = {"answer": "declined", "note": "Our expert is away that week."}
    assert presenter.post(link + "/answer", data=declined).status_code == 302
    sender_round(cli, 4)
    news = outbox(recipient_email=KIM)[-1]
    assert news.subject.startswith("Presenter declined") and news.basis["said"]["first"]
    invite(api, slot, name="Ben Example", email="ben@ipaustralia.example")
    smtp.refuse.clear()
    sender_round(cli, 10)
    (delivered,) = to_kim(smtp)
    assert delivered["Message-ID"] == news.message_id
    assert delivered["Subject"] == f"On the agenda: {TALK['title']}"
    text = delivered.get_body(("plain",)).get_content()
    assert "is on the agenda of a published meeting" in text and "declined" not in text
    assert "Status: its presenter is invited and has not confirmed yet" in text
    (event,) = read_calendar_in(delivered)["events"]
    assert event["uid"] == slot.uid and event["status"] == "TENTATIVE"


def test_a_presenter_s_news_that_goes_late_stays_theirs(api, slot, presenter, smtp, cli):
    """Alex confirmed; the co-leads set the talk back and invited Alex again: the update that
    puts it back in Alex's calendar is their first news of it again, as an office contact's
    "On the agenda" is. Turned away by Alex's server and retried, it went rewritten as a
    contact's news ("A presentation by your office", "its presenter is invited"), without the
    private link Alex answers with."""
    alex = "alex@ipaustralia.example"
    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    for minutes, status in ((2, "proposed"), (4, "invited")):
        sender_round(cli, minutes)
        changed = api.patch(f"/api/v1/slots/{slot.id}", json={"status": status})
        assert changed.status_code == 200, changed.get_json()
    smtp.refuse[alex] = BUSY
    sender_round(cli, 6)
    news = outbox(recipient_email=alex)[-1]
    assert news.attempts == 1 and news.basis["said"]["first"]
    written = news.text_body
    assert link in written
    smtp.refuse.clear()
    smtp.received.clear()
    sender_round(cli, 20)
    (delivered,) = [m for m in smtp.messages() if alex in m["To"]]
    assert delivered["Message-ID"] == news.message_id
    text = delivered.get_body(("plain",)).get_content()
    assert link in text and "by your office" not in text
    assert outbox(id=news.id)[0].text_body == written


def test_the_sender_s_reminder_round_reads_a_few_statements_however_many_slots_are_due(api, slot):
    """The worker looks for reminders due every round (5 s): a round in which every presenter
    was reminded already, or their invitation did not reach them, reads a few statements
    however many slots are due, not two to five a slot (its invitation, whether it was
    reminded, its invitation held, failed, or heard of). Half the talks confirmed by their
    presenter, half by a co-lead (the presenter never answered); one whose invitation failed is
    looked at every round."""
    from planner.mail.messages import enqueue_reminders
    from planner.presenters.operations import answer
    from planner.presenters.operations import invite as invite_presenter
    from tests.support import counted_queries

    def talk(n: int):
        made = api.post(
            f"/api/v1/meetings/{slot.meeting_id}/slots",
            json={**TALK, "title": f"Talk {n}", "office": ["BR", "CA", "DE", "ES", "JP"][n]},
        )
        assert made.status_code == 201
        made = next(s for s in slot.meeting.slots if s.title == f"Talk {n}")
        invite_presenter(made, name=f"P{n}", email=f"p{n}@x.example", time_zone=None, by="t")
        db.session.commit()
        return made

    unreached = talk(4)
    outbox(kind="invitation", slot_id=unreached.id)[0].status = MessageStatus.failed
    db.session.commit()
    confirmed = api.patch(f"/api/v1/slots/{unreached.id}", json={"status": "confirmed"})
    assert confirmed.status_code == 200
    day_before = slot.starts_at - timedelta(days=1)
    counts = []
    for n in range(4):
        made = talk(n)
        if n % 2:
            answer(made.invitation, "confirmed", "")
        else:
            confirmed = api.patch(f"/api/v1/slots/{made.id}", json={"status": "confirmed"})
            assert confirmed.status_code == 200
        db.session.commit()
        assert enqueue_reminders(day_before) == 1
        db.session.commit()
        db.session.expire_all()
        with counted_queries() as statements:
            assert enqueue_reminders(day_before) == 0
        counts.append(len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))]))
    assert counts[0] == counts[-1] <= 6, counts
