"""Internationalised addresses reach a real SMTP server on loopback that, like many, does not offer
SMTPUTF8: a domain such as exämple.org goes as xn--exmple-cua.org; an address such as
josé@example.org fails alone and for good, saying why on the outbox page, while every other
message of the round goes; a server that offers SMTPUTF8 takes it as it is."""

from email import message_from_string, policy

import pytest

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, enqueue
from planner.mail.sender import NO_SMTPUTF8, send_due
from tests.calendar.readers import calendar_parts, read_calendar_part
from tests.mail.smtp_server import SmtpServer
from tests.presenters.support import invite
from tests.support import COLEAD_EMAIL
from tests.support import VOLUNTEERED as PROPOSAL

FROM = "CWS ICT Task Force <taskforce@example.org>"
PRESENTER = "alex@ipaustralia.example"


def _server(app, *, smtputf8: bool):
    server = SmtpServer(smtputf8=smtputf8).start()
    saved = {k: app.config.get(k) for k in ("MAIL_SERVER", "MAIL_PORT", "MAIL_FROM")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_FROM=FROM)
    yield server
    server.stop()
    app.config.update(saved)


@pytest.fixture
def ascii_only(app):
    """A server whose EHLO does not offer SMTPUTF8."""
    yield from _server(app, smtputf8=False)


@pytest.fixture
def smtputf8(app):
    yield from _server(app, smtputf8=True)


def _send_once(cli) -> str:
    result = cli.invoke(args=["mail", "send", "--once"])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def _propose(client, email: str) -> None:
    sent = client.post("/api/v1/proposals", json={**PROPOSAL, "email": email})
    assert sent.status_code == 201, sent.get_json()


def _outbox() -> dict[str, OutboxMessage]:
    db.session.expire_all()
    return {m.recipient_email: m for m in db.session.scalars(db.select(OutboxMessage))}


def test_an_idn_domain_goes_as_xn_and_holds_up_no_one(client, api, slot, cli, ascii_only):
    """The probe's steps: a volunteer at exämple.org, then an unrelated invitation."""
    _propose(client, "eva@exämple.org")
    invite(api, slot)
    # Hers, the presenter's invitation and the co-leads' news of her proposal.
    assert _send_once(cli).startswith("3 sent, 0 to retry, 0 failed")

    by_recipient = {r.rcpt_tos[0]: r for r in ascii_only.received}
    assert by_recipient.keys() == {"eva@xn--exmple-cua.org", PRESENTER, COLEAD_EMAIL}
    received = by_recipient["eva@xn--exmple-cua.org"]
    assert received.mail_from == "taskforce@example.org"
    assert received.data.isascii()  # no SMTPUTF8 was needed, none was used
    (to,) = received.message["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Eva Volunteer", "eva@xn--exmple-cua.org")
    assert received.message["Subject"].startswith("Your proposal is with the co-leads")
    # The outbox keeps the address as it was typed, the way the co-leads read it.
    assert {m.status for m in _outbox().values()} == {MessageStatus.sent}
    assert "eva@exämple.org" in _outbox()


def test_a_non_ascii_local_part_fails_alone_and_says_why(
    client, api, colead_client, slot, cli, ascii_only
):
    _propose(client, "josé@example.org")
    invite(api, slot)
    assert _send_once(cli).startswith("2 sent, 0 to retry, 1 failed")

    # The unrelated messages went in the same round.
    assert sorted(r.rcpt_tos for r in ascii_only.received) == sorted([[COLEAD_EMAIL], [PRESENTER]])
    failed = _outbox()["josé@example.org"]
    assert (failed.kind, failed.status, failed.attempts) == (
        MessageKind.received,
        MessageStatus.failed,
        1,
    )
    assert failed.last_error == NO_SMTPUTF8
    assert "does not offer SMTPUTF8" in failed.last_error
    page = colead_client.get("/outbox?status=failed").get_data(as_text=True)
    assert "josé@example.org" in page and "does not accept such addresses" in page
    # Not tried again: nothing is due, and nothing reached the server.
    assert _send_once(cli).startswith("0 sent, 0 to retry, 0 failed")
    assert len(ascii_only.received) == 2


