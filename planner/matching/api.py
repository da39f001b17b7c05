"""GET /api/v1/matches: who wants a recommendation discussed, who could present it, and why.

Answered a page at a time (`per_page` matches, at most `pagination.API_MAX_PER_PAGE`), with the
address of the next page: every presenter for every office of a large survey is many megabytes.
About 1.5 kB of JSON a match with its reasons: a default page is 150 kB, the largest 750 kB."""

from flask import Blueprint, abort, request

from planner.accounts.security import api_colead
from planner.agenda.report import given_before, given_on
from planner.db_types import MAX_INT, db_int
from planner.extensions import db
from planner.matching.forms import read_filters
from planner.matching.operations import DEFAULT_LIMIT, survey_scorer
from planner.offices.models import Office
from planner.pagination import Page, api_page, api_requested
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
        wrong = f"limit is a whole number of presenters per office from 1 to {MAX_INT}, or all."
        try:
            limit = db_int(given)
        except ValueError:
            abort(400, wrong)
        if limit < 1:
            abort(400, wrong)
    include_plans = flag_from(request.args, "include_plans")
    page_number, size = api_requested()
    office, role, maturity = read_filters(request.args)
    if office is not None and db.session.get(Office, office) is None:
        # As the page says it: an empty list would read as an office with no match.
        abort(404, f"No office known here has the ST.3 code {office}.")
    survey = find_survey(request.args.get("survey") or None)
    asked = Page(page_number, size, 0)
    total, found = survey_scorer(survey, include_plans=include_plans).window(
        [number],
        limit=limit,
        start=asked.start,
        stop=asked.stop,
        office=office,
        role=role,
        evidence=maturity,
    )
    page = Page(page_number, size, total).check()
    colead = api_colead()
    history = given_on(number)
    return {
        "recommendation": number,
        "survey": survey.label,
        **api_page(page),
        "matches": [
            {**_for_reader(match.as_dict(), colead), **given_before(match, history)}
            for match in found
        ],
    }


# What of a co-lead's mark anyone may read: that the co-leads judged the pair, and how (it moves
# the ranking everyone sees). Their note and who wrote it when are the co-leads' own.
PUBLIC_MARK = ("verdict", "label")


def _for_reader(match: dict, colead: bool) -> dict:
    mark = match["reasons"].get("mark")
    if mark and not colead:
        # A copy: the reasons are the scorer's, cached for every reader.
        match["reasons"] = {**match["reasons"], "mark": {key: mark[key] for key in PUBLIC_MARK}}
    return match
