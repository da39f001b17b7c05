"""What the contact pages tell a co-lead about the emails a contact's change sends: foretold on
the form before saving (as the mail package would send it: `news_for_contact`,
`taken_from_contact`), and counted in the flash after it (what this save wrote, `written_now`).
English only, as every co-lead page is."""

from datetime import datetime

from planner.addresses import mailbox
from planner.extensions import db
from planner.mail.messages import (
    language_said,
    link_reached,
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
    feed = _feed_kept(office, contact.email, "a new address here")
    if not news and not held:
        return " ".join(filter(None, (f"{presents}: saving emails no one.", feed)))
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
    return " ".join(
        filter(
            None,
            (
                f"{presents}. Only a new email address sends anything: the new address {sent}, "
                f"and {cancelled}.",
                feed,
            ),
        )
    )


def foretold_removal(contact: OfficeContact) -> str:
    """What deleting the contact will email them, as the mail package would send it, and the
    office's feed link they keep."""
    feed = _feed_kept(contact.office, contact.email, "deleting the contact")
    return " ".join(filter(None, (_removal_emails(contact), feed)))


def _removal_emails(contact: OfficeContact) -> str:
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


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _reached(office: Office, email: str) -> OutboxMessage | None:
    """The last message that took the office's working feed link to `email`, if one did."""
    return next((m for m in link_reached(office) if m.recipient_mailbox == mailbox(email)), None)


def _feed_kept(office: Office, email: str, change: str) -> str | None:
    """Before a contact's address changes or the contact goes: the office's feed link they
    were emailed works on (helper-240: a focal point who left read the office's slots unseen)."""
    if (message := _reached(office, email)) is None:
        return None
    return (
        f"{email} was emailed {office.code}'s calendar feed link on {_day(message.sent_at)}: "
        f"{change} does not end it, revoking it on {office.code}'s page does."
    )


def feed_still_works(code: str, email: str) -> str | None:
    """After an address stopped being a contact of the office: the feed link it was emailed,
    which still works, to revoke on the office's page (where this is shown)."""
    office = db.session.get(Office, code)
    if office is None or (message := _reached(office, email)) is None:
        return None
    return (
        f"{email}, no longer a contact of {code}, was emailed its calendar feed link on "
        f"{_day(message.sent_at)}, which still works: revoke it below if they should no longer "
        f"see {code}'s slots."
    )


def _names(people: list[tuple[str, datetime]]) -> str:
    """ "Ana and Lee (1 December 2026); Rosa (3 December 2026)": who, by the day they got it."""
    days: dict[str, list[str]] = {}
    for name, moment in sorted(people, key=lambda p: p[1]):
        days.setdefault(_day(moment), []).append(name)
    return "; ".join(f"{_listed(names)} ({day})" for day, names in days.items())


def _addressed(message: OutboxMessage) -> str:
    name = message.recipient_name
    return f"{name} <{message.recipient_email}>" if name else message.recipient_email


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def feed_holders(office: Office, contacts: list[OfficeContact]) -> tuple[str, str | None]:
    """Who the office's feed link, as it works now, was emailed to, for its section of the
    office's page: its contacts who have it and those who have not yet; and, apart, those no
    longer its contacts who still do (helper-240: the focal point who left kept reading the
    office's slots, and the page named no one)."""
    reached = {m.recipient_mailbox: m for m in link_reached(office)}
    boxes = {c.mailbox for c in contacts}
    have = [(c.name, reached[c.mailbox].sent_at) for c in contacts if c.mailbox in reached]
    lack = [c.name for c in contacts if c.mailbox not in reached]
    if not have:
        given = "The current link was emailed to no one yet."
    elif lack:
        given = f"The current link was emailed to {_names(have)}; not yet to {_listed(lack)}."
    else:
        given = f"The current link was emailed to {_names(have)}."
    former = [(_addressed(m), m.sent_at) for box, m in reached.items() if box not in boxes]
    if not former:
        return given, None
    them = "a contact" if len(former) == 1 else "contacts"
    return given, (
        f"Also emailed to {_names(former)}, no longer {them} of {office.code}: the link still "
        f"shows them {office.code}'s slots. If they should no longer see them, revoke it and "
        "email the new one to the contacts."
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
    `address`) was sent, and the old one, and the feed link the old one keeps."""
    parts, feed = [], None
    if mailbox(address) != contact.mailbox:
        if sent := _to(contact.email, "REQUEST"):
            invitations = _counted(sent, "calendar invitation", contact.language)
            parts.append(f"{contact.email} is sent {invitations}.")
        if gone := _to(address, "CANCEL"):
            parts.append(f"{address} is sent {_counted(gone, 'cancellation', contact.language)}.")
        feed = feed_still_works(contact.office_code, address)
    return " ".join(filter(None, (told(f"{contact.name} saved.", parts), feed)))


def removed(name: str, code: str, email: str, language: str) -> str:
    """What a co-lead is told of a contact deleted: the cancellations it was sent, and the
    feed link it keeps."""
    parts = []
    if gone := _to(email, "CANCEL"):
        cancellations = _counted(gone, "cancellation", language)
        parts.append(f"{name} is sent {cancellations} for {code}'s slots in their calendar.")
    feed = feed_still_works(code, email)
    return " ".join(filter(None, (told(f"{name} is no longer a contact of {code}.", parts), feed)))
