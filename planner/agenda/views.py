"""Meeting pages: the public agenda, and the co-leads' editing and ordering.

The blueprint is `blueprint.bp`, to which `publish_views` (publishing, cancelling or deleting a
meeting, each asked first) and `suggest_views` (a fair start time) add their routes; the editor
page is built in `edit_page`, and what the views share is in `view_helpers`.
"""

import uuid
from collections.abc import Mapping
from datetime import datetime

from flask import (
    abort,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select

from planner.accounts.security import colead_required, is_colead

# Imported for the routes they add to the blueprint.
from planner.agenda import publish_views, suggest_views  # noqa: F401
from planner.agenda.blueprint import bp
from planner.agenda.checks import AgendaError, check_proposal, check_text
from planner.agenda.edit_page import _edit_page, _meeting_form, _slot_form
from planner.agenda.fairness import office_times
from planner.agenda.forms import MeetingForm, SlotForm
from planner.agenda.models import HOME_ZONE, Meeting, MeetingSeries, MeetingStatus, Slot, SlotStatus
from planner.agenda.operations import (
    apply_meeting,
    apply_slot,
    before_closing,
    create_meeting,
    create_slot,
    ended_draft_note,
    layout,
    move_slot,
    presenter_of_another_office,
    refuse_if_cancelled,
    remove_slot,
    set_offices,
    slot_fields_from_proposal,
    titles_of,
)
from planner.agenda.queries import (
    in_list_order,
    meetings,
    office_presents_already,
    participating_offices,
)
from planner.agenda.view_helpers import (
    JUST_MADE,
    MEETING_FIELDS,
    SLOT_FIELDS,
    _as_shown,
    _asked_version,
    _changed_since_asked,
    _emailed,
    _meeting,
    _meeting_crumbs,
    _offices,
    _quietly,
    _refused,
    _say_who_is_asked_again,
    _twin,
    _undone,
    _unless_asked_again,
)
from planner.db_types import utcnow
from planner.extensions import db
from planner.forms import saved_unless_stale
from planner.languages import word_list
from planner.timezones import is_time_zone, local_time, moment_in, place_name, resolve_zone
from planner.web import reading, refuse_changes

# The viewer's chosen time zone, remembered in a cookie of its own for a year: the session
# cookie ends with the browser (and a co-lead's sign-in), a reader's zone should not.
ZONE_COOKIE = "zone"
ZONE_KEPT = 365 * 24 * 3600


def _viewer_zone(meeting: Meeting | None = None) -> tuple[str, str | None, list[str]]:
    """The zone to show times in: ?zone= (a zone or a city; remembered), the remembered one, or
    the home zone; with the ?zone= text that names no zone, or several (and those), to say so."""
    asked = (request.args.get("zone") or "").strip()
    found = resolve_zone(asked) if asked else []
    kept = request.cookies.get(ZONE_COOKIE, "")
    if len(found) == 1:
        kept = found[0]

        @after_this_request
        def remember(response):
            response.set_cookie(
                ZONE_COOKIE,
                kept,
                max_age=ZONE_KEPT,
                httponly=True,
                samesite="Lax",
                secure=current_app.config["SESSION_COOKIE_SECURE"],
            )
            return response

    shown = kept if kept and is_time_zone(kept) else (meeting.time_zone if meeting else HOME_ZONE)
    return shown, (asked if asked and len(found) != 1 else None), found


@bp.get("/meetings")
def index():
    zone, wrong_zone, zone_candidates = _viewer_zone()
    now = utcnow()
    coming, past = in_list_order(meetings(include_drafts=is_colead()), now)
    page = render_template(
        "agenda/index.html",
        coming=coming,
        past=past,
        now=now,
        zone=zone,
        wrong_zone=wrong_zone,
        zone_candidates=zone_candidates,
    )
    # A zone it cannot use is said, as on a meeting's page (it was ignored without a word).
    return page, 400 if wrong_zone else 200


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    found = _meeting(meeting_id, drafts=is_colead())
    zone, wrong_zone, zone_candidates = _viewer_zone(found)
    local_times = (
        office_times(
            found.starts_at,
            found.ends_at,
            found.time_zone,
            {o: o.time_zone for o in participating_offices(found)},
        )
        if found.starts_at
        else {}
    )
    return render_template(
        "agenda/meeting.html",
        meeting=found,
        slots=layout(found),
        zone=zone,
        wrong_zone=wrong_zone,
        zone_candidates=zone_candidates,
        local_times=local_times,
    ), (400 if wrong_zone else 200)


def _meeting_changes(form: MeetingForm, meeting: Meeting | None = None) -> dict:
    """The form's fields as meeting changes; the date and time are a wall-clock time in the
    home zone, which the agenda reads as such. The start of `meeting` sent back as shown, in the
    same zone, stays the instant it is: in the hour the clocks repeat the time of day names two,
    and every save of the meeting's other fields was refused (helper-88), as the slot's were
    (`_slot_changes`)."""
    day, start = form.day.data, form.start.data
    starts_at = datetime.combine(day, start) if day and start else None
    if (
        meeting is not None
        and form.time_zone.data.strip() == meeting.time_zone
        and starts_at == _as_shown(meeting.time_zone, meeting.starts_at)
    ):
        starts_at = meeting.starts_at
    # Typing a length pins it; "follow the slots", or no length, lets the slots decide it.
    follow = form.follow_slots.data or form.duration_minutes.data is None
    length = (
        {"duration_pinned": False} if follow else {"duration_minutes": form.duration_minutes.data}
    )
    return {
        "title": form.title.data,
        "kind": form.kind.data,
        "starts_at": starts_at,
        **length,
        "time_zone": form.time_zone.data.strip(),
        "video_url": form.video_url.data or None,
        "description": form.description.data or "",
        "materials_public": form.materials_public.data,
        "freeze_on": form.freeze_on.data,
    }


def _series(form: MeetingForm) -> MeetingSeries | None:
    if form.new_series.data and form.new_series.data.strip():
        title = form.new_series.data.strip()
        existing = db.session.scalar(select(MeetingSeries).where(MeetingSeries.title == title))
        return existing or MeetingSeries(title=title)
    return db.session.get(MeetingSeries, int(form.series.data)) if form.series.data else None


@bp.route("/meetings/new", methods=["GET", "POST"])
@colead_required
def new():
    form = _meeting_form()
    problem = None
    # The page gives the meeting its UID: the form sent twice (a double click, a reload, a
    # second tab of the same page) finds the meeting the first one made instead of a twin.
    key = _form_key(request.form.get("key"))
    # Derived from the key, never the key itself: a key copied from a feed's UID makes no twin.
    uid = f"{uuid.uuid5(FORM_KEYS, key)}@cws-ict-planner"
    if form.validate_on_submit():
        changes = _meeting_changes(form)
        made = db.session.scalar(select(Meeting).where(Meeting.uid == uid))
        if made is not None and _as_sent(made, changes):
            flash(
                "This form had already created the meeting (it was sent twice): here it is; "
                "nothing was created again.",
                "warning",
            )
            return redirect(url_for(".edit", meeting_id=made.id))
        # Back and send, or a second tab: Back fetches the page anew (co-lead pages are not
        # stored), with a new key, so the details are what tells the meeting it already made.
        twin = _unless_asked_again(_just_made_meeting(changes))
        if twin is not None:
            page = render_template("agenda/new.html", form=form, key=key, twin=_twin(twin))
            return page, 409
        try:
            # Sent again with other details (back, changed, sent): another meeting.
            created = create_meeting(
                changes, series=_series(form), uid=uid if made is None else None
            )
        except AgendaError as error:
            _undone()
            problem = _refused(form, error, MEETING_FIELDS)
        else:
            flash("Meeting created as a draft.", "success")
            _say_if_over(created)
            return redirect(url_for(".edit", meeting_id=created.id))
    page = render_template("agenda/new.html", form=form, problem=problem, key=key)
    return page, 400 if form.errors or problem else 200


# The namespace of the meeting UIDs made from the new-meeting form's keys (`new`).
FORM_KEYS = uuid.UUID("6f1d2c8e-4b7a-5e0f-9c3d-2a8b7e6f5d41")


def _as_sent(meeting: Meeting, changes: Mapping) -> bool:
    """Whether `meeting` is what these form changes would make: the same form sent again."""
    start = changes.get("starts_at")
    stored = (
        local_time(meeting.time_zone, meeting.starts_at).replace(tzinfo=None)
        if meeting.starts_at is not None
        else None
    )
    return (
        meeting.title == _quietly(check_text, changes.get("title") or "", "", 200)
        and meeting.kind == changes.get("kind")
        and meeting.time_zone == changes.get("time_zone")
        and stored == start
        and (meeting.video_url or None) == (changes.get("video_url") or None)
    )


def _just_made_meeting(changes: Mapping) -> Meeting | None:
    """The latest meeting made in the last `JUST_MADE` that these details would make again."""
    recent = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.created_at >= utcnow() - JUST_MADE,
            Meeting.status != MeetingStatus.cancelled,
        )
        .order_by(Meeting.id.desc())
    )
    return next((m for m in recent if _as_sent(m, changes)), None)


