"""What to send to whom when something changes: invitations, decisions, answers, updates,
cancellations and reminders, each written to the outbox in the transaction of its change.

Invitations, decisions and answers are enqueued by the operation (or view) that makes the
change. Updates and cancellations follow the calendars: whenever a slot's event gets a higher
SEQUENCE (its time, length, status or its meeting's link or status changed) the change is noted
as the session flushes, and just before the transaction commits one message per recipient and
slot is written, however many changes the request made. A rolled-back change sends nothing.

Who gets what:
- the slot's invited presenter (with an email address) gets the REQUEST of the invitation, then
  an update REQUEST when what their calendar shows changes, and a CANCEL when the slot or its
  meeting is cancelled or deleted, when they decline, or when someone else is invited. This
  holds for drafts too: the presenter was sent the slot with the invitation, so their calendar
  must follow it.
- the presenting office's contacts hear of a slot only once its meeting is published (drafts are
  private), or once it is added to a published meeting or given to their office, or they
  become a contact of it: an update REQUEST (optional: one-click unsubscribe), and a CANCEL of
  what a REQUEST put in their calendar (also when the slot goes to another office, or their
  address stops being a contact). Their messages carry their office feed's SEQUENCE, never
  below what their calendar holds. A contact who
  unsubscribed from updates is sent nothing new, but still the CANCEL of an event a REQUEST put
  in their calendar: it only takes out what was put there, so no dead event stays.
- the volunteer gets the decision on their proposal; the co-leads get the presenters' answers.
"""

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import current_app, has_request_context, render_template, url_for
from sqlalchemy import and_, event, inspect, select, update
from sqlalchemy.orm import Session

from planner.accounts.models import User
from planner.addresses import mailbox, same_address
from planner.agenda.models import HELD, Meeting, MeetingStatus, Slot, SlotStatus
from planner.agenda.operations import ASKED_AGAIN, CONFIRMED_AGAIN
from planner.calendar.ics import EventInfo, Participant
from planner.calendar.operations import _status as shown_status
from planner.calendar.operations import (
    is_public,
    office_sequence,
    presenter_event,
    slot_sequence,
)
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail import imip
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, enqueue, hold_invitations, unsubscribed
from planner.mail.sender import DEFAULT_FROM, taskforce_email
from planner.mail.unsubscribe import unsubscribe_url
from planner.offices.contacts import contacts_for
from planner.offices.models import Office, OfficeContact
from planner.presenters.models import Answer, Invitation
from planner.proposals.models import NEW_LINK, Proposal, ProposalStatus
from planner.timezones import known_time_zones, time_span

# Session.info keys: what this transaction changed, and who has had a message about which slot.
_TOUCHED, _MEETINGS, _REMOVED, _SENT, _ADDED, _OFFICE_BEFORE, _CONTACTS = (
    "mail.slots",
    "mail.meetings",
    "mail.removed",
    "mail.sent",
    "mail.added",
    "mail.office_before",
    "mail.contacts",
)
# Where a slot goes when its presenter no longer presents it (and it is not cancelled).
_LEFT = (SlotStatus.declined, SlotStatus.proposed)
_WHAT = {
    "title": "title",
    "starts_at": "time",
    "duration_minutes": "length",
    "status": "status",
    "video_url": "link",
    "time_zone": "home time zone",
}


# Addresses, names and times as the messages show them.


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


def _zone(name: str | None, fallback: str) -> str:
    return name if name in known_time_zones() else fallback


def when(start: datetime, minutes: int, zone: str) -> str:
    """ "Tuesday 9 March 2027, 23:10–23:30 Australia/Sydney (UTC+11)" (see `time_span`)."""
    return time_span(zone, start, start + timedelta(minutes=minutes), named=True)


def _private_url(invitation: Invitation) -> str | None:
    """The presenter's private page, written again for a later message, while the link works."""
    token = invitation.private_token
    return absolute("presenters.page", token=token) if token else None


def _presenter_zone(invitation: Invitation) -> str:
    """The zone this invitation's presenter reads times in: the one given when inviting them,
    also once they declined (`Slot.presenter_zone` then speaks for the office's next
    presenter, and their cancellation would come in the office's zone; helper-55)."""
    slot = invitation.slot
    fallback = _zone(slot.presenter_zone, _zone(slot.meeting.time_zone, "UTC"))
    return _zone(invitation.time_zone, fallback)


def _times(slot: Slot, zone: str | None) -> list[str]:
    """The slot in the reader's zone, then in the meeting's (once if they are the same)."""
    if slot.starts_at is None:
        return []
    home = _zone(slot.meeting.time_zone, "UTC")
    zones = [z for z in (zone, home) if z]
    return [when(slot.starts_at, slot.duration_minutes, z) for z in dict.fromkeys(zones)]


def _times_before(slot: Slot, change: "_Change", zone: str | None) -> list[str]:
    """The slot's time before this change, as `_times` shows it; none if it did not move."""
    if change.was is None:
        return []
    start, minutes = change.was
    if start is None or (start, minutes) == (slot.starts_at, slot.duration_minutes):
        return []
    home = _zone(slot.meeting.time_zone, "UTC")
    return [when(start, minutes, z) for z in dict.fromkeys(z for z in (zone, home) if z)]


def language_of(email: str | None, office_code: str | None = None) -> str:
    """The language an address asked for as an office contact (consented or entered)."""
    if not email:
        return "en"
    query = select(OfficeContact.language).where(OfficeContact.mailbox == mailbox(email))
    if office_code:
        query = query.where(OfficeContact.office_code == office_code)
    return db.session.scalar(query.order_by(OfficeContact.id).limit(1)) or "en"


# Rendering and enqueueing.


def _templates(kind: str, language: str, extension: str) -> list[str]:
    names = [f"mail/{kind}.{extension}"]
    return [f"mail/{kind}.{language}.{extension}", *names] if language != "en" else names


def render(kind: str, language: str, **context) -> tuple[str, str, str, str]:
    """(subject, text, html, language) of a message: the text template's first line is the
    subject; the language is the one it is written in (English where the asked-for one has no
    template yet), which its Content-Language says."""
    chosen = current_app.jinja_env.select_template(_templates(kind, language, "txt"))
    written = language if chosen.name == f"mail/{kind}.{language}.txt" else "en"
    text = render_template(chosen, **context)
    first, _, body = text.lstrip().partition("\n")
    subject = first.removeprefix("Subject:").strip()
    html = render_template(
        _templates(kind, written, "html"), subject=subject, written_in=written, **context
    )
    return subject, body.strip() + "\n", html, written


