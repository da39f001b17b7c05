"""POST /api/v1/lineups: the best line-up for rules given as JSON, with its evidence."""

from flask import Blueprint, abort, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from planner.accounts.security import colead_required, editor
from planner.lineup.operations import propose_lineup, save_lineup
from planner.lineup.solver import InfeasibleRules
from planner.lineup.views import make_form
from planner.survey.operations import SurveyNotFound, find_survey

bp = Blueprint("lineup_api", __name__, url_prefix="/api/v1")

_LISTS = ("include", "exclude")


def _as_form(payload: dict) -> MultiDict:
    """JSON fields as the form's fields, so the API validates exactly as the page does.

    Fields the JSON leaves out take the form's defaults.
    """
    data = MultiDict(
        (field.name, str(field.default))
        for field in make_form(meta={"csrf": False})
        if field.default is not None and field.type != "BooleanField"
    )
    for name, value in payload.items():
        if name == "recommendation":
            data.setlist("focus", [str(value)])
        elif name == "secondary":
            pairs = (
                value.items()
                if isinstance(value, dict)
                else [str(item).split(":", 1) for item in (value or [])]
            )
            for number, slots in pairs:
                data.setlist(f"extra_{number}", [str(slots)])
        elif name in _LISTS:
            data.setlist(name, [", ".join(value) if isinstance(value, list) else str(value)])
        elif isinstance(value, bool):
            if value:
                data.setlist(name, ["y"])
        elif value is not None and name != "survey":
            data.setlist(name, [str(value)])
    if payload.get("one_per_office", True) is True:
        data["one_per_office"] = "y"
    return data


@bp.post("/lineups")
@colead_required
def create():
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        abort(400, 'Send the rules as a JSON object, e.g. {"recommendation": 10, "slots": 5}.')
    try:
        survey = find_survey(payload.get("survey") or None)
    except SurveyNotFound as error:
        abort(404, str(error))
    form = make_form(formdata=_as_form(payload), meta={"csrf": False})
    if not form.validate():
        response = jsonify({"error": "Bad Request", "status": 400, "fields": form.errors})
        response.status_code = 400
        return response
    try:
        report = propose_lineup(survey, form.rules())
    except InfeasibleRules as error:
        response = jsonify({"error": "Unprocessable Content", "status": 422, "message": str(error)})
        response.status_code = 422
        return response
    lineup = save_lineup(survey, report, editor=editor())
    body = {"id": lineup.id, "url": url_for("lineup.detail", lineup_id=lineup.id)}
    body.update(report.as_dict())
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = body["url"]
    return response
