"""The invitation that asks a presenter to present: written (or held for a co-lead's review),
written again while held, and superseded when the same presenter gets a new link."""

from datetime import datetime

from sqlalchemy import select, update

from planner.addresses import mailbox
from planner.agenda.models import HELD, Meeting, Slot, SlotStatus
from planner.extensions import db
from planner.mail import imip
from planner.mail.messages.addressing import (
    about_slot,
    presenter_language,
    presenter_zone,
    private_url_of,
)
from planner.mail.messages.waiting import (
    event_uid,
    supersede,
    taken_back,
    talk_changed,
    withdraw_behind,
)
from planner.mail.messages.writing import (
    WRITTEN_AGAIN,
    calendar_part,
    message_event,
    presenter_attendee,
    queue_message,
    slot_context,
)
from planner.mail.models import MessageKind, MessageRole, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, hold_invitations, restarted, written_in_place
from planner.presenters.models import Invitation
from planner.timezones import moment_in_language


def invitation(
    invitation: Invitation, link: str, *, hold: bool | None = None
) -> OutboxMessage | None:
    """The presenter's invitation: their private page and, once the slot has a time, a REQUEST
    of it. None without an address (the co-lead passes the link on by hand). Held for review
    when the co-leads hold invitations (or `hold` says so)."""
    if not invitation.email:
        return None
    slot = invitation.slot
    zone = presenter_zone(invitation)
    recipient = Recipient(invitation.email, invitation.name, presenter_language(invitation))
    # A co-lead confirmed it for them (they said yes on the phone) before it reached them, sent
    # again or held: it says so rather than asking (helper-229), and their calendar is asked
    # for no answer, as an update of a confirmed slot asks none.
    by_coleads = invitation.answer is None and slot.status == SlotStatus.confirmed
    calendar = None
    if slot.starts_at is not None:
        calendar = calendar_part(
            message_event(slot, recipient, MessageKind.invitation),
            imip.Method.request,
            presenter_attendee(invitation, rsvp=not by_coleads),
            slot,
        )
    context = {**slot_context(slot, zone), "link": link, "zone": zone}
    context["freeze_on"] = slot.meeting.freeze_on
    # The freeze's last minute on the presenter's clocks: the day ends at midnight where the
    # meeting is held, another hour where they are (helper-195).
    until = slot.meeting.editable_until
    context["editable_until"] = until and moment_in_language(
        recipient.language, zone or slot.meeting.time_zone, until
    )
    # Written again while held, after the presenter answered on a link passed on by hand: it
    # says so instead of asking (helper-70).
    context["answer"] = "coleads" if by_coleads else invitation.answer
    return queue_message(
        recipient,
        MessageKind.invitation,
        context,
        role=MessageRole.presenter,
        slot=slot,
        calendar=calendar,
        hold=hold_invitations() if hold is None else hold,
    )


def renew_held(
    slot: Slot, held: OutboxMessage, *, gone: bool, hold: bool = True
) -> OutboxMessage | None:
    """The presenter has heard nothing yet: nothing goes to them until their invitation (held
    for review, or queued for the sender's next round: `waiting.waiting_invitation`) goes, which
    then says what is true when it goes. It is written again with the slot as it is now, held
    or queued as it was; or, with the slot gone from them (cancelled, declined), it no longer
    goes at all. `hold` False: one a co-lead sends again after it failed or found no mail
    server, written again so and queued (`again.send_again`). Returns the new one."""
    held.status = MessageStatus.superseded
    # Nor does news of the slot their invitation never told them of (a move within the
    # minute): the invitation written again says it; a slot gone from them, nothing.
    supersede(slot, held.recipient_email, kinds=(MessageKind.update, MessageKind.reminder))
    link = private_url_of(slot.invitation) if slot.invitation is not None else None
    if gone or not link:
        return None
    written = invitation(slot.invitation, link, hold=hold)
    if written is not None:
        db.session.info.setdefault(WRITTEN_AGAIN, set()).add(written.id)
    return written


def renew_waiting(slot: Slot, waiting: OutboxMessage, *, gone: bool) -> bool:
    """An invitation that has not gone out (`waiting.waiting_invitation`) written again as the
    slot is now, held or queued as it was (`renew_held`). Whether it was: not when a sender
    took it meanwhile, as it goes as written and the news of the change follows it."""
    hold = waiting.status == MessageStatus.held
    if not taken_back(waiting):
        return False
    renew_held(slot, waiting, gone=gone, hold=hold)
    return True