def _send(
    recipient: Recipient,
    kind: str,
    context: dict,
    *,
    slot: Slot | None = None,
    meeting_id: int | None = None,
    calendar: tuple[str, str] | None = None,
    optional_kind: str | None = None,
    hold: bool = False,
    proposal: Proposal | None = None,
    keep_due: bool = False,
) -> OutboxMessage | None:
    """Render and enqueue one message. `optional_kind`: the kind the footer's one-click link
    unsubscribes from. `keep_due`: an update written again in place of a settling one (no new
    change) goes when that one would have."""
    footer = unsubscribe_url(recipient.email, optional_kind) if optional_kind else None
    carried = None
    if slot is not None and slot.id is not None and calendar is not None:
        # A newer message about the slot says it all: an older update that did not go out
        # (failed, no mail server, held, or still settling) never goes, also not by a
        # co-lead's "Send again", which would bring a time or length that no longer holds
        # (helper-63). What a settling one had to say is said by this one (helper-66).
        carried = _unsent_withdrawn(slot, recipient.email)
        if kind == MessageKind.cancellation:
            context = {**context, "times": _times_known(carried, context.get("times") or [])}
        if carried is not None and kind == MessageKind.update:
            context = _carry(context, carried)
            if _plain(context) and not context["what"] and not context["was"]:
                # Moved and moved back within the minute: nothing is news (their calendar
                # holds that time; the next message's SEQUENCE is above this one's).
                _mark_sent(slot, recipient.email)
                return None
    # A plain change, or a request to confirm a new time, waits UPDATE_SETTLE for the next
    # one, which then replaces it (a move undone within it asks nothing).
    since = datetime.fromisoformat(carried["since"]) if carried and carried.get("since") else None
    wait = UPDATE_SETTLE if since is None else min(UPDATE_SETTLE, since + SETTLE_AT_MOST - utcnow())
    if keep_due and carried and carried.get("due"):
        wait = datetime.fromisoformat(carried["due"]) - utcnow()
    settling = (
        kind == MessageKind.update
        and (_plain(context) or _question(context))
        and wait > timedelta(0)
    )
    subject, text, html, written = render(
        kind, recipient.language, recipient=recipient, unsubscribe=footer, **context
    )
    ics, method = calendar or (None, None)
    message = enqueue(
        replace(recipient, language=written),
        kind=kind,
        subject=subject,
        text=text,
        html=html,
        ics=ics,
        ics_method=method,
        meeting_id=meeting_id if meeting_id is not None else (slot.meeting_id if slot else None),
        slot_id=slot.id if slot is not None and slot.id is not None else None,
        proposal_id=proposal.id if proposal is not None else None,
        hold=hold,
        # Only a message with a link to stop it is one an unsubscribe stops.
        optional=optional_kind is not None,
        unsubscribe_kind=optional_kind,
        settle=wait if settling else None,
        basis={
            "what": list(context.get("what") or []),
            "was": list(context.get("was") or []),
            "since": (since or utcnow()).isoformat(),
            "asked_again": _question(context),
            # The status the recipient was last told: the first settling change's before.
            "status_was": carried.get("status_was") if carried else context.get("status_was"),
        }
        if settling
        else None,
    )
    if slot is not None:
        _mark_sent(slot, recipient.email)
    return message


def _times_known(withdrawn: dict | None, times: list[str]) -> list[str]:
    """The times a cancellation names: where an update withdrawn before it went (`withdrawn`,
    from `_settling_withdrawn`) had news of a move, the time the recipient knew, which is what
    their calendar holds (the CANCEL's UID finds it wherever it is); else `times`."""
    return list(withdrawn["was"]) if withdrawn and withdrawn.get("was") else list(times)


def _plain(context: dict) -> bool:
    """An update that only says what changed: not the first news of the slot, its publishing,
    a confirmation, a request to confirm again (or that it is back at the time confirmed), nor
    that they no longer present it."""
    return not any(
        context.get(flag)
        for flag in (
            "first",
            "published",
            "confirmed",
            "asked_again",
            "restored",
            "no_longer_presenting",
        )
    )


def _question(context: dict) -> bool:
    """An update asking a presenter to confirm a new time, and nothing more besides."""
    return bool(context.get("asked_again")) and _plain({**context, "asked_again": False})


def _carry(context: dict, carried: dict) -> dict:
    """This update's context with what the settling ones it replaces had to say: every change
    they named, and the time the recipient last knew (none if the slot is back at it). A
    question they replace is still asked while the answer is awaited (`awaiting`)."""
    what = set(carried.get("what") or ()) | set(context.get("what") or ())
    was = list(carried.get("was") or ()) or list(context.get("was") or ())
    if was == list(context.get("times") or ()):
        # Moved and moved back: its time is the one they know.
        was, what = [], what - {"time", "length"}
    if carried.get("status_was") == context["slot"].status:
        what -= {"status"}  # back at the status they were told (helper-99)
    asked, restored = context.get("asked_again"), context.get("restored")
    if carried.get("asked_again"):
        if restored:
            # The question waited for this and never went: they were not asked, so nothing is
            # restored; what else changed (if anything) is plain news.
            restored = False
        elif context.get("awaiting") and _plain({**context, "published": False}):
            # Still awaited: what replaces the question (a change, the publishing) asks it.
            asked = True
    if asked:
        what -= {"status"}  # asking again is what the message says
    return {
        **context,
        "what": sorted(what),
        "was": was,
        "asked_again": bool(asked),
        "restored": bool(restored),
    }


def _mark_sent(slot: Slot, email: str) -> None:
    """Nothing more about `slot` goes to `email` in this transaction (one message each)."""
    db.session.info.setdefault(_SENT, set()).add((slot.id, mailbox(email)))


def _already_sent(slot: Slot, email: str) -> bool:
    return (slot.id, mailbox(email)) in db.session.info.get(_SENT, set())


