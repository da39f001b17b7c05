"""What waits in the outbox for a slot and an address: held invitations, updates still
settling, messages a later one supersedes, and the SEQUENCE a calendar already holds."""

import re
from datetime import datetime, timedelta

from sqlalchemy import select, update

from planner.addresses import mailbox
from planner.agenda.models import Slot, SlotStatus
from planner.calendar.operations import slot_sequence
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail import imip
from planner.mail.messages.addressing import When, about_slot
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage


def waiting_invitation(slot: Slot, email: str, *, queued: bool = False) -> OutboxMessage | None:
    """The invitation about `slot` to `email` that has not gone out and is kept current until
    it does: held for a co-lead's review; `queued`: or queued, due and never tried, which no
    sender has taken yet (a sender's lease puts a taken one later), asked by the callers while
    its presenter has not answered (one who has, on a link passed on by hand, was reached). Any
    change of the slot or its meeting before the sender's next round (its title corrected, its
    time moved, the meeting published, the slot cancelled or deleted): it is written again as
    the talk now is (`invitations.renew_held`), or never goes, rather than followed in the same
    round by a "Changed" (or "Published") update of what it got wrong, or by the cancellation
    of a talk they were never told of (helper-340, helper-344, helper-348)."""
    not_out = OutboxMessage.status == MessageStatus.held
    if queued:
        not_out |= (
            (OutboxMessage.status == MessageStatus.queued)
            & (OutboxMessage.attempts == 0)
            & (OutboxMessage.next_attempt_at <= utcnow())
        )
    return db.session.scalar(
        select(OutboxMessage)
        .where(*about_slot(slot, email), OutboxMessage.kind == MessageKind.invitation, not_out)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def news_behind(invitations: list[OutboxMessage]) -> set[int]:
    """Of `invitations`, queued, the ids of those behind which news of their slot to their
    recipient waits: an update queued after it (which no sender takes before it goes). Not a
    reminder: it tells of no change, and one written as the invitation was first tried is
    not written again once withdrawn (its Message-ID stands while the slot's SEQUENCE does).
    One query."""
    if not invitations:
        return set()
    waiting = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.slot_id, OutboxMessage.recipient_mailbox).where(
            OutboxMessage.slot_id.in_({m.slot_id for m in invitations}),
            OutboxMessage.recipient_mailbox.in_({m.recipient_mailbox for m in invitations}),
            OutboxMessage.kind == MessageKind.update,
            OutboxMessage.status == MessageStatus.queued,
        )
    ).all()
    return {
        invitation.id
        for invitation in invitations
        for row in waiting
        if (row.slot_id, row.recipient_mailbox)
        == (invitation.slot_id, invitation.recipient_mailbox)
        and row.id > invitation.id
    }


def talk_changed(invitation: OutboxMessage, slot: Slot, news: set[int]) -> bool:
    """Whether `slot`'s talk changed since `invitation` (queued, to be tried again) was written:
    its calendar entry is behind the slot's event now (`behind`), or news of a change waits
    behind it (its id in `news`, which `news_behind` read for all a round retries at once)."""
    return invitation.id in news or behind(invitation, slot)


def taken_back(message: OutboxMessage) -> bool:
    """Whether a message read as not gone out (`waiting_invitation`) never goes: superseded
    only if still as read. A sender that leased it meanwhile sends it; its news then follows it
    as any change's does."""
    return (
        _superseded(
            OutboxMessage.id == message.id,
            OutboxMessage.status == message.status,
            OutboxMessage.next_attempt_at == message.next_attempt_at,
        )
        == 1
    )


def still_due(messages: list[OutboxMessage], now: datetime) -> set[int]:
    """Of `messages`, read as queued and due by `now`, the ids of those still so: no sender
    leased one since (a lease puts a taken one later, as `taken_back` finds it), and none
    takes one until this transaction ends (PostgreSQL's row locks, which a sender's claim
    passes by, waited for here while a claim holds one; SQLite's one write lock). Before one is
    said again in place: another instance's sender may be sending it this moment. One
    statement."""
    if not messages:
        return set()
    return set(
        db.session.scalars(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_([m.id for m in messages]),
                OutboxMessage.status == MessageStatus.queued,
                OutboxMessage.next_attempt_at <= now,
            )
            .values(next_attempt_at=OutboxMessage.next_attempt_at)
            .returning(OutboxMessage.id)
            .execution_options(synchronize_session=False)
        )
    )


