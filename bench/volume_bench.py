"""Every page and API answer on a planner used for years: statements, time and size as data grows.

Run with `.venv/bin/python bench/volume_bench.py [--runs N] [--scale F] [--only NAME]` (about
7 minutes at scale 1 on SQLite; TEST_DATABASE_URL for PostgreSQL, as scripts/with-postgres.sh
sets it). Builds, through the app's own API and operations, what years of planning leave
behind: a survey of 500 offices, 2,000 proposals in every status, 40 meetings (published,
draft, cancelled, and drafts from accepted line-ups) of 15 slots with invited and confirmed
presenters, 1,000 co-lead marks on matches, saved line-ups, two contacts per office and 20,000
outbox messages; then the same at a tenth of that. Asks for every GET page and API answer as a
co-lead and anonymously (lists at their first and last page) and prints, for both sizes, the
SQL statements sent, the median time and the answer's size, and their ratios. A statement count
that grows with the data is a query per row (or per 500, selectinload's batch); a page whose size
grows with it lacks pagination.
"""

import argparse
import os
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from support import (
    COLEAD,
    add_colead,
    add_contacts,
    bench_app,
    bundled_record,
    counted,
    settle,
    signed_in,
    with_token,
)

from planner.agenda.models import Meeting, Slot
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.lineup.operations import accept_lineup
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import enqueue
from planner.matching.operations import set_mark
from planner.offices.models import Office, OfficeContact
from planner.presenters.operations import answer, invite
from planner.proposals.models import Proposal
from planner.survey.models import Answer
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey


class Recipient:
    def __init__(self, name: str, email: str) -> None:
        self.name, self.email, self.language = name, email, "en"