def _about(slot: Slot, email: str) -> tuple:
    """The conditions of a message about `slot` to `email` (in any spelling of the address)."""
    return (OutboxMessage.slot_id == slot.id, OutboxMessage.recipient_mailbox == mailbox(email))


# The slot's calendar event, as the feeds have it.


def _event(slot: Slot) -> EventInfo:
    return presenter_event(slot, absolute("agenda.meeting", meeting_id=slot.meeting_id))


def _presenter_attendee(invitation: Invitation, *, rsvp: bool = False) -> Participant:
    return imip.presenter(
        invitation.email or "",
        invitation.name,
        confirmed=invitation.answer == Answer.confirmed,
        rsvp=rsvp,
    )


def _calendar(
    event: EventInfo, method: imip.Method, attendee: Participant, slot: Slot | None = None
) -> tuple[str, str]:
    """The iTIP part of a message to `attendee`. About a `slot`, its SEQUENCE is never below
    what their calendar holds of it, whichever way it came: a presenter who is also a contact
    of the office holds one event under one UID, and an invitation or a CANCEL at a lower
    SEQUENCE than their contact copy's is ignored (helper-58; `_sequence_for`)."""
    if slot is not None:
        sequence = _sequence_for(slot, attendee.email, event.sequence, method)
        event = replace(event, sequence=sequence)
    body = imip.itip(event, method, organizer=organizer_email(), attendee=attendee, stamp=utcnow())
    return body, str(method)


def _slot_context(slot: Slot, zone: str | None) -> dict:
    meeting = slot.meeting
    public = is_public(meeting)
    return {
        "slot": slot,
        "meeting": meeting,
        "office": slot.office.name if slot.office else "",
        "times": _times(slot, zone),
        "agenda_url": absolute("agenda.meeting", meeting_id=meeting.id) if public else None,
        # A cancelled meeting has no video call to join.
        "video_url": meeting.video_url if public and meeting.status != "cancelled" else None,
    }


# 1. Invitation.


def invitation(
    invitation: Invitation, link: str, *, hold: bool | None = None
) -> OutboxMessage | None:
    """The presenter's invitation: their private page and, once the slot has a time, a REQUEST
    of it. None without an address (the co-lead passes the link on by hand). Held for review
    when the co-leads hold invitations (or `hold` says so)."""
    if not invitation.email:
        return None
    slot = invitation.slot
    zone = _presenter_zone(invitation)
    recipient = Recipient(invitation.email, invitation.name, language_of(invitation.email))
    calendar = None
    if slot.starts_at is not None:
        calendar = _calendar(
            _event(slot), imip.Method.request, _presenter_attendee(invitation, rsvp=True), slot
        )
    context = {**_slot_context(slot, zone), "link": link, "zone": zone}
    context["freeze_on"] = slot.meeting.freeze_on
    # Written again while held, after the presenter answered on a link passed on by hand: it
    # says so instead of asking (helper-70).
    context["answer"] = invitation.answer
    return _send(
        recipient,
        MessageKind.invitation,
        context,
        slot=slot,
        calendar=calendar,
        hold=hold_invitations() if hold is None else hold,
    )


def _held_invitation(slot: Slot, email: str) -> OutboxMessage | None:
    """The invitation about `slot` to `email` a co-lead holds for review (not sent yet)."""
    return db.session.scalar(
        select(OutboxMessage).where(
            *_about(slot, email),
            OutboxMessage.kind == MessageKind.invitation,
            OutboxMessage.status == MessageStatus.held,
        )
    )


def _behind(message: OutboxMessage, slot: Slot) -> bool:
    """Whether a message's calendar entry carries a lower SEQUENCE than the slot's event now."""
    found = re.search(r"^SEQUENCE:(\d+)\r?$", message.ics or "", re.MULTILINE)
    return found is not None and int(found[1]) < slot_sequence(slot, slot.meeting)


def _renew_held(slot: Slot, held: OutboxMessage, *, gone: bool) -> None:
    """The presenter has heard nothing yet: nothing goes to them until a co-lead sends the
    held invitation, which then says what is true when it goes. It is written again with the
    slot as it is now, still held; or, with the slot gone from them (cancelled, declined), it
    no longer goes at all."""
    held.status = MessageStatus.superseded
    link = _private_url(slot.invitation) if slot.invitation is not None else None
    if not gone and link:
        invitation(slot.invitation, link, hold=True)


# How long a plain update ("Changed: ...") waits for the next change of the same slot, which
# then replaces it: a co-lead moving a slot up four times sends one message, not four
# (helper-66). Its calendar entry goes with it; the feeds follow at once. It never waits more
# than SETTLE_AT_MOST after the first change it tells of (a change every 50 seconds).
UPDATE_SETTLE = timedelta(minutes=1)
SETTLE_AT_MOST = timedelta(minutes=5)
# What a presenter is sent that carries their link or asks them to present.
_TO_PRESENTER = (MessageKind.invitation, MessageKind.update, MessageKind.reminder)
# Not out yet, nor on its way: a held message, or one that failed or had no server.
_NOT_OUT = (MessageStatus.held, MessageStatus.failed, MessageStatus.not_sent)


def _supersede(slot: Slot, email: str, kinds=_TO_PRESENTER) -> bool:
    """The messages of `kinds` about `slot` to `email` that have not gone out no longer go
    (their presenter was replaced, or given a new link): a held invitation released later
    would invite someone who no longer presents. Returns whether anything about the slot may
    have reached them (sent, or queued and perhaps in a sender's hands).

    One conditional UPDATE: a message a sender marks sent meanwhile stays sent."""
    about = _about(slot, email)
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
        or row.basis is None
        or not _settling(row.next_attempt_at, row.created_at)
    ]
    _superseded(
        *about,
        OutboxMessage.kind.in_(kinds),
        OutboxMessage.status.in_((*_NOT_OUT, MessageStatus.queued)),
    )
    return bool(reached)


def link_revoked(invitation: Invitation) -> None:
    """The presenter's link was revoked: an invitation not yet out (it carries the link) is
    superseded. An update still settling carries it too: it is written again without the link
    (what it had to say, said by the new one; `_send` carries it over). Later messages carry
    no link (`_private_url`)."""
    if not invitation.email:
        return
    _supersede(invitation.slot, invitation.email, (MessageKind.invitation,))
    _rewrite_settling(invitation.slot)


