"""Server time and size of every public page and API answer, on CWS/13/26 and on 400 offices.

Run with `make bench` or `.venv/bin/python bench/pages_bench.py [--runs N] [--offices N]`. Requests
go through Flask's test client (routing, queries, templates; no network), anonymous, on SQLite in a
temporary folder or on TEST_DATABASE_URL. Every page is asked for with its heaviest query string
too (every match, plans included, no filter). Prints the median time and the answer's size per page
for both surveys, and their ratio; the target is a median under 1 s at 400 offices, and answers of
bounded size; and the matches page a co-lead opens first under 100 ms at 200 offices. Each page is
requested before it is timed, so the matches are timed with their scorer cached, as every request
after a survey's first; a page slower than a second is timed three times, not N. The agenda's first
meeting has slides or a recording on most talks (`with_materials`), and its feeds are timed as most
polls meet them (from the feed cache) and as built (the cache emptied before each request).
Line-ups are for signed-in co-leads: bench/lineup_bench.py times proposing one. Last, the bytes of
the heaviest pages at 200 offices as each reader gets them: anyone, anyone whose browser takes gzip
(what goes over the wire), and a signed-in co-lead, whose pages are never compressed (README,
"Compression"); over 200 kB is heavy on a slow, metered link. They are the public pages that grow
with the survey and every page a co-lead opens (offices, an office, proposals, a line-up, a
meeting's editor, agenda and history, the outbox), on 60 proposals, a line-up proposed on Rec 10
and accepted as a draft workshop, and the two meetings the feed benchmark makes; and the pages with
a time zone field (a presenter's, in Spanish, the volunteer form, a new office), with the list of
zones their script fills in, which the browser keeps (helper-357). `--bytes` prints
that table alone (a minute, not several). `--decade` times instead every page that reads the
meetings that took place (about 4 minutes): ten years of them, 4 a year (40 held, 2 to come, 8
talks each, most with slides, 60 offices, three survey rounds, contacts, invitations), each made
through the API at its own time, against the bundled survey with one meeting held; as a co-lead and
anonymously, it prints the SQL statements, median time and bytes of each, and their ratios. A
statement count that grows is a query per meeting. `--history` times a meeting's history (its
pages, the API's, the editor's latest lines) after a month of edits and after a year (about 4,000
lines; a minute): the statements, time and bytes of a page stay those of a month's.
"""

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

import time_machine
from feed_bench import agenda
from flask import g
from sqlalchemy import func, select
from support import (
    COLEAD,
    add_colead,
    add_contacts,
    backend,
    bench_app,
    bundled_record,
    counted,
    fresh_get,
    settle,
    signed_in,
    with_token,
)

from planner.agenda.history import PAGE_SIZE
from planner.agenda.models import Meeting, MeetingChange, Slot
from planner.calendar.operations import cache, office_feed_token
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.lineup.operations import accept_lineup
from planner.matching.operations import set_mark, survey_scorer
from planner.materials.operations import add_file, add_link, presenter_actor
from planner.offices.models import Office, OfficeContact
from planner.pagination import API_MAX_PER_PAGE, API_PER_PAGE
from planner.presenters.operations import answer, invite
from planner.survey.models import Answer, Survey
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey
from planner.web import zone_list

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
        "heatmap as a table": f"/surveys/{slug}/heatmap",
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
        "API offices": f"/api/v1/offices?survey={slug}",
        "API offices, all": f"/api/v1/offices?survey={slug}&per_page=500",
        "API office": f"/api/v1/offices/{office}?survey={slug}",
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


