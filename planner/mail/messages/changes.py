"""Updates and cancellations, collected as the session flushes: one message per
recipient and slot just before the transaction commits, however many changes it made."""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from types import SimpleNamespace

from icalendar import Calendar
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from planner.addresses import mailbox, same_address
from planner.agenda.models import HELD, Meeting, MeetingStatus, Slot, SlotStatus
from planner.agenda.operations import ASKED_AGAIN, CONFIRMED_AGAIN
from planner.calendar.ics import EventInfo
from planner.calendar.operations import _status as shown_status
from planner.calendar.operations import is_public, office_sequence, slot_sequence, slot_words
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail import imip
from planner.mail.messages.addressing import (
    SENT,
    When,
    about_slot,
    already_sent,
    language_of,
    mark_sent,
    presenter_language,
    presenter_zone,
    private_url_of,
    taskforce_address,
    when,
)
from planner.mail.messages.invitations import invitation as write_invitation
from planner.mail.messages.invitations import renew_waiting
from planner.mail.messages.waiting import (
    behind,
    calendar_copy,
    cancellation_taken_back,
    cancellation_waiting,
    first_news_waiting,
    held_sequence,
    holds_event,
    invitation_taken_away,
    last_calendar_method,
    last_heard_declined,
    sequence_for,
    settling_update,
    supersede,
    taken_back,
    unsent_withdrawn,
    waiting_invitation,
    withdraw_unsent,
)
from planner.mail.messages.writing import (
    WRITTEN,
    WRITTEN_AGAIN,
    calendar_part,
    message_event,
    presenter_attendee,
    queue_message,
    render,
    slot_context,
    times_known,
    written_language,
)
from planner.mail.models import MessageKind, MessageRole, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, undelivered_invitation, unsubscribed
from planner.mail.unsubscribe import unsubscribe_url
from planner.offices.contacts import contacts_for
from planner.offices.models import Office, OfficeContact
from planner.presenters.models import Answer, Invitation
from planner.proposals.models import Proposal
from planner.timezones import known

# Session.info keys: what this transaction changed (`SENT`, who has had a message about which
# slot, is `addressing`'s).
_TOUCHED, _MEETINGS, _REMOVED, _ADDED, _OFFICE_BEFORE, _KIND_BEFORE, _CONTACTS = (
    "mail.slots",
    "mail.meetings",
    "mail.removed",
    "mail.added",
    "mail.office_before",
    "mail.kind_before",
    "mail.contacts",
)

# Where a slot goes when its presenter no longer presents it (and it is not cancelled).
_LEFT = (SlotStatus.declined, SlotStatus.proposed)


def _times_before(slot: Slot, change: "_Change", zone: str | None) -> list[str]:
    """The slot's time before this change, as `writing._times` shows it; none if it did not move."""
    if change.was is None:
        return []
    start, minutes = change.was
    if start is None or (start, minutes) == (slot.starts_at, slot.duration_minutes):
        return []
    home = known(slot.meeting.time_zone) or "UTC"
    return [when(start, minutes, z) for z in dict.fromkeys(z for z in (zone, home) if z)]


def rewrite_settling(slot: Slot) -> None:
    """What a presenter's update still settling was written with no longer holds (their link
    was revoked, the slot went to another office): it is written again, saying what it had to
    say, with the slot as it is now, at the same moment. Nothing if none waits, or if this
    transaction already wrote them one (which says it all)."""
    invitation = slot.invitation
    if invitation is not None and invitation.email and settling_update(slot, invitation.email):
        _tell_presenter(
            slot, _Change(status=slot.status), cancelled=False, shown=True, what=set(), rewrite=True
        )


def update_again(slot: Slot, said: dict | None) -> OutboxMessage | None:
    """A presenter's update that failed or found no mail server, sent again by a co-lead once
    its calendar entry is behind what their calendar needs or the link in it no longer opens
    their page (`again.send_again`): written again with the slot as it is now, saying what it
    said (`said`, kept with it: the changes it named, the time it was, and whether it was the
    news of the publishing, a request to confirm a new time, word that the slot is back at the
    time they confirmed, a confirmation, their first news of it) where that still holds.
    Returns the message written; None if the slot has nothing for its presenter now."""
    said = said or {}
    was = [When.read(time) for time in said.get("was") or []]
    change = _Change(
        status=said.get("status_was") or slot.status,
        what=set(said.get("what") or ()),
        was=(was[0].start, was[0].minutes) if was and isinstance(was[0], When) else None,
    )
    invitation = slot.invitation
    # Noted for this transaction as `agenda.operations._ask_again` and `_confirmed_as_it_was`
    # note it, while it still holds: still awaiting their answer, still confirmed.
    if said.get("asked_again") and slot.status == SlotStatus.invited and invitation.answer is None:
        db.session.info.setdefault(ASKED_AGAIN, set()).add(slot.id)
    if said.get("restored") and slot.status == SlotStatus.confirmed:
        db.session.info.setdefault(CONFIRMED_AGAIN, set()).add(slot.id)
    return _tell_presenter(
        slot,
        change,
        cancelled=False,
        shown=True,
        what=change.what,
        published=bool(said.get("published")) and is_public(slot.meeting),
        reinstated=bool(said.get("reinstated")) and slot.meeting.status == MeetingStatus.published,
    )


def stays_as_contact(
    slot: Slot, email: str, reason: str, zone: str | None, language: str | None = None
) -> bool:
    """A presenter replaced (`reason` "replaced"; "readdressed": the same person invited at
    another address) or who declined ("declined") and is also a
    contact of the slot's office, subscribed to its updates, keeps the event as the office's
    contacts have it: one message says they no longer present it and updates it to the
    contacts' copy, rather than a CANCEL that takes it out of their calendar until an unrelated
    change brings it back (helper-58, helper-61). That message is the last to them as its
    presenter: its times are in `zone`, the one their page showed (`Invitation.own_zone`), not
    the office's, and its words in `language`, the one their messages about the slot came in
    (`presenter_language`: a co-lead's choice when inviting them), not the one they have as a
    contact (helper-238). Whether it was so."""
    contact = next(
        (c for c in contacts_for(slot.office_code) if same_address(c.email, email)), None
    )
    if (
        contact is None
        or already_sent(slot, email)
        or slot.status == SlotStatus.cancelled
        or not is_public(slot.meeting)
        or unsubscribed(email, MessageKind.update)
    ):
        return False
    # Their calendar may never have had it (nothing reached them): then it goes there now.
    first = not holds_event(slot, email)
    context = {"no_longer_presenting": reason, "what": [], "was": [], "first": first}
    recipient = Recipient(contact.email, contact.name, language or contact.language or "en")
    _to_contact(slot, recipient, office=slot.office, cancel=False, context=context, zone=zone)
    return True


