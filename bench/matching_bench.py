"""Speed of matchmaking: all matches for all 10 recommendations, on CWS/13/26 and on 200 offices.

Run with `make bench` or `.venv/bin/python bench/matching_bench.py [--runs N]`. Each run reads the
survey's answers from the database (SQLite in a temporary folder, or TEST_DATABASE_URL) and scores
every (audience, presenter) pair. Targets: median under 200 ms (real) and 2 s (200 offices).
"""

import argparse
import statistics
import time

from support import backend, bench_app, bundled_record, settle

from planner.matching.operations import survey_matches
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey


def timed(survey, runs: int) -> tuple[float, int]:
    survey_matches(survey)  # warm caches (stemmer, SQL compilation)
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(survey_matches(survey))
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with bench_app():
        real = bundled_record()
        small_survey = import_record(real).survey
        large_survey = import_record(scaled_survey(real, 200)).survey
        settle()
        small, small_count = timed(small_survey, args.runs)
        large, large_count = timed(large_survey, args.runs)
        print(f"database: {backend()}, median of {args.runs} runs")
        print(
            f"CWS/13/26 (21 offices): {small_count} matches in {small * 1000:.0f} ms "
            f"(target < 200 ms: {'met' if small < 0.2 else 'MISSED'})"
        )
        print(
            f"generated (200 offices): {large_count} matches in {large * 1000:.0f} ms "
            f"(target < 2000 ms: {'met' if large < 2 else 'MISSED'})"
        )
        print(
            f"ratio: {large_count / small_count:.0f}x the matches took {large / small:.1f}x "
            "the time"
        )


if __name__ == "__main__":
    main()
