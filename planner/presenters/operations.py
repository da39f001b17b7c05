"""Inviting a slot's presenter, their answer, and what they may change.

The private link's token is shown to the co-lead who invites (on the page or in the API's answer)
and sent to the presenter; only its SHA-256 digest is stored, as for proposal links, so a leaked
database opens no page. The token is made from a salt with SECRET_KEY (`presenters.links`), so
reminders and updates carry it again.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from planner.accounts.models import digest
from planner.addresses import mailbox, same_address
from planner.agenda.models import Slot, SlotStatus
from planner.agenda.operations import apply_slot, presenter_changed
from planner.availability.operations import replace_windows
from planner.db_types import fit, utcnow
from planner.errors import ConflictError, PlannerError
from planner.extensions import db
from planner.languages import PAGE_LANGUAGES, day_here
from planner.mail import messages
from planner.mail.messages.addressing import absolute
from planner.materials.operations import materials_changed
from planner.presenters.links import new_link
from planner.presenters.models import Answer, HandedOverLink, Invitation, Reinvited, reinvited
from planner.timezones import local_time

TOKEN_BYTES = 32


def by_token(token: str) -> Invitation | None:
    """The invitation a private presenter link leads to (None: mistyped, revoked, or handed
    over: `handed_over`)."""
    if not _well_formed(token):
        return None
    return db.session.scalar(select(Invitation).where(Invitation.link_hash == digest(token)))


def handed_over(token: str) -> HandedOverLink | None:
    """The slot a private presenter link was for, when it ended because someone else was
    invited to present it (None: no such link)."""
    if not _well_formed(token):
        return None
    return db.session.scalar(
        select(HandedOverLink).where(HandedOverLink.link_hash == digest(token))
    )


def _well_formed(token: str) -> bool:
    return bool(token) and TOKEN_BYTES <= len(token) <= 100


def known_language(slot: Slot, email: str | None, name: str | None) -> str:
    """The language of `PAGE_LANGUAGES` the presenter `name` at `email` would be written to in
    if the co-lead chose none: theirs as a contact, the volunteer form's, else English (a
    contact's language the messages are not written in, Arabic, reads English too)."""
    known = messages.language_of(email, name=name, slot=slot)
    return known if known in PAGE_LANGUAGES else "en"


def invite(
    slot: Slot,
    *,
    name: str,
    email: str | None,
    time_zone: str | None,
    by: str | None,
    language: str | None = None,
) -> tuple[Invitation, str]:
    """Invite `name` to present in `slot` (again: a new person or a new link, and a new answer
    to wait for), and write them the invitation, where they gave an address. Returns the
    invitation and the private link's token. The one invited before is sent the slot's CANCEL
    at an address the new invitation does not go to (saying someone else was invited, that
    their address was corrected, where the name is theirs, or that they were invited again with
    a link not sent there: `reinvited`), and keeps the hours they gave unless another name is
    invited, at any address.
    `language`: of their emails, one of `PAGE_LANGUAGES`; None for the one the app knows them
    by. The agenda editor's "Invite" and the API's invite both call it, once the caller saw the
    slot's current invitation (`invited_stamp`)."""
    if language is not None and language not in PAGE_LANGUAGES:
        raise PlannerError(
            f"There is no language “{language}” to write in: one of {', '.join(PAGE_LANGUAGES)}."
        )
    if slot.status == SlotStatus.cancelled or slot.meeting.status == "cancelled":
        raise ConflictError("This slot is cancelled: there is no one to invite.")
    if slot.kind != "presentation":
        raise PlannerError("Only a presentation has a presenter to invite.")
    ends = slot.meeting.ends_at
    if ends is not None and ends <= utcnow():
        raise ConflictError("This meeting has ended: there is no one to invite to it.")
    salt, link_hash, token = new_link()
    former = slot.invitation
    email = (email or "").strip() or None
    # Whether the address the one before was written to is left: it is sent what ends their
    # entry there. At the same address the new invitation replaces that entry (its UID, a
    # higher SEQUENCE: `calendar_part`), someone else invited there too: a CANCEL first would
    # take it out of that calendar for the REQUEST to put it back, two emails where one says
    # it all, and one that might arrive second.
    replaced = former is not None and mailbox(former.email) != mailbox(email)
    # Who the one invited is, by the rule the history says it by (`reinvited`): the same
    # person (by name) at their address corrected or invited again, or someone else, even at
    # the same address; it decides what the one before is told, what their old link says, and
    # whether the hours they gave stay.
    how = (
        reinvited(former.name, former.email, name, email) if former is not None else Reinvited.again
    )
    # Kept only where it is not the one the app knows them by, so that their own (a contact's
    # language changed later) stays theirs, and a presenter no one knows the language of, left
    # in English, still reads their page in their browser's.
    chosen = language if language != known_language(slot, email, name) else None
    before = (
        (
            former.name,
            former.email,
            # The zone their page showed them, which their last message is written in.
            former.own_zone,
            former.answer is not None,
            # No longer theirs (they declined, or a co-lead set it back): they were told then.
            slot.held_by is None,
            # The language their messages came in, which the one to come is written in too.
            messages.presenter_language(former),
        )
        if replaced
        else None
    )
    if former is not None and not replaced:
        messages.link_renewed(former)  # the same person, a new link: the old one is not sent
    if how != Reinvited.again and former.link_hash is not None:
        # Opened again, their link says the presentation is no longer theirs, or that its
        # address was corrected; one ended by inviting them again says what any link replaced
        # does (`web.dead_link`): to ask the co-leads for the current one.
        db.session.add(
            HandedOverLink(
                link_hash=former.link_hash,
                slot=slot,
                language=messages.presenter_language(former, default=None),
                readdressed=how == Reinvited.readdressed,
            )
        )
    invitation = slot.invitation or Invitation(slot=slot)
    invitation.name = name.strip()
    invitation.email = email
    invitation.time_zone = time_zone or None
    invitation.language = chosen
    invitation.link_hash, invitation.link_salt = link_hash, salt
    invitation.invited_at = utcnow()
    invitation.invited_by = fit(by or "a co-lead", Invitation.invited_by)
    invitation.office_code = slot.office_code
    invitation.answer, invitation.note, invitation.answered_at = None, "", None
    invitation.erased_at = None
    invitation.previous_answer = None
    invitation.confirmed_start = invitation.confirmed_minutes = None
    if how == Reinvited.another:
        # Another person: the former presenter's hours are not theirs (the same one keeps
        # theirs, their address corrected, taken away or given), nor their slides: the talk's
        # materials are the co-leads' and its presenter's as now named (`_of_the_talk`), so
        # someone else invited, at the same address or none, is no change of the slot, yet an
        # earlier presenter's slides leave the agenda and its schedule.json. Their name's
        # spelling corrected ("Élise" for "Elise") keeps theirs on both.
        replace_windows([], invitation=former)
        invitation.windows_given_at = None
        materials_changed(slot.meeting)
    db.session.add(invitation)
    apply_slot(slot, slot.meeting, {"status": SlotStatus.invited})
    if before is not None:
        presenter_changed(slot)
    db.session.flush()
    if before is not None:
        messages.presenter_replaced(slot, *before, how=how)
    messages.invitation(invitation, absolute("presenters.page", token=token))
    return invitation, token


