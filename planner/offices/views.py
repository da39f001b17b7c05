"""Office pages: the searchable list, each office's answers and local time, and editing."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from planner.accounts.security import colead_required, editor, is_colead
from planner.extensions import db
from planner.forms import stale
from planner.offices.forms import OfficeForm
from planner.offices.models import Office
from planner.offices.operations import find_offices, update_office
from planner.survey.operations import (
    answer_counts,
    query_answers,
    respondent_codes,
)
from planner.survey.records import Question
from planner.timezones import local_time, place_time_zones, utc_offset
from planner.web import office_feed_url, survey_from_request

bp = Blueprint("offices", __name__, url_prefix="/offices")

SECTIONS = (
    (Question.focus, "Could present", "Projects it reported as a current focus (Q4)."),
    (Question.discuss, "Wants discussed", "What it asked the Task Force to present (Q8)."),
    (Question.challenge, "Big challenges", "Q6"),
    (Question.low_priority, "Low priorities", "Q5"),
    (Question.implementation, "Comments on implementation", "Q3"),
    (Question.proposal, "Proposals to update the recommendations", "Q7"),
)


def _office(code: str) -> Office:
    office = db.session.get(Office, code.upper())
    if office is None:
        abort(404, f"No office with the ST.3 code {code} is known.")
    return office


@bp.get("")
def index():
    text = request.args.get("q", "")
    survey = survey_from_request()
    respondents = respondent_codes(survey) if survey else set()
    counts = answer_counts(survey) if survey else {}
    offices = find_offices(text)
    return render_template(
        "offices/index.html",
        offices=offices,
        text=text,
        survey=survey,
        respondents=respondents,
        counts=counts,
    )


@bp.get("/<code>")
def detail(code: str):
    office = _office(code)
    if office.code != code:
        survey = request.args.get("survey")
        return redirect(url_for(".detail", code=office.code, survey=survey))
    survey = survey_from_request()
    answers = query_answers(survey, office=office.code) if survey else []
    sections = [
        (question, heading, note, [a for a in answers if a.question is question])
        for question, heading, note in SECTIONS
    ]
    now = local_time(office.time_zone) if office.time_zone else None
    # The office's feed link is a secret: co-leads pass it on.
    feed_url = office_feed_url(office) if is_colead() else None
    return render_template(
        "offices/detail.html",
        office=office,
        survey=survey,
        responded=bool(answers) or (survey and office.code in respondent_codes(survey)),
        sections=sections,
        now=now,
        offset=utc_offset(now) if now else None,
        feed_url=feed_url,
    )


@bp.route("/<code>/edit", methods=["GET", "POST"])
@colead_required
def edit(code: str):
    office = _office(code)
    form = OfficeForm(obj=office)
    submitted = form.validate_on_submit()
    problem = (
        stale(form, OfficeForm(formdata=None, obj=office), office, f"Office {office.code}")
        if submitted
        else None
    )
    if submitted and not problem:
        update_office(
            office,
            name=form.name.data,
            city=form.city.data or "",
            time_zone=form.time_zone.data or "",
            size=form.size.data,
            region=form.region.data,
            editor=editor(),
        )
        flash(f"{office.code} saved.", "success")
        return redirect(url_for(".detail", code=office.code))
    return render_template(
        "offices/edit.html", office=office, form=form, problem=problem, zones=place_time_zones()
    ), (409 if problem else 400 if form.errors else 200)
