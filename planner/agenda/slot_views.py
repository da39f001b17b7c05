"""The co-leads' slot pages: a slot added on the meeting editor (a form sent again adds no
twin), edited, moved up or down, and cancelled or deleted once asked."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from planner.accounts.security import colead_required
from planner.agenda.blueprint import bp
from planner.agenda.checks import AgendaError, check_proposal, check_text
from planner.agenda.edit_page import editor_page, slot_form_for
from planner.agenda.forms import SlotForm
from planner.agenda.models import Meeting, Slot, SlotStatus
from planner.agenda.operations import (
    Moved,
    apply_slot,
    before_closing,
    clock_at,
    create_slot,
    layout,
    move_slot,
    presenter_of_another_office,
    proposal_of_another_office,
    refuse_a_talk_given,
    refuse_if_cancelled,
    remove_slot,
    share_unplanned_time,
    slot_fields_from_proposal,
    unplanned_minutes,
)
from planner.agenda.queries import office_presents_already
from planner.agenda.view_helpers import (
    JUST_MADE,
    SLOT_FIELDS,
    as_shown,
    asked_version,
    changed_since_asked,
    emailed_note,
    meeting_crumbs,
    meeting_or_404,
    offices_by_code,
    place_refusal,
    quietly,
    say_who_is_asked_again,
    twin_of,
    undo_refused,
    unless_asked_again,
)
from planner.db_types import db_int, utcnow
from planner.extensions import db
from planner.forms import lost_race, refill, saved_unless_stale
from planner.languages import word_list
from planner.personal_data.retention import keep_for, links_end
from planner.presenters.forms import is_slot_time, slot_time
from planner.timezones import (
    LocalTimeError,
    clock_span,
    is_time_zone,
    local_time,
    moment_in,
    place_name,
    to_utc,
)


def _slot_changes(form: SlotForm, slot: Slot | None = None) -> dict:
    """The form's fields as slot changes; a fixed start is a time of day in the home zone. The
    pinned start of `slot` sent back as shown stays the instant it is: in the hour the clocks
    repeat (a meeting moved onto that night) the time of day names two, and every save of the
    slot was refused (helper-58)."""
    start = form.start.data
    if slot is not None and slot.offset_minutes is not None:
        shown = as_shown(slot.meeting.time_zone, slot.starts_at)
        if shown is not None and start == shown.time():
            start = slot.starts_at
    return {
        "title": form.title.data,
        "kind": form.kind.data,
        "duration_minutes": form.duration_minutes.data,
        "office": form.office.data or None,
        "recommendations": form.recommendations.data or [],
        "proposal_id": int(form.proposal.data) if form.proposal.data else None,
        "status": form.status.data,
        "abstract": form.abstract.data or "",
        "starts_at": start,
    }


def _start_read_where_typed(
    form: SlotForm, meeting: Meeting, slot: Slot | None = None
) -> str | None:
    """A fixed start is typed in the home zone its page showed (`start_zone`). When the
    meeting's zone has changed since (another co-lead saved it, or another tab), the time is
    read in that zone and shown in the meeting's, and the form carries the meeting's zone from
    now on (helper-236: pinned at 13:30 on a page that said Geneva, a slot was saved at 13:30 in
    New York, six hours later, and the meeting grew to end with it; a pinned slot whose abstract
    alone was edited moved alike). What to tell the co-lead when the start they sent is not the
    slot's pin as stored; None otherwise."""
    typed_in, zone, typed = (form.start_zone.data or "").strip(), meeting.time_zone, form.start.data
    refill(form.start_zone, zone)
    if typed is None or typed_in == zone or not is_time_zone(typed_in) or not meeting.starts_at:
        return None
    # The first such time from the meeting's start on, as a pinned time of day is read.
    start = local_time(typed_in, meeting.starts_at)
    day = start.date() + timedelta(days=0 if typed >= start.time() else 1)
    try:
        instant = to_utc(datetime.combine(day, typed), typed_in)
    except LocalTimeError as error:
        # As a start typed in the meeting's own zone is refused (helper-245: 02:30 on the day
        # Geneva's clocks skip it was taken as 01:30 UTC); the field now shows the new zone's.
        form.start_refused = (
            f"The meeting's home time zone changed since this page was opened: it is now "
            f"{place_name(zone)}, not {place_name(typed_in)}. {error} Give the fixed start in "
            f"{place_name(zone)}."
        )
        return None
    shown = local_time(zone, instant).time()
    form.start.data, form.start.raw_data = shown, [f"{shown:%H:%M}"]
    if slot is not None and slot.offset_minutes is not None and slot.starts_at == instant:
        return None  # its pin as shown: nothing the co-lead typed
    return (
        f"The meeting's home time zone changed since this page was opened: it is now "
        f"{place_name(zone)}, not {place_name(typed_in)}. The fixed start you typed, "
        f"{typed:%H:%M} in {place_name(typed_in)}, is read as that moment: {shown:%H:%M} in "
        f"{place_name(zone)}."
    )