def invited_stamp(slot: Slot) -> str:
    """When the slot's presenter was last invited ("" for never), as the invite page's form and
    the API send it back: inviting again ends the link that invitation made, so it is done only
    by whoever saw it (not a form sent again from an older page, nor a script sent twice)."""
    return slot.invitation.invited_at.isoformat() if slot.invitation else ""


def where_it_stands(invitation: Invitation) -> str:
    """What became of an invitation, for the co-leads' refusal to invite over it unseen (the
    page's and the API's, in English): "Rosa Quispe declined this slot on 3 May 2027" rather
    than "is invited already" (helper-174), and what inviting again ends."""
    slot, name = invitation.slot, invitation.name
    if invitation.link_hash is None:
        link = "their link was revoked"
    elif slot.held_by is None and not slot.presenter_taken_off:
        link = "inviting someone makes a new link and ends theirs, with which they could still "
        link += "change their answer"
    elif slot.held_by is None:
        link = "inviting someone makes a new link and ends theirs"
    else:
        link = "inviting again makes a new link and ends theirs"
    if slot.held_by is None and invitation.answer == Answer.declined:
        when = f" on {invitation.answered_at:%-d %B %Y}" if invitation.answered_at else ""
        return f"{name} declined this slot{when} ({link})"
    if slot.held_by is None:
        return f"{name} was invited to this slot and the co-leads took them off it ({link})"
    answered = " and confirmed" if invitation.answer == Answer.confirmed else ""
    return f"{name} is invited to this slot already{answered} ({link})"


def also_presenting(slot: Slot, invitation: Invitation) -> str | None:
    """A warning, never a refusal (a person may give two talks): the one just invited already
    holds another slot of the same meeting (helper-81). None if they do not."""
    others = [
        other.title
        for other in slot.meeting.slots
        if other.id != slot.id
        and (held := other.held_by) is not None
        and same_address(held.email, invitation.email)
    ]
    if not others:
        return None
    return (
        f"{invitation.name} is also invited to present {', '.join(f'“{t}”' for t in others)} "
        "in this meeting; if that was not meant, invite someone else to one of them."
    )


def revoke(invitation: Invitation) -> None:
    """The private link leads nowhere any more; the answer given stays."""
    invitation.link_hash = invitation.link_salt = None
    db.session.flush()
    messages.link_revoked(invitation)


_SLOT_STATUS = {
    Answer.confirmed: SlotStatus.confirmed,
    Answer.declined: SlotStatus.declined,
    Answer.another_time: SlotStatus.invited,
}


def answer_stands(invitation: Invitation, given: str, note: str) -> bool:
    """Whether the invitation already holds this answer, and its slot the status it gives."""
    return (
        invitation.answer == given
        and invitation.note == note.strip()
        and invitation.slot.status == _SLOT_STATUS[Answer(given)]
    )


