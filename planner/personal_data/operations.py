"""What the planner holds about one email address, exported for the person who asks for it, and
erased at their request: their office contacts, proposals, invitations to present, the slides
they added, the messages written to them or naming them, and their unsubscriptions."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, or_, select

from planner.accounts.models import ThrottleEvent, User
from planner.addresses import mailbox, matches_address, spellings
from planner.agenda.models import MeetingStatus, Slot, SlotStatus
from planner.availability.operations import replace_windows, windows_of
from planner.availability.windows import as_json
from planner.errors import ConflictError
from planner.extensions import db
from planner.log_masking import mask
from planner.mail.models import (
    MessageKind,
    MessageRole,
    MessageStatus,
    OutboxMessage,
    Unsubscription,
)
from planner.materials.models import Material
from planner.materials.operations import added_by_presenter, remove
from planner.materials.storage import Store
from planner.offices.models import OfficeContact
from planner.personal_data.coleads import Trace, anonymise, traces_of
from planner.presenters.models import Invitation
from planner.proposals.models import Proposal
from planner.text import replace_name, same_name

# What an erased presenter's invitation and an erased volunteer's proposal are named by.
ERASED_PRESENTER = "Presenter removed at their request"
ERASED_VOLUNTEER = "Volunteer removed at their request"
# The history's entries the volunteer made, which name them and their address
# (`proposals.operations._office_actor`); the others are the co-leads'.
_VOLUNTEERS_ACTIONS = ("submitted", "edited", "withdrawn")
# The co-leads' messages that name a presenter (their answer) or a volunteer (their proposal).
_NAMING = (MessageKind.answer, MessageKind.proposal)


@dataclass
class Held:
    """Everything stored about one address."""

    email: str
    account: User | None
    contacts: list[OfficeContact]
    proposals: list[Proposal]
    invitations: list[Invitation]
    materials: list[Material]
    # Written to them; written to the co-leads, naming them.
    messages: list[OutboxMessage]
    naming: list[OutboxMessage]
    unsubscriptions: list[Unsubscription]
    # Written to others (an office's contacts) about a slot they were invited to, naming them:
    # kept as the record of what was sent, their name replaced (`_redacted`).
    naming_others: list[OutboxMessage] = field(default_factory=list)
    # What they did as a co-lead (marks, decisions, invitations, edits), naming them as who
    # did it: kept as the Task Force's, their address replaced once they are erased.
    as_colead: list[Trace] = field(default_factory=list)
    # Every name they were invited by to present (as spelt then, and on a slot handed to
    # someone else since), read before erasing takes them off their invitations.
    names: set[str] = field(default_factory=set)
    # The addresses earlier presenters of the slots they present were invited at, under another
    # name (`same_name`: someone else, by the app's rule): not theirs to erase, nor to hand over,
    # but said to whoever erases, who may know them for the same person under a name changed
    # more than its spelling ("Elise Dupont" at eva@, then "Élise Dupont-Martin" at elise@).
    other_presenters: list[str] = field(default_factory=list)

    @property
    def nothing(self) -> bool:
        return not (
            self.account
            or self.contacts
            or self.proposals
            or self.invitations
            or self.materials
            or self.messages
            or self.naming
            or self.unsubscriptions
            or self.naming_others
            or self.as_colead
        )


def held_about(email: str) -> Held:
    """What the planner holds about `email`, in any spelling (erased records no longer name it),
    also under the names and at the addresses they were invited by before a co-lead corrected
    them (`_invited_as`)."""
    box = mailbox(email)
    proposals = db.session.scalars(
        select(Proposal)
        .where(matches_address(Proposal.contact_email, email), Proposal.erased_at.is_(None))
        .order_by(Proposal.id)
    ).all()
    invitations = db.session.scalars(
        select(Invitation)
        .where(matches_address(Invitation.email, email), Invitation.erased_at.is_(None))
        .order_by(Invitation.id)
    ).all()
    invited_as = _invited_as(box, invitations)
    before = _replaced_since(box, invitations, invited_as)
    naming = _naming(box, proposals, invited_as, before)
    earlier = _at_earlier_addresses(invited_as)
    on_slot = _slot_materials({i.slot_id for i in invitations} | {r.slot_id for r in before})
    materials = {
        m.id: m
        for m in (
            *(material for i in invitations for material in _added_by(i, on_slot)),
            *(material for r in before for material in _added_before(r, on_slot)),
        )
    }
    names = {
        *(n for a in invited_as.values() for n in a.names),
        *(n for r in before for n in r.names),
    }
    return Held(
        email=email,
        account=db.session.scalar(select(User).where(matches_address(User.email, email))),
        contacts=db.session.scalars(
            select(OfficeContact)
            .where(OfficeContact.mailbox == box)
            .order_by(OfficeContact.office_code)
        ).all(),
        proposals=list(proposals),
        invitations=list(invitations),
        materials=list(materials.values()),
        messages=db.session.scalars(
            select(OutboxMessage)
            .where((OutboxMessage.recipient_mailbox == box) | OutboxMessage.id.in_(earlier))
            .order_by(OutboxMessage.id)
        ).all(),
        naming=naming,
        unsubscriptions=db.session.scalars(
            select(Unsubscription)
            .where(Unsubscription.email.in_(spellings(email)))
            .order_by(Unsubscription.id)
        ).all(),
        naming_others=_naming_others(
            box, invitations, before, {*(m.id for m in naming), *earlier}, names
        ),
        as_colead=traces_of(email),
        names=names,
        other_presenters=sorted(
            {address for a in invited_as.values() for address in a.others}, key=mailbox
        ),
    )


@dataclass(frozen=True)
class InvitedAs:
    """A slot they present (its invitation at their address): every spelling of their name
    the messages to its presenter addressed them by ("Elise Dupont" before a co-lead wrote
    "Élise Dupont"), and the other mailboxes those went to (their address corrected since:
    the old one was sent their invitation, reminders, "Address corrected: ..."); the addresses
    its earlier presenters under other names were invited at, not theirs."""

    names: frozenset[str]
    earlier_boxes: frozenset[str]
    others: frozenset[str] = frozenset()


def _invited_as(box: str, invitations: list[Invitation]) -> dict[int, InvitedAs]:
    """Their names and addresses before a co-lead corrected them, once, from the invitations
    written to each slot's presenter under the same name (`same_name`: at another address,
    the same person, her address corrected; another name at theirs, someone else)."""
    now = {i.slot_id: i.name for i in invitations}
    names = {slot_id: {name} for slot_id, name in now.items() if name}
    boxes: dict[int, set[str]] = {slot_id: set() for slot_id in now}
    others: dict[int, dict[str, str]] = {slot_id: {} for slot_id in now}
    if now:
        for slot_id, name, written_to, address in db.session.execute(
            select(
                OutboxMessage.slot_id,
                OutboxMessage.recipient_name,
                OutboxMessage.recipient_mailbox,
                OutboxMessage.recipient_email,
            )
            .where(
                OutboxMessage.kind == MessageKind.invitation,
                OutboxMessage.slot_id.in_(now),
            )
            .order_by(OutboxMessage.id)
        ):
            if same_name(name, now[slot_id]):
                names.setdefault(slot_id, set()).add(name)
                if written_to != box:
                    boxes[slot_id].add(written_to)
            elif written_to != box:
                others[slot_id].setdefault(written_to, address)
    return {
        slot_id: InvitedAs(
            frozenset(names.get(slot_id, ())),
            frozenset(boxes[slot_id]),
            frozenset(a for b, a in others[slot_id].items() if b not in boxes[slot_id]),
        )
        for slot_id in now
    }


def _at_earlier_addresses(invited_as: dict[int, InvitedAs]) -> list[int]:
    """The messages to them as a slot's presenter at an address corrected since: about that
    slot, to that mailbox, in their name. Not what else went there (the mailbox may be a
    stranger's, the typo someone's address, or a successor's)."""
    readdressed = {slot_id: a for slot_id, a in invited_as.items() if a.earlier_boxes}
    if not readdressed:
        return []
    return [
        message_id
        for message_id, slot_id, written_to, name in db.session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.slot_id,
                OutboxMessage.recipient_mailbox,
                OutboxMessage.recipient_name,
            )
            .where(
                OutboxMessage.slot_id.in_(readdressed),
                OutboxMessage.recipient_mailbox.in_(
                    {b for a in readdressed.values() for b in a.earlier_boxes}
                ),
                or_(OutboxMessage.role == MessageRole.presenter, OutboxMessage.role.is_(None)),
            )
            .order_by(OutboxMessage.id)
        )
        if written_to in readdressed[slot_id].earlier_boxes
        and any(same_name(name, given) for given in readdressed[slot_id].names)
    ]