# Feeds answered from the feed cache; timed again as built (the cache emptied before each
# request), which is what the first reader after a change meets.
BUILT = ("meeting.ics", "schedule.json")
# A presenter's own slides, as small as a PDF file is.
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def with_materials(meeting_id: int) -> None:
    """What schedule.json lists on most talks: each talk's presenter invited and confirmed, a
    co-lead's link to slides on four talks in five, the presenter's own file on every other
    (theirs, read against who holds the slot now), and a recording of the whole meeting."""
    meeting = db.session.get(Meeting, meeting_id)
    with time_machine.travel(meeting.starts_at - timedelta(days=2), tick=True):
        for slot in meeting.slots:
            name = f"Presenter {slot.id}"
            invitation, _ = invite(
                slot, name=name, email=f"presenter{slot.id}@example.org", time_zone=None, by=COLEAD
            )
            answer(invitation, "confirmed", "")
            if slot.position % 5 != 4:
                add_link(slot, f"https://slides.example/{slot.id}", "slides", COLEAD)
            if slot.position % 2 == 0:
                add_file(slot, "slides.pdf", PDF + str(slot.id).encode(), presenter_actor(name))
        add_link(meeting, "https://video.example/recording", "recording", COLEAD)
        db.session.commit()


def heavy_pages(slug: str, meeting: int, lineup: int, presenter: str) -> dict[str, str]:
    """The pages that grow with the survey (helper-251), every page a co-lead opens
    (helper-257): the meetings are `meeting`, published, and `lineup`'s draft workshop; and
    the pages with a time zone field (helper-357), `presenter` a presenter's private link."""
    matches = f"/recommendations/10/matches?survey={slug}"
    draft = db.session.get(Lineup, lineup).meeting_id
    return {
        "matches": matches,
        "matches, show=all": f"{matches}&show=all",
        "matches, all, page 2": f"{matches}&show=all&page=2",
        "matches, AU's own": f"{matches}&office=AU&role=audience&show=all",
        "overview": f"/?survey={slug}",
        "overview (discuss)": f"/?survey={slug}&question=discuss",
        "heatmap as a table": f"/surveys/{slug}/heatmap",
        "recommendation 10": f"/recommendations/10?survey={slug}",
        "offices": f"/offices?survey={slug}",
        "office ES": f"/offices/ES?survey={slug}",
        "proposals": "/proposals",
        "line-ups": "/lineups",
        "new line-up, Rec 10": "/lineups/new?recommendation=10",
        "line-up": f"/lineups/{lineup}",
        "line-up's figures": f"/lineups/{lineup}/figures",
        "meetings": "/meetings",
        "agenda": f"/meetings/{meeting}",
        "meeting's editor": f"/meetings/{meeting}/edit",
        "draft's editor": f"/meetings/{draft}/edit",
        "meeting's history": f"/meetings/{meeting}/history",
        "API history": f"/api/v1/meetings/{meeting}/history",
        "outbox": "/outbox",
        "API matches": f"/api/v1/matches?recommendation=10&survey={slug}",
        "API answers": f"/api/v1/surveys/{slug}/answers",
        "API offices, all": f"/api/v1/offices?survey={slug}&per_page=500",
        "schedule.json": f"/meetings/{meeting}/schedule.json",
        # The pages with a time zone field, which each offered the ~470 zones (helper-357).
        "presenter page (es)": f"/presenter/{presenter}",
        "volunteer form": "/volunteer",
        "new office": "/offices/new",
        # What those pages' script fills their list with, kept by the browser (zone.js).
        "zone list (es)": f"/zones/es?v={zone_list('es')[1]}",
    }


def presenter_to_come(app) -> str:
    """The private link of a presenter in Asunción who reads Spanish, invited to a talk in a
    meeting to come (published), whose page offers their time zone and their availability."""
    api = with_token(app.test_client())
    starts = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(days=20)
    meeting = _post(
        api,
        "/api/v1/meetings",
        {
            "title": "Task Force meeting to come",
            "kind": "taskforce",
            "starts_at": starts.isoformat(),
            "duration_minutes": 60,
            "time_zone": "Europe/Zurich",
            "video_url": "https://video.example/taskforce",
        },
    )["id"]
    _post(api, f"/api/v1/meetings/{meeting}/slots", {"title": "A talk", "duration_minutes": 20})
    db.session.remove()
    slot = db.session.scalars(select(Slot).where(Slot.meeting_id == meeting)).one()
    _, token = invite(
        slot,
        name="Presenter in Asunción",
        email="presenter@dinapi.example",
        time_zone="America/Asuncion",
        by=COLEAD,
        language="es",
    )
    db.session.commit()
    g.pop("_login_user", None)
    assert api.post(f"/api/v1/meetings/{meeting}/publish").status_code == 200
    return token