def _form_key(sent: str | None) -> str:
    """The key the new-meeting form was given (a UUID), or a new one."""
    try:
        return str(uuid.UUID((sent or "")[:64]))
    except ValueError:
        return str(uuid.uuid4())


def _say_if_over(meeting: Meeting) -> None:
    if note := ended_draft_note(meeting):
        flash(note, "warning")


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@colead_required
def edit(meeting_id: int):
    found = _meeting(meeting_id, drafts=True)
    if reading():
        return _edit_page(found)
    form = _meeting_form(found)
    problem = None
    if form.validate_on_submit():
        was = (found.time_zone, found.starts_at)

        def save() -> None:
            apply_meeting(found, _meeting_changes(form, found))
            found.series = _series(form)

        try:
            problem = saved_unless_stale(
                form, lambda: _meeting_form(found, submitted=False), found, "The meeting", save
            )
        except AgendaError as error:
            _undone()
            problem = _refused(form, error, MEETING_FIELDS)
        else:
            if problem is not None:
                return _edit_page(found, form=form, problem=problem, status=409)
            flash(_emailed("Meeting saved."), "success")
            _say_if_moved_with_its_zone(found, *was)
            _say_who_is_asked_again(found)
            _say_if_over(found)
            return redirect(url_for(".edit", meeting_id=found.id))
    return _edit_page(found, form=form, problem=problem)


