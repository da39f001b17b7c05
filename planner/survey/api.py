"""Public, read-only JSON API over imported surveys: /api/v1/surveys and below."""

from flask import Blueprint, abort, request, url_for

from planner.db_types import db_int
from planner.survey.models import Survey
from planner.survey.operations import (
    answer_count,
    answer_records,
    find_survey,
    list_surveys,
    survey_summary,
)
from planner.survey.records import Question
from planner.survey.summary import COUNTED
from planner.survey.tabular import answer_row

bp = Blueprint("survey_api", __name__, url_prefix="/api/v1")


def survey_json(survey: Survey) -> dict:
    return {
        "label": survey.label,
        "slug": survey.slug,
        "source": survey.source_name,
        "answered_from": survey.answered_from.isoformat() if survey.answered_from else None,
        "answered_until": survey.answered_until.isoformat() if survey.answered_until else None,
        "imported_at": survey.imported_at.isoformat(),
        "respondents": len(survey.respondents),
        "answers": answer_count(survey),
        "warnings": [
            {"line": warning.line, "message": warning.message} for warning in survey.warnings
        ],
        "links": {
            "answers": url_for(".answers", slug=survey.slug),
            "summary": url_for(".summary", slug=survey.slug),
        },
    }


@bp.get("/surveys")
def surveys():
    return {"surveys": [survey_json(s) for s in list_surveys()]}


@bp.get("/surveys/<slug>/answers")
def answers(slug: str):
    survey = find_survey(slug)
    filters: dict = {}
    question = request.args.get("question")
    if question is not None:
        if question not in set(Question):
            abort(400, f"question must be one of: {', '.join(q.value for q in Question)}")
        filters["question"] = Question(question)
    recommendation = request.args.get("recommendation")
    if recommendation is not None:
        if recommendation.lower() in ("none", "null", ""):
            filters["recommendation"] = None
        else:
            try:
                filters["recommendation"] = db_int(recommendation)
            except ValueError:
                abort(400, "recommendation must be a number, or 'none' for answers naming none")
    office = request.args.get("office")
    if office is not None:
        if len(office) != 2 or not office.isalpha():
            abort(400, "office must be a two-letter ST.3 code such as AU")
        filters["office"] = office.upper()
    rows = answer_records(survey, **filters)
    return {"survey": survey.label, "count": len(rows), "answers": [answer_row(a) for a in rows]}


@bp.get("/surveys/<slug>/summary")
def summary(slug: str):
    survey = find_survey(slug)
    result = survey_summary(survey)
    return {
        "survey": survey.label,
        "respondents": len(result.respondents),
        "questions": {
            question.value: {
                "label": question.label,
                "counts": COUNTED[question],
                "answered": part.answered.as_dict(),
                "named_none": part.named_none.as_dict(),
                "declined": part.declined.as_dict(),
                "no_answer": part.no_answer.as_dict(),
                "recommendations": [
                    {"recommendation": number, **cell.as_dict()}
                    for number, cell in part.by_recommendation.items()
                ],
            }
            for question, part in result.questions.items()
        },
    }