def colead_data(app, survey: Survey) -> int:
    """What co-leads have made by the time they plan at 200 offices: 60 proposals from the
    offices, some decided; two contacts at ES; 40 of Rec 10's best matches marked, with a note;
    a line-up on Rec 10 accepted as a draft workshop. Returns the line-up's id."""
    api = with_token(app.test_client())
    app.config["PROPOSALS_PER_HOUR"] = 10**9
    offices = db.session.scalars(select(Office.code).order_by(Office.code)).all()
    for i in range(60):
        created = _post(
            api,
            "/api/v1/proposals",
            {
                "office": offices[i * 3 % len(offices)],
                "name": f"Volunteer {i}",
                "email": f"volunteer{i}@office{i}.example",
                "title": f"Our project number {i}",
                "abstract": "What we built and what we learned. " * 4,
                "recommendations": [1 + i % 10, 10],
                "duration": 20,
                "maturity": ["idea", "pilot", "production"][i % 3],
                "consent": i % 2 == 0,
            },
            environ_base={"REMOTE_ADDR": f"10.0.0.{i}"},
        )
        if i % 3:
            decided = api.patch(
                f"/api/v1/proposals/{created['id']}",
                json={"status": "accepted", "reason": "Welcome.", "version": created["version"]},
            )
            assert decided.status_code == 200, decided.get_json()
    for k in range(2):
        db.session.add(
            OfficeContact(
                office_code="ES",
                name=f"Contact {k}",
                email=f"contact{k}@es.example",
                role="head of IT",
                source=f"entered by {COLEAD}",
            )
        )
    for i, match in enumerate(survey_scorer(survey).matches([10], limit=3)[:80:2]):
        verdict = ("useful", "must_present", "not_useful")[i % 3]
        note = "Asked on the last call; their team can present in English."
        set_mark(match.audience, match.presenter, 10, verdict, note, COLEAD)
    lineup = _post(api, "/api/v1/lineups", {"recommendation": 10, "slots": 8})
    accept_lineup(db.session.get(Lineup, lineup["id"]), COLEAD)
    db.session.commit()
    return lineup["id"]


def _post(client, url: str, body: dict, **options) -> dict:
    g.pop("_login_user", None)
    response = client.post(url, json=body, **options)
    assert response.status_code == 201, (url, response.get_json())
    return response.get_json()


HEAVY = 200_000
GZIP = {"Accept-Encoding": "gzip"}


def print_heavy_pages(app, survey: Survey, meeting: int) -> None:
    """Bytes of each heavy page as anyone, anyone taking gzip, and a co-lead get it; "-" where
    only a co-lead may open it."""
    add_colead()
    lineup = colead_data(app, survey)
    slug = survey.slug
    presenter = presenter_to_come(app)
    colead, anyone = with_token(signed_in(app)), app.test_client()
    print(f"{'bytes at 200 offices':22} {'anyone':>9} {'gzipped':>9} {'co-lead':>9}")
    for name, url in heavy_pages(slug, meeting, lineup, presenter).items():
        theirs = fresh_get(colead, url, GZIP)
        assert theirs.status_code == 200, (url, theirs.status_code)
        theirs = len(theirs.data)
        plain, packed = fresh_get(anyone, url), fresh_get(anyone, url, GZIP)
        if plain.status_code != 200:
            plain = packed = None
        else:
            plain, packed = len(plain.data), len(packed.data)
        # Over the wire: what anyone's browser takes, and a co-lead's page as it is.
        heavy = ", ".join(
            who for who, n in (("anyone", packed), ("co-lead", theirs)) if n and n > HEAVY
        )
        print(
            f"{name:22} {_size(plain):>9} {_size(packed):>9} {_size(theirs):>9}"
            + (f"  heavy for {heavy}" if heavy else "")
        )