def _to_contact(
    slot: Slot,
    contact: OfficeContact | Recipient,
    *,
    office: Office | None,
    cancel: bool,
    context: dict,
    zone: str | None = None,
) -> None:
    """One message about `slot` to an office contact, as that office's feed has it: in the
    office's zone (or `zone`, a presenter's own, told they no longer present it), at its feed's
    SEQUENCE (never below what they hold), with the one-click unsubscribe unless they have
    stopped updates (a cancellation still goes to them). Every path to a contact comes through
    here, so none drifts from the others (helper-59)."""
    email = contact.email.strip()
    zone = zone or (office.zone if office else None)
    feed = office_sequence(slot, office.code) if office else slot_sequence(slot, slot.meeting)
    recipient = Recipient(email, contact.name, contact.language or "en")
    kind = MessageKind.cancellation if cancel else MessageKind.update
    event = replace(message_event(slot, recipient, kind), sequence=feed)
    if cancel:
        event = replace(event, status="CANCELLED")
    method = imip.Method.cancel if cancel else imip.Method.request
    stopped = unsubscribed(email, MessageKind.update)
    queue_message(
        recipient,
        kind,
        _contact_context(slot, zone, stopped, context),
        role=MessageRole.contact,
        slot=slot,
        calendar=calendar_part(event, method, imip.office_contact(email, contact.name), slot),
        optional_kind=None if stopped else MessageKind.update,
    )


def _contact_context(slot: Slot, zone: str | None, stopped: bool, context: dict) -> dict:
    """What a message to an office contact says of `slot`, its times in `zone`; `stopped`: they
    turned updates off."""
    return {
        **slot_context(slot, (known(zone) or "UTC") if zone else None),
        "role": MessageRole.contact,
        "unsubscribed": stopped,
        **context,
    }


def contact_news_again(message: OutboxMessage, slot: Slot) -> None:
    """An office contact's news of `slot` going late (their server turned it away and it is
    retried, or a co-lead sends it again): their first news of it ("On the agenda") or that its
    presenter declined, said again as the slot is now, in its language, under its Message-ID
    and with its calendar part. Its words follow the slot's status, which co-leads change
    without writing to the contacts (someone invited, the slot set back): "no presenter invited
    yet" of a talk someone was invited to since. Only for the latest message about the slot to
    them (a newer one, on its way, says what changed: the caller knows, `late`), and while the
    news holds (`outbox.too_late` keeps a decline that no longer does from going). Not flushed:
    a round's are written together. A presenter's first news of it again (invited back after a
    decline or a setting back) stays theirs, with their link."""
    said = (message.basis or {}).get("said") or {}
    if (
        message.role != MessageRole.contact
        or not (said.get("first") or said.get("presenter_declined"))
        or said.get("no_longer_presenting")
        or slot.kind != "presentation"
        or slot.starts_at is None
    ):
        return
    context = _contact_context(
        slot,
        slot.office_zone,
        message.unsubscribe_kind is None,
        {
            "reason": "cancelled",
            "what": list(said.get("what") or ()),
            # No longer so once it has a presenter again: their first news of it, then, only
            # puts it in their calendar (`outbox.declined_no_longer` keeps any other from going).
            "presenter_declined": bool(said.get("presenter_declined")) and slot.held_by is None,
            "reply_to": taskforce_address(),
            "was": [When.read(time) for time in said.get("was") or ()],
            "first": bool(said.get("first")),
            "status_was": said.get("status_was"),
        },
    )
    recipient = Recipient(message.recipient_email, message.recipient_name, message.language)
    footer = message.unsubscribe_url or (
        unsubscribe_url(message.recipient_email, message.unsubscribe_kind)
        if message.unsubscribe_kind
        else None
    )
    subject, text, html, _written = render(
        MessageKind.update, message.language, recipient=recipient, unsubscribe=footer, **context
    )
    if (subject, text, html) != (message.subject, message.text_body, message.html_body):
        message.subject, message.text_body, message.html_body = subject, text, html


@dataclass
class _Change:
    """What changed about a slot (or a meeting) in this transaction, and how it was before."""

    status: str  # the slot's (or meeting's) status at the start
    what: set[str] = field(default_factory=set)
    rose: bool = False  # its SEQUENCE rose: calendars must follow
    # A slot's start and length at the start, once either changed (for "it was …").
    was: tuple[datetime | None, int] | None = None


# What an update names as changed ("Changed: … (time and video link)"), by the field that
# changed; the templates' _words give each word in the other languages.
_SLOT_FIELDS = {
    "starts_at": "time",
    "duration_minutes": "length",
    "status": "status",
    "title": "title",
    "abstract": "abstract",
    "recommendations": "recommendations",
}


# A meeting's start and length move its slots, which note that themselves.
_MEETING_FIELDS = {
    "status": "status",
    # Not "link": a presenter read "(link and time)" as their private link replaced
    # (helper-182). Messages stored before say "link", which the templates still word.
    "video_url": "video link",
    "time_zone": "home time zone",
    "title": "meeting title",
}


def _rose(item) -> bool:
    history = inspect(item).attrs.sequence.history
    return bool(history.added) and bool(history.deleted)


def _note(changes: dict, item, fields: dict[str, str]) -> None:
    """Note what changed in this flush (`fields`: the fields watched, and the word for each).
    A change may be flushed before the SEQUENCE it causes (an autoflush in between), so both
    are gathered over the transaction's flushes."""
    state = inspect(item)
    what = {word for name, word in fields.items() if state.attrs[name].history.has_changes()}
    rose = _rose(item)
    if not (what or rose):
        return
    if item.id not in changes:
        # The first change seen: the status before it is the one at the start.
        before = state.attrs.status.history.deleted
        changes[item.id] = _Change(status=before[0] if before else item.status)
    change = changes[item.id]
    change.what |= what
    change.rose |= rose
    if isinstance(item, Slot) and change.was is None and what & {"time", "length"}:
        change.was = (_before(state, "starts_at"), _before(state, "duration_minutes"))


