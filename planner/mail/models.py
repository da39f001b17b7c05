"""The outbox: one row per message and recipient, written in the transaction of the change that
causes it, and unsubscriptions from the optional kinds."""

import enum
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, validates

from planner.addresses import mailbox
from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db


class MessageStatus(enum.StrEnum):
    held = "held"  # waits for a co-lead to review and send it
    queued = "queued"  # due at next_attempt_at
    sent = "sent"
    failed = "failed"  # gave up after the last retry
    not_sent = "not_sent"  # no mail server configured
    # No longer true before it went out: its presenter was replaced or their link revoked.
    superseded = "superseded"
    # Held for review, and a co-lead decided not to send it: kept (an invitation that did not
    # reach its presenter, as a failed one: `outbox.undelivered_invitations`), to send again.
    discarded = "discarded"


class MessageKind(enum.StrEnum):
    invitation = "invitation"  # to a presenter: the private link and a REQUEST
    decision = "decision"  # to a volunteer: accepted or declined, with the reason
    received = "received"  # to a volunteer: their proposal arrived, with its private link
    answer = "answer"  # to the co-leads: a presenter confirmed, declined or asked
    update = "update"  # a slot or meeting changed: a REQUEST with a higher SEQUENCE
    cancellation = "cancellation"  # a CANCEL
    reminder = "reminder"  # N days before, to presenters
    proposal = "proposal"  # to the co-leads: an office volunteered a presentation
    feed = "feed"  # to an office's contacts: its private calendar feed, sent by a co-lead


class MessageRole(enum.StrEnum):
    """As whom a message addresses its recipient: one person may be written to in two roles (a
    slot's presenter who is also a contact of the presenting office)."""

    presenter = "presenter"  # a slot's presenter: their invitation, its updates and reminders
    contact = "contact"  # an office's contact: its slots' news, its feed's link
    volunteer = "volunteer"  # who proposed a presentation: their link, the decision
    colead = "colead"  # a co-lead: a presenter's answer, a proposal to review


# The languages messages to volunteers, presenters and office contacts are written in besides
# English (templates/mail/<kind>.<language>.txt and .html); the co-leads' own are English.
LANGUAGES_WRITTEN = ("es", "fr", "pt", "ru", "zh")
# The tag (BCP 47) a page or a message in each says it is in (`<html lang>`, Content-Language):
# the Portuguese written is Brazil's and the Chinese Simplified, which "pt" and "zh" alone do
# not say (a screen reader may read "pt" with Portugal's voice; "zh" names no script, and a
# browser may draw it with a Traditional or Japanese font's forms).
LANGUAGE_TAGS = {"pt": "pt-BR", "zh": "zh-Hans"}


def language_tag(language: str) -> str:
    """`language` (a code the app keeps: "pt") as a page or a message says it is written in
    it: "pt-BR", "zh-Hans", "es"."""
    return LANGUAGE_TAGS.get(language, language)


# Kinds a recipient may turn off with one click; invitations and cancellations always go.
OPTIONAL_KINDS = (MessageKind.reminder, MessageKind.update, MessageKind.proposal)


class Restart(NamedTuple):
    """A co-lead's "Send now" or "Send again" of a message (`OutboxMessage.sent_again_after`):
    the message pressed (`message`), as it was then (`status`: held, failed, not sent or
    discarded; None if not kept), its `attempts` and its server's last answer (`error`), who
    pressed it (`by`, None if not known) and when (`at`)."""

    message: int
    status: str | None
    attempts: int
    error: str | None
    by: str | None
    at: datetime | None


