"""The presenter's private page, and the co-leads' inviting from the agenda editor.

The presenter has no account: the page's address is the credential, stored only as a digest and
revocable, like a proposal's private link. Their forms work without cookies."""

from dataclasses import replace
from datetime import timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm.exc import StaleDataError

from planner.accounts.security import colead_required
from planner.agenda.fairness import outside_social_hours
from planner.agenda.models import MeetingStatus, Slot, SlotStatus
from planner.agenda.operations import layout
from planner.calendar.ics import FeedInfo, build
from planner.calendar.operations import presenter_event
from planner.errors import PlannerError
from planner.extensions import csrf, db
from planner.forms import refill
from planner.languages import page_language, place_here, semicolons, show_in, time_span_here
from planner.mail import messages
from planner.offices.contacts import contacts_for
from planner.offices.models import OfficeContact
from planner.presenters.forms import (
    AnswerForm,
    InviteForm,
    TalkForm,
    filled_for_someone_else,
    filled_in,
    invite_from,
    is_slot_time,
    slot_time,
)
from planner.presenters.models import Answer, HandedOverLink, Invitation
from planner.presenters.operations import (
    also_presenting,
    answer,
    answer_stands,
    availability_closed,
    by_token,
    edit_talk,
    frozen,
    handed_over,
    invited_stamp,
    known_language,
    not_theirs,
    revoke,
    set_own_zone,
    where_it_stands,
)
from planner.text import shorten
from planner.timezones import ZoneError, local_time, pick_zone, place_in
from planner.versioning import link_changed, link_seen
from planner.web import dead_link, reading

bp = Blueprint("presenters", __name__)
# Why the presenter may not change their slot now, or None (`operations.not_theirs`): the
# presenter's page, their materials page and their availability page offer no form then.
bp.add_app_template_global(not_theirs, "not_theirs")
bp.add_app_template_global(availability_closed, "availability_closed")


def invitation_for(token: str) -> Invitation:
    """The invitation a presenter's address leads to (their page, their materials and their
    availability pages), or a 404 saying whom to ask; their pages are in their language."""
    invitation = by_token(token)
    if invitation is None:
        abort(404, why_no_page(token))
    return in_their_language(invitation)


def why_no_page(token: str) -> str:
    """What a presenter's link that leads to no invitation says: that the presentation is no
    longer theirs (someone else was invited in their place), else that the link leads nowhere.
    Also for a refusal made before their page's view runs (a body too large)."""
    ended = handed_over(token)
    return dead_link("presentation") if ended is None else _no_longer_theirs(ended)


def _no_longer_theirs(ended: HandedOverLink) -> str:
    """What a link ended by inviting someone else in its presenter's place says to whoever
    held it, in the language their page was in: the presentation is no longer theirs (helper-250:
    it said the link "may be mistyped, or the co-leads replaced it"), or, handed to the same
    name at another address, that the address was corrected. Neither who presents it now, nor
    where they are written to, nor what it is now (a draft's title changed since is not theirs
    to read)."""
    show_in(ended.language)
    address = messages.taskforce_address()
    if ended.readdressed:
        # The same person at another address: said so, without that address (whoever holds
        # this link may read a mailbox that is no longer theirs, or was never theirs: a typo).
        if address:
            return _(
                "The co-leads have corrected the address of the presentation this link was for: "
                "its invitation now goes to another address, with a new link, so this link no "
                "longer opens its page. If you give this presentation and did not get that "
                "invitation, write to the co-leads of the Task Force at %(address)s.",
                address=address,
            )
        return _(
            "The co-leads have corrected the address of the presentation this link was for: "
            "its invitation now goes to another address, with a new link, so this link no "
            "longer opens its page. If you give this presentation and did not get that "
            "invitation, write to the co-leads of the Task Force."
        )
    if address:
        return _(
            "The co-leads have invited someone else to give the presentation this link was for, "
            "so you no longer present it, and the link no longer opens its page. If they invite "
            "you to present again, their email brings a new link. Write to the co-leads of the "
            "Task Force at %(address)s with any question.",
            address=address,
        )
    return _(
        "The co-leads have invited someone else to give the presentation this link was for, so "
        "you no longer present it, and the link no longer opens its page. If they invite you to "
        "present again, their email brings a new link. Write to the co-leads of the Task Force "
        "with any question."
    )


def in_their_language(invitation: Invitation) -> Invitation:
    """Shows this request's page in the language the presenter's emails come in, when one is
    known (as an office contact, or chosen when they volunteered the talk, English too); else
    their browser's. Also for a refusal made before their page's view runs (a body too large)."""
    show_in(messages.presenter_language(invitation, default=None))
    return invitation


