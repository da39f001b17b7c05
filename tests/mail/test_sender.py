"""The sender delivers the outbox to a real SMTP server on loopback: each message as a proper
email (iMIP parts, unsubscribe headers for optional kinds), once, in order per recipient, with
back-off while the server is away, and marked not sent while no server is configured."""

import html
from datetime import timedelta
from email.utils import parsedate_to_datetime

import icalendar
import pytest
from sqlalchemy import select

from planner.calendar.ics import EventInfo
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail import imip
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, enqueue, release
from planner.mail.sender import (
    LEASE,
    MAX_ATTEMPTS,
    NO_SERVER,
    Counts,
    claim,
    delay_after,
    deliver_leased,
    send_due,
    settings_from_environment,
)
from tests.calendar.readers import read_everywhere
from tests.mail.smtp_server import SmtpServer
from tests.support import counted_queries

FROM = "CWS ICT Task Force <taskforce@example.org>"
ALEX = Recipient("alex@ipo.example", "Alex Müller", "de")
DANA = Recipient("dana@ilpo.example", "Dana", "en")


def calendar(method: str = "REQUEST") -> str:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//test//")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = icalendar.Event()
    event.add("uid", "slot-1@cws-ict-planner")
    event.add("sequence", 2)
    event.add("summary", "AI search – Rec 10 workshop")
    event.add("dtstart", utcnow().replace(microsecond=0) + timedelta(days=30))
    event.add("dtstamp", utcnow().replace(microsecond=0))
    cal.add_component(event)
    return cal.to_ical().decode()


def _mail(recipient=ALEX, kind=MessageKind.invitation, subject="Please present", **extra):
    message = enqueue(
        recipient,
        kind=kind,
        subject=subject,
        text=f"Hello {recipient.name}, your private page: https://planner.example/presenter/x",
        html=f"<p>Hello {recipient.name}</p>",
        **extra,
    )
    db.session.commit()
    return message


@pytest.fixture
def smtp(app):
    server = SmtpServer().start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM=FROM)
    yield server
    server.stop()
    app.config.update(saved)


