"""Putting messages in the outbox, in the transaction of the change that causes them: if the
change is rolled back, so is the message; once it is committed, the sender delivers it."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from planner.addresses import mailbox, spellings
from planner.agenda.models import Meeting, Slot
from planner.db_types import fit, utcnow
from planner.errors import ConflictError
from planner.extensions import db
from planner.mail.models import (
    OPTIONAL_KINDS,
    MailSettings,
    MessageKind,
    MessageRole,
    MessageStatus,
    OutboxMessage,
    Unsubscription,
)
from planner.mail.unsubscribe import unsubscribe_url
from planner.timezones import moment_in


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    language: str = "en"


def fate(message: OutboxMessage | None) -> str:
    """What became of a message, as the pages that point to it say it: "sent"; "held" (for a
    co-lead's review) or "queued" (on its way), where a mail server will send it; "failed"
    (could not be delivered); else "not_sent": none written, none going (no mail server), or
    no longer going (superseded, or discarded by a co-lead)."""
    if message is None:
        return "not_sent"
    if message.status in (MessageStatus.sent, MessageStatus.failed):
        return str(message.status)
    if message.status in (MessageStatus.held, MessageStatus.queued) and current_app.config.get(
        "MAIL_SERVER"
    ):
        return str(message.status)
    return "not_sent"


def queued_note(count: int) -> str:
    """What a co-lead is told of messages just queued: when they go, or that none will."""
    what = "1 message is" if count == 1 else f"{count} messages are"
    if not current_app.config.get("MAIL_SERVER"):
        return f"{what} queued, but no mail server is configured: they will be marked not sent."
    return f"{what} queued: the sender delivers them within a few seconds."


def unsent_note() -> str:
    """Said after what a save emailed where no mail server is configured (else nothing)."""
    if current_app.config.get("MAIL_SERVER"):
        return ""
    return "No mail server is configured: the messages wait in the outbox, marked not sent."


def hold_invitations() -> bool:
    """Whether co-leads review invitations before they go (the toggle on the outbox page): pass
    it as `enqueue(..., hold=hold_invitations())` for an invitation, and the message waits as
    "held" until a co-lead presses "Send now" or "Send all held" at /outbox."""
    return bool(db.session.scalar(select(MailSettings.hold_invitations).limit(1)))


def set_hold_invitations(hold: bool) -> None:
    """Turn holding invitations for review on or off (flushed, not committed)."""
    settings = db.session.scalar(select(MailSettings).limit(1))
    if settings is None:
        settings = MailSettings()
        db.session.add(settings)
    settings.hold_invitations = hold
    db.session.flush()


def unsubscribed(email: str, kind: str) -> bool:
    return kind in OPTIONAL_KINDS and (
        db.session.scalar(
            select(Unsubscription.id).where(
                Unsubscription.email.in_(spellings(email)), Unsubscription.kind == kind
            )
        )
        is not None
    )


def enqueue(
    recipient: Recipient,
    *,
    kind: str,
    subject: str,
    text: str,
    role: str | None = None,
    html: str | None = None,
    ics: str | None = None,
    ics_method: str | None = None,
    meeting_id: int | None = None,
    slot_id: int | None = None,
    proposal_id: int | None = None,
    hold: bool = False,
    domain: str = "cws-ict-planner",
    optional: bool = True,
    unsubscribe_kind: str | None = None,
    settle: timedelta | None = None,
    basis: dict | None = None,
) -> OutboxMessage | None:
    """Write one message to the outbox (flushed, not committed), to its recipient as `role`
    (`MessageRole`). None when the recipient has unsubscribed from this kind and the message is
    one they may stop (not `optional`: an update of a presenter's own slot, which their calendar
    holds, always goes)."""
    if optional and unsubscribed(recipient.email, kind):
        return None
    message = OutboxMessage(
        kind=kind,
        role=role,
        status=MessageStatus.held if hold else MessageStatus.queued,
        recipient_name=fit(recipient.name, OutboxMessage.recipient_name),
        recipient_email=recipient.email.strip(),
        language=recipient.language or "en",
        subject=fit(subject, OutboxMessage.subject),
        text_body=text,
        html_body=html,
        ics=ics,
        ics_method=ics_method,
        meeting_id=meeting_id,
        slot_id=slot_id,
        proposal_id=proposal_id,
        created_at=(now := utcnow()),
        # A settling message is due once its wait is over (`mail.messages.UPDATE_SETTLE`).
        next_attempt_at=now + settle if settle else now,
        basis=basis,
        message_id=f"<{uuid.uuid4()}@{domain}>",
        unsubscribe_kind=unsubscribe_kind,
        unsubscribe_url=(
            unsubscribe_url(recipient.email, unsubscribe_kind) if unsubscribe_kind else None
        ),
    )
    db.session.add(message)
    db.session.flush()
    return message


# What tells a presenter or an office's contact of a slot or its meeting, for their calendar.
ABOUT_A_MEETING = (
    MessageKind.invitation,
    MessageKind.update,
    MessageKind.cancellation,
    MessageKind.reminder,
)


def too_late(message: OutboxMessage, now: datetime) -> str | None:
    """Why `message` may no longer go at `now`, or None: no one is written to about a meeting
    that has ended, nor reminded of a slot that has started, nor told that a presenter declined
    once the slot has one again (`declined_no_longer`). Written before, such a message
    went once the mail server could be reached again: "New time, please confirm" of a talk
    given an hour before, a video link changed for a meeting that was over."""
    if message.kind not in ABOUT_A_MEETING or message.meeting_id is None:
        return None
    meeting = db.session.get(Meeting, message.meeting_id)
    if meeting is not None and meeting.ended(now):
        return (
            f"its meeting ended {moment_in(meeting.time_zone, meeting.ends_at)}, before it "
            "went: no one is written to about a meeting that is over."
        )
    slot = db.session.get(Slot, message.slot_id) if message.slot_id is not None else None
    started = slot is not None and slot.starts_at is not None and slot.starts_at <= now
    if message.kind == MessageKind.reminder and started:
        return f"“{slot.title}” has started since this reminder was written."
    return declined_no_longer(message, slot)


def declined_no_longer(message: OutboxMessage, slot: Slot | None) -> str | None:
    """Why an office contact's news that its presenter declined is no longer news, or None: the
    slot has a presenter again (invited, or confirmed) or is off the agenda since. Written
    before, it went once their server took mail again, asking the office to find someone for
    a talk that had one (the co-leads change a presenter without writing to the contacts)."""
    said = (message.basis or {}).get("said") or {}
    if message.kind != MessageKind.update or not said.get("presenter_declined") or slot is None:
        return None
    if slot.kind != "presentation" or "cancelled" in (slot.status, slot.meeting.status):
        now = "is no longer on the agenda as a presentation (a cancellation says so)"
    elif slot.held_by is not None and not said.get("first"):
        # Their first news of the talk still goes, to put it in their calendar: said again as
        # the talk is then, without the decline (`changes.contact_news_again`).
        answered = "has confirmed it" if slot.status == "confirmed" else "is invited to it"
        now = f"has a presenter again: {slot.held_by.name or 'someone'} {answered}"
    else:
        return None
    return (
        f"the news that the presenter of “{slot.title}” declined no longer holds: it {now}. "
        "Nothing of it is news to the office's contact."
    )


# What became of an invitation that never reached its presenter: the server refused it for good
# or gave up retrying, no mail server was configured, or a co-lead discarded it unsent (held
# for review).
UNDELIVERED = (MessageStatus.failed, MessageStatus.not_sent, MessageStatus.discarded)
# Messages that never go, which no later message needs to follow: no longer true before they
# went, or discarded by a co-lead.
NEVER_WENT = (MessageStatus.superseded, MessageStatus.discarded)


def undelivered_invitation(
    slot_id: int | None, invitation, address: str, statuses: tuple[str, ...] = UNDELIVERED
) -> OutboxMessage | None:
    """The invitation to present slot `slot_id` that did not reach `address`, its presenter
    (`invitation`, the slot's, or a row of its columns as a deleted meeting's are read), as
    `undelivered_invitations` finds it; None if it is not theirs, or did."""
    if slot_id is None or invitation is None or mailbox(invitation.email) != mailbox(address):
        return None
    return undelivered_invitations([(slot_id, invitation)], statuses).get(slot_id)


def undelivered_invitations(
    presenters: list[tuple[int, object]], statuses: tuple[str, ...] = UNDELIVERED
) -> dict[int, OutboxMessage]:
    """Of `presenters` (slot id, the slot's invitation), the invitations that did not reach
    them, by slot id: the last one written to them since they were invited failed, found no
    mail server or was discarded unsent by a co-lead (`statuses`), nothing about the slot ever
    went to them as its presenter, and they have not answered on their private page (a link a
    co-lead passed on by hand reached them). Anything else about the slot to them as its
    presenter (an update, a reminder, a cancellation) would reach them as if they knew they
    present it, without their link or the calendar entry it changes: it waits for the
    invitation, sent again (written with the slot as it is then, `messages.again`), or for the
    presenter invited at another address. What reached them as a contact of the office ("On
    the agenda ... presenter invited") does not tell them they present it: meanwhile they hear
    of it as a contact (`changes._tell_contacts`, helper-229); nor does what reached them as
    its presenter before they were told they no longer present it (they declined, were
    replaced or set back: invited again, they were told nothing of it yet). One query, however
    many."""
    waiting = {
        slot_id: (mailbox(invitation.email), invitation.invited_at)
        for slot_id, invitation in presenters
        if invitation is not None and invitation.email and invitation.answered_at is None
    }
    if not waiting:
        return {}
    rows = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.slot_id.in_(waiting),
            OutboxMessage.recipient_mailbox.in_({address for address, _ in waiting.values()}),
            (OutboxMessage.status == MessageStatus.sent)
            | (
                (OutboxMessage.kind == MessageKind.invitation)
                & (OutboxMessage.status != MessageStatus.superseded)
            ),
        )
        .order_by(OutboxMessage.id)
    )
    last: dict[int, OutboxMessage] = {}
    reached: set[int] = set()
    for message in rows:
        address, invited_at = waiting[message.slot_id]
        if message.recipient_mailbox != address:
            continue
        if message.status == MessageStatus.sent:
            if told_no_longer_presenting(message):
                # What reached them before does not tell them they present it again.
                reached.discard(message.slot_id)
            elif not written_as_contact(message):
                reached.add(message.slot_id)
        if message.kind == MessageKind.invitation and message.created_at >= invited_at:
            last[message.slot_id] = message
    return {
        slot_id: message
        for slot_id, message in last.items()
        if slot_id not in reached and message.status in statuses
    }


def told_no_longer_presenting(message: OutboxMessage) -> bool:
    """Whether `message` told its recipient they no longer present its slot: the CANCEL of it
    to them as its presenter (they declined, someone else was invited, a co-lead set it back or
    cancelled it), or, to one who is a contact of the office, the news that they keep it as the
    contacts have it (`changes.stays_as_contact`)."""
    if message.kind == MessageKind.cancellation:
        return not written_as_contact(message)
    said = (message.basis or {}).get("said") or {}
    return message.kind == MessageKind.update and bool(said.get("no_longer_presenting"))


def written_as_contact(message: OutboxMessage) -> bool:
    """Whether `message` about a slot was written to its recipient as a contact of the
    presenting office, not as the slot's presenter (its `role`, kept when its text and calendar
    part are cleared: `personal_data.retention`)."""
    return message.role == MessageRole.contact


def before_invitation(message: OutboxMessage) -> str | None:
    """Why `message`, to a slot's presenter, may not go before their invitation, or None: the
    invitation did not reach them (`undelivered_invitation`). A message written to them as the
    office's contact is no news of their own slot: it goes."""
    if (
        message.kind not in ABOUT_A_MEETING
        or message.kind == MessageKind.invitation
        or written_as_contact(message)
    ):
        return None
    slot = db.session.get(Slot, message.slot_id) if message.slot_id is not None else None
    if slot is None:
        return None
    invitation = undelivered_invitation(slot.id, slot.invitation, message.recipient_email)
    if invitation is None:
        return None
    how = {
        MessageStatus.failed: "failed",
        MessageStatus.discarded: "was discarded unsent by a co-lead",
    }.get(invitation.status, "was not sent")
    return (
        f"the invitation to {message.recipient_email} (“{invitation.subject}”, message "
        f"{invitation.id}) {how}, and this would reach them as if they knew they present "
        f"“{slot.title}”. Send the invitation again once their mail server takes mail (it is "
        "written with the slot as it is then, and says what this did), or invite them at "
        "another address (“Invite again” on the meeting's editor)."
    )


# Statuses a co-lead may send from the outbox page: held for review, given up on, or discarded.
RELEASABLE = (
    MessageStatus.held,
    MessageStatus.failed,
    MessageStatus.not_sent,
    MessageStatus.discarded,
)


def release(message: OutboxMessage, now: datetime, by: str | None = None) -> None:
    """ "Send now" (held) or "Send again" (failed, not sent, discarded) by a co-lead (`by`):
    the sender delivers it next, with a fresh count of attempts, and its page says what came
    before (`restarted`) (flushed)."""
    releasable(message)
    _still_as_read(
        message,
        status=MessageStatus.queued,
        next_attempt_at=now,
        attempts=0,
        last_attempt_at=None,
        last_error=None,
        basis={**(message.basis or {}), "again": restarted(message, by, now)},
    )


def restarted(message: OutboxMessage, by: str | None, now: datetime) -> dict:
    """What a message a co-lead sends ("Send now", "Send again") keeps of `message`, the one
    pressed, sent as it is (`release`) or written again in its place (`messages.again`): which
    message, as what (held, failed ...), how many attempts it had and its server's last
    answer, who pressed it and when (`OutboxMessage.sent_again_after`). Read before it is
    restarted: the sender counts its attempts afresh, from 0, MAX_ATTEMPTS in all."""
    return {
        "message": message.id,
        "status": str(message.status),
        "attempts": message.attempts,
        "error": message.last_error,
        "by": by,
        "at": now.isoformat(),
    }


def releasable(message: OutboxMessage) -> None:
    """Raise ConflictError, saying why, unless a co-lead may send `message` (as it is, or
    written again as its slot is now: `mail.messages.again`)."""
    if message.status not in RELEASABLE:
        raise ConflictError(f"This message is {message.status.replace('_', ' ')}: nothing to send.")
    if message.cleared_at is not None:
        raise ConflictError(
            f"Not sent: its text was cleared on {message.cleared_at:%-d %B %Y}, kept no longer "
            "than the planner keeps messages (RETENTION_DAYS): nothing is left to send."
        )
    if message.status != MessageStatus.held and (newer := newer_about_slot(message)):
        raise ConflictError(
            f"Not sent: a newer message about the same slot to {message.recipient_email} was "
            f"written since (“{newer.subject}”). It says what holds now; this one would put "
            "back in their calendar what no longer does."
        )


def replaced_by_rewrite(message: OutboxMessage) -> None:
    """A failed, unsent or discarded message a co-lead sends again that is written again as its
    slot is now: this one never goes (flushed). It keeps its server's last answer, which its
    page still shows (`written_in_place`)."""
    _still_as_read(message, status=MessageStatus.superseded)


def written_in_place(
    message: OutboxMessage, written: OutboxMessage, answer: str | None, *, sent_again: bool
) -> None:
    """`message`, superseded, was written again as `written`, as its slot then was: on a
    co-lead's "Send again" (`sent_again`: `messages.again`), or by the sender's round, which
    found the talk changed while it waited to be tried again (`messages.invitations.
    renew_retried`). It keeps its server's last answer (`answer`, read before it was taken
    back), which its page shows as such, and names the one written in its place
    (`OutboxMessage.sent_again_as`, `OutboxMessage.rewritten_as`) (flushed)."""
    key = "sent_again_as" if sent_again else "rewritten_as"
    message.basis = {**(message.basis or {}), key: written.id}
    message.last_error = answer
    db.session.flush()


def _still_as_read(message: OutboxMessage, *also, **values) -> None:
    # Only if it is still as read: a change of the slot may have replaced it meanwhile (then
    # this one would bring back what no longer holds), or a co-lead sent or discarded it
    # (helper-91). `also`: what else must still be as read.
    changed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, OutboxMessage.status == message.status, *also)
        .values(**values)
        .execution_options(synchronize_session="fetch")
    )
    if changed.rowcount != 1:
        raise ConflictError(
            "This message changed since you opened the page (a change of its slot replaced it, "
            "or a co-lead sent or discarded it): nothing was sent."
        )


