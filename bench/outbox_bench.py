"""The outbox page's counts and pages on 20,000 messages, with and without the index that serves
its filters by kind (ix_outbox_kind_status); and the sender's round of late messages said again
as they go (`reword_due`) with many due.

Run with `scripts/with-postgres.sh .venv/bin/python bench/outbox_bench.py [--messages N]
[--body-bytes B] [--runs N]` (TEST_DATABASE_URL; SQLite without it). Stores N messages of every
kind and status (as bench/volume_bench.py does, with bodies of about B bytes each as text and
HTML), asks for the outbox's filtered pages as a co-lead, and prints each page's median time and
the plan, pages read and time of each statement it sends about the outbox (EXPLAIN ANALYZE on
PostgreSQL), first as the schema is, then with the index dropped.

With `--reword 50,400` instead: that many presenters of confirmed talks, through the app's own
operations, each with a reminder due and retrying (their server turned it away), and as many
office contacts told that a talk's presenter declined, retrying too; prints, for each size, the
median time of `reword_due` (the round that says them again as of when they go) and the SQL
statements it sends: a count that grows with the messages is a query per message.
"""

import argparse
import random
import re
import statistics
import time
import uuid
from datetime import timedelta

from sqlalchemy import event, insert, select, text
from support import COLEAD, add_colead, backend, bench_app, fresh_get, settle, signed_in

from planner.agenda.models import Meeting, Slot
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import enqueue_reminders, reword_due
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.offices.models import Office, OfficeContact
from planner.presenters.operations import answer, invite

URLS = {
    "outbox": "/outbox",
    "kind=reminder": "/outbox?kind=reminder",
    "kind=proposal, page 5": "/outbox?kind=proposal&page=5",
    "status=sent&kind=update": "/outbox?status=sent&kind=update",
    "status=failed": "/outbox?status=failed",
}