def _send_once(cli) -> str:
    result = cli.invoke(args=["mail", "send", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_invitation_arrives_with_its_calendar_as_imip(app_context, cli, smtp):
    ics = calendar("REQUEST")
    stored = _mail(ics=ics, ics_method="REQUEST", subject="Invitation: AI search")
    assert "1 sent" in _send_once(cli)

    (received,) = smtp.received
    assert received.rcpt_tos == [ALEX.email]
    assert received.mail_from == "taskforce@example.org"
    email = received.message
    assert email["From"] == FROM
    assert email["To"].addresses[0].display_name == "Alex Müller"
    assert email["To"].addresses[0].addr_spec == ALEX.email
    assert email["Subject"] == "Invitation: AI search"
    assert email["Message-ID"] == stored.message_id
    assert email["Content-Language"] == "de"
    assert email["Date"].datetime.tzinfo is not None
    # Invitations always go: no unsubscribe link.
    assert email["List-Unsubscribe"] is None and email["List-Unsubscribe-Post"] is None

    assert email.get_content_type() == "multipart/mixed"
    alternative, attachment = email.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    plain, html, cal = alternative.iter_parts()
    assert plain.get_content_type() == "text/plain"
    assert "Hello Alex Müller" in plain.get_content()
    assert html.get_content_type() == "text/html"
    assert cal.get_content_type() == "text/calendar"
    assert cal.get_param("method") == "REQUEST"
    assert cal.get_content_charset() == "utf-8"
    assert attachment.get_content_type() == "application/ics"
    assert attachment.get_filename() == "invite.ics"
    assert attachment.get_content_disposition() == "attachment"
    # 7-bit clean on the wire (the server was never asked for 8BITMIME): text beyond ASCII is
    # quoted-printable, and the calendar's lines still end in CRLF once decoded.
    assert received.data.isascii()
    assert cal["Content-Transfer-Encoding"] == "quoted-printable"
    lines = cal.get_payload(decode=True).split(b"\r\n")
    assert "SUMMARY:AI search – Rec 10 workshop".encode() in lines and lines[-1] == b""
    assert not any(b"\n" in line for line in lines)
    for part in (cal.get_content(), attachment.get_content().decode()):
        read = icalendar.Calendar.from_ical(part)
        assert read["METHOD"] == "REQUEST"
        (event,) = read.walk("VEVENT")
        assert str(event["UID"]) == "slot-1@cws-ict-planner"
        assert event["SEQUENCE"] == 2
        assert str(event["SUMMARY"]) == "AI search – Rec 10 workshop"

    db.session.expire_all()
    sent = db.session.get(OutboxMessage, stored.id)
    assert (sent.status, sent.attempts, sent.last_error) == (MessageStatus.sent, 1, None)
    assert sent.sent_at is not None
    assert "0 sent" in _send_once(cli)  # nothing is sent twice
    assert len(smtp.received) == 1


def test_quoted_printable_lines_are_at_most_76_characters(app_context, cli, smtp):
    """A long line beyond ASCII (an abstract in Japanese, a summary with accents) goes in
    quoted-printable lines of at most 76 characters, as RFC 2045 requires of them (Python wrote
    up to 78), broken where the text reads back whole."""
    abstract = "特許情報の検索にAIを使う試み、その成果と課題について。" * 6
    summary = "Présentation über die Recherche – " * 4
    ics = calendar("REQUEST").replace("SUMMARY:AI search – Rec 10 workshop", "SUMMARY:" + summary)
    enqueue(
        ALEX,
        kind=MessageKind.invitation,
        subject="S",
        text=abstract,
        html=f"<p>{abstract}</p>",
        ics=ics,
        ics_method="REQUEST",
    )
    db.session.commit()
    assert "1 sent" in _send_once(cli)

    (received,) = smtp.received
    plain, html, cal = next(received.message.iter_parts()).iter_parts()
    for part in (plain, html, cal):
        assert part["Content-Transfer-Encoding"] == "quoted-printable"
        encoded = part.get_payload(decode=False).splitlines()
        assert max(map(len, encoded)) <= 76, part.get_content_type()
    assert plain.get_content().strip() == abstract
    assert html.get_content().strip() == f"<p>{abstract}</p>"
    (event,) = icalendar.Calendar.from_ical(cal.get_content()).walk("VEVENT")
    assert str(event["SUMMARY"]) == summary


def test_long_headers_are_folded_into_short_encoded_words(app, app_context, cli, smtp):
    """A long Subject (a title of emoji) and name go as encoded words of at most 75 characters
    (RFC 2047) on lines within 78; only the unsubscribe URL, which has nowhere to break, stays
    on one line of its own (and still under 998)."""
    import re
    from email.header import decode_header, make_header

    subject = "Changed: " + "🎉" * 120 + " Risk-based governance – Évaluation"
    reminder = MessageKind.reminder
    dana = Recipient("dana@ilpo.example", "Dana " + "Ü" * 60, "en")
    _mail(dana, reminder, subject, unsubscribe_kind=reminder)
    _send_once(cli)
    (received,) = smtp.received
    head = received.data.split(b"\r\n\r\n", 1)[0]
    words = re.findall(rb"=\?[^?]+\?[bBqQ]\?[^?]*\?=", head)
    assert len(words) > 5 and max(len(w) for w in words) <= 75
    lines = head.split(b"\r\n")
    unsubscribe = [line for line in lines if line.startswith(b"List-Unsubscribe:")]
    assert len(unsubscribe) == 1 and len(unsubscribe[0]) < 998
    assert all(len(line) <= 78 for line in lines if line not in unsubscribe)
    assert received.message["Subject"] == subject
    # Read as RFC 2047 says (the space between two encoded words is no part of the text);
    # Python's own address parser keeps it, mail clients do not.
    folded = received.data.decode().split("\r\nTo: ", 1)[1].split("\r\nSubject:", 1)[0]
    to = str(make_header(decode_header(folded)))
    assert to == "Dana " + "Ü" * 60 + " <dana@ilpo.example>"
    assert received.message["List-Unsubscribe"].startswith(f"<{app.config['BASE_URL']}/")


def test_a_subject_that_fits_a_line_of_its_own_starts_on_the_subject_line(
    app, app_context, cli, smtp
):
    """Python moves a value that fits on a line of its own, but not after "Subject: ", whole
    to the next line; some clients then show it with a leading space (helper-81)."""
    subject = "Your proposal was accepted: Trialling AI image search for trade marks"
    _mail(DANA, MessageKind.decision, subject)
    _send_once(cli)
    (received,) = smtp.received
    head = received.data.split(b"\r\n\r\n", 1)[0].decode()
    assert "\r\nSubject: Your proposal was accepted:" in head
    assert all(len(line) <= 78 for line in head.split("\r\n"))
    assert received.message["Subject"] == subject


def test_a_folded_subject_keeps_the_space_between_its_words(app_context, cli, smtp):
    """Python 3.11 folded some subjects with the space between two words in the gap between two
    encoded words, which RFC 2047 (and every mail client) reads as nothing: "automática
    Änderung" arrived as "automáticaÄnderung"."""
    from email.header import decode_header, make_header

    subject = (
        "Invitation: l'Office clasificación automática Änderung Marcas européen la "
        "transformación automática Presentación des Marcas análisis Invitación l'Office"
    )
    _mail(DANA, MessageKind.decision, subject)
    _send_once(cli)
    (received,) = smtp.received
    head = received.data.split(b"\r\n\r\n", 1)[0].decode()
    folded = head.split("\r\nSubject:", 1)[1].split("\r\nDate:", 1)[0]
    assert str(make_header(decode_header(folded.replace("\r\n", "")))).strip() == subject
    assert received.message["Subject"] == subject
    assert all(len(line) <= 78 for line in head.split("\r\n"))


def test_a_no_break_space_in_a_subject_arrives_as_one(app_context, cli, smtp):
    """French writes a no-break space before its colon, and the subjects of its messages hold
    one ("Invitation à présenter : ..."); they arrived with a plain space, at which a mail
    client may wrap the colon onto a line of its own (helper-198). Line breaks and other runs
    of spaces still become one space."""
    subject = (
        "Votre proposition est entre les mains des coresponsables\u00a0: Numérisation des "
        "dossiers\u202f: «\u00a0retour d’expérience\u00a0» de l’office finlandais"
    )
    _mail(
        Recipient("dana@ilpo.example", "Élodie\u00a0Lefèvre", "fr"), MessageKind.received, subject
    )
    _mail(DANA, MessageKind.decision, "Votre proposition\u00a0:\r\n  acceptée\u2028 ")
    _send_once(cli)
    first, second = (received.message for received in smtp.received)
    assert first["Subject"] == subject
    assert first["To"].addresses[0].display_name == "Élodie\u00a0Lefèvre"
    assert second["Subject"] == "Votre proposition\u00a0: acceptée"


def test_text_that_reads_as_an_encoded_word_stays_text(app_context, cli, smtp):
    """A title or name typed as an RFC 2047 encoded word ("=?utf-8?b?...?=", any printable
    text: a volunteer's form takes it) reaches the reader as typed, not as what it encodes:
    Python decoded it as the header was set, and wrote what it held, line breaks included, as
    headers of their own (a Reply-To in the mail every co-lead gets of a new proposal)."""
    import base64
    from email.header import decode_header, make_header

    def encoded(text: str) -> str:
        return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="

    subject = "New proposal: AI " + encoded("x\r\nReply-To: eve@evil.example\r\nX-Evil: 1")
    name = "Eve " + encoded("y\r\nBcc: eve@evil.example") + " =?utf-8?q?Dana?="
    _mail(Recipient("dana@ilpo.example", name, "en"), MessageKind.decision, subject)
    _send_once(cli)
    (received,) = smtp.received
    headers = list(received.message)
    assert not {"Bcc", "Reply-To", "X-Evil"} & set(headers)
    assert [header for header in headers if header in ("To", "Subject")] == ["To", "Subject"]
    assert received.rcpt_tos == ["dana@ilpo.example"]
    # As a mail client reads them; only an invisible word joiner keeps each "=?" text.
    head = received.data.split(b"\r\n\r\n", 1)[0].decode().replace("\r\n ", " ")
    written = dict(line.split(": ", 1) for line in head.split("\r\n"))
    read = {key: str(make_header(decode_header(written[key]))) for key in ("Subject", "To")}
    assert read["Subject"].replace("\u2060", "") == subject
    assert read["To"].replace("\u2060", "") == f"{name} <dana@ilpo.example>"


def test_a_message_without_html_or_calendar_is_plain_text(app_context, cli, smtp):
    enqueue(DANA, kind=MessageKind.decision, subject="Your proposal", text="Accepted.")
    db.session.commit()
    _send_once(cli)
    email = smtp.received[0].message
    assert email.get_content_type() == "text/plain"
    assert email.get_content().strip() == "Accepted."


def test_the_unsubscribe_header_is_the_one_written_with_the_message(app, app_context, smtp):
    """helper-84: the header was made by the sender, from its own BASE_URL and SECRET_KEY; a
    sender run by cron without them sent a link to another server. It is made with the
    message, as its footer's link is."""
    written = app.config["BASE_URL"]
    _mail(DANA, MessageKind.reminder, "In three days", unsubscribe_kind="reminder")
    saved = app.config["BASE_URL"], app.config["SECRET_KEY"]
    app.config.update(BASE_URL="http://127.0.0.1:5000", SECRET_KEY="another key")
    try:
        assert send_due(app.config, utcnow()).sent == 1
    finally:
        app.config["BASE_URL"], app.config["SECRET_KEY"] = saved
    link = smtp.received[0].message["List-Unsubscribe"]
    assert link.startswith(f"<{written}/unsubscribe/")
    assert app.test_client().get(link[1:-1].removeprefix(written)).status_code == 200


def test_optional_kinds_carry_a_one_click_unsubscribe(app, app_context, cli, smtp):
    # An update that always goes (a presenter's own slot) offers no unsubscribe in its headers
    # either: a mail client's button unsubscribed them from what they never could stop, and
    # from their office's updates (helper-58).
    _mail(DANA, MessageKind.update, "Changed: your talk", optional=False)
    _send_once(cli)
    assert smtp.received[0].message["List-Unsubscribe"] is None
    smtp.received.clear()
    _mail(DANA, MessageKind.reminder, "Your talk is in three days", unsubscribe_kind="reminder")
    _send_once(cli)
    email = smtp.received[0].message
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = email["List-Unsubscribe"]
    assert link.startswith(f"<{app.config['BASE_URL']}/unsubscribe/") and link.endswith(">")

    # What a mail client does for RFC 8058: a POST, no cookies, no CSRF token.
    anonymous = app.test_client(use_cookies=False)
    path = link[1:-1].removeprefix(app.config["BASE_URL"])
    response = anonymous.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200

    assert _mail(DANA, MessageKind.reminder, "Another reminder") is None
    _mail(DANA, MessageKind.update, "Your slot moved")  # another optional kind still goes
    _mail(DANA, MessageKind.cancellation, "Cancelled")  # and what is not optional always goes
    _send_once(cli)
    subjects = [m["Subject"] for m in smtp.messages()]
    assert subjects == ["Your talk is in three days", "Your slot moved", "Cancelled"]


def test_without_a_mail_server_messages_are_kept_as_not_sent(app, app_context, smtp):
    message = _mail()
    config = {**app.config, "MAIL_SERVER": None}
    counts = send_due(config, utcnow())
    assert counts.not_sent == 1
    db.session.expire_all()
    assert (message.status, message.last_error) == (MessageStatus.not_sent, NO_SERVER)
    assert smtp.received == []

    # A server is configured later, and a co-lead presses "Send again".
    release(message, utcnow())
    db.session.commit()
    assert send_due(app.config, utcnow()).sent == 1
    assert [m["Message-ID"] for m in smtp.messages()] == [message.message_id]


def test_a_calendar_names_the_organizer_it_goes_out_with(app, app_context, smtp, colead_client):
    """A message written while mail was not set up named the built-in address as ORGANIZER;
    sent once MAIL_FROM is set, it names the Task Force's address, as its From does and as
    every later message about the event will (a calendar takes an update from another
    organizer for another event, and answers to taskforce@localhost reach nobody)."""
    start = utcnow().replace(microsecond=0) + timedelta(days=30)
    event = EventInfo(
        uid="slot-1@cws-ict-planner",
        sequence=2,
        last_modified=start,
        start=start,
        end=start + timedelta(minutes=20),
        summary="AI search; Rec 10, workshop",
        description="Part of: Rec 10 workshop",
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
    message = _mail(ics=written, ics_method="REQUEST")
    # The co-leads' copy in the outbox is the calendar as it will go out.
    app.config["TASKFORCE_EMAIL"], before = "ict@wipo.example", app.config.get("TASKFORCE_EMAIL")
    try:
        shown = colead_client.get(f"/outbox/{message.id}/invite.ics").data
    finally:
        app.config["TASKFORCE_EMAIL"] = before
    assert b"mailto:ict@wipo.example" in shown and b"taskforce@localhost" not in shown
    send_due({**app.config, "MAIL_SERVER": None}, utcnow())
    release(message, utcnow())
    db.session.commit()
    long_name = "the.ict.strategy.task.force.of.the.committee@standards.wipo.example"
    app.config["TASKFORCE_EMAIL"], before = long_name, app.config.get("TASKFORCE_EMAIL")
    try:
        assert send_due(app.config, utcnow()).sent == 1
    finally:
        app.config["TASKFORCE_EMAIL"] = before
    alternative, attachment = smtp.messages()[0].iter_parts()
    *_, cal = alternative.iter_parts()
    for part in (cal.get_content().encode(), attachment.get_content()):
        read_everywhere(part)
        (sent,) = icalendar.Calendar.from_ical(part).walk("VEVENT")
        assert str(sent["ORGANIZER"]) == f"mailto:{long_name}"
        assert sent["ORGANIZER"].params["CN"] == "CWS ICT Task Force"
        # The rest is as written.
        assert part.replace(b"\r\n ", b"").decode().replace(
            f"mailto:{long_name}", "mailto:taskforce@localhost"
        ) == written.replace("\r\n ", "")


def test_the_mail_settings_come_from_the_environment():
    assert settings_from_environment({})["MAIL_SERVER"] is None
    assert settings_from_environment({"MAIL_USE_TLS": "1"})["MAIL_PORT"] == 587
    assert settings_from_environment({"MAIL_USE_SSL": "true"})["MAIL_PORT"] == 465
    settings = settings_from_environment(
        {"MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "2525", "MAIL_FROM": FROM}
    )
    assert (settings["MAIL_SERVER"], settings["MAIL_PORT"], settings["MAIL_FROM"]) == (
        "smtp.example.org",
        2525,
        FROM,
    )


def test_a_mail_server_without_a_sender_address_stops_the_start():
    """With MAIL_FROM unset, messages would go from taskforce@localhost, which reaches nobody
    (replies, and the presenters' calendar answers to their invitations' ORGANIZER) and which
    mail servers refuse or file as spam: a mail server needs it set, and says so."""
    for sender in ({}, {"MAIL_FROM": "  "}, {"TASKFORCE_EMAIL": "taskforce@example.org"}):
        with pytest.raises(SystemExit, match="MAIL_FROM") as stopped:
            settings_from_environment({"MAIL_SERVER": "smtp.example.org", **sender})
        assert "a mailbox the co-leads read" in str(stopped.value)
    for wrong in ("Task Force", "a@", "@example.org", "Task Force <@example.org>"):
        with pytest.raises(SystemExit, match="MAIL_FROM must be an address"):
            settings_from_environment({"MAIL_SERVER": "smtp.example.org", "MAIL_FROM": wrong})
    # Without a mail server nothing is sent: messages wait in the outbox, marked not sent.
    assert settings_from_environment({})["MAIL_FROM"] == "CWS ICT Task Force <taskforce@localhost>"


def test_while_the_server_is_away_messages_wait_and_then_arrive_once_in_order(app, app_context):
    """The fault test: five messages while the SMTP server is down, then it is back."""
    server = SmtpServer()  # not started: nothing listens on its port
    config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port, "MAIL_FROM": FROM}
    order = [(ALEX, "1"), (DANA, "1"), (ALEX, "2"), (ALEX, "3"), (DANA, "2")]
    stored = [_mail(who, MessageKind.update, f"Update {n} for {who.name}") for who, n in order]

    start = utcnow() + timedelta(minutes=1)  # ahead of the clock: the waits count from it
    counts = send_due(config, start)
    # Each recipient's first message was tried; the later ones wait behind it.
    assert (counts.sent, counts.retrying) == (0, 2)
    db.session.expire_all()
    first = db.session.get(OutboxMessage, stored[0].id)
    assert first.attempts == 1 and "ConnectionRefusedError" in first.last_error
    assert first.next_attempt_at == start + delay_after(1)
    assert send_due(config, start + timedelta(seconds=30)).handled == 0  # not due yet

    server.start()
    try:
        counts = send_due(config, start + timedelta(minutes=2))
        assert counts.sent == 5
        assert send_due(config, start + timedelta(hours=3)).handled == 0
    finally:
        server.stop()

    ids = [r.message["Message-ID"] for r in server.received]
    assert sorted(ids) == sorted(m.message_id for m in stored)  # each exactly once
    for who in (ALEX, DANA):
        got = [r.message["Subject"] for r in server.received if r.rcpt_tos == [who.email]]
        assert got == [f"Update {n} for {w.name}" for w, n in order if w == who]
    db.session.expire_all()
    assert {m.status for m in db.session.scalars(select(OutboxMessage))} == {MessageStatus.sent}


def test_a_recipient_waiting_for_a_retry_gets_nothing_later_before_it(app, app_context, smtp):
    smtp.refuse[ALEX.email] = "451 4.2.1 Mailbox busy, try later"
    first = _mail(ALEX, subject="First")
    second = _mail(ALEX, MessageKind.update, "Second")
    _mail(DANA, subject="Dana's")
    now = utcnow()
    counts = send_due(app.config, now)
    assert (counts.sent, counts.retrying) == (1, 1)
    db.session.expire_all()
    assert first.last_error.startswith("refused by the mail server: 451")
    assert second.attempts == 0 and second.status == MessageStatus.queued

    del smtp.refuse[ALEX.email]
    # A minute after it failed, a moment after `now`:
    assert send_due(app.config, now + timedelta(minutes=1, seconds=5)).sent == 2
    assert [m["Subject"] for m in smtp.messages()] == ["Dana's", "First", "Second"]


def test_retries_back_off_and_end_as_failed(app, app_context, smtp):
    smtp.refuse[ALEX.email] = "452 4.2.2 Mailbox full"
    message = _mail()
    now = utcnow() + timedelta(minutes=1)  # a round a minute ahead: the waits count from it
    waits = []
    for _ in range(MAX_ATTEMPTS):
        send_due(app.config, now)
        db.session.expire_all()
        waits.append(message.next_attempt_at - now)
        now = message.next_attempt_at
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits[:-1]) == timedelta(hours=1)  # capped
    assert (message.status, message.attempts) == (MessageStatus.failed, MAX_ATTEMPTS)
    assert "452" in message.last_error


def test_a_recipient_refused_for_good_fails_at_once(app, app_context, smtp):
    smtp.refuse[DANA.email] = "550 5.1.1 No such user"
    message = _mail(DANA)
    assert send_due(app.config, utcnow()).failed == 1
    db.session.expire_all()
    assert (message.status, message.attempts) == (MessageStatus.failed, 1)
    assert "550" in message.last_error


def test_a_message_a_dead_sender_had_claimed_is_sent_after_its_lease(app, app_context, smtp):
    message = _mail()
    now = utcnow()
    assert claim(now) == [message.id]  # ...and the sender dies before sending
    assert send_due(app.config, now).handled == 0  # no other sender takes it meanwhile
    assert send_due(app.config, now + LEASE - timedelta(seconds=1)).handled == 0
    # The lease runs from the clock's time when it was taken, a moment after `now`.
    assert send_due(app.config, now + LEASE + timedelta(seconds=1)).sent == 1
    assert [m["Message-ID"] for m in smtp.messages()] == [message.message_id]


def test_a_sender_told_to_stop_gives_back_what_it_has_not_sent(app, app_context, smtp):
    """helper-202: a sender stopped with SIGTERM (restarted for a new release) finished the
    message in hand and left the rest of its batch leased: another sender, or itself started
    again, sent them ten minutes (LEASE) later, and every later message to their recipients
    waited as long. It gives them back, due at once; what it sent goes once."""
    first, second, third = _mail(ALEX), _mail(DANA), _mail(Recipient("r@ipo.example", "R", "en"))
    later = _mail(DANA, MessageKind.update, "Later")  # waits behind Dana's first
    now = utcnow()
    counts = send_due(app.config, now, stop=lambda: len(smtp.messages()) == 1)
    assert counts.sent == 1
    assert send_due(app.config, now).sent == 3  # another sender, at once
    assert send_due(app.config, now).sent == 0
    sent = [m["Message-ID"] for m in smtp.messages()]
    assert sent == [first.message_id, second.message_id, third.message_id, later.message_id]


def test_a_sender_that_stalled_past_its_lease_leaves_its_messages_to_the_one_that_took_them(
    app, app_context, smtp, clock
):
    """A sender stopped for longer than LEASE (a process suspended, a machine paused) comes back
    to messages another sender has leased since: it must not renew that lease as its own and
    send them too."""
    message = _mail()
    stalled = claim(utcnow())
    assert stalled == [message.id]
    clock.sleep(LEASE.total_seconds() + 60)  # ...while it stands still, the lease ends
    taken = claim(utcnow())  # another sender leases the message, and is about to send it
    assert taken == [message.id]
    assert deliver_leased(stalled, app.config, utcnow(), Counts()) is True
    assert smtp.messages() == []  # the stalled sender sent nothing
    counts = Counts()
    deliver_leased(taken, app.config, utcnow(), counts)
    assert counts.sent == 1
    assert [m["Message-ID"] for m in smtp.messages()] == [message.message_id]


def test_held_messages_wait_for_a_colead(app, app_context, smtp):
    message = _mail(hold=True)
    assert send_due(app.config, utcnow()).handled == 0
    release(message, utcnow())
    db.session.commit()
    assert send_due(app.config, utcnow()).sent == 1


def test_a_claim_skips_rows_another_sender_has_locked(app, app_context):
    _mail()
    with counted_queries() as statements:
        claim(utcnow())
    locking = [s for s in statements if "FOR UPDATE" in s]
    if db.engine.dialect.name == "postgresql":
        assert len(locking) == 1 and "SKIP LOCKED" in locking[0]
    else:
        assert locking == []  # SQLite: one writer at a time; the claim's UPDATE re-checks


def test_a_long_round_keeps_what_it_has_yet_to_send_from_other_senders(
    app, app_context, smtp, clock
):
    """A round's `now` is when it began. With a slow server it may run past LEASE: the messages
    it has leased and not yet sent (this batch's rest, and later batches, claimed as the round
    goes on) must stay its own, or a second sender starting meanwhile sends them too."""
    sent_alone = [_mail(Recipient(f"r{n}@ipo.example", f"R{n}", "en")) for n in range(15)]
    start = utcnow()
    checked = []

    def a_minute_passes() -> bool:
        clock.sleep(70)  # each message took the slow server seventy seconds
        db.session.expire_all()
        leased = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.status == MessageStatus.queued, OutboxMessage.next_attempt_at > start
            )
        ).all()
        checked.append(len(leased))
        # A leased message no other sender takes until its lease ends: it must not end first.
        assert all(m.next_attempt_at > utcnow() for m in leased), utcnow() - start
        return False

    assert send_due(app.config, start, stop=a_minute_passes).sent == len(sent_alone)
    assert utcnow() - start > 2 * LEASE  # the round outlasted two leases
    assert max(checked) > 0 and checked[-1] == 0
    assert len(smtp.messages()) == len(sent_alone)
    # Each is recorded, and dated in its headers, as sent when it went, not when the round began.
    db.session.expire_all()
    assert max(m.sent_at for m in sent_alone) - start > LEASE
    dates = [parsedate_to_datetime(m["Date"]) for m in smtp.messages()]
    assert max(dates) - start > LEASE


