"""The co-leads' meeting pages: a new meeting (a form sent again makes no twin), its edits and
its participating offices. Publishing, cancelling and deleting it are in `publish_views`,
choosing a fair start in `suggest_views`."""

import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from planner.accounts.security import colead_required
from planner.agenda import history as changes
from planner.agenda.blueprint import bp
from planner.agenda.checks import AgendaError, check_text
from planner.agenda.edit_page import editor_page, meeting_form_for
from planner.agenda.forms import MeetingForm
from planner.agenda.models import Meeting, MeetingSeries, MeetingStatus
from planner.agenda.operations import (
    apply_meeting,
    create_meeting,
    ended_draft_note,
    series_titled,
    set_offices,
)
from planner.agenda.queries import get_meeting
from planner.agenda.view_helpers import (
    JUST_MADE,
    MEETING_FIELDS,
    as_shown,
    emailed_note,
    meeting_or_404,
    place_refusal,
    quietly,
    say_who_is_asked_again,
    twin_of,
    undo_refused,
    unless_asked_again,
)
from planner.db_types import utcnow
from planner.extensions import db
from planner.forms import changed_by_sender, saved_unless_stale
from planner.offices.models import typed_code
from planner.pagination import paged, requested
from planner.timezones import is_time_zone, local_time, moment_in, place_name, zone_info
from planner.web import reading, refuse_changes


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
        and starts_at == as_shown(meeting.time_zone, meeting.starts_at)
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
        "recommendation": int(form.recommendation.data) if form.recommendation.data else None,
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
        return series_titled(form.new_series.data.strip())
    return db.session.get(MeetingSeries, int(form.series.data)) if form.series.data else None


@bp.route("/meetings/new", methods=["GET", "POST"])
@colead_required
def new():
    form = meeting_form_for()
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
        twin = unless_asked_again(_just_made_meeting(changes))
        if twin is not None:
            page = render_template("agenda/new.html", form=form, key=key, twin=twin_of(twin))
            return page, 409
        try:
            # Sent again with other details (back, changed, sent): another meeting.
            created = create_meeting(
                changes, series=_series(form), uid=uid if made is None else None
            )
        except AgendaError as error:
            undo_refused()
            problem = place_refusal(form, error, MEETING_FIELDS)
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
        meeting.title == quietly(check_text, changes.get("title") or "", "", 200)
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
    if not reading() and get_meeting(meeting_id) is None:
        return _deleted_meanwhile()
    found = meeting_or_404(meeting_id, drafts=True)
    if reading():
        return editor_page(found)
    form = meeting_form_for(found)
    problem = None
    if form.validate_on_submit():
        was = (found.time_zone, found.starts_at)
        # The date and start as sent, on the clocks of the zone sent, if the co-lead typed them.
        typed = (form.time_zone.data.strip(), form.day.data, form.start.data)
        typed = typed if changed_by_sender(form, "day", "start") else None

        def save() -> None:
            apply_meeting(found, _meeting_changes(form, found))
            found.series = _series(form)

        try:
            problem = saved_unless_stale(
                form, lambda: meeting_form_for(found, submitted=False), found, "The meeting", save
            )
        except AgendaError as error:
            undo_refused()
            problem = place_refusal(form, error, MEETING_FIELDS)
        else:
            if problem is not None:
                if typed and (note := _start_read_where_typed(form, found, *typed)):
                    problem += " " + note
                return editor_page(found, form=form, problem=problem, status=409)
            flash(emailed_note("Meeting saved."), "success")
            _say_if_moved_with_its_zone(found, *was)
            say_who_is_asked_again(found)
            _say_if_over(found)
            return redirect(url_for(".edit", meeting_id=found.id))
    return editor_page(found, form=form, problem=problem)