def build(app, scale: float) -> dict:
    """The data set, built as co-leads and offices build it; returns ids the pages need."""
    n = lambda count: max(3, round(count * scale))  # noqa: E731
    real = bundled_record()
    import_record(real)
    survey = import_record(scaled_survey(real, max(len(real.respondents), n(500)))).survey
    add_colead()
    api = with_token(app.test_client())
    offices = db.session.scalars(select(Office.code).order_by(Office.code)).all()

    # Proposals, from the offices, in every status (decided by the co-lead through the API).
    app.config["PROPOSALS_PER_HOUR"] = 10**9
    statuses = ["submitted", "accepted", "declined", "waitlisted", "withdrawn"]
    for i in range(n(2000)):
        created = api.post(
            "/api/v1/proposals",
            json={
                "office": offices[i % len(offices)],
                "name": f"Volunteer {i}",
                "email": f"volunteer{i}@office{i % 97}.example",
                "title": f"Our project number {i}",
                "abstract": "What we built and what we learned. " * 4,
                "recommendations": [1 + i % 10, 1 + (i * 7) % 10],
                "duration": 20,
                "maturity": ["idea", "pilot", "production"][i % 3],
                "consent": i % 2 == 0,
            },
            environ_base={"REMOTE_ADDR": f"10.0.{i // 250}.{i % 250}"},
        )
        assert created.status_code == 201, created.get_json()
        body = created.get_json()
        status = statuses[i % len(statuses)]
        if status == "withdrawn":
            proposal = db.session.get(Proposal, body["id"])
            proposal.status = "withdrawn"  # the office's own link; its operation is tested
            db.session.commit()
        elif status != "submitted":
            changed = api.patch(
                f"/api/v1/proposals/{body['id']}",
                json={"status": status, "reason": "Decided.", "version": body["version"]},
            )
            assert changed.status_code == 200, changed.get_json()

    add_contacts(offices)

    # Meetings: 15 slots each; most published, some drafts, some cancelled.
    start = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    meetings = []
    for m in range(n(40)):
        meeting = api.post(
            "/api/v1/meetings",
            json={
                "title": f"Workshop {m + 1}",
                "starts_at": (start + timedelta(days=7 * m + 7)).isoformat(),
                "duration_minutes": 15 * 12,
                "time_zone": ["Europe/Zurich", "Asia/Tokyo", "America/Lima"][m % 3],
            },
        ).get_json()
        for s in range(15):
            created = api.post(
                f"/api/v1/meetings/{meeting['id']}/slots",
                json={
                    "title": f"Talk {s + 1}",
                    "office": offices[(m * 15 + s) % len(offices)],
                    "recommendations": [1 + s % 10],
                    "duration_minutes": 12,
                },
            )
            assert created.status_code == 201, created.get_json()
        meetings.append(meeting["id"])
        if m % 4 != 3:
            assert api.post(f"/api/v1/meetings/{meeting['id']}/publish").status_code == 200
        for slot in db.session.scalars(select(Slot).where(Slot.meeting_id == meeting["id"])):
            if slot.position % 3 == 2:
                continue
            invitation, _ = invite(
                slot,
                name=f"Presenter {slot.id}",
                email=f"presenter{slot.id}@example.org",
                time_zone="Asia/Tokyo",
                by=COLEAD,
            )
            if slot.position % 3 == 0:
                answer(invitation, "confirmed", "")
        db.session.commit()
        if m % 8 == 6:
            assert api.delete(f"/api/v1/meetings/{meeting['id']}").status_code == 200

    # Marks on matches, and line-ups.
    for i in range(n(1000)):
        audience, presenter = offices[i % len(offices)], offices[(i * 13 + 5) % len(offices)]
        if audience != presenter:
            verdict = ["useful", "not_useful", "must_present"][i % 3]
            set_mark(audience, presenter, 1 + i % 10, verdict, f"note {i}", COLEAD)
    db.session.commit()
    for i in range(n(20)):
        created = api.post(
            "/api/v1/lineups", json={"recommendation": 1 + i % 10, "slots": 4 + i % 5}
        )
        assert created.status_code == 201, created.get_json()
        if i % 4 == 0:  # accepted as a new draft workshop
            accept_lineup(db.session.get(Lineup, created.get_json()["id"]), COLEAD)
            db.session.commit()

    # The outbox topped up to 20,000 messages of every kind and status.
    kinds, states = list(MessageKind), list(MessageStatus)
    have = db.session.scalar(select(func.count()).select_from(OutboxMessage))
    for i in range(max(0, n(20000) - have)):
        message = enqueue(
            Recipient(f"Person {i}", f"person{i % 3000}@example.org"),
            kind=kinds[i % len(kinds)],
            subject=f"Message {i}",
            text="Hello.\n" * 20,
            html="<p>Hello.</p>" * 20,
            optional=False,
        )
        message.status = states[(i * 7) % len(states)]
        if i % 500 == 0:
            db.session.commit()
    db.session.commit()
    settle()
    return {
        "survey": survey.slug,
        "answer": db.session.scalar(select(Answer.id).where(Answer.survey_id == survey.id)),
        "meeting": meetings[0],
        "cancelled": meetings[6] if len(meetings) > 6 else meetings[-1],
        "slot": db.session.scalar(select(Slot.id).where(Slot.meeting_id == meetings[0])),
        "proposal": db.session.scalar(select(func.max(Proposal.id))),
        "lineup": db.session.scalar(select(func.max(Lineup.id))),
        "message": db.session.scalar(select(func.max(OutboxMessage.id))),
        "contact": db.session.scalar(select(func.min(OfficeContact.id))),
        "office": "ES",
    }


