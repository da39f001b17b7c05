"""The outbox page for co-leads: messages with their status and error, filters, the message with
its parts, holding invitations for review, "Send now", "Send all held", "Send again", "Discard"."""

import html
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from planner.calendar.ics import EventInfo
from planner.extensions import db
from planner.mail import imip
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, enqueue, hold_invitations
from tests.calendar.readers import read_everywhere
from tests.support import csrf_token, form_in

CONFIRM = 'name="confirmed"'

ALEX = Recipient("alex@ipo.example", "Alex")


def _held(subject="Please present", **extra):
    message = enqueue(
        ALEX,
        kind=MessageKind.invitation,
        subject=subject,
        text="Your private page: https://planner.example/presenter/x",
        html='<p onclick="alert(1)">Hi <script>alert(2)</script><img src="https://t.example/p"></p>',
        ics_method="REQUEST",
        hold=True,
        **{"ics": "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n", **extra},
    )
    db.session.commit()
    return message


def test_only_coleads_see_the_outbox(client, app_context):
    message = _held()
    assert client.get("/outbox").status_code == 302
    assert client.get(f"/outbox/{message.id}").status_code == 302
    assert client.get(f"/outbox/{message.id}/invite.ics").status_code == 302
    assert client.post(f"/outbox/{message.id}/send").status_code in (302, 400)
    db.session.expire_all()
    assert message.status == MessageStatus.held


def test_the_outbox_lists_filters_and_pages(colead_client, app_context):
    _held("First")
    enqueue(ALEX, kind=MessageKind.reminder, subject="Reminder", text="t")
    db.session.commit()
    page = colead_client.get("/outbox").get_data(as_text=True)
    assert page.index("Reminder") < page.index("First")  # newest first
    assert "Send all held (1)" in page
    assert "No mail server is configured" in page
    held = colead_client.get("/outbox?status=held").get_data(as_text=True)
    assert "First" in held and ">Reminder<" not in held
    assert "Reminder" in colead_client.get("/outbox?kind=reminder").get_data(as_text=True)
    assert colead_client.get("/outbox?status=lost").status_code == 400
    assert colead_client.get("/outbox?page=9").status_code == 404


