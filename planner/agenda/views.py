"""Meeting pages: the public agenda, and the co-leads' editing, ordering, publishing and timing."""

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from planner.accounts.security import colead_required
from planner.agenda.fairness import by_clock_time, outside_social_hours
from planner.agenda.forms import MeetingForm, SlotForm, SuggestForm
from planner.agenda.models import Meeting, MeetingSeries, Slot
from planner.agenda.operations import (
    AgendaError,
    apply_meeting,
    apply_slot,
    create_meeting,
    create_slot,
    layout,
    meetings,
    move_slot,
    next_dates,
    participating_offices,
    publish,
    remove_meeting,
    remove_slot,
    set_offices,
    suggest_times,
)
from planner.extensions import db
from planner.offices.models import Office
from planner.proposals.models import Proposal
from planner.recommendations.operations import all_recommendations
from planner.timezones import LocalTimeError, is_time_zone, place_time_zones, to_utc, zone_info

bp = Blueprint("agenda", __name__)

ZONE_KEY = "zone"  # the viewer's chosen time zone, remembered in the session
HOME_ZONE = "Europe/Zurich"  # WIPO's, for pages about no meeting in particular


def _is_colead() -> bool:
    return current_user.is_authenticated and current_user.is_colead


def _meeting(meeting_id: int, *, drafts: bool) -> Meeting:
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or (meeting.status == "draft" and not drafts):
        # Drafts are the co-leads' work in progress: to anyone else they do not exist yet.
        abort(404, f"There is no meeting {meeting_id}.")
    return meeting


def _viewer_zone(meeting: Meeting | None = None) -> tuple[str, str | None]:
    """The zone to show times in: ?zone= (remembered), the remembered one, or the home zone."""
    asked = request.args.get("zone")
    if asked and is_time_zone(asked):
        session[ZONE_KEY] = asked
    shown = session.get(ZONE_KEY) or (meeting.time_zone if meeting else HOME_ZONE)
    return shown, (asked if asked and not is_time_zone(asked) else None)


@bp.get("/meetings")
def index():
    zone, _ = _viewer_zone()
    return render_template(
        "agenda/index.html", meetings=meetings(include_drafts=_is_colead()), zone=zone
    )


@bp.get("/meetings/<int:meeting_id>")
def meeting(meeting_id: int):
    found = _meeting(meeting_id, drafts=_is_colead())
    zone, wrong_zone = _viewer_zone(found)
    local_times = []
    if found.starts_at:
        home_day = found.starts_at.astimezone(zone_info(found.time_zone)).date()
        for office in participating_offices(found):
            if not office.time_zone:
                continue
            start = found.starts_at.astimezone(zone_info(office.time_zone))
            end = found.ends_at.astimezone(zone_info(office.time_zone))
            local_times.append(
                {
                    "office": office,
                    "start": start,
                    "end": end,
                    "unsocial": outside_social_hours(start, end),
                    "other_day": start.date() != home_day,
                }
            )
    return render_template(
        "agenda/meeting.html",
        meeting=found,
        slots=layout(found),
        zone=zone,
        wrong_zone=wrong_zone,
        zones=place_time_zones(),
        local_times=local_times,
    ), (400 if wrong_zone else 200)


def _series_choices(form: MeetingForm) -> None:
    series = db.session.scalars(select(MeetingSeries).order_by(MeetingSeries.title))
    form.series.choices = [
        SelectChoice("", "none"),
        *[SelectChoice(str(s.id), s.title) for s in series],
    ]


