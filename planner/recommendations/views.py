"""Recommendation pages: the list, each recommendation with its survey evidence, and editing."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for

from planner.accounts.security import colead_required, editor, is_colead
from planner.agenda.queries import meetings_on
from planner.db_types import utcnow
from planner.extensions import db
from planner.forms import saved_unless_stale
from planner.matching.sources import focus_readings
from planner.recommendations.forms import RecommendationForm
from planner.recommendations.models import Recommendation
from planner.recommendations.operations import all_recommendations, update_recommendation
from planner.survey.operations import changes_since_previous, query_answers, survey_summary
from planner.survey.records import Question
from planner.web import survey_from_request

bp = Blueprint("recommendations", __name__, url_prefix="/recommendations")

# Sections of a recommendation page, in the order a co-lead drafting a session reads them.
SECTIONS = (
    (
        Question.focus,
        "Offices focused on it",
        "Their current projects (Q4), each read as the matches read it. Working and under-way "
        "projects present; a plan only when plans are considered; an answer that asks for help "
        "counts as demand.",
    ),
    (Question.discuss, "Offices wanting it discussed", "In their own words (Q8)."),
    (Question.challenge, "Big challenges", "Why offices find it hard (Q6)."),
    (Question.low_priority, "Low priority", "Why offices put it aside (Q5)."),
    (Question.implementation, "Comments on implementation", "From question 3."),
)


def _recommendation(number: int) -> Recommendation:
    recommendation = db.session.get(Recommendation, number)
    if recommendation is None:
        abort(404, f"There is no recommendation {number}; the recommendations are numbered 1–10.")
    return recommendation


@bp.get("")
def index():
    survey = survey_from_request()
    summary = survey_summary(survey) if survey else None
    return render_template(
        "recommendations/index.html",
        survey=survey,
        summary=summary,
        recommendations=all_recommendations(),
    )


@bp.get("/<int:number>")
def detail(number: int):
    recommendation = _recommendation(number)
    survey = survey_from_request()
    answers = query_answers(survey, recommendation=number) if survey else []
    sections = [
        (question, heading, note, [a for a in answers if a.question is question])
        for question, heading, note in SECTIONS
    ]
    # A Q4 answer that only plans or asks for help is no presenter: each says how it reads.
    readings = focus_readings(answers)
    # The meetings on it, from its page (helper-369: they were on the Meetings list alone).
    now = utcnow()
    on_it = meetings_on(number, include_drafts=is_colead())
    return render_template(
        "recommendations/detail.html",
        recommendation=recommendation,
        survey=survey,
        sections=sections,
        readings=readings,
        # Planned: still to come (drafts too), soonest first; held: published and over, latest
        # first; a draft whose date has passed is neither, and said so (co-leads alone see it).
        planned=[m for m in on_it if not m.ended(now)],
        held=[m for m in reversed(on_it) if m.took_place(now)],
        past_drafts=[m for m in reversed(on_it) if m.ended(now) and not m.took_place(now)],
        # Against the round before: which offices name it now and no longer.
        since=changes_since_previous(survey, recommendation=number) if survey else None,
    )


@bp.route("/<int:number>/edit", methods=["GET", "POST"])
@colead_required
def edit(number: int):
    recommendation = _recommendation(number)
    form = RecommendationForm(obj=recommendation)
    problem = None
    if form.validate_on_submit():
        problem = saved_unless_stale(
            form,
            lambda: RecommendationForm(formdata=None, obj=recommendation),
            recommendation,
            f"Recommendation {number}",
            lambda: update_recommendation(
                recommendation,
                short_title=form.short_title.data,
                text=form.text.data or "",
                editor=editor(),
            ),
        )
        if problem is None:
            flash(f"Recommendation {number} saved.", "success")
            return redirect(url_for(".detail", number=number))
    page = render_template(
        "recommendations/edit.html", recommendation=recommendation, form=form, problem=problem
    )
    return page, (409 if problem else 400 if form.errors else 200)
