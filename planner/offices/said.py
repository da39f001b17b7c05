"""What the contact pages tell a co-lead about the emails a contact's change sends: foretold on
the form before saving (as the mail package would send it: `news_for_contact`,
`taken_from_contact`), and counted in the flash after it (what this save wrote, `written_now`).
English only, as every co-lead page is."""

from planner.addresses import mailbox
from planner.mail.messages import (
    language_said,
    news_for_contact,
    taken_from_contact,
    written_language,
    written_now,
)
from planner.mail.models import MessageKind, OutboxMessage
from planner.mail.outbox import unsent_note
from planner.offices.forms import ContactForm
from planner.offices.models import LANGUAGES, Office, OfficeContact


def language_hint() -> str:
    """The contact form's language field: what comes in it, and the languages the emails are
    not written in, whose contacts are written to in English (helper-164: Arabic was offered
    as if it were one)."""
    kinds = (MessageKind.update, MessageKind.cancellation, MessageKind.feed)
    unwritten = [
        name
        for code, name in LANGUAGES.items()
        if any(written_language(kind, code) != code for kind in kinds)
    ]
    hint = "Their emails come in it: the calendar invitations of the office's slots, its feed link."
    if unwritten:
        hint += (
            f" The emails have no {' or '.join(unwritten)} version: a contact who prefers "
            f"{'it' if len(unwritten) == 1 else 'one of them'} is written to in English."
        )
    return hint


def _slots(count: int) -> str:
    return f"{count} slot{'s' if count != 1 else ''}"


def foretold(office: Office, contact: OfficeContact | None) -> str:
    """What saving the contact form will email, as the mail package would send it
    (`news_for_contact`, `taken_from_contact`), said before the co-lead saves."""
    news = len(news_for_contact(office.code))
    presents = (
        f"{office.code} presents {_slots(news)} on published agendas"
        if news
        else f"{office.code} presents no slot on a published agenda"
    )
    each = "each" if news > 1 else "it"
    if contact is None:
        if not news:
            return (
                f"{presents}: adding a contact emails them nothing now (the office's contacts "
                "are sent its slots once their meeting is published)."
            )
        return (
            f"{presents}: the new contact will be sent {each} as a calendar invitation, about a "
            "minute after you add them, in the language chosen below."
        )
    held = len(taken_from_contact(office.code, contact.email))
    if not news and not held:
        return f"{presents}: saving emails no one."
    written = written_language(MessageKind.update, contact.language)
    sent = (
        f"is sent {each} as a calendar invitation ({language_said(contact.language, written)})"
        if news
        else "is sent nothing"
    )
    cancelled = (
        f"{contact.email} a cancellation of the {_slots(held)} its calendar holds"
        if held
        else f"{contact.email} nothing (its calendar holds none of them)"
    )
    return (
        f"{presents}. Only a new email address sends anything: the new address {sent}, and "
        f"{cancelled}."
    )


def foretold_removal(contact: OfficeContact) -> str:
    """What deleting the contact will email them, as the mail package would send it."""
    held = taken_from_contact(contact.office_code, contact.email)
    if not held:
        if not news_for_contact(contact.office_code):
            return (
                f"No email is sent: {contact.office_code} presents no slot on a published agenda."
            )
        return (
            f"No email is sent: {contact.name}'s calendar holds none of "
            f"{contact.office_code}'s slots on published agendas."
        )
    language = language_said(
        contact.language, written_language(MessageKind.cancellation, contact.language)
    )
    return (
        f"{contact.name}'s calendar holds {_slots(len(held))} {contact.office_code} presents "
        f"on published agendas: {contact.name} will be sent a cancellation of "
        f"{'each' if len(held) != 1 else 'it'} ({language})."
    )


def _to(email: str, method: str) -> list[OutboxMessage]:
    """The calendar messages (REQUEST or CANCEL) this save wrote to `email`."""
    return [
        m for m in written_now() if m.recipient_mailbox == mailbox(email) and m.ics_method == method
    ]


def _counted(messages: list[OutboxMessage], what: str, language: str) -> str:
    """ "2 calendar invitations (in Spanish)": what was written, in the language it was."""
    count = len(messages)
    said = f"{count} {what}{'s' if count != 1 else ''}"
    return f"{said} ({language_said(language, messages[0].language)})"


def told(done: str, parts: list[str]) -> str:
    """`done`, then what the save emailed (`parts`, already counted), if anything."""
    if not parts:
        return done
    return " ".join(filter(None, (done, " ".join(parts), unsent_note())))


def added(office: Office, form: ContactForm) -> str:
    """What a co-lead is told of a contact added: the invitations it was sent (helper-164:
    "Contact added to PE." alone, while each of PE's slots was on its way to them)."""
    parts = []
    if sent := _to(form.email.data, "REQUEST"):
        invitations = _counted(sent, "calendar invitation", form.language.data)
        whose = (
            f"one for each of {office.code}'s slots"
            if len(sent) > 1
            else f"for {office.code}'s slot"
        )
        parts.append(
            f"{form.name.data.strip()} is sent {invitations}, {whose} on published agendas."
        )
    return told(f"Contact added to {office.code}.", parts)


def saved(contact: OfficeContact, address: str) -> str:
    """What a co-lead is told of a contact saved: what a new address (the contact's, once
    `address`) was sent, and the old one."""
    parts = []
    if mailbox(address) != contact.mailbox:
        if sent := _to(contact.email, "REQUEST"):
            invitations = _counted(sent, "calendar invitation", contact.language)
            parts.append(f"{contact.email} is sent {invitations}.")
        if gone := _to(address, "CANCEL"):
            parts.append(f"{address} is sent {_counted(gone, 'cancellation', contact.language)}.")
    return told(f"{contact.name} saved.", parts)


def removed(name: str, code: str, email: str, language: str) -> str:
    """What a co-lead is told of a contact deleted: the cancellations it was sent."""
    parts = []
    if gone := _to(email, "CANCEL"):
        cancellations = _counted(gone, "cancellation", language)
        parts.append(f"{name} is sent {cancellations} for {code}'s slots in their calendar.")
    return told(f"{name} is no longer a contact of {code}.", parts)
