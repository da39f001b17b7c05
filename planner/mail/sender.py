"""The sender: delivers the outbox's due messages over SMTP, each once, in order per recipient.

A round claims a few due messages in a short transaction (`SELECT ... FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several senders take different rows without waiting; SQLite has one writer at a time)
and leases them: their next attempt moves LEASE ahead, so no other sender takes them while this one
sends, renewed before each message it sends (a round's `now` is when it began: a long round with a
slow server outlasts a lease), and only while it is still theirs (`Lease`). Each message is then
sent and its outcome committed on its own: a sender that dies loses nothing (its leased messages are
due again when the lease ends) and sends again at most the one message it was sending, with the same
Message-ID; one told to stop finishes the message in hand and gives the rest back, due at once
(`_release`). A recipient's message waits while an earlier one to them is still queued, so nobody
reads an update before its invitation. Failures are retried after 1, 2, 4 ... minutes (at most an
hour apart), MAX_ATTEMPTS times in all; a recipient the server refuses for good (5xx) fails at once,
and so does an address with other than ASCII characters before the @ when the server does not offer
SMTPUTF8: neither holds up the other messages. An internationalised domain goes in its ASCII form
(xn--), which any server takes. A message about a meeting that ended before it went, or a
reminder of a slot that has started, never goes (`outbox.too_late`), nor anything about a slot
to its presenter whose invitation did not reach them (`outbox.before_invitation`)."""

import logging
import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy import exists, select, update
from sqlalchemy.orm import aliased

from planner.addresses import needs_smtputf8
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.compose import ComposeError, compose, smtp_address
from planner.mail.models import MessageStatus, OutboxMessage
from planner.mail.outbox import before_invitation, too_late
from planner.mail.unsubscribe import unsubscribe_url

log = logging.getLogger(__name__)

BATCH = 10  # messages claimed at a time
LEASE = timedelta(minutes=10)  # longer than any SMTP conversation (TIMEOUT seconds a step)
TIMEOUT = 30  # seconds for the SMTP server to answer
MAX_ATTEMPTS = 8
FIRST_DELAY, LONGEST_DELAY = timedelta(minutes=1), timedelta(hours=1)
NO_SERVER = "not sent: no mail server configured"
DEFAULT_FROM = "CWS ICT Task Force <taskforce@localhost>"
# Said on the outbox page of a message to an address such as josé@example.org that this server
# cannot take: no later attempt would go otherwise, and the other messages go on.
NO_SMTPUTF8 = (
    "not sent: this address has letters other than a–z before the @, and the mail server "
    "does not accept such addresses (it does not offer SMTPUTF8). Reach this person at another "
    "address, or press Send again once the mail server accepts them."
)

_YES = ("1", "true", "yes", "on")


def settings_from_environment(environ: Mapping[str, str] = os.environ) -> dict:
    """The MAIL_* settings (the names Flask mail extensions use) from the environment. Without
    MAIL_SERVER nothing is sent: messages stay in the outbox marked as not sent. With it,
    MAIL_FROM must be set: anything else stops the start, naming the variable."""
    use_ssl = environ.get("MAIL_USE_SSL", "").strip().lower() in _YES
    use_tls = environ.get("MAIL_USE_TLS", "").strip().lower() in _YES
    port = environ.get("MAIL_PORT", "").strip()
    server = environ.get("MAIL_SERVER", "").strip() or None
    mail_from = environ.get("MAIL_FROM", "").strip()
    local, at, domain = parseaddr(mail_from)[1].rpartition("@")
    # A mailbox and a domain either side of the @: "a@" or "@example.org" reach nobody.
    if mail_from and not (local and at and domain):
        raise SystemExit(
            f"MAIL_FROM must be an address such as 'CWS ICT Task Force <taskforce@example.org>', "
            f"not {mail_from!r}."
        )
    if port and not (port.isascii() and port.isdigit() and 0 < int(port) < 65536):
        raise SystemExit(f"MAIL_PORT must be a port number from 1 to 65535, not {port!r}.")
    if server and not mail_from:
        # The built-in sender reaches nobody: replies, and the calendar answers to the
        # invitations' ORGANIZER, would be lost, and mail servers refuse it or file it as spam.
        raise SystemExit(
            "MAIL_SERVER is set but MAIL_FROM is not: messages would go from "
            f"{parseaddr(DEFAULT_FROM)[1]}, which reaches nobody. Set MAIL_FROM to a mailbox "
            "the co-leads read, e.g. MAIL_FROM='CWS ICT Task Force <taskforce@example.org>'."
        )
    return {
        "MAIL_SERVER": server,
        "MAIL_PORT": int(port) if port else (465 if use_ssl else 587 if use_tls else 25),
        "MAIL_USERNAME": environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": use_tls,
        "MAIL_USE_SSL": use_ssl,
        "MAIL_FROM": mail_from or DEFAULT_FROM,
    }