def test_a_failure_late_in_a_long_round_waits_its_delay_from_when_it_failed(
    app, app_context, smtp, clock
):
    """The back-off counts from the failed attempt, not from the round's start: a message
    refused twenty minutes into a round is not due again at once (start + 1 minute)."""
    first, late = _mail(DANA, subject="First"), _mail(subject="Late")
    smtp.refuse[ALEX.email] = "451 4.3.0 Try again later"
    start, asked = utcnow(), []

    def twenty_minutes_pass_after_the_first() -> bool:
        asked.append(True)  # before the round's first claim, then after each message
        if len(asked) == 2:
            clock.sleep(20 * 60)
        return len(asked) > 2

    counts = send_due(app.config, start, stop=twenty_minutes_pass_after_the_first)
    assert (counts.sent, counts.retrying) == (1, 1)
    db.session.expire_all()
    assert first.status == MessageStatus.sent and late.status == MessageStatus.queued
    failed_at = start + timedelta(minutes=20)
    assert late.next_attempt_at - failed_at >= delay_after(1)
    assert late.next_attempt_at - failed_at < delay_after(1) + timedelta(seconds=30)


def test_a_sender_that_stalled_while_sending_leaves_the_rest_to_the_one_that_took_them(
    app, app_context, clock, monkeypatch
):
    """A sender stopped past its lease in the middle of an SMTP conversation (a process
    suspended, a machine paused) that then finds the server gone postpones the rest of its batch:
    not the messages another sender has leased since, whose lease it would replace with its
    back-off and whose attempts it would count."""
    from planner.mail import sender

    first, second = _mail(ALEX, subject="First"), _mail(DANA, subject="Second")
    stalled = claim(utcnow())
    assert stalled == [first.id, second.id]
    others = []

    def stall_then_lose_the_server(*_args):
        clock.sleep(LEASE.total_seconds() + 60)
        others.append(claim(utcnow()))  # another sender leases what is due meanwhile
        raise OSError("Connection reset by peer")

    monkeypatch.setattr(sender, "_deliver", stall_then_lose_the_server)
    config = {**app.config, "MAIL_SERVER": "127.0.0.1", "MAIL_FROM": FROM}
    assert deliver_leased(stalled, config, utcnow(), Counts()) is False
    (taken,) = others
    assert second.id in taken
    db.session.expire_all()
    assert second.attempts == 0 and second.last_error is None
    assert second.next_attempt_at == taken.until  # still the other sender's to send