def measure(client, url: str, runs: int, before=None) -> tuple[float, int]:
    """The median time in ms and the size in bytes of the answer to `url`, `before()` called
    before each request."""
    before = before or (lambda: None)
    before()
    start = time.perf_counter()
    response = client.get(url)
    first = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    size = len(response.data)
    times = []
    for _ in range(3 if first > SLOW_MS else runs):
        before()
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, size


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--offices", type=int, default=400)
    parser.add_argument(
        "--bytes", action="store_true", help="only the bytes of the heavy pages at 200 offices"
    )
    parser.add_argument(
        "--decade", action="store_true", help="only the pages that read ten years of meetings"
    )
    parser.add_argument(
        "--history", action="store_true", help="only a meeting's history, a month's and a year's"
    )
    args = parser.parse_args()
    if args.decade:
        print_decade(min(args.runs, 5))
        return
    if args.history:
        print_history(min(args.runs, 5))
        return
    with bench_app() as app:
        real = bundled_record()
        surveys = [import_record(real).survey]
        if not args.bytes:
            surveys.append(import_record(scaled_survey(real, args.offices)).survey)
        agenda(2, 10)
        settle()
        meeting = db.session.scalar(select(Meeting.id).order_by(Meeting.id).limit(1))
        with_materials(meeting)
        client = app.test_client()
        if not args.bytes:
            time_pages(app, client, surveys, meeting, args)
        if args.bytes or args.offices != MATCHES_OFFICES:
            survey = import_record(scaled_survey(real, MATCHES_OFFICES)).survey
            settle()
        else:
            survey = surveys[1]
        if not args.bytes:
            url = f"/recommendations/10/matches?survey={survey.slug}"
            ms, size = measure(client, url, args.runs)
            verdict = "met" if ms < MATCHES_TARGET_MS else "MISSED"
            print(
                f"the matches page of Rec 10 at {MATCHES_OFFICES} offices: {ms:.1f} ms, "
                f"{_size(size)} (target < {MATCHES_TARGET_MS} ms: {verdict})"
            )
        print_heavy_pages(app, survey, meeting)


def time_pages(app, client, surveys: list, meeting: int, args) -> None:
    """Each page's median time and size on the bundled survey and on `args.offices` offices."""
    office = db.session.get(Office, "ES")
    token = office_feed_token(office, app.config["SECRET_KEY"])
    targets = []
    for survey in surveys:
        answer = db.session.scalar(select(Answer.id).where(Answer.survey_id == survey.id).limit(1))
        targets.append(pages(survey.slug, "ES", answer))
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
        if name not in BUILT and client.get(url).status_code == 404:
            # A smaller survey (`--offices 40`) has fewer pages: none to time, said so.
            print(f"{name:22} {'':19} {'(no such page at ' + large + ')':>19}")
            continue
        ms, size = measure(client, url, args.runs)
        worst, biggest = max(worst, ms), max(biggest, size)
        verdict = "met" if ms < TARGET_MS else "MISSED"
        print(f"{name:22} {'':19} {ms:7.1f}ms {_size(size):>9} {'':6}  {verdict}")
        if name in BUILT:
            ms, size = measure(client, url, args.runs, before=cache.clear)
            worst = max(worst, ms)
            verdict = "met" if ms < TARGET_MS else "MISSED"
            built = f"{name}, built"
            print(f"{built:22} {'':19} {ms:7.1f}ms {_size(size):>9} {'':6}  {verdict}")
    print(
        f"slowest at {large}: {worst:.1f} ms (target < {TARGET_MS} ms); "
        f"largest answer {_size(biggest)}"
    )