def _page(
    token: str,
    invitation: Invitation,
    *,
    answer_form=None,
    talk_form=None,
    talk_problem: str | None = None,
    zone_problem: str | None = None,
    zone_typed: str | None = None,
    status=200,
):
    slot = invitation.slot
    meeting = slot.meeting
    if talk_form is None:
        talk_form = TalkForm(formdata=None, obj=slot)
        talk_form.set_seen(slot)
    if answer_form is None:
        answer_form = AnswerForm(formdata=None, answer=invitation.answer, note=invitation.note)
    refill(answer_form.shown_time, slot_time(slot))  # what this page shows, sent back with it
    page = render_template(
        "presenters/page.html",
        token=token,
        invitation=invitation,
        slot=slot,
        meeting=meeting,
        slots=[(s, t) for s, t in layout(meeting) if s.status != SlotStatus.cancelled],
        zone=invitation.own_zone,
        published=meeting.status == MeetingStatus.published,
        frozen=frozen(slot),
        ended=meeting.ended(),
        taken_off=slot.presenter_taken_off,
        answer_form=answer_form,
        talk_form=talk_form,
        talk_problem=talk_problem,
        zone_problem=zone_problem,
        zone_typed=zone_typed,
    )
    # The address is a secret: the app's headers for a private link's page keep it out of
    # caches and Referers (accounts.security.install).
    return page, status


def _when(invitation: Invitation) -> str:
    """The slot's day, start, end and length on the presenter's clocks ("Tuesday 4 May 2027,
    09:40–10:00 (UTC−4), 20 minutes, in New York"), the ones their page shows (`own_zone`, also
    once they declined): a change of day or length shows too."""
    slot, zone = invitation.slot, invitation.own_zone
    minutes = slot.duration_minutes
    if zone is None or slot.starts_at is None:
        return ngettext(
            "without a time yet (%(num)d minute)", "without a time yet (%(num)d minutes)", minutes
        )
    end = slot.starts_at + timedelta(minutes=minutes)
    return ngettext(
        "%(span)s, %(num)d minute, in %(place)s",
        "%(span)s, %(num)d minutes, in %(place)s",
        minutes,
        span=time_span_here(zone, slot.starts_at, end),
        place=place_in(page_language(), zone),
    )


@bp.get("/presenter/<token>")
def page(token: str):
    return _page(token, invitation_for(token))


@bp.post("/presenter/<token>/zone")
@csrf.exempt
def zone_view(token: str):
    """The presenter says which time zone they are in (the co-leads guessed it, or it was
    their office's): their times follow it here, in email, and in the co-leads' view."""
    invitation = invitation_for(token)
    slot = invitation.slot
    shown = invitation.own_zone
    typed = "".join(c for c in (request.form.get("zone") or "")[:100] if c.isprintable()).strip()
    if slot.status_shown == SlotStatus.cancelled:
        # The page offers no zone for a cancelled slot: no time is shown or sent any more.
        problem = _("This slot is cancelled: there are no times to show, so nothing was changed.")
        return _page(token, invitation, zone_problem=problem, zone_typed=typed, status=409)
    try:
        chosen = pick_zone(typed) if typed else None
    except ZoneError as error:
        return _page(token, invitation, zone_problem=error.message, zone_typed=typed, status=400)
    if chosen is None:
        problem = _("Type your city or time zone, such as Lima or America/Lima.")
        return _page(token, invitation, zone_problem=problem, zone_typed=typed, status=400)
    if chosen == shown:  # also a second click on the same choice
        flash(
            _(
                "Your times were already shown in %(zone)s: nothing changed.",
                zone=place_here(shown),
            ),
            "info",
        )
        return redirect(url_for(".page", token=token) + "#slot-heading")
    if request.form.get("zone_seen") != shown:
        problem = (
            _(
                "Your time zone was changed since you opened this page (in another tab?): it is "
                "now %(zone)s. Nothing was changed; choose again.",
                zone=place_here(shown),
            )
            if request.form.get("zone_seen")
            else _(
                "This form did not say which time zone it showed; yours is %(zone)s. Nothing was "
                "changed; choose again.",
                zone=place_here(shown),
            )
        )
        return _page(token, invitation, zone_problem=problem, zone_typed=typed, status=409)
    set_own_zone(invitation, chosen)
    flash(
        _(
            "Your times now show in %(zone)s, here and in the emails you are sent; the co-leads "
            "see it too.",
            zone=place_here(chosen),
        ),
        "success",
    )
    return redirect(url_for(".page", token=token) + "#slot-heading")


