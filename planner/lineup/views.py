"""Line-up pages: set the rules, see the best line-up with its proof, save, adjust and accept."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup

from planner.accounts.security import colead_required, editor
from planner.agenda.checks import MAX_MINUTES, AgendaError, check_minutes
from planner.agenda.models import Meeting, MeetingStatus, Slot
from planner.agenda.operations import slots_end_minutes, unplanned_minutes
from planner.agenda.queries import given_presentations, lineup_target_choices, workshop_focuses
from planner.agenda.report import Topic, held_meetings, topics
from planner.db_types import db_int, utcnow
from planner.extensions import db
from planner.forms import lost_race
from planner.lineup.forms import (
    DEFAULT_FOCUS,
    adjust,
    adjust_all,
    form_data,
    make_form,
    office_picker,
)
from planner.lineup.models import Lineup
from planner.lineup.operations import (
    accept_lineup,
    lineups_newest_first,
    propose_lineup,
    save_lineup,
)
from planner.lineup.report import NEGLIGIBLE, by_best_match, served
from planner.lineup.rules import MAX_RESERVED, InfeasibleRules
from planner.matching.operations import accepted_projects
from planner.offices.models import Office
from planner.offices.operations import find_offices
from planner.pagination import paged, requested
from planner.recommendations.operations import all_recommendations
from planner.request_input import form_int, query_int
from planner.survey.operations import latest_survey, respondent_codes, survey_summary
from planner.survey.records import Question
from planner.timezones import local_time
from planner.web import flag_from, reading, survey_from_request

bp = Blueprint("lineup", __name__, url_prefix="/lineups")
# A line-up's result (lineup/_result.html), wherever it is shown, as the command line says it.
bp.add_app_template_global(by_best_match, "by_best_match")
bp.add_app_template_global(NEGLIGIBLE, "NEGLIGIBLE")

# Saved line-ups on a page of the list: each keeps its evidence (the relevance of every
# presenter to every interested office, up to a megabyte at 500 offices), read to say whom it
# serves.
PAGE_SIZE = 20

# A saved line-up goes with the survey it was made from when that survey is replaced or deleted
# (`survey.operations.import_record`): a link kept from before leads here.
_GONE = (
    "There is no line-up {}. Saved line-ups go with the survey they were made from when it is "
    "replaced or deleted; propose a new one from the current survey."
)


def _offices() -> dict[str, Office]:
    return {o.code: o for o in find_offices()}


@bp.get("")
@colead_required
def index():
    number, size = requested(request.args, size=PAGE_SIZE, max_size=PAGE_SIZE)
    page, lineups = paged(lineups_newest_first(), number, size)
    return render_template(
        "lineup/index.html",
        lineups=lineups,
        page=page,
        served={one.id: served(one.result) for one in lineups},
    )


@bp.route("/new", methods=["GET", "POST"])
@colead_required
def new():
    survey = survey_from_request()
    if survey is None:
        abort(404, "Import a survey first: line-ups are built from its answers.")
    saved = query_int("from")
    data = (
        form_data(db.get_or_404(Lineup, saved, description=_GONE.format(saved)).rules)
        if saved and reading()
        else {}
    )
    focus = query_int("focus")
    if focus and reading() and not saved:
        # "Propose a line-up from these" on a recommendation's matches, plans included if
        # they were there.
        data = {"focus": focus, "include_plans": flag_from(request.args, "include_plans")}
    recommendations, offices = all_recommendations(), _offices()
    covered = workshop_focuses()
    if not data and reading():
        # A new line-up is for the workshop being prepared: not on a recommendation whose
        # latest workshop has taken place (helper-204: after the Rec 10 workshop, the page still
        # proposed Rec 10). One still to come is the one a co-lead is likely working on.
        held = {n: meeting for n, meeting in covered.items() if meeting.ended()}
        data = {"focus": _next_focus(survey, held)}
    form = make_form(recommendations, offices, data=data)
    _name_workshops(form, covered)
    choices = {"recommendations": recommendations, "offices": offices}
    if request.method == "POST":
        # "Keep" and "Drop" beside each presentation adjust the rules; the line-up is solved again.
        adjust(form, keep=request.form.get("keep"), drop=request.form.get("drop"))
        if request.form.get("leave_out") == "presented":
            # "Leave out those who presented on it before": an opt-in rule, as typed in
            # "Must exclude"; the scores stay what they are.
            focus = form.focus.data if isinstance(form.focus.data, int) else None
            adjust_all(form, drop=_presented_on(focus))
    result, lineup, problem, culprits = None, None, None, ()
    if form.validate_on_submit():
        try:
            report = propose_lineup(survey, form.rules(), prefer=_previous_presentations())
        except InfeasibleRules as error:
            problem, culprits = str(error), error.rules
        else:
            saved_as: list[Lineup] = []
            label = survey.label
            if lost_race(lambda: saved_as.append(save_lineup(survey, report, editor=editor()))):
                # Its survey was deleted while it was being solved (helper-83: "someone saved
                # the same thing" said a bare 409 page). The rules come back as typed, for
                # the survey shown now (none, if it was the last: the page says so).
                survey = latest_survey()
                problem = (
                    f"The survey {label} was deleted while this line-up was being found: "
                    "nothing was saved. Find it again on the survey shown now."
                )
                return _render(form, survey, None, None, problem, 409, **choices)
            lineup = saved_as[0]
            # Shown by a GET of its own: Back and reload work, and sending nothing again
            # (helper-82: Back from a result was the browser's "Confirm resubmission").
            shown = {"from": lineup.id, "saved": 1, "previous": _previous_id()}
            return redirect(url_for(".new", survey=survey.slug, **shown) + "#result")
    elif saved and reading():
        # A saved line-up with its rules, to adjust: just solved (`saved`) or reopened.
        lineup = db.session.get(Lineup, saved)
        result = lineup.result
    status = 400 if form.errors else 422
    return _render(form, survey, result, lineup, problem, status, culprits=culprits, **choices)


def _render(
    form, survey, result, lineup, problem, refused: int, *, recommendations, offices, culprits=()
):
    """The rules form with the line-up found (or why none was), answered with `refused` when
    there is a problem; `recommendations` and `offices` as the form was made with, `culprits`
    the rules the problem names (`InfeasibleRules.rules`)."""
    changes = _changes(_previous_id(), result)
    if changes and changes["previous"] == lineup:
        changes = None  # the same rules sent again: nothing to compare it with
    status = 400 if form.errors else refused if problem else 200
    # At 200 offices nobody knows every code: the rules to include or exclude offices list the
    # survey's offices to tick, codes typed still taken (helper-216), and those presenting an
    # accepted proposal without having answered it (helper-252: WO and SG could be typed only).
    listed = respondent_codes(survey) if survey else set()
    volunteered = {p.office for p in accepted_projects()} - listed
    listed |= volunteered
    pickers = {
        name: office_picker(form[name].data, offices, listed) for name in ("include", "exclude")
    }
    return render_template(
        "lineup/new.html",
        form=form,
        pickers=pickers,
        survey=survey,
        volunteered=volunteered,
        result=result,
        served=served(result) if result else None,
        lineup=lineup,
        just_saved=flag_from(request.args, "saved"),
        problem=problem,
        culprits=_culprit_fields(form, culprits),
        offices=offices,
        recommendations=recommendations,
        max_reserved=MAX_RESERVED,
        drafts=lineup_target_choices(utcnow()) if lineup else [],
        changes=changes,
        presented=_presented_before() if result else {},
        **(_on_topic(result) if result else {"history": {}, "already_served": []}),
    ), status


# The rules in the order the page shows their boxes.
_ON_THE_PAGE = (
    "focus",
    "slots",
    "secondary",
    "one_per_office",
    "include_plans",
    "include",
    "exclude",
    "min_small",
    "max_per_region",
)


def _culprit_fields(form, culprits) -> dict[str, dict]:
    """The fields of the rules a refusal names, by rule, in the page's order: the id of the
    box a link beside the refusal moves to, and its label. The reserved slots are a group of
    boxes: the link goes to the first one filled in, else the first shown."""
    found = {}
    for name in _ON_THE_PAGE:
        if name not in culprits:
            continue
        if name == "secondary":
            focus = f"extra_{form.focus.data}"
            boxes = [f for f in form if f.name.startswith("extra_") and f.name != focus]
            box = next((f for f in boxes if f.data), boxes[0])
            found[name] = {"id": box.id, "label": "Slots reserved for other recommendations"}
        else:
            found[name] = {"id": form[name].id, "label": form[name].label.text}
    return found


def _presenters(result: dict) -> list[str]:
    # Line-ups saved before the rename call their presentations "talks".
    return [p["office"] for p in result.get("presentations", result.get("talks", []))]


def _previous_id() -> int | None:
    """The line-up the form was solved from, to say what changed (sent with the form, then
    carried to the result's page): one it names wrongly (a tampered field) is none, rather
    than losing the rules typed to a 400 page."""
    try:
        return db_int(request.values.get("previous", "").strip() or "x")
    except ValueError:
        return None


def _previous_presentations() -> frozenset[str]:
    """The presentations ("AU:10") of the line-up the form was solved from, if any."""
    previous_id = _previous_id()
    previous = db.session.get(Lineup, previous_id) if previous_id else None
    if previous is None:
        return frozenset()
    shown = previous.result.get("presentations", previous.result.get("talks", []))
    return frozenset(f"{p['office']}:{p['recommendation']}" for p in shown)


def _changes(previous_id: int | None, result: dict | None) -> dict | None:
    """What "Keep", "Drop" or new rules changed against the line-up on the page before: the
    presenters out and in, since solving again may replace more than the one dropped."""
    previous = db.session.get(Lineup, previous_id) if previous_id else None
    if previous is None or result is None:
        return None
    before, after = _presenters(previous.result), _presenters(result)
    return {
        "previous": previous,
        "out": [o for o in before if o not in after],
        "in": [o for o in after if o not in before],
    }


@bp.get("/<int:lineup_id>")
@colead_required
def detail(lineup_id: int):
    lineup = db.get_or_404(Lineup, lineup_id, description=_GONE.format(lineup_id))
    return _detail(lineup)


@bp.get("/<int:lineup_id>/figures")
@colead_required
def figures(lineup_id: int):
    """Each interested office's weight and each candidate presenter's score, from which anyone
    recomputes a line-up's worth: a page of its own, linked from the line-up, rather than folded
    under it (helper-257: 115 kB of a line-up's 153 kB at 200 offices, 460 kB of 510 kB at 400:
    interested offices times candidates)."""
    lineup = db.get_or_404(Lineup, lineup_id, description=_GONE.format(lineup_id))
    return render_template("lineup/figures.html", lineup=lineup, result=lineup.result)


def _detail(
    lineup: Lineup, problem: str | None = None, status: int = 200, length_refused: bool = False
):
    """The line-up's page; refused, with why (`problem`), which the length field says beside it
    too when it is the length that was refused."""
    page = render_template(
        "lineup/detail.html",
        lineup=lineup,
        result=lineup.result,
        served=served(lineup.result),
        offices=_offices(),
        drafts=lineup_target_choices(utcnow()),
        problem=problem,
        length_refused=length_refused,
        presented=_presented_before(),
        **_on_topic(lineup.result),
    )
    return page, status


def _next_focus(survey, held: dict[int, Meeting]) -> int:
    """The recommendation most offices want discussed (Q8) whose latest workshop is not `held`
    already (the lowest number of a tie); the most wanted of all once every one has had its
    workshop."""
    wanted = survey_summary(survey).questions[Question.discuss].by_recommendation
    ranked = sorted(wanted, key=lambda number: (-wanted[number].count, number))
    return next((n for n in ranked if n not in held), ranked[0] if ranked else DEFAULT_FOCUS)


def _name_workshops(form, covered: dict[int, Meeting]) -> None:
    """Each recommendation a workshop is on says so in the focus list, with the workshop's day."""
    for choice in form.focus.choices:
        if meeting := covered.get(choice.value):
            day = (
                local_time(meeting.time_zone, meeting.starts_at).strftime("%-d %b %Y")
                if meeting.starts_at
                else "no date yet"
            )
            choice.label = f"{choice.label} — workshop: {day}"
    if covered:
        form.focus.description = (
            "A recommendation with a workshop (held or planned) says so; a new line-up starts "
            "from the one most offices want discussed whose workshop has not taken place."
        )


def _presented_before() -> dict[str, list[Slot]]:
    """Each office's presentations given at meetings that took place, latest first: the line-up
    says who presented last time, for the co-leads to weigh (helper-204)."""
    by_office: dict[str, list[Slot]] = {}
    for slot in given_presentations(utcnow()):
        by_office.setdefault(slot.office_code, []).append(slot)
    return by_office


def _presented_on(focus: int | None) -> list[str]:
    """The offices that presented on recommendation `focus` at a meeting that took place."""
    if focus is None:
        return []
    return sorted(code for code in topics(held_meetings(utcnow())).get(focus, Topic()).presented)


def _on_topic(result: dict) -> dict:
    """What the meetings that took place gave on the line-up's recommendations (`history`, by
    number: `agenda.report.Topic`) and the interested offices already served, each with the
    latest talk on its recommendation at a meeting it took part in (`already_served`): who
    presented before, for the co-leads to weigh, and audiences not yet served to prefer."""
    history = topics(held_meetings(utcnow()))
    already = []
    for key in result.get("weights") or {}:
        office, _, number = key.rpartition(":")
        topic = history.get(int(number)) if number.isdigit() else None
        if topic and (talks := topic.took_part.get(office)):
            already.append({"office": office, "recommendation": int(number), "talk": talks[0]})
    already.sort(key=lambda a: (a["recommendation"], a["office"]))
    return {"history": history, "already_served": already}


def _length_asked(into: Meeting | None) -> tuple[int | None, str | None]:
    """The length typed for a new workshop (None: it follows its slots), or why it is refused."""
    text = request.form.get("length", "").strip()
    if not text:
        return None, None
    if into is not None:
        return None, (
            "A length is for a new workshop: the draft chosen keeps its own (set it on its "
            "editor). Empty the length, or choose “a new draft workshop”."
        )
    try:
        value = db_int(text)
    except ValueError:
        # Not a whole number; or one of more digits than any column holds (int() refuses
        # over 4300 of them), which is too long a workshop.
        value = MAX_MINUTES + 1 if text.isascii() and text.isdigit() else text
    try:
        return check_minutes(value, "The workshop's length"), None
    except AgendaError as error:
        return None, f"{error} Type it again in “lasting”, or leave it empty."


def _length_not_used(meeting: Meeting, length: int) -> Markup:
    """Why a length typed when accepting a line-up again changed nothing, and where to set it."""
    return Markup(
        "The length of {} minutes was not used: a length is for a new workshop, and “{}” "
        'keeps its {} minutes. Set its length on <a href="{}">its editor</a>.'
    ).format(
        length,
        meeting.title,
        meeting.duration_minutes,
        url_for("agenda.edit", meeting_id=meeting.id, _anchor="duration_minutes"),
    )


@bp.post("/<int:lineup_id>/accept")
@colead_required
def accept(lineup_id: int):
    lineup = db.get_or_404(Lineup, lineup_id, description=_GONE.format(lineup_id))
    target = form_int("meeting")  # none: a new draft workshop
    into = None
    if target is not None:
        into = db.session.get(Meeting, target)
        if into is None:
            # A draft deleted since the form was opened (or a number that never was one): the
            # line-up's page again, to choose where it goes.
            return _detail(
                lineup,
                f"There is no meeting {target} (deleted since this page was opened?): "
                "choose again below.",
                404,
            )
        if into.status != MeetingStatus.draft and lineup.meeting is None:
            # Published (or cancelled) since the form was opened: say so where it was chosen.
            return _detail(
                lineup,
                f"“{into.title}” is {into.status} now, no longer a draft: a line-up goes into a "
                "draft agenda or a new draft workshop. Choose again below.",
                409,
            )
    length, problem = _length_asked(into)
    if problem:
        return _detail(lineup, problem, 400, length_refused=True)
    accepted = accept_lineup(lineup, editor=editor(), into=into, length=length)
    meeting = accepted.meeting
    if not accepted.made:
        flash("This line-up was accepted before; here is its draft agenda.", "warning")
        if length is not None and length != meeting.duration_minutes:
            # The agenda keeps the length it has: said, not silently dropped.
            flash(_length_not_used(meeting, length), "warning")
    elif into is None:
        # The agenda page it leads to has no date fields: say where they are (helper-218).
        lasting = "" if length is None else f", {length} minutes long"
        flash(
            f"Line-up #{lineup.id} is now a draft agenda{lasting}: “Edit the agenda” below sets "
            "its date and start and invites its presenters.",
            "success",
        )
        if length is not None and (left := unplanned_minutes(meeting)):
            flash(f"{left} minutes of it are not planned: no talk could take them.", "warning")
        elif length is not None and (end := slots_end_minutes(meeting)) > length:
            flash(
                f"Its slots take {end} minutes, more than the {length} given: shorten some on "
                "its editor, or lengthen the meeting.",
                "warning",
            )
    else:
        talks = f"{accepted.added} presentation{'' if accepted.added == 1 else 's'}"
        flash(f"Line-up #{lineup.id} added {talks} to “{meeting.title}”.", "success")
        if accepted.already:
            flash(
                "Already on it, so not added again: " + ", ".join(accepted.already) + ".",
                "warning",
            )
    if accepted.made and accepted.elsewhere:
        flash(
            "A volunteered presentation goes into one agenda, so not added: "
            + ", ".join(accepted.elsewhere)
            + ".",
            "warning",
        )
    return redirect(url_for("agenda.meeting", meeting_id=meeting.id))