def build(count: int, body_bytes: int) -> None:
    kinds, states = list(MessageKind), list(MessageStatus)
    words = random.Random(1)
    # Words that do not repeat: a body the database compresses little, as a real one.
    body = lambda: " ".join(f"{words.getrandbits(24):06x}" for _ in range(body_bytes // 7))  # noqa: E731
    now = utcnow()
    rows = [
        {
            "kind": kinds[i % len(kinds)],
            "status": states[(i * 7) % len(states)],
            "recipient_name": f"Person {i}",
            "recipient_email": f"person{i % 3000}@example.org",
            "recipient_mailbox": f"person{i % 3000}@example.org",
            "language": "en",
            "subject": f"Message {i}",
            "text_body": body(),
            "html_body": f"<p>{body()}</p>",
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
            "message_id": f"<{uuid.uuid4()}@bench>",
        }
        for i in range(count)
    ]
    for start in range(0, count, 1000):
        db.session.execute(insert(OutboxMessage), rows[start : start + 1000])
    add_colead()
    settle()
    steady()


def steady() -> None:
    """Statistics and the visibility map as autovacuum leaves them after a load."""
    if backend() == "postgresql":
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE outbox")


def statements_of(client, url: str) -> list[tuple[str, object]]:
    sent = []

    def keep(_connection, _cursor, statement, parameters, *_args):
        if "outbox" in statement and statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        assert fresh_get(client, url).status_code == 200, url
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    return sent


def explain(statement: str, parameters) -> tuple[str, float]:
    """How the database reads it (its scan, and the pages it read) and the time (ms) it took."""
    connection = db.session.connection()
    if backend() == "postgresql":
        rows = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
        ).all()
        lines = [r[0] for r in rows]
        took = float(re.search(r"Execution Time: ([\d.]+)", lines[-1])[1])
        scan = next(line for line in lines if "Scan" in line)
        scan = re.sub(r"\s*\(cost=.*", "", scan).strip(" ->")
        pages = next(line for line in lines if "Buffers:" in line).strip()
        return f"{scan}; {pages}", took
    rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    begin = time.perf_counter()
    connection.exec_driver_sql(statement, parameters).all()
    return " | ".join(r[-1] for r in rows), (time.perf_counter() - begin) * 1000


def measure(client, runs: int, label: str) -> None:
    print(f"\n== {label}")
    for name, url in URLS.items():
        fresh_get(client, url)
        times = []
        for _ in range(runs):
            begin = time.perf_counter()
            fresh_get(client, url)
            times.append((time.perf_counter() - begin) * 1000)
        print(f"{name:28} page median {statistics.median(times):7.1f} ms")
        for statement, parameters in statements_of(client, url):
            took = statistics.median(explain(statement, parameters)[1] for _ in range(runs))
            plan, _ = explain(statement, parameters)
            shape = re.sub(r"\s+", " ", statement)[:90]
            print(f"    {took:7.2f} ms  {shape}\n               {plan}")
        db.session.rollback()


def due_to_reword(count: int) -> None:
    """`count` confirmed talks in meetings two days ahead, each presenter's reminder written and
    turned away once; and `count` talks whose presenter declined, their office contact's news
    of it turned away once. Every message is due again now."""
    offices = db.session.scalars(select(Office.code).order_by(Office.code)).all()
    start = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    for code in offices:
        db.session.add(
            OfficeContact(
                office_code=code,
                name=f"Contact of {code}",
                email=f"it@{code.lower()}.example",
                role="head of IT",
                source=f"entered by {COLEAD}",
            )
        )
    made = 0
    while made < 2 * count:
        meeting = Meeting(
            title=f"Workshop {made}",
            starts_at=start + timedelta(hours=made // 10),
            duration_minutes=200,
            time_zone="Europe/Zurich",
            status="published",
            published_at=utcnow(),
        )
        db.session.add(meeting)
        db.session.flush()
        for position in range(10):
            slot = Slot(
                meeting=meeting,
                position=position,
                title=f"Talk {made}",
                kind="presentation",
                office_code=offices[made % len(offices)],
                duration_minutes=20,
            )
            db.session.add(slot)
            db.session.flush()
            invite(
                slot,
                name=f"Presenter {made}",
                email=f"presenter{made}@example.org",
                time_zone="Asia/Tokyo",
                by=COLEAD,
            )
            made += 1
        db.session.commit()
        for slot in meeting.slots:
            if slot.id % 2:
                answer(slot.invitation, "confirmed", "")
            else:
                answer(slot.invitation, "declined", "Away that week.")
        db.session.commit()
    enqueue_reminders(start - timedelta(hours=1))
    db.session.commit()
    for message in db.session.scalars(select(OutboxMessage)):
        declined = ((message.basis or {}).get("said") or {}).get("presenter_declined")
        if message.kind == MessageKind.reminder or declined:
            # Turned away once by their server: due again now.
            message.attempts, message.last_error = 1, "451 try later"
            message.next_attempt_at = utcnow()
        else:
            message.status, message.sent_at = MessageStatus.sent, utcnow()
    db.session.commit()
    settle()


def reword_round(runs: int, sizes: list[int]) -> None:
    for size in sizes:
        with bench_app():
            due_to_reword(size)
            due = db.session.scalar(
                select(text("count(*)"))
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == MessageStatus.queued)
            )
            now = utcnow() + timedelta(minutes=1)
            times, statements = [], []
            for _ in range(runs):
                db.session.expire_all()
                sent = []

                def keep(_connection, _cursor, statement, *_args, sent=sent):
                    sent.append(statement)

                event.listen(db.engine, "before_cursor_execute", keep)
                begin = time.perf_counter()
                reword_due(now)
                times.append((time.perf_counter() - begin) * 1000)
                event.remove(db.engine, "before_cursor_execute", keep)
                db.session.rollback()
                statements.append(len(sent))
            print(
                f"{backend()}: {due:5} messages due ({size} reminders, {size} contacts' news): "
                f"reword_due median {statistics.median(times):8.1f} ms, "
                f"{statistics.median(statements):5.0f} statements"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--body-bytes", type=int, default=150)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reword", help="sizes, e.g. 50,400: the reword round instead")
    args = parser.parse_args()
    if args.reword:
        reword_round(args.runs, [int(size) for size in args.reword.split(",")])
        return
    with bench_app() as app:
        build(args.messages, args.body_bytes)
        size = (
            db.session.scalar(text("SELECT pg_total_relation_size('outbox')"))
            if (backend() == "postgresql")
            else None
        )
        print(
            f"{backend()}: {args.messages:,} messages, bodies of ~{args.body_bytes} bytes"
            + (f", outbox {size / 1e6:.1f} MB with its indexes" if size else "")
        )
        client = signed_in(app)
        measure(client, args.runs, "as the schema is")
        db.session.execute(text("DROP INDEX ix_outbox_kind_status"))
        steady()
        measure(client, args.runs, "without ix_outbox_kind_status")


if __name__ == "__main__":
    main()
