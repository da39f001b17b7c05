"""Who messages go to and how they name things: the Task Force's address, links, times in a
reader's zone, a contact's language, and which slot each address has been written about."""

from datetime import datetime, timedelta
from email.utils import parseaddr
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from sqlalchemy import select

from planner.addresses import mailbox, same_address
from planner.agenda.models import Slot
from planner.extensions import db
from planner.mail.models import OutboxMessage
from planner.mail.sender import DEFAULT_FROM, taskforce_email
from planner.offices.models import OfficeContact
from planner.presenters.models import Invitation
from planner.text import same_name
from planner.timezones import known, time_span, time_span_in, until_in

# The Session.info key of who has had a message about which slot in this transaction.
SENT = "mail.sent"


def organizer_email() -> str:
    """The Task Force's address: TASKFORCE_EMAIL, else the address MAIL_FROM sends from."""
    config = current_app.config
    address = _configured_address()
    return address or f"taskforce@{urlsplit(config['BASE_URL']).hostname or 'localhost'}"


def _configured_address() -> str | None:
    return taskforce_email(current_app.config)


def taskforce_address() -> str | None:
    """The address people write to the co-leads at, when one is set (pages show it). The
    built-in sender (taskforce@localhost, while MAIL_FROM is unset) reaches nobody: pages then
    name no address rather than that one."""
    address = _configured_address()
    return None if address == parseaddr(DEFAULT_FROM)[1] else address


def absolute(endpoint: str, **values) -> str:
    """An address on BASE_URL, in a request or outside one (the reminder command)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    adapter = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adapter.build(endpoint, values)


class When(str):
    """A slot's time in a zone as an English message says it (`time_span`), which keeps what it
    says, so that a message in another language says it in that one (`in_language`). It is
    kept with a settling update (`stored`, read back by `When.read`)."""

    start: datetime
    minutes: int
    zone: str

    def __new__(cls, start: datetime, minutes: int, zone: str) -> "When":
        said = super().__new__(
            cls, time_span(zone, start, start + timedelta(minutes=minutes), named=True)
        )
        said.start, said.minutes, said.zone = start, minutes, zone
        return said

    def in_language(self, language: str) -> str:
        end = self.start + timedelta(minutes=self.minutes)
        return time_span_in(language, self.zone, self.start, end)

    def stored(self) -> dict:
        return {"start": self.start.isoformat(), "minutes": self.minutes, "zone": self.zone}

    @classmethod
    def read(cls, value: "dict | str") -> str:
        """A time as `stored` kept it; one kept as its English words (before times were kept
        so) stays as they are."""
        if isinstance(value, dict):
            return cls(datetime.fromisoformat(value["start"]), value["minutes"], value["zone"])
        return value


class Soon(str):
    """How soon a slot starts for its reader, from when a message is written ("in 2 hours",
    "tomorrow": `until_in`), in English, which keeps what it says, so that a message in another
    language says it in that one (`in_language`)."""

    start: datetime
    now: datetime
    zone: str

    def __new__(cls, start: datetime, now: datetime, zone: str) -> "Soon":
        said = super().__new__(cls, until_in("en", zone, start, now))
        said.start, said.now, said.zone = start, now, zone
        return said

    def in_language(self, language: str) -> str:
        return until_in(language, self.zone, self.start, self.now)


def when(start: datetime, minutes: int, zone: str) -> When:
    """ "Tuesday 9 March 2027, 23:10–23:30 Sydney (UTC+11)" (see `time_span`)."""
    return When(start, minutes, zone)


def in_language(time: str, language: str) -> str:
    """A message's time (`when`), or how soon it is (`Soon`), in the language the message is
    written in."""
    return time.in_language(language) if isinstance(time, When | Soon) else time


def stored(time: str) -> "dict | str":
    return time.stored() if isinstance(time, When) else time


def private_url_of(invitation: Invitation) -> str | None:
    """The presenter's private page, written again for a later message, while the link works."""
    token = invitation.private_token
    return absolute("presenters.page", token=token) if token else None


def presenter_zone(invitation: Invitation) -> str:
    """The zone this invitation's presenter reads times in, in their emails as on their page
    (`Invitation.own_zone`: theirs also once they declined; helper-55)."""
    return known(invitation.own_zone) or "UTC"


def presenter_language(invitation: Invitation, default: str | None = "en") -> str | None:
    """The language this invitation's presenter reads their messages in: the one the co-lead
    chose when inviting them, else theirs as an office contact, else the one chosen on the
    volunteer form when they volunteered the talk (as `presenter_zone` is the zone they read
    times in); `default` when none says."""
    if invitation.language:
        return invitation.language
    return language_of(
        invitation.email, name=invitation.name, slot=invitation.slot, default=default
    )


def language_of(
    email: str | None,
    office_code: str | None = None,
    *,
    name: str | None = None,
    slot: Slot | None = None,
    volunteer: tuple[str | None, str | None, str | None] | None = None,
    default: str | None = "en",
) -> str | None:
    """The language an address asked for as an office contact (consented or entered); else,
    to the presenter of a `slot` filled from a proposal who is its volunteer, the one chosen
    on the volunteer form (which says the invitation and what follows come in it, also to a
    volunteer not kept as a contact). `name`, of the one written to, says who they are, as
    `Proposal.volunteer_is` does (`same_name`): at a shared mailbox (ict@…) the contact kept
    there may be a colleague, and the volunteer reads theirs, also at an address the co-leads
    corrected; without it, the volunteer is the one at their address. `volunteer` gives that
    proposal's (email, name, language) where the slot is read as a row, not loaded (a deleted
    meeting's slots). `default` when no language is known (English, for a message; none, for
    a page that reads the browser's)."""
    if not email:
        return default
    query = select(OfficeContact).where(OfficeContact.mailbox == mailbox(email))
    if office_code:
        query = query.where(OfficeContact.office_code == office_code)
    contacts = db.session.scalars(query.order_by(OfficeContact.id)).all()
    if volunteer is None and slot is not None and slot.proposal is not None:
        proposal = slot.proposal
        volunteer = (proposal.contact_email, proposal.contact_name, proposal.contact_language)
    if name is not None:
        if theirs := next((c for c in contacts if same_name(c.name, name)), None):
            return theirs.language
        if volunteer is not None and same_name(volunteer[1], name):
            return volunteer[2] or default
    if contacts:
        return contacts[0].language
    if name is None and volunteer is not None and same_address(volunteer[0], email):
        return volunteer[2] or default
    return default


def mark_sent(slot: Slot, email: str) -> None:
    """Nothing more about `slot` goes to `email` in this transaction (one message each)."""
    db.session.info.setdefault(SENT, set()).add((slot.id, mailbox(email)))


def already_sent(slot: Slot, email: str) -> bool:
    return (slot.id, mailbox(email)) in db.session.info.get(SENT, set())


def about_slot(slot: Slot, email: str) -> tuple:
    """The conditions of a message about `slot` to `email` (in any spelling of the address)."""
    return (OutboxMessage.slot_id == slot.id, OutboxMessage.recipient_mailbox == mailbox(email))
