"""A bounded mixed load against gunicorn (2 workers): anonymous pages and matches, feed
revalidations and co-lead writes at once, on a 400-office survey.

Run under a throwaway PostgreSQL (SQLite in a temporary folder without one):

    scripts/with-postgres.sh .venv/bin/python bench/load_bench.py [--seconds 30] [--clients 6]

The tree served is the one `planner` is imported from: to load an older commit, check it out
with `git worktree add /tmp/before <commit>` and run with `PYTHONPATH=/tmp/before`. The bench
migrates an empty database, loads the bundled survey and a generated one of 400 offices, creates
a co-lead with an API token, starts gunicorn, publishes a meeting with slots through the API,
then runs `--clients` threads for `--seconds`, each sending one request at a time, of these kinds
in turn:
- page: an anonymous page (overview, recommendation, matches with every match, offices, agenda);
- matches API: /api/v1/matches, default and limit=all;
- feed: the task-force feed and a meeting's .ics, revalidated with If-None-Match or
  If-Modified-Since (200 or 304);
- write: a co-lead signed in on the pages marks a pair (form with CSRF), or changes a slot's
  length through the API with a bearer token, one time in four (the feeds then change).
Prints requests per second, median and 99th percentile per kind, and errors: any 5xx, connection
error or time-out (30 s, gunicorn's own) is one. Other refusals (4xx) are counted apart.
"""

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from support import backend, bench_app, bundled_record, settle

import planner
from planner.accounts.models import ApiToken, User
from planner.extensions import db
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey

EMAIL, PASSWORD = "load@example.org", "a long enough password for the load bench"
TIMEOUT = 30


class Client:
    """One HTTP client: a connection per request (gunicorn's sync workers close it anyway),
    cookies kept, nothing followed."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if isinstance(body, dict):
            body = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def csrf(self, path: str) -> str:
        _, _, page = self.request("GET", path)
        found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert found, f"no CSRF token on {path}"
        return found[1].decode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(offices: int) -> tuple[str, str]:
    """The surveys and a co-lead with an API token, committed; (survey slug, token)."""
    real = bundled_record()
    import_record(real)
    survey = import_record(scaled_survey(real, offices)).survey
    user = User(email=EMAIL, role="colead")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.flush()
    token = ApiToken.issue(user)
    settle()
    return survey.slug, token


def serve(url: str, tree: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "load-bench",
        "PYTHONPATH": str(tree),
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    options = ["--workers", "2", "--bind", f"127.0.0.1:{port}", "--timeout", str(TIMEOUT)]
    # No access log (hundreds of lines a second); errors go to `log`, shown if any.
    server = subprocess.Popen(
        [gunicorn, *options, "--log-level", "warning", "--error-logfile", str(log), "app:app"],
        cwd=tree,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def publish_meeting(port: int, token: str, slots: int) -> tuple[int, list[int]]:
    """A meeting published through the API, with `slots` presentations; (id, slot ids)."""
    client = Client(port)
    bearer = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(method: str, path: str, body: dict | None = None) -> dict:
        status, _, data = client.request(method, path, json.dumps(body or {}), bearer)
        assert status in (200, 201), (path, status, data[:300])
        return json.loads(data)

    starts = (datetime.now(UTC) + timedelta(days=14)).replace(hour=11, minute=0, second=0)
    meeting = call(
        "POST",
        "/api/v1/meetings",
        {
            "title": "Load bench workshop",
            "starts_at": starts.isoformat(),
            "duration_minutes": 20 * slots + 30,
            "time_zone": "Europe/Zurich",
        },
    )
    offices = ["AU", "BR", "CA", "EP", "ES", "JP", "KR", "PE", "US", "EM"]
    ids = [
        call(
            "POST",
            f"/api/v1/meetings/{meeting['id']}/slots",
            {
                "title": f"Experience {n + 1}",
                "duration_minutes": 20,
                "office": offices[n % len(offices)],
                "kind": "presentation",
            },
        )["id"]
        for n in range(slots)
    ]
    call("POST", f"/api/v1/meetings/{meeting['id']}/publish")
    return meeting["id"], ids


class Tally:
    """Times and outcomes per kind of request, shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.refused: dict[str, list[str]] = defaultdict(list)
        self.not_modified: dict[str, int] = defaultdict(int)

    def record(self, kind: str, seconds: float, status: int | None, what: str) -> None:
        with self.lock:
            self.times[kind].append(seconds)
            if status is None or status >= 500:
                self.errors[kind].append(f"{status or 'no answer'} {what}")
            elif status == 304:
                self.not_modified[kind] += 1
            elif status >= 400:
                self.refused[kind].append(f"{status} {what}")