@dataclass
class Counts:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    not_sent: int = 0
    too_late: int = 0  # superseded as it came to go: too late to be news (`outbox.too_late`)
    # Superseded as it came to go: to a presenter their invitation did not reach
    # (`outbox.before_invitation`).
    before_invitation: int = 0

    @property
    def handled(self) -> int:
        return (
            self.sent
            + self.retrying
            + self.failed
            + self.not_sent
            + self.too_late
            + self.before_invitation
        )


def delay_after(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4 ... minutes, capped."""
    return min(FIRST_DELAY * 2 ** (attempts - 1), LONGEST_DELAY)


def _due(now: datetime):
    """Queued messages due by `now` whose recipient has no earlier message still queued."""
    earlier = aliased(OutboxMessage)
    waiting_before = exists().where(
        earlier.recipient_mailbox == OutboxMessage.recipient_mailbox,
        earlier.id < OutboxMessage.id,
        earlier.status == MessageStatus.queued,
    )
    return (
        (OutboxMessage.status == MessageStatus.queued)
        & (OutboxMessage.next_attempt_at <= now)
        & ~waiting_before
    )


class Lease(list):
    """The ids of the messages a sender leased (`claim`), in order, and when its lease on them
    ends (`until`), the value it wrote as their next attempt: a message whose next attempt is
    still that value is still this sender's. One that stalled past its lease (a process
    suspended, a machine paused) finds another value where another sender has leased the message
    since, and leaves it to that one."""

    def __init__(self, ids: list[int], until: datetime) -> None:
        super().__init__(ids)
        self.until = until


def claim(now: datetime, limit: int = BATCH) -> Lease:
    """Lease up to `limit` due messages to this sender, in id order (committed)."""
    candidates = db.session.scalars(
        select(OutboxMessage.id)
        .where(_due(now))
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    ).all()
    claimed = []
    until = _lease_end(now)
    for message_id in candidates:
        # Still due? On SQLite another sender may have leased it since the select.
        taken = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.status == MessageStatus.queued,
                OutboxMessage.next_attempt_at <= now,
            )
            .values(next_attempt_at=until)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:
            claimed.append(message_id)
    db.session.commit()
    return Lease(claimed, until)


def _clock(now: datetime) -> datetime:
    """The time it is in a round begun at `now`: the clock's, or `now` when that is later (a
    round run for a time to come, as the tests do)."""
    return max(now, utcnow())


def _lease_end(now: datetime) -> datetime:
    """When a lease taken or renewed now ends: LEASE from the time it is (`_clock`)."""
    return _clock(now) + LEASE


def _renew(lease: Lease, rest: list[int], now: datetime) -> bool:
    """Hold on to the messages of `lease` not yet sent (`rest`, the next to send first),
    committed before it is sent: each SMTP conversation ends within its timeouts, far shorter
    than LEASE, so none of them becomes due for another sender while this one lives. Only those
    still leased to this sender are renewed (`Lease`); whether the next to send is one (not
    if another sender took it, or it was sent, superseded or discarded meanwhile)."""
    until = _lease_end(now)

    def renewed(ids) -> int:
        return db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(ids),
                OutboxMessage.status == MessageStatus.queued,
                OutboxMessage.next_attempt_at == lease.until,
            )
            .values(next_attempt_at=until)
            .execution_options(synchronize_session=False)
        ).rowcount

    mine = renewed(rest[:1]) == 1
    if rest[1:]:
        renewed(rest[1:])
    lease.until = until
    db.session.commit()
    return mine


def server(config: Mapping) -> tuple[str, int]:
    """Where messages are delivered: MAIL_SERVER, at MAIL_PORT (25 unless set)."""
    return config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25)


class _Connection:
    """One SMTP connection for a round, opened when the first message needs it."""

    def __init__(self, config: Mapping) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is None:
            config = self.config
            host, port = server(config)
            timeout = config.get("MAIL_TIMEOUT", TIMEOUT)
            if config.get("MAIL_USE_SSL"):
                smtp = smtplib.SMTP_SSL(
                    host, port, timeout=timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(host, port, timeout=timeout)
            try:
                if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                    smtp.starttls(context=ssl.create_default_context())
                if config.get("MAIL_USERNAME"):
                    smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
                smtp.ehlo_or_helo_if_needed()  # what the server offers (SMTPUTF8) is known
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        return self.smtp

    def drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


def _permanent(error: Exception) -> bool:
    """The server refused this message or recipient for good: retrying cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"refused by the mail server: {code} {text.decode(errors='replace')}"
    if isinstance(error, smtplib.SMTPResponseException):
        reply = error.smtp_error
        reply = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
        return f"mail server answered {error.smtp_code} {reply}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def taskforce_email(config: Mapping) -> str | None:
    """The Task Force's address, the ORGANIZER of its invitations: TASKFORCE_EMAIL, else the
    address MAIL_FROM sends from."""
    return config.get("TASKFORCE_EMAIL") or parseaddr(config.get("MAIL_FROM") or "")[1] or None