def newer_about_slot(message: OutboxMessage) -> OutboxMessage | None:
    """A later message about the same slot to the same address, not itself replaced, that
    makes a failed or unsent one wrong to send now (a held one is kept current instead): any
    later message for an update or a reminder (it says what holds now), a cancellation for an
    invitation (an invitation still goes before the updates that follow it: they need its
    link and its calendar entry). Not one that took out the copy they held as the office's
    contact (no longer one, or the slot given to another office): the invitation puts the talk
    back in their calendar, as theirs (a slot cancelled is refused as such: `again`)."""
    if message.slot_id is None:
        return None
    later = [
        OutboxMessage.slot_id == message.slot_id,
        OutboxMessage.recipient_mailbox == message.recipient_mailbox,
        OutboxMessage.id > message.id,
        OutboxMessage.status.not_in(NEVER_WENT),
    ]
    if message.kind == MessageKind.invitation:
        later += [
            OutboxMessage.kind == MessageKind.cancellation,
            OutboxMessage.role.is_distinct_from(MessageRole.contact),
        ]
    return db.session.scalar(
        select(OutboxMessage).where(*later).order_by(OutboxMessage.id.desc()).limit(1)
    )


def held_messages() -> list[OutboxMessage]:
    """The messages held for a co-lead's review, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == MessageStatus.held)
            .order_by(OutboxMessage.id)
        )
    )


def release_held(
    now: datetime, held: list[OutboxMessage] | None = None, by: str | None = None
) -> int:
    """ "Send all held" by a co-lead (`by`): the held messages (those they confirmed, or all)
    are queued; how many (flushed)."""
    held = held_messages() if held is None else held
    for message in held:
        release(message, now, by)
    return len(held)


# How `flask db restored` marks what it holds (`database_restore.RESTORED_NOTE`, the held
# message's last error): what was waiting to go when the backup was made may have gone since.
RESTORED_HOLD = "held after restoring a backup:"


def held_by_restore(message: OutboxMessage) -> bool:
    """Whether `message` is held because a restore found it waiting to go, not for review."""
    return message.status == MessageStatus.held and (message.last_error or "").startswith(
        RESTORED_HOLD
    )


def went_before_restore(message: OutboxMessage, by: str | None, now: datetime) -> None:
    """A message `db restored` held that a co-lead (`by`) found had gone in the hours between
    the backup and the restore (the mail server's log, or its recipient, says so): recorded as
    sent (flushed), as the sender would have, so an invitation counts as reaching its presenter
    and what follows it goes. Discarded instead, it counted as never told, and nothing
    followed. When it went is not known: it is dated when it was due, with a note saying so."""
    if not held_by_restore(message):
        raise ConflictError(
            "Only a message held after restoring a backup can be recorded as gone before the "
            "restore: this one is not."
        )
    try:
        _still_as_read(
            message,
            OutboxMessage.last_error == message.last_error,
            status=MessageStatus.sent,
            sent_at=message.next_attempt_at,
            attempts=message.attempts + 1,
            last_attempt_at=message.next_attempt_at,
            last_error=fit(
                f"recorded as sent by {by or 'a co-lead'} on {now:%-d %B %Y %H:%M} UTC: it went "
                "after the backup was made, before the restore. When is not known: it is dated "
                "when it was due.",
                OutboxMessage.last_error,
            ),
        )
    except ConflictError:
        raise ConflictError(
            "This message changed since you opened the page (a change of its slot replaced it, "
            "or a co-lead sent, discarded or recorded it): nothing was recorded."
        ) from None


def discard(message: OutboxMessage, by: str | None, now: datetime) -> None:
    """A held message a co-lead (`by`) decided not to send never goes, and is kept as discarded
    (flushed): an invitation discarded did not reach its presenter, as a failed one
    (`undelivered_invitations`), and may be sent again. Deleted, it left nothing to tell that
    they were never told: later changes of the slot were written to them as its presenter."""
    if message.status != MessageStatus.held:
        raise ConflictError("Only a held message can be discarded: this one is not held.")
    _still_as_read(
        message,
        status=MessageStatus.discarded,
        last_error=fit(
            f"discarded by {by or 'a co-lead'} on {now:%-d %B %Y %H:%M} UTC, before it went.",
            OutboxMessage.last_error,
        ),
    )
