"""The presenter's availability on their private page, and what pages show of availability:
the presenter's local time of a slot and whether the slot lies in their windows."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from planner.agenda.fairness import outside_social_hours
from planner.agenda.models import Slot
from planner.availability.forms import AvailabilityForm, overnight_note
from planner.availability.operations import (
    presenter_time,
    presenter_windows,
    proposal_zone,
    read_availability,
    reading_zone,
    replace_windows,
    slot_availability,
    volunteer_presents,
    volunteers_words,
    windows_of,
)
from planner.availability.windows import describe
from planner.db_types import utcnow
from planner.extensions import csrf
from planner.languages import page_language, semicolons, sentences
from planner.presenters.models import Invitation
from planner.presenters.operations import availability_closed
from planner.presenters.views import invitation_for
from planner.timezones import local_time, place_in

bp = Blueprint("availability", __name__)


def presenter_form(invitation: Invitation) -> tuple[AvailabilityForm, str | None]:
    """The form as stored: the presenter's windows, else their proposal's, else a reading of
    the proposal's free text (with a note saying so: a reading is only a suggestion). Someone
    invited in the volunteer's place starts from none of the volunteer's, in the zone given
    when inviting them if any (helper-174: Ana in Sydney was offered Rosa's Lima mornings), as
    does the presenter of a slot made without a proposal."""
    form = AvailabilityForm(formdata=None)
    slot = invitation.slot
    if volunteer_presents(invitation, slot.proposal):
        zone = reading_zone(slot)
    else:
        # No volunteer's words to read in their office's zone: the presenter's own (helper-230:
        # a slot made without a proposal offered its office's, Lima, to a presenter invited in
        # Kathmandu, whose hours were then saved in Lima).
        zone = invitation.time_zone or ""
    windows = stored = _stored_windows(invitation)
    note = None
    text = volunteers_words(slot)
    if not windows and text and invitation.windows_given_at is None:
        reading = read_availability(text, zone)
        windows, zone = list(reading.windows), reading.time_zone
        note = None
        if windows:
            note = _(
                "Read from what you wrote when volunteering (“%(text)s”): check these windows "
                "before saving.",
                text=text,
            )
        if note and reading.offset:
            note = sentences(
                note,
                _(
                    "It gives the offset “%(offset)s”, not a place: the times are read in "
                    "%(zone)s; choose your own time zone (a city) if that is not it.",
                    offset=reading.offset,
                    zone=place_in(page_language(), zone),
                ),
            )
    form.fill(windows, windows[0].time_zone if windows else zone)
    if note:
        note = sentences(note, overnight_note(form))
    form.set_seen(stored)
    return form, note


def _stored_windows(invitation: Invitation) -> list:
    """The windows the presenter's form starts from: theirs once given, else their
    proposal's, when they volunteered it (`presenter_windows`)."""
    return presenter_windows(invitation, invitation.slot.proposal)


@bp.app_template_global()
def availability_section(invitation: Invitation) -> dict:
    """What `availability/_section.html` shows on the presenter's page."""
    form, note = presenter_form(invitation)
    return {"form": form, "note": note}


@bp.app_template_global("volunteers_words")
def _volunteers_words(slot: Slot) -> str:
    return volunteers_words(slot)


@bp.app_template_global()
def slot_availability_of(slot: Slot):
    return slot_availability(slot)


@bp.app_template_global()
def presenter_local_time(slot: Slot, private: bool = True) -> str | None:
    return presenter_time(slot, private=private)


@bp.app_template_global()
def presenter_night(slot: Slot) -> bool:
    """Whether the slot falls outside 07:00–21:00 in the zone its presenter reads times in
    (`Slot.presenter_zone`), for the co-leads, beside their local time: the invite page flags
    the office's hours, but a presenter invited in another zone (helper-170: an INDECOPI
    colleague in Sydney, Wed 01:40) was shown unflagged on the agenda editor. While nobody is
    invited (or the one invited declined) that zone is the office's, and the note says so."""
    zone = slot.presenter_zone
    if zone is None or slot.starts_at is None or slot.ends_at is None:
        return False
    return outside_social_hours(local_time(zone, slot.starts_at), local_time(zone, slot.ends_at))


@bp.app_template_global()
def proposal_windows(proposal) -> list:
    """The windows a volunteer gave with their proposal, for its pages."""
    return windows_of(proposal=proposal)


@bp.app_template_global()
def proposal_read_windows(proposal) -> list:
    """The windows the co-leads' slot pages read from a proposal's words while it has none,
    shown on its page beside the words (in its office's zone, as the volunteer form asks)."""
    text = (proposal.availability or "").strip()
    if not text or proposal_windows(proposal):
        return []
    return list(read_availability(text, proposal_zone(proposal)).windows)


@bp.app_template_global()
def window_text(window) -> str:
    return describe(window, page_language())


@bp.app_template_filter()
def windows_text(windows) -> str:
    """ "Tue, Thu 08:00–11:00 America/Lima; Fri 09:00–10:00 America/Lima" in the page's words."""
    return semicolons(window_text(w) for w in windows)


def _back(token: str) -> str:
    if "presenters.page" in current_app.view_functions:
        return url_for("presenters.page", token=token) + "#availability"
    return url_for(".page", token=token)


@bp.get("/presenter/<token>/availability")
def page(token: str):
    invitation = invitation_for(token)
    form, note = presenter_form(invitation)
    return _answer(token, invitation, form, note)


@bp.post("/presenter/<token>/availability")
@csrf.exempt
def save(token: str):
    invitation = invitation_for(token)
    form = AvailabilityForm()
    stored = _stored_windows(invitation)  # what the form started from
    form.kept_dates = frozenset(w.on for w in stored if w.on is not None)
    form.empty_zone = invitation.own_zone  # left empty, the windows are saved in it
    if not form.validate():
        return _answer(token, invitation, form, None, 400)
    if why := availability_closed(invitation):
        # Refused, the windows typed come back with why (helper-83: the form was not shown).
        return _answer(token, invitation, form, why, 409, kept=True)
    if form.stale(stored):
        # Theirs stays; yours comes back, now based on what is stored: sending again replaces it.
        form.set_seen(stored)
        now = windows_text(stored) or _("none")
        problem = _(
            "Your windows were changed since you opened this page (in another tab or window?): "
            "the stored ones are now %(windows)s. Yours are still below and were not saved: send "
            "them again to replace the stored ones.",
            windows=now,
        )
        return _answer(token, invitation, form, problem, 409)
    # Left empty: the zone their page shows times in, as the field's hint says.
    zone = (form.availability_zone.data or "").strip() or form.blank_zone()
    chosen = form.chosen_windows(zone)
    replace_windows(chosen, invitation=invitation)
    invitation.windows_given_at = utcnow()
    flash(
        _("Thank you: the co-leads now see when you can present.")
        if chosen
        else _("Saved: you gave no windows, so the co-leads are not warned of any time."),
        "success",
    )
    return redirect(_back(token))


def _answer(token: str, invitation: Invitation, form, note, status: int = 200, kept=False):
    page = render_template(
        "availability/presenter.html",
        token=token,
        invitation=invitation,
        availability={"form": form, "note": note, "kept": kept},
    )
    # The address is a secret: kept out of caches and Referers as every private link's page.
    return page, status