def _note_contacts(session: Session) -> None:
    """Office contacts added, removed or given another address: (office, the address that
    stops being one, with the name and language it was written to in, or None; the contact
    whose address starts being one or None)."""
    noted: list = session.info.setdefault(_CONTACTS, [])
    for item in session.new:
        if isinstance(item, OfficeContact):
            noted.append((item.office_code, None, item))
    for item in session.dirty:
        if isinstance(item, OfficeContact):
            state = inspect(item)
            history = state.attrs.email.history
            # The same mailbox in another spelling ("JUN@jp.example") is no new address: its
            # calendar holds the event already (helper-56).
            if history.deleted and same_address(history.deleted[0], item.email):
                continue
            if history.deleted:
                former = Recipient(
                    history.deleted[0], _before(state, "name"), _before(state, "language")
                )
                noted.append((item.office_code, former, item))
    for item in session.deleted:
        if isinstance(item, OfficeContact):
            # Told as they were told before, by name and in their language (helper-164: in
            # English, to "colleague"), while the row can still be read.
            noted.append((item.office_code, Recipient(item.email, item.name, item.language), None))


def _note_before(session: Session, slot: Slot) -> None:
    """The office and the kind a slot had at the start of the transaction, once it is given
    another."""
    state = inspect(slot)
    for name, key in (("office_code", _OFFICE_BEFORE), ("kind", _KIND_BEFORE)):
        history = state.attrs[name].history
        before: dict = session.info.setdefault(key, {})
        if history.deleted and slot.id not in before:
            before[slot.id] = history.deleted[0]


def _before(state, name: str):
    """An attribute's value before this flush's change (its value if it did not change)."""
    history = state.attrs[name].history
    return history.deleted[0] if history.deleted else state.attrs[name].value


def _collect(session: Session, _context, _instances) -> None:
    slots: dict = session.info.setdefault(_TOUCHED, {})
    meetings: dict = session.info.setdefault(_MEETINGS, {})
    for item in session.dirty:
        if isinstance(item, Slot):
            _note(slots, item, _SLOT_FIELDS)
            _note_before(session, item)
        elif isinstance(item, Meeting):
            _note(meetings, item, _MEETING_FIELDS)
    # Slots added (to a published meeting, their office's contacts hear of them): kept as
    # objects, which have no id until this flush.
    session.info.setdefault(_ADDED, []).extend(i for i in session.new if isinstance(i, Slot))
    _note_contacts(session)
    removed = [i for i in session.deleted if isinstance(i, Slot | Meeting)]
    if removed:
        with session.no_autoflush:
            _collect_removed(session, removed)


@dataclass(frozen=True)
class _Removed:
    """A deleted slot's CANCEL for its presenter, kept until the transaction commits."""

    event: EventInfo
    meeting_id: int | None
    recipient: Recipient
    times: tuple[str, ...]
    meeting_title: str


def _collect_removed(session: Session, removed: list) -> None:
    """Deleted slots (a draft's) whose presenter holds them: their CANCEL, made now that the
    rows can still be read (None for one whose invitation did not reach its presenter). A
    deleted meeting's slots are read as rows, not loaded as slots (which would change what
    this flush deletes)."""
    pending: dict = session.info.setdefault(_REMOVED, {})
    found = []
    for item in removed:
        if isinstance(item, Slot):
            # Taken out of its meeting's slots first, it may no longer name its meeting.
            meeting = item.meeting or next(iter(inspect(item).attrs.meeting.history.deleted), None)
            if item.invitation is not None and meeting is not None:
                # Their own zone, as their page showed it (`Invitation.own_zone`, whose last
                # step, the meeting's, this slot may no longer name).
                own = item.invitation.time_zone or item.presenter_zone
                language = presenter_language(item.invitation)
                found.append((item, item.invitation, meeting, meeting.id, own, language))
            continue
        rows = session.execute(
            select(
                Slot.id,
                Slot.uid,
                Slot.title,
                Slot.starts_at,
                Slot.duration_minutes,
                Slot.sequence,
                Slot.status,
                Invitation.name,
                Invitation.email,
                Invitation.time_zone,
                Invitation.language,
                Invitation.invited_at,
                Invitation.answered_at,
                Office.time_zone.label("office_zone"),
                Proposal.contact_email,
                Proposal.contact_name,
                Proposal.contact_language,
            )
            .join(Invitation, Invitation.slot_id == Slot.id)
            .outerjoin(Office, Office.code == Slot.office_code)
            .outerjoin(Proposal, Proposal.id == Slot.proposal_id)
            .where(Slot.meeting_id == item.id)
        ).all()
        # The meeting goes too: the message names none (it would point at no row). A slot held
        # by its presenter (the only ones told) reads in their zone, else its office's, as
        # `Invitation.own_zone`.
        found += [
            (
                row,
                row,
                item,
                None,
                known(row.time_zone) or known(row.office_zone),
                # `presenter_language`, of a row.
                row.language
                or language_of(
                    row.email,
                    name=row.name,
                    volunteer=(row.contact_email, row.contact_name, row.contact_language),
                ),
            )
            for row in rows
        ]
    for slot, invitation, meeting, meeting_id, own, language in found:
        if (
            slot.uid in pending
            or not invitation.email
            or slot.status not in HELD
            or slot.starts_at is None
        ):
            continue
        waiting = waiting_invitation(slot, invitation.email, queued=invitation.answered_at is None)
        if waiting is not None and taken_back(waiting):
            # Never sent (held for review, or queued for the sender's next round): nothing to
            # take back either, nor news of the slot behind it (a "Changed" still settling).
            # Noted, as a later flush of this transaction finds it superseded.
            supersede(slot, invitation.email)
            pending[slot.uid] = None
            continue
        unreached = undelivered_invitation(slot.id, invitation, invitation.email) is not None
        # An update still settling would go after the slot is gone (helper-68); an invitation
        # or reminder that did not go out must not either, by "Send again" once the slot's row
        # is gone and nothing names it (helper-73), also one that failed or found no mail server.
        carried = unsent_withdrawn(slot, invitation.email)
        withdraw_unsent(
            *about_slot(slot, invitation.email),
            kinds=(MessageKind.invitation, MessageKind.reminder),
        )
        if unreached:
            # Their invitation did not reach them: nothing to take back. Noted, as a later
            # flush of this transaction finds it superseded, no longer telling so.
            pending[slot.uid] = None
            continue
        # Above what they hold, as every message about a slot (helper-62: an invitation sent
        # again had climbed past the slot's own count, and this CANCEL came below it).
        base = (slot.sequence or 0) + (meeting.sequence or 0) + 1
        event = EventInfo(
            uid=slot.uid,
            sequence=sequence_for(slot, invitation.email, base, imip.Method.cancel),
            last_modified=utcnow(),
            start=slot.starts_at,
            end=slot.starts_at + timedelta(minutes=slot.duration_minutes),
            summary=slot.title,
            description=slot_words("en")["removed"].format(meeting.title),
            status="CANCELLED",
            url=None,
            parent_uid=meeting.uid,
        )
        home = known(meeting.time_zone) or "UTC"
        zones = ((known(own) or home), home)
        times = dict.fromkeys(
            times_known(carried, [when(slot.starts_at, slot.duration_minutes, z) for z in zones])
        )
        pending[slot.uid] = _Removed(
            event=event,
            meeting_id=meeting_id,
            recipient=Recipient(invitation.email, invitation.name, language),
            times=tuple(times),
            meeting_title=meeting.title,
        )


