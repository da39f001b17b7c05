"""An office's private calendar feed, emailed to its contacts when a co-lead sends it: the link
is a secret of the office, which the co-leads pass on (after revoking one, the new one)."""

from planner.mail.messages.addressing import taskforce_address
from planner.mail.messages.waiting import withdraw_queued, withdraw_unsent
from planner.mail.messages.writing import queue_message
from planner.mail.models import MessageKind, OutboxMessage
from planner.mail.outbox import Recipient
from planner.offices.contacts import contacts_for
from planner.offices.models import Office, OfficeContact


def feed_contacts(office: Office) -> list[OfficeContact]:
    """The contacts a feed link goes to: every stored contact of the office, by name."""
    return contacts_for(office.code)


def feed_link(office: Office, url: str) -> list[OutboxMessage]:
    """One message to each of the office's contacts, in their language: the feed's address to
    subscribe to and how each calendar program does it. Always sent (no one-click opt-out):
    a co-lead asked for it, as for an invitation."""
    context = {"office": office, "url": url, "reply_to": taskforce_address()}
    sent = []
    for contact in feed_contacts(office):
        recipient = Recipient(contact.email, contact.name, contact.language)
        if (message := queue_message(recipient, MessageKind.feed, context)) is not None:
            sent.append(message)
    return sent


def feed_link_revoked(office: Office) -> None:
    """The office's feed link was revoked: a message carrying the old one that has not gone out
    never goes, neither on its way (unless a sender is sending it) nor by "Send again": it would
    open nothing."""
    carrying = OutboxMessage.text_body.contains(f"/feeds/offices/{office.code}.ics?token=")
    withdraw_unsent(carrying, kinds=(MessageKind.feed,))
    withdraw_queued(carrying, kinds=(MessageKind.feed,))
