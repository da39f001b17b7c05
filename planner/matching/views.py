"""The matches page: for each interested office the ranked presenters, and the reverse view."""

from collections import defaultdict

from flask import Blueprint, abort, render_template, request, url_for
from sqlalchemy import select

from planner.extensions import db
from planner.matching.operations import survey_matches
from planner.matching.scorer import (
    DEFAULT_MATURITY_WEIGHT,
    MATURITY_LEVELS,
    STRUCTURAL,
    Match,
    maturity_label,
)
from planner.offices.models import Office
from planner.recommendations.models import Recommendation
from planner.recommendations.operations import all_recommendations
from planner.survey.views import survey_from_request

bp = Blueprint("matching", __name__)

MATURITY_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
SHOWN = 5


def maturity_weight_from(args) -> float:
    """?maturity_weight= as a number from 0 to 1 (400 otherwise); the default when absent."""
    value = args.get("maturity_weight")
    if value in (None, ""):
        return DEFAULT_MATURITY_WEIGHT
    try:
        weight = float(value)
    except ValueError:
        abort(400, "maturity_weight must be a number from 0 to 1.")
    if not 0 <= weight <= 1:
        abort(400, "maturity_weight must be a number from 0 to 1.")
    return weight


@bp.get("/recommendations/<int:number>/matches")
def matches(number: int):
    recommendation = db.session.get(Recommendation, number)
    if recommendation is None:
        abort(404, f"There is no recommendation {number}; the recommendations are numbered 1–10.")
    survey = survey_from_request()
    weight = maturity_weight_from(request.args)
    found = survey_matches(survey, [number], maturity_weight=weight) if survey else []
    by_audience: dict[str, list[Match]] = defaultdict(list)
    by_presenter: dict[str, list[Match]] = defaultdict(list)
    for match in found:
        by_audience[match.audience].append(match)
        by_presenter[match.presenter].append(match)
    for listing in by_presenter.values():
        listing.sort(key=lambda m: (-m.score, m.audience))
    audiences = sorted(
        by_audience, key=lambda code: (-by_audience[code][0].reasons["interest_weight"], code)
    )
    codes = set(by_audience) | set(by_presenter)
    offices = {o.code: o for o in db.session.scalars(select(Office).where(Office.code.in_(codes)))}
    return render_template(
        "matching/matches.html",
        recommendation=recommendation,
        survey=survey,
        weight=weight,
        weights=MATURITY_WEIGHTS,
        audiences=audiences,
        by_audience=by_audience,
        presenters=sorted(by_presenter),
        by_presenter=by_presenter,
        offices=offices,
        # Addresses built once per office, not once per row: at 200 offices a page has thousands.
        office_url={
            code: url_for("offices.detail", code=code, survey=survey.slug) for code in offices
        },
        recommendation_url={
            r.number: url_for("recommendations.detail", number=r.number)
            for r in all_recommendations()
        },
        show_all=request.args.get("show") == "all",
        shown=SHOWN,
        maturity_label=maturity_label,
        maturity_levels=MATURITY_LEVELS,
        structural=STRUCTURAL,
    )