def _rewrite_settling(slot: Slot) -> None:
    """What a presenter's update still settling was written with no longer holds (their link
    was revoked, the slot went to another office): it is written again, saying what it had to
    say, with the slot as it is now, at the same moment. Nothing if none waits, or if this
    transaction already wrote them one (which says it all)."""
    invitation = slot.invitation
    if invitation is not None and invitation.email and _settling_update(slot, invitation.email):
        _tell_presenter(
            slot, _Change(status=slot.status), cancelled=False, shown=True, what=set(), rewrite=True
        )


def _settling_update(slot: Slot, email: str) -> bool:
    """Whether an update about `slot` to `email` is still waiting out UPDATE_SETTLE."""
    return bool(_settling_rows(*_about(slot, email)))


def link_renewed(invitation: Invitation) -> None:
    """The same presenter is invited again, with a new link: whatever they were still to be
    sent (with the old link) is superseded by the new invitation, which says it all."""
    if invitation.email:
        _supersede(invitation.slot, invitation.email)


def presenter_replaced(
    slot: Slot,
    name: str,
    email: str | None,
    time_zone: str | None,
    answered: bool = False,
    gone: bool = False,
) -> None:
    """Someone else is invited for the slot: what the one invited before was still to be sent
    does not go, and if they know of the slot (a message may have reached them, or they
    answered on their page: a co-lead may have passed the link on by hand), a CANCEL does
    (sent once the slot's SEQUENCE has risen past what they had). One who no longer held it
    (`gone`: they declined, or a co-lead set it back) was told then (a CANCEL, or the office's
    copy): nothing more (helper-62, helper-63)."""
    if not email:
        return
    # What an update still waiting would have told them (the time they knew, before a move).
    waiting = _settling_withdrawn(slot, email)
    reached = _supersede(slot, email)
    if gone:
        return
    if not (reached or answered) or slot.starts_at is None:
        return  # they were told nothing (or of no time): nothing to take back
    if _stays_as_contact(slot, email, "replaced"):
        return
    recipient = Recipient(email, name, language_of(email))
    attendee = imip.presenter(email, name, confirmed=False)
    context = {**_slot_context(slot, time_zone), "reason": "replaced", "role": "presenter"}
    context["times"] = _times_known(waiting, context["times"])
    _send(
        recipient,
        MessageKind.cancellation,
        context,
        slot=slot,
        calendar=_calendar(_event(slot), imip.Method.cancel, attendee, slot),
    )


def _stays_as_contact(slot: Slot, email: str, reason: str) -> bool:
    """A presenter replaced (`reason` "replaced") or who declined ("declined") and is also a
    contact of the slot's office, subscribed to its updates, keeps the event as the office's
    contacts have it: one message says they no longer present it and updates it to the
    contacts' copy, rather than a CANCEL that takes it out of their calendar until an unrelated
    change brings it back (helper-58, helper-61). Whether it was so."""
    contact = next(
        (c for c in contacts_for(slot.office_code) if same_address(c.email, email)), None
    )
    if (
        contact is None
        or _already_sent(slot, email)
        or slot.status == SlotStatus.cancelled
        or not is_public(slot.meeting)
        or unsubscribed(email, MessageKind.update)
    ):
        return False
    # Their calendar may never have had it (nothing reached them): then it goes there now.
    first = not _holds_event(slot, email)
    context = {"no_longer_presenting": reason, "what": [], "was": [], "first": first}
    _to_contact(slot, contact, office=slot.office, cancel=False, context=context)
    return True


def _to_contact(
    slot: Slot,
    contact: OfficeContact,
    *,
    office: Office | None,
    cancel: bool,
    context: dict,
) -> None:
    """One message about `slot` to an office contact, as that office's feed has it: in the
    office's zone, at its feed's SEQUENCE (never below what they hold), with the one-click
    unsubscribe unless they have stopped updates (a cancellation still goes to them). Every
    path to a contact comes through here, so none drifts from the others (helper-59)."""
    email = contact.email.strip()
    zone = office.time_zone if office else None
    feed = office_sequence(slot, office.code) if office else slot_sequence(slot, slot.meeting)
    event = replace(_event(slot), sequence=feed)
    if cancel:
        event = replace(event, status="CANCELLED")
    method = imip.Method.cancel if cancel else imip.Method.request
    stopped = unsubscribed(email, MessageKind.update)
    _send(
        Recipient(email, contact.name, contact.language or "en"),
        MessageKind.cancellation if cancel else MessageKind.update,
        {
            **_slot_context(slot, _zone(zone, "UTC") if zone else None),
            "role": "contact",
            "unsubscribed": stopped,
            **context,
        },
        slot=slot,
        calendar=_calendar(event, method, imip.office_contact(email, contact.name), slot),
        optional_kind=None if stopped else MessageKind.update,
    )


# 2. Decision.


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
    return _send(recipient, MessageKind.received, context, proposal=proposal)


