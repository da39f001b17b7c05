"""Reminders: a presenter reminded of their slot a few days before it."""

import hashlib
import re
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from planner.addresses import mailbox
from planner.agenda.models import Meeting, MeetingStatus, Slot, SlotStatus
from planner.calendar.operations import (
    slot_sequence,
)
from planner.extensions import db
from planner.mail.messages.addressing import (
    Soon,
    presenter_language,
    presenter_zone,
    private_url_of,
)
from planner.mail.messages.writing import queue_message, render, slot_context
from planner.mail.models import MessageKind, MessageRole, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, undelivered_invitations
from planner.mail.unsubscribe import unsubscribe_url
from planner.materials.models import Material
from planner.materials.operations import talk_materials
from planner.presenters.models import Invitation


def reminder_days() -> int:
    return int(current_app.config.get("MAIL_REMINDER_DAYS", 3))


# The start a reminder is of, in its Message-ID (`_reminder_id`): to the minute, in UTC.
_START = "%Y%m%dT%H%MZ"
_REMINDED_START = re.compile(r"^<reminder\.[^.]+\.(\d{8}T\d{4}Z)\.")


def _reminder_id(slot: Slot, invitation: Invitation) -> str:
    """The reminder's Message-ID names the slot, its start, the invitation round (who, and
    the link they were given) and the slot's SEQUENCE: once per slot, start time and presenter
    while one stands (`_reminded_before`), even with two workers (the column is unique);
    someone invited in another's place, or invited back after being replaced, is reminded too,
    and so is a presenter whose reminder did not go (superseded: the slot moved, or was not
    confirmed for a while) once they confirm it again, also at a start it had before."""
    given = invitation.link_salt or f"{invitation.invited_at:%Y%m%dT%H%M%S}"
    who = hashlib.sha256(f"{invitation.email.strip().lower()}|{given}".encode()).hexdigest()
    uid = slot.uid.split("@", 1)[0]
    round_ = slot_sequence(slot, slot.meeting)
    return f"<reminder.{uid}.{slot.starts_at:{_START}}.{who[:12]}.{round_}@cws-ict-planner>"


def reminded_start(message_id: str | None) -> datetime | None:
    """The start (to the minute, UTC) a reminder was written for, read from its Message-ID
    (`_reminder_id`); None for a Message-ID of another form."""
    found = _REMINDED_START.match(message_id or "")
    return datetime.strptime(found[1], _START).replace(tzinfo=UTC) if found else None


def _reminded(slots: list[Slot]) -> set[int]:
    """The ids of `slots` whose presenter has their reminder in the outbox: this one (its
    Message-ID, `_reminder_id`, is unique), or another of this start that still stands (not
    superseded by a replacement) under any Message-ID reminders had: also the one per slot and
    start of before December 2026, so an upgrade or a revoked link sends no second reminder.
    One query, however many (the sender looks every round)."""
    if not slots:
        return set()
    wanted = {_reminder_id(s, s.invitation): s for s in slots}
    by_id = {s.id: s for s in slots}
    rows = db.session.execute(
        select(
            OutboxMessage.message_id, OutboxMessage.slot_id, OutboxMessage.recipient_mailbox
        ).where(
            OutboxMessage.message_id.in_(list(wanted))
            | (
                OutboxMessage.slot_id.in_(by_id)
                & (OutboxMessage.kind == MessageKind.reminder)
                & (OutboxMessage.status != MessageStatus.superseded)
            )
        )
    ).all()
    done = set()
    for message_id, slot_id, address in rows:
        if message_id in wanted:
            done.add(wanted[message_id].id)
        elif (slot := by_id.get(slot_id)) is not None:
            prefix = f"<reminder.{slot.uid.split('@', 1)[0]}.{slot.starts_at:{_START}}"
            if address == mailbox(slot.invitation.email) and (message_id or "").startswith(prefix):
                done.add(slot_id)
    return done


def _heard_of(slots: list[Slot]) -> set[int]:
    """The ids of `slots` whose presenter knows they present it: they answered on their page,
    or an invitation or update about the slot went to them as its presenter, while their
    invitation is neither held for review (nothing else goes before it) nor one that did not
    reach them (the rule every message to them as presenter follows,
    `outbox.undelivered_invitations`). What went to them as a contact of the office does not
    tell them (its `role`): a reminder then would wait behind their undelivered invitation, as
    if they knew (helper-232). Three queries, however many."""
    if not slots:
        return set()
    ids = [s.id for s in slots]
    unreached = undelivered_invitations([(s.id, s.invitation) for s in slots])

    def to_presenter(*where) -> set[tuple[int, str]]:
        found = select(OutboxMessage.slot_id, OutboxMessage.recipient_mailbox).where(
            OutboxMessage.slot_id.in_(ids), *where
        )
        return set(db.session.execute(found.distinct()).tuples())

    held = to_presenter(
        OutboxMessage.kind == MessageKind.invitation, OutboxMessage.status == MessageStatus.held
    )
    went = to_presenter(
        OutboxMessage.kind.in_((MessageKind.invitation, MessageKind.update)),
        OutboxMessage.status.in_((MessageStatus.sent, MessageStatus.queued)),
        OutboxMessage.role.is_distinct_from(MessageRole.contact),
    )
    heard = set()
    for slot in slots:
        presenter = (slot.id, mailbox(slot.invitation.email))
        if slot.invitation.answer is not None or (
            presenter not in held and slot.id not in unreached and presenter in went
        ):
            heard.add(slot.id)
    return heard