def _forget(session: Session, *_args) -> None:
    for key in (
        _TOUCHED,
        _MEETINGS,
        _REMOVED,
        SENT,
        _ADDED,
        _OFFICE_BEFORE,
        _KIND_BEFORE,
        _CONTACTS,
        ASKED_AGAIN,
        CONFIRMED_AGAIN,
        WRITTEN,
        WRITTEN_AGAIN,
    ):
        session.info.pop(key, None)


def _calendar_status(meeting_status: str, slot_status: str) -> str:
    """What a presentation's event says (messages go only about presentations: a break or a
    discussion is in no presenter's or contact's calendar) while its meeting is to come, as
    messages go only then."""
    return shown_status(
        SimpleNamespace(status=meeting_status, took_place=lambda: False),
        SimpleNamespace(status=slot_status, kind="presentation"),
    )


def _send_changes(session: Session) -> None:
    """Before the commit: one message per recipient and slot for everything noted (flushing
    first, so that the last changes are noted too)."""
    session.flush()
    slots: dict = session.info.pop(_TOUCHED, {}) or {}
    meetings: dict = session.info.pop(_MEETINGS, {}) or {}
    removed: dict = session.info.pop(_REMOVED, {}) or {}
    added: list = session.info.pop(_ADDED, []) or []
    office_before: dict = session.info.pop(_OFFICE_BEFORE, {}) or {}
    kind_before: dict = session.info.pop(_KIND_BEFORE, {}) or {}
    contacts: list = session.info.pop(_CONTACTS, []) or []
    if not (slots or meetings or removed or added or office_before or kind_before or contacts):
        return
    for pending in removed.values():
        if pending is not None:
            _send_removed(pending)
    for slot in dict.fromkeys(added):
        added_now = slot.id is not None and slot in session and slot not in session.deleted
        if added_now and _news(slot):
            _slot_added(slot)
    for slot_id, office in office_before.items():
        slot = session.get(Slot, slot_id)
        if slot is not None and office != slot.office_code and _news(slot):
            _office_changed(slot, office)
    for slot_id, kind in kind_before.items():
        slot = session.get(Slot, slot_id)
        if slot is None or not _news(slot):
            continue
        if (kind == "presentation") != (slot.kind == "presentation"):
            _kind_changed(slot, office_before.get(slot_id, slot.office_code))
    for office, gone, contact in contacts:
        _contact_changed(office, gone, contact)
    slots = {key: change for key, change in slots.items() if change.rose}
    meetings = {key: change for key, change in meetings.items() if change.rose}
    touched = dict(slots)
    for meeting_id in meetings:
        meeting = session.get(Meeting, meeting_id)
        for slot in meeting.slots if meeting is not None else ():
            touched.setdefault(slot.id, None)
    for slot_id, change in touched.items():
        slot = session.get(Slot, slot_id)
        if slot is None or slot.kind != "presentation" or not _news(slot):
            continue
        _slot_changed(slot, change or _Change(status=slot.status), meetings.get(slot.meeting_id))
    for slot_id, office in office_before.items():
        # Given to another office: an update waiting its minute would name the old one.
        slot = session.get(Slot, slot_id)
        if (
            slot is not None
            and office != slot.office_code
            and slot.kind == "presentation"
            and _news(slot)
        ):
            rewrite_settling(slot)
    session.info.pop(SENT, None)


def written_now() -> list[OutboxMessage]:
    """The messages this transaction has written, still to go, once the updates and
    cancellations its changes send are written: now, rather than as it commits (nothing is
    written twice). For a view to say what a co-lead's save sent, after its last change."""
    _send_changes(db.session)
    going = (MessageStatus.queued, MessageStatus.held)
    return [m for m in db.session.info.get(WRITTEN, []) if m.status in going]


