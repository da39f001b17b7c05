"""GET /api/v1/matches: who wants a recommendation discussed, who could present it, and why."""

from flask import Blueprint, abort, jsonify, request

from planner.db_types import db_int
from planner.extensions import db
from planner.matching.operations import DEFAULT_LIMIT, survey_matches
from planner.recommendations.models import Recommendation
from planner.survey.operations import find_survey
from planner.web import flag_from

bp = Blueprint("matching_api", __name__, url_prefix="/api/v1")


@bp.get("/matches")
def matches():
    try:
        number = db_int(request.args.get("recommendation", "10"))
    except ValueError:
        abort(400, "recommendation must be a recommendation number such as 10.")
    if db.session.get(Recommendation, number) is None:
        abort(404, f"There is no recommendation {number}.")
    limit: int | None = DEFAULT_LIMIT
    given = (request.args.get("limit") or "").strip()
    if given == "all":
        limit = None
    elif given:
        try:
            limit = db_int(given)
        except ValueError:
            abort(400, "limit is a whole number of presenters per office, or all.")
        if limit < 1:
            abort(400, "limit is a whole number of presenters per office, or all.")
    survey = find_survey(request.args.get("survey") or None)
    found = survey_matches(
        survey, [number], include_plans=flag_from(request.args, "include_plans"), limit=limit
    )
    return jsonify([match.as_dict() for match in found])