def timed(tally: Tally, kind: str, what: str, send):
    start = time.perf_counter()
    try:
        status, headers, data = send()
    except (OSError, http.client.HTTPException) as error:
        tally.record(kind, time.perf_counter() - start, None, f"{what}: {error}")
        return None, {}, b""
    tally.record(kind, time.perf_counter() - start, status, what)
    return status, headers, data


def read_paths(slug: str, meeting: int) -> tuple[list[str], list[str], list[str]]:
    """The pages, matches API answers and feeds the readers ask for, heaviest query included."""
    matches = f"/recommendations/10/matches?survey={slug}"
    api = f"/api/v1/matches?recommendation=10&survey={slug}"
    pages = [
        f"/?survey={slug}",
        f"{matches}&show=all",
        f"/recommendations/10?survey={slug}",
        f"{matches}&show=all&include_plans=1&page=2",
        f"/offices?survey={slug}",
        matches,
        f"/meetings/{meeting}",
        f"/surveys/{slug}/summary",
    ]
    apis = [api, f"{api}&limit=all", f"{api}&limit=all&include_plans=true&page=2"]
    feeds = ["/feeds/taskforce.ics", f"/meetings/{meeting}.ics"]
    return pages, apis, feeds


def warm_up(port: int, slug: str, meeting: int) -> tuple[float, int]:
    """Every path asked for by two clients at once, untimed, so that both workers have read
    the survey and fitted its words before the load: what a server meets after its first
    minutes. (seconds taken, requests that got no answer)"""
    start = time.monotonic()
    paths = [p for group in read_paths(slug, meeting) for p in group]
    failed: list[str] = []

    def ask_all() -> None:
        for path in paths:
            try:
                Client(port).request("GET", path)
            except (OSError, http.client.HTTPException):
                failed.append(path)

    threads = [threading.Thread(target=ask_all) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - start, len(failed)


def reader(port: int, slug: str, meeting: int, tally: Tally, until: float, seed: int) -> None:
    """Anonymous pages, the matches API and feed revalidations, in turn."""
    client = Client(port)
    pages, apis, feeds = read_paths(slug, meeting)
    validators: dict[str, tuple[str | None, str | None]] = {}
    turn = seed
    while time.monotonic() < until:
        turn += 1
        path = pages[turn % len(pages)]
        timed(tally, "page", path, lambda path=path: client.request("GET", path))
        path = apis[turn % len(apis)]
        timed(tally, "matches API", path, lambda path=path: client.request("GET", path))
        path = feeds[turn % len(feeds)]
        etag, modified = validators.get(path, (None, None))
        # Calendar apps revalidate one way or the other: alternate between them.
        headers = (
            {"If-None-Match": etag}
            if etag and turn % 2
            else ({"If-Modified-Since": modified} if modified else {})
        )
        status, answer, _ = timed(
            tally, "feed", path, lambda path=path, h=headers: client.request("GET", path, None, h)
        )
        if status == 200:
            validators[path] = (answer.get("ETag"), answer.get("Last-Modified"))


def writer(
    port: int, slug: str, token: str, slot: int, tally: Tally, until: float, seed: int
) -> None:
    """A co-lead: marks pairs on the matches page (signed in, CSRF), and changes its own slot's
    length through the API (bearer token)."""
    client = Client(port)
    page = f"/recommendations/10/matches?survey={slug}"
    while time.monotonic() < until:
        # Signing in and reading the page to mark on are writes' costs too: timed as such.
        start = time.perf_counter()
        try:
            login = client.csrf("/login")
            status, _, _ = client.request(
                "POST", "/login", {"csrf_token": login, "email": EMAIL, "password": PASSWORD}
            )
            assert status == 302, f"signing in answered {status}"
            _, _, body = client.request("GET", page)
        except (OSError, http.client.HTTPException) as error:
            tally.record("write", time.perf_counter() - start, None, f"sign-in: {error}")
            continue
        pairs = re.findall(
            rb'name="audience" value="(\w\w)">\s*<input type="hidden" name="presenter" '
            rb'value="(\w\w)"',
            body,
        )
        assert pairs, "no pair to mark on the matches page"
        csrf = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body)[1].decode()
        break
    else:
        return
    marks = f"/recommendations/10/matches/marks?survey={slug}"
    bearer = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    etag = None
    turn = seed
    while time.monotonic() < until:
        turn += 1
        audience, presenter = (code.decode() for code in pairs[turn % len(pairs)])
        verdict = ("useful", "not_useful", "")[turn % 3]
        form = {
            "csrf_token": csrf,
            "audience": audience,
            "presenter": presenter,
            "verdict": verdict,
            "note": "",
        }
        timed(
            tally,
            "write",
            "mark",
            lambda form=form: client.request("POST", marks, form),
        )
        if turn % 4:
            time.sleep(1)  # people, not a script: a mark about once a second
            continue
        # Every fourth turn a slot changes, and with it the feeds.
        headers = {**bearer, **({"If-Match": etag} if etag else {})}
        change = json.dumps({"duration_minutes": 15 + turn % 10})
        status, answer, data = timed(
            tally,
            "write",
            "slot",
            lambda h=headers, c=change: client.request("PATCH", f"/api/v1/slots/{slot}", c, h),
        )
        if status == 200:
            etag = answer.get("ETag")
        elif status == 409:
            # Another co-lead's slot moved this one (times re-flow): read the version, go on.
            etag = f'"{json.loads(data)["current"]["version"]}"'
        time.sleep(1)  # people, not a script: each co-lead changes something about once a second


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(tally: Tally, seconds: float) -> int:
    print(
        f"{'kind':12} {'requests':>8} {'req/s':>7} {'p50':>9} {'p99':>9} {'304':>5} "
        f"{'4xx':>5} {'errors':>6}"
    )
    total, errors = 0, 0
    for kind in ("page", "matches API", "feed", "write"):
        times = tally.times.get(kind, [])
        if not times:
            continue
        total += len(times)
        errors += len(tally.errors[kind])
        print(
            f"{kind:12} {len(times):8d} {len(times) / seconds:7.1f} "
            f"{statistics.median(times) * 1000:7.0f}ms {percentile(times, 0.99) * 1000:7.0f}ms "
            f"{tally.not_modified[kind]:5d} {len(tally.refused[kind]):5d} "
            f"{len(tally.errors[kind]):6d}"
        )
    print(f"{'all':12} {total:8d} {total / seconds:7.1f}  errors: {errors}")
    for label, outcomes in (("error", tally.errors), ("refused", tally.refused)):
        for kind, found in outcomes.items():
            for what in sorted(set(found))[:5]:
                print(f"  {label}, {kind}: {what} ({found.count(what)}x)")
    return errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=6, help="reading clients")
    parser.add_argument("--writers", type=int, default=2, help="co-leads writing")
    parser.add_argument("--offices", type=int, default=400)
    args = parser.parse_args()
    tree = Path(planner.__file__).resolve().parents[1]
    revision = subprocess.run(
        ["git", "-C", str(tree), "describe", "--always", "--dirty"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    with bench_app() as app:
        slug, token = prepare(args.offices)
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        print(f"tree {tree} ({revision}), database: {backend()}, survey {slug}")
        db.session.remove()
        log = Path(tempfile.mkdtemp(prefix="load-bench-")) / "gunicorn-errors.log"
        server, port = serve(url, tree, log)
        try:
            meeting, slots = publish_meeting(port, token, max(args.writers, 6))
            took, failed = warm_up(port, slug, meeting)
            print(f"warm-up (every path twice, untimed): {took:.0f} s, {failed} without answer")
            tally = Tally()
            until = time.monotonic() + args.seconds
            threads = [
                threading.Thread(target=reader, args=(port, slug, meeting, tally, until, n))
                for n in range(args.clients)
            ] + [
                threading.Thread(target=writer, args=(port, slug, token, slots[n], tally, until, n))
                for n in range(args.writers)
            ]
            started = time.monotonic()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
            print(
                f"{args.clients} reading clients and {args.writers} co-leads writing for "
                f"{elapsed:.0f} s against gunicorn with 2 workers"
            )
            errors = report(tally, elapsed)
            if errors:
                print(f"gunicorn's error log ({log}), last lines:")
                print("\n".join(log.read_text(errors="replace").splitlines()[-20:]))
        finally:
            server.terminate()
            server.wait(timeout=30)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
