"""Two instances of the app on one PostgreSQL database, as deployed (several gunicorn instances,
a sender beside each): a co-lead saves a correction of Aiko's talk on one, or that instance's
sender round writes her waiting invitation again, while the other instance's sender takes the
same invitation to send it. Whichever takes it first, Aiko gets one invitation: as the talk
now is, or as it was followed by "Changed" with the correction, never two invitations, the old
talk followed by nothing, nor a lost message (helper-348, helper-352). Read in the inbox of a
real SMTP server on loopback, after the senders' rounds (`flask mail send --once`).

Each instance is a thread with a session and a connection of its own; one is held at the
moment that matters (the other sender's lease taken and not committed yet; the invitation
written again and not committed yet), and the other goes on meanwhile: it waits for the row
lock, or passes the locked row by (`SKIP LOCKED`), as PostgreSQL decides."""

import os
import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from planner.calendar.operations import slot_sequence
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.models import OutboxMessage
from planner.mail.sender import Counts, claim, deliver_leased
from tests.mail import test_busy_day as busy_day
from tests.mail.test_busy_day import AIKO, BUSY, aiko_invited, event_in, inbox, sender_round
from tests.mail.test_languages import _part
from tests.mail.test_messages import outbox

# Each instance commits on a connection of its own.
pytestmark = pytest.mark.committed
# Where one instance waits for, or passes by, a row the other holds.
row_locks = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="row locks and SKIP LOCKED are PostgreSQL's (SQLite has one writer at a time)",
)

CORRECTED = "AI-assisted search at the JPO"

# The busy day's mail server on loopback and its draft workshop, with Aiko's talk for JP.
smtp, agenda = busy_day.smtp, busy_day.agenda


_LISTENING: list[tuple[str, Callable]] = []


@pytest.fixture(autouse=True)
def _listening():
    yield
    while _LISTENING:
        event.remove(Session, *_LISTENING.pop())


class Instance:
    """`work` run on an instance of its own (a thread, its own app context, session and
    connection), held at the first `moment` of its session (a Session event) for which `when`
    holds, until `finish`; without a `moment`, let run."""

    def __init__(self, app, work: Callable, moment: str | None = None, when=None) -> None:
        self.holding, self.going_on = threading.Event(), threading.Event()
        self.answer, self.error, self.ident = None, None, None
        self.moment = moment

        def hold(session, *_args) -> None:
            mine = threading.get_ident() == self.ident and not self.holding.is_set()
            if mine and (when is None or when(session)):
                self.holding.set()
                self.going_on.wait(60)

        def run() -> None:
            self.ident = threading.get_ident()
            try:
                with app.app_context():
                    self.answer = work()
            except BaseException as error:  # raised again in the test's thread
                self.error = error
            finally:
                self.holding.set()

        if moment is not None:
            # Taken away after the test (`_listening`): meanwhile another instance's session may
            # be going through the listeners of the same event.
            event.listen(Session, moment, hold)
            _LISTENING.append((moment, hold))
        self.thread = threading.Thread(target=run)
        self.thread.start()
        if moment is not None:
            assert self.holding.wait(60), f"it never reached its {moment}"

    def finish(self):
        self.going_on.set()
        self.thread.join(60)
        assert not self.thread.is_alive(), "it never finished"
        if self.error is not None:
            raise self.error
        return self.answer


def writing_an_invitation(session) -> bool:
    return any(isinstance(row, OutboxMessage) for row in session.new)


def another_session_waits_for_a_lock(app) -> None:
    """Until a session of this database waits for a lock another holds (two minutes at most)."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    waited = """
        SELECT EXISTS (
            SELECT 1 FROM pg_locks JOIN pg_stat_activity AS s ON s.pid = pg_locks.pid
            WHERE NOT pg_locks.granted AND s.datname = current_database()
        )"""
    try:
        with engine.connect() as watching:
            deadline = time.monotonic() + 120
            while not watching.execute(text(waited)).scalar():
                watching.rollback()
                assert time.monotonic() < deadline, "no session waited for the lock"
                time.sleep(0.02)
    finally:
        engine.dispose()


def sender_b_takes_it(app) -> Instance:
    """Instance B's sender in its round, its lease on the due invitation taken (`sender.claim`)
    and not committed yet."""
    return Instance(app, lambda: claim(utcnow()), "before_commit")


def sender_b_sends(app, lease) -> None:
    """Instance B's sender sends what it leased, as its round goes on (`deliver_leased`)."""
    with app.app_context():
        counts = Counts()
        deliver_leased(lease, app.config, utcnow(), counts)
        assert counts.sent == len(lease)


def sender_b_sends_first(app, written, on_a: Callable) -> None:
    """B's sender leases `written` (not committed yet) as instance A does `on_a`: A waits for
    the row (a session waits for a lock), B's lease holds the invitation alone, A finishes
    after it, and B sends what it leased."""
    b = sender_b_takes_it(app)
    a = Instance(app, on_a)
    another_session_waits_for_a_lock(app)
    lease = b.finish()
    assert list(lease) == [written.id]
    a.finish()
    sender_b_sends(app, lease)