def enqueue_reminders(now: datetime) -> int:
    """Remind presenters of confirmed slots that start within MAIL_REMINDER_DAYS, of meetings
    not begun (flushed, not committed); how many were enqueued. A few queries however many
    slots are due: the sender looks every round."""
    until = now + timedelta(days=reminder_days())
    slots = db.session.scalars(
        select(Slot)
        .join(Meeting)
        .join(Invitation)
        .where(
            Slot.status == SlotStatus.confirmed,
            # A presenter invited to a draft has it in their calendar (README): reminded too.
            Meeting.status != MeetingStatus.cancelled,
            Slot.starts_at > now,
            Slot.starts_at <= until,
            # Once the meeting is on, its presenters are in it: a talk the opening's overrun
            # moved is told by its update, not reminded again at its new start (helper-254:
            # "In 12 minutes", "In 32 minutes", ... to every presenter beside "Changed").
            Meeting.starts_at > now,
            Invitation.email.is_not(None),
        )
        .options(contains_eager(Slot.invitation), contains_eager(Slot.meeting))
        .order_by(Slot.starts_at, Slot.id)
    ).all()
    reminded = _reminded(slots)
    slots = [s for s in slots if s.id not in reminded]
    # The invitation is held, or did not reach them: they were never told.
    heard = _heard_of(slots)
    slots = [s for s in slots if s.id in heard]
    count = 0
    materials = talk_materials(slots)
    for slot in slots:
        invitation = slot.invitation
        message_id = _reminder_id(slot, invitation)
        recipient = Recipient(invitation.email, invitation.name, presenter_language(invitation))
        message = queue_message(
            recipient,
            MessageKind.reminder,
            _context(slot, invitation, now, materials[slot.id]),
            role=MessageRole.presenter,
            slot=slot,
            optional_kind=MessageKind.reminder,
        )
        if message is not None:
            message.message_id = message_id
            db.session.flush()
            count += 1
    return count


def _context(slot: Slot, invitation: Invitation, now: datetime, materials: list[Material]) -> dict:
    """What a reminder says: `materials`, the slot's of the talk it holds now (`talk_materials`)."""
    zone = presenter_zone(invitation)
    return {
        **slot_context(slot, zone),
        "zone": zone,
        # How soon it starts, on their clock ("tomorrow", "in 2 hours"), from `now`: a
        # reminder that goes later is said again as it goes (`reword`).
        "soon": Soon(slot.starts_at, now, zone),
        "private_url": private_url_of(invitation),
        # Slides already in are named, not asked for again.
        "slides": [m.label for m in materials if m.kind == "slides"],
    }


def reword(
    message: OutboxMessage, now: datetime, materials: dict[int, list[Material]] | None = None
) -> None:
    """A reminder about to go, written again as of `now` (its words of how soon, its slides) in
    its language, under the same Message-ID, while what it was written for still holds: its
    slot confirmed at that start, presented by its recipient, with the link it carries.
    Otherwise it is left as it is, for the rules that keep it from going (`outbox.too_late`,
    `again.send_again`). `materials`: the talks' materials by slot (`talk_materials`), read
    for every reminder of a round at once (`late.reword_due`). Not flushed: a round's are
    written together."""
    slot = db.session.get(Slot, message.slot_id) if message.slot_id is not None else None
    invitation = slot.invitation if slot is not None else None
    if (
        invitation is None
        or not invitation.email
        or mailbox(invitation.email) != message.recipient_mailbox
        or slot.status != SlotStatus.confirmed
        or slot.starts_at is None
        or slot.starts_at <= now
        or reminded_start(message.message_id) != slot.starts_at.replace(second=0, microsecond=0)
    ):
        return
    if materials is None:
        materials = talk_materials([slot])
    context = _context(slot, invitation, now, materials[slot.id])
    link = context["private_url"]
    if (link is None and "/presenter/" in message.text_body) or (
        link is not None and link not in message.text_body
    ):
        return  # its link no longer opens their page: not to be sent as if it did
    recipient = Recipient(message.recipient_email, message.recipient_name, message.language)
    footer = message.unsubscribe_url or unsubscribe_url(message.recipient_email, message.kind)
    subject, text, html, _written = render(
        MessageKind.reminder, message.language, recipient=recipient, unsubscribe=footer, **context
    )
    if (subject, text, html) != (message.subject, message.text_body, message.html_body):
        message.subject, message.text_body, message.html_body = subject, text, html
