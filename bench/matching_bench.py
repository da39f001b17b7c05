"""Speed of matchmaking: all matches for all 10 recommendations, on CWS/13/26 and on 200 offices.

Run with `make bench` or `.venv/bin/python bench/matching_bench.py [--runs N]`. Each run reads the
survey's answers from the database (SQLite in a temporary folder, or TEST_DATABASE_URL) and scores
every (audience, presenter) pair. The first run of a survey fits TF-IDF on its texts; later runs
(the median) find the fit cached. Targets, for the first run: under 200 ms (real) and 2 s (200
offices).
"""

import argparse
import statistics
import time

from support import backend, bench_app, bundled_record, settle

from planner.matching.operations import survey_matches
from planner.matching.scorer import words
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey


def timed(survey, runs: int) -> tuple[float, float, int]:
    """The first run's time, the median of the later runs, and the number of matches."""
    start = time.perf_counter()
    survey_matches(survey)
    first = time.perf_counter() - start
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(survey_matches(survey))
        times.append(time.perf_counter() - start)
    return first, statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with bench_app():
        real = bundled_record()
        small_survey = import_record(real).survey
        large_survey = import_record(scaled_survey(real, 200)).survey
        settle()
        words("scikit-learn is imported on first use, once per process")
        small_first, small, small_count = timed(small_survey, args.runs)
        large_first, large, large_count = timed(large_survey, args.runs)
        print(f"database: {backend()}; first run, then the median of {args.runs} runs")
        print(
            f"CWS/13/26 (21 offices): {small_count} matches in {small_first * 1000:.0f} ms, "
            f"then {small * 1000:.0f} ms (target < 200 ms: "
            f"{'met' if small_first < 0.2 else 'MISSED'})"
        )
        print(
            f"generated (200 offices): {large_count} matches in {large_first * 1000:.0f} ms, "
            f"then {large * 1000:.0f} ms (target < 2000 ms: "
            f"{'met' if large_first < 2 else 'MISSED'})"
        )
        print(
            f"ratio: {large_count / small_count:.0f}x the matches took "
            f"{large_first / small_first:.1f}x the time"
        )


if __name__ == "__main__":
    main()