def correct_title(api, aiko) -> Callable:
    def save():
        saved = api.patch(f"/api/v1/slots/{aiko.id}", json={"title": CORRECTED})
        assert saved.status_code == 200, saved.get_json()
        return saved

    return save


def invitation_then_changed(smtp, aiko, cli, clock) -> None:
    """What reaches Aiko: the invitation as it was, then "Changed" with the correction, under
    the same UID at a higher SEQUENCE (her calendar takes it); nothing else."""
    for _ in range(3):
        sender_round(cli, clock)
    invitation, changed = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI search at the JPO"
    assert changed["Subject"] == f"Changed: {CORRECTED} (title)"
    (_, first), (_, then) = event_in(invitation), event_in(changed)
    assert str(then["UID"]) == str(first["UID"]) == aiko.uid
    assert str(then["SUMMARY"]) == CORRECTED
    assert int(then["SEQUENCE"]) > int(first["SEQUENCE"])


def one_invitation_as_corrected(smtp, aiko, cli, clock) -> None:
    """What reaches Aiko: one invitation, with the corrected title, at the feeds' SEQUENCE."""
    for _ in range(3):
        sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == f"Invitation to present: {CORRECTED}"
    assert "AI search at the JPO" not in _part(invitation, "plain")
    _, seen = event_in(invitation)
    db.session.refresh(aiko)
    assert str(seen["SUMMARY"]) == CORRECTED
    assert int(seen["SEQUENCE"]) == slot_sequence(aiko, aiko.meeting)


@row_locks
def test_corrected_on_one_instance_as_the_other_sender_takes_the_invitation(
    app, api, agenda, smtp, cli, clock
):
    """B's sender has leased the invitation (not committed yet) as the co-lead saves on A: A's
    save waits for the row, finds it taken, and writes "Changed", which follows it."""
    aiko, written = aiko_invited(api, agenda, cli, clock)
    sender_b_sends_first(app, written, correct_title(api, aiko))
    invitation_then_changed(smtp, aiko, cli, clock)


@row_locks
def test_corrected_on_one_instance_before_the_other_sender_takes_the_invitation(
    app, api, agenda, smtp, cli, clock
):
    """A's save has written the invitation again (not committed yet) as B's sender looks for
    due messages: B passes the locked row by and takes nothing; the invitation written again
    goes, alone."""
    aiko, _ = aiko_invited(api, agenda, cli, clock)
    a = Instance(app, correct_title(api, aiko), "before_flush", writing_an_invitation)
    b = Instance(app, lambda: claim(utcnow()))
    assert list(b.finish()) == []
    a.finish()
    one_invitation_as_corrected(smtp, aiko, cli, clock)


def retrying_and_corrected(api, agenda, smtp, cli, clock):
    """Aiko's server turned her invitation away for now (451) and takes mail again; the co-lead
    corrects the title meanwhile ("Changed" is written behind it); the retry is due."""
    aiko, written = aiko_invited(api, agenda, cli, clock)
    smtp.refuse[AIKO] = BUSY
    sender_round(cli, clock)
    smtp.refuse.clear()
    correct_title(api, aiko)()
    clock.sleep(60)
    (retrying,) = outbox(kind="invitation", recipient_email=AIKO)
    assert (retrying.id, retrying.status, retrying.attempts) == (written.id, "queued", 1)
    return aiko, written


def a_round(cli) -> Callable:
    def run():
        result = cli.invoke(args=["mail", "send", "--once"])
        assert result.exit_code == 0, result.output
        return result.output

    return run


@row_locks
def test_a_round_on_one_instance_as_the_other_sender_takes_the_retry(
    app, api, agenda, smtp, cli, clock
):
    """B's sender has leased the retry (not committed yet) as A's round would write it again:
    A waits for the row, finds it taken, and leaves it and its "Changed" as they are."""
    aiko, written = retrying_and_corrected(api, agenda, smtp, cli, clock)
    sender_b_sends_first(app, written, a_round(cli))
    invitation_then_changed(smtp, aiko, cli, clock)


@row_locks
def test_a_round_on_one_instance_before_the_other_sender_takes_the_retry(
    app, api, agenda, smtp, cli, clock
):
    """A's round has written the retry again (not committed yet) as B's sender looks for due
    messages: B takes nothing; the invitation written again goes, and no "Changed"."""
    aiko, _ = retrying_and_corrected(api, agenda, smtp, cli, clock)
    a = Instance(app, a_round(cli), "before_flush", writing_an_invitation)
    b = Instance(app, lambda: claim(utcnow()))
    assert list(b.finish()) == []
    a.finish()
    one_invitation_as_corrected(smtp, aiko, cli, clock)


SECOND = "AI-assisted search at the JPO, in use"


def correct_again(api, aiko) -> Callable:
    def save():
        saved = api.patch(f"/api/v1/slots/{aiko.id}", json={"title": SECOND})
        assert saved.status_code == 200, saved.get_json()

    return save