@dataclass(frozen=True)
class Replaced:
    """A slot they were invited to present, whose invitation is someone else's now (a slot has
    one, which inviting another presenter rewrites: `presenters.operations.invite`): the names
    they were invited by, and when the next presenter was. What named them on it was written
    before that."""

    slot_id: int
    names: frozenset[str]
    until: datetime


def _replaced_since(
    box: str, invitations: list[Invitation], invited_as: dict[int, InvitedAs]
) -> list[Replaced]:
    """The slots they were invited to and handed to someone else since, found by the
    invitations written to them: the slot's own invitation no longer names them, while the
    co-leads' news of their answer and the slides they added do (helper-240). Also at their
    mailbox shared (an office's): someone else invited in their place at the same address
    (helper-316). Not a slot whose presenter now is the one they were invited by, at another
    address: the same person, their address corrected, whose slides and answer are theirs."""
    names: dict[int, set[str]] = {}
    for slot_id, name in db.session.execute(
        select(OutboxMessage.slot_id, OutboxMessage.recipient_name).where(
            OutboxMessage.kind == MessageKind.invitation,
            OutboxMessage.recipient_mailbox == box,
            OutboxMessage.slot_id.is_not(None),
        )
    ):
        own = invited_as.get(slot_id)
        if name and (own is None or not any(same_name(name, n) for n in own.names)):
            names.setdefault(slot_id, set()).add(name)
    if not names:
        return []
    now = {
        slot_id: (name, invited_at)
        for slot_id, name, invited_at in db.session.execute(
            select(Invitation.slot_id, Invitation.name, Invitation.invited_at).where(
                Invitation.slot_id.in_(names)
            )
        )
    }
    return [
        Replaced(slot_id, frozenset(given), now[slot_id][1])
        for slot_id, given in sorted(names.items())
        if slot_id in now
        and (slot_id in invited_as or not any(same_name(now[slot_id][0], n) for n in given))
    ]


