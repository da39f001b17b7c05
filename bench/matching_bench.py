"""Speed of matchmaking: every recommendation's matches on CWS/13/26 and on 200 and 500 offices.

Run with `make bench` or `.venv/bin/python bench/matching_bench.py [--runs N]`. Each run reads the
survey's answers from the database (SQLite in a temporary folder, or TEST_DATABASE_URL), scores
every (audience, presenter) pair of every recommendation as matrices, and builds the matches with
their reasons that the API and the command line give by default: each office's ten best
presenters. The first run of a survey fits TF-IDF on its texts; later runs (the median) find the
fit cached. Every pair with its reasons ("limit=all") is timed too, for comparison. Target: the
default matches of a 500-office survey in under 1 s median.
"""

import argparse
import statistics
import time
from dataclasses import replace

from support import backend, bench_app, bundled_record, settle

from planner.matching.operations import DEFAULT_LIMIT, survey_matches
from planner.matching.words import words
from planner.survey.interest import wish_for
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey

TARGET_S = 1.0


def timed(survey, runs: int, limit: int | None) -> tuple[float, float, int]:
    """The first run's time, the median of the later runs, and the number of matches."""
    start = time.perf_counter()
    survey_matches(survey, limit=limit)
    first = time.perf_counter() - start
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = len(survey_matches(survey, limit=limit))
        times.append(time.perf_counter() - start)
    return first, statistics.median(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with bench_app():
        real = bundled_record()
        surveys = {
            21: import_record(real).survey,
            200: import_record(scaled_survey(real, 200)).survey,
            500: import_record(scaled_survey(real, 500)).survey,
        }
        settle()
        words("scikit-learn is imported on first use, once per process")
        print(f"database: {backend()}; first run, then the median of {args.runs} runs")
        medians = {}
        for offices, survey in surveys.items():
            for limit in (DEFAULT_LIMIT, None):
                runs = args.runs if limit or offices < 500 else 1
                first, median, count = timed(survey, runs, limit)
                medians[(offices, limit)] = median
                shown = f"best {limit} per office" if limit else "every pair"
                target = ""
                if offices == 500 and limit:
                    target = (
                        f"  (target < {TARGET_S:.0f} s: {'met' if median < TARGET_S else 'MISSED'})"
                    )
                print(
                    f"{offices:>4} offices, {shown:<21} {count:>7} matches: first "
                    f"{first * 1000:>7.0f} ms, median {median * 1000:>7.0f} ms{target}"
                )
        ratio = medians[(500, DEFAULT_LIMIT)] / medians[(21, DEFAULT_LIMIT)]
        print(f"500 offices / 21 offices, default matches: {ratio:.1f}x the time")
        # Answers five times as long as CWS/13/26's (about 1 KB each): the first request of such
        # a survey reads every text's topics and fits TF-IDF on them (helper-51 had 39 s).
        long = scaled_survey(real, 200)
        long = replace(
            long,
            label="Long answers",
            answers=[replace(a, text=" ".join([a.text] * 5)[:1000]) for a in long.answers],
        )
        survey = import_record(long).survey
        settle()
        first, median, count = timed(survey, args.runs, DEFAULT_LIMIT)
        print(
            f" 200 offices, answers of ~1 KB, best {DEFAULT_LIMIT} per office {count:>7} matches: "
            f"first {first * 1000:>7.0f} ms, median {median * 1000:>7.0f} ms"
        )
    padded(args.runs)


def padded(runs: int) -> None:
    """A question-8 answer's wish read from a topic list padded with commas to 2,000 and to
    20,000 characters (the longest an import takes): ten times the length should take about
    ten times as long (helper-325: a pattern anchored at the end took the square, 13 s)."""
    times = {}
    for length in (2_000, 20_000):
        text = "AI, cybersecurity" + "," * (length - 20) + " x"
        taken = []
        for _ in range(runs):
            start = time.perf_counter()
            wish_for(text, 10)
            taken.append(time.perf_counter() - start)
        times[length] = statistics.median(taken)
    ratio = times[20_000] / times[2_000]
    print(
        f"a wish padded with commas: {times[2_000] * 1000:.1f} ms at 2,000 characters, "
        f"{times[20_000] * 1000:.1f} ms at 20,000, {ratio:.1f}x the time for 10x the length "
        f"(target < 20x: {'met' if ratio < 20 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
