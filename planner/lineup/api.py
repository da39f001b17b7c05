"""POST /api/v1/lineups: the best line-up for rules given as JSON, with its evidence."""

from flask import Blueprint, jsonify, url_for

from planner.accounts.idempotency import idempotent
from planner.accounts.security import colead_required, editor
from planner.http_errors import api_error
from planner.lineup.forms import BadRules, rules_from
from planner.lineup.operations import new_lineup, propose_lineup, same_lineup
from planner.lineup.rules import InfeasibleRules
from planner.request_input import json_object
from planner.survey.operations import find_survey

bp = Blueprint("lineup_api", __name__, url_prefix="/api/v1")

_LISTS = ("include", "exclude")
_HINT = 'Send the rules as a JSON object, e.g. {"recommendation": 10, "slots": 5}.'


def _type_problem(payload: dict) -> tuple[str, str] | None:
    """Which JSON field has the wrong shape, and what is wrong with it, before the values are
    validated."""
    survey = payload.get("survey")
    if survey is not None and not isinstance(survey, str):
        return "survey", "'survey' is a survey's label or slug, as a string."
    for name in _LISTS:
        value = payload.get(name)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return name, f'\'{name}\' is a list of office codes, e.g. ["EP", "JP"].'
    secondary = payload.get("secondary")
    if secondary is None:
        return None
    example = 'e.g. {"9": 1} or ["9:1"]'
    if isinstance(secondary, dict):
        if not all(
            isinstance(v, int | str) and not isinstance(v, bool) for v in secondary.values()
        ):
            said = f"'secondary' maps recommendation numbers to numbers of slots, {example}."
            return "secondary", said
    elif isinstance(secondary, list):
        if not all(isinstance(item, str) for item in secondary):
            return "secondary", f"'secondary' lists \"recommendation:slots\" pairs, {example}."
    else:
        return "secondary", f"'secondary' gives slots for other recommendations, {example}."
    return None


@bp.post("/lineups")
@colead_required
@idempotent
def create():
    payload = json_object(_HINT)
    if problem := _type_problem(payload):
        # In `fields` too, as every other problem of the rules.
        name, said = problem
        return api_error(400, said, fields={name: [said]})
    survey = find_survey(payload.pop("survey", None) or None)
    try:
        rules = rules_from(payload)
    except BadRules as error:
        return api_error(400, "The rules have problems; see fields.", fields=error.errors)
    try:
        report = propose_lineup(survey, rules)
    except InfeasibleRules as error:
        # The rules to loosen are named in `fields`, as the page points at their boxes.
        return api_error(422, str(error), fields={rule: [str(error)] for rule in error.rules})
    # The same rules sent again (a retry) answer with the line-up they made before: 200, as a
    # survey imported again is, not 201 for a line-up that was not created (helper-187).
    earlier = same_lineup(survey, report, editor())
    lineup = earlier or new_lineup(survey, report, editor())
    # The survey it read, as the matches API names it: the latest unless one was asked for.
    body = {
        "id": lineup.id,
        "url": url_for("lineup.detail", lineup_id=lineup.id),
        "survey": survey.label,
    }
    body.update(report.as_dict())
    response = jsonify(body)
    response.status_code = 200 if earlier else 201
    response.headers["Location"] = body["url"]
    return response