def _meeting_changes(form: MeetingForm) -> dict:
    """The form's fields as meeting changes; the date and time are read in the home zone."""
    zone = form.time_zone.data.strip()
    if not is_time_zone(zone):
        form.time_zone.errors.append(
            f'"{zone}" is not a time zone name; use an IANA name such as Europe/Zurich.'
        )
        raise AgendaError("time zone")
    if bool(form.day.data) != bool(form.start.data):
        form.start.errors.append("Give both the date and the start time, or neither.")
        raise AgendaError("start")
    starts_at = None
    if form.day.data:
        try:
            starts_at = to_utc(datetime.combine(form.day.data, form.start.data), zone)
        except LocalTimeError as error:
            form.start.errors.append(str(error))
            raise AgendaError("start") from None
    return {
        "title": form.title.data,
        "kind": form.kind.data,
        "starts_at": starts_at,
        "duration_minutes": form.duration_minutes.data,
        "time_zone": zone,
        "video_url": form.video_url.data or None,
        "description": form.description.data or "",
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
    form = MeetingForm()
    _series_choices(form)
    if form.validate_on_submit():
        try:
            created = create_meeting(_meeting_changes(form), series=_series(form))
        except AgendaError as error:
            if not form.errors:
                form.title.errors.append(str(error))
        else:
            flash("Meeting created as a draft.", "success")
            return redirect(url_for(".edit", meeting_id=created.id))
    return render_template("agenda/new.html", form=form, zones=place_time_zones()), (
        400 if form.errors else 200
    )


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@colead_required
def edit(meeting_id: int):
    found = _meeting(meeting_id, drafts=True)
    form = MeetingForm(obj=found)
    _series_choices(form)
    if request.method == "GET":
        if found.starts_at:
            local = found.starts_at.astimezone(zone_info(found.time_zone))
            form.day.data, form.start.data = local.date(), local.time()
        form.series.data = str(found.series_id or "")
    elif form.validate_on_submit():
        try:
            apply_meeting(found, _meeting_changes(form))
            found.series = _series(form)
            db.session.commit()
        except AgendaError as error:
            db.session.rollback()
            if not form.errors:
                form.title.errors.append(str(error))
        else:
            flash("Meeting saved.", "success")
            return redirect(url_for(".edit", meeting_id=found.id))
    return render_template(
        "agenda/edit.html",
        meeting=found,
        form=form,
        slot_form=_slot_form(found),
        slots=layout(found),
        zones=place_time_zones(),
        offices=db.session.scalars(select(Office).order_by(Office.code)).all(),
        participating={o.code for o in participating_offices(found)},
    ), (400 if form.errors else 200)


def _slot_form(meeting: Meeting, slot: Slot | None = None, **kwargs) -> SlotForm:
    form = SlotForm(obj=slot, **kwargs) if slot else SlotForm(**kwargs)
    offices = db.session.scalars(select(Office).order_by(Office.code))
    form.office.choices = [
        SelectChoice("", "none"),
        *[SelectChoice(o.code, f"{o.code} – {o.short_name}") for o in offices],
    ]
    form.recommendations.choices = [
        SelectChoice(r.number, f"Rec {r.number}") for r in all_recommendations()
    ]
    accepted = db.session.scalars(
        select(Proposal).where(Proposal.status == "accepted").order_by(Proposal.id)
    )
    form.proposal.choices = [
        SelectChoice("", "none"),
        *[SelectChoice(str(p.id), f"#{p.id} {p.office_code}: {p.title}") for p in accepted],
    ]
    if slot is not None and request.method == "GET":
        form.office.data = slot.office_code or ""
        form.recommendations.data = [r.number for r in slot.recommendations]
        form.proposal.data = str(slot.proposal_id or "")
        if slot.offset_minutes is not None and slot.starts_at:
            form.start.data = slot.starts_at.astimezone(zone_info(meeting.time_zone)).time()
    return form


def _slot_changes(form: SlotForm, meeting: Meeting) -> dict:
    changes = {
        "title": form.title.data,
        "kind": form.kind.data,
        "duration_minutes": form.duration_minutes.data,
        "office": form.office.data or None,
        "recommendations": form.recommendations.data or [],
        "proposal_id": int(form.proposal.data) if form.proposal.data else None,
        "status": form.status.data,
        "abstract": form.abstract.data or "",
        "offset_minutes": None,
    }
    if form.start.data:
        if meeting.starts_at is None:
            form.start.errors.append("Give the meeting a date and start first.")
            raise AgendaError("start")
        home = meeting.starts_at.astimezone(zone_info(meeting.time_zone))
        # A time earlier than the meeting's start is on the next day: 00:30 in a meeting that
        # starts at 23:00.
        day = home.date() if form.start.data >= home.time() else home.date() + timedelta(days=1)
        try:
            pinned = to_utc(datetime.combine(day, form.start.data), meeting.time_zone)
        except LocalTimeError as error:
            form.start.errors.append(str(error))
            raise AgendaError("start") from None
        changes.pop("offset_minutes")
        changes["starts_at"] = pinned
    return changes


@bp.post("/meetings/<int:meeting_id>/slots")
@colead_required
def add_slot(meeting_id: int):
    found = _meeting(meeting_id, drafts=True)
    form = _slot_form(found)
    if form.validate_on_submit():
        try:
            create_slot(found, _slot_changes(form, found))
            db.session.commit()
        except AgendaError as error:
            db.session.rollback()
            flash(f"The slot was not added: {error}", "error")
        else:
            flash("Slot added.", "success")
            return redirect(url_for(".edit", meeting_id=found.id) + "#slots")
    for field, messages in form.errors.items():
        flash(f"The slot was not added: {form[field].label.text}: {' '.join(messages)}", "error")
    return redirect(url_for(".edit", meeting_id=found.id) + "#add-slot")


@bp.route("/slots/<int:slot_id>/edit", methods=["GET", "POST"])
@colead_required
def edit_slot(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    form = _slot_form(slot.meeting, slot)
    problem = None
    if form.validate_on_submit():
        try:
            apply_slot(slot, slot.meeting, _slot_changes(form, slot.meeting))
            db.session.commit()
        except AgendaError as error:
            db.session.rollback()
            problem = None if form.errors else str(error)
        else:
            flash("Slot saved.", "success")
            return redirect(url_for(".edit", meeting_id=slot.meeting_id) + "#slots")
    status = 400 if form.errors or problem else 200
    return render_template("agenda/slot.html", slot=slot, form=form, problem=problem), status


@bp.post("/slots/<int:slot_id>/move")
@colead_required
def move(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    move_slot(slot, -1 if request.form.get("direction") == "up" else 1)
    db.session.commit()
    return redirect(url_for(".edit", meeting_id=slot.meeting_id) + "#slots")


@bp.post("/slots/<int:slot_id>/delete")
@colead_required
def delete_slot(slot_id: int):
    slot = db.get_or_404(Slot, slot_id, description=f"There is no slot {slot_id}.")
    meeting_id = slot.meeting_id
    outcome = remove_slot(slot)
    db.session.commit()
    flash(
        "Slot deleted."
        if outcome == "deleted"
        else "The meeting was published, so the slot is cancelled instead of deleted: "
        "subscribers see it as cancelled.",
        "success",
    )
    return redirect(url_for(".edit", meeting_id=meeting_id) + "#slots")


@bp.post("/meetings/<int:meeting_id>/offices")
@colead_required
def offices(meeting_id: int):
    found = _meeting(meeting_id, drafts=True)
    try:
        set_offices(found, request.form.getlist("offices"))
    except AgendaError as error:
        db.session.rollback()
        flash(f"Offices not saved: {error}", "error")
        return redirect(url_for(".edit", meeting_id=found.id) + "#offices")
    db.session.commit()
    flash("Participating offices saved.", "success")
    return redirect(url_for(".edit", meeting_id=found.id) + "#offices")


@bp.post("/meetings/<int:meeting_id>/publish")
@colead_required
def publish_view(meeting_id: int):
    found = _meeting(meeting_id, drafts=True)
    try:
        publish(found)
        db.session.commit()
    except AgendaError as error:
        db.session.rollback()
        flash(f"Not published: {error}", "error")
        return redirect(url_for(".edit", meeting_id=found.id))
    flash("Published: the agenda is public and in the calendar feeds.", "success")
    return redirect(url_for(".meeting", meeting_id=found.id))


@bp.post("/meetings/<int:meeting_id>/delete")
@colead_required
def delete(meeting_id: int):
    found = _meeting(meeting_id, drafts=True)
    outcome = remove_meeting(found)
    db.session.commit()
    if outcome == "deleted":
        flash("The draft meeting is deleted.", "success")
        return redirect(url_for(".index"))
    flash("The meeting is cancelled; subscribers see it as cancelled.", "success")
    return redirect(url_for(".meeting", meeting_id=found.id))


@bp.route("/meetings/<int:meeting_id>/suggest", methods=["GET", "POST"])
@colead_required
def suggest(meeting_id: int):
    found = _meeting(meeting_id, drafts=True)
    if request.method == "POST":
        # "Use this start": the chosen candidate becomes the meeting's start.
        try:
            chosen = datetime.fromisoformat(request.form.get("starts_at", ""))
            apply_meeting(found, {"starts_at": chosen})
            db.session.commit()
        except (ValueError, AgendaError) as error:
            db.session.rollback()
            flash(f"Not changed: {error}", "error")
        else:
            flash("The meeting's start is set; the slots follow it.", "success")
        return redirect(url_for(".edit", meeting_id=found.id))
    first, last = next_dates(found)
    form = SuggestForm(request.args)
    all_offices = db.session.scalars(select(Office).order_by(Office.code)).all()
    form.offices.choices = [SelectChoice(o.code, f"{o.code} – {o.short_name}") for o in all_offices]
    if not request.args:
        form.offices.data = [o.code for o in participating_offices(found)]
        form.duration_minutes.data = found.duration_minutes
        form.first.data, form.last.data = first, last
    result, problem, grouped = None, None, []
    if form.validate():
        chosen = [o for o in all_offices if o.code in set(form.offices.data or [])]
        try:
            result = suggest_times(
                found,
                chosen,
                form.duration_minutes.data,
                form.first.data,
                form.last.data,
                limit=10,
            )
        except AgendaError as error:
            problem = str(error)
        else:
            grouped = by_clock_time(result.ranked, found.time_zone)[:10]
    status = 400 if (request.args and form.errors) or problem else 200
    return render_template(
        "agenda/suggest.html",
        meeting=found,
        form=form,
        result=result,
        grouped=grouped,
        problem=problem,
    ), status