def decade(app, offices: int, held: int, rounds: int, talks: int = 8) -> dict:
    """`held` meetings that took place, a quarter apart up to now, and two to come; each made,
    given talks, invited, answered and published through the app at the time co-leads did, with
    slides on four talks in five; `rounds` surveys of `offices` offices imported along the way
    (the bundled survey alone for 21); two contacts an office; marks and a line-up on Rec 10.
    Returns the ids the pages need."""
    real = bundled_record()
    now = datetime.now(UTC).replace(hour=11, minute=0, second=0, microsecond=0)
    first = now - timedelta(days=91 * held + 30)
    add_colead()
    api = with_token(app.test_client())

    def import_round(n: int) -> None:
        with time_machine.travel(first - timedelta(days=60 - 91 * held * n // rounds), tick=True):
            many = offices > len(real.respondents)
            import_record(scaled_survey(real, offices, seed=n) if many else real)
            db.session.commit()

    import_round(0)
    codes = db.session.scalars(select(Office.code).order_by(Office.code)).all()
    add_contacts(codes)
    ids, imported = [], 1
    for m in range(held + 2):
        while imported < rounds and m >= held * imported // rounds:
            import_round(imported)
            imported += 1
        past = m < held
        starts = (
            first + timedelta(days=91 * m) if past else now + timedelta(days=30 * (m - held + 1))
        )
        with time_machine.travel(starts - timedelta(days=20), tick=True):
            ids.append(_held_meeting(api, m, starts, codes, talks))
    for i in range(min(80, 2 * len(codes))):
        audience, presenter = codes[i % len(codes)], codes[(i * 13 + 5) % len(codes)]
        if audience != presenter:
            verdict = ("useful", "must_present", "not_useful")[i % 3]
            set_mark(audience, presenter, 10, verdict, "Asked on the last call.", COLEAD)
    db.session.commit()
    lineup = _post(api, "/api/v1/lineups", {"recommendation": 10, "slots": 8})
    settle()
    return {"held": ids[held - 1], "next": ids[held], "lineup": lineup["id"]}


def _held_meeting(api, m: int, starts: datetime, codes: list[str], talks: int) -> int:
    """Meeting `m` of a decade: made, its talks invited and answered (one in nine declined, one
    in seven unanswered), published, and slides added to four in five."""
    workshop = m % 2 == 1
    meeting = _post(
        api,
        "/api/v1/meetings",
        {
            "title": f"{'Workshop' if workshop else 'Task Force meeting'} {m + 1}",
            "kind": "workshop" if workshop else "taskforce",
            "recommendation": 1 + m % 10 if workshop else None,
            "starts_at": starts.isoformat(),
            "duration_minutes": 12 * talks + 30,
            "time_zone": ("Europe/Zurich", "Asia/Tokyo", "America/Lima")[m % 3],
            "video_url": "https://video.example/taskforce",
        },
    )["id"]
    for s in range(talks):
        _post(
            api,
            f"/api/v1/meetings/{meeting}/slots",
            {
                "title": f"Talk {s + 1}",
                "office": codes[(m * 7 + s * 3) % len(codes)],
                "recommendations": [1 + m % 10 if workshop else 1 + (m + s) % 10],
                "duration_minutes": 12,
                "abstract": "What we built and what we learned. " * 3,
            },
        )
    db.session.remove()
    slots = db.session.scalars(select(Slot).where(Slot.meeting_id == meeting)).all()
    for slot in slots:
        invitation, _ = invite(
            slot,
            name=f"Presenter {slot.id}",
            email=f"presenter{slot.id}@example.org",
            time_zone="Asia/Tokyo",
            by=COLEAD,
        )
        if slot.position % 7 != 5:
            answer(invitation, *(("confirmed", "") if slot.position % 9 else ("declined", "Ill.")))
    db.session.commit()
    g.pop("_login_user", None)
    assert api.post(f"/api/v1/meetings/{meeting}/publish").status_code == 200
    for slot in db.session.scalars(select(Slot).where(Slot.meeting_id == meeting)):
        if slot.position % 5 != 4:
            add_link(slot, f"https://slides.example/{slot.id}", "slides", COLEAD)
    db.session.commit()
    return meeting


def decade_pages(ids: dict, token: str, pair: tuple[str, str]) -> dict[str, str]:
    """Every page that reads the meetings that took place, and every feed."""
    held, pair = ids["held"], f"audience={pair[0]}&presenter={pair[1]}"
    found = {
        "meetings": "/meetings",
        "report": "/meetings/report",
        "report.csv": "/meetings/report.csv",
        "recommendation 10": "/recommendations/10",
        "matches": "/recommendations/10/matches",
        "matches, show=all": "/recommendations/10/matches?show=all",
        "a pair's mark": f"/recommendations/10/matches/marks?{pair}",
        "new line-up, Rec 10": "/lineups/new?recommendation=10",
        "line-up": f"/lineups/{ids['lineup']}",
        "offices": "/offices",
        "office ES": "/offices/ES",
        "meeting last held": f"/meetings/{held}",
        "its editor": f"/meetings/{held}/edit",
        "next one's editor": f"/meetings/{ids['next']}/edit",
        "its archive": f"/meetings/{held}/archive",
        "API matches": "/api/v1/matches?recommendation=10",
        "API matches, all": "/api/v1/matches?recommendation=10&limit=all",
        "API meetings": "/api/v1/meetings",
        "API meeting": f"/api/v1/meetings/{held}",
        "schedule.json": f"/meetings/{held}/schedule.json",
        "meeting.ics": f"/meetings/{held}.ics",
        "taskforce.ics": "/feeds/taskforce.ics",
        "taskforce-talks.ics": "/feeds/taskforce-talks.ics",
        "office feed ES": f"/feeds/offices/ES.ics?token={token}",
        "outbox": "/outbox",
    }
    return found | {f"Rec {n} feed": f"/feeds/recommendations/{n}.ics" for n in range(1, 11)}


def measure_decade(offices: int, held: int, rounds: int, runs: int) -> dict[tuple, tuple]:
    """{(page, who): (status, statements, median ms, bytes)} on `decade(...)`."""
    found = {}
    with bench_app() as app:
        app.config["BASE_URL"] = "http://planner.example"
        began = time.perf_counter()
        ids = decade(app, offices, held, rounds)
        built = time.perf_counter() - began
        print(f"{backend()}: {held} meetings held, {offices} offices, built in {built:.0f} s")
        token = office_feed_token(db.session.get(Office, "ES"), app.config["SECRET_KEY"])
        latest = db.session.scalars(select(Survey).order_by(Survey.id.desc())).first()
        best = survey_scorer(latest).matches([10], limit=1)[0]
        colead, anyone = with_token(signed_in(app)), app.test_client()
        for name, url in decade_pages(ids, token, (best.audience, best.presenter)).items():
            for who, client in (("co-lead", colead), ("anyone", anyone)):
                found[name, who] = counted(client, url, runs)
        db.session.remove()
    return found


def print_decade(runs: int) -> None:
    one = measure_decade(21, 1, 1, runs)
    ten = measure_decade(60, 40, 3, runs)
    print(f"median of {runs} requests; HTTP status, SQL statements, ms, bytes")
    print(
        f"{'page':22} {'who':7} | {'21 offices, 1 held':^28} | {'60 offices, 40 held':^28} | ratios"
    )
    for key, (status, statements, ms, size) in ten.items():
        s_status, s_statements, s_ms, s_size = one[key]
        flags = " heavy" if size > HEAVY else ""
        print(
            f"{key[0]:22} {key[1]:7} | {s_status:3} {s_statements:4} {s_ms:7.1f} {s_size:10,} "
            f"| {status:3} {statements:4} {ms:7.1f} {size:10,} "
            f"| SQL {statements / max(s_statements, 1):4.1f}x ms {ms / s_ms:4.1f}x "
            f"bytes {size / s_size:4.1f}x{flags}"
        )


def edited_for(app, days: int, slots: int = 10) -> int:
    """A meeting a co-lead edits through the API for `days` days before it takes place, each
    day at its own time: a talk made longer or shorter (which moves every talk after it), one
    retitled and one's abstract rewritten; every week its description and one talk's office.
    About eight lines of history a day. Returns its id."""
    api = with_token(app.test_client())
    starts = datetime.now(UTC).replace(hour=11, minute=0, second=0, microsecond=0)
    starts += timedelta(days=30)
    first = starts - timedelta(days=days + 5)
    codes = db.session.scalars(select(Office.code).order_by(Office.code)).all()
    with time_machine.travel(first, tick=True):
        meeting = _post(
            api,
            "/api/v1/meetings",
            {
                "title": "Task Force meeting",
                "kind": "taskforce",
                "starts_at": starts.isoformat(),
                "duration_minutes": 12 * slots + 30,
                "time_zone": "Europe/Zurich",
            },
        )["id"]
        ids = [
            _post(
                api,
                f"/api/v1/meetings/{meeting}/slots",
                {
                    "title": f"Talk {s + 1}",
                    "office": codes[s * 3 % len(codes)],
                    "recommendations": [1 + s % 10],
                    "duration_minutes": 12,
                    "abstract": "What we built and what we learned. " * 3,
                },
            )["id"]
            for s in range(slots)
        ]

    def patch(url: str, body: dict) -> None:
        g.pop("_login_user", None)
        response = api.patch(url, json=body)
        assert response.status_code == 200, (url, response.get_json())

    for day in range(days):
        with time_machine.travel(first + timedelta(days=day, hours=day % 8), tick=True):
            patch(f"/api/v1/slots/{ids[day % 3]}", {"duration_minutes": 12 + day % 2})
            patch(f"/api/v1/slots/{ids[day % slots]}", {"title": f"Talk {day % slots + 1}, {day}"})
            patch(f"/api/v1/slots/{ids[(day + 5) % slots]}", {"abstract": f"Day {day}. " * 20})
            if day % 7 == 0:
                patch(f"/api/v1/meetings/{meeting}", {"description": f"Agenda as of day {day}."})
                office = codes[(day // 7 * 5) % len(codes)]
                patch(f"/api/v1/slots/{ids[(day // 7) % slots]}", {"office": office})
    db.session.remove()
    settle()
    return meeting


def history_pages(meeting: int, lines: int) -> dict[str, str]:
    """The meeting's history, its first, middle and last pages, on the page and in the API (a
    page of the API's default size, and of its largest), and its editor, which shows the latest
    lines."""
    pages, api_pages = -(-lines // PAGE_SIZE), -(-lines // API_PER_PAGE)
    page, api = f"/meetings/{meeting}/history", f"/api/v1/meetings/{meeting}/history"
    return {
        "editor": f"/meetings/{meeting}/edit",
        "history, page 1": page,
        "history, middle page": f"{page}?page={(pages + 1) // 2}",
        "history, last page": f"{page}?page={pages}",
        "API history, page 1": api,
        "API history, middle": f"{api}?page={(api_pages + 1) // 2}",
        "API history, last": f"{api}?page={api_pages}",
        "API history, 500, last": f"{api}?per_page={API_MAX_PER_PAGE}&page="
        f"{-(-lines // API_MAX_PER_PAGE)}",
    }


def measure_history(days: int, runs: int) -> tuple[int, dict[str, tuple]]:
    """(lines of history, {page: (status, statements, median ms, bytes)}) of `edited_for(days)`."""
    with bench_app() as app:
        import_record(bundled_record())
        add_colead()
        began = time.perf_counter()
        meeting = edited_for(app, days)
        built = time.perf_counter() - began
        lines = db.session.scalar(
            select(func.count(MeetingChange.id)).where(MeetingChange.meeting_id == meeting)
        )
        print(f"{backend()}: {days} days of edits, {lines} lines of history, built {built:.0f} s")
        colead = with_token(signed_in(app))
        found = {
            name: counted(colead, url, runs) for name, url in history_pages(meeting, lines).items()
        }
        db.session.remove()
    return lines, found


def print_history(runs: int) -> None:
    """A meeting's history after a month of edits and after a year: each page's statements,
    median time and bytes, and their ratios; a page of the history costs the same however
    long the history is."""
    short_lines, short = measure_history(30, runs)
    long_lines, long = measure_history(365, runs)
    print(f"median of {runs} requests, as a co-lead; HTTP status, SQL statements, ms, bytes")
    month, year = f"{short_lines} lines (a month)", f"{long_lines} lines (a year)"
    print(f"{'page':22} | {month:^28} | {year:^28} | ratios")
    for name, (status, statements, ms, size) in long.items():
        s_status, s_statements, s_ms, s_size = short[name]
        print(
            f"{name:22} | {s_status:3} {s_statements:4} {s_ms:7.1f} {s_size:10,} "
            f"| {status:3} {statements:4} {ms:7.1f} {size:10,} "
            f"| SQL {statements / max(s_statements, 1):4.1f}x ms {ms / s_ms:4.1f}x "
            f"bytes {size / s_size:4.1f}x"
        )


if __name__ == "__main__":
    main()