def _slot_materials(slot_ids: set[int]) -> dict[int, list[Material]]:
    """The materials of each of the slots, read at once."""
    on_slot: dict[int, list[Material]] = {}
    if slot_ids:
        for material in db.session.scalars(
            select(Material).where(Material.slot_id.in_(slot_ids)).order_by(Material.id)
        ):
            on_slot.setdefault(material.slot_id, []).append(material)
    return on_slot


def _added_before(replaced: Replaced, on_slot: dict[int, list[Material]]) -> list[Material]:
    """What they added from their page to a slot handed to someone else since, under any
    spelling of a name they were invited by (`added_by_presenter`)."""
    return [
        material
        for material in on_slot.get(replaced.slot_id, ())
        if material.added_at < replaced.until
        and any(added_by_presenter(material, name) for name in replaced.names)
    ]


def _added_by(invitation: Invitation, on_slot: dict[int, list[Material]]) -> list[Material]:
    """What a presenter added from their page to the slot they were invited to, also under
    their name as spelt before a co-lead corrected it ("Elise" for "Élise")."""
    return [
        material
        for material in on_slot.get(invitation.slot_id, ())
        if added_by_presenter(material, invitation.name)
    ]


def _naming(
    box: str, proposals, invited_as: dict[int, InvitedAs], before: list[Replaced]
) -> list[OutboxMessage]:
    """The co-leads' messages that name them: a presenter's answer about their slot ("Ana
    Quispe confirmed: ...", in any name they were invited by), also one they were handed from
    since (written before the next presenter was invited), the news of a proposal of theirs
    (its review address names it)."""
    answers: dict[int, list[_Answering]] = {
        slot_id: [_Answering(invited.names, None)] for slot_id, invited in invited_as.items()
    }
    for r in before:
        answers.setdefault(r.slot_id, []).append(_Answering(r.names, r.until))
    reviews = {p.id: p.contact_name for p in proposals}
    deleted = _deleted_since(box)
    names = {
        *(n for each in answers.values() for a in each for n in a.names),
        *reviews.values(),
        *(d.name for d in deleted),
    }
    if not names:
        return []
    candidates = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.kind.in_(_NAMING),
            OutboxMessage.recipient_mailbox != box,
            or_(
                *(OutboxMessage.subject.contains(name, autoescape=True) for name in names),
                *(OutboxMessage.text_body.contains(name, autoescape=True) for name in names),
            ),
        )
        .order_by(OutboxMessage.id)
    )
    return [m for m in candidates if _names(m, answers, reviews) or _answered_deleted(m, deleted)]