def _envelope_sender(mail_from: str) -> str:
    return smtp_address(parseaddr(mail_from)[1] or parseaddr(DEFAULT_FROM)[1])


def _deliver(message: OutboxMessage, config: Mapping, connection: _Connection, now: datetime):
    email = compose(
        message,
        mail_from=config.get("MAIL_FROM") or DEFAULT_FROM,
        organizer=taskforce_email(config),
        date=_clock(now),  # when it goes: late in a long round, not the round's start
        # Only a message whose footer offers to stop it says so in its headers: a mail
        # client's button on a presenter's own update unsubscribed them from another kind.
        # Made when the message was written; one written before that kept none is made now.
        unsubscribe_url=(
            (
                message.unsubscribe_url
                or unsubscribe_url(message.recipient_email, message.unsubscribe_kind)
            )
            if message.unsubscribe_kind
            else None
        ),
    )
    recipient = smtp_address(message.recipient_email)
    smtp = connection.open()
    if needs_smtputf8(recipient) and not smtp.has_extn("smtputf8"):
        raise ComposeError(NO_SMTPUTF8)  # before MAIL FROM: the connection stays good
    smtp.send_message(
        email,
        from_addr=_envelope_sender(config.get("MAIL_FROM") or DEFAULT_FROM),
        to_addrs=[recipient],
    )


def _attempted(message: OutboxMessage, now: datetime) -> None:
    """One more attempt at `message`, made now: late in a long round, the round's `now` is
    long past (`_clock`)."""
    message.attempts += 1
    message.last_attempt_at = _clock(now)


def _record_failure(message: OutboxMessage, error: str, now: datetime, *, final: bool) -> str:
    _attempted(message, now)
    message.last_error = error[:1000]
    if final or message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.failed
        return "failed"
    # From when it failed, as its outbox page says (`OutboxMessage.retry_at`).
    message.next_attempt_at = message.retry_at
    return "retrying"


def send_due(config: Mapping, now: datetime, *, stop: Callable[[], bool] = lambda: False) -> Counts:
    """Deliver every message due by `now` (an aware datetime) with the MAIL_* settings in
    `config`; returns what became of them. `stop()` is asked between messages (a worker told to
    end finishes the message in hand and gives the rest back, due at once for the next sender)."""
    counts = Counts()
    connection = _Connection(config)
    try:
        while not stop():
            claimed = claim(now)
            if not claimed or not deliver_leased(claimed, config, now, counts, connection, stop):
                break
    finally:
        connection.drop()
        db.session.rollback()
    return counts