def _start_read_where_typed(
    form: MeetingForm, meeting: Meeting, zone: str, day: date | None, start: time | None
) -> str | None:
    """Refused as someone else saved the meeting first, the form takes their new home zone in:
    the date and start the co-lead typed (`day` and `start`, as sent) were on the clocks of the
    zone their form had, `zone`, and are shown on the new zone's, saying so (helper-236: 14:00
    typed in Geneva stayed 14:00 beside New York, and saving again put the meeting six hours
    later than meant). What to add to the refusal; None when the zone is the co-lead's."""
    now = form.time_zone.data.strip()
    if now in (zone, "") or now != meeting.time_zone or not (day and start and is_time_zone(zone)):
        return None
    instant = datetime.combine(day, start, tzinfo=zone_info(zone)).astimezone(UTC)
    local = local_time(now, instant)
    form.day.data, form.day.raw_data = local.date(), [local.date().isoformat()]
    form.start.data, form.start.raw_data = local.time(), [f"{local:%H:%M}"]
    return (
        f"Your date and start were typed in {place_name(zone)}, the home zone your form had: "
        f"{moment_in(zone, instant)} is {moment_in(now, instant)}, which the form now says."
    )


def _deleted_meanwhile():
    """A save of a draft someone deleted since its page was opened: nothing is saved, and what
    was typed comes back on the new-meeting page, to create again or leave (helper-179: a bare
    404 lost it, as helper-89 found of contacts)."""
    form = meeting_form_for()
    form.validate()  # what is wrong with it is said now, not on the next try
    problem = (
        "This meeting was deleted since you opened its page (by another co-lead): nothing was "
        "saved. What you typed is below, as a new meeting: create it again, or leave it."
    )
    page = render_template("agenda/new.html", form=form, problem=problem, key=_form_key(None))
    return page, 409


def _say_if_moved_with_its_zone(meeting: Meeting, zone: str, starts_at: datetime | None) -> None:
    """The date and time are read on the home zone's clocks: a new zone with the same clock
    time is another moment. Said, with both, so a co-lead who meant the same moment sees it
    (helper-82: a fair start chosen for Zurich became 10:30 in Sydney, ten hours earlier)."""
    if zone == meeting.time_zone or starts_at is None or meeting.starts_at == starts_at:
        return
    flash(
        f"The home time zone is now {place_name(meeting.time_zone)} ({meeting.time_zone}), "
        "and the meeting starts at "
        f"{moment_in(meeting.time_zone, meeting.starts_at)}: that is "
        f"{moment_in(zone, meeting.starts_at)}, where it was "
        f"{moment_in(zone, starts_at)}. If you meant the same moment as before, set the start "
        f"to {moment_in(meeting.time_zone, starts_at)}.",
        "warning",
    )


@bp.get("/meetings/<int:meeting_id>/history")
@colead_required
def history(meeting_id: int):
    """Every change of the meeting and its slots, latest first, a page at a time."""
    meeting = meeting_or_404(meeting_id, drafts=True)
    number, size = requested(request.args, size=changes.PAGE_SIZE, max_size=changes.PAGE_SIZE)
    page, recorded = paged(changes.recorded(meeting.id), number, size)
    return render_template(
        "agenda/history.html",
        meeting=meeting,
        page=page,
        lines=changes.lines(meeting, recorded),
        place=place_name(meeting.time_zone or "UTC"),
    )


@bp.post("/meetings/<int:meeting_id>/offices")
@colead_required
def offices(meeting_id: int):
    found = meeting_or_404(meeting_id, drafts=True)
    codes = request.form.getlist("offices")
    chosen = {typed_code(code) or code.strip() for code in codes}
    seen = request.form.get("version")
    if seen is not None and seen != str(found.version):
        # Someone saved the meeting since this page was opened: their change stays, this
        # choice comes back ticked, to save again having looked.
        problem = (
            "The meeting changed since you opened this page: the participating offices were not "
            "saved. Your choice is still ticked below; look, then save again to keep it."
        )
        return editor_page(found, offices_problem=problem, chosen_offices=chosen, status=409)
    try:
        set_offices(found, codes)
    except AgendaError as error:
        refuse_changes()
        return editor_page(
            found, offices_problem=f"Offices not saved: {error}", chosen_offices=chosen
        )
    flash("Participating offices saved.", "success")
    return redirect(url_for(".edit", meeting_id=found.id) + "#offices")
