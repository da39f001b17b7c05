"""Pages about imported surveys: the list, and each survey's source and import warnings."""

from flask import Blueprint, abort, render_template

from planner.survey.operations import SurveyNotFound, answer_count, find_survey, list_surveys

bp = Blueprint("survey", __name__)


@bp.get("/surveys")
def index():
    surveys = list_surveys()
    return render_template("survey/index.html", surveys=[(s, answer_count(s)) for s in surveys])


@bp.get("/surveys/<slug>")
def detail(slug: str):
    try:
        survey = find_survey(slug)
    except SurveyNotFound:
        abort(404, f"No survey {slug!r} has been imported.")
    return render_template("survey/detail.html", survey=survey, answers=answer_count(survey))