def proposal_arrived(proposal: Proposal) -> None:
    """An office volunteered a presentation: every co-lead hears of it, with the way to review
    it (news they may turn off)."""
    coleads = db.session.scalars(select(User).where(User.role == "colead").order_by(User.id))
    context = {
        "proposal": proposal,
        "review_url": absolute("proposals.decide", proposal_id=proposal.id),
    }
    for user in coleads:
        _send(
            Recipient(user.email, "", "en"),
            MessageKind.proposal,
            context,
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
    """The co-leads accepted or declined a volunteer's proposal: tell them, with the reason."""
    if proposal.status not in (ProposalStatus.accepted, ProposalStatus.declined):
        return None
    if (recipient := _volunteer(proposal)) is None:
        return None
    context = {
        "proposal": proposal,
        "accepted": proposal.status == ProposalStatus.accepted,
        # Only a digest of the private link is kept: the message that carried it is named.
        "link_message": link_mailed(proposal),
    }
    # A decision that did not go out is replaced by this one: "Send again" on it would tell
    # the volunteer what the co-leads decided before (helper-73).
    _withdraw_unsent(OutboxMessage.proposal_id == proposal.id, kinds=(MessageKind.decision,))
    return _send(
        recipient,
        MessageKind.decision,
        {**context, "reason": reason.strip()},
        proposal=proposal,
    )


def link_withdrawn(proposal: Proposal) -> None:
    """The volunteer's private link was revoked or replaced: the message carrying the old one
    never goes if it has not gone out (by "Send again" neither: it would open nothing)."""
    _withdraw_unsent(OutboxMessage.proposal_id == proposal.id, kinds=(MessageKind.received,))


# 3. Answer.


def answered(invitation: Invitation) -> None:
    """A presenter confirmed, declined or asked for another time: every co-lead hears of it."""
    slot = invitation.slot
    coleads = db.session.scalars(select(User).where(User.role == "colead").order_by(User.id))
    context = {
        **_slot_context(slot, None),
        "invitation": invitation,
        "answer": invitation.answer,
        "editor_url": absolute("agenda.edit", meeting_id=slot.meeting_id) + "#slots",
    }
    for user in coleads:
        _send(Recipient(user.email, "", "en"), MessageKind.answer, context, slot=slot)
    if invitation.answer == Answer.another_time:
        # The slot stays as it was, so nothing else writes to them: an update waiting to go
        # (a request to confirm a new time they have answered so) is written again as it now
        # is, no longer asking.
        _rewrite_settling(slot)


# 4 and 5. Updates and cancellations, collected as the session flushes.


@dataclass
class _Change:
    """What changed about a slot (or a meeting) in this transaction, and how it was before."""

    status: str  # the slot's (or meeting's) status at the start
    what: set[str] = field(default_factory=set)
    rose: bool = False  # its SEQUENCE rose: calendars must follow
    # A slot's start and length at the start, once either changed (for "it was …").
    was: tuple[datetime | None, int] | None = None


_SLOT_FIELDS = ("starts_at", "duration_minutes", "status", "title")
# A meeting's start and length move its slots, which note that themselves.
_MEETING_FIELDS = ("status", "video_url", "time_zone")


def _rose(item) -> bool:
    history = inspect(item).attrs.sequence.history
    return bool(history.added) and bool(history.deleted)


def _note(changes: dict, item, names: tuple[str, ...]) -> None:
    """Note what changed in this flush. A change may be flushed before the SEQUENCE it causes
    (an autoflush in between), so both are gathered over the transaction's flushes."""
    state = inspect(item)
    what = {_WHAT[name] for name in names if state.attrs[name].history.has_changes()}
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
    stops being one or None, the contact whose address starts being one or None)."""
    noted: list = session.info.setdefault(_CONTACTS, [])
    for item in session.new:
        if isinstance(item, OfficeContact):
            noted.append((item.office_code, None, item))
    for item in session.dirty:
        if isinstance(item, OfficeContact):
            history = inspect(item).attrs.email.history
            # The same mailbox in another spelling ("JUN@jp.example") is no new address: its
            # calendar holds the event already (helper-56).
            if history.deleted and same_address(history.deleted[0], item.email):
                continue
            if history.deleted:
                noted.append((item.office_code, history.deleted[0], item))
    for item in session.deleted:
        if isinstance(item, OfficeContact):
            noted.append((item.office_code, item.email, None))


def _note_office(session: Session, slot: Slot) -> None:
    """The office a slot had at the start of the transaction, once it is given another."""
    history = inspect(slot).attrs.office_code.history
    before: dict = session.info.setdefault(_OFFICE_BEFORE, {})
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
            _note_office(session, item)
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
    rows can still be read. A deleted meeting's slots are read as rows, not loaded as slots
    (which would change what this flush deletes)."""
    pending: dict = session.info.setdefault(_REMOVED, {})
    found = []
    for item in removed:
        if isinstance(item, Slot):
            # Taken out of its meeting's slots first, it may no longer name its meeting.
            meeting = item.meeting or next(iter(inspect(item).attrs.meeting.history.deleted), None)
            if item.invitation is not None and meeting is not None:
                found.append((item, item.invitation, meeting, meeting.id))
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
            )
            .join(Invitation, Invitation.slot_id == Slot.id)
            .where(Slot.meeting_id == item.id)
        ).all()
        # The meeting goes too: the message names none (it would point at no row).
        found += [(row, row, item, None) for row in rows]
    for slot, invitation, meeting, meeting_id in found:
        if (
            slot.uid in pending
            or not invitation.email
            or slot.status not in HELD
            or slot.starts_at is None
        ):
            continue
        if (held := _held_invitation(slot, invitation.email)) is not None:
            held.status = MessageStatus.superseded  # never sent: nothing to take back either
            continue
        # An update still settling would go after the slot is gone (helper-68); an invitation
        # or reminder that did not go out must not either, by "Send again" once the slot's row
        # is gone and nothing names it (helper-73).
        carried = _unsent_withdrawn(slot, invitation.email)
        _withdraw_unsent(
            *_about(slot, invitation.email), kinds=(MessageKind.invitation, MessageKind.reminder)
        )
        # Above what they hold, as every message about a slot (helper-62: an invitation sent
        # again had climbed past the slot's own count, and this CANCEL came below it).
        base = (slot.sequence or 0) + (meeting.sequence or 0) + 1
        event = EventInfo(
            uid=slot.uid,
            sequence=_sequence_for(slot, invitation.email, base, imip.Method.cancel),
            last_modified=utcnow(),
            start=slot.starts_at,
            end=slot.starts_at + timedelta(minutes=slot.duration_minutes),
            summary=slot.title,
            description=f"Removed from the agenda of {meeting.title}.",
            status="CANCELLED",
            url=None,
            parent_uid=meeting.uid,
        )
        home = _zone(meeting.time_zone, "UTC")
        zones = (_zone(invitation.time_zone, home), home)
        times = dict.fromkeys(
            _times_known(carried, [when(slot.starts_at, slot.duration_minutes, z) for z in zones])
        )
        pending[slot.uid] = _Removed(
            event=event,
            meeting_id=meeting_id,
            recipient=Recipient(invitation.email, invitation.name, "en"),
            times=tuple(times),
            meeting_title=meeting.title,
        )


def _forget(session: Session, *_args) -> None:
    for key in (
        _TOUCHED,
        _MEETINGS,
        _REMOVED,
        _SENT,
        _ADDED,
        _OFFICE_BEFORE,
        _CONTACTS,
        ASKED_AGAIN,
        CONFIRMED_AGAIN,
    ):
        session.info.pop(key, None)


