"""Import speed: the bundled CWS/13/26 text and a generated survey about 10x larger (200 offices).

Run with `make bench` or `.venv/bin/python bench/import_bench.py [--runs N]`. Each run imports
into an empty database (SQLite in a temporary folder, or TEST_DATABASE_URL), parsing included.
Prints medians and the ratios measured in this one run; targets: 0.5 s and 5 s. Then hostile
input at 10x the size (a long run of letters before a broken word, a recommendation padded with
spaces): the time should grow about 10x, not 100x.
"""

import argparse
import contextlib
import statistics
import time

from sqlalchemy import delete
from support import backend, bench_app, bundled_bytes, bundled_record

from planner.bootstrap import BUNDLED_ALIASES
from planner.extensions import db
from planner.survey.document import parse_document
from planner.survey.models import Survey
from planner.survey.operations import import_record, read_survey_file
from planner.survey.records import SurveyFormatError
from planner.survey.synthetic import render_document, scaled_survey
from planner.survey.tabular import _recommendation


def timed_import(data: bytes, name: str, aliases: dict[str, str]) -> float:
    db.session.execute(delete(Survey))
    db.session.commit()
    start = time.perf_counter()
    import_record(read_survey_file(data, name, aliases=aliases))
    db.session.commit()  # as the request boundary or the command does
    return time.perf_counter() - start


def median_of(runs: int, work, *args) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def refused_or_read(data: bytes) -> None:
    # Refused as no survey annex, after reading every line.
    with contextlib.suppress(SurveyFormatError):
        parse_document(data, "hostile.txt", label="Hostile")


def hostile(runs: int) -> None:
    """Lines and cells built to make a reader go back over them: each at n and 10n."""
    cases = (
        (
            "letters before a broken word",
            lambda n: f"{'x' * n} imple-\nmentation\n".encode(),
            refused_or_read,
        ),
        ("recommendation padded with spaces", lambda n: f"Rec{' ' * n}x", _recommendation),
    )
    for name, make, work in cases:
        small = median_of(runs, work, make(100_000))
        big = median_of(runs, work, make(1_000_000))
        print(f"{name}: 100,000 {small:.4f} s, 1,000,000 {big:.4f} s, ratio {big / small:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with bench_app():
        bundled = bundled_bytes()
        base = bundled_record()
        scaled = scaled_survey(base, 200)
        large = render_document(scaled).encode()
        small_times = [timed_import(bundled, "CWS-13-26.txt", BUNDLED_ALIASES)]
        large_times = []
        for _ in range(args.runs):
            small_times.append(timed_import(bundled, "CWS-13-26.txt", BUNDLED_ALIASES))
            large_times.append(timed_import(large, "synthetic-200.txt", {}))
        small_times.pop(0)  # the first import warms caches
        small, big = statistics.median(small_times), statistics.median(large_times)
        print(f"database: {backend()}, {args.runs} runs each")
        print(
            f"bundled CWS/13/26 ({len(base.answers)} answers, 21 offices): "
            f"median {small:.3f} s "
            f"(target < 0.5 s: {'met' if small < 0.5 else 'MISSED'})"
        )
        print(
            f"generated ({len(scaled.answers)} answers, 200 offices): median {big:.3f} s "
            f"(target < 5 s: {'met' if big < 5 else 'MISSED'})"
        )
        size = len(scaled.answers) / len(base.answers)
        print(f"ratio: {size:.1f}x the answers took {big / small:.1f}x the time")
    hostile(args.runs)


if __name__ == "__main__":
    main()
