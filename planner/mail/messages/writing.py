"""A message written to the outbox: its templates rendered, what an unsent one had to say
carried over, and its calendar part (the slot's event, as the feeds have it)."""

from dataclasses import replace
from datetime import datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from jinja2.environment import TemplateModule
from sqlalchemy import select

from planner.agenda.models import Slot, SlotStatus
from planner.calendar.ics import EventInfo, Participant
from planner.calendar.operations import is_public, presenter_event
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail import imip
from planner.mail.messages.addressing import (
    When,
    absolute,
    mark_sent,
    organizer_email,
    presenter_language,
    stored,
    when,
)
from planner.mail.messages.waiting import (
    SETTLE_AT_MOST,
    UPDATE_SETTLE,
    holds_event,
    sequence_for,
    unsent_withdrawn,
)
from planner.mail.models import MessageKind, OutboxMessage
from planner.mail.outbox import Recipient, enqueue
from planner.mail.unsubscribe import unsubscribe_url
from planner.offices.models import LANGUAGES
from planner.presenters.models import Answer, Invitation
from planner.proposals.models import Proposal
from planner.timezones import known

# The Session.info key of the messages this transaction wrote (`changes.written_now`).
WRITTEN = "mail.written"
# The ids of the invitations not sent yet that it wrote again as their talk now is
# (`invitations.renew_held`; `changes.written_again`).
WRITTEN_AGAIN = "mail.written_again"


def _times(slot: Slot, zone: str | None) -> list[str]:
    """The slot in the reader's zone, then in the meeting's (once if they are the same)."""
    if slot.starts_at is None:
        return []
    home = known(slot.meeting.time_zone) or "UTC"
    zones = [z for z in (zone, home) if z]
    return [when(slot.starts_at, slot.duration_minutes, z) for z in dict.fromkeys(zones)]


def _templates(kind: str, language: str, extension: str) -> list[str]:
    names = [f"mail/{kind}.{extension}"]
    return [f"mail/{kind}.{language}.{extension}", *names] if language != "en" else names


def written_language(kind: str, language: str) -> str:
    """The language a message of `kind` to a reader of `language` is written in: theirs where
    the kind has a template in it, else English."""
    chosen = current_app.jinja_env.select_template(_templates(kind, language, "txt"))
    return language if chosen.name == f"mail/{kind}.{language}.txt" else "en"


def language_said(language: str, written: str) -> str:
    """ "in Spanish": the language an email to a reader of `language` is written in
    (`written`), as a co-lead is told it; said so where it is not theirs: "in English: the
    emails have no Arabic version"."""
    said = f"in {LANGUAGES.get(written, written)}"
    if written == language:
        return said
    return f"{said}: the emails have no {LANGUAGES.get(language, language)} version"


def _words(language: str) -> TemplateModule | None:
    """The words a message in `language` takes from the data (what changed, a status), as
    templates/mail/_words.<language>.txt says them; none for English, whose come as they are.
    Jinja keeps the module: an `{% import %}` of it in each message compared the 63 template
    globals with the words' on every render, a third of a translated email's time."""
    if language == "en":
        return None
    return current_app.jinja_env.get_template(f"mail/_words.{language}.txt").module


def render(kind: str, language: str, **context) -> tuple[str, str, str, str]:
    """(subject, text, html, language) of a message: the text template's first line is the
    subject; the language is the one it is written in (English where the asked-for one has no
    template yet), which its Content-Language says."""
    written = written_language(kind, language)
    context = {**context, "words": _words(written)}
    # Whatever the page that made the change is shown in (a presenter's, in Spanish, sends the
    # co-leads an English message): a translated word it holds is in its own language.
    with force_locale(written):
        text = render_template(_templates(kind, written, "txt"), written_in=written, **context)
        first, _, body = text.lstrip().partition("\n")
        subject = first.removeprefix("Subject:").strip()
        html = render_template(
            _templates(kind, written, "html"), subject=subject, written_in=written, **context
        )
    return subject, body.strip() + "\n", html, written


