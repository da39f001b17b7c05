"""Calendar feeds under load: the task-force feed with 500 slots across 50 meetings.

Run with `make bench` or `.venv/bin/python bench/feed_bench.py [--runs N] [--seconds S]`.
1. In process (Flask test client), with the bundled survey's 21 offices as participants: median
   server time of a full feed built from the database (cache emptied before each request), after
   a change, of a cached full feed, and of a 304 answer; then after a change with 200 offices.
2. Over HTTP: gunicorn with 2 workers on 127.0.0.1, loaded by wrk (Debian package `wrk`,
   installed if missing), for full responses and for 304s.
Targets: a 304 under 5 ms server time; a full 500-slot feed under 100 ms (measured after a
change, which is what a subscriber's next poll meets; the first build in a new process is shown
too).
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import time_machine
from support import backend, bench_app, bundled_record, settle

from planner.agenda.models import HOME_ZONE, Meeting, Slot
from planner.agenda.operations import apply_slot, publish, reflow
from planner.calendar.ics import _event_bytes
from planner.calendar.operations import cache
from planner.calendar.views import SETTLE
from planner.extensions import db
from planner.offices.models import Office
from planner.recommendations.models import Recommendation
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey

ROOT = Path(__file__).resolve().parent.parent
URL = "/feeds/taskforce.ics"


def agenda(meetings: int, slots: int) -> None:
    offices = list(db.session.query(Office).order_by(Office.code))
    recommendation = db.session.get(Recommendation, 10)
    start = datetime.now(UTC).replace(hour=11, minute=0, second=0, microsecond=0)
    for m in range(meetings):
        meeting = Meeting(
            title=f"Task Force meeting {m + 1}",
            kind="taskforce",
            status="draft",
            starts_at=start + timedelta(days=7 * m - 70),
            duration_minutes=slots * 12,
            time_zone=HOME_ZONE,
            video_url="https://video.example/taskforce",
            description="Presentations and discussion.",
            sequence=0,
        )
        for s in range(slots):
            office = offices[(m + s) % len(offices)]
            meeting.slots.append(
                Slot(
                    position=s,
                    title=f"{office.short_name}: experience {s + 1}",
                    kind="presentation",
                    duration_minutes=12,
                    office_code=office.code,
                    status="confirmed" if s % 3 else "tentative",
                    abstract="What we built, what we learned, and what we would do again. " * 3,
                    recommendations=[recommendation],
                    sequence=0,
                )
            )
        db.session.add(meeting)
        reflow(meeting)
        # Published as co-leads publish: before the meeting (one that has ended is refused).
        with time_machine.travel(meeting.starts_at - timedelta(days=1), tick=True):
            publish(meeting)
    db.session.commit()


def median_ms(client, headers: dict, runs: int, *, before=None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        begin = time.perf_counter()
        response = client.get(URL, headers=headers)
        times.append(time.perf_counter() - begin)
        assert response.status_code == (304 if headers else 200), response.status_code
    return statistics.median(times) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk_available() -> str | None:
    if shutil.which("wrk"):
        return shutil.which("wrk")
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "wrk"],
        capture_output=True,
        check=False,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk")


def load(wrk: str, url: str, seconds: int, header: str | None) -> str:
    command = [wrk, "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if header:
        command += ["-H", header]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", output)
    if errors:
        print(f"  ({errors[0]})")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)[1]
    p50 = re.search(r"50%\s+(\S+)", output)[1]
    return f"{float(rate):,.0f} requests/s, median latency {p50}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    with bench_app() as app:
        # As after `make run`: the bundled survey's 21 offices are every meeting's participants,
        # and each meeting event lists their local times.
        real = bundled_record()
        import_record(real)
        agenda(50, 10)
        settle()
        client = app.test_client()
        first = client.get(URL)
        events = first.data.count(b"BEGIN:VEVENT")
        print(
            f"database: {backend()}; feed of {len(first.data):,} bytes, {events} events "
            f"(50 meetings, 500 slots, 21 participating offices); median of {args.runs}"
        )

        def nothing_cached():
            cache.clear()
            _event_bytes.cache_clear()

        openings = db.session.query(Slot).filter(Slot.position == 0).all()
        turn = iter(range(10**6))

        def one_slot_changed():
            # A co-lead lengthens a meeting's opening slot: the slots after it move.
            n = next(turn)
            slot = openings[n % len(openings)]
            apply_slot(slot, slot.meeting, {"duration_minutes": 13 + n % 5})
            db.session.commit()
            # A poll comes after the change's second is over; one within it waits for it, so
            # that its Last-Modified is final (calendar/views.py).
            time.sleep(SETTLE.total_seconds())

        cold = median_ms(client, {}, args.runs, before=nothing_cached)
        changed = median_ms(client, {}, args.runs, before=one_slot_changed)
        unchanged = median_ms(client, {}, args.runs)
        etag = client.get(URL).headers["ETag"]
        not_modified = median_ms(client, {"If-None-Match": etag}, args.runs)
        print(
            f"full feed after a change (one meeting's slots moved): {changed:.1f} ms "
            f"(target < 100 ms: {'met' if changed < 100 else 'MISSED'})"
        )
        print(f"full feed with nothing cached (first build in a new process): {cold:.1f} ms")
        print(f"full feed, unchanged (cached body): {unchanged:.1f} ms")
        print(
            f"304 Not Modified: {not_modified:.2f} ms "
            f"(target < 5 ms: {'met' if not_modified < 5 else 'MISSED'})"
        )
        print(f"ratio after-a-change/304: {changed / not_modified:.0f}x")

        # Growth: a newer survey of 200 offices makes them every meeting's participants.
        import_record(scaled_survey(real, 200))
        settle()
        client.get(URL)
        many = median_ms(client, {}, args.runs, before=one_slot_changed)
        print(
            f"after a change, 200 participating offices: {many:.1f} ms "
            f"({many / changed:.1f}x the time for 21 offices)"
        )
        db.session.remove()
        serve_and_load(app.config["SQLALCHEMY_DATABASE_URI"], args.seconds)


def serve_and_load(url: str, seconds: int) -> None:
    """The feed over HTTP from gunicorn with 2 workers, under wrk: full answers, then 304s."""
    wrk = wrk_available()
    if wrk is None:
        print("wrk is not installed and could not be installed: HTTP load part skipped.")
        return
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench"}
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    options = ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(
        [gunicorn, *options, "--error-logfile", "-", "app:app"],
        cwd=ROOT,
        env=environment,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        address = f"http://127.0.0.1:{port}{URL}"
        # Each worker builds the feed once on its first request; load starts after that.
        for _ in range(6):
            with urllib.request.urlopen(address, timeout=30) as response:
                etag = response.headers["ETag"]
                response.read()
        print(f"gunicorn, 2 workers, wrk 2 threads x 8 connections, {seconds} s each:")
        print("  full feed: " + load(wrk, address, seconds, None))
        print("  304:       " + load(wrk, address, seconds, f"If-None-Match: {etag}"))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