def _say_if_moved_with_its_zone(meeting: Meeting, zone: str, starts_at: datetime | None) -> None:
    """The date and time are read on the home zone's clocks: a new zone with the same clock
    time is another moment. Said, with both, so a co-lead who meant the same moment sees it
    (helper-82: a fair start chosen for Zurich became 10:30 in Sydney, ten hours earlier)."""
    if zone == meeting.time_zone or starts_at is None or meeting.starts_at == starts_at:
        return
    flash(
        f"The home time zone is now {meeting.time_zone}, and the meeting starts at "
        f"{moment_in(meeting.time_zone, meeting.starts_at)}: that is "
        f"{moment_in(zone, meeting.starts_at)}, where it was "
        f"{moment_in(zone, starts_at)}. If you meant the same moment as before, set the start "
        f"to {moment_in(meeting.time_zone, starts_at)}.",
        "warning",
    )


def _slot_changes(form: SlotForm, slot: Slot | None = None) -> dict:
    """The form's fields as slot changes; a fixed start is a time of day in the home zone. The
    pinned start of `slot` sent back as shown stays the instant it is: in the hour the clocks
    repeat (a meeting moved onto that night) the time of day names two, and every save of the
    slot was refused (helper-58)."""
    start = form.start.data
    if slot is not None and slot.offset_minutes is not None:
        shown = _as_shown(slot.meeting.time_zone, slot.starts_at)
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
    found = _meeting(meeting_id, drafts=True)
    form = _slot_form(found, _offices())
    _fill_from_proposal(form)
    problem, status = None, None
    if form.validate_on_submit():
        # Sent again (Back and send, a double click, a second tab), as the new-meeting form.
        changes = _slot_changes(form)
        twin = _unless_asked_again(_just_added_slot(found, changes))
        if twin is not None:
            return _edit_page(found, slot_form=form, slot_twin=_twin(twin), status=409)
        try:
            added = create_slot(found, changes)
            # A talk goes before the closing discussion, as a line-up's and a scheduled
            # proposal's do; one given a time of its own stays at it (moving would unpin it).
            closing = []
            if added.kind == "presentation" and added.offset_minutes is None:
                db.session.flush()
                closing = before_closing(added)
        except AgendaError as error:
            _undone()
            problem = _refused(form, error, SLOT_FIELDS)
            status = error.status  # as the API answers it (409: the meeting took place)
        else:
            flash(_emailed(_added_before(closing), "the new slot"), "success")
            if twice := office_presents_already(added):
                flash(twice, "warning")
            return redirect(url_for(".edit", meeting_id=found.id) + "#slots")
    return _edit_page(found, slot_form=form, slot_problem=problem, status=status)


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
        _as_shown(meeting.time_zone, last.starts_at) if last.offset_minutes is not None else None
    )
    same = (
        last.title == _quietly(check_text, changes.get("title") or "", "", 200)
        and last.kind == changes.get("kind")
        and last.duration_minutes == changes.get("duration_minutes")
        and last.office_code == changes.get("office")
        and last.proposal_id == changes.get("proposal_id")
        and [r.number for r in last.recommendations] == sorted(changes.get("recommendations"))
        and last.abstract
        == _quietly(check_text, changes.get("abstract") or "", "", 4000, multiline=True)
        and (pinned and pinned.time()) == changes.get("starts_at")
    )
    return last if same else None


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@colead_required
def edit_slot(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    offices = _offices()
    form = _slot_form(slot.meeting, offices, slot, submitted=request.method == "POST")
    problem, status = None, None
    if form.validate_on_submit():
        office_before = slot.office_code
        try:
            problem = saved_unless_stale(
                form,
                lambda: _slot_form(slot.meeting, offices, slot, submitted=False),
                slot,
                "The slot",
                lambda: apply_slot(slot, slot.meeting, _slot_changes(form, slot)),
            )
        except AgendaError as error:
            _undone()
            problem = _refused(form, error, SLOT_FIELDS)
            # A refusal of what the slot is now (its presenter holds it, it is cancelled) is a
            # conflict, as in the API; one of what was typed, a 400.
            status = error.status
        else:
            if problem is not None:
                status = 409
            else:
                flash(_emailed("Slot saved."), "success")
                _say_who_is_asked_again(slot.meeting)
                if warning := presenter_of_another_office(slot, office_before):
                    flash(warning, "warning")
                return redirect(url_for(".edit", meeting_id=slot.meeting_id) + "#slots")
    status = status or (400 if form.errors or problem else 200)
    # The page names the slot and when it is, and the zone its fixed start is typed in
    # (helper-90: "Edit slot", and "(home zone)" without saying which).
    zone = slot.meeting.time_zone
    form.start.description = (
        f"Leave empty to follow the slot before; or pin it to a time in {place_name(zone)}, the "
        "meeting's home zone."
    )
    when = moment_in(zone, slot.starts_at) if slot.starts_at is not None and zone else None
    page = render_template("agenda/slot.html", slot=slot, form=form, problem=problem, when=when)
    return page, status


@bp.post("/slots/<int:slot_id>/move")
@colead_required
def move(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    steps = {"up": -1, "down": 1}
    if (direction := request.form.get("direction")) not in steps:
        abort(400, "A slot moves up or down: send direction=up or direction=down.")
    refuse_if_cancelled(slot.meeting)
    if _changed_since_asked(slot.meeting, "agenda", "moved", field="agenda_version"):
        # A move unpins the two slots it swaps: not on an agenda the co-lead has not seen.
        return _edit_page(slot.meeting, status=409)
    if pinned := move_slot(slot, steps[direction]):
        # Moving unpins the two slots it swaps: say so, it is easy to miss (helper-69).
        flash(
            f"{titles_of(pinned)} {'was' if len(pinned) == 1 else 'were'} pinned to a time; "
            "moved, it now follows the slots before it. Pin it again from its Edit page if "
            "it must keep a time.",
            "warning",
        )
    # Said only when it emailed someone: a move on a draft is seen on the page.
    if (moved := _emailed("Slot moved.")) != "Slot moved.":
        flash(moved, "success")
    _say_who_is_asked_again(slot.meeting)
    # Back at the row moved, where the co-lead's eyes and keyboard were.
    return redirect(url_for(".edit", meeting_id=slot.meeting_id) + f"#slot-{slot.id}")


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
    back = url_for(".edit", meeting_id=meeting.id) + "#slots"
    if meeting.was_published:
        if slot.status == SlotStatus.cancelled:
            flash(f"“{slot.title}” is already cancelled.", "warning")
            return redirect(back)
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
        fields={"version": _asked_version(slot)},
        button=button,
        back=back,
        crumbs=_meeting_crumbs(meeting),
    ), status


@bp.post("/slots/<int:slot_id>/delete")
@colead_required
def delete_slot(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    if _changed_since_asked(slot, "slot"):
        return _confirm_delete_slot(slot, 409)
    meeting = slot.meeting
    outcome = remove_slot(slot)
    flash(
        _emailed(
            "Slot deleted."
            if outcome == "deleted"
            else "The meeting was published, so the slot is cancelled instead of deleted: "
            "subscribers see it as cancelled.",
            "the cancellation",
        ),
        "success",
    )
    _say_who_is_asked_again(meeting)
    return redirect(url_for(".edit", meeting_id=meeting.id) + "#slots")


@bp.post("/meetings/<int:meeting_id>/offices")
@colead_required
def offices(meeting_id: int):
    found = _meeting(meeting_id, drafts=True)
    codes = request.form.getlist("offices")
    chosen = {code.strip().upper() for code in codes}
    seen = request.form.get("version")
    if seen is not None and seen != str(found.version):
        # Someone saved the meeting since this page was opened: their change stays, this
        # choice comes back ticked, to save again having looked.
        problem = (
            "The meeting changed since you opened this page: the participating offices were not "
            "saved. Your choice is still ticked below; look, then save again to keep it."
        )
        return _edit_page(found, offices_problem=problem, chosen_offices=chosen, status=409)
    try:
        set_offices(found, codes)
    except AgendaError as error:
        refuse_changes()
        return _edit_page(
            found, offices_problem=f"Offices not saved: {error}", chosen_offices=chosen
        )
    flash("Participating offices saved.", "success")
    return redirect(url_for(".edit", meeting_id=found.id) + "#offices")