def queue_message(
    recipient: Recipient,
    kind: str,
    context: dict,
    *,
    role: str,
    slot: Slot | None = None,
    meeting_id: int | None = None,
    calendar: tuple[str, str] | None = None,
    optional_kind: str | None = None,
    hold: bool = False,
    proposal: Proposal | None = None,
    keep_due: bool = False,
) -> OutboxMessage | None:
    """Render and enqueue one message to its recipient as `role` (`MessageRole`, kept with it;
    the templates word it so). `optional_kind`: the kind the footer's one-click link
    unsubscribes from. `keep_due`: an update written again in place of a settling one (no new
    change) goes when that one would have."""
    context = {**context, "role": role}
    footer = unsubscribe_url(recipient.email, optional_kind) if optional_kind else None
    carried = None
    if slot is not None and slot.id is not None and calendar is not None:
        # A newer message about the slot says it all: an older update that did not go out
        # (failed, no mail server, held, or still settling) never goes, also not by a
        # co-lead's "Send again", which would bring a time or length that no longer holds
        # (helper-63). What a settling one had to say is said by this one (helper-66).
        carried = unsent_withdrawn(slot, recipient.email)
        if (
            kind == MessageKind.cancellation
            and carried is not None
            and carried.get("first")
            and not holds_event(slot, recipient.email)
        ):
            # Their first news of the slot was still waiting its minute and never went: it is
            # in no calendar of theirs and they never heard of it, so nothing is taken back.
            return None
        if kind == MessageKind.cancellation:
            context = {**context, "times": times_known(carried, context.get("times") or [])}
        if carried is not None and kind == MessageKind.update:
            context = _carry(context, carried)
            if _plain(context) and not context["what"] and not context["was"]:
                # Moved and moved back within the minute: nothing is news (their calendar
                # holds that time; the next message's SEQUENCE is above this one's).
                mark_sent(slot, recipient.email)
                return None
    # A plain change, or a request to confirm a new time, waits UPDATE_SETTLE for the next
    # one, which then replaces it (a move undone within it asks nothing).
    since = datetime.fromisoformat(carried["since"]) if carried and carried.get("since") else None
    wait = UPDATE_SETTLE if since is None else min(UPDATE_SETTLE, since + SETTLE_AT_MOST - utcnow())
    if keep_due and carried and carried.get("due"):
        wait = datetime.fromisoformat(carried["due"]) - utcnow()
    settling = kind == MessageKind.update and _settles(context) and wait > timedelta(0)
    subject, text, html, written = render(
        kind, recipient.language, recipient=recipient, unsubscribe=footer, **context
    )
    ics, method = calendar or (None, None)
    message = enqueue(
        replace(recipient, language=written),
        kind=kind,
        subject=subject,
        text=text,
        role=role,
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
        basis=_basis(context, carried, since, settling) if kind == MessageKind.update else None,
    )
    if slot is not None:
        mark_sent(slot, recipient.email)
    written_now: list = db.session.info.setdefault(WRITTEN, [])
    if message is not None and not _said_before(carried, keep_due, (subject, text), written_now):
        written_now.append(message)
    return message


def _said_before(carried: dict | None, keep_due: bool, said: tuple, written_now: list) -> bool:
    """Whether a settling update written again in its place (`keep_due`) says what the one
    withdrawn said, and that one was written before this change: then the change sends no
    news, and the page that made it says nobody is emailed (helper-307: a draft's slot no one
    presented, deleted while another slot's update waited, said "1 person is emailed the
    cancellation"). Written again within the change, it still counts as what it sends."""
    withdrawn = carried.get("withdrawn") if keep_due and carried else None
    if withdrawn is None or any(message.id == withdrawn for message in written_now):
        return False
    # Read here, on this rare path alone: every other message that withdraws a settling one
    # (a second change within the minute) has no use for what that one said.
    was = db.session.execute(
        select(OutboxMessage.subject, OutboxMessage.text_body).where(OutboxMessage.id == withdrawn)
    ).one()
    return tuple(was) == said