def urls(ids: dict) -> dict[str, str]:
    s = ids["survey"]
    return {
        "overview": f"/?survey={s}",
        "surveys": "/surveys",
        "survey": f"/surveys/{s}",
        "answer": f"/surveys/{s}/answers/{ids['answer']}",
        "recommendations": "/recommendations",
        "recommendation 10": "/recommendations/10",
        "matches 10": "/recommendations/10/matches",
        "matches 10, last page": "/recommendations/10/matches?show=all&page=999999",
        "API matches": "/api/v1/matches?recommendation=10",
        "offices": "/offices",
        "office ES": "/offices/ES",
        "office edit": "/offices/ES/edit",
        "contacts.csv": "/offices/contacts.csv",
        "contact edit": f"/offices/contacts/{ids['contact']}/edit",
        "meetings": "/meetings",
        "meeting": f"/meetings/{ids['meeting']}",
        "meeting edit": f"/meetings/{ids['meeting']}/edit",
        "meeting cancelled": f"/meetings/{ids['cancelled']}",
        "meeting archive": f"/meetings/{ids['meeting']}/archive",
        "slot edit": f"/slots/{ids['slot']}/edit",
        "slot invite": f"/slots/{ids['slot']}/invite",
        "API meeting": f"/api/v1/meetings/{ids['meeting']}",
        "API slot": f"/api/v1/slots/{ids['slot']}",
        "meeting.ics": f"/meetings/{ids['meeting']}.ics",
        "schedule.json": f"/meetings/{ids['meeting']}/schedule.json",
        "taskforce.ics": "/feeds/taskforce.ics",
        "taskforce-talks.ics": "/feeds/taskforce-talks.ics",
        "recommendation feed": "/feeds/recommendations/10.ics",
        "proposals": "/proposals",
        "proposals, last page": f"/proposals?page={last(Proposal, 50)}",
        "proposals, submitted": "/proposals?status=submitted",
        "proposals, Rec 10": "/proposals?recommendation=10",
        "proposal": f"/proposals/{ids['proposal']}",
        "API proposals": "/api/v1/proposals",
        "volunteer": "/volunteer",
        "lineups": "/lineups",
        "lineups, last page": f"/lineups?page={last(Lineup, 20)}",
        "lineup": f"/lineups/{ids['lineup']}",
        "lineup new": "/lineups/new?recommendation=10",
        "outbox": "/outbox",
        "outbox, last page": f"/outbox?page={last(OutboxMessage, 50)}",
        "outbox, failed": "/outbox?status=failed",
        "outbox, held": "/outbox?status=held",
        "outbox, kind=reminder": "/outbox?kind=reminder",
        "outbox, sent+update": "/outbox?status=sent&kind=update",
        "outbox message": f"/outbox/{ids['message']}",
    }


def last(model, size: int) -> int:
    """The number of the last page of a list of `model`, `size` to a page."""
    return max(1, -(-db.session.scalar(select(func.count()).select_from(model)) // size))


def measure_all(scale: float, runs: int, only: str | None) -> dict[tuple[str, str], tuple]:
    """Every page at `scale`, as a co-lead and anonymously: {(page, who): counted(...)}."""
    results = {}
    with bench_app() as app:
        app.config["BASE_URL"] = "http://planner.example"
        began = time.perf_counter()
        ids = build(app, scale)
        counts = {
            "proposals": Proposal,
            "meetings": Meeting,
            "slots": Slot,
            "outbox messages": OutboxMessage,
            "line-ups": Lineup,
            "offices": Office,
        }
        sizes = ", ".join(
            f"{db.session.scalar(select(func.count()).select_from(model)):,} {name}"
            for name, model in counts.items()
        )
        print(f"scale {scale:g}, built in {time.perf_counter() - began:.0f} s: {sizes}")
        colead = with_token(signed_in(app))
        anonymous = app.test_client()
        for name, url in urls(ids).items():
            if only and only not in name:
                continue
            for who, client in (("co-lead", colead), ("anonymous", anonymous)):
                results[name, who] = counted(client, url, runs)
        db.session.remove()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", help="only the pages whose name holds this")
    args = parser.parse_args()
    print(f"database: {backend_name()}; median of {args.runs} requests")
    small = measure_all(args.scale / 10, args.runs, args.only)
    large = measure_all(args.scale, args.runs, args.only)
    print(
        f"{'page':24} {'who':9} | {'a tenth':^27} | {'all':^27} | ratio SQL, ms\n"
        f"{'':24} {'':9} | {'HTTP':>4} {'SQL':>4} {'ms':>7} {'bytes':>9} "
        f"| {'HTTP':>4} {'SQL':>4} {'ms':>7} {'bytes':>9} |"
    )
    for key, (status, statements, ms, size) in large.items():
        s_status, s_statements, s_ms, s_size = small[key]
        print(
            f"{key[0]:24} {key[1]:9} | {s_status:4} {s_statements:4} {s_ms:7.1f} {s_size:9,} "
            f"| {status:4} {statements:4} {ms:7.1f} {size:9,} "
            f"| {statements / max(s_statements, 1):4.1f}x {ms / s_ms:5.1f}x"
        )


def backend_name() -> str:
    url = os.environ.get("TEST_DATABASE_URL") or "sqlite"
    return url.split(":", 1)[0]


if __name__ == "__main__":
    main()