def _fill_from_proposal(form: SlotForm) -> None:
    """With a linked proposal chosen, the fields the co-lead left empty take the proposal's
    (`slot_fields_from_proposal`, as the API and "Schedule" do); the length too while it is the
    form's default, which says nothing about this proposal."""
    try:
        proposal = check_proposal(int(form.proposal.data or ""))
    except (ValueError, AgendaError):
        return  # none chosen, or the form's own checks say what is wrong with it
    fields = slot_fields_from_proposal(proposal)
    for name in ("title", "abstract", "office", "recommendations"):
        if not form[name].data or not str(form[name].data).strip():
            form[name].data = fields[name]
    duration = form.duration_minutes
    if duration.process_errors or duration.data in (None, duration.default):
        duration.data, duration.process_errors = fields["duration_minutes"], []


@bp.post("/meetings/<int:meeting_id>/slots")
@colead_required
def add_slot(meeting_id: int):
    found = meeting_or_404(meeting_id, drafts=True)
    form = slot_form_for(found, offices_by_code())
    _fill_from_proposal(form)
    problem, status = None, None
    zone_note = _start_read_where_typed(form, found)
    if form.validate_on_submit():
        # Sent again (Back and send, a double click, a second tab), as the new-meeting form.
        changes = _slot_changes(form)
        twin = unless_asked_again(_just_added_slot(found, changes))
        if twin is not None:
            return editor_page(found, slot_form=form, slot_twin=twin_of(twin), status=409)
        try:
            added = create_slot(found, changes)
            # A talk goes before the closing discussion, as a line-up's and a scheduled
            # proposal's do; one given a time of its own stays at it (moving would unpin it).
            closing = []
            if added.kind == "presentation" and added.offset_minutes is None:
                db.session.flush()
                closing = before_closing(added)
        except AgendaError as error:
            undo_refused()
            problem = place_refusal(form, error, SLOT_FIELDS)
            status = error.status  # as the API answers it (409: the meeting took place)
        else:
            flash(emailed_note(_added_before(closing), "the new slot"), "success")
            for warning in (
                zone_note,
                office_presents_already(added),
                proposal_of_another_office(added),
            ):
                if warning:
                    flash(warning, "warning")
            return redirect(url_for(".edit", meeting_id=found.id) + "#slots")
    if zone_note:
        flash(zone_note, "warning")
    status = status or _talk_given(form)
    return editor_page(found, slot_form=form, slot_problem=problem, status=status)


def _talk_given(form: SlotForm, slot: Slot | None = None) -> int | None:
    """A proposal the form refused as no choice because its talk was given (on a page opened
    before its meeting ended) is said so, as the API says it (409), not "Not a valid choice."
    as if mistyped."""
    if not form.proposal.errors:
        return None
    try:
        refuse_a_talk_given({"proposal_id": db_int(form.proposal.data or "")}, slot)
    except ValueError:
        return None
    except AgendaError as error:
        form.proposal.errors = [str(error)]
        return error.status
    return None


def _added_before(closing: list[Slot]) -> str:
    """ "Slot added.", or where it went: before the slots that close the agenda."""
    if not closing:
        return "Slot added."
    named = word_list([f"“{slot.title}”" for slot in closing], "en")
    close = "closes" if len(closing) == 1 else "close"
    return f"Slot added before {named}, which {close} the agenda; “Down” moves it later."