@bp.get("/presenter/<token>/answer")
@bp.get("/presenter/<token>/talk")
@bp.get("/presenter/<token>/zone")
def back_to_page(token: str):
    """The address a form sent back with an error leaves in the browser, opened again (a
    reload, a restored tab): the page it belongs to, not "Method Not Allowed"."""
    invitation_for(token)
    return redirect(url_for(".page", token=token))


@bp.post("/presenter/<token>/answer")
@csrf.exempt
def answer_view(token: str):
    invitation = invitation_for(token)
    form = AnswerForm()
    if not form.validate():
        return _page(token, invitation, answer_form=form, status=400)
    slot = invitation.slot
    shown = form.shown_time.data
    if form.answer.data == Answer.confirmed and shown != slot_time(slot):
        # A confirmation is of the time the presenter saw: a move since is theirs to see first.
        now = _when(invitation)
        if invitation.answer == Answer.confirmed and slot.status == "confirmed":
            # Confirmed at its time now (moved back to a time they had confirmed, or confirmed
            # from another tab): that stands (helper-142: "not saved" beside "Status:
            # confirmed").
            flash(
                _(
                    "Your slot is at %(time)s, not the time this page showed, and you have "
                    "confirmed it at that time: your confirmation stands, and nothing more is "
                    "needed.",
                    time=now,
                ),
                "info",
            )
            return redirect(url_for(".page", token=token))
        form.answer.errors.append(
            _(
                "The co-leads changed your slot's time since you opened this page: it is now "
                "%(time)s. Your answer was not saved; check the time above and send it again.",
                time=now,
            )
            if is_slot_time(shown)
            else _(
                "This answer did not carry the time your page showed, so it was not saved: your "
                "slot is %(time)s. Check the time above and send it again.",
                time=now,
            )
        )
        return _page(token, invitation, answer_form=form, status=409)
    try:
        changed = answer(invitation, form.answer.data, form.note.data or "")
    except PlannerError as error:
        field = form[error.field] if error.field in form else form.answer  # noqa: SIM401
        field.errors.append(error.message)
        return _page(token, invitation, answer_form=form, status=error.status)
    except StaleDataError:
        # Someone wrote the slot or the invitation between this request's reading and writing:
        # most often this presenter's own first click of a double click. That answer stands.
        db.session.rollback()
        invitation = invitation_for(token)
        if not answer_stands(invitation, form.answer.data, form.note.data or ""):
            form.answer.errors.append(
                _(
                    "Your slot changed at the same moment (the co-leads, or another tab); your "
                    "answer was not saved. Check the page as it is now and send it again."
                )
            )
            return _page(token, invitation, answer_form=form, status=409)
        changed = False
    if not changed:
        flash(_("The co-leads already have this answer: nothing changed."), "info")
        return redirect(url_for(".page", token=token))
    flash(
        {
            "confirmed": _("Thank you: your presentation is confirmed."),
            "declined": _("Your answer is with the co-leads: you do not present in this slot."),
            "another_time": _("Your request is with the co-leads; they will be in touch."),
        }[form.answer.data],
        "success",
    )
    return redirect(url_for(".page", token=token))


def _excerpt(text: str) -> str:
    """A title or abstract quoted in a message: on one line, cut after a whole word."""
    return shorten(" ".join(text.split()), 200, at_space=True)


@bp.post("/presenter/<token>/talk")
@csrf.exempt
def talk(token: str):
    invitation = invitation_for(token)
    form = TalkForm()
    if not form.validate():
        return _page(token, invitation, talk_form=form, status=400)
    slot = invitation.slot
    if changed := form.changed_since(slot):
        # Theirs stays; yours comes back, now based on theirs: sending again replaces it. Who
        # changed it is not known: the co-leads, or this presenter in another tab (helper-170:
        # told "The co-leads changed your slot" of the title they had saved themselves).
        form.set_seen(slot)
        words = {
            "title": _("the title is now “%(text)s”"),
            "abstract": _("the abstract is now “%(text)s”"),
        }
        now = semicolons(
            words[name] % {"text": _excerpt(getattr(slot, name) or _("(empty)"))}
            for name in changed
        )
        problem = _(
            "Your slot changed since you opened this page (the co-leads, or another tab): "
            "%(changes)s. Your text is still below and was not saved: send it again to replace "
            "it.",
            changes=now,
        )
        return _page(token, invitation, talk_form=form, talk_problem=problem, status=409)
    try:
        edit_talk(invitation, form.title.data, form.abstract.data or "")
    except PlannerError as error:
        # Next to the field it is about (an abstract holding a private link's secret, say).
        field = form[error.field] if error.field in ("title", "abstract") else form.title
        field.errors.append(error.message)
        return _page(token, invitation, talk_form=form, status=error.status)
    flash(_("Your title and abstract are saved."), "success")
    # Back where they typed, as a save from a row of the agenda returns to it (helper-188).
    return redirect(url_for(".page", token=token) + "#talk-heading")


