"""Server time of every explorer page, on CWS/13/26 and on a generated survey of 200 offices.

Run with `make bench` or `.venv/bin/python bench/pages_bench.py [--runs N]`. Requests go through
Flask's test client (routing, queries, templates; no network), on SQLite in a temporary folder or
on TEST_DATABASE_URL. Prints the median per page for both surveys and their ratio; the target is
a median under 100 ms at 200 offices. Each page is requested a few times before it is timed, so
the matches page is timed with its TF-IDF fit cached, as every request after a survey's first.
The line-up pages are for signed-in co-leads: bench/lineup_bench.py times proposing a line-up.
"""

import argparse
import statistics
import time

from sqlalchemy import select
from support import backend, bench_app, bundled_record, settle

from planner.extensions import db
from planner.survey.models import Answer
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey

TARGET_MS = 100


def pages(slug: str, office: str, answer_id: int) -> dict[str, str]:
    return {
        "overview (focus)": f"/?survey={slug}",
        "overview (discuss)": f"/?survey={slug}&question=discuss",
        "overview, filtered": f"/?survey={slug}&office=pat",
        "heatmap.svg": f"/charts/{slug}/heatmap.svg",
        "summary": f"/surveys/{slug}/summary",
        "summary.csv": f"/surveys/{slug}/summary.csv",
        "recommendations": f"/recommendations?survey={slug}",
        "recommendation 10": f"/recommendations/10?survey={slug}",
        "matches (Rec 10)": f"/recommendations/10/matches?survey={slug}",
        "offices": f"/offices?survey={slug}",
        "office": f"/offices/{office}?survey={slug}",
        "answer": f"/surveys/{slug}/answers/{answer_id}",
        "API summary": f"/api/v1/surveys/{slug}/summary",
    }


def median_ms(client, url: str, runs: int) -> float:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=25)
    args = parser.parse_args()
    with bench_app() as app:
        real = bundled_record()
        surveys = [import_record(real).survey, import_record(scaled_survey(real, 200)).survey]
        settle()
        targets = []
        for survey in surveys:
            answer = db.session.scalar(
                select(Answer.id).where(Answer.survey_id == survey.id).limit(1)
            )
            targets.append(pages(survey.slug, "ES", answer))
        client = app.test_client()
        print(f"database: {backend()}, median of {args.runs} requests")
        print(f"{'page':22} {'21 offices':>11} {'200 offices':>12} {'ratio':>6}  target")
        worst = 0.0
        for name in targets[0]:
            small = median_ms(client, targets[0][name], args.runs)
            large = median_ms(client, targets[1][name], args.runs)
            worst = max(worst, large)
            verdict = "met" if large < TARGET_MS else "MISSED"
            print(f"{name:22} {small:9.1f}ms {large:10.1f}ms {large / small:5.1f}x  {verdict}")
        print(f"slowest page at 200 offices: {worst:.1f} ms (target < {TARGET_MS} ms)")


if __name__ == "__main__":
    main()
