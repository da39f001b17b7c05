"""Server time and size of every public page and API answer, on CWS/13/26 and on 400 offices.

Run with `make bench` or `.venv/bin/python bench/pages_bench.py [--runs N] [--offices N]`.
Requests go through Flask's test client (routing, queries, templates; no network), anonymous,
on SQLite in a temporary folder or on TEST_DATABASE_URL. Every page is asked for with its
heaviest query string too (every match, plans included, no filter). Prints the median time and
the answer's size per page for both surveys, and their ratio; the target is a median under 1 s
at 400 offices, and answers of bounded size; and the matches page a co-lead opens first under
100 ms at 200 offices. Each page is requested before it is timed, so the matches are timed with
their scorer cached, as every request after a survey's first; a page slower than a second is
timed three times, not N. Line-ups are for signed-in co-leads: bench/lineup_bench.py times
proposing one. Last, the bytes of the heaviest pages at 200 offices as each reader gets them:
anyone, anyone whose browser takes gzip (what goes over the wire), and a signed-in co-lead,
whose pages are never compressed (README, "Compression"); over 200 kB is heavy on a slow,
metered link.
"""

import argparse
import re
import statistics
import time

from feed_bench import agenda
from flask import g
from sqlalchemy import select
from support import backend, bench_app, bundled_record, settle

from planner.accounts.models import User
from planner.agenda.models import Meeting
from planner.calendar.operations import office_feed_token
from planner.extensions import db
from planner.offices.models import Office
from planner.survey.models import Answer
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey

COLEAD, PASSWORD = "colead@example.org", "correct horse battery staple"
TARGET_MS = 1000
SLOW_MS = 1000
# The matches page a co-lead opens first, at 200 offices (issue 11: 609 ms when it was set).
MATCHES_OFFICES = 200
MATCHES_TARGET_MS = 100


def pages(slug: str, office: str, answer_id: int) -> dict[str, str]:
    """Every page and API answer an anonymous visitor can ask for about a survey."""
    matches = f"/recommendations/10/matches?survey={slug}"
    api = f"/api/v1/matches?recommendation=10&survey={slug}"
    return {
        "overview (focus)": f"/?survey={slug}",
        "overview (discuss)": f"/?survey={slug}&question=discuss",
        "overview, filtered": f"/?survey={slug}&office=pat",
        "heatmap.svg": f"/charts/{slug}/heatmap.svg?question=discuss",
        "bars.svg": f"/charts/{slug}/bars.svg",
        "surveys": "/surveys",
        "survey": f"/surveys/{slug}",
        "summary": f"/surveys/{slug}/summary",
        "summary.csv": f"/surveys/{slug}/summary.csv",
        "answer": f"/surveys/{slug}/answers/{answer_id}",
        "recommendations": f"/recommendations?survey={slug}",
        "recommendation 10": f"/recommendations/10?survey={slug}",
        "matches": matches,
        "matches, plans": f"{matches}&include_plans=1",
        "matches, show=all": f"{matches}&show=all",
        "matches, all+plans": f"{matches}&show=all&include_plans=1",
        "offices": f"/offices?survey={slug}",
        "offices, q=a": f"/offices?survey={slug}&q=a",
        "office": f"/offices/{office}?survey={slug}",
        "API surveys": "/api/v1/surveys",
        "API answers": f"/api/v1/surveys/{slug}/answers",
        "API answers, Rec 10": f"/api/v1/surveys/{slug}/answers?recommendation=10",
        "API summary": f"/api/v1/surveys/{slug}/summary",
        "API matches": api,
        "API matches, all": f"{api}&limit=all",
        "API matches, all+plans": f"{api}&limit=all&include_plans=true",
        "meetings": "/meetings",
        "volunteer": "/volunteer",
        "sign-in": "/login",
    }


def later_pages(slug: str) -> dict[str, str]:
    """Pages past the first, which only a large survey has (before pagination, the same page)."""
    matches = f"/recommendations/10/matches?survey={slug}&show=all"
    api = f"/api/v1/matches?recommendation=10&survey={slug}&limit=all"
    return {
        "matches, all, page 3": f"{matches}&page=3",
        "API matches, all, p. 9": f"{api}&page=9",
    }


def agenda_pages(meeting_id: int, office: str, token: str) -> dict[str, str]:
    """The agenda and its feeds, the same whichever survey is the latest."""
    return {
        "meeting": f"/meetings/{meeting_id}",
        "meeting.ics": f"/meetings/{meeting_id}.ics",
        "schedule.json": f"/meetings/{meeting_id}/schedule.json",
        "taskforce.ics": "/feeds/taskforce.ics",
        "office feed": f"/feeds/offices/{office}.ics?token={token}",
    }


def heavy_pages(slug: str) -> dict[str, str]:
    """The pages a co-lead and an office open that grow with the survey (helper-251)."""
    matches = f"/recommendations/10/matches?survey={slug}"
    return {
        "matches": matches,
        "matches, show=all": f"{matches}&show=all",
        "matches, AU's own": f"{matches}&office=AU&role=audience&show=all",
        "overview": f"/?survey={slug}",
        "recommendation 10": f"/recommendations/10?survey={slug}",
        "API matches": f"/api/v1/matches?recommendation=10&survey={slug}",
        "API answers": f"/api/v1/surveys/{slug}/answers",
    }