def test_a_second_correction_saved_on_one_instance_as_the_other_round_reads_the_retry(
    app, api, agenda, smtp, cli, clock, monkeypatch
):
    """A second correction is saved on A just after B's round read what is due, before it
    writes the retry again: the invitation written again says the second correction, and no
    "Changed" of either follows it. (Had it said the talk as first read, and withdrawn the
    second "Changed" with the first, the second correction would never reach Aiko.)"""
    from planner.mail.messages import late

    aiko, _ = retrying_and_corrected(api, agenda, smtp, cli, clock)
    written_again = late.renew_retried

    def after_a_second_correction(*args):
        monkeypatch.setattr(late, "renew_retried", written_again)
        Instance(app, correct_again(api, aiko)).finish()
        return written_again(*args)

    monkeypatch.setattr(late, "renew_retried", after_a_second_correction)
    for _ in range(3):
        sender_round(cli, clock)
    (invitation,) = inbox(smtp, AIKO)
    assert invitation["Subject"] == f"Invitation to present: {SECOND}"
    _, seen = event_in(invitation)
    db.session.refresh(aiko)
    assert str(seen["SUMMARY"]) == SECOND
    assert int(seen["SEQUENCE"]) == slot_sequence(aiko, aiko.meeting)


@row_locks
def test_a_second_correction_saved_on_one_instance_while_the_other_round_writes_the_retry(
    app, api, agenda, smtp, cli, clock
):
    """A second correction is saved on A while B's round writes the retry again (not committed
    yet): A's save waits for it, then finds the invitation written again. Aiko gets one
    invitation, and the last she reads of the talk carries the second correction, at a
    SEQUENCE her calendar takes."""
    aiko, _ = retrying_and_corrected(api, agenda, smtp, cli, clock)
    b = Instance(app, a_round(cli), "before_flush", writing_an_invitation)
    a = Instance(app, correct_again(api, aiko))
    another_session_waits_for_a_lock(app)
    b.finish()
    a.finish()
    for _ in range(3):
        sender_round(cli, clock)
    received = inbox(smtp, AIKO)
    subjects = [m["Subject"] for m in received]
    assert [s.startswith("Invitation to present: ") for s in subjects] == [True] + [False] * (
        len(received) - 1
    ), subjects
    assert subjects[-1] in (f"Invitation to present: {SECOND}", f"Changed: {SECOND} (title)")
    sequences = [int(event_in(m)[1]["SEQUENCE"]) for m in received]
    assert sequences == sorted(set(sequences))
    assert str(event_in(received[-1])[1]["SUMMARY"]) == SECOND


def retrying_and_cancelled(api, agenda, smtp, cli, clock):
    """Aiko's server turned her invitation away for now (451) and takes mail again; the co-lead
    cancels her talk meanwhile (its cancellation is written behind it); the retry is due."""
    aiko, written = aiko_invited(api, agenda, cli, clock)
    smtp.refuse[AIKO] = BUSY
    sender_round(cli, clock)
    smtp.refuse.clear()
    cancelled = api.patch(f"/api/v1/slots/{aiko.id}", json={"status": "cancelled"})
    assert cancelled.status_code == 200, cancelled.get_json()
    clock.sleep(60)
    (retrying,) = outbox(kind="invitation", recipient_email=AIKO)
    assert (retrying.id, retrying.status, retrying.attempts) == (written.id, "queued", 1)
    return aiko, written


@row_locks
def test_a_round_on_one_instance_as_the_other_sender_takes_the_retry_of_a_cancelled_talk(
    app, api, agenda, smtp, cli, clock
):
    """B's sender has leased the retry (not committed yet) as A's round would take it back, its
    talk cancelled: A waits for the row, finds it taken, and leaves the cancellation behind it.
    Aiko reads the invitation, then that the talk is off, under the same UID: her calendar
    holds no talk that is gone."""
    aiko, written = retrying_and_cancelled(api, agenda, smtp, cli, clock)
    sender_b_sends_first(app, written, a_round(cli))
    for _ in range(3):
        sender_round(cli, clock)
    invitation, cancellation = inbox(smtp, AIKO)
    assert invitation["Subject"] == "Invitation to present: AI search at the JPO"
    (_, first), (calendar, then) = event_in(invitation), event_in(cancellation)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(then["UID"]) == str(first["UID"]) == aiko.uid
    assert int(then["SEQUENCE"]) > int(first["SEQUENCE"])


@row_locks
def test_a_round_on_one_instance_before_the_other_sender_takes_the_retry_of_a_cancelled_talk(
    app, api, agenda, smtp, cli, clock
):
    """A's round has taken back the retry of a cancelled talk (not committed yet) as B's sender
    looks for due messages: B takes nothing, neither the invitation nor the cancellation behind
    it; nothing reaches Aiko."""
    retrying_and_cancelled(api, agenda, smtp, cli, clock)

    def taking_back(session) -> bool:
        return any(
            isinstance(row, OutboxMessage) and row.status == "superseded"
            for row in session.identity_map.values()
        )

    a = Instance(app, a_round(cli), "before_commit", taking_back)
    b = Instance(app, lambda: claim(utcnow()))
    assert list(b.finish()) == []
    a.finish()
    for _ in range(3):
        sender_round(cli, clock)
    assert inbox(smtp, AIKO) == []