def test_the_outbox_names_the_mail_server_with_its_port(app, colead_client, monkeypatch):
    """helper-99: "through 127.0.0.1" did not say which of the machine's servers."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 8025)
    page = colead_client.get("/outbox").get_data(as_text=True)
    assert "delivers queued messages through 127.0.0.1:8025." in page
    monkeypatch.setitem(app.config, "MAIL_SERVER", "::1")
    monkeypatch.delitem(app.config, "MAIL_PORT", raising=False)
    assert "through [::1]:25." in colead_client.get("/outbox").get_data(as_text=True)


def test_the_message_page_never_runs_its_html(colead_client, app_context):
    message = _held()
    page = colead_client.get(f"/outbox/{message.id}").get_data(as_text=True)
    assert "<script>alert(2)" not in page
    assert f'<iframe class="mail-html" sandbox src="/outbox/{message.id}/part.html"' in page
    part = colead_client.get(f"/outbox/{message.id}/part.html")
    policy = part.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "script-src" not in policy and "default-src 'none'" in policy
    ics = colead_client.get(f"/outbox/{message.id}/invite.ics")
    assert ics.headers["Content-Type"].startswith("text/calendar")
    assert "attachment" in ics.headers["Content-Disposition"]
    assert b"METHOD:REQUEST" in ics.data


def test_the_calendar_shown_is_the_one_written(colead_client, app_context):
    """The co-leads' copy of a calendar part is the one that goes: read back and written again
    by icalendar, a title typed "IPAS\\NextGen" showed as "IPAS", a new line and "extGen"."""
    start = datetime(2027, 3, 9, 12, tzinfo=UTC)
    typed = "IPAS\\NextGen on C:\\New folder; 知的財産 " + "é" * 60
    event = EventInfo(
        uid="slot-1@cws-ict-planner",
        sequence=2,
        last_modified=start,
        start=start,
        end=start + timedelta(minutes=20),
        summary=typed,
        description=f"Part of: {typed}",
        status="TENTATIVE",
        url=None,
    )
    written = imip.itip(
        event,
        imip.Method.request,
        organizer="taskforce@localhost",
        attendee=imip.presenter(ALEX.email, ALEX.name, confirmed=False, rsvp=True),
        stamp=start,
    )
    message = _held(ics=written)
    shown = colead_client.get(f"/outbox/{message.id}/invite.ics").data
    assert shown == written.encode()
    (seen,) = read_everywhere(shown)["events"]
    assert seen["summary"] == typed and seen["description"] == f"Part of: {typed}"


def test_holding_invitations_is_a_setting(colead_client, app_context):
    assert not hold_invitations()
    token = csrf_token(colead_client, "/outbox")
    colead_client.post("/outbox/settings", data={"csrf_token": token, "hold_invitations": "y"})
    assert hold_invitations()
    colead_client.post("/outbox/settings", data={"csrf_token": token})
    assert not hold_invitations()


def _hold_form(client) -> dict:
    return form_in(client.get("/outbox").get_data(as_text=True), 'name="shown"')


def test_a_setting_changed_in_another_tab_is_not_undone_unseen(colead_client, other, app_context):
    """Two co-leads open the outbox; one turns holding on; the other, whose page still shows it
    off, presses Save unchanged: that would have turned it off again, unseen by either."""
    mine, theirs = _hold_form(colead_client), _hold_form(other)
    assert mine["shown"] == ["0"]
    mine["hold_invitations"] = ["y"]
    colead_client.post("/outbox/settings", data=mine)
    assert hold_invitations()

    stale = other.post("/outbox/settings", data=theirs)
    assert stale.status_code == 409
    assert hold_invitations()
    page = html.unescape(stale.get_data(as_text=True))
    assert "Another co-lead changed this setting since you opened the page" in page
    assert "held for review now. Nothing was saved" in page

    # What the other page asked for anyway is saved once it shows the setting as it is now.
    again = _hold_form(other)
    assert again["shown"] == ["1"] and again["hold_invitations"] == ["y"]
    del again["hold_invitations"]
    other.post("/outbox/settings", data=again)
    assert not hold_invitations()


@pytest.mark.committed  # the other co-lead's change is committed by another connection
def test_a_save_unchanged_does_not_undo_a_change_made_while_it_is_checked(
    colead_client, other, app_context, monkeypatch
):
    """The check above reads the setting, then the save wrote it: another co-lead's change
    committed between the two was undone by a save of the value the page showed. Such a save
    now writes nothing, so there is no such moment."""
    from planner.mail import outbox
    from planner.mail.models import MailSettings

    outbox.set_hold_invitations(False)
    db.session.commit()
    unchanged = _hold_form(other)
    assert unchanged["shown"] == ["0"] and "hold_invitations" not in unchanged
    read = outbox.hold_invitations

    def changed_just_after(*args, **kwargs):
        seen = read(*args, **kwargs)
        monkeypatch.setattr(outbox, "hold_invitations", read)
        with db.engine.begin() as connection:  # the first co-lead turns holding on, now
            connection.execute(update(MailSettings).values(hold_invitations=True))
        return seen

    monkeypatch.setattr(outbox, "hold_invitations", changed_just_after)
    assert other.post("/outbox/settings", data=unchanged).status_code == 302
    db.session.rollback()
    assert hold_invitations()


def test_send_all_held_asks_first_then_queues(colead_client, app_context):
    first, second = _held("First"), _held("Second")
    token = csrf_token(colead_client, "/outbox")
    ask = colead_client.post("/outbox/send-held", data={"csrf_token": token})
    page = html.unescape(ask.get_data(as_text=True))
    confirm = form_in(ask.get_data(as_text=True), CONFIRM)
    assert ask.status_code == 200 and "Send all held messages?" in page
    # What will go is named, not only counted.
    assert "“First”</a> to Alex" in page and "“Second”</a> to Alex" in page and "Send 2 now" in page
    db.session.expire_all()
    assert first.status == MessageStatus.held
    done = colead_client.post("/outbox/send-held", data=confirm)
    assert done.status_code == 302
    db.session.expire_all()
    assert {first.status, second.status} == {MessageStatus.queued}


def test_send_all_held_sends_nothing_unseen(colead_client, app_context):
    """Another co-lead's invitation held after the confirmation was shown went with the ones
    shown, unreviewed (helper-86). Now nothing goes: the page comes back with the list as it
    is, to confirm again; and a confirmation that names nothing sends nothing."""
    shown = _held("Shown")
    token = csrf_token(colead_client, "/outbox")
    page = colead_client.post("/outbox/send-held", data={"csrf_token": token})
    confirm = form_in(page.get_data(as_text=True), CONFIRM)
    unseen = _held("Held meanwhile")
    refused = colead_client.post("/outbox/send-held", data=confirm)
    again = html.unescape(refused.get_data(as_text=True))
    confirm_again = form_in(refused.get_data(as_text=True), CONFIRM)
    assert refused.status_code == 409
    assert "The held messages changed since you opened this page" in again
    assert "“Held meanwhile”</a> to Alex" in again and "Send 2 now" in again
    db.session.expire_all()
    assert {shown.status, unseen.status} == {MessageStatus.held}
    bare = {"csrf_token": token, "confirmed": "yes"}
    assert colead_client.post("/outbox/send-held", data=bare).status_code == 409
    assert colead_client.post("/outbox/send-held", data=confirm_again).status_code == 302
    db.session.expire_all()
    assert {shown.status, unseen.status} == {MessageStatus.queued}
    # Nothing held, nothing named: said so.
    done = colead_client.post("/outbox/send-held", data=bare, follow_redirects=True)
    assert "No message was held." in done.get_data(as_text=True)


def test_send_now_send_again_and_discard(colead_client, app_context):
    held, other = _held("Held"), _held("Other")
    token = csrf_token(colead_client, f"/outbox/{held.id}")

    def send(message):
        return colead_client.post(f"/outbox/{message.id}/send", data={"csrf_token": token})

    assert send(held).status_code == 302
    db.session.expire_all()
    assert held.status == MessageStatus.queued
    # Queued: nothing to send again; not held: nothing to discard.
    assert send(held).status_code == 409
    assert (
        colead_client.post(
            f"/outbox/{held.id}/discard", data={"csrf_token": token, "confirmed": "yes"}
        ).status_code
        == 409
    )
    held.status, held.attempts, held.last_error = MessageStatus.failed, 8, "451 busy"
    db.session.commit()
    page = colead_client.get(f"/outbox/{held.id}").get_data(as_text=True)
    assert "Send again" in page and "451 busy" in page
    send(held)
    db.session.expire_all()
    assert (held.status, held.attempts, held.last_error) == (MessageStatus.queued, 0, None)

    ask = colead_client.post(f"/outbox/{other.id}/discard", data={"csrf_token": token})
    assert "Discard this message?" in ask.get_data(as_text=True)
    colead_client.post(
        f"/outbox/{other.id}/discard", data={"csrf_token": token, "confirmed": "yes"}
    )
    db.session.expire_all()
    # Kept, never to go unless a co-lead sends it again (helper-244: deleted, it left nothing
    # to say that its presenter was never told).
    assert db.session.execute(select(OutboxMessage.subject, OutboxMessage.status)).all() == [
        ("Held", MessageStatus.queued),
        ("Other", MessageStatus.discarded),
    ]


@pytest.mark.committed  # another connection changes the message between the read and the send
def test_a_held_message_replaced_meanwhile_is_not_sent(app_context):
    """helper-91: "Send all held" wrote "queued" over what it had read, so a held invitation that
    a change of its slot replaced in the meantime came back to life and went. The release is
    conditional on the status read: nothing goes, and the replacement stands."""
    from planner.db_types import utcnow
    from planner.errors import ConflictError
    from planner.mail.outbox import held_messages, release_held

    message, other = _held("Replaced meanwhile"), _held("Still held")
    held = held_messages()
    assert [m.id for m in held] == [message.id, other.id]
    with db.engine.begin() as connection:
        connection.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(status=MessageStatus.superseded)
        )
    with pytest.raises(ConflictError, match="nothing was sent"):
        release_held(utcnow(), held)
    db.session.rollback()
    assert db.session.get(OutboxMessage, message.id).status == MessageStatus.superseded
    assert db.session.get(OutboxMessage, other.id).status == MessageStatus.held


def test_the_outbox_says_each_status_once_in_plain_words(colead_client, app_context):
    """helper-90: "not sent" then "not sent: no mail server configured" under it, and a
    "REQUEST" badge; the reason is said once, and the calendar part in words."""
    from planner.db_types import utcnow
    from planner.mail.outbox import release
    from planner.mail.sender import send_due

    message = _held("Please present")
    release(message, utcnow())
    db.session.commit()
    config = {**colead_client.application.config, "MAIL_SERVER": None}
    assert send_due(config, utcnow()).not_sent == 1
    listed = html.unescape(colead_client.get("/outbox").get_data(as_text=True))
    assert "No mail server configured." in listed
    assert "not sent: no mail server configured" not in listed
    assert ">with calendar entry<" in listed and ">REQUEST<" not in listed


@pytest.mark.parametrize(
    ("status", "server", "said"),
    [
        (MessageStatus.sent, None, "sent"),
        (MessageStatus.failed, "127.0.0.1", "failed"),
        (MessageStatus.queued, "127.0.0.1", "queued"),
        (MessageStatus.held, "127.0.0.1", "held"),
        # Without a mail server, waiting is going nowhere; superseded goes no more.
        (MessageStatus.queued, None, "not_sent"),
        (MessageStatus.held, None, "not_sent"),
        (MessageStatus.not_sent, "127.0.0.1", "not_sent"),
        (MessageStatus.superseded, "127.0.0.1", "not_sent"),
    ],
)
def test_what_became_of_a_message_as_pages_say_it(app, monkeypatch, status, server, said):
    """`outbox.fate`, which the volunteer's and the co-leads' pages read to say whether an
    email carries a private link (sent, on its way, held, not sent, undelivered)."""
    from planner.mail.outbox import fate

    monkeypatch.setitem(app.config, "MAIL_SERVER", server)
    with app.test_request_context():
        assert fate(OutboxMessage(status=status)) == said
        assert fate(None) == "not_sent"