def _calendar_status(meeting_status: str, slot_status: str) -> str:
    return shown_status(SimpleNamespace(status=meeting_status), SimpleNamespace(status=slot_status))


def _send_changes(session: Session) -> None:
    """Before the commit: one message per recipient and slot for everything noted (flushing
    first, so that the last changes are noted too)."""
    session.flush()
    slots: dict = session.info.pop(_TOUCHED, {}) or {}
    meetings: dict = session.info.pop(_MEETINGS, {}) or {}
    removed: dict = session.info.pop(_REMOVED, {}) or {}
    added: list = session.info.pop(_ADDED, []) or []
    office_before: dict = session.info.pop(_OFFICE_BEFORE, {}) or {}
    contacts: list = session.info.pop(_CONTACTS, []) or []
    if not (slots or meetings or removed or added or office_before or contacts):
        return
    for pending in removed.values():
        _send_removed(pending)
    for slot in dict.fromkeys(added):
        if slot.id is not None and slot in session and slot not in session.deleted:
            _slot_added(slot)
    for slot_id, office in office_before.items():
        slot = session.get(Slot, slot_id)
        if slot is not None and office != slot.office_code:
            _office_changed(slot, office)
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
        if slot is None or slot.kind != "presentation":
            continue
        _slot_changed(slot, change or _Change(status=slot.status), meetings.get(slot.meeting_id))
    for slot_id, office in office_before.items():
        # Given to another office: an update waiting its minute would name the old one.
        slot = session.get(Slot, slot_id)
        if slot is not None and office != slot.office_code and slot.kind == "presentation":
            _rewrite_settling(slot)
    session.info.pop(_SENT, None)


def _slot_changed(slot: Slot, change: _Change, meeting_change: _Change | None) -> None:
    meeting = slot.meeting
    before_meeting = meeting_change.status if meeting_change else meeting.status
    before = _calendar_status(before_meeting, change.status or slot.status)
    now = _calendar_status(meeting.status, slot.status)
    what = set(change.what) | (meeting_change.what if meeting_change else set())
    published = before_meeting == MeetingStatus.draft and meeting.status != MeetingStatus.draft
    shown = bool(what - {"status"}) or before != now or published
    if slot.starts_at is None:
        return
    cancelled = now == "CANCELLED" and before != "CANCELLED"
    _tell_presenter(slot, change, cancelled=cancelled, shown=shown, what=what, published=published)
    if is_public(meeting) and slot.office_code:
        _tell_contacts(
            slot, change, cancelled=cancelled, shown=shown and now != "CANCELLED", what=what
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
                _take_out(slot, contact, office=left, reason="moved")
    if slot.office_code and slot.status != SlotStatus.cancelled:
        _tell_contacts(slot, _Change(status=slot.status), cancelled=False, shown=True, what=set())


def _contact_changed(office: str, gone: str | None, contact: OfficeContact | None) -> None:
    """A contact of `office` added, removed or given another address: an address that stops
    being its contact gets the CANCEL of each coming slot of the office's published meetings
    its calendar holds; one that starts being its contact gets each of them, "On the agenda",
    as the contacts had them at publication. (A contact moved to another office is a new one.)"""
    if contact is not None and contact not in db.session:
        return  # added and removed in one transaction
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
    kept = {mailbox(c.email) for c in contacts_for(office)}
    former = SimpleNamespace(email=gone or "", name="", language=None)
    for slot in (s for s in slots if _on_public_agenda(s)):
        if gone and mailbox(gone) not in kept:
            _take_out(slot, former, office=slot.office, reason="no_longer_contact")
        if contact is not None and slot.status != SlotStatus.cancelled:
            _tell_contacts(
                slot,
                _Change(status=slot.status),
                cancelled=False,
                shown=True,
                what=set(),
                contacts=[contact],
            )


def _on_public_agenda(slot: Slot) -> bool:
    """A presentation with a time in a published meeting: its office's contacts hear of it."""
    return (
        slot.kind == "presentation"
        and slot.starts_at is not None
        and slot.meeting is not None
        and is_public(slot.meeting)
    )


def _take_out(slot: Slot, contact, *, office: Office | None, reason: str) -> None:
    """The CANCEL of the slot to a former contact of `office` whose calendar holds it (not its
    presenter, who keeps it), its times in that office's zone; one not sent is withdrawn."""
    email = contact.email.strip()
    if not email or mailbox(email) == _active_presenter(slot) or _already_sent(slot, email):
        return
    if not _holds_event(slot, email):
        _unsent_withdrawn(slot, email)
        return
    context = {"office": office.name if office else "", "reason": reason}
    _to_contact(slot, contact, office=office, cancel=True, context=context)


_SEQUENCE_LINE = re.compile(r"^SEQUENCE:(\d+)\r?$", re.MULTILINE)


def _sequence_for(slot: Slot, email: str, feed: int, method: str) -> int:
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
            *_about(slot, email),
            OutboxMessage.ics.is_not(None),
            OutboxMessage.status.in_((MessageStatus.sent, MessageStatus.queued)),
        )
    ).all()
    if not messages:
        return None
    return max(int(m) for ics in messages for m in _SEQUENCE_LINE.findall(ics) or ["0"])


def _active_presenter(slot: Slot, before: str | None = None) -> str:
    """The mailbox of the one who presents the slot (`Slot.held_by`), or did until this change
    (`before`: its status then, for the moment it is cancelled); none once they declined or a
    co-lead set it back (helper-62, helper-63)."""
    holder = slot.held_by
    if holder is None and slot.status == SlotStatus.cancelled and before in HELD:
        holder = slot.invitation
    return mailbox(holder.email) if holder else ""


