"""The invitation that asks a presenter to present: written (or held for a co-lead's review),
written again while held, and superseded when the same presenter gets a new link."""

from planner.agenda.models import Slot, SlotStatus
from planner.mail import imip
from planner.mail.messages.addressing import (
    presenter_language,
    presenter_zone,
    private_url_of,
)
from planner.mail.messages.waiting import supersede, taken_back
from planner.mail.messages.writing import (
    calendar_part,
    message_event,
    presenter_attendee,
    queue_message,
    slot_context,
)
from planner.mail.models import MessageKind, MessageRole, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, hold_invitations
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
    if not gone and link:
        return invitation(slot.invitation, link, hold=hold)
    return None


def renew_waiting(slot: Slot, waiting: OutboxMessage, *, gone: bool) -> bool:
    """An invitation that has not gone out (`waiting.waiting_invitation`) written again as the
    slot is now, held or queued as it was (`renew_held`). Whether it was: not when a sender
    took it meanwhile, as it goes as written and the news of the change follows it."""
    hold = waiting.status == MessageStatus.held
    if not taken_back(waiting):
        return False
    renew_held(slot, waiting, gone=gone, hold=hold)
    return True


def link_renewed(invitation: Invitation) -> None:
    """The same presenter is invited again, with a new link: whatever they were still to be
    sent (with the old link) is superseded by the new invitation, which says it all."""
    if invitation.email:
        supersede(invitation.slot, invitation.email)
