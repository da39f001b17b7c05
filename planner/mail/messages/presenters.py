"""The presenter's answer, told to the co-leads; and what else changes who hears of a slot: the
presenter's link revoked or zone chosen, another presenter in their place."""

from sqlalchemy import select

from planner.accounts.models import User
from planner.agenda.models import Slot
from planner.extensions import db
from planner.mail import imip
from planner.mail.messages.addressing import absolute, language_of
from planner.mail.messages.changes import rewrite_settling, stays_as_contact
from planner.mail.messages.invitations import renew_held
from planner.mail.messages.waiting import settling_withdrawn, supersede, waiting_invitation
from planner.mail.messages.writing import (
    calendar_part,
    message_event,
    queue_message,
    slot_context,
    times_known,
)
from planner.mail.models import MessageKind, MessageRole
from planner.mail.outbox import Recipient
from planner.presenters.models import Answer, Invitation, Reinvited
from planner.timezones import known


def link_revoked(invitation: Invitation) -> None:
    """The presenter's link was revoked: an invitation not yet out (it carries the link) is
    superseded. An update still settling carries it too: it is written again without the link
    (what it had to say, said by the new one; `writing.queue_message` carries it over). Later
    messages carry no link (`addressing.private_url_of`)."""
    if not invitation.email:
        return
    supersede(invitation.slot, invitation.email, (MessageKind.invitation,))
    rewrite_settling(invitation.slot)


def zone_chosen(invitation: Invitation) -> None:
    """The presenter chose the zone they read their times in, which their page says their
    emails follow: their invitation still held for review, or an update still settling, written
    in the one before, is written again in it (helper-193)."""
    slot = invitation.slot
    if invitation.email and (held := waiting_invitation(slot, invitation.email)) is not None:
        renew_held(slot, held, gone=False)
    rewrite_settling(slot)


# What the message to the one invited before says (`reason` in the cancellation and the update).
_REASONS = {
    Reinvited.another: "replaced",
    Reinvited.readdressed: "readdressed",
    Reinvited.again: "reinvited",
}


def presenter_replaced(
    slot: Slot,
    name: str,
    email: str | None,
    time_zone: str | None,
    answered: bool = False,
    gone: bool = False,
    language: str | None = None,
    *,
    how: Reinvited = Reinvited.another,
) -> None:
    """Someone else is invited for the slot, or the same person at another address or none
    (`how`, `presenters.models.reinvited`: their address corrected, which the message to the
    old one says, without the new address: the old mailbox may be a stranger's, a typo, or a
    successor's now; or invited again with a link not sent there, which ends the calendar entry
    no message would update any more, and promises no email to come): what
    the one invited before was still to be sent does not go, and if they know of the slot (a
    message may have reached them, or they answered on their page: a co-lead may have passed
    the link on by hand), a CANCEL does
    (sent once the slot's SEQUENCE has risen past what they had). One who no longer held it
    (`gone`: they declined, or a co-lead set it back) was told then (a CANCEL, or the office's
    copy): nothing more (helper-62, helper-63). `time_zone`: the one their page showed them
    (`Invitation.own_zone` before the new presenter was written over it); `language`: the one
    their messages came in (`presenter_language`, read before)."""
    if not email:
        return
    # What an update still waiting would have told them (the time they knew, before a move).
    waiting = settling_withdrawn(slot, email)
    reached = supersede(slot, email)
    if gone:
        return
    if not (reached or answered) or slot.starts_at is None:
        return  # they were told nothing (or of no time): nothing to take back
    reason = _REASONS[how]
    if stays_as_contact(slot, email, reason, time_zone, language):
        return
    recipient = Recipient(email, name, language or language_of(email, name=name, slot=slot))
    attendee = imip.presenter(email, name, confirmed=False)
    zone = known(time_zone) or "UTC"
    context = {**slot_context(slot, zone), "reason": reason}
    context["times"] = times_known(waiting, context["times"])
    queue_message(
        recipient,
        MessageKind.cancellation,
        context,
        role=MessageRole.presenter,
        slot=slot,
        calendar=calendar_part(
            message_event(slot, recipient, MessageKind.cancellation),
            imip.Method.cancel,
            attendee,
            slot,
        ),
    )


def answered(invitation: Invitation) -> None:
    """A presenter confirmed, declined or asked for another time: every co-lead hears of it."""
    slot = invitation.slot
    coleads = db.session.scalars(select(User).where(User.role == "colead").order_by(User.id))
    context = {
        **slot_context(slot, None),
        "invitation": invitation,
        "answer": invitation.answer,
        "editor_url": absolute("agenda.edit", meeting_id=slot.meeting_id) + "#slots",
    }
    for user in coleads:
        queue_message(
            Recipient(user.email, "", "en"),
            MessageKind.answer,
            context,
            role=MessageRole.colead,
            slot=slot,
        )
    if invitation.answer == Answer.another_time:
        # The slot stays as it was, so nothing else writes to them: an update waiting to go
        # (a request to confirm a new time they have answered so) is written again as it now
        # is, no longer asking.
        rewrite_settling(slot)