@dataclass(frozen=True)
class _Deleted:
    """A slot they were invited to that was deleted since (a draft meeting's): its messages
    keep their meeting (`slot_id` is set NULL), and the invitation written to them the name
    they were invited by."""

    meeting_id: int | None
    name: str
    invited_at: datetime


def _deleted_since(box: str) -> list[_Deleted]:
    """The invitations written to them whose slot is gone: the co-leads' news of their answer
    to it ("Eva Quispe confirmed: ...") lost its slot with it, and is found by these."""
    return [
        _Deleted(meeting_id, name, created_at)
        for meeting_id, name, created_at in db.session.execute(
            select(
                OutboxMessage.meeting_id, OutboxMessage.recipient_name, OutboxMessage.created_at
            ).where(
                OutboxMessage.kind == MessageKind.invitation,
                OutboxMessage.recipient_mailbox == box,
                OutboxMessage.slot_id.is_(None),
            )
        )
        if name
    ]


def _answered_deleted(message: OutboxMessage, deleted: list[_Deleted]) -> bool:
    """Whether `message` is the co-leads' news of their answer about a slot deleted since:
    written after their invitation to it, in its meeting, in their name."""
    return (
        message.kind == MessageKind.answer
        and message.slot_id is None
        and any(
            message.meeting_id == d.meeting_id
            and message.created_at >= d.invited_at
            and message.subject.startswith(f"{d.name} ")
            for d in deleted
        )
    )


def _naming_others(
    box: str,
    invitations: list[Invitation],
    before: list[Replaced],
    gone: set[int],
    names: set[str],
) -> list[OutboxMessage]:
    """The messages to others (an office's contacts) about a slot they were invited to that
    name them (`names`: every name they were invited by): "it has a presenter again: Eva
    Quispe has confirmed it", why an office's news that the presenter before declined did not
    go (`mail.outbox.declined_no_longer`). Not those erased with them (`gone`)."""
    slots = {i.slot_id for i in invitations} | {r.slot_id for r in before}
    if not names or not slots:
        return []
    candidates = db.session.scalars(
        select(OutboxMessage)
        .where(
            OutboxMessage.slot_id.in_(slots),
            OutboxMessage.recipient_mailbox != box,
            or_(
                *(column.contains(name, autoescape=True) for name in names for column in _NAMED_IN)
            ),
        )
        .order_by(OutboxMessage.id)
    )
    return [m for m in candidates if m.id not in gone and _redacted(m, names) is not None]


# Where a message to someone else may name them: what the outbox page shows of it.
_NAMED_IN = (
    OutboxMessage.subject,
    OutboxMessage.text_body,
    OutboxMessage.html_body,
    OutboxMessage.last_error,
)


def _redacted(message: OutboxMessage, names: set[str]) -> dict[str, str] | None:
    """`message`'s subject, text, HTML and error with `names` replaced by ERASED_PRESENTER where
    each stands whole (`replace_name`: not "Élise Dupont" in "Élise Dupont-Martin", another's),
    or None where it names none of them."""
    changed = {}
    for column in _NAMED_IN:
        value = getattr(message, column.key)
        if not value:
            continue
        new = value
        for name in sorted(names, key=len, reverse=True):
            new = replace_name(new, name, ERASED_PRESENTER, markup=column.key == "html_body")
        if new != value:
            changed[column.key] = new
    return changed or None


@dataclass(frozen=True)
class _Answering:
    """Who answered for a slot, by the names they were invited by; until when (None: still)."""

    names: frozenset[str]
    until: datetime | None


def _names(
    message: OutboxMessage, answers: dict[int, list[_Answering]], reviews: dict[int, str]
) -> bool:
    if message.kind == MessageKind.answer:
        return any(
            (answering.until is None or message.created_at < answering.until)
            and any(message.subject.startswith(f"{name} ") for name in answering.names)
            for answering in answers.get(message.slot_id, ())
        )
    text = message.text_body or ""
    return any(
        name in text and re.search(rf"/proposals/{number}(?![0-9])", text)
        for number, name in reviews.items()
    )


