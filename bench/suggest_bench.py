"""Fair start times at scale: suggest-times for 200 offices over a 14-day range.

Run with `make bench` or `.venv/bin/python bench/suggest_bench.py [--runs N]`. The 200 offices
get 200 different IANA zones (the worst case: no two share a clock). Timed twice: the ranking
alone (pure), and the whole API request with a co-lead token (database and JSON included).
Target: under 1 s median.
"""

import argparse
import statistics
import time
from datetime import date

from sqlalchemy import select
from support import backend, bench_app, bundled_record, settle

from planner.accounts.models import ApiToken, User
from planner.agenda.fairness import candidate_starts, rank
from planner.agenda.models import HOME_ZONE, Meeting
from planner.extensions import db
from planner.offices.models import Office
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey
from planner.timezones import place_time_zones


def next_march() -> tuple[date, date]:
    """16 to 29 March, across Europe's change to summer time, the next time it is all to come
    (the API refuses a range whose starts are all past)."""
    today = date.today()
    year = today.year if today < date(today.year, 3, 16) else today.year + 1
    return date(year, 3, 16), date(year, 3, 29)


FIRST, LAST = next_march()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with bench_app() as app:
        survey = import_record(scaled_survey(bundled_record(), 200)).survey
        zones = place_time_zones()
        offices = sorted((r.office for r in survey.respondents), key=lambda o: o.code)
        for i, office in enumerate(offices):
            office.time_zone = zones[i * len(zones) // len(offices)]
        user = User(email="bench@example.org", role="colead")
        user.set_password("bench password")
        token = ApiToken.issue(user)
        meeting = Meeting(title="Bench", time_zone=HOME_ZONE, duration_minutes=90, offices=offices)
        db.session.add_all([user, meeting])
        settle()
        by_office = {
            o.code: o.time_zone for o in db.session.scalars(select(Office)) if o in offices
        }
        print(
            f"database: {backend()}; {len(by_office)} offices in "
            f"{len(set(by_office.values()))} zones, {FIRST} to {LAST}, median of {args.runs}"
        )

        starts = candidate_starts(FIRST, LAST, HOME_ZONE)
        pure = []
        for _ in range(args.runs):
            begin = time.perf_counter()
            rank(starts, 90, by_office)
            pure.append(time.perf_counter() - begin)

        client = app.test_client()
        url = (
            f"/api/v1/meetings/{meeting.id}/suggest-times?duration_minutes=90"
            f"&from={FIRST}&to={LAST}"
        )
        headers = {"Authorization": f"Bearer {token}"}
        first = client.get(url, headers=headers)
        assert first.status_code == 200, (first.status_code, first.get_data(as_text=True)[:500])
        whole = []
        for _ in range(args.runs):
            begin = time.perf_counter()
            client.get(url, headers=headers)
            whole.append(time.perf_counter() - begin)
        ranking, request = statistics.median(pure), statistics.median(whole)
        print(f"ranking {len(starts)} starts: median {ranking * 1000:.0f} ms")
        print(
            f"whole API request: median {request * 1000:.0f} ms "
            f"(target < 1000 ms: {'met' if request < 1 else 'MISSED'})"
        )


if __name__ == "__main__":
    main()