class OutboxMessage(db.Model):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # The outbox page's counts by kind, and by kind and status, read this index alone
        # rather than every message (bench/outbox_bench.py).
        Index("ix_outbox_kind_status", "kind", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.queued)
    recipient_name: Mapped[str] = mapped_column(String(200), default="")
    recipient_email: Mapped[str] = mapped_column(String(254), index=True)
    # The address's mailbox (`addresses.mailbox`: lower-case in any script, domain in ASCII),
    # kept with it to find a recipient's messages in SQL: SQLite's lower(), and PostgreSQL's
    # in the C locale, fold only ASCII capitals.
    recipient_mailbox: Mapped[str] = mapped_column(
        String(254), index=True, default="", server_default=""
    )
    language: Mapped[str] = mapped_column(String(10), default="en")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # The iCalendar object (iMIP) and its METHOD (REQUEST, CANCEL), when the message has one.
    ics: Mapped[str | None] = mapped_column(Text)
    ics_method: Mapped[str | None] = mapped_column(String(20))
    # What it is about, for the outbox page and for not sending stale updates.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="SET NULL"))
    # What an update says ({"said": {"what": [...], "was": [...], "published": ..., ...}}), for
    # a co-lead's "Send again" to say it again (`mail.messages.changes.update_again`); a
    # settling one's also what the one that replaces it is to say ({"what", "was", "since":
    # first change, ...}: `mail.messages.waiting.settling_withdrawn`). An invitation written
    # again while it waited to be tried again keeps when and why its server turned the one it
    # replaces away ({"deferred": ...}: `deferred`). A message a co-lead sent ("Send now",
    # "Send again") keeps what came before ({"again": ...}: `sent_again_after`), and one
    # written again in its place on "Send again", which it is ({"sent_again_as": id}), or by
    # the sender's round ({"rewritten_as": id}). None for other kinds.
    basis: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    # As whom it addressed its recipient (`MessageRole`), kept when its text is cleared: what
    # went to a presenter as a contact of their office does not tell them they present the slot
    # (`outbox.written_as_contact`), also once its calendar part is gone. None where a message
    # cleared before the column was added no longer told (an update or a cancellation).
    role: Mapped[str | None] = mapped_column(String(20))
    # The proposal a message to its volunteer is about (its private link: `received`).
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    # When the sender last tried it (sent, or its server turned it away), set with `attempts`;
    # a retry is due `sender.delay_after` its attempts from then (`retry_at`). None before any
    # attempt, and for one tried before the column was added whose time was not known then.
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The kind its footer's one-click link unsubscribes from, which its List-Unsubscribe header
    # names too; None for a message that always goes (a presenter's own slot, an invitation).
    unsubscribe_kind: Mapped[str | None] = mapped_column(String(20))
    # Its List-Unsubscribe address, made when it was written (as its footer's link is): a
    # sender run elsewhere (cron) without the app's BASE_URL or SECRET_KEY sent one that led
    # to the wrong server, or did not open (helper-84). None for a message written before.
    unsubscribe_url: Mapped[str | None] = mapped_column(Text)
    # The Message-ID it was sent with: the same on a retry, so a client drops a duplicate.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    # When its text, HTML and calendar part were cleared, kept no longer than needed
    # (`personal_data.retention`); what it was (kind, recipient, subject, dates) stays.
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def retry_at(self) -> datetime | None:
        """When a message its server turned away is due to be tried again: `delay_after` its
        attempts from its last (`sender._record_failure` sets its next attempt so), or when it
        was written, if later. None before any attempt, or when its last is not known (tried
        before `last_attempt_at` was kept). Past, it goes in the sender's next round (its
        outbox page says so, not a time gone by); a sender's lease moves its next attempt on,
        not this."""
        from planner.mail.sender import delay_after  # the sender reads this model

        if not self.attempts or self.last_attempt_at is None:
            return None
        # Never before it was written: one written again in place of one waiting to be tried
        # again (`messages.invitations.renew_retried`) keeps its attempts and its last, and is
        # due at once, in the round that wrote it, not when the one it replaces was due.
        due = self.last_attempt_at + delay_after(self.attempts)
        return max(due, self.created_at) if self.created_at is not None else due

    def next_try(self, now: datetime) -> tuple[datetime | None, bool]:
        """When a queued message its server turned away is tried next, as of `now`, as its
        outbox page says it: (its `retry_at`, False) while it waits; (None, False) once that
        is past: in the sender's next round (one written again in place of one waiting is due
        when written, `retry_at`); (when its lease ends, True) when a sender has it, trying it
        now (were that sender to stop, it is due again then: `sender.LEASE`)."""
        due = self.retry_at or self.next_attempt_at
        if due > now:
            return due, False
        if self.next_attempt_at > now:
            return self.next_attempt_at, True
        return None, False

    @property
    def waits_for_changes(self) -> bool:
        """Whether this update waits out UPDATE_SETTLE for further changes to its slot
        (`messages.waiting.waits_for_changes`), as its outbox row and page say."""
        from planner.mail.messages.waiting import waits_for_changes  # which reads this model

        return waits_for_changes(self)

    @property
    def deferred(self) -> tuple[datetime | None, str | None, int] | None:
        """An invitation written again as its talk now is while it waited to be tried again
        (`messages.invitations.renew_retried`), or sent again by a co-lead after that
        (`messages.again`): when its recipient's server first turned it away for now (None if
        not known: tried before `last_attempt_at` was kept), what it answered, and the id of
        the message it turned away; None otherwise."""
        kept = (self.basis or {}).get("deferred") if self.kind == MessageKind.invitation else None
        if not kept:
            return None
        at = kept.get("at")
        return at and datetime.fromisoformat(at), kept.get("error"), kept["message"]

    @property
    def sent_again_after(self) -> "Restart | None":
        """A message a co-lead sent ("Send now" or "Send again": `outbox.restarted`) since it
        was written or tried: which message that was (itself, or the one it was written again
        in place of: `messages.again`), as what, how many attempts it had and its server's
        last answer, who pressed it and when; None otherwise. Its own `attempts` count from
        then: the sender tries it MAX_ATTEMPTS times afresh."""
        kept = (self.basis or {}).get("again")
        if not kept:
            return None
        at = kept.get("at")
        return Restart(
            kept["message"],
            kept.get("status"),
            kept.get("attempts", 0),
            kept.get("error"),
            kept.get("by"),
            at and datetime.fromisoformat(at),
        )

    @property
    def sent_again_as(self) -> int | None:
        """The message a co-lead's "Send again" wrote in place of this one (superseded, its
        server's last answer kept), as the slot then was (`messages.again`); None otherwise."""
        return (self.basis or {}).get("sent_again_as")

    @property
    def rewritten_as(self) -> int | None:
        """The invitation the sender's round wrote in place of this one, which its server had
        turned away for now, as its talk then was (changed while it waited to be tried again:
        `messages.invitations.renew_retried`); this one, superseded, keeps its server's last
        answer. None otherwise."""
        return (self.basis or {}).get("rewritten_as")

    @validates("recipient_email")
    def _keep_mailbox(self, _key: str, value: str) -> str:
        self.recipient_mailbox = mailbox(value)
        return value


class Unsubscription(db.Model):
    """Someone who asked for no more messages of one optional kind."""

    __tablename__ = "unsubscriptions"
    __table_args__ = (UniqueConstraint("email", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailSettings(db.Model):
    """The co-leads' mail settings: one row, made on first change (absent means the defaults)."""

    __tablename__ = "mail_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Invitations wait in the outbox as "held" until a co-lead reviews and sends them.
    hold_invitations: Mapped[bool] = mapped_column(default=False)