@bp.get("/presenter/<token>/slot.ics")
def slot_ics(token: str):
    invitation = invitation_for(token)
    slot, meeting = invitation.slot, invitation.slot.meeting
    if slot.starts_at is None:
        abort(404, _("Your slot has no time yet; the co-leads will set it."))
    if slot.held_by is None or meeting.status == MeetingStatus.cancelled:
        # Its CANCEL took it out of their calendar (declined, cancelled, or set back by the
        # co-leads; helper-64): an entry with the same SEQUENCE saying otherwise would leave
        # clients to guess which holds.
        abort(
            404,
            _(
                "This slot is not yours to present now (declined, cancelled or set back by the "
                "co-leads): nothing to add."
            ),
        )
    # The same entry their invitation put in their calendar (same UID): without the private
    # link, which a calendar shares with whoever sees it; at the SEQUENCE their messages
    # brought it to, which may run ahead of the feeds' (invited again), as an older one is
    # ignored.
    agenda = url_for("agenda.meeting", meeting_id=meeting.id, _external=True)
    event = presenter_event(slot, agenda, messages.presenter_calendar_language(invitation))
    if invitation.email:
        held = messages.held_sequence(slot, invitation.email)
        event = replace(event, sequence=max(event.sequence, held or 0))
    body = build(FeedInfo(slot.title, event.url or "", meeting.title, subscription=False), [event])
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="slot-{slot.id}.ics"'
    return response


def _invite_defaults(slot: Slot) -> dict:
    """Who to invite: the one invited before, else, on a slot copied with its meeting ("Copy as
    a new draft"), the one who presented the slot it was copied from (`Slot.to_invite_again`),
    else the office's first contact (the proposal's contact first, for a volunteered
    presentation); in the office's time zone, and in the language they are written to in now
    (the co-lead sees it before choosing another). One erased at their request is no one to
    fill in."""
    current = slot.invitation or slot.to_invite_again
    if current is not None and current.erased_at is None:
        return {
            "name": current.name,
            "email": current.email,
            "time_zone": current.time_zone,
            "language": current.language or known_language(slot, current.email, current.name),
        }
    zone = slot.office_zone
    for contact in _office_contacts(slot):
        return {
            "name": contact.name,
            "email": contact.email,
            "time_zone": zone,
            "language": known_language(slot, contact.email, contact.name),
        }
    return {"time_zone": zone, "language": "en"}


def _filled_for(slot: Slot) -> str | None:
    """The name of whom the invite form is filled in for (`_invite_defaults`)."""
    return _invite_defaults(slot).get("name")


def _office_contacts(slot: Slot) -> list[OfficeContact]:
    if slot.office_code is None:
        return []
    return contacts_for(slot.office_code, proposal=slot.proposal)


