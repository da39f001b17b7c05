"""JSON API over the offices: /api/v1/offices and /api/v1/offices/<code>, public and read-only,
what the offices list and an office's page show anyone (never a contact, a feed link, or which
co-lead edited what)."""

from flask import Blueprint, abort, url_for
from sqlalchemy import select

from planner.offices.models import Office
from planner.offices.operations import editor_hidden, office_named
from planner.pagination import api_page, api_requested, paged
from planner.survey.models import Survey
from planner.survey.operations import answer_counts, respondent_codes
from planner.survey.records import Question
from planner.text import as_json
from planner.web import survey_from_request

bp = Blueprint("offices_api", __name__, url_prefix="/api/v1")


class _Answered:
    """What the survey read (`?survey=`, else the latest) says of the offices `codes` names:
    whether each answered, and how many recommendations it named to each question, as the
    offices list counts them (`answer_counts`). Their rows alone are read: a page of the list,
    or one office, costs what it shows, not the whole survey (helper-313: a script reading the
    offices one by one read the whole survey each time; helper-318: a page of 10 at 400
    offices counted every office's answers, 80% of its time)."""

    def __init__(self, survey: Survey | None, codes: list[str]) -> None:
        self.survey = survey
        self.respondents = respondent_codes(survey, codes) if survey else set()
        self.counts = answer_counts(survey, codes) if survey else {}

    def of(self, office: Office) -> dict | None:
        if office.code not in self.respondents:
            return None
        return {q.value: self.counts.get((office.code, q), 0) for q in Question}


def _source(value: str | None) -> str | None:
    return editor_hidden(value) if value else None


def office_json(office: Office, answered: _Answered) -> dict:
    """An office as its page shows it to anyone: its ST.3 code, name, city, time zone, size and
    WIPO group, each of these two with where it came from (an editor named as "a co-lead"), and
    what the survey read (`survey`, its slug; null before any is imported) says of it:
    `answered` (it is a respondent) and `recommendations`, by question, how many it named (null
    when it did not answer)."""
    counts = answered.of(office)
    return {
        "code": office.code,
        "name": office.name,
        "city": office.city,
        "time_zone": office.time_zone,
        "size": office.size,
        "size_source": _source(office.size_source),
        "wipo_group": office.region,
        "wipo_group_source": _source(office.region_source),
        "url": url_for("offices.detail", code=office.code, _external=True),
        "survey": answered.survey.slug if answered.survey else None,
        "answered": counts is not None,
        "recommendations": counts,
    }


@bp.get("/offices")
def index():
    """Every office known, by code, a page at a time as every API listing, with what the survey
    (`?survey=`, else the latest) says of each."""
    survey = survey_from_request()
    number, size = api_requested()
    page, offices = paged(select(Office).order_by(Office.code), number, size)
    answered = _Answered(survey, [office.code for office in offices])
    return {**api_page(page), "offices": [office_json(office, answered) for office in offices]}


@bp.get("/offices/<code>")
def read(code: str):
    """One office, as the list gives it; its code read as its page reads it ("au" is AU)."""
    office = office_named(code)
    if office is None:
        abort(404, f"No office with the ST.3 code {as_json(code)} is known.")
    return office_json(office, _Answered(survey_from_request(), [office.code]))