def _status_before(slot: Slot, change: _Change) -> str:
    """The slot's status before this change: a message that replaces a settling one names no
    change of status when the slot is back at the status told before the first (`_carry`)."""
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
) -> None:
    invitation = slot.invitation
    if invitation is None or not invitation.email or _already_sent(slot, invitation.email):
        return
    if what & {"time", "length"} or slot.status != SlotStatus.confirmed or cancelled:
        # A reminder not out yet says a time that no longer holds, or of a slot they no
        # longer present as confirmed, or of a meeting called off: it does not go (a new one
        # follows their next answer).
        _supersede(slot, invitation.email, kinds=(MessageKind.reminder,))
    if (waiting := _held_invitation(slot, invitation.email)) is not None:
        # Its calendar entry must carry the SEQUENCE the feeds show when it goes, also when
        # only the meeting's own counter rose (its length followed a new slot).
        if shown or cancelled or _behind(waiting, slot):
            gone = cancelled or slot.status not in HELD
            _renew_held(slot, waiting, gone=gone)
            _mark_sent(slot, invitation.email)
        return
    zone = _presenter_zone(invitation)
    recipient = Recipient(invitation.email, invitation.name, language_of(invitation.email))
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
    rewrite_waiting = not shown and _settling_update(slot, invitation.email)
    attendee = _presenter_attendee(invitation, rsvp=awaited)
    private_url = _private_url(invitation)
    context = {
        **_slot_context(slot, zone),
        "role": "presenter",
        "awaiting": awaited,
        # Publishing changes the meeting's status: news of its own, not "its status changed";
        # nor is a confirmation asked again: the message asks for it.
        "what": sorted(what - {"status"} if published or asked_again or restored else what),
        "asked_again": asked_again,
        # Asked after asking for another time (not after confirming): said as such.
        "after_request": invitation.previous_answer == Answer.another_time,
        "restored": restored,
        "published": published,
        "was": _times_before(slot, change, zone),
        "status_was": _status_before(slot, change),
        "private_url": private_url,
        "first": returning,  # else the invitation came first
        # Only the presenter's own confirmation changed: the message says it is recorded.
        # Whose: their own answer is thanked for; a co-lead's confirmation is said to be one.
        "confirmed": (
            ("presenter" if invitation.answer == Answer.confirmed else "coleads")
            if what == {"status"}
            and slot.status == SlotStatus.confirmed
            and change.status != SlotStatus.confirmed
            else False
        ),
    }
    if left and _stays_as_contact(slot, invitation.email, reason):
        return  # they keep it as their office's contacts have it, and hear of it as one
    if (cancelled and held) or left:
        reason = reason if left else "cancelled"
        calendar = _calendar(_event(slot), imip.Method.cancel, attendee, slot)
        _send(
            recipient,
            MessageKind.cancellation,
            {**context, "reason": reason},
            slot=slot,
            calendar=calendar,
        )
    elif (shown or returning or rewrite_waiting) and not cancelled and slot.status in HELD:
        # The update replaces the invitation's entry (without the private page, as it did).
        calendar = _calendar(_event(slot), imip.Method.request, attendee, slot)
        _send(
            recipient,
            MessageKind.update,
            context,
            slot=slot,
            calendar=calendar,
            optional_kind=None,
            keep_due=rewrite or rewrite_waiting,
        )


def _withdraw_unsent(*where, kinds: tuple[str, ...]) -> None:
    """Messages of `kinds` matching `where` that did not go out (held, failed, no mail server)
    never go: a newer message replaced what they say."""
    _superseded(*where, OutboxMessage.kind.in_(kinds), OutboxMessage.status.in_(_NOT_OUT))


def _superseded(*where) -> int:
    """The messages matching `where` (a condition on their status too: one a sender marks sent
    meanwhile stays sent) never go. Returns how many."""
    return db.session.execute(
        update(OutboxMessage)
        .where(*where)
        .values(status=MessageStatus.superseded, last_error=None)
        .execution_options(synchronize_session="fetch")
    ).rowcount


def _unsent_withdrawn(slot: Slot, email: str) -> dict | None:
    """An update about `slot` to `email` that did not go out (no mail server, failed, held, or
    still settling) no longer may: the event it would put in their calendar is gone, or a
    newer message about it is on its way, and a co-lead's "Send again" would bring back what
    no longer holds. Returns what the settling updates withdrawn had to say (`basis`), for the
    newer message to say instead; None if none was."""
    carried = _settling_withdrawn(slot, email)
    _withdraw_unsent(*_about(slot, email), kinds=(MessageKind.update, MessageKind.cancellation))
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


def _settling(due: datetime, created: datetime) -> bool:
    """Whether a queued update, never tried, is still waiting out UPDATE_SETTLE: due at most
    that long after it was written (a sender's lease puts a taken one LEASE further out)."""
    return timedelta(0) < UPDATE_SETTLE and due - created <= UPDATE_SETTLE + timedelta(seconds=1)


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
    return [tuple(row) for row in rows if _settling(row[1], row[2])]


def _withdraw_settling(*where) -> list[tuple[datetime, dict, datetime]]:
    """Withdraw the updates matching `where` still waiting out UPDATE_SETTLE, each only if
    still as read (a sender may take it meanwhile: then it goes). Returns (written, basis, due)
    of those withdrawn, oldest first."""
    withdrawn = []
    for message_id, due, created, basis in _settling_rows(*where):
        taken_back = _superseded(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MessageStatus.queued,
            OutboxMessage.next_attempt_at == due,
        )
        if taken_back == 1:
            withdrawn.append((created, basis, due))
    return withdrawn


def _settling_withdrawn(slot: Slot, email: str) -> dict | None:
    """Withdraw the plain updates about `slot` to `email` still settling; returns their
    changes together, the time told before the first, when the first was written (`basis`)
    and when it was to go; None if none was waiting."""
    withdrawn = _withdraw_settling(*_about(slot, email))
    if not withdrawn:
        return None
    (first_written, first, due), *later = withdrawn
    what = set(first.get("what") or ())
    for _, basis, _ in later:
        what |= set(basis.get("what") or ())
    return {
        "what": sorted(what),
        "was": list(first.get("was") or []),
        "since": first.get("since") or first_written.isoformat(),
        "due": due.isoformat(),
        "asked_again": any(basis.get("asked_again") for _, basis, _ in withdrawn),
        "status_was": first.get("status_was"),
    }