# --- Export ------------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _slot(slot: Slot) -> dict:
    return {
        "meeting": slot.meeting.title,
        "slot": slot.title,
        "starts_at": _when(slot.starts_at),
        "office": slot.office_code,
    }


def export(held: Held) -> dict:
    """What is held about them, as data to hand over (private links shown as [hidden]: the
    export is passed on, and the links are theirs alone)."""
    return {
        "email": held.email,
        "account": None
        if held.account is None
        else {
            "email": held.account.email,
            "role": held.account.role,
            "created_at": _when(held.account.created_at),
            "last_login_at": _when(held.account.last_login_at),
        },
        "office_contacts": [
            {
                "office": c.office_code,
                "name": c.name,
                "email": c.email,
                "role": c.role,
                "language": c.language,
                "source": c.source,
                "created_at": _when(c.created_at),
                "updated_at": _when(c.updated_at),
            }
            for c in held.contacts
        ],
        "proposals": [
            {
                "id": p.id,
                "office": p.office_code,
                "name": p.contact_name,
                "email": p.contact_email,
                "language": p.contact_language,
                "consent_to_be_kept_as_contact": p.contact_consent,
                "title": p.title,
                "abstract": p.abstract,
                "availability": p.availability,
                "availability_windows": [as_json(w) for w in windows_of(proposal=p)],
                "status": p.status,
                "created_at": _when(p.created_at),
                "history": [
                    {"at": _when(e.at), "action": e.action, "actor": e.actor, "reason": e.reason}
                    for e in p.events
                ],
            }
            for p in held.proposals
        ],
        "invitations_to_present": [
            {
                **_slot(i.slot),
                "name": i.name,
                "email": i.email,
                "time_zone": i.time_zone,
                "language": i.language,
                "invited_at": _when(i.invited_at),
                "invited_by": i.invited_by,
                "answer": i.answer,
                "note": i.note,
                "answered_at": _when(i.answered_at),
                "availability_windows": [as_json(w) for w in windows_of(invitation=i)],
            }
            for i in held.invitations
        ],
        "materials_added": [
            {**_slot(m.slot), "kind": m.kind, "file": m.filename, "link": m.url}
            | {"added_at": _when(m.added_at)}
            for m in held.materials
        ],
        "messages": [
            {
                "id": m.id,
                "kind": m.kind,
                "status": m.status,
                "subject": m.subject,
                "created_at": _when(m.created_at),
                "sent_at": _when(m.sent_at),
                "text": mask(m.text_body) if m.cleared_at is None else None,
            }
            for m in held.messages
        ],
        "messages_to_the_coleads_naming_them": [
            {"id": m.id, "kind": m.kind, "subject": m.subject, "created_at": _when(m.created_at)}
            for m in held.naming
        ],
        "messages_to_others_naming_them": [
            {"id": m.id, "kind": m.kind, "subject": m.subject, "created_at": _when(m.created_at)}
            for m in held.naming_others
        ],
        "unsubscribed_from": [u.kind for u in held.unsubscriptions],
        "as_a_colead": [trace.described() for trace in held.as_colead],
    }


# --- Erasure -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erased:
    """How many records an erasure removed or anonymised."""

    contacts: int
    proposals: int
    invitations: int
    materials: int
    messages: int
    unsubscriptions: int
    colead_records: int = 0


def in_their_calendar(held: Held, now: datetime) -> list[Slot]:
    """The slots still to come whose entry a message put in their calendar, and none took out
    (the last calendar part about it that reached them was a REQUEST): erasing sends them
    nothing, so those entries stay theirs, no longer updated."""
    last: dict[int, str] = {}
    for message in held.messages:
        if (
            message.slot_id is not None
            and message.ics_method
            and message.status == MessageStatus.sent
        ):
            last[message.slot_id] = message.ics_method
    slots = [
        db.session.get(Slot, slot_id) for slot_id, method in last.items() if method == "REQUEST"
    ]
    return [s for s in slots if s is not None and s.starts_at is not None and s.starts_at > now]


def coming_slots(held: Held, now: datetime) -> list[Slot]:
    """The slots still to come that they present (invited or confirmed): in their calendar,
    and on the agenda as theirs."""
    slots = [i.slot for i in held.invitations if i.slot.held_by is i]
    return [
        s
        for s in slots
        if s.meeting.status != MeetingStatus.cancelled
        and s.status != SlotStatus.cancelled
        and not s.meeting.ended(now)
    ]