def deliver_leased(
    claimed: Lease,
    config: Mapping,
    now: datetime,
    counts: Counts,
    connection: "_Connection | None" = None,
    stop: Callable[[], bool] = lambda: False,
) -> bool:
    """Deliver the messages this sender leased (`claim`), in order, committing each; whether
    to go on with the next batch (not when told to stop or the server cannot be reached).
    Without a `connection`, one is opened for these messages and closed after them."""
    if connection is None:
        connection = _Connection(config)
        try:
            return deliver_leased(claimed, config, now, counts, connection, stop)
        finally:
            connection.drop()
    for position, message_id in enumerate(claimed):
        if not _renew(claimed, claimed[position:], now):
            continue  # superseded, discarded or another sender's since it was leased
        message = db.session.get(OutboxMessage, message_id)
        if late := too_late(message, _clock(now)):
            # Held up until then (the mail server away, no sender running): it never goes.
            message.status = MessageStatus.superseded
            message.last_error = f"not sent: {late}"
            outcome = "too_late"
        elif unreached := before_invitation(message):
            # Their invitation did not reach them (the sender gave up, the server refused it for
            # good, or no mail server was configured then): they never had their link, nor the
            # calendar entry this would change.
            message.status = MessageStatus.superseded
            message.last_error = f"not sent: {unreached}"
            outcome = "before_invitation"
        elif not config.get("MAIL_SERVER"):
            message.status = MessageStatus.not_sent
            message.last_error = NO_SERVER
            outcome = "not_sent"
        else:
            outcome = _send_one(message, config, connection, now)
        db.session.commit()
        setattr(counts, outcome, getattr(counts, outcome) + 1)
        log.info("outbox message %s (%s): %s", message_id, message.kind, outcome)
        if outcome == "retrying" and connection.smtp is None:
            # The server cannot be reached: the rest of the batch waits as long.
            for later in _postpone(claimed, claimed[position + 1 :], message, now):
                setattr(counts, later, getattr(counts, later) + 1)
            return False
        if stop():
            _release(claimed, claimed[position + 1 :], now)
            return False
    return True


def _release(lease: Lease, rest: list[int], now: datetime) -> None:
    """Give back what a sender told to stop has leased and not sent (`rest`), due at once for
    the next sender: left leased, it waited out LEASE, and every later message to its
    recipients with it (helper-202: ten minutes after each restart for a new release). Only
    what is still this sender's (`Lease`)."""
    if not rest:
        return
    db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(rest),
            OutboxMessage.status == MessageStatus.queued,
            OutboxMessage.next_attempt_at == lease.until,
        )
        .values(next_attempt_at=now)  # due when the round began, as when it claimed them
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _send_one(message: OutboxMessage, config: Mapping, connection: _Connection, now) -> str:
    try:
        _deliver(message, config, connection, now)
    except ComposeError as error:
        return _record_failure(message, str(error), now, final=True)
    except smtplib.SMTPRecipientsRefused as error:
        return _record_failure(message, _describe(error), now, final=_permanent(error))
    except smtplib.SMTPResponseException as error:
        if error.smtp_code >= 400 and not isinstance(error, smtplib.SMTPDataError):
            connection.drop()  # the session itself went wrong (sign-in, sender): start afresh
        return _record_failure(message, _describe(error), now, final=_permanent(error))
    except (smtplib.SMTPException, OSError) as error:
        connection.drop()
        return _record_failure(message, _describe(error), now, final=False)
    message.status = MessageStatus.sent
    _attempted(message, now)
    message.sent_at = message.last_attempt_at
    message.last_error = None
    return "sent"


def _postpone(
    lease: Lease, message_ids: list[int], failed: OutboxMessage, now: datetime
) -> list[str]:
    """The rest of a batch, when the server could not be reached: the same error, the same wait.
    Only what is still this sender's (`Lease`): one stalled past its lease while it sent leaves
    what another sender has leased since to that one, as `_renew` does."""
    outcomes = []
    for message_id in message_ids:
        message = db.session.get(OutboxMessage, message_id)
        if (
            message is None
            or message.status != MessageStatus.queued
            or message.next_attempt_at != lease.until
        ):
            continue  # superseded, discarded or another sender's since it was leased
        outcomes.append(_record_failure(message, failed.last_error or "", now, final=False))
    db.session.commit()
    return outcomes
