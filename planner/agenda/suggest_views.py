"""Choosing a fair start: start times ranked for the participating offices' zones, and "Use
this start" (asked first for a published meeting, whose presenters and subscribers are told)."""

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from wtforms.fields.choices import SelectChoice

from planner.accounts.security import colead_required
from planner.agenda.blueprint import bp
from planner.agenda.checks import AgendaError, check_start
from planner.agenda.fairness import (
    HOURLY,
    OUTSIDE_WINDOW,
    PRESENTER_WEIGHT,
    WEEKEND_EXTRA,
    by_clock_time,
)
from planner.agenda.forms import SuggestForm
from planner.agenda.models import Meeting, MeetingStatus
from planner.agenda.operations import (
    apply_meeting,
    confirmed_by_presenter,
    refuse_moving_if_took_place,
    titles_of,
)
from planner.agenda.queries import participating_offices
from planner.agenda.suggestions import next_dates, suggest_times
from planner.agenda.view_helpers import (
    emailed_note,
    meeting_crumbs,
    meeting_or_404,
    offices_by_code,
    say_who_is_asked_again,
)
from planner.timezones import happens_twice, local_time, place_name, utc_offset
from planner.web import reading, refuse_changes

# More offices than fit a screen or two of boxes (a phone shows about 20): once start times are
# ranked, the boxes fold behind a count, so the ranking is not ten screens below them.
FOLD_OFFICES_OVER = 24


def _chosen_start(meeting: Meeting, starts_at: str) -> datetime:
    """The start a "Use this start" button sent, checked as any start is; the message never
    repeats what was sent (it goes into the session cookie)."""
    try:
        chosen = datetime.fromisoformat(starts_at[:64])
    except ValueError:
        raise AgendaError("the start chosen is not a date and time.") from None
    if chosen.tzinfo is None:
        raise AgendaError("the start chosen is not a date and time.")
    return check_start(chosen, meeting.time_zone or "UTC")


def _confirm_new_start(meeting: Meeting, starts_at: str):
    try:
        chosen = _chosen_start(meeting, starts_at)
        refuse_moving_if_took_place(meeting)  # not asked about what would be refused
    except AgendaError as error:
        return _suggest_page(meeting, refused=f"Not changed: {error}", status=400)
    zone = meeting.time_zone or "UTC"
    new = _at_home(meeting, chosen)
    old = _at_home(meeting, meeting.starts_at) if meeting.starts_at else "no start yet"
    consequences = [
        f"It starts {new} instead of {old} in {place_name(zone)}; its slots move with it.",
        "Subscribers' calendars show the new time at their next refresh.",
        "Invited presenters and office contacts who had it in their calendars are emailed "
        "the new time.",
    ]
    if confirmed := [s for s in meeting.slots if confirmed_by_presenter(s)]:
        consequences.append(
            f"Presenters who confirmed ({titles_of(confirmed)}) confirmed the old time: they "
            "are asked to confirm the new one."
        )
    return render_template(
        "confirm.html",
        question=f"Move the published meeting to {new} in {place_name(zone)}?",
        consequences=consequences,
        action=url_for(".suggest", meeting_id=meeting.id),
        fields={
            "starts_at": chosen.isoformat(),
            "start_seen": start_seen(meeting),
            "confirmed": "1",
        },
        button="Move the meeting",
        back=url_for(".suggest", meeting_id=meeting.id),
        back_label="Keep the current start",
        crumbs=meeting_crumbs(meeting),
    )


def _at_home(meeting: Meeting, instant: datetime) -> str:
    """ "Tuesday 9 March 2027, 13:00": an instant in the meeting's home zone, as pages say it;
    in the hour the clocks go back, with the offset that tells which of the two it is:
    "Sunday 31 October 2027, 02:30 (UTC+1)"."""
    there = local_time(meeting.time_zone or "UTC", instant)
    said = f"{there:%A %-d %B %Y, %H:%M}"
    return f"{said} ({utc_offset(there)})" if happens_twice(there) else said


def start_seen(meeting: Meeting) -> str:
    """The meeting's start as a page showed it: a "Use this start" made from another one is
    refused (another co-lead set a start meanwhile), not applied over theirs."""
    return meeting.starts_at.isoformat() if meeting.starts_at else "none"


