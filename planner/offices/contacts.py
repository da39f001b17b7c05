"""Office contacts: adding, changing and removing them, keeping a volunteer's with consent, and
the list co-leads export or pick a presenter from. Contacts are private: no public page, feed or
API answer reads them."""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from planner.addresses import mailbox, same_address
from planner.db_types import fit, utcnow
from planner.errors import ConflictError, PlannerError
from planner.extensions import db
from planner.offices.models import LANGUAGES, Office, OfficeContact
from planner.proposals.models import Proposal, ProposalStatus
from planner.text import by_name, same_name
from planner.versioning import changed_columns

CSV_COLUMNS = (
    "office",
    "office name",
    "name",
    "email",
    "role",
    "language",
    "source",
    "created (UTC)",
    "updated (UTC)",
)


def language_code(language: str | None) -> str:
    """A language a contact may prefer, refused (naming the choices) when it is not one."""
    code = (language or "en").strip()
    if code not in LANGUAGES:
        raise PlannerError(f"Choose a language from: {', '.join(LANGUAGES)}.", field="language")
    return code


def _by_email(office_code: str, email: str) -> OfficeContact | None:
    # Addresses differ in case as people type them, in any script; they reach the same person:
    # found by the mailbox each contact keeps (`OfficeContact.mailbox`).
    return db.session.scalar(
        select(OfficeContact).where(
            OfficeContact.office_code == office_code, OfficeContact.mailbox == mailbox(email)
        )
    )


def _refuse_taken(office_code: str, email: str, contact: OfficeContact | None = None) -> None:
    other = _by_email(office_code, email)
    if other is not None and other is not contact:
        raise ConflictError(
            f"{other.name} <{other.email}> is already a contact of {office_code}: edit that one.",
            field="email",
        )


def add_contact(
    office: Office, *, name: str, email: str, role: str, language: str, editor: str | None
) -> OfficeContact:
    """A contact a co-lead enters."""
    _refuse_taken(office.code, email)
    contact = OfficeContact(
        office_code=office.code,
        name=name.strip(),
        email=email.strip(),
        role=role.strip(),
        language=language_code(language),
        source=fit(f"entered by {editor or 'a co-lead'}", OfficeContact.source),
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def update_contact(
    contact: OfficeContact,
    *,
    name: str,
    email: str,
    role: str,
    language: str,
    editor: str | None,
) -> None:
    """A co-lead's change. The source stays: where the contact came from (and any consent)
    is the record, whoever corrects a typo later. Another address is the co-lead's entry: a
    volunteer consented to be kept at the address they gave, and a contact handed to their
    successor (a focal point who left) is no longer the one who consented (helper-240)."""
    _refuse_taken(contact.office_code, email, contact)
    if mailbox(email) != contact.mailbox:
        contact.source = fit(f"entered by {editor or 'a co-lead'}", OfficeContact.source)
    contact.name = name.strip()
    contact.email = email.strip()
    contact.role = role.strip()
    contact.language = language_code(language)
    if changed_columns(contact):  # saved unchanged: no new version
        contact.updated_at = utcnow()
    db.session.flush()


def remove_contact(contact: OfficeContact) -> None:
    db.session.delete(contact)
    db.session.flush()


def from_proposal(proposal: Proposal, accepted_by: str) -> OfficeContact | None:
    """Keep a volunteer as a contact of their office, as they consented to when proposing, now
    that a co-lead accepted the proposal (nothing anyone sends unreviewed becomes a contact). An
    office contact with the same address stays as the co-leads keep it: a proposal never changes
    one. None without consent or an address."""
    if not proposal.contact_consent or not (proposal.contact_email or "").strip():
        return None
    if (contact := _by_email(proposal.office_code, proposal.contact_email)) is not None:
        return contact
    contact = OfficeContact(
        office_code=proposal.office_code,
        email=proposal.contact_email.strip(),
        role="",
        name=fit(proposal.contact_name.strip(), OfficeContact.name),
        language=proposal.contact_language or "en",
        source=fit(
            f"from proposal #{proposal.id} with consent, accepted by {accepted_by}",
            OfficeContact.source,
        ),
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def kept_as_contact(proposal: Proposal) -> str:
    """What became of a volunteer's consent to be kept as a contact, as the proposal's pages say
    it: "not asked"; "asked" (until the proposal is accepted); "kept" (this proposal's contact is
    there); "already" (the office had the address, whose contact stays as the co-leads keep
    it); "removed" (kept once, removed by the co-leads since: accepting again does not add it);
    "withdrawn" (asked for, but the volunteer withdrew the proposal before it was accepted)."""
    if not proposal.contact_consent:
        return "not asked"
    contact = _by_email(proposal.office_code, proposal.contact_email)
    if contact is not None:
        return "kept" if contact.source.startswith(f"from proposal #{proposal.id} ") else "already"
    if proposal.was_accepted:
        return "removed"
    return "withdrawn" if proposal.status == ProposalStatus.withdrawn else "asked"


def contacts_for(office_code: str, proposal: Proposal | None = None) -> list[OfficeContact]:
    """An office's contacts to pick a presenter from, by name; for a slot linked to a proposal
    (pass `slot.proposal`), the volunteer first (by address and name, `same_name`). One who is
    not kept (no consent, or a colleague is the contact at their shared mailbox) is still
    offered for their own presentation, as an unsaved contact (id None): the co-leads have
    their address from the proposal already."""
    contacts = sorted(
        db.session.scalars(
            select(OfficeContact).where(OfficeContact.office_code == office_code.upper())
        ),
        key=lambda c: (by_name(c.name), c.id),
    )
    if (
        proposal is None
        or proposal.office_code != office_code.upper()
        or proposal.erased_at is not None  # its volunteer's name and address are gone
    ):
        return contacts
    # The volunteer themself: at a shared mailbox (ict@…) the contact kept there may be a
    # colleague, offered after them, never in their place.
    own = [
        c
        for c in contacts
        if same_address(c.email, proposal.contact_email)
        and same_name(c.name, proposal.contact_name or "")
    ]
    if not own:
        # Not added to the session: it is offered, never stored by this.
        own = [
            OfficeContact(
                office_code=proposal.office_code,
                name=proposal.contact_name,
                email=proposal.contact_email,
                role="",
                language=proposal.contact_language or "en",
                source=f"proposal #{proposal.id}",
            )
        ]
    return own + [c for c in contacts if c not in own]


def all_contacts() -> list[OfficeContact]:
    """Every office's contacts, by office and name, with their offices (the export names them)."""
    return sorted(
        db.session.scalars(select(OfficeContact).options(selectinload(OfficeContact.office))),
        key=lambda c: (c.office_code, by_name(c.name), c.id),
    )


def contact_rows(contacts: Iterable[OfficeContact]) -> list[tuple[str, ...]]:
    """The contacts as a table for co-leads: its heading, then a row a contact."""
    return [
        CSV_COLUMNS,
        *(
            (
                c.office_code,
                c.office.name,
                c.name,
                c.email,
                c.role,
                c.language,
                c.source,
                c.created_at.strftime("%Y-%m-%d %H:%M"),
                c.updated_at.strftime("%Y-%m-%d %H:%M"),
            )
            for c in contacts
        ),
    ]