def not_theirs(invitation: Invitation) -> str | None:
    """Why the presenter may not change their slot now (its title and abstract, its materials,
    their availability for it), or None while it is theirs: invited or confirmed. A cancelled
    slot, one the co-leads took them off, one they declined (until they answer again) is not:
    what they sent would reach the public agenda, the feeds and the office's contacts."""
    slot = invitation.slot
    if slot.status_shown == SlotStatus.cancelled:
        return _("This slot is cancelled; nothing about it can be changed here.")
    if slot.presenter_taken_off:
        return _(
            "The co-leads have taken you off this presentation for now, so it cannot be "
            "changed here; if they invite you again, it can."
        )
    if slot.status == SlotStatus.declined:
        return _(
            "You declined this presentation; to change it here, first change your answer above."
        )
    return None


def availability_closed(invitation: Invitation) -> str | None:
    """Why the presenter may not give their availability now, or None: as for the rest of their
    slot (`not_theirs`), and once the meeting has taken place, when no time is chosen any more
    (helper-254: their page still asked when they could present, a week after they had)."""
    if why := not_theirs(invitation):
        return why
    if invitation.slot.meeting.ended():
        return _("This meeting has taken place: there is no time to choose any more.")
    return None


def answer(invitation: Invitation, given: str, note: str) -> bool:
    """The presenter confirms, declines (with a reason) or asks for another time (with a note).
    The slot follows: confirmed or declined; asking for another time keeps it invited. The same
    answer sent again (a second click, a reload) changes nothing and tells no one again; returns
    whether anything changed. A presenter the co-leads took off answers only once invited again:
    their answer would otherwise undo the co-leads' decision. Nor once the meeting has ended."""
    slot = invitation.slot
    if slot.status == SlotStatus.cancelled or slot.meeting.status == "cancelled":
        raise ConflictError(_("This slot is cancelled; there is nothing to answer."))
    if slot.meeting.ended():
        # What was given is the co-leads' to record: a decline now took a talk given out of the
        # archive, and a confirmation or a request for another time asks nothing of anyone.
        raise ConflictError(_("This meeting has taken place; there is nothing more to answer."))
    if slot.presenter_taken_off:
        raise ConflictError(
            _(
                "The co-leads have taken you off this presentation for now, so there is nothing "
                "to answer; if they invite you again, this page asks you again."
            )
        )
    note = note.strip()
    if given == Answer.confirmed and invitation.answer != given and note == invitation.note:
        # The note of their earlier answer, still in the form ("Tuesday 9-12 would suit me"):
        # a confirmation does not carry it on as its own (helper-150).
        note = ""
    if given == Answer.declined and not note:
        raise PlannerError(_("Say why you decline, so the co-leads can plan around it."), "note")
    if given == Answer.another_time and not note:
        raise PlannerError(_("Say which times would suit you."), "note")
    if answer_stands(invitation, given, note):
        return False  # already so (a co-lead who set the slot back makes it news again)
    status = _SLOT_STATUS[Answer(given)]
    invitation.answer, invitation.note, invitation.answered_at = given, note, utcnow()
    invitation.previous_answer = None
    confirmed = given == Answer.confirmed
    invitation.confirmed_start = slot.starts_at if confirmed else None
    invitation.confirmed_minutes = slot.duration_minutes if confirmed else None
    apply_slot(slot, slot.meeting, {"status": status})
    db.session.flush()
    messages.answered(invitation)
    return True


def frozen(slot: Slot) -> bool:
    """Whether the co-leads' freeze date for the meeting has passed (home zone)."""
    meeting = slot.meeting
    if meeting.freeze_on is None:
        return False
    return local_time(meeting.time_zone, utcnow()).date() > meeting.freeze_on


def set_own_zone(invitation: Invitation, zone: str) -> None:
    """The zone the presenter reads their times in, as they say it (a checked IANA name): this
    page, their emails and the co-leads' view of their hours follow it."""
    invitation.time_zone = zone
    db.session.flush()
    messages.zone_chosen(invitation)


def edit_talk(invitation: Invitation, title: str, abstract: str) -> None:
    """The presenter's own title and abstract, while the slot is theirs (`not_theirs`), until
    the freeze date, and without one until the meeting has taken place."""
    slot = invitation.slot
    if why := not_theirs(invitation):
        raise ConflictError(why)
    if slot.meeting.ended():
        # What was presented is on the record (the archive, the feeds): the co-leads' to correct
        # (helper-204: renamed from the old link months after the workshop, it went into every
        # calendar again).
        raise ConflictError(
            _(
                "This meeting has taken place; write to the co-leads to change your title or "
                "abstract."
            )
        )
    if frozen(slot):
        raise ConflictError(
            _(
                "The programme was frozen on %(day)s; write to the co-leads to change your title "
                "or abstract.",
                day=day_here(slot.meeting.freeze_on),
            )
        )
    apply_slot(slot, slot.meeting, {"title": title, "abstract": abstract})
    db.session.flush()