def written_again(messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Of `messages` (`written_now`), the invitations not sent yet (held for review, or queued
    and no sender's yet) that this transaction wrote again as their talk now is: their
    presenters read the change in them, with no "Changed" after (`invitations.renew_held`)."""
    again = db.session.info.get(WRITTEN_AGAIN, set())
    return [m for m in messages if m.id in again]


def _news(slot: Slot) -> bool:
    """Whether a change of the slot is news to the calendars that hold it: not once its meeting
    has ended. What co-leads change afterwards (its title for the record, the recording's link,
    a talk given by another office or not given at all) reaches the feeds, which are read again
    anyway, but no one is written to about a meeting that is over, nor is a calendar's past
    entry taken out (helper-162: two days after the workshop, fixing its title sent "Changed"
    to every presenter and contact; a slot added for the record, "On the agenda")."""
    return slot.meeting is not None and not slot.meeting.ended()


def _slot_changed(slot: Slot, change: _Change, meeting_change: _Change | None) -> None:
    meeting = slot.meeting
    before_meeting = meeting_change.status if meeting_change else meeting.status
    before = _calendar_status(before_meeting, change.status or slot.status)
    now = _calendar_status(meeting.status, slot.status)
    what = set(change.what) | (meeting_change.what if meeting_change else set())
    published = before_meeting == MeetingStatus.draft and meeting.status != MeetingStatus.draft
    # Brought back after its cancellation: those the cancellation reached hear it is back.
    reinstated = (
        before_meeting == MeetingStatus.cancelled and meeting.status == MeetingStatus.published
    )
    shown = bool(what - {"status"}) or before != now or published
    if slot.starts_at is None:
        return
    cancelled = now == "CANCELLED" and before != "CANCELLED"
    # Its presenter declined (or a co-lead recorded their decline): the office's contacts hear
    # of it, though their calendars show the talk tentative as before: the office is the one to
    # find someone else to give it.
    declined = change.status in HELD and slot.status == SlotStatus.declined
    _tell_presenter(
        slot,
        change,
        cancelled=cancelled,
        shown=shown,
        what=what,
        published=published,
        reinstated=reinstated,
    )
    if is_public(meeting) and slot.office_code:
        _tell_contacts(
            slot,
            change,
            cancelled=cancelled,
            shown=(shown or declined) and now != "CANCELLED",
            what=what,
            declined=declined,
            reinstated=reinstated,
        )
        if change.status in _LEFT and slot.status in HELD and now != "CANCELLED":
            # Someone is invited in the place of a presenter who declined: the contacts last
            # told of the decline, and asked to find someone, hear that the talk has a presenter
            # again, though their calendars show it tentative as before (helper-236: nothing
            # told them, and the office went on looking for a presenter the co-leads had found).
            told = [c for c in contacts_for(slot.office_code) if last_heard_declined(slot, c.email)]
            if told:
                _tell_contacts(slot, change, cancelled=False, shown=True, what=what, contacts=told)
        if not shown and change.status not in (None, slot.status):
            # A status their calendar shows alike (invited as planned: TENTATIVE) is no news,
            # but a first news still waiting its minute says it: written again as it is now.
            waiting = [c for c in contacts_for(slot.office_code) if settling_update(slot, c.email)]
            if waiting:
                _tell_contacts(
                    slot, change, cancelled=False, shown=True, what=set(), contacts=waiting
                )


def _slot_added(slot: Slot) -> None:
    """A slot added to a published meeting: its office's contacts hear of it as they heard of
    the others when the meeting was published (a draft's slots go out with its publication)."""
    if _on_public_agenda(slot) and slot.office_code and slot.status != SlotStatus.cancelled:
        _tell_contacts(slot, _Change(status=slot.status), cancelled=False, shown=True, what=set())


def _office_changed(slot: Slot, office: str | None) -> None:
    """A slot of a published meeting given to another office: the contacts of the office it
    left get the CANCEL of the event an earlier message put in their calendar (its times in
    their office's zone), and those of the office it now belongs to hear of it. Its presenter,
    and a contact of both offices, keep it."""
    if not _on_public_agenda(slot):
        return
    if office:
        left = db.session.get(Office, office)
        keep = {mailbox(c.email) for c in contacts_for(slot.office_code or "")}
        for contact in contacts_for(office):
            if mailbox(contact.email) not in keep:
                # Given to no office at all, no other office gives it (helper-159).
                reason = "moved" if slot.office_code else "no_office"
                _take_out(slot, contact, office=left, reason=reason)
    if slot.office_code and slot.status != SlotStatus.cancelled:
        _tell_contacts(slot, _Change(status=slot.status), cancelled=False, shown=True, what=set())


def _kind_changed(slot: Slot, office: str | None) -> None:
    """A slot that stopped being a presentation (made a discussion or a break), or became one.
    Only a presentation is in its office's contacts' calendars and has a presenter, so one that
    stops being one is taken out of the calendars of the contacts of the office it had (`office`),
    with a CANCEL above the copy they hold, as when it is given to another office; nothing of it
    reaches them after (helper-151: their copy stayed confirmed at its old time, even once its
    meeting moved and was cancelled). Its presenter is not concerned: a presentation they hold
    does not change kind (`agenda.operations._refuse_kind_with_presenter`). One that becomes a
    presentation is announced to its office's contacts as a slot added is, and to the presenter
    an invitation it kept names, if its status is one they hold (a co-lead's confirmation), as
    it is to one a co-lead brings back after setting them back."""
    if slot.kind != "presentation":
        if not office or slot.starts_at is None or not is_public(slot.meeting):
            return
        left = db.session.get(Office, office)
        reason = "cancelled" if slot.status == SlotStatus.cancelled else "not_presentation"
        for contact in contacts_for(office):
            _take_out(slot, contact, office=left, reason=reason)
        return
    if slot.held_by is not None:
        _tell_presenter(
            slot, _Change(status=SlotStatus.proposed), cancelled=False, shown=True, what=set()
        )
    _slot_added(slot)


def _contact_changed(office: str, gone: Recipient | None, contact: OfficeContact | None) -> None:
    """A contact of `office` added, removed or given another address: an address that stops
    being its contact (`gone`, as it was written to) gets the CANCEL of each coming slot of the
    office's published meetings its calendar holds; one that starts being its contact gets each
    of them, "On the agenda", as the contacts had them at publication. (A contact moved to
    another office is a new one.)"""
    if contact is not None and contact not in db.session:
        return  # added and removed in one transaction
    kept = {mailbox(c.email) for c in contacts_for(office)}
    for slot in office_slots(office):
        if gone and mailbox(gone.email) not in kept:
            _take_out(slot, gone, office=slot.office, reason="no_longer_contact")
        if contact is not None and slot.status != SlotStatus.cancelled:
            _tell_contacts(
                slot,
                _Change(status=slot.status),
                cancelled=False,
                shown=True,
                what=set(),
                contacts=[contact],
            )


def office_slots(office: str) -> list[Slot]:
    """The slots an office's contacts hear of, each as a calendar invitation: its coming
    presentations with a time on published agendas, by start."""
    slots = db.session.scalars(
        select(Slot)
        .join(Meeting)
        .where(
            Slot.office_code == office,
            Slot.kind == "presentation",
            Slot.starts_at > utcnow(),
            Meeting.status == MeetingStatus.published,
        )
        .order_by(Slot.starts_at, Slot.id)
    ).all()
    return [s for s in slots if _on_public_agenda(s)]


def news_for_contact(office: str) -> list[Slot]:
    """The slots a new contact of `office` is sent, a calendar invitation each, as
    `_contact_changed` sends them: the office's (`office_slots`) not cancelled (but one the
    address presents, which it hears of as its presenter, or all if it turned updates off:
    `_tell_contacts`). For pages to say so before a co-lead saves."""
    return [s for s in office_slots(office) if s.status != SlotStatus.cancelled]


def taken_from_contact(office: str, email: str) -> list[Slot]:
    """The slots an address that stops being a contact of `office` is sent the cancellation
    of, as `_contact_changed` sends them (`_take_out`): the office's (`office_slots`) that its
    calendar holds, but one it presents (it keeps that one) and one whose first news is still
    waiting its minute (withdrawn, it never reaches them)."""
    return [
        s
        for s in office_slots(office)
        if mailbox(email) != _active_presenter(s)
        and holds_event(s, email)
        and not first_news_waiting(s, email)
    ]


@dataclass(frozen=True)
class BackOn:
    """Who is told that a cancelled meeting is back (`agenda.operations.reinstate`), for the
    page that asks first: the presenters holding its slots whom its cancellation reached, the
    office contacts it reached (by office, with those who never had a slot, who get its first
    news), and those whose cancellation has not gone out yet, which is taken back instead. The
    save writes to them by the same rules (`_tell_presenter`, `_tell_contacts`), and says how
    many it wrote to (a sender may take a waiting cancellation meanwhile)."""

    presenters: list[tuple[Slot, Invitation]]
    contacts: dict[str, int]
    # Whose cancellation is taken back: presenters by name, office contacts by office.
    presenters_taken_back: list[str]
    contacts_taken_back: dict[str, int]
    # Presenters whose invitation the cancellation took away before it went (held for review,
    # or queued for the sender's next round): written again, held if invitations are reviewed.
    held_again: list[tuple[Slot, Invitation]]


def back_on_news(meeting: Meeting) -> BackOn:
    news = BackOn([], {}, [], {}, [])
    for slot in meeting.slots:
        if slot.kind != "presentation" or slot.starts_at is None:
            continue
        if slot.status == SlotStatus.cancelled:
            continue  # cancelled before the meeting was: it stays so
        holder = slot.held_by
        presenter = mailbox(holder.email) if holder and holder.email else ""
        if presenter and cancellation_waiting(slot, holder.email):
            news.presenters_taken_back.append(holder.name or holder.email)
        elif presenter and last_calendar_method(slot, holder.email) == imip.Method.cancel:
            news.presenters.append((slot, holder))
        elif presenter and invitation_taken_away(slot, holder.email) and holder.link_hash:
            news.held_again.append((slot, holder))
        for contact in contacts_for(slot.office_code) if slot.office_code else ():
            email = contact.email.strip()
            if not email or mailbox(email) == presenter:
                continue
            if cancellation_waiting(slot, email):
                taken = news.contacts_taken_back
                taken[slot.office_code] = taken.get(slot.office_code, 0) + 1
            elif unsubscribed(email, MessageKind.update):
                continue
            elif last_calendar_method(slot, email) != imip.Method.request:
                news.contacts[slot.office_code] = news.contacts.get(slot.office_code, 0) + 1
    return news


def _on_public_agenda(slot: Slot) -> bool:
    """A presentation with a time in a published meeting: its office's contacts hear of it."""
    return (
        slot.kind == "presentation"
        and slot.starts_at is not None
        and slot.meeting is not None
        and is_public(slot.meeting)
    )


def _take_out(
    slot: Slot, contact: OfficeContact | Recipient, *, office: Office | None, reason: str
) -> None:
    """The CANCEL of the slot to a former contact of `office` whose calendar holds it (not its
    presenter, who keeps it), its times in that office's zone; one not sent is withdrawn."""
    email = contact.email.strip()
    if not email or mailbox(email) == _active_presenter(slot) or already_sent(slot, email):
        return
    if not holds_event(slot, email):
        unsent_withdrawn(slot, email)
        return
    context = {"office": office.name if office else "", "reason": reason}
    _to_contact(slot, contact, office=office, cancel=True, context=context)


def _active_presenter(slot: Slot, before: str | None = None) -> str:
    """The mailbox of the one who presents the slot (`Slot.held_by`), or did until this change
    (`before`: its status then, for the moment it is cancelled); none once they declined or a
    co-lead set it back (helper-62, helper-63), nor while their invitation has not reached them
    (it failed, found no mail server, or a co-lead discarded it held:
    `outbox.undelivered_invitation`). Until it does, `_tell_presenter` writes them nothing, and
    one who is a contact of the office is sent what the other contacts are, their copy of it
    never saying they present it; one no longer a contact has that copy taken out (helper-229,
    helper-237, and `invitation_discarded` once discarded). One whose invitation is held for
    review presents it: the invitation, kept as the slot is, is their next news of it."""
    holder = slot.held_by
    if holder is None and slot.status == SlotStatus.cancelled and before in HELD:
        holder = slot.invitation
    if holder is None or undelivered_invitation(slot.id, holder, holder.email) is not None:
        return ""
    return mailbox(holder.email)


def invitation_discarded(message: OutboxMessage) -> None:
    """A presenter's held invitation a co-lead discarded (`outbox.discard`, just done). Held, it
    was to take the place of the copy of the talk they hold as a contact of its office, so
    nothing of the talk went to that copy meanwhile (`_active_presenter`); discarded, it did
    not reach them, and never takes it. A contact of the office has their copy brought up to
    the talk as it is, if it changed meanwhile, and hears of it as the other contacts do from
    then on; one no longer a contact has it taken out, as any former contact (helper-237: it
    stayed, as it was, followed by nothing). Nothing for one whose calendar holds none."""
    slot = db.session.get(Slot, message.slot_id) if message.slot_id is not None else None
    email = message.recipient_email
    if (
        message.kind != MessageKind.invitation
        or slot is None
        or not _news(slot)
        or not _on_public_agenda(slot)
        or _active_presenter(slot) == mailbox(email)
        or (copy := calendar_copy(slot, email)) is None
        or copy.ics_method != imip.Method.request
    ):
        return
    contact = next(
        (c for c in contacts_for(slot.office_code or "") if same_address(c.email, email)), None
    )
    if contact is None:
        elsewhere = db.session.scalar(
            select(OfficeContact).where(OfficeContact.mailbox == mailbox(email)).limit(1)
        )
        if elsewhere is not None:
            # A contact of another office still: the talk went from their office to this one.
            reason = "moved" if slot.office_code else "no_office"
            _take_out(slot, elsewhere, office=elsewhere.office, reason=reason)
        else:
            former = Recipient(email, message.recipient_name, copy.language)
            _take_out(slot, former, office=slot.office, reason="no_longer_contact")
        return
    if (held_sequence(slot, email) or 0) >= office_sequence(slot, slot.office_code):
        return  # nothing changed since their copy
    what, was = _changed_since(copy, slot)
    change = _Change(status=slot.status, what=what, was=was)
    _tell_contacts(slot, change, cancelled=False, shown=True, what=what, contacts=[contact])


def _copy_event(message: OutboxMessage):
    """The one event of a message's calendar part (icalendar's), or None."""
    try:
        events = Calendar.from_ical(message.ics or "").walk("VEVENT")
    except ValueError:
        return None
    return events[0] if events else None


def _changed_since(copy: OutboxMessage, slot: Slot) -> tuple[set[str], tuple | None]:
    """What of `slot` changed since the calendar entry of `copy` (its time, length, title or
    status, as an update names them; what else its description says, unnamed), and the start
    and length that entry has when they changed."""
    event = _copy_event(copy)
    if event is None or "DTSTART" not in event or "DTEND" not in event:
        return set(), None
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    minutes = int((end - start).total_seconds() // 60)
    what = set()
    if start != slot.starts_at:
        what.add("time")
    if minutes != slot.duration_minutes:
        what.add("length")
    now = message_event(slot, Recipient(copy.recipient_email, "", copy.language), copy.kind)
    if str(event.get("SUMMARY", "")) != now.summary:
        what.add("title")
    if str(event.get("STATUS", "")) != now.status:
        what.add("status")
    return what, ((start, minutes) if what & {"time", "length"} else None)


def _status_before(slot: Slot, change: _Change) -> str:
    """The slot's status before this change: a message that replaces a settling one names no
    change of status when the slot is back at the status told before the first
    (`writing._carry`)."""
    return change.status or slot.status


def _tell_presenter(
    slot: Slot,
    change: _Change,
    *,
    cancelled: bool,
    shown: bool,
    what,
    published: bool = False,
    rewrite: bool = False,
    reinstated: bool = False,
) -> OutboxMessage | None:
    """The slot's news to its presenter, if they have any: the message queued, if one was.
    `reinstated`: its meeting, cancelled, is brought back (`agenda.operations.reinstate`)."""
    invitation = slot.invitation
    if invitation is None or not invitation.email or already_sent(slot, invitation.email):
        return None
    if what & {"time", "length"} or slot.status != SlotStatus.confirmed or cancelled:
        # A reminder not out yet says a time that no longer holds, or of a slot they no
        # longer present as confirmed, or of a meeting called off: it does not go (a new one
        # follows their next answer).
        supersede(slot, invitation.email, kinds=(MessageKind.reminder,))
    if (
        waiting := waiting_invitation(slot, invitation.email, queued=not invitation.answered_at)
    ) is not None:
        # Not gone yet (held, or queued for the sender's next round): whatever changed, it is
        # written again as the talk is now, and no "Changed" follows it (helper-348: the title
        # corrected within the minute reached Aiko as the invitation with the old one, then
        # "Changed"). Its calendar entry must carry the SEQUENCE the feeds show when it goes,
        # also when only the meeting's own counter rose (its length followed a new slot).
        if not (shown or cancelled or behind(waiting, slot)):
            return None
        if renew_waiting(slot, waiting, gone=cancelled or slot.status not in HELD):
            mark_sent(slot, invitation.email)
            return None
    if undelivered_invitation(slot.id, invitation, invitation.email) is not None:
        # Their invitation failed or found no mail server: no update of an entry their
        # calendar lacks, nor the CANCEL of a talk they never heard of. The invitation, sent
        # again, is written with the slot as it is then; invited elsewhere, they were told
        # nothing to take back.
        return None
    if reinstated and (
        slot.status not in HELD
        or cancellation_taken_back(slot, invitation.email)
        or last_calendar_method(slot, invitation.email) != imip.Method.cancel
    ):
        # Not theirs (they hear of it as a contact, if they are one), or the cancellation never
        # reached them: their calendar holds the slot as it still is (or never had it: their
        # invitation, sent again, says it as it is then), and nothing is news. An invitation
        # the cancellation took away before it went (held for review, or queued for the
        # sender's next round) is written again, held if the co-leads review invitations.
        link = private_url_of(invitation)
        if link and slot.status in HELD and invitation_taken_away(slot, invitation.email):
            write_invitation(invitation, link)
            mark_sent(slot, invitation.email)
        return None
    zone = presenter_zone(invitation)
    recipient = Recipient(invitation.email, invitation.name, presenter_language(invitation))
    held = change.status in HELD
    # They no longer present it: they declined, or a co-lead set the slot back to proposed or
    # declined by hand (helper-63: then they were told nothing and kept it as confirmed).
    left = held and slot.status in _LEFT
    reason = (
        "declined"
        if slot.status == SlotStatus.declined and invitation.answer == Answer.declined
        else "set_back"
    )
    # Back from a decline or a setting back (confirmed or invited again): the presenter's
    # calendar holds the CANCEL sent then, whatever the feeds show (a draft's slot is tentative
    # either way), so the slot goes to their calendar again.
    returning = change.status in _LEFT and slot.status in HELD
    # They had confirmed it as it was; it moved, so they are asked again
    # (`agenda.operations._ask_again`, which notes it).
    asked_again = slot.id in db.session.info.get(ASKED_AGAIN, ())
    # Asked again, then moved back to the time they had confirmed: confirmed again
    # (`agenda.operations._confirmed_as_it_was`).
    restored = slot.id in db.session.info.get(CONFIRMED_AGAIN, ())
    # Their calendar asks for an answer while one is awaited (asked again, one is).
    awaited = slot.status == SlotStatus.invited and invitation.answer is None
    # A change their calendar does not show (a draft's status: they confirmed on their page)
    # with an update still waiting to go, written while it was otherwise (a request to confirm
    # they have now answered, a calendar entry awaiting their answer): it is written again as
    # things now are, and goes when it would have.
    rewrite_waiting = not shown and settling_update(slot, invitation.email)
    attendee = presenter_attendee(invitation, rsvp=awaited)
    private_url = private_url_of(invitation)
    # Only the presenter's own confirmation changed: the message says it is recorded. Whose:
    # their own answer is thanked for; a co-lead's confirmation is said to be one.
    confirmed = (
        ("presenter" if invitation.answer == Answer.confirmed else "coleads")
        if what == {"status"}
        and slot.status == SlotStatus.confirmed
        and change.status != SlotStatus.confirmed
        else False
    )
    context = {
        **slot_context(slot, zone),
        "awaiting": awaited,
        # They asked for another time and no co-lead has answered it by moving the slot: the
        # status says their request is with the co-leads, not that their confirmation is
        # awaited (a "Published" update of the slot as it was, helper-146).
        "requested": invitation.answer == Answer.another_time,
        # Publishing changes the meeting's status: news of its own, not "its status changed";
        # nor is a confirmation asked again, or recorded: the message says so.
        "what": sorted(
            what - {"status"}
            if published or asked_again or restored or confirmed or reinstated
            else what
        ),
        "asked_again": asked_again,
        # Asked after asking for another time (not after confirming): said as such.
        "after_request": invitation.previous_answer == Answer.another_time,
        "restored": restored,
        "published": published,
        "was": _times_before(slot, change, zone),
        "status_was": _status_before(slot, change),
        "private_url": private_url,
        "first": returning,  # else the invitation came first
        "confirmed": confirmed,
        "reinstated": reinstated,
    }
    if left and stays_as_contact(slot, invitation.email, reason, zone, recipient.language):
        return None  # they keep it as their office's contacts have it, and hear of it as one
    if (cancelled and held) or left:
        reason = reason if left else "cancelled"
        event = message_event(slot, recipient, MessageKind.cancellation)
        calendar = calendar_part(event, imip.Method.cancel, attendee, slot)
        return queue_message(
            recipient,
            MessageKind.cancellation,
            {**context, "reason": reason},
            role=MessageRole.presenter,
            slot=slot,
            calendar=calendar,
        )
    elif (shown or returning or rewrite_waiting) and not cancelled and slot.status in HELD:
        # The update replaces the invitation's entry (without the private page, as it did).
        event = message_event(slot, recipient, MessageKind.update)
        calendar = calendar_part(event, imip.Method.request, attendee, slot)
        return queue_message(
            recipient,
            MessageKind.update,
            context,
            role=MessageRole.presenter,
            slot=slot,
            calendar=calendar,
            optional_kind=None,
            keep_due=rewrite or rewrite_waiting,
        )
    return None


def _tell_contacts(
    slot: Slot,
    change: _Change,
    *,
    cancelled: bool,
    shown: bool,
    what,
    contacts: list[OfficeContact] | None = None,
    declined: bool = False,
    reinstated: bool = False,
) -> None:
    """The slot's news to its office's contacts (`contacts`: those of them only); `declined`:
    the news is that its presenter declined; `reinstated`: that its meeting, cancelled, is
    brought back, to those whose calendar the cancellation reached (to one who never had the
    slot, its first news)."""
    if not (cancelled or shown):
        return
    # The one presenting it hears as its presenter; one who declined, or whose invitation has not
    # reached them, as a contact if they are one (`_active_presenter`).
    presenter = _active_presenter(slot, change.status)
    zone = slot.office_zone
    # The office's saved contacts only: a volunteer who did not consent to be kept is offered
    # as the presenter of their own talk, never written to as the office's contact.
    for contact in contacts_for(slot.office_code) if contacts is None else contacts:
        email = contact.email.strip()
        if not email or mailbox(email) == presenter or already_sent(slot, email):
            continue
        if reinstated and cancellation_taken_back(slot, email):
            continue  # the cancellation never reached them: their calendar holds it as it is
        # Their calendar does not hold it (never sent, or taken out by a CANCEL): the update
        # puts it there, "On the agenda", with no "It was" of a time they no longer have; one
        # the meeting's cancellation took out hears that it is back.
        back = reinstated and last_calendar_method(slot, email) == imip.Method.cancel
        first = not back and not holds_event(slot, email)
        if cancelled and first:
            unsent_withdrawn(slot, email)
            continue  # nothing of it in their calendar to take out
        if not cancelled and unsubscribed(email, MessageKind.update):
            continue  # no news; only a cancellation of what their calendar holds still goes
        context = {
            "reason": "cancelled",
            # A decline is the news of its status, and so is the meeting's return.
            "what": sorted(what - {"status"} if declined or reinstated else what),
            "presenter_declined": declined and not cancelled,
            "reply_to": taskforce_address(),
            # A time they were never told is not news to them.
            "was": []
            if first
            else _times_before(slot, change, (known(zone) or "UTC") if zone else None),
            "first": first,
            "status_was": _status_before(slot, change),
            "reinstated": back,
        }
        _to_contact(slot, contact, office=slot.office, cancel=cancelled, context=context)


def _send_removed(pending: _Removed) -> None:
    attendee = imip.presenter(pending.recipient.email, pending.recipient.name, confirmed=False)
    context = {
        "slot": SimpleNamespace(title=pending.event.summary),
        "meeting": SimpleNamespace(title=pending.meeting_title),
        "office": "",
        "times": list(pending.times),
        "agenda_url": None,
        "video_url": None,
        "reason": "removed",
    }
    # Said in the language of the message, found while the slot could still be read.
    said = slot_words(written_language(MessageKind.cancellation, pending.recipient.language))
    event = replace(
        pending.event,
        description=said["removed"].format(pending.meeting_title),
        cancelled_prefix=said["cancelled"],
    )
    queue_message(
        pending.recipient,
        MessageKind.cancellation,
        context,
        role=MessageRole.presenter,
        meeting_id=pending.meeting_id,
        calendar=calendar_part(event, imip.Method.cancel, attendee),
    )


def track_changes() -> None:
    """Listen to every session: note changes as they flush, send before the commit, forget
    them on a rollback."""
    for name, listener in (
        ("before_flush", _collect),
        ("before_commit", _send_changes),
        ("after_rollback", _forget),
        ("after_commit", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