def withdraw_behind(message: OutboxMessage, *where) -> int:
    """The messages matching `where` queued behind `message`, itself queued to the same
    recipient until now, never go: no sender takes a message while an earlier one to its
    recipient is queued (`sender._due`), so none of them is any sender's. Returns how many."""
    return _superseded(
        *where,
        OutboxMessage.recipient_mailbox == message.recipient_mailbox,
        OutboxMessage.id > message.id,
        OutboxMessage.status == MessageStatus.queued,
    )


_SEQUENCE_LINE = re.compile(r"^SEQUENCE:(\d+)\r?$", re.MULTILINE)
_UID_LINE = re.compile(r"^UID:(\S+)\r?$", re.MULTILINE)


def event_uid(ics: str | None) -> str | None:
    """The UID of a message's calendar entry; None without one."""
    found = _UID_LINE.search(ics or "")
    return found.group(1) if found else None


def _sequence(ics: str | None) -> int | None:
    """The SEQUENCE of a message's calendar entry (the highest, were there more); None without."""
    found = _SEQUENCE_LINE.findall(ics or "")
    return max(map(int, found)) if found else None


def behind(message: OutboxMessage, slot: Slot, *, held: bool = False) -> bool:
    """Whether a message's calendar entry carries a lower SEQUENCE than the slot's event now;
    `held`: or one not above what its recipient's calendar already holds of the slot (sent or
    going to them), which a client ignores as no change."""
    sequence = _sequence(message.ics)
    if sequence is None:
        return False
    if sequence < slot_sequence(slot, slot.meeting):
        return True
    holds = held_sequence(slot, message.recipient_email) if held else None
    return holds is not None and sequence <= holds


# How long a plain update ("Changed: ...") waits for the next change of the same slot, which
# then replaces it: a co-lead moving a slot up four times sends one message, not four
# (helper-66). Its calendar entry goes with it; the feeds follow at once. It never waits more
# than SETTLE_AT_MOST after the first change it tells of (a change every 50 seconds).
UPDATE_SETTLE = timedelta(minutes=1)
SETTLE_AT_MOST = timedelta(minutes=5)


# What a presenter is sent that carries their link or asks them to present.
_TO_PRESENTER = (MessageKind.invitation, MessageKind.update, MessageKind.reminder)


# Not out yet, nor on its way: a held message, or one that failed, had no server or was
# discarded (each of which a co-lead may still send).
_NOT_OUT = (
    MessageStatus.held,
    MessageStatus.failed,
    MessageStatus.not_sent,
    MessageStatus.discarded,
)


def supersede(slot: Slot, email: str, kinds=_TO_PRESENTER) -> bool:
    """The messages of `kinds` about `slot` to `email` that have not gone out no longer go
    (their presenter was replaced, or given a new link): a held invitation released later
    would invite someone who no longer presents. Returns whether anything about the slot may
    have reached them (sent, or queued and perhaps in a sender's hands).

    One conditional UPDATE: a message a sender marks sent meanwhile stays sent."""
    about = about_slot(slot, email)
    # Sent, or leased by a sender (due later than now: perhaps on its way this moment; an
    # update waiting out UPDATE_SETTLE is due later too, and is no sender's yet). A queued
    # message no sender has taken yet is superseded before it goes.
    maybe_out = db.session.execute(
        select(
            OutboxMessage.status,
            OutboxMessage.next_attempt_at,
            OutboxMessage.created_at,
            OutboxMessage.basis,
        ).where(
            *about,
            (OutboxMessage.status == MessageStatus.sent)
            | (
                (OutboxMessage.status == MessageStatus.queued)
                & (OutboxMessage.next_attempt_at > utcnow())
                & (OutboxMessage.attempts == 0)
            ),
        )
    ).all()
    reached = [
        row
        for row in maybe_out
        if row.status == MessageStatus.sent
        or not _settling(row.next_attempt_at, row.created_at, row.basis)
    ]
    _superseded(
        *about,
        OutboxMessage.kind.in_(kinds),
        OutboxMessage.status.in_((*_NOT_OUT, MessageStatus.queued)),
    )
    return bool(reached)


def settling_update(slot: Slot, email: str) -> bool:
    """Whether an update about `slot` to `email` is still waiting out UPDATE_SETTLE."""
    return bool(_settling_rows(*about_slot(slot, email)))