def of_length_only(what) -> bool:
    """Whether an update's changes (`what`) are of the slot's length and not its time: "New
    length, please confirm", "Back at the length you confirmed", the calendar entry giving it
    back that length rather than moving it (the templates' `is length_only`)."""
    return "length" in what and "time" not in what


# What an update says besides the slot as it is: the news it is (`_plain`), the changes it names
# and the time it was, kept with every one for a co-lead's "Send again" to say it again as the
# slot is then (`changes.update_again`).
_FLAGS = (
    "published",
    "asked_again",
    "restored",
    "confirmed",
    "first",
    "no_longer_presenting",
    "presenter_declined",
    "reinstated",
)


def _basis(context: dict, carried: dict | None, since: datetime | None, settling: bool) -> dict:
    """What an update says (`said`) and, while it is `settling` (`waiting.settles`), what the
    one that replaces it is to say too: the changes it names, the time told before, when the
    first change was, whether it asks to confirm a new time, whether it is the first news."""
    # The status the recipient was last told: the first settling change's before.
    status_was = carried.get("status_was") if carried else context.get("status_was")
    was = [stored(time) for time in context.get("was") or []]
    said = {
        "what": list(context.get("what") or []),
        "was": was,
        "status_was": status_was,
        **{flag: context.get(flag) or False for flag in _FLAGS},
    }
    if not settling:
        return {"said": said}
    return {
        "said": said,
        "what": said["what"],
        "was": was,
        "since": (since or utcnow()).isoformat(),
        "asked_again": _question(context),
        # A first news that never went: the one that replaces it is the first news.
        "first": bool(context.get("first")),
        "status_was": status_was,
        # A confirmation's news it replaced, not heard yet (`_carry`).
        "unheard_confirmation": context.get("unheard_confirmation") or False,
    }


def _settles(context: dict) -> bool:
    """Whether an update waits UPDATE_SETTLE for the next change, which then replaces it: a
    plain change, a request to confirm a new time, a confirmation, a contact's first news of a
    slot no one presents yet."""
    return (
        _plain(context)
        or _question(context)
        or _unpresented_news(context)
        or _confirmation(context)
    )


def times_known(withdrawn: dict | None, times: list[str]) -> list[str]:
    """The times a cancellation names: where an update withdrawn before it went (`withdrawn`,
    from `waiting.settling_withdrawn`) had news of a move, the time the recipient knew, which
    is what their calendar holds (the CANCEL's UID finds it wherever it is); else `times`."""
    return list(withdrawn["was"]) if withdrawn and withdrawn.get("was") else list(times)


def _plain(context: dict) -> bool:
    """An update that only says what changed: not the first news of the slot, its publishing,
    a confirmation, a request to confirm again (or that it is back at the time confirmed), that
    they no longer present it, nor, to an office's contact, that its presenter declined (news
    that goes at once: the office is the one to find someone else), nor that its meeting, once
    cancelled, is back (at once too: their calendar lost it)."""
    return not any(
        context.get(flag)
        for flag in (
            "first",
            "published",
            "confirmed",
            "asked_again",
            "restored",
            "no_longer_presenting",
            "presenter_declined",
            "reinstated",
        )
    )


def _confirmation(context: dict) -> bool:
    """A confirmation recorded ("Confirmed: …"), and nothing more besides: it waits as a change
    does, and a change within its minute replaces it (helper-150: the presenter confirmed, a
    co-lead moved the slot seconds later, and "Confirmed" of the old time went out before "New
    time, please confirm"). Their page says at once that it is confirmed."""
    return bool(context.get("confirmed")) and _plain({**context, "confirmed": False})


def _unpresented_news(context: dict) -> bool:
    """An office contact's first news of a slot no one is invited to present yet ("on the
    agenda; no one has been invited to present it yet"): the invitation a co-lead often sends
    next, to that contact, says it all, so it waits as a change does and the invitation
    replaces it (three messages within seconds, the middle one saying no one was invited)."""
    return (
        bool(context.get("first"))
        and context.get("role") == "contact"
        and context["slot"].status == SlotStatus.proposed
        and _plain({**context, "first": False, "published": False})
    )