def _just_added_slot(meeting: Meeting, changes: Mapping) -> Slot | None:
    """The slot last added to `meeting`, if added in the last `JUST_MADE` with these details.
    Only the last: the same break added again after a talk is another break."""
    last = max(meeting.slots, key=lambda s: s.id, default=None)
    if (
        last is None
        or last.status == SlotStatus.cancelled
        or last.created_at < utcnow() - JUST_MADE
    ):
        return None
    pinned = (
        as_shown(meeting.time_zone, last.starts_at) if last.offset_minutes is not None else None
    )
    same = (
        last.title == quietly(check_text, changes.get("title") or "", "", 200)
        and last.kind == changes.get("kind")
        and last.duration_minutes == changes.get("duration_minutes")
        and last.office_code == changes.get("office")
        and last.proposal_id == changes.get("proposal_id")
        and [r.number for r in last.recommendations] == sorted(changes.get("recommendations"))
        and last.abstract
        == quietly(check_text, changes.get("abstract") or "", "", 4000, multiline=True)
        and (pinned and pinned.time()) == changes.get("starts_at")
    )
    return last if same else None


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@colead_required
def edit_slot(slot_id: int):
    # A save of a slot deleted meanwhile: the form names its meeting (`_deleted_meanwhile`).
    gone = request.method == "POST" and db.session.get(Slot, slot_id) is None
    if gone and (meeting := _meeting_named(request.form.get("meeting", ""))) is not None:
        return _deleted_meanwhile(meeting)
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    offices = offices_by_code()
    form = slot_form_for(slot.meeting, offices, slot, submitted=request.method == "POST")
    problem, status = None, None
    zone_note = _start_read_where_typed(form, slot.meeting, slot) if form.is_submitted() else None
    if form.validate_on_submit():
        office_before, proposal_before = slot.office_code, slot.proposal_id
        try:
            problem = saved_unless_stale(
                form,
                lambda: slot_form_for(slot.meeting, offices, slot, submitted=False),
                slot,
                "The slot",
                lambda: apply_slot(slot, slot.meeting, _slot_changes(form, slot)),
                lambda: _moved_meanwhile(form, slot),
            )
        except AgendaError as error:
            undo_refused()
            problem = place_refusal(form, error, SLOT_FIELDS)
            # A refusal of what the slot is now (its presenter holds it, it is cancelled) is a
            # conflict, as in the API; one of what was typed, a 400.
            status = error.status
        else:
            if problem is not None:
                status = 409
                refill(form.shown_time, slot_time(slot))  # seen now: saved again, it goes
            else:
                flash(emailed_note("Slot saved."), "success")
                say_who_is_asked_again(slot.meeting)
                for warning in (
                    zone_note,
                    presenter_of_another_office(slot, office_before),
                    proposal_of_another_office(slot, office_before, proposal_before),
                ):
                    if warning:
                        flash(warning, "warning")
                return redirect(url_for(".edit", meeting_id=slot.meeting_id) + f"#slot-{slot.id}")
    if zone_note:
        flash(zone_note, "warning")
    status = status or _talk_given(form, slot) or (400 if form.errors or problem else 200)
    # The page names the slot and when it is, and the zone its fixed start is typed in
    # (helper-90: "Edit slot", and "(home zone)" without saying which).
    zone = slot.meeting.time_zone
    form.start.description = (
        f"Leave empty to follow the slot before; or pin it to a time in {place_name(zone)}, the "
        "meeting's home zone."
    )
    when = moment_in(zone, slot.starts_at) if slot.starts_at is not None and zone else None
    page = render_template(
        "agenda/slot.html",
        slot=slot,
        form=form,
        problem=problem,
        when=when,
        over=slot.meeting.ended(),
        links_end=links_end(slot.meeting, keep_for(current_app.config)),
    )
    return page, status


def _moved_meanwhile(form: SlotForm, slot: Slot) -> str | None:
    """Where the slot is now, when it starts elsewhere than its page showed (`shown_time`): the
    slot before it lengthened, the slots reordered, the meeting moved. A save refused for that
    said only that none of its fields changed, and the co-lead saved a title for a talk at a
    time they no longer expected (helper-311). Its length alone is a field of the form, which
    names it; a time not written by the page (a script's post, a tampered one) says nothing."""
    shown, now = form.shown_time.data, slot_time(slot)
    if not is_slot_time(shown) or shown.partition("/")[0] == now.partition("/")[0]:
        return None
    meeting = slot.meeting
    if slot.starts_at is None:
        return "It was moved meanwhile: its meeting has no date now."
    span = clock_span(meeting.time_zone, slot.starts_at, slot.ends_at, meeting.starts_at)
    return f"It was moved meanwhile: now {span}."