def _holds_event(slot: Slot, email: str) -> bool:
    """Whether `email`'s calendar holds the slot's event: the last calendar message about it that
    went to them (or is queued, so goes before anything written now) was a REQUEST. One that
    did not go (no mail server, or it failed) is not in their calendar: when the event goes,
    `_unsent_withdrawn` makes sure it never goes either."""
    method = db.session.scalar(
        select(OutboxMessage.ics_method)
        .where(
            *_about(slot, email),
            OutboxMessage.ics_method.is_not(None),
            OutboxMessage.status.in_((MessageStatus.sent, MessageStatus.queued)),
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    return method == imip.Method.request


def _tell_contacts(
    slot: Slot,
    change: _Change,
    *,
    cancelled: bool,
    shown: bool,
    what,
    contacts: list[OfficeContact] | None = None,
) -> None:
    """The slot's news to its office's contacts (`contacts`: those of them only)."""
    if not (cancelled or shown):
        return
    # The one presenting it hears as its presenter; one who declined is a contact again.
    presenter = _active_presenter(slot, change.status)
    zone = slot.office.time_zone if slot.office else None
    # The office's saved contacts only: a volunteer who did not consent to be kept is offered
    # as the presenter of their own talk, never written to as the office's contact.
    for contact in contacts_for(slot.office_code) if contacts is None else contacts:
        email = contact.email.strip()
        if not email or mailbox(email) == presenter or _already_sent(slot, email):
            continue
        # Their calendar does not hold it (never sent, or taken out by a CANCEL): the update
        # puts it there, "On the agenda", with no "It was" of a time they no longer have.
        first = not _holds_event(slot, email)
        if cancelled and first:
            _unsent_withdrawn(slot, email)
            continue  # nothing of it in their calendar to take out
        if not cancelled and unsubscribed(email, MessageKind.update):
            continue  # no news; only a cancellation of what their calendar holds still goes
        context = {
            "reason": "cancelled",
            "what": sorted(what),
            # A time they were never told is not news to them.
            "was": []
            if first
            else _times_before(slot, change, _zone(zone, "UTC") if zone else None),
            "first": first,
            "status_was": _status_before(slot, change),
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
        "role": "presenter",
        "reason": "removed",
    }
    recipient = Recipient(
        pending.recipient.email, pending.recipient.name, language_of(pending.recipient.email)
    )
    _send(
        recipient,
        MessageKind.cancellation,
        context,
        meeting_id=pending.meeting_id,
        calendar=_calendar(pending.event, imip.Method.cancel, attendee),
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


# 6. Reminders.


def reminder_days() -> int:
    return int(current_app.config.get("MAIL_REMINDER_DAYS", 3))


def _reminder_id(slot: Slot, invitation: Invitation) -> str:
    """The reminder's Message-ID names the slot, its start, the invitation round (who, and
    the link they were given) and the slot's SEQUENCE: once per slot, start time and presenter
    while one stands (`_reminded_before`), even with two workers (the column is unique);
    someone invited in another's place, or invited back after being replaced, is reminded too,
    and so is a presenter whose reminder did not go (superseded: the slot moved, or was not
    confirmed for a while) once they confirm it again, also at a start it had before."""
    given = invitation.link_salt or f"{invitation.invited_at:%Y%m%dT%H%M%S}"
    who = hashlib.sha256(f"{invitation.email.strip().lower()}|{given}".encode()).hexdigest()
    uid = slot.uid.split("@", 1)[0]
    round_ = slot_sequence(slot, slot.meeting)
    return f"<reminder.{uid}.{slot.starts_at:%Y%m%dT%H%MZ}.{who[:12]}.{round_}@cws-ict-planner>"


def _reminded_before(slot: Slot, email: str, message_id: str) -> bool:
    """Whether this reminder is in the outbox (`message_id` is unique), or this presenter has
    another reminder of this start that still stands (not superseded by a replacement) under
    any Message-ID reminders had: also the one per slot and start of before December 2026, so
    an upgrade or a revoked link sends no second reminder. One query."""
    uid = slot.uid.split("@", 1)[0]
    prefix = f"<reminder.{uid}.{slot.starts_at:%Y%m%dT%H%MZ}"
    standing = and_(
        *_about(slot, email),
        OutboxMessage.kind == MessageKind.reminder,
        OutboxMessage.status != MessageStatus.superseded,
        OutboxMessage.message_id.startswith(prefix, autoescape=True),
    )
    found = select(OutboxMessage.id).where((OutboxMessage.message_id == message_id) | standing)
    return db.session.scalar(found.limit(1)) is not None


def _heard_of(slot: Slot, invitation: Invitation) -> bool:
    """Whether the presenter knows they present: they answered on their page, or an invitation
    or update about the slot went to them."""
    if invitation.answer is not None:
        return True
    return (
        db.session.scalar(
            select(OutboxMessage.id)
            .where(
                *_about(slot, invitation.email),
                OutboxMessage.kind.in_((MessageKind.invitation, MessageKind.update)),
                OutboxMessage.status.in_((MessageStatus.sent, MessageStatus.queued)),
            )
            .limit(1)
        )
        is not None
    )


def enqueue_reminders(now: datetime) -> int:
    """Remind presenters of confirmed slots that start within MAIL_REMINDER_DAYS (flushed, not
    committed); how many were enqueued."""
    until = now + timedelta(days=reminder_days())
    slots = db.session.scalars(
        select(Slot)
        .join(Meeting)
        .join(Invitation)
        .where(
            Slot.status == SlotStatus.confirmed,
            # A presenter invited to a draft has it in their calendar (README): reminded too.
            Meeting.status != MeetingStatus.cancelled,
            Slot.starts_at > now,
            Slot.starts_at <= until,
            Invitation.email.is_not(None),
        )
        .order_by(Slot.starts_at, Slot.id)
    ).all()
    count = 0
    for slot in slots:
        if not _heard_of(slot, slot.invitation):
            continue  # the invitation is held, or was discarded: they were never told
        message_id = _reminder_id(slot, slot.invitation)
        if _reminded_before(slot, slot.invitation.email, message_id):
            continue
        invitation = slot.invitation
        zone = _presenter_zone(invitation)
        recipient = Recipient(invitation.email, invitation.name, language_of(invitation.email))
        context = {
            **_slot_context(slot, zone),
            "zone": zone,
            "days": reminder_days(),
            "private_url": _private_url(invitation),
        }
        message = _send(
            recipient,
            MessageKind.reminder,
            context,
            slot=slot,
            optional_kind=MessageKind.reminder,
        )
        if message is not None:
            message.message_id = message_id
            db.session.flush()
            count += 1
    return count