@bp.route("/slots/<int:slot_id>/invite", methods=["GET", "POST"])
@colead_required
def invite_view(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    form = InviteForm() if request.method == "POST" else InviteForm(formdata=None)
    if reading():
        form.process(data=_invite_defaults(slot))
        filled_in(form)
    problem, status = None, 200
    submitted = form.validate_on_submit()
    if request.method == "POST" and (form.invited.data or "") != invited_stamp(slot):
        # Checked whatever else the form gets wrong: corrected and sent again from a page that
        # no longer says so, it would end the link just sent.
        problem, status = _invited_since(slot), 409
    elif submitted and (asked := filled_for_someone_else(form, slot, _filled_for(slot))):
        problem, status = asked, 409
    elif submitted:
        try:
            invitation = invite_from(form, slot)[0]
        except PlannerError as error:
            problem, status = error.message, error.status
        else:
            if warning := also_presenting(slot, invitation):
                flash(warning, "warning")
            # Post, then redirect: reloading the page that shows the link must not invite again
            # (which would make a new link and end the one just copied).
            return redirect(url_for(".invited", slot_id=slot.id))
    elif form.errors:
        status = 400
    refill(form.invited, invited_stamp(slot))  # sent again, it is about what is shown now
    return render_template(
        "presenters/invite.html",
        slot=slot,
        form=form,
        problem=problem,
        # No form for a meeting that took place, unless one sent from before is refused.
        over=slot.meeting.ended() and problem is None,
        contacts=_office_contacts(slot),
        unsocial=_unsocial_at_the_office(slot),
    ), status


def _unsocial_at_the_office(slot: Slot) -> bool:
    """Whether the slot falls outside 07:00–21:00 at its office, where its presenter most likely
    is: the meeting's page flags it, and the co-lead about to ask them should see it too
    (helper-142: 23:20 in Sydney, unflagged)."""
    zone = slot.office_zone
    if not zone or slot.starts_at is None:
        return False
    return outside_social_hours(local_time(zone, slot.starts_at), local_time(zone, slot.ends_at))


def _invited_since(slot: Slot) -> str:
    if slot.invitation is None:
        return (
            "The slot's invitation was revoked since this page was opened. Check, then send again."
        )
    if slot.held_by is not None:
        return (
            f"{slot.invitation.name} was invited to this slot since this page was opened (in "
            "another tab, or by another co-lead), and sent a private link. Inviting again would "
            "end that link. If you mean to, send the form again."
        )
    # Said as it stands now: declined since, they are not "invited" (helper-174).
    return (
        "This slot's invitation changed since this page was opened (in another tab, or by "
        f"another co-lead): {where_it_stands(slot.invitation)}. Nothing was sent. To invite as "
        "the form below says, send it again."
    )


@bp.get("/slots/<int:slot_id>/invited")
@colead_required
def invited(slot_id: int):
    """The presenter's private link, for the co-lead to pass on, while it works."""
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    token = slot.invitation.private_token if slot.invitation is not None else None
    if token is None:
        flash("This slot has no working presenter link: invite its presenter to make one.")
        return redirect(url_for("agenda.edit", meeting_id=slot.meeting_id) + f"#slot-{slot.id}")
    link = url_for(".page", token=token, _external=True)
    message = messages.invitation_mailed(slot.invitation)
    return render_template("presenters/invited.html", slot=slot, link=link, message=message)


@bp.get("/slots/<int:slot_id>/invitation/revoke")
@colead_required
def confirm_revoke(slot_id: int):
    """Asks first, saying what revoking the presenter's link changes."""
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    back = url_for("agenda.edit", meeting_id=slot.meeting_id) + f"#slot-{slot.id}"
    invitation = slot.invitation
    if invitation is None or invitation.link_hash is None:
        flash("There is no presenter link to revoke.", "warning")
        return redirect(back)
    return render_template(
        "confirm.html",
        question=f"Revoke {invitation.name}'s link to “{slot.title}”?",
        consequences=[
            "Their private page stops working at once: they can no longer answer, edit the "
            "title and abstract, or upload slides through it.",
            "Nobody is emailed; the slot and its status stay as they are.",
            "To let them in again, invite them again: they get a new link.",
        ],
        action=url_for(".revoke_view", slot_id=slot.id),
        fields={"link_seen": link_seen(invitation.link_hash)},
        button="Revoke the link",
        back=back,
        crumbs=[
            ("Meetings", url_for("agenda.index")),
            (slot.meeting.title, url_for("agenda.edit", meeting_id=slot.meeting_id)),
        ],
    )


@bp.post("/slots/<int:slot_id>/invitation/revoke")
@colead_required
def revoke_view(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    if slot.invitation is None or slot.invitation.link_hash is None:
        # Sent twice, or by two co-leads: the link is gone already (helper-73: a 302 as if done).
        gone = (
            "the slot has no presenter invited any more"
            if slot.invitation is None
            else "it was revoked already (the form was sent twice, or by another co-lead)"
        )
        abort(409, f"There is no presenter link to revoke: {gone}. Nothing changed.")
    elif link_changed(slot.invitation.link_hash, request.form.get("link_seen")):
        # Someone invited a presenter (again) since the page asked: that link is not revoked.
        flash(
            f"Nothing was revoked: {slot.invitation.name} was invited with a new link since "
            "this page asked. Is it that link you want to revoke?",
            "error",
        )
        return confirm_revoke(slot.id), 409
    else:
        revoke(slot.invitation)
        flash("The presenter's link is revoked: it now leads nowhere.", "success")
    return redirect(url_for("agenda.edit", meeting_id=slot.meeting_id) + f"#slot-{slot.id}")