def test_a_failed_address_in_a_batch_leaves_the_rest_to_go(app, app_context, ascii_only):
    """In one batch, around and between a recipient the server cannot take."""
    names = ["ana@example.org", "josé@example.org", "eva@exämple.org", "jürgen@exämple.org"]
    for email in names:
        enqueue(Recipient(email, "Someone"), kind=MessageKind.decision, subject="s", text="t")
    db.session.commit()
    counts = send_due(app.config, utcnow())
    assert (counts.sent, counts.retrying, counts.failed) == (2, 0, 2)
    assert [r.rcpt_tos for r in ascii_only.received] == [
        ["ana@example.org"],
        ["eva@xn--exmple-cua.org"],
    ]
    messages = _outbox()
    for email in ("josé@example.org", "jürgen@exämple.org"):
        assert (messages[email].status, messages[email].last_error) == (
            MessageStatus.failed,
            NO_SMTPUTF8,
        )


def test_a_server_offering_smtputf8_takes_a_non_ascii_local_part(app, app_context, smtputf8):
    enqueue(Recipient("josé@exämple.org", "José"), kind=MessageKind.decision, subject="s", text="t")
    db.session.commit()
    assert send_due(app.config, utcnow()).sent == 1
    (received,) = smtputf8.received
    assert received.rcpt_tos == ["josé@xn--exmple-cua.org"]
    assert "To: José <josé@xn--exmple-cua.org>\r\n".encode() in received.data  # UTF-8, as is


def test_a_long_name_with_a_comma_stays_one_recipient_beside_a_non_ascii_address(
    app, app_context, smtputf8
):
    """A message to josé@... goes with SMTPUTF8, which smtplib writes with Python's utf8 policy:
    there Python folded a name too long for one line without the quotes around it, and the
    comma in "Fernández-Castañeda de la Torre, Jr." made the To header two recipients, the first
    with no address at all. The name keeps its quotes (on one line, within RFC 5322's 998)."""
    name = "María José Fernández-Castañeda de la Torre, Jr. (INDECOPI, Signos Distintivos)"
    enqueue(
        Recipient("josé@indecopi.example", name), kind=MessageKind.decision, subject="s", text="t"
    )
    db.session.commit()
    assert send_due(app.config, utcnow()).sent == 1
    (received,) = smtputf8.received
    head = received.data.decode("utf-8").partition("\r\n\r\n")[0]
    (to,) = message_from_string(head + "\r\n\r\n", policy=policy.default)["To"].addresses
    assert (to.display_name, to.addr_spec) == (name, "josé@indecopi.example")
    assert all(len(line.encode()) <= 998 for line in head.split("\r\n"))


def test_a_presenter_at_a_non_ascii_address_finds_themselves_among_the_attendees(
    api, slot, cli, smtputf8
):
    """Thunderbird finds the attendee it answers as by comparing each ATTENDEE, "mailto:" taken
    off, with the recipient's own address, letter for letter (calEmailUtils'
    attendeeMatchesAddresses); so do `icalendar` (`vCalAddress.email`) and Outlook. Written
    percent-encoded ("mailto:jos%C3%A9@..."), José's address matched no one: the invitation
    came without Accept and Decline. The ATTENDEE now names the address the To header names."""
    invite(api, slot, name="José Álvarez", email="josé@exämple.org")
    assert _send_once(cli).startswith("1 sent")
    (received,) = smtputf8.received
    message = message_from_string(received.data.decode("utf-8"), policy=policy.default)
    (to,) = message["To"].addresses
    (part,) = calendar_parts(message)
    _, _, event = read_calendar_part(part)
    assert event["ATTENDEE"].email == to.addr_spec == "josé@xn--exmple-cua.org"
