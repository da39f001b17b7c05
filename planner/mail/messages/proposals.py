"""A volunteer's proposal: its receipt, the co-leads told of it, its private link mailed
again, and the decision on it."""

from sqlalchemy import select

from planner.accounts.models import User
from planner.addresses import mailbox
from planner.agenda.models import Slot
from planner.extensions import db
from planner.mail.messages.addressing import about_slot, absolute, language_of
from planner.mail.messages.waiting import withdraw_unsent
from planner.mail.messages.writing import queue_message
from planner.mail.models import MessageKind, MessageRole, OutboxMessage
from planner.mail.outbox import Recipient
from planner.presenters.models import Invitation
from planner.proposals.models import EMAILED_DECISIONS, NEW_LINK, Proposal, ProposalStatus


def _volunteer(proposal: Proposal) -> Recipient | None:
    """Who sent a proposal, as a recipient (none without an address)."""
    if not (proposal.contact_email or "").strip():
        return None
    return Recipient(
        proposal.contact_email,
        proposal.contact_name,
        proposal.contact_language or language_of(proposal.contact_email, proposal.office_code),
    )


def received(proposal: Proposal, token: str) -> OutboxMessage | None:
    """A volunteer sent a proposal: its private link by email, the one way back to it, so that
    it is not lost with the browser tab."""
    if (recipient := _volunteer(proposal)) is None:
        return None
    link = absolute("proposals.private", token=token)
    context = {"proposal": proposal, "link": link}
    return queue_message(
        recipient, MessageKind.received, context, role=MessageRole.volunteer, proposal=proposal
    )


def proposal_arrived(proposal: Proposal) -> None:
    """An office volunteered a presentation: every co-lead hears of it, with the way to review
    it (news they may turn off)."""
    coleads = db.session.scalars(select(User).where(User.role == "colead").order_by(User.id))
    context = {
        "proposal": proposal,
        "review_url": absolute("proposals.decide", proposal_id=proposal.id),
    }
    for user in coleads:
        queue_message(
            Recipient(user.email, "", "en"),
            MessageKind.proposal,
            context,
            role=MessageRole.colead,
            optional_kind=MessageKind.proposal,
        )


def link_mailed(proposal: Proposal) -> OutboxMessage | None:
    """The message that took the proposal's current private link to its volunteer
    (`received`); None if none did: no address, or a co-lead made a new link since (the one
    mailed no longer opens it)."""
    if not (proposal.contact_email or "").strip() or proposal.link_hash is None:
        return None
    about = (OutboxMessage.kind == MessageKind.received) & (
        (OutboxMessage.proposal_id == proposal.id)
        # Written before messages named their proposal: its address, from when it was sent.
        | (
            OutboxMessage.proposal_id.is_(None)
            & (OutboxMessage.recipient_mailbox == mailbox(proposal.contact_email))
            & (OutboxMessage.created_at >= proposal.created_at)
        )
    )
    message = db.session.scalar(
        select(OutboxMessage).where(about).order_by(OutboxMessage.id).limit(1)
    )
    relinked = any(e.action == NEW_LINK for e in proposal.events)
    return None if message is None or relinked else message


def decision(proposal: Proposal, reason: str) -> OutboxMessage | None:
    """The co-leads accepted, declined or waitlisted a volunteer's proposal: tell them, with the
    reason. (Waitlisted, they would otherwise hear nothing until a later decision, if ever.)"""
    if proposal.status not in EMAILED_DECISIONS:
        return None
    if (recipient := _volunteer(proposal)) is None:
        return None
    context = {
        "proposal": proposal,
        "accepted": proposal.status == ProposalStatus.accepted,
        "waitlisted": proposal.status == ProposalStatus.waitlisted,
        # Only a digest of the private link is kept: the message that carried it is named.
        "link_message": link_mailed(proposal),
    }
    # A decision that did not go out is replaced by this one: "Send again" on it would tell
    # the volunteer what the co-leads decided before (helper-73).
    withdraw_unsent(OutboxMessage.proposal_id == proposal.id, kinds=(MessageKind.decision,))
    return queue_message(
        recipient,
        MessageKind.decision,
        {**context, "reason": reason.strip()},
        role=MessageRole.volunteer,
        proposal=proposal,
    )


def link_withdrawn(proposal: Proposal) -> None:
    """The volunteer's private link was revoked or replaced: the message carrying the old one
    never goes if it has not gone out (by "Send again" neither: it would open nothing)."""
    withdraw_unsent(OutboxMessage.proposal_id == proposal.id, kinds=(MessageKind.received,))


def invitation_mailed(invitation: Invitation) -> OutboxMessage | None:
    """The last invitation email written to `invitation`'s presenter since they were invited,
    whatever became of it (sent, on its way, held, not sent): what a page that points to it
    says depends on that. One written before (invited again since, with a new link) carries a
    link that works no more, so it is none: its successor may have been discarded unsent."""
    if not invitation.email:
        return None
    return db.session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.kind == MessageKind.invitation,
            *about_slot(invitation.slot, invitation.email),
            OutboxMessage.created_at >= invitation.invited_at,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def invited_to_present(proposal: Proposal, slot: Slot) -> bool:
    """Whether an invitation to present `slot` was ever written to the proposal's volunteer
    (sent or not): the slot's one invitation row is then someone else's, as inviting another
    person replaces it, and only the outbox remembers that they were invited in their place.
    The volunteer is their name, at whatever address (`Proposal.volunteer_is`): Ben's
    invitation to the office's shared mailbox Rosa volunteered from is not hers (helper-329:
    her page said "in your place" and that the link she was sent no longer opened)."""
    names = db.session.scalars(
        select(OutboxMessage.recipient_name)
        .where(OutboxMessage.kind == MessageKind.invitation, OutboxMessage.slot_id == slot.id)
        .distinct()
    )
    return any(proposal.volunteer_is(name) for name in names)
