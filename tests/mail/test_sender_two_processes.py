"""Two sender processes on one database (PostgreSQL in the PostgreSQL run, the SQLite file in
the other) deliver 50 queued messages between them, each exactly once."""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from planner.extensions import db
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.mail.outbox import Recipient, enqueue
from tests.mail.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.committed  # the senders are processes of their own
def test_two_senders_never_send_a_message_twice(app, app_context):
    stored = [
        # Ten recipients with five messages each: order per recipient holds across senders too.
        enqueue(
            Recipient(f"person{n % 10}@office.example", f"Person {n % 10}"),
            kind=MessageKind.update,
            subject=f"Update {n}",
            text="t",
        )
        for n in range(50)
    ]
    db.session.commit()
    server = SmtpServer().start()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(server.port),
        "MAIL_FROM": "Task Force <taskforce@example.org>",
    }
    command = [sys.executable, "-m", "flask", "--app", "app", "mail", "send", "--once"]
    try:
        senders = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [sender.communicate(timeout=120)[0] for sender in senders]
        assert [sender.returncode for sender in senders] == [0, 0], outputs
    finally:
        server.stop()

    received = Counter(r.message["Message-ID"] for r in server.received)
    assert len(server.received) == 50, outputs
    assert received == Counter({m.message_id: 1 for m in stored})
    for n in range(10):
        got = [
            int(r.message["Subject"].split()[1])
            for r in server.received
            if r.rcpt_tos == [f"person{n}@office.example"]
        ]
        assert got == sorted(got) and len(got) == 5
    db.session.expire_all()
    assert {m.status for m in db.session.query(OutboxMessage)} == {MessageStatus.sent}