def test_the_worker_takes_no_interval_that_would_ask_the_database_without_pause(cli, monkeypatch):
    """helper-183: `mail send --interval 0` (or -1) asked for due messages as fast as the
    database answered, saying it would deliver "every -1 s"."""

    def a_round(*_args, **_kwargs):
        raise RuntimeError("the worker began a round")

    monkeypatch.setattr("planner.mail.cli.send_due", a_round)  # the worker ends at its first
    for interval in ("0", "-1"):
        result = cli.invoke(args=["mail", "send", "--interval", interval])
        assert result.exit_code == 2
        assert "Invalid value for '--interval'" in result.output


def _held_up_by_the_mail_server(api, slot, presenter) -> tuple[SmtpServer, dict]:
    """The presenter confirmed their talk of the published workshop and heard of it; then the
    mail server went away: (the server, stopped, and the sender's settings)."""
    from tests.presenters.support import confirm, invite
    from tests.support import publish_as_planned

    link = invite(api, slot)
    assert publish_as_planned(api, slot.meeting_id).status_code == 200
    assert confirm(presenter, link).status_code == 302
    server = SmtpServer().start()
    config = {**api.application.config, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server.port}
    config["MAIL_FROM"] = FROM
    assert send_due(config, utcnow() + timedelta(minutes=2)).sent >= 3
    server.stop()
    server.received.clear()
    return server, config