def renew_retried(slot: Slot, retried: OutboxMessage, news: set[int]) -> bool:
    """An invitation its presenter's server turned away for now (4xx), due to be tried again,
    written again as the talk now is when the talk or its meeting changed since it was written
    (`waiting.talk_changed`: its calendar entry behind the feeds' SEQUENCE, read again once the
    slot is held still, or news of a change queued behind it, `news` as the round read it),
    rather than tried again as it was and followed by "Changed" of what it got wrong; that news
    no longer goes. The sender's round does this before it claims
    anything (`late.reword_due`): in a co-lead's request, a sender might be sending it that
    moment. Only if still as read, due and no sender's (`waiting.taken_back`: one another
    sender leased meanwhile goes as written, and its news follows it). Read with the slot and
    its meeting held still (`_held_still`), so that no news it withdraws tells of a change it
    does not say: a change saved meanwhile on another instance waits for this round, then
    finds the invitation written again and not sent yet, as any other; one under way as this
    round comes is left to follow it as "Changed". A talk gone from them since
    (`gone_from_presenter`), they were never told of it: it is taken back, and what waits
    behind it to them as its presenter (its cancellation) with it, under the same rules; one
    another sender leased meanwhile goes, and the cancellation follows it. Left as it is for a
    presenter who answered (a link passed on by hand reached them). Whether it was written
    again or taken back (flushed)."""
    if not _held_still(slot):
        return False
    invitation = slot.invitation
    if (
        invitation is None
        or not invitation.email
        or invitation.answered_at is not None
        or mailbox(invitation.email) != retried.recipient_mailbox
    ):
        return False
    if gone_from_presenter(slot):
        # The talk is gone from them (cancelled, declined on their behalf, its meeting
        # cancelled): they were never told of it, so nothing goes, neither the invitation nor
        # the cancellation written behind it (a sender takes nothing of theirs behind it).
        if not taken_back(retried):
            return False
        withdraw_behind(
            retried,
            *about_slot(slot, retried.recipient_email),
            OutboxMessage.role == MessageRole.presenter,
        )
        return True
    link = private_url_of(invitation)
    # What the co-leads' outbox page said of it, read before it is taken back.
    attempts, error, last = retried.attempts, retried.last_error, retried.last_attempt_at
    history = turned_away(retried)
    if link is None or not talk_changed(retried, slot, news) or not taken_back(retried):
        return False
    written = renew_held(slot, retried, gone=False, hold=False)
    if written is not None:
        # The same invitation, tried again: it counts on from its attempts and its last
        # (MAX_ATTEMPTS in all, its next wait as long: `OutboxMessage.retry_at`) and keeps its
        # server's answer, and when it first came, which its outbox row says
        # (`OutboxMessage.deferred`) once its own attempt clears it.
        written.attempts, written.last_error, written.last_attempt_at = attempts, error, last
        written.basis = history
        # Its own page still says what its server answered, and links to this one.
        written_in_place(retried, written, error, sent_again=False)
    return True


def turned_away(invitation: OutboxMessage) -> dict:
    """What an invitation written again in place of `invitation` keeps of its history (its
    `basis`): when its server first turned it away for now, what it answered, as which
    message (`OutboxMessage.deferred`: kept from the one it replaced, if it was written again
    so itself, else `invitation`'s last attempt, None if not known); and, sent again by a
    co-lead, the one before (`OutboxMessage.sent_again_after`)."""
    kept = {key: value for key, value in (invitation.basis or {}).items() if key == "again"}
    if (deferred := invitation.deferred) is not None:
        at, error, message = deferred
    else:
        at, error, message = invitation.last_attempt_at, invitation.last_error, invitation.id
    if deferred is not None or invitation.attempts:
        kept["deferred"] = {"at": at and at.isoformat(), "error": error, "message": message}
    return kept


def sent_again(invitation: OutboxMessage, by: str | None, now: datetime) -> dict:
    """What an invitation a co-lead (`by`) sends again (`again.send_again`: its server said no
    for good, the sender gave up, or it was discarded), written again as the talk now is, keeps
    of the one it replaces (its `basis`): what any message a co-lead sends keeps
    (`outbox.restarted`: which message, its attempts, its server's last answer, who pressed it
    and when), and when its server first turned it away for now, if it was written again so
    (`OutboxMessage.deferred`). Read before it is replaced. The one written again counts its
    own attempts from 0: the sender tries it MAX_ATTEMPTS times afresh."""
    kept = {key: value for key, value in (invitation.basis or {}).items() if key == "deferred"}
    kept["again"] = restarted(invitation, by, now)
    return kept


def gone_from_presenter(slot: Slot) -> bool:
    """Whether the talk is no longer its presenter's to give: cancelled, declined (by them, or
    on their behalf), set back, or its meeting cancelled (`Slot.status_shown`)."""
    return slot.status_shown not in HELD


def removed_while_retried(retried: OutboxMessage) -> bool:
    """An invitation its presenter's server turned away for now, due to be tried again, whose
    slot was deleted since (a draft's, or with its meeting): they were never told of the talk,
    so neither it nor the cancellation written behind it goes (the same calendar entry, UID).
    Only if still due and no sender's (`waiting.taken_back`). Whether it was taken back."""
    if not taken_back(retried):
        return False
    uid = event_uid(retried.ics)
    if uid is not None:
        withdraw_behind(
            retried,
            OutboxMessage.slot_id.is_(None),
            OutboxMessage.kind == MessageKind.cancellation,
            OutboxMessage.role == MessageRole.presenter,
            OutboxMessage.ics.contains(f"UID:{uid}", autoescape=True),
        )
    return True


def _held_still(slot: Slot) -> bool:
    """Until this transaction ends, no change of `slot` or its meeting is committed elsewhere,
    and both (and the slot's invitation) are read as they are now. Whether they are: not while
    another instance's save of either is under way (PostgreSQL's row locks, taken without
    waiting, so that no save and round ever wait for each other): its news then follows the
    invitation, as after it went. On SQLite, a write that changes nothing takes the database's
    one write lock."""
    for model, key in ((Meeting, slot.meeting_id), (Slot, slot.id)):
        free = select(model.id).where(model.id == key).with_for_update(skip_locked=True)
        if db.session.scalar(free) is None:
            return False
    db.session.execute(
        update(Slot)
        .where(Slot.id == slot.id)
        .values(version=Slot.version)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(slot)
    db.session.refresh(slot.meeting)
    if slot.invitation is not None:
        db.session.refresh(slot.invitation)
    return True


def link_renewed(invitation: Invitation) -> None:
    """The same presenter is invited again, with a new link: whatever they were still to be
    sent (with the old link) is superseded by the new invitation, which says it all."""
    if invitation.email:
        supersede(invitation.slot, invitation.email)
