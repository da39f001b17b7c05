"""POST /api/v1/lineups: the best line-up for rules given as JSON, with its evidence."""

from flask import Blueprint, abort, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from planner.accounts.security import colead_required, editor
from planner.errors import api_error
from planner.lineup.operations import propose_lineup, save_lineup
from planner.lineup.solver import InfeasibleRules
from planner.lineup.views import make_form
from planner.survey.operations import SurveyNotFound, find_survey

bp = Blueprint("lineup_api", __name__, url_prefix="/api/v1")

_LISTS = ("include", "exclude")


def _type_problem(payload: dict) -> str | None:
    """What is wrong with the shapes of the JSON fields, before their values are validated."""
    survey = payload.get("survey")
    if survey is not None and not isinstance(survey, str):
        return "'survey' is a survey's label or slug, as a string."
    for name in _LISTS:
        value = payload.get(name)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f'\'{name}\' is a list of office codes, e.g. ["EP", "JP"].'
    secondary = payload.get("secondary")
    if secondary is None:
        return None
    example = 'e.g. {"9": 1} or ["9:1"]'
    if isinstance(secondary, dict):
        if not all(
            isinstance(v, int | str) and not isinstance(v, bool) for v in secondary.values()
        ):
            return f"'secondary' maps recommendation numbers to numbers of slots, {example}."
    elif isinstance(secondary, list):
        if not all(isinstance(item, str) and ":" in item for item in secondary):
            return f"'secondary' lists \"recommendation:slots\" pairs, {example}."
        numbers = [number for number, _ in _secondary_pairs(secondary)]
        if len(set(numbers)) < len(numbers):
            return "'secondary' names a recommendation twice."
    else:
        return f"'secondary' gives slots for other recommendations, {example}."
    return None


def _secondary_pairs(value: dict | list | None) -> list[tuple[str, str]]:
    """(recommendation, slots) as text, from {"9": 1} or ["9:1"]."""
    pairs = value.items() if isinstance(value, dict) else [i.split(":", 1) for i in value or []]
    return [(str(number).strip(), str(slots).strip()) for number, slots in pairs]


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
            for number, slots in _secondary_pairs(value):
                data.setlist(f"extra_{number}", [slots])
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
    if problem := _type_problem(payload):
        abort(400, problem)
    try:
        survey = find_survey(payload.get("survey") or None)
    except SurveyNotFound as error:
        abort(404, str(error))
    data = _as_form(payload)
    form = make_form(formdata=data, meta={"csrf": False})
    unknown = sorted(
        number
        for number, _ in _secondary_pairs(payload.get("secondary"))
        if f"extra_{number}" not in form or number == str(form.focus.data)
    )
    if unknown:
        abort(400, f"'secondary' names no other recommendation: {', '.join(unknown)}.")
    if not form.validate():
        return api_error(400, "The rules have problems; see fields.", fields=form.errors)
    try:
        report = propose_lineup(survey, form.rules())
    except InfeasibleRules as error:
        return api_error(422, str(error))
    lineup = save_lineup(survey, report, editor=editor())
    body = {"id": lineup.id, "url": url_for("lineup.detail", lineup_id=lineup.id)}
    body.update(report.as_dict())
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = body["url"]
    return response