@bp.route("/meetings/<int:meeting_id>/suggest", methods=["GET", "POST"])
@colead_required
def suggest(meeting_id: int):
    found = meeting_or_404(meeting_id, drafts=True)
    if reading():
        return _suggest_page(found)
    # "Use this start": the chosen candidate becomes the meeting's start. A published
    # meeting's subscribers and presenters are told: ask first, saying so.
    if (
        found.starts_at is not None
        and _sent_start(request.form.get("starts_at")) == found.starts_at
    ):
        # A second click of the same button: it is the start already.
        flash("The meeting already starts then: nothing changed.", "info")
        return redirect(url_for(".edit", meeting_id=found.id))
    if request.form.get("start_seen") != start_seen(found):
        now = (
            f"it now starts {_at_home(found, found.starts_at)} in "
            f"{place_name(found.time_zone or 'UTC')}"
            if found.starts_at
            else "it now has no start"
        )
        refused = (
            f"The meeting's start changed since you opened this page ({now}): nothing was "
            "changed. Here are the suggestions again; choose again."
            if request.form.get("start_seen")
            else f"The choice did not say which start the page showed ({now}): nothing was "
            "changed. Here are the suggestions again; choose again."
        )
        return _suggest_page(found, refused=refused, status=409)
    if found.status == MeetingStatus.published and request.form.get("confirmed") != "1":
        return _confirm_new_start(found, request.form.get("starts_at", ""))
    try:
        chosen = _chosen_start(found, request.form.get("starts_at", ""))
        apply_meeting(found, {"starts_at": chosen})
    except AgendaError as error:
        refuse_changes()
        return _suggest_page(found, refused=f"Not changed: {error}", status=400)
    flash(
        emailed_note(
            f"The meeting now starts {_at_home(found, found.starts_at)} in "
            f"{place_name(found.time_zone or 'UTC')}; the slots follow it.",
            "the new time",
        ),
        "success",
    )
    say_who_is_asked_again(found)
    return redirect(url_for(".edit", meeting_id=found.id))


def _sent_start(sent: str | None) -> datetime | None:
    """The aware start a "Use this start" button sent, if it is one (checked later)."""
    try:
        chosen = datetime.fromisoformat((sent or "")[:64])
    except ValueError:
        return None
    return chosen if chosen.tzinfo is not None else None


def _suggest_page(found: Meeting, refused: str | None = None, status: int = 200):
    """The ranking of start times, for the days and offices in the address (or the meeting's
    own); `refused` says why a "Use this start" was not applied."""
    first, last = next_dates(found)
    form = SuggestForm(request.args)
    all_offices = offices_by_code()
    form.offices.choices = [SelectChoice(o.code, f"{o.code} – {o.short_name}") for o in all_offices]
    if not request.args:
        form.offices.data = [o.code for o in participating_offices(found)]
        form.duration_minutes.data = found.duration_minutes
        form.first.data, form.last.data = first, last
    result, problem, grouped = None, None, []
    # Opened with no office to weigh (nothing sent): the page asks, it refuses nothing.
    asking = not request.args and not form.offices.data
    if asking:
        # Nothing to weigh yet (no survey names participants, none chosen): ask, not refuse
        # (helper-83: a 400 said no office had a time zone).
        problem = "No participating offices are chosen: tick those that take part, then rank."
    elif form.validate():
        chosen = [o for o in all_offices if o.code in set(form.offices.data or [])]
        try:
            result = suggest_times(
                found,
                chosen,
                form.duration_minutes.data,
                form.first.data,
                form.last.data,
            )
        except AgendaError as error:
            problem = str(error)
        else:
            grouped = by_clock_time(result.ranked, found.time_zone)[:10]
    if status == 200 and ((request.args and form.errors) or (problem and request.args)):
        status = 400
    return render_template(
        "agenda/suggest.html",
        meeting=found,
        form=form,
        result=result,
        grouped=grouped,
        problem=problem,
        asking=asking,
        refused=refused,
        start_seen=start_seen(found),
        took_place=found.took_place(),
        hourly=HOURLY,
        weekend_extra=WEEKEND_EXTRA,
        presenter_weight=PRESENTER_WEIGHT,
        outside_window=OUTSIDE_WINDOW,
        fold_offices_over=FOLD_OFFICES_OVER,
    ), status
