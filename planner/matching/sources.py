"""Which survey answers are demand and which are supply, as the scorer's Interests and Projects.

Demand: an office's Q8 answer naming a recommendation, more weakly its Q6 challenge, and a Q4
answer that asks for help (a need). Supply: its other Q4 answers (current-focus projects). An
answer that names no recommendation (such as "we have implemented all of them") is neither, nor
is one that says nothing ("n/a" under Rec 3: `says_nothing`, as the summary counts it). An
interest also carries the office's other answers on the recommendation (Q5, its own Q4 work),
read when what it asked for names no topic. A Q8 answer naming several recommendations by their
topics is, for each, the items naming its own (`interest.wish_for`).
"""

from collections import defaultdict
from collections.abc import Iterable

from planner.matching.evidence import Evidence, EvidenceType, read
from planner.matching.scorer import Interest, Project
from planner.survey.interest import wish_for
from planner.survey.records import Question, says_nothing

INTEREST_QUESTIONS = {Question.discuss: "discuss", Question.challenge: "challenge"}
CONTEXT_QUESTIONS = {Question.low_priority: "low priority", Question.focus: "focus"}
SUPPLY_QUESTION = Question.focus
# The answers these functions read, for queries that fetch only what is needed.
QUESTIONS = (SUPPLY_QUESTION, *INTEREST_QUESTIONS, Question.low_priority)
_KINDS = ("discuss", "challenge", "need")


def focus_readings(answers: Iterable) -> dict[int, Evidence]:
    """How the matches read each Q4 answer among `answers` (survey Answers), by id: as a project
    (working, under way, a plan) or a need. One that names no recommendation or says nothing
    they do not read, so it has no reading ("we have implemented all of them" is no presenter)."""
    return {
        a.id: read(a.text)
        for a in answers
        if a.question is SUPPLY_QUESTION
        and a.recommendation_number is not None
        and not says_nothing(a.text)
    }


def interests_and_projects(
    answers: Iterable[tuple[int | None, str, Question, int | None, str]],
    extra_projects: Iterable[Project] = (),
) -> tuple[list[Interest], list[Project]]:
    """From (answer id, office, question, recommendation, text) rows, and projects from elsewhere
    (accepted proposals), the interests and projects of one survey."""
    statements: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    context: dict[tuple[str, int], dict[str, str]] = defaultdict(dict)
    projects = []
    for answer_id, office, question, number, text in answers:
        if number is None or says_nothing(text):
            continue
        key = (office, number)
        if question is SUPPLY_QUESTION:
            projects.append(Project(office, number, text, "survey", answer_id))
        if question is Question.discuss:
            statements[key]["discuss"] = wish_for(text, number)
        elif question in INTEREST_QUESTIONS:
            statements[key][INTEREST_QUESTIONS[question]] = text
        elif question in CONTEXT_QUESTIONS:
            context[key][CONTEXT_QUESTIONS[question]] = text
    projects += list(extra_projects)
    for project in projects:
        if project.evidence.type is EvidenceType.need:
            key = (project.office, project.recommendation)
            said = statements[key].get("need")
            statements[key]["need"] = f"{said}\n{project.text}" if said else project.text
            context[key].pop("focus", None)
    interests = [
        Interest(
            office,
            number,
            tuple((kind, texts[kind]) for kind in _KINDS if kind in texts),
            tuple(sorted(context[(office, number)].items())),
        )
        for (office, number), texts in sorted(statements.items())
    ]
    projects.sort(key=lambda p: (p.office, p.recommendation, p.source, p.reference or 0))
    return interests, projects