HEAVY = 200_000
GZIP = {"Accept-Encoding": "gzip"}


def print_heavy_pages(app, slug: str) -> None:
    """Bytes of each heavy page as anyone, anyone taking gzip, and a co-lead get it."""
    user = User(email=COLEAD, role="colead", password_hash="!")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    colead, anyone = app.test_client(), app.test_client()
    login = _get(colead, "/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login)[1]
    signed_in = colead.post(
        "/login", data={"csrf_token": token, "email": COLEAD, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    print(f"{'bytes at 200 offices':22} {'anyone':>9} {'gzipped':>9} {'co-lead':>9}")
    for name, url in heavy_pages(slug).items():
        plain, packed = len(_get(anyone, url).data), len(_get(anyone, url, GZIP).data)
        theirs = len(_get(colead, url, GZIP).data)
        # Over the wire: what anyone's browser takes, and a co-lead's page as it is.
        heavy = ", ".join(who for who, n in (("anyone", packed), ("co-lead", theirs)) if n > HEAVY)
        print(
            f"{name:22} {_size(plain):>9} {_size(packed):>9} {_size(theirs):>9}"
            + (f"  heavy for {heavy}" if heavy else "")
        )


def _get(client, url: str, headers: dict | None = None):
    """`url` as a request of its own: the requests of a benchmark share its app context, and
    with it `g`, where Flask-Login keeps who is signed in and Flask-WTF the CSRF token."""
    g.pop("_login_user", None)
    g.pop("csrf_token", None)
    return client.get(url, headers=headers or {})


def measure(client, url: str, runs: int) -> tuple[float, int]:
    """The median time in ms and the size in bytes of the answer to `url`."""
    start = time.perf_counter()
    response = client.get(url)
    first = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    size = len(response.data)
    times = []
    for _ in range(3 if first > SLOW_MS else runs):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, size


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--offices", type=int, default=400)
    args = parser.parse_args()
    with bench_app() as app:
        real = bundled_record()
        surveys = [
            import_record(real).survey,
            import_record(scaled_survey(real, args.offices)).survey,
        ]
        agenda(2, 10)
        settle()
        meeting = db.session.scalar(select(Meeting.id).order_by(Meeting.id).limit(1))
        office = db.session.get(Office, "ES")
        token = office_feed_token(office, app.config["SECRET_KEY"])
        targets = []
        for survey in surveys:
            answer = db.session.scalar(
                select(Answer.id).where(Answer.survey_id == survey.id).limit(1)
            )
            targets.append(pages(survey.slug, "ES", answer))
        client = app.test_client()
        large = f"{args.offices} offices"
        print(f"database: {backend()}, anonymous, median of {args.runs} requests")
        print(f"{'page':22} {'21 offices':>19} {large:>19} {'ratio':>6}  target")
        worst, biggest = 0.0, 0
        for name in targets[0]:
            small_ms, small_size = measure(client, targets[0][name], args.runs)
            large_ms, large_size = measure(client, targets[1][name], args.runs)
            worst, biggest = max(worst, large_ms), max(biggest, large_size)
            verdict = "met" if large_ms < TARGET_MS else "MISSED"
            print(
                f"{name:22} {small_ms:7.1f}ms {_size(small_size):>9} {large_ms:7.1f}ms "
                f"{_size(large_size):>9} {large_ms / small_ms:5.1f}x  {verdict}"
            )
        # Later pages exist at the larger survey only. The agenda does not depend on the survey,
        # but its pages list the participating offices of the latest one: timed once, there.
        later = later_pages(surveys[1].slug) | agenda_pages(meeting, office.code, token)
        for name, url in later.items():
            ms, size = measure(client, url, args.runs)
            worst, biggest = max(worst, ms), max(biggest, size)
            verdict = "met" if ms < TARGET_MS else "MISSED"
            print(f"{name:22} {'':19} {ms:7.1f}ms {_size(size):>9} {'':6}  {verdict}")
        print(
            f"slowest at {large}: {worst:.1f} ms (target < {TARGET_MS} ms); "
            f"largest answer {_size(biggest)}"
        )
        if args.offices != MATCHES_OFFICES:
            survey = import_record(scaled_survey(real, MATCHES_OFFICES)).survey
            settle()
        else:
            survey = surveys[1]
        ms, size = measure(client, f"/recommendations/10/matches?survey={survey.slug}", args.runs)
        verdict = "met" if ms < MATCHES_TARGET_MS else "MISSED"
        print(
            f"the matches page of Rec 10 at {MATCHES_OFFICES} offices: {ms:.1f} ms, "
            f"{_size(size)} (target < {MATCHES_TARGET_MS} ms: {verdict})"
        )
        print_heavy_pages(app, survey.slug)


if __name__ == "__main__":
    main()
