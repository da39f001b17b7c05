"""The scorer against the hand-labelled set: a floor under nDCG@3 and P@1 (bench prints figures)."""

import json
from pathlib import Path

from planner.bootstrap import BUNDLED_ALIASES, reference_rows
from planner.matching.evaluation import evaluate
from planner.matching.scorer import match_offices
from planner.matching.sources import interests_and_projects, topic
from planner.survey.document import parse_document
from tests.conftest import BUNDLED

JUDGEMENTS = json.loads((Path(__file__).parent / "judgements.json").read_text())["interests"]


def test_every_judgement_says_why():
    for judged in JUDGEMENTS:
        for office, (grade, why) in judged["grades"].items():
            assert grade in (0, 1, 2, 3) and len(why) >= 8, (judged["audience"], office)


def test_ranking_quality_on_the_labelled_set():
    # The survey and the recommendations' topics as the app reads them.
    record = parse_document(BUNDLED.read_bytes(), "CWS-13-26.txt", aliases=BUNDLED_ALIASES)
    rows = [(None, a.office, a.question, a.recommendation, a.text) for a in record.answers]
    topics = {
        int(row["number"]): topic(row["short_title"], row["text"])
        for row in reference_rows("recommendations.csv")
    }
    interests, projects = interests_and_projects(rows, topics)
    assert any(i.topic for i in interests)
    ndcg, precision, per_interest = evaluate(JUDGEMENTS, match_offices(interests, projects))
    assert ndcg >= 0.75, per_interest
    assert precision >= 0.7, per_interest
