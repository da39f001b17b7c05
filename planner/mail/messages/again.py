"""A co-lead's "Send again" of a message to a slot's presenter: it goes as the slot is now. An
invitation is written again with the slot's time, status and SEQUENCE as they are (as a held
one is kept, `invitations.renew_held`); so is an update whose calendar entry fell behind or
whose link no longer opens their page; a reminder goes only while it still holds. One that can
no longer go is refused, saying why and what to do instead."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from planner.addresses import mailbox
from planner.agenda.models import HELD, MeetingStatus, Slot, SlotStatus
from planner.errors import ConflictError
from planner.extensions import db
from planner.mail import outbox
from planner.mail.messages.addressing import about_slot, presenter_zone, when
from planner.mail.messages.changes import update_again
from planner.mail.messages.feeds import sendable_again
from planner.mail.messages.invitations import renew_held, sent_again
from planner.mail.messages.late import say_again
from planner.mail.messages.reminders import reminded_start
from planner.mail.messages.waiting import behind, withdraw_due
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.presenters.models import Invitation

# A presenter's private link in a message's text (`addressing.private_url_of`): its token.
_LINK = re.compile(r"/presenter/([A-Za-z0-9_-]+)")

_EDITOR = "“Invite again” on the meeting's editor gives them a new link, with a new invitation."


@dataclass(frozen=True)
class Sent:
    """What a co-lead's "Send now" or "Send again" queued: the message, or the one written again
    in its place (`rewritten`), and whether that carries the presenter's link (`link`: not once
    it was revoked)."""

    message: OutboxMessage
    rewritten: bool = False
    link: bool = True


def send_again(message: OutboxMessage, now: datetime, by: str | None = None) -> Sent:
    """Queue `message` to go next (flushed), written again where it no longer says what holds;
    ConflictError, saying why and what to do, where it must not go. What came before it (its
    attempts, its server's last answer) is kept, with who pressed it (`by`) and when
    (`outbox.restarted`), on the message that goes."""
    if message.status == MessageStatus.superseded:
        raise ConflictError(why_superseded(message))
    outbox.releasable(message)
    if late := outbox.too_late(message, now):
        raise ConflictError(f"Not sent: {late}")
    if message.kind == MessageKind.feed:
        sendable_again(message)
    if unreached := outbox.before_invitation(message):
        raise ConflictError(f"Not sent: {unreached}")
    slot = db.session.get(Slot, message.slot_id) if message.slot_id is not None else None
    if message.status == MessageStatus.held or slot is None:
        outbox.release(message, now, by)  # a held invitation is kept as the slot is
        return Sent(message)
    presenter = _presenter(slot, message)
    if message.kind == MessageKind.invitation:
        return _invitation_again(slot, message, presenter, by, now)
    if presenter is not None and message.kind == MessageKind.update:
        return _update_again(slot, message, presenter, by, now)
    if presenter is not None and message.kind == MessageKind.reminder:
        _reminder_holds(slot, message, presenter)
    # "Tomorrow" written yesterday is "today" now; "no presenter invited yet", to an office's
    # contact, of a talk someone was invited to since, is not.
    say_again(message, now)
    outbox.release(message, now, by)
    return Sent(message)


def _invitation_again(
    slot: Slot, message: OutboxMessage, presenter: Invitation | None, by: str | None, now: datetime
) -> Sent:
    """An invitation that did not go is written again as the slot is now (its time in each
    zone, the meeting's status, the SEQUENCE their calendar needs), and goes: the one written
    then may name a time the slot no longer has, at a SEQUENCE their calendar ignores."""
    email = message.recipient_email
    if presenter is None:
        raise ConflictError(
            f"Not sent: {email} no longer presents “{slot.title}” (someone else was invited, or "
            "it was taken off them). To invite them again, use “Invite” on the meeting's editor."
        )
    if slot.status not in HELD or MeetingStatus.cancelled in (slot.meeting.status, slot.status):
        raise ConflictError(
            f"Not sent: “{slot.title}” is {slot.status} now (its meeting is "
            f"{slot.meeting.status}): there is nothing to invite {email} to."
        )
    if presenter.private_token is None:
        raise ConflictError(
            f"Not sent: the private link in this invitation no longer opens the page of {email} "
            f"(it was revoked, or the app's SECRET_KEY changed). {_EDITOR}"
        )
    # Its history, which the one written again says on the outbox page (read before it is
    # replaced).
    history = sent_again(message, by, now)
    outbox.replaced_by_rewrite(message)
    # An update queued after it, not yet in a sender's hands, would reach them before it.
    withdraw_due(slot, email, (MessageKind.update,))
    written = renew_held(slot, message, gone=False, hold=False)
    if written is not None:
        written.basis = history
        outbox.written_in_place(message, written, message.last_error, sent_again=True)
    return Sent(written, rewritten=True)


def _update_again(
    slot: Slot, message: OutboxMessage, presenter: Invitation, by: str | None, now: datetime
) -> Sent:
    """An update that did not go goes as written while it holds; written again as the slot is
    now once its SEQUENCE is behind the feed's or not above what their calendar holds, or its
    link no longer opens their page. Not before their invitation, which it needs
    (`outbox.before_invitation`, asked first)."""
    if not behind(message, slot, held=True) and not _link_gone(message, presenter):
        outbox.release(message, now, by)
        return Sent(message)
    history = outbox.restarted(message, by, now)
    outbox.replaced_by_rewrite(message)
    # What it said (one written before every update kept it: what it kept while it settled),
    # not what came before it.
    basis = {key: value for key, value in (message.basis or {}).items() if key != "again"}
    written = update_again(slot, basis.get("said", basis))
    if written is None:
        raise ConflictError(
            f"Not sent: nothing was written in its place. “{slot.title}” is {slot.status} now "
            f"(its meeting is {slot.meeting.status}), and this update, written when it was "
            f"otherwise, would tell {message.recipient_email} what no longer holds; as it is "
            "now, the slot has nothing to tell them. This message stays as it was."
        )
    # A co-lead sends it: it goes now, not after waiting for further changes.
    written.next_attempt_at = now
    said = {"said": written.basis["said"]} if written.basis is not None else {}
    written.basis = {**said, "again": history}
    outbox.written_in_place(message, written, message.last_error, sent_again=True)
    return Sent(written, rewritten=True, link=presenter.private_token is not None)


def _reminder_holds(slot: Slot, message: OutboxMessage, presenter: Invitation) -> None:
    """A reminder goes only while what it says holds: the slot confirmed at the start it was
    written for (and not started: `outbox.too_late`), and the link in it opening the
    presenter's page."""
    reminded = reminded_start(message.message_id)
    at = slot.starts_at
    if (
        slot.status != SlotStatus.confirmed
        or slot.meeting.status == MeetingStatus.cancelled
        or at is None
        or (reminded is not None and reminded != at.replace(second=0, microsecond=0))
    ):
        time = f", {when(at, slot.duration_minutes, presenter_zone(presenter))}" if at else ""
        raise ConflictError(
            f"Not sent: “{slot.title}” has changed since this reminder was written (it is "
            f"{slot.status} now{time}; its meeting is {slot.meeting.status}). The sender writes "
            "a reminder of the slot as it is when one is due, once its presenter has confirmed it."
        )
    if _link_gone(message, presenter):
        raise ConflictError(
            f"Not sent: the private link in this reminder no longer opens the page of "
            f"{message.recipient_email} (it was revoked, or the app's SECRET_KEY changed). "
            + _EDITOR
        )


def why_superseded(message: OutboxMessage) -> str:
    """Why a superseded message never goes, and what a co-lead may do instead."""
    said = "This message is superseded: it never goes."
    if (again := message.sent_again_as or message.rewritten_as) is not None:
        written = db.session.get(OutboxMessage, again)
        named = f", “{written.subject}”" if written is not None else ""
        how = (
            "A co-lead sent it again: it was written again as its slot then was"
            if message.sent_again_as is not None
            else "Its recipient's server had turned it away for now, and the talk changed before "
            "it was tried again: the sender's round wrote it again as the talk then was"
        )
        return f"{said} {how}, as message {again}{named}."
    if message.last_error:
        # The sender's reason, the only one a superseded message keeps (`outbox.too_late`).
        reason = message.last_error.removeprefix("not sent: ")
        return f"{said} {reason[:1].upper()}{reason[1:]}"
    slot = db.session.get(Slot, message.slot_id) if message.slot_id is not None else None
    if message.kind == MessageKind.feed:
        return (
            f"{said} The office's feed link in it was revoked before it went. Email the new "
            "link from the office's page."
        )
    if slot is None:
        gone = " Its slot was deleted." if message.kind == MessageKind.invitation else ""
        return f"{said}{gone} A newer message replaced it, or it no longer held before it went."
    email = message.recipient_email
    presenter = _presenter(slot, message)
    if message.kind in (MessageKind.invitation, MessageKind.reminder, MessageKind.update):
        if presenter is None and message.kind == MessageKind.invitation:
            return (
                f"{said} {email} no longer presents “{slot.title}”: someone else was invited, or "
                "it was taken off them. To invite them again, use “Invite” on the meeting's editor."
            )
        if presenter is not None and _link_gone(message, presenter):
            return (
                f"{said} {email} was given a new link, or their link was revoked, after it was "
                "written: the link in it no longer opens their page. If they were invited "
                f"again, that invitation is in the outbox; if their link was revoked, {_EDITOR}"
            )
    newer = db.session.scalar(
        select(OutboxMessage)
        .where(
            *about_slot(slot, email),
            OutboxMessage.id > message.id,
            OutboxMessage.status.not_in(outbox.NEVER_WENT),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    if newer is not None:
        return (
            f"{said} A newer message about the same slot to {email} says what holds now: "
            f"“{newer.subject}”."
        )
    return f"{said} What it said about “{slot.title}” no longer held before it went."


def _presenter(slot: Slot, message: OutboxMessage) -> Invitation | None:
    """The slot's invitation, if it is to the message's recipient."""
    invitation = slot.invitation
    if invitation is None or not invitation.email:
        return None
    return invitation if mailbox(invitation.email) == message.recipient_mailbox else None


def _link_gone(message: OutboxMessage, presenter: Invitation) -> bool:
    """Whether the message carries a private link that no longer opens the presenter's page."""
    tokens = set(_LINK.findall(message.text_body or ""))
    return bool(tokens) and tokens != {presenter.private_token}
