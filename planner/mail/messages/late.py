"""Messages that go late (their server turned them away and they are retried, or a co-lead sends
them again) say what is true when they go: a reminder how soon its talk is, an office contact's
news of a slot its status now; each under the Message-ID it was written with."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from planner.agenda.models import Slot
from planner.extensions import db
from planner.mail.messages.changes import contact_news_again
from planner.mail.messages.invitations import (
    gone_from_presenter,
    removed_while_retried,
    renew_retried,
)
from planner.mail.messages.reminders import reword
from planner.mail.messages.waiting import news_behind, still_due, talk_changed
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import NEVER_WENT
from planner.materials.operations import talk_materials


def say_again(message: OutboxMessage, now: datetime) -> None:
    """`message`, about to go late, said as of `now` (flushed): a reminder's how soon
    (`reminders.reword`); an office contact's first news of a slot, or that its presenter
    declined, as the slot is now (`changes.contact_news_again`), unless a newer message
    about the slot is on its way to them."""
    slot = db.session.get(Slot, message.slot_id) if message.slot_id is not None else None
    if slot is None:
        return
    if message.kind == MessageKind.reminder:
        reword(message, now)
    elif message.kind == MessageKind.update and not _newer([message]):
        contact_news_again(message, slot)
    db.session.flush()


def reword_due(now: datetime) -> None:
    """The messages due to go now that are said again as they go (flushed): every reminder
    (so that one sent later than written, the mail server away, retried an hour on, does not
    say "in 2 hours" of a talk that starts in one), every update tried before, to an office
    contact (its words of the slot's status, which may have changed since), and every
    invitation tried before whose talk changed since (`invitations.renew_retried`: written
    again as the talk now is, with no "Changed" after it; taken back, with what waits behind
    it, when the talk is gone from its presenter, `removed_while_retried` when its slot was
    deleted). The sender's round does this before it sends (`mail.cli.remind`); a reminder or
    update only while no sender has leased it (`waiting.still_due`). A constant number of
    queries, however many are due: the messages, the news waiting behind the invitations,
    their slots with their invitations, meetings and offices, those still due, the talks'
    materials, the newer messages about them, and one batch of the texts changed; and a few for
    each invitation written again or taken back."""
    due = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.status == MessageStatus.queued,
            OutboxMessage.next_attempt_at <= now,
            # An invitation's slot deleted since (`invitations.removed_while_retried`).
            OutboxMessage.slot_id.is_not(None) | (OutboxMessage.kind == MessageKind.invitation),
            (OutboxMessage.kind == MessageKind.reminder)
            | (
                OutboxMessage.kind.in_((MessageKind.update, MessageKind.invitation))
                & (OutboxMessage.attempts > 0)
            ),
        )
        .order_by(OutboxMessage.id)
    ).all()
    if not due:
        return
    # Retried invitations whose talk changed since (`waiting.talk_changed`): its news waits
    # behind one, read here for all, or its calendar entry is behind (`renew_retried` reads
    # that again once the slot is held still; news saved on another instance since, telling
    # of no change of the calendar entry, follows the invitation as "Changed", as news under
    # way as this round comes does).
    retried = [m for m in due if m.kind == MessageKind.invitation]
    news = news_behind(retried)
    slots = {
        slot.id: slot
        for slot in db.session.scalars(
            select(Slot)
            .where(Slot.id.in_({m.slot_id for m in due}))
            .options(
                selectinload(Slot.invitation),
                joinedload(Slot.meeting),
                joinedload(Slot.office),
            )
        )
    }
    for message in retried:
        slot = slots.get(message.slot_id)
        if message.slot_id is None:
            removed_while_retried(message)
        elif slot is not None and (talk_changed(message, slot, news) or gone_from_presenter(slot)):
            renew_retried(slot, message, news)
    # Not those an invitation written again withdrew, nor one another instance's sender leased
    # since they were read: it may be sending it this moment, as it was written.
    due = [m for m in due if m.status == MessageStatus.queued]
    ours = still_due([m for m in due if m.kind != MessageKind.invitation], now)
    due = [m for m in due if m.id in ours]
    reminders = [m for m in due if m.kind == MessageKind.reminder]
    materials = talk_materials([slots[m.slot_id] for m in reminders if m.slot_id in slots])
    for message in reminders:
        reword(message, now, materials)
    updates = [m for m in due if m.kind == MessageKind.update]
    followed = _newer(updates)
    for message in updates:
        if message.id not in followed and message.slot_id in slots:
            contact_news_again(message, slots[message.slot_id])
    db.session.flush()  # what changed, in one batch


def _newer(messages: list[OutboxMessage]) -> set[int]:
    """Of `messages`, those a later message about the same slot to the same address follows
    (not superseded nor discarded): it says what changed since. One query."""
    if not messages:
        return set()
    latest = dict(
        (
            ((slot_id, address), last)
            for slot_id, address, last in db.session.execute(
                select(
                    OutboxMessage.slot_id,
                    OutboxMessage.recipient_mailbox,
                    func.max(OutboxMessage.id),
                )
                .where(
                    OutboxMessage.slot_id.in_({m.slot_id for m in messages}),
                    OutboxMessage.recipient_mailbox.in_({m.recipient_mailbox for m in messages}),
                    OutboxMessage.status.not_in(NEVER_WENT),
                )
                .group_by(OutboxMessage.slot_id, OutboxMessage.recipient_mailbox)
            )
        )
    )
    return {m.id for m in messages if latest.get((m.slot_id, m.recipient_mailbox), m.id) > m.id}
