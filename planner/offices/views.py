"""Office pages: the searchable list, each office's answers and local time, and editing."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from planner.accounts.security import colead_required, editor
from planner.calendar.operations import office_feed_token
from planner.extensions import db
from planner.offices.forms import OfficeForm
from planner.offices.models import Office
from planner.offices.operations import find_offices, update_office
from planner.survey.operations import query_answers, respondent_offices
from planner.survey.records import Question
from planner.survey.views import survey_from_request
from planner.timezones import local_time, place_time_zones, utc_offset

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
    respondents = {o.code for o in respondent_offices(survey)} if survey else set()
    counts: dict[tuple[str, Question], int] = {}
    if survey:
        for answer in query_answers(survey):
            if answer.recommendation_number is not None:
                key = (answer.office_code, answer.question)
                counts[key] = counts.get(key, 0) + 1
    offices = find_offices(text)
    return render_template(
        "offices/index.html",
        offices=offices,
        text=text,
        survey=survey,
        respondents=respondents,
        counts=counts,
        local_times={o.code: local_time(o.time_zone) for o in offices if o.time_zone},
        utc_offset=utc_offset,
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
    feed_url = None
    if current_user.is_authenticated:
        token = office_feed_token(office, current_app.config["SECRET_KEY"])
        feed_url = url_for("calendar.office_ics", code=office.code, token=token, _external=True)
    return render_template(
        "offices/detail.html",
        office=office,
        survey=survey,
        responded=bool(answers) or (survey and office in respondent_offices(survey)),
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
    if form.validate_on_submit():
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
        "offices/edit.html", office=office, form=form, zones=place_time_zones()
    ), (400 if form.errors else 200)