def _video_link_changed(api, slot) -> OutboxMessage:
    """Five minutes before the workshop, its video link changes: the presenter's update."""
    import time_machine

    with time_machine.travel(slot.meeting.starts_at - timedelta(minutes=5), tick=True):
        changed = api.patch(
            f"/api/v1/meetings/{slot.meeting_id}", json={"video_url": "https://video.example/b"}
        )
        assert changed.status_code == 200
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1)
    ).one()


def test_nothing_held_up_until_its_meeting_is_over_goes_then(api, slot, presenter):
    """The mail server is away from five minutes before the workshop until after it: the
    change of its video link, waiting for it, never goes (it went, telling the presenter of a
    link to a meeting over, as a "New time, please confirm" of a talk given would have), and
    the outbox page says why. Nothing is sent twice or out of order meanwhile."""
    server, config = _held_up_by_the_mail_server(api, slot, presenter)
    update = _video_link_changed(api, slot)
    assert "video link" in update.subject
    ended = slot.meeting.ends_at
    assert send_due(config, ended - timedelta(minutes=4)).retrying == 1  # the server is away

    server.start()
    try:
        counts = send_due(config, ended + timedelta(minutes=10))
    finally:
        server.stop()
    assert (counts.sent, counts.too_late) == (0, 1) and server.received == []
    db.session.expire_all()
    assert update.status == MessageStatus.superseded
    assert update.last_error == (
        "not sent: its meeting ended 9 March 2027 at 14:30 in Geneva (UTC+1), before it went: "
        "no one is written to about a meeting that is over."
    )
    assert send_due(config, ended + timedelta(hours=3)).handled == 0
    page = html.unescape(api.get(f"/outbox/{update.id}").get_data(as_text=True))
    assert "This message is superseded: it never goes. Its meeting ended 9 March 2027" in page


def test_a_reminder_held_up_until_its_talk_started_does_not_go_but_news_of_the_meeting_does(
    api, slot, presenter
):
    """Back while the workshop is on, the server takes the new video link, which the presenter
    needs, but not the reminder written the day before: the talk it reminds of has begun."""
    from planner.mail.messages import enqueue_reminders

    server, config = _held_up_by_the_mail_server(api, slot, presenter)
    assert enqueue_reminders(slot.starts_at - timedelta(days=1)) == 1
    db.session.commit()
    assert send_due(config, slot.starts_at - timedelta(days=1)).retrying == 1
    update = _video_link_changed(api, slot)

    server.start()
    try:
        counts = send_due(config, slot.starts_at + timedelta(minutes=5))
    finally:
        server.stop()
    assert (counts.sent, counts.too_late) == (1, 1)
    (received,) = server.messages()
    assert received["Message-ID"] == update.message_id
    reminder = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == MessageKind.reminder)
    ).one()
    assert reminder.status == MessageStatus.superseded
    assert reminder.last_error == (
        f"not sent: “{slot.title}” has started since this reminder was written."
    )