def _question(context: dict) -> bool:
    """An update asking a presenter to confirm a new time, and nothing more besides."""
    return bool(context.get("asked_again")) and _plain({**context, "asked_again": False})


def _carry(context: dict, carried: dict) -> dict:
    """This update's context with what the settling ones it replaces had to say: every change
    they named, and the time the recipient last knew (none if the slot is back at it). A
    question they replace is still asked while the answer is awaited (`awaiting`)."""
    what = set(carried.get("what") or ()) | set(context.get("what") or ())
    was = _in_zones_of(list(carried.get("was") or ()), context.get("times") or []) or list(
        context.get("was") or ()
    )
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
    if asked or context.get("presenter_declined"):
        what -= {"status"}  # asking again, or the decline, is what the message says
    # A confirmation still waiting, written again (the presenter chose another zone, their link
    # was revoked) or replaced by a change that leaves it confirmed (they confirmed, then
    # edited their abstract): still the news of their confirmation, naming what else changed.
    confirmed = context.get("confirmed") or (
        carried.get("confirmed") if context["slot"].status == SlotStatus.confirmed else False
    )
    if confirmed:
        what -= {"status"}  # the confirmation is what the message says
    # Replaced by a question (moved within its minute), a confirmation's news is still theirs
    # to hear if the slot comes back to the time they confirmed before the question goes: kept
    # with the question (helper-218: moved and moved back, neither went, and their calendar
    # kept the slot tentative, awaiting an answer they had given).
    unheard = False if confirmed else carried.get("confirmed") or False
    first = bool(context.get("first") or carried.get("first"))
    if first:
        # Their first news never went: the time it had then is none they were told
        # (helper-151: "On the agenda", then "It was:" a time that never reached them).
        was = []
    return {
        **context,
        "what": sorted(what),
        "was": was,
        "asked_again": bool(asked),
        "restored": bool(restored),
        "confirmed": confirmed,
        "unheard_confirmation": unheard,
        "first": first,
    }


def _in_zones_of(was: list, times: list) -> list:
    """The time told before, in the zones this message gives the slot's time in: the
    presenter may have chosen another zone since an update still settling said it (helper-193:
    "It was" in Sydney's time, beside the time now in Lima's)."""
    if not was or not times or not all(isinstance(time, When) for time in (*was, *times)):
        return was
    return [when(was[0].start, was[0].minutes, time.zone) for time in times]


def presenter_calendar_language(invitation: Invitation) -> str:
    """The language the presenter's calendar entry for their slot is described in: their
    invitation's, whose entry a download from their page replaces (the same UID) and must not
    turn into another language."""
    return written_language(MessageKind.invitation, presenter_language(invitation))


def message_event(slot: Slot, recipient: Recipient, kind: str) -> EventInfo:
    """The slot's event in a message of `kind` to `recipient`, described in the language the
    message is written in."""
    language = written_language(kind, recipient.language)
    return presenter_event(slot, absolute("agenda.meeting", meeting_id=slot.meeting_id), language)


def presenter_attendee(invitation: Invitation, *, rsvp: bool = False) -> Participant:
    return imip.presenter(
        invitation.email or "",
        invitation.name,
        confirmed=invitation.answer == Answer.confirmed,
        rsvp=rsvp,
    )


def calendar_part(
    event: EventInfo, method: imip.Method, attendee: Participant, slot: Slot | None = None
) -> tuple[str, str]:
    """The iTIP part of a message to `attendee`. About a `slot`, its SEQUENCE is never below
    what their calendar holds of it, whichever way it came: a presenter who is also a contact
    of the office holds one event under one UID, and an invitation or a CANCEL at a lower
    SEQUENCE than their contact copy's is ignored (helper-58; `waiting.sequence_for`)."""
    if slot is not None:
        sequence = sequence_for(slot, attendee.email, event.sequence, method)
        event = replace(event, sequence=sequence)
    body = imip.itip(event, method, organizer=organizer_email(), attendee=attendee, stamp=utcnow())
    return body, str(method)


def slot_context(slot: Slot, zone: str | None) -> dict:
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
