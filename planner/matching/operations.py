"""Matching the interests and projects of a stored survey."""

from collections.abc import Iterable

from sqlalchemy import select

from planner.extensions import db
from planner.matching.scorer import DEFAULT_MATURITY_WEIGHT, Interest, Match, Project, match_offices
from planner.matching.sources import QUESTIONS, interests_and_projects, topic
from planner.proposals.operations import accepted_projects
from planner.recommendations.operations import all_recommendations
from planner.survey.models import Answer, Survey


def recommendation_topics() -> dict[int, str]:
    return {r.number: topic(r.short_title, r.text) for r in all_recommendations()}


def survey_interests_and_projects(survey: Survey) -> tuple[list[Interest], list[Project]]:
    rows = db.session.execute(
        select(
            Answer.id,
            Answer.office_code,
            Answer.question,
            Answer.recommendation_number,
            Answer.text,
        ).where(
            Answer.survey_id == survey.id,
            Answer.recommendation_number.is_not(None),
            Answer.question.in_(QUESTIONS),
        )
    ).tuples()
    interests, projects = interests_and_projects(rows, recommendation_topics())
    return interests, projects + accepted_projects()


def survey_matches(
    survey: Survey,
    recommendations: Iterable[int] | None = None,
    *,
    maturity_weight: float = DEFAULT_MATURITY_WEIGHT,
) -> list[Match]:
    interests, projects = survey_interests_and_projects(survey)
    return match_offices(
        interests, projects, recommendations=recommendations, maturity_weight=maturity_weight
    )
