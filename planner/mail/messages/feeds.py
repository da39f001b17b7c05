"""An office's private calendar feed, emailed to its contacts when a co-lead sends it: the link
is a secret of the office, which the co-leads pass on (after revoking one, the new one)."""

import re

from flask import current_app
from sqlalchemy import select

from planner.addresses import mailbox, same_address
from planner.calendar.operations import token_is_valid
from planner.config import signing_keys
from planner.errors import ConflictError
from planner.extensions import db
from planner.mail.messages.addressing import taskforce_address
from planner.mail.messages.waiting import withdraw_not_out
from planner.mail.messages.writing import queue_message
from planner.mail.models import MessageKind, MessageRole, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, unsubscribed
from planner.mail.unsubscribe import unsubscribe_url
from planner.offices.contacts import contacts_for
from planner.offices.models import Office, OfficeContact


def feed_contacts(office: Office) -> list[OfficeContact]:
    """The contacts a feed link goes to: every stored contact of the office, by name."""
    return contacts_for(office.code)


def feed_link(office: Office, url: str) -> tuple[list[OutboxMessage], list[OfficeContact]]:
    """One message to each of the office's contacts, in their language: the feed's address to
    subscribe to and how each calendar program does it; the link it replaces, where one was
    sent to them before (their subscription to it no longer follows anything); and, as each
    of the office's slots also reaches them as an emailed invitation, that their calendar may
    show both, with the way to stop those. Always sent (no one-click opt-out): a co-lead asked
    for it, as for an invitation. Returns the messages written, and the contacts to whom one
    with this link is still on its way (a double click): not written again."""
    sent, waiting = [], []
    for contact in feed_contacts(office):
        if _on_its_way(office, contact.email, url):
            waiting.append(contact)
            continue
        recipient = Recipient(contact.email, contact.name, contact.language)
        context = {
            "office": office,
            "url": url,
            "reply_to": taskforce_address(),
            "replaced": _replaced(office, contact.email, url),
            "stop_invitations": None
            if unsubscribed(contact.email, MessageKind.update)
            else unsubscribe_url(contact.email, MessageKind.update),
        }
        message = queue_message(recipient, MessageKind.feed, context, role=MessageRole.contact)
        if message is not None:
            sent.append(message)
    return sent, waiting


def _on_its_way(office: Office, email: str, url: str) -> bool:
    """Whether a message with `url` to `email` is queued still: it says what one written now
    would."""
    queued = db.session.scalars(
        select(OutboxMessage.text_body).where(
            OutboxMessage.kind == MessageKind.feed,
            OutboxMessage.status == MessageStatus.queued,
            OutboxMessage.recipient_mailbox == mailbox(email),
            _carrying(office),
        )
    )
    return any(url in text for text in queued)


def _replaced(office: Office, email: str, url: str) -> OutboxMessage | None:
    """The last feed link of the office that reached `email` and that `url` replaces (revoked
    since): None if none did, or the last one carried `url` itself."""
    last = db.session.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.kind == MessageKind.feed,
            OutboxMessage.status == MessageStatus.sent,
            OutboxMessage.recipient_mailbox == mailbox(email),
            _carrying(office),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return None if last is None or url in last.text_body else last


# A feed link as an email gives it, in either form (https://…, webcal://…).
_GIVEN_LINK = re.compile(r"\S+/feeds/offices/[^/.?\s]+\.ics\?token=[A-Za-z0-9_.-]+")


def kept_when_cleared(text: str) -> str:
    """What a feed email keeps of its text once it is cleared (`personal_data.retention`): the
    office's feed links it gave, one a line, and no word to its reader. A link emailed after a
    revocation must name the email it replaces, however long ago that went (`_replaced`):
    cleared whole, it read as a first email, and the contact's calendar stayed subscribed to
    the dead link beside the new one (helper-210). The office's link is the office's, and the
    planner makes the current one whenever asked: keeping it gives away nothing of the
    person."""
    return "\n".join(dict.fromkeys(_GIVEN_LINK.findall(text or "")))


def _carrying(office: Office):
    """Messages that carry a feed link of the office, whichever."""
    return OutboxMessage.text_body.contains(f"/feeds/offices/{office.code}.ics?token=")


def feed_link_revoked(office: Office) -> None:
    """The office's feed link was revoked: a message carrying the old one that has not gone out
    never goes, neither on its way (one in a sender's batch included; only the one it is sending
    this moment goes) nor by "Send again": it would open nothing."""
    withdraw_not_out(_carrying(office), kinds=(MessageKind.feed,))


# The office's feed link in a feed message's text: its code and token.
_LINK = re.compile(r"/feeds/offices/([^/.?\s]+)\.ics\?token=([A-Za-z0-9_.-]+)")


def sendable_again(message: OutboxMessage) -> None:
    """Raise ConflictError, saying why, unless a co-lead's "Send again" of a feed email that did
    not go may send it: the link in it still opens its office's feed (one marked failed after
    the link was revoked, or written before the app's SECRET_KEY changed, which signs every
    feed link, would open nothing), and its recipient is still a contact of the office (one
    removed since, who left it, is not to get its private link)."""
    found = _LINK.search(message.text_body or "")
    office = db.session.get(Office, found[1]) if found else None
    if office is None or not token_is_valid(office, found[2], signing_keys(current_app.config)):
        code = office.code if office is not None else "the office"
        raise ConflictError(
            f"Not sent: the feed link in this message no longer opens {code}'s feed (it was "
            "revoked, or the app's SECRET_KEY changed). Email the current link from the "
            "office's page."
        )
    if not any(same_address(c.email, message.recipient_email) for c in feed_contacts(office)):
        raise ConflictError(
            f"Not sent: {message.recipient_email} is no longer a contact of {office.code}, and "
            "the link is private to the office's contacts."
        )


def link_reached(office: Office) -> list[OutboxMessage]:
    """The last message that took the office's feed link, as it works now, to each address
    it reached: whoever can read the feed, contacts or no longer (`working_links`, by office).
    A co-lead revokes the link when one of them should no longer read it (helper-240)."""
    keys = signing_keys(current_app.config)
    found: dict[str, OutboxMessage] = {}
    for message in db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.kind == MessageKind.feed,
            OutboxMessage.status == MessageStatus.sent,
            _carrying(office),
        )
        .order_by(OutboxMessage.id)
    ):
        if any(
            code == office.code and token_is_valid(office, token, keys)
            for code, token in _LINK.findall(message.text_body or "")
        ):
            found[message.recipient_mailbox] = message
    return list(found.values())


def working_links(messages: list[OutboxMessage]) -> list[tuple[Office, OutboxMessage]]:
    """Of `messages` (to one person), the office feed links that reached them and still open
    their office's feed, each office once with the last message that carried its link: they
    read it in their calendar program for as long as it works (a co-lead revokes it on the
    office's page). Its address is kept when a message's text is cleared (`kept_when_cleared`)."""
    found: dict[str, tuple[Office, OutboxMessage]] = {}
    keys = signing_keys(current_app.config)
    for message in messages:
        if message.kind != MessageKind.feed or message.status != MessageStatus.sent:
            continue
        for code, token in _LINK.findall(message.text_body or ""):
            office = db.session.get(Office, code)
            if office is not None and token_is_valid(office, token, keys):
                found[office.code] = (office, message)
    return list(found.values())