def why_not(held: Held, now: datetime) -> str | None:
    """Why their data may not be erased now, or None: a co-lead's account, whose records say
    who decided what, is deleted first; a slot still to come that they present is theirs on the
    agenda and in their calendar, and the co-leads take them off it first."""
    if held.account is not None:
        return (
            f"{held.account.email} is a co-lead's account: delete it first "
            f"(flask --app app users delete --email {held.account.email}), then erase: what "
            "they did as a co-lead (marks, decisions, invitations, edits) stays, without their "
            "address."
        )
    if coming := coming_slots(held, now):
        named = "; ".join(
            f"“{s.title}” in “{s.meeting.title}” ({s.meeting.home_day}, slot {s.id})"
            for s in coming
        )
        return (
            f"{held.email} presents slots still to come: {named}. Take them off first on the "
            "meeting's editor (set the slot back to proposed, or cancel it; they are told), "
            "then erase."
        )
    return None


def erase(held: Held, now: datetime, store_of: Callable[[Material], Store]) -> Erased:
    """Erase what is held about them (flushed), unless `why_not` (ConflictError). Their
    contacts, the messages to them and those to the co-leads naming them, their
    unsubscriptions and the slides they added are deleted; the messages to others naming them
    stay, their name replaced, and so does what they did as a co-lead, their address replaced
    (`coleads.anonymise`); their proposals and invitations stay
    as the offices' (title, abstract, status, answer), without their name, address,
    availability or private link. Nothing is sent to them."""
    if refusal := why_not(held, now):
        raise ConflictError(refusal)
    for material in held.materials:
        remove(material, store=store_of(material))
    for invitation in held.invitations:
        _erase_invitation(invitation, now)
    for proposal in held.proposals:
        _erase_proposal(proposal, now)
    # Nothing more is written to them: their contacts go as rows, which no one is told of (a
    # contact removed on the office's page is sent the CANCEL of the slots in their calendar).
    box = mailbox(held.email)
    contacts = _delete(delete(OfficeContact).where(OfficeContact.mailbox == box))
    messages = _delete(
        delete(OutboxMessage).where(
            (OutboxMessage.recipient_mailbox == box)
            | OutboxMessage.id.in_([m.id for m in (*held.messages, *held.naming)])
        )
    )
    # What was sent to others stays as the record of it, without their name (the copy in the
    # recipient's mailbox is out of reach).
    for message in held.naming_others:
        for column, value in (_redacted(message, held.names) or {}).items():
            setattr(message, column, value)
    unsubscriptions = _delete(
        delete(Unsubscription).where(Unsubscription.email.in_(spellings(held.email)))
    )
    _delete(delete(ThrottleEvent).where(ThrottleEvent.account.in_(spellings(held.email))))
    # What they did as a co-lead stays the Task Force's record, without their address.
    anonymise(held.as_colead, held.email)
    db.session.flush()
    return Erased(
        contacts=contacts,
        proposals=len(held.proposals),
        invitations=len(held.invitations),
        materials=len(held.materials),
        messages=messages,
        unsubscriptions=unsubscriptions,
        colead_records=len(held.as_colead),
    )


def _delete(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _erase_invitation(invitation: Invitation, now: datetime) -> None:
    """The slot keeps that someone was invited and what they answered; who, where from, their
    note, hours and private link go."""
    replace_windows([], invitation=invitation)
    invitation.name = ERASED_PRESENTER
    invitation.email = invitation.time_zone = invitation.language = None
    invitation.note = ""
    invitation.link_hash = invitation.link_salt = None
    invitation.windows_given_at = None
    invitation.erased_at = now


def _erase_proposal(proposal: Proposal, now: datetime) -> None:
    """The office's proposal stays (its title, abstract, status and the co-leads' decisions);
    who sent it, their address, language, consent, availability and private link go."""
    replace_windows([], proposal=proposal)
    proposal.contact_name = ERASED_VOLUNTEER
    proposal.contact_email = ""
    proposal.contact_language = None
    proposal.contact_consent = False
    proposal.availability = ""
    proposal.link_hash = None
    proposal.erased_at = now
    for event in proposal.events:
        if event.action in _VOLUNTEERS_ACTIONS:
            event.actor = f"{ERASED_VOLUNTEER} for {proposal.office_code}"
