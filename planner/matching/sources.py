"""Which survey answers are demand and which are supply, as the scorer's Interests and Projects.

Demand: an office's Q8 answer naming a recommendation, and more weakly its Q6 challenge. Supply:
its Q4 answer (a current-focus project). An answer that names no recommendation (such as "we
have implemented all of them") is neither.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

from planner.matching.scorer import Interest, Project
from planner.survey.records import Question

INTEREST_QUESTIONS = {Question.discuss: "discuss", Question.challenge: "challenge"}
SUPPLY_QUESTION = Question.focus
# The answers these functions read, for queries that fetch only what is needed.
QUESTIONS = (SUPPLY_QUESTION, *INTEREST_QUESTIONS)


def topic(short_title: str, text: str) -> str:
    """A recommendation's topic as the scorer reads it: its short title and its text."""
    return f"{short_title}. {text}".strip(". ")


def interests_and_projects(
    answers: Iterable[tuple[int | None, str, Question, int | None, str]],
    topics: Mapping[int, str],
) -> tuple[list[Interest], list[Project]]:
    """From (answer id, office, question, recommendation, text) rows and each recommendation's
    topic (its title and text), the interests and projects of one survey."""
    statements: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    projects = []
    for answer_id, office, question, number, text in answers:
        if number is None:
            continue
        if question is SUPPLY_QUESTION:
            projects.append(Project(office, number, text, "survey", answer_id))
        elif question in INTEREST_QUESTIONS:
            statements[(office, number)][INTEREST_QUESTIONS[question]] = text
    interests = [
        Interest(
            office,
            number,
            tuple((kind, texts[kind]) for kind in ("discuss", "challenge") if kind in texts),
            topics.get(number, ""),
        )
        for (office, number), texts in sorted(statements.items())
    ]
    projects.sort(key=lambda p: (p.office, p.recommendation, p.reference or 0))
    return interests, projects