def last_heard_declined(slot: Slot, email: str) -> bool:
    """Whether the last update about `slot` that went to `email` (an office's contact) left
    them reading that its presenter declined and no one else is invited: the news of the
    decline, or a plain change (no change of status) written while it stood so."""
    basis = db.session.scalar(
        select(OutboxMessage.basis)
        .where(
            *about_slot(slot, email),
            OutboxMessage.kind == MessageKind.update,
            OutboxMessage.status == MessageStatus.sent,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    said = (basis or {}).get("said") or {}
    if said.get("presenter_declined"):
        return True
    return said.get("status_was") == SlotStatus.declined and "status" not in (
        said.get("what") or ()
    )


def sequence_for(slot: Slot, email: str, feed: int, method: str) -> int:
    """The SEQUENCE of a message about `slot` to `email`: the feed's the message follows
    (`feed`: the slot's, or the contact's office feed's), and never below what their calendar
    holds: above it whenever the feed is not (a slot that left their office and came back, an
    address that stopped being a contact and is one again, a contact's copy counting on from
    their office feed when they are invited to present), which a client would ignore at the
    same number (helper-59)."""
    held = held_sequence(slot, email)
    if held is None:
        return feed
    # Above what they hold whenever the feed is not: a change at the same number may be
    # ignored (RFC 5546 asks for a higher one), and a message here cannot tell a change from a
    # repeat, so each goes one higher. Their mailed copy may then run ahead of the feeds'
    # numbers: a subscription is another calendar entry, so nothing compares the two.
    return feed if feed > held else held + 1


def held_sequence(slot: Slot, email: str) -> int | None:
    """The SEQUENCE of `slot` that the calendar of `email` holds: the highest that messages
    sent (or going) to it carried; None when none carried the slot."""
    messages = db.session.scalars(
        select(OutboxMessage.ics).where(
            *about_slot(slot, email),
            OutboxMessage.ics.is_not(None),
            OutboxMessage.status.in_((MessageStatus.sent, MessageStatus.queued)),
        )
    ).all()
    if not messages:
        return None
    return max(_sequence(ics) or 0 for ics in messages)


def withdraw_unsent(*where, kinds: tuple[str, ...]) -> None:
    """Messages of `kinds` matching `where` that did not go out (held, failed, no mail server)
    never go: a newer message replaced what they say."""
    _superseded(*where, OutboxMessage.kind.in_(kinds), OutboxMessage.status.in_(_NOT_OUT))


def withdraw_not_out(*where, kinds: tuple[str, ...]) -> None:
    """Messages of `kinds` matching `where` that have not gone out never go, queued ones a
    sender has leased included: what they carry no longer works. A sender sends none it finds
    superseded; the one in its SMTP conversation this moment goes, and is recorded sent."""
    _superseded(
        *where,
        OutboxMessage.kind.in_(kinds),
        OutboxMessage.status.in_((*_NOT_OUT, MessageStatus.queued)),
    )


def withdraw_due(slot: Slot, email: str, kinds: tuple[str, ...]) -> None:
    """Messages of `kinds` about `slot` to `email` queued and due that no sender has taken yet
    (a sender's lease puts a taken one later) never go: one written now says what they do, and
    would go after them. Also one retrying after a temporary failure, whenever its next try is
    due: the sender sends nothing to an address while an earlier message to it waits, so it
    would go first (helper-159). One a sender holds in its SMTP conversation goes as it would;
    a sender that leased it and finds it superseded sends it not."""
    withdraw_queued(*about_slot(slot, email), kinds=kinds)


def withdraw_queued(*where, kinds: tuple[str, ...]) -> None:
    """Messages of `kinds` matching `where` queued and due, or retrying, that no sender holds
    now (`withdraw_due`) never go."""
    _superseded(
        *where,
        OutboxMessage.kind.in_(kinds),
        OutboxMessage.status == MessageStatus.queued,
        (OutboxMessage.next_attempt_at <= utcnow()) | (OutboxMessage.attempts > 0),
    )


def _superseded(*where) -> int:
    """The messages matching `where` (a condition on their status too: one a sender marks sent
    meanwhile stays sent) never go. Returns how many."""
    return db.session.execute(
        update(OutboxMessage)
        .where(*where)
        .values(status=MessageStatus.superseded, last_error=None)
        .execution_options(synchronize_session="fetch")
    ).rowcount


def unsent_withdrawn(slot: Slot, email: str) -> dict | None:
    """An update about `slot` to `email` that did not go out (no mail server, failed, held, or
    still settling) no longer may: the event it would put in their calendar is gone, or a
    newer message about it is on its way, and a co-lead's "Send again" would bring back what
    no longer holds. Returns what the settling updates withdrawn had to say (`basis`), for the
    newer message to say instead; None if none was."""
    carried = settling_withdrawn(slot, email)
    withdraw_unsent(*about_slot(slot, email), kinds=(MessageKind.update, MessageKind.cancellation))
    return carried


def withdraw_waiting(email: str, kind: str) -> int:
    """`email` stopped messages of `kind`: those still waiting out UPDATE_SETTLE that their
    footer offered to stop do not go (nothing new reaches them, as for any change after).
    Returns how many were withdrawn."""
    return len(
        _withdraw_settling(
            OutboxMessage.recipient_mailbox == mailbox(email),
            OutboxMessage.unsubscribe_kind == kind,
        )
    )


def settles(basis: dict | None) -> bool:
    """Whether an update was written to wait out UPDATE_SETTLE (`writing._basis`: what the one
    that replaces it is to say); every update keeps what it said (`said`), which is not that."""
    return bool(basis) and "since" in basis


def _settling(due: datetime, created: datetime, basis: dict | None) -> bool:
    """Whether a queued update, never tried, is still waiting out UPDATE_SETTLE: written to
    wait, and due at most that long after it was written (a sender's lease puts a taken one
    LEASE further out), and not one a co-lead sent (`outbox.restarted`: due at once). Its
    outbox page says so (`OutboxMessage.waits_for_changes`)."""
    return (
        settles(basis)
        and "again" not in basis
        and timedelta(0) < UPDATE_SETTLE
        and due - created <= UPDATE_SETTLE + timedelta(seconds=1)
    )


def waits_for_changes(message: OutboxMessage) -> bool:
    """Whether `message` is an update still waiting out UPDATE_SETTLE for further changes to
    its slot, which it would then say too (`_settling`, as `_settling_rows` reads it): what its
    outbox row and page say of it. Not news that goes at once (it keeps what it said only), one
    a co-lead sent again, nor one a sender has taken."""
    return (
        message.kind == MessageKind.update
        and message.status == MessageStatus.queued
        and not message.attempts
        and message.next_attempt_at > utcnow()
        and _settling(message.next_attempt_at, message.created_at, message.basis)
    )


def _settling_rows(*where) -> list[tuple[int, datetime, datetime, dict]]:
    """(id, due, written, basis) of the updates matching `where` still waiting out
    UPDATE_SETTLE (not leased by a sender: those are on their way), oldest first."""
    rows = db.session.execute(
        select(
            OutboxMessage.id,
            OutboxMessage.next_attempt_at,
            OutboxMessage.created_at,
            OutboxMessage.basis,
        )
        .where(
            *where,
            OutboxMessage.kind == MessageKind.update,
            OutboxMessage.status == MessageStatus.queued,
            OutboxMessage.attempts == 0,
            OutboxMessage.basis.is_not(None),
            OutboxMessage.next_attempt_at > utcnow(),
        )
        .order_by(OutboxMessage.id)
    ).all()
    return [tuple(row) for row in rows if _settling(row[1], row[2], row[3])]


def first_news_waiting(slot: Slot, email: str) -> bool:
    """Whether an update about `slot` to `email` still waiting out UPDATE_SETTLE is their first
    news of it: a cancellation then takes it back and sends nothing, as nothing of it reached
    their calendar (`writing.queue_message`)."""
    rows = _settling_rows(*about_slot(slot, email))
    return bool(rows) and bool(rows[0][3].get("first"))


def _withdraw_settling(*where) -> list[tuple[datetime, dict, datetime, int]]:
    """Withdraw the updates matching `where` still waiting out UPDATE_SETTLE, each only if
    still as read (a sender may take it meanwhile: then it goes). Returns (written, basis, due,
    id) of those withdrawn, oldest first."""
    withdrawn = []
    for message_id, due, created, basis in _settling_rows(*where):
        taken_back = _superseded(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MessageStatus.queued,
            OutboxMessage.next_attempt_at == due,
        )
        if taken_back == 1:
            withdrawn.append((created, basis, due, message_id))
    return withdrawn


def settling_withdrawn(slot: Slot, email: str) -> dict | None:
    """Withdraw the plain updates about `slot` to `email` still settling; returns their
    changes together, the time told before the first, when the first was written (`basis`)
    and when it was to go; None if none was waiting."""
    withdrawn = _withdraw_settling(*about_slot(slot, email))
    if not withdrawn:
        return None
    (first_written, first, due, _), *later = withdrawn
    what = set(first.get("what") or ())
    for _, basis, _, _ in later:
        what |= set(basis.get("what") or ())
    return {
        # The last one withdrawn: one written again in its place saying what it said is no news
        # of the change that wrote it (`writing._said_before` reads what that was).
        "withdrawn": withdrawn[-1][3],
        "what": sorted(what),
        "was": [When.read(time) for time in first.get("was") or []],
        "since": first.get("since") or first_written.isoformat(),
        "due": due.isoformat(),
        "asked_again": any(basis.get("asked_again") for _, basis, _, _ in withdrawn),
        "status_was": first.get("status_was"),
        # The oldest was their first news of the slot (`writing._unpresented_news`).
        "first": bool(first.get("first")),
        # The news of a confirmation, alone (`writing._confirmation`), or one a question that
        # replaced it still keeps (`writing._carry`): whose it was.
        "confirmed": False
        if later
        else (first.get("said") or {}).get("confirmed")
        or first.get("unheard_confirmation")
        or False,
    }


def calendar_copy(slot: Slot, email: str) -> OutboxMessage | None:
    """The last calendar message about `slot` that went to `email` (or is queued): what their
    calendar holds of it (`holds_event`), or None."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(
            *about_slot(slot, email),
            OutboxMessage.ics_method.is_not(None),
            OutboxMessage.status.in_((MessageStatus.sent, MessageStatus.queued)),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def holds_event(slot: Slot, email: str) -> bool:
    """Whether `email`'s calendar holds the slot's event: the last calendar message about it that
    went to them (or is queued, so goes before anything written now) was a REQUEST. One that
    did not go (no mail server, or it failed) is not in their calendar: when the event goes,
    `unsent_withdrawn` makes sure it never goes either."""
    return last_calendar_method(slot, email) == imip.Method.request


def last_calendar_method(slot: Slot, email: str) -> str | None:
    """The method of the last calendar message about `slot` that went to `email` (or is queued,
    so goes before anything written now): REQUEST, CANCEL, or None when none carried it."""
    return db.session.scalar(
        select(OutboxMessage.ics_method)
        .where(
            *about_slot(slot, email),
            OutboxMessage.ics_method.is_not(None),
            OutboxMessage.status.in_((MessageStatus.sent, MessageStatus.queued)),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


# Why a cancellation taken back never goes, as its outbox page says (`again.why_superseded`).
BROUGHT_BACK = (
    "not sent: the meeting was brought back before this cancellation went, so the slot stays "
    "in their calendar as it was and nothing about it goes to them"
)


def _cancellation_not_out(slot: Slot, email: str) -> tuple:
    """The conditions of a CANCEL of `slot` to `email` that has not gone out: held, failed, no
    mail server, or queued and no sender's yet (as `withdraw_due` finds it)."""
    return (
        *about_slot(slot, email),
        OutboxMessage.kind == MessageKind.cancellation,
        OutboxMessage.status.in_(_NOT_OUT)
        | (
            (OutboxMessage.status == MessageStatus.queued)
            & ((OutboxMessage.next_attempt_at <= utcnow()) | (OutboxMessage.attempts > 0))
        ),
    )


def cancellation_waiting(slot: Slot, email: str) -> bool:
    """Whether a CANCEL of `slot` to `email` has not gone out (`_cancellation_not_out`): the
    page that asks before a meeting is brought back says it is taken back."""
    found = select(OutboxMessage.id).where(*_cancellation_not_out(slot, email))
    return db.session.scalar(found.limit(1)) is not None


def invitation_taken_away(slot: Slot, email: str) -> bool:
    """Whether the invitation to present `slot` to `email` never went and was taken away: the
    last one written to them is superseded and no calendar message about the slot went to them
    (an invitation held for review, or queued for the sender's next round, when the slot or its
    meeting was cancelled: `waiting_invitation`)."""
    status = db.session.scalar(
        select(OutboxMessage.status)
        .where(*about_slot(slot, email), OutboxMessage.kind == MessageKind.invitation)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return status == MessageStatus.superseded and last_calendar_method(slot, email) is None


def cancellation_taken_back(slot: Slot, email: str) -> bool:
    """A meeting brought back after its cancellation (`agenda.operations.reinstate`): the
    CANCEL of `slot` to `email` that has not gone out never goes, saying why. Whether their
    calendar holds the event after all (the last that went to them was a REQUEST): then its
    return is no news to them, as the cancellation never reached them."""
    db.session.execute(
        update(OutboxMessage)
        .where(*_cancellation_not_out(slot, email))
        .values(status=MessageStatus.superseded, last_error=BROUGHT_BACK)
        .execution_options(synchronize_session="fetch")
    )
    return holds_event(slot, email)
