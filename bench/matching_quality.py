"""Quality of the relevance scorer on the hand-labelled set in tests/matching/judgements.json.

Run with `make bench` or `.venv/bin/python bench/matching_quality.py`. Reads the bundled CWS/13/26
text directly (no database) and prints nDCG@3 and P@1 for several maturity weights, and per
interest at the default weight.
"""

import json
from pathlib import Path

from support import bundled_record

from planner.bootstrap import reference_rows
from planner.matching.evaluation import evaluate
from planner.matching.scorer import DEFAULT_MATURITY_WEIGHT, match_offices
from planner.matching.sources import interests_and_projects, topic

JUDGEMENTS = Path(__file__).resolve().parents[1] / "tests" / "matching" / "judgements.json"


def bundled_interests_and_projects():
    record = bundled_record()
    topics = {
        int(row["number"]): topic(row["short_title"], row["text"])
        for row in reference_rows("recommendations.csv")
    }
    rows = [(None, a.office, a.question, a.recommendation, a.text) for a in record.answers]
    return interests_and_projects(rows, topics)


def main() -> None:
    judgements = json.loads(JUDGEMENTS.read_text(encoding="utf-8"))["interests"]
    interests, projects = bundled_interests_and_projects()
    wanted = {j["recommendation"] for j in judgements}
    print(f"{len(judgements)} judged interests, {sum(len(j['grades']) for j in judgements)} pairs")
    print(f"{'maturity weight':>16} {'nDCG@3':>7} {'P@1':>6}")
    for weight in (0.0, 0.25, DEFAULT_MATURITY_WEIGHT, 0.75, 1.0):
        matches = match_offices(interests, projects, recommendations=wanted, maturity_weight=weight)
        ndcg, precision, _ = evaluate(judgements, matches)
        marker = "  (default)" if weight == DEFAULT_MATURITY_WEIGHT else ""
        print(f"{weight:>16} {ndcg:7.3f} {precision:6.2f}{marker}")
    matches = match_offices(interests, projects, recommendations=wanted)
    _, _, per_interest = evaluate(judgements, matches)
    print("\nper interest at the default weight:")
    for r in per_interest:
        print(
            f"  {r.audience} Rec {r.recommendation:<3} nDCG@3 {r.ndcg_at_3:.3f}  top {r.top} "
            f"(grade {r.top_grade})"
        )


if __name__ == "__main__":
    main()