def _meeting_named(value: str) -> Meeting | None:
    try:
        return db.session.get(Meeting, db_int(value))
    except ValueError:  # not a number, or beyond any column: no meeting (a bare int() was a 500)
        return None


def _deleted_meanwhile(meeting: Meeting):
    """A save of a slot someone deleted since its page was opened: nothing is saved, and what
    was typed comes back on the meeting's page as a new slot, to add again or leave (helper-179:
    a bare 404 lost it, as helper-89 found of contacts)."""
    form = slot_form_for(meeting, offices_by_code())
    form.validate()  # what is wrong with it is said now, not on the next try
    problem = (
        "This slot was deleted since you opened its page (by another co-lead): nothing was "
        "saved. What you typed is below, as a new slot of this meeting: add it again, or leave it."
    )
    return editor_page(meeting, slot_form=form, slot_problem=problem, status=409)


@bp.post("/slots/<int:slot_id>/move")
@colead_required
def move(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    meeting_id = slot.meeting_id
    steps = {"up": -1, "down": 1}
    if (direction := request.form.get("direction")) not in steps:
        abort(400, "A slot moves up or down: send direction=up or direction=down.")
    refuse_if_cancelled(slot.meeting)
    if changed_since_asked(slot.meeting, "agenda", "moved", field="agenda_version"):
        # A move unpins the slot moved, and goes around or stops at the pinned ones: not on an
        # agenda the co-lead has not seen.
        return editor_page(slot.meeting, status=409)
    here = url_for(".edit", meeting_id=slot.meeting_id) + f"#slot-{slot.id}"
    done: list[Moved] = []
    try:
        raced = lost_race(lambda: done.append(move_slot(slot, steps[direction])))
    except AgendaError as error:
        # Said under the row moved, where the co-lead's eyes and keyboard were.
        undo_refused()
        flash(str(error), "error")
        return redirect(here)
    if raced:
        # Another co-lead's move or edit of these slots won at the same moment, on another
        # instance: the agenda as it is now, as for a page opened before it (helper-202: a
        # bare "Conflict" page that led to the start page).
        return _lost_to_another(meeting_id, "moved")
    moved = done[0]
    if moved.unpinned:
        # Moving a pinned slot unpins it: say so, it is easy to miss (helper-69).
        flash(
            f"“{slot.title}” was pinned to a time; moved, it now follows the slots before it. "
            "Pin it again from its Edit page if it must keep a time.",
            "warning",
        )
    if moved.past:
        # Where the slot moved went: past a pinned slot, it may jump by a break's length.
        times = dict(layout(slot.meeting))
        flash(
            f"“{moved.past.title}” stays pinned to "
            f"{clock_at(slot.meeting, times[moved.past].offset_minutes)}; “{slot.title}” now "
            f"starts at {clock_at(slot.meeting, times[slot].offset_minutes)}.",
            "success",
        )
    # Said only when it emailed someone: a move on a draft is seen on the page.
    if (moved := emailed_note("Slot moved.")) != "Slot moved.":
        flash(moved, "success")
    say_who_is_asked_again(slot.meeting)
    # Back at the row moved, where the co-lead's eyes and keyboard were.
    return redirect(here)


def _lost_to_another(meeting_id: int, undone: str):
    """The editor as the agenda is now, a 409, when another co-lead's change of these slots won
    at the same moment on another instance (`lost_race`): nothing was `undone`."""
    flash(
        "The agenda changed at the same moment (another co-lead saved it): nothing was "
        f"{undone}. Here it is as it is now; decide again.",
        "error",
    )
    return editor_page(db.get_or_404(Meeting, meeting_id), status=409)


@bp.post("/meetings/<int:meeting_id>/share-time")
@colead_required
def share_time(meeting_id: int):
    """The minutes of a pinned length that no slot plans, shared evenly among the talks: one
    action, where a co-lead lengthened each talk by hand (helper-365)."""
    meeting = meeting_or_404(meeting_id, drafts=True)
    here = url_for(".edit", meeting_id=meeting_id) + "#slots"
    if changed_since_asked(meeting, "agenda", "shared out", field="agenda_version"):
        # Shared among the talks the co-lead saw, or not at all.
        return editor_page(meeting, status=409)
    minutes = unplanned_minutes(meeting)
    done: list[list[Slot]] = []
    try:
        raced = lost_race(lambda: done.append(share_unplanned_time(meeting)))
    except AgendaError as error:
        undo_refused()
        flash(str(error), "error")
        return editor_page(db.get_or_404(Meeting, meeting_id), status=error.status)
    if raced:
        return _lost_to_another(meeting_id, "shared out")
    talks = done[0]
    lengths = word_list([f"“{t.title}” {t.duration_minutes}" for t in talks], "en")
    shared = (
        f"The {minutes} unplanned minutes are shared among {len(talks)} "
        f"talk{'s' * (len(talks) > 1)}, now (in minutes): {lengths}."
    )
    flash(emailed_note(shared), "success")
    say_who_is_asked_again(meeting)
    return redirect(here)


def _presenter_told(slot: Slot) -> str:
    """Who hears of a slot's cancellation, for the confirm pages."""
    invitation = slot.held_by
    if invitation is None:
        return "No presenter holds it, so no presenter is emailed."
    if not invitation.email:
        return f"{invitation.name} was invited without an email address: tell them yourself."
    return (
        f"{invitation.name}, invited to present it, gets a cancellation email that takes it out "
        "of their calendar."
    )


@bp.get("/slots/<int:slot_id>/delete")
@colead_required
def confirm_delete_slot(slot_id: int):
    """Asks first, saying what cancelling or deleting the slot sends or changes."""
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    return _confirm_delete_slot(slot)


def _confirm_delete_slot(slot: Slot, status: int = 200):
    meeting = slot.meeting
    back = url_for(".edit", meeting_id=meeting.id) + f"#slot-{slot.id}"
    if meeting.was_published:
        if slot.status == SlotStatus.cancelled:
            flash(f"“{slot.title}” is already cancelled.", "warning")
            return redirect(back)
        if meeting.took_place():
            # Nothing about a meeting that took place is emailed (mail.messages.changes): the
            # slot is recorded as not given (helper-254: this page promised a cancellation
            # email to its presenter and contacts, which never went).
            given = " and of the talks its office presented" if slot.office_code else ""
            question = f"Record “{slot.title}” as not given?"
            consequences = [
                "The meeting has taken place: the slot stays on its agenda marked cancelled, "
                f"left out of its archive{given}. It cannot be brought back.",
                "Subscribers' calendars show it cancelled at their next refresh.",
                "No one is emailed: its presenter and the office's contacts keep the entry "
                "their calendar has.",
            ]
            button = "Record as not given"
        else:
            question = f"Cancel “{slot.title}”?"
            consequences = [
                "The slot stays on the agenda marked cancelled; it cannot be brought back.",
                "Subscribers' calendars show it cancelled at their next refresh.",
                _presenter_told(slot),
                "Office contacts who had it in their calendars get the cancellation too.",
            ]
            button = "Cancel the slot"
    else:
        question = f"Delete “{slot.title}”?"
        consequences = [
            "The slot is removed from the draft; the slots after it move up.",
            "The meeting was never published, so no subscriber's calendar holds it.",
            _presenter_told(slot),
        ]
        button = "Delete the slot"
    return render_template(
        "confirm.html",
        question=question,
        consequences=consequences,
        action=url_for(".delete_slot", slot_id=slot.id),
        fields={"version": asked_version(slot)},
        button=button,
        back=back,
        crumbs=meeting_crumbs(meeting),
    ), status


@bp.post("/slots/<int:slot_id>/delete")
@colead_required
def delete_slot(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    if changed_since_asked(slot, "slot"):
        return _confirm_delete_slot(slot, 409)
    meeting = slot.meeting
    outcome = remove_slot(slot)
    if outcome == "deleted":
        done = "Slot deleted."
    elif meeting.took_place():
        done = (
            f"“{slot.title}” is recorded as not given: cancelled on the agenda and in the "
            "feeds, left out of the archive. No one is emailed."
        )
    else:
        done = (
            "The meeting was published, so the slot is cancelled instead of deleted: "
            "subscribers see it as cancelled."
        )
    flash(emailed_note(done, "the cancellation"), "success")
    say_who_is_asked_again(meeting)
    # A cancelled slot keeps its row: back to it, as from its other pages (helper-189).
    row = f"#slot-{slot_id}" if outcome == "cancelled" else "#slots"
    return redirect(url_for(".edit", meeting_id=meeting.id) + row)
