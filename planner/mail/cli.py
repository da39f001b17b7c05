"""`flask mail send [--once]`: the sender as a worker beside the web server, or one round."""

import signal
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError, OperationalError

from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import enqueue_reminders, reword_due
from planner.mail.sender import Counts, send_due
from planner.personal_data.retention import keep_for, prune

# How often the worker clears what is kept no longer than RETENTION_DAYS (one statement each).
PRUNE_EVERY = 3600.0

mail_cli = AppGroup("mail", help="Deliver the outbox's messages.")


def _report(counts: Counts) -> str:
    late = f", {counts.too_late} too late to send (see the outbox)" if counts.too_late else ""
    if counts.before_invitation:
        late += (
            f", {counts.before_invitation} kept from presenters their invitation did not reach "
            "(see the outbox)"
        )
    return (
        f"{counts.sent} sent, {counts.retrying} to retry, {counts.failed} failed, "
        f"{counts.not_sent} not sent (no mail server configured){late}"
    )


def remind() -> int:
    """Enqueue the reminders due now and commit them, with those about to go said again as of
    now (`reword_due`); a reminder another instance wrote at the same moment (its Message-ID is
    unique per slot and start) is left to that one."""
    try:
        now = utcnow()
        reword_due(now)
        count = enqueue_reminders(now)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return 0
    return count


def clear_kept() -> None:
    """Clear the messages' texts and presenters' links kept RETENTION_DAYS, and commit."""
    prune(utcnow(), keep_for(current_app.config))
    db.session.commit()


@mail_cli.command("remind")
def remind_command() -> None:
    """Enqueue reminders for confirmed slots starting within MAIL_REMINDER_DAYS, once each."""
    click.echo(f"{remind()} reminders enqueued")


@mail_cli.command("send")
@click.option(
    "--once", is_flag=True, help="Enqueue due reminders, deliver what is due now, then exit."
)
@click.option(
    "--interval",
    default=5.0,
    show_default=True,
    # 0 or less would ask the database for due messages over and over, as fast as it answers.
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds between rounds of the worker.",
)
def send_command(once: bool, interval: float) -> None:
    """Deliver due messages over SMTP (MAIL_SERVER ...); without --once, keep doing so every few
    seconds until stopped (SIGTERM or Ctrl-C), finishing the message in hand."""
    config = current_app.config
    if once:
        # One round of what the worker does: the reminders due now, then every due message
        # (cron runs this, and its reminders go as the worker's would).
        reminded = remind()
        counts = send_due(config, utcnow())
        clear_kept()
        click.echo(f"{_report(counts)}; {reminded} reminder(s) enqueued first")
        return
    stopping = threading.Event()

    def stop(_signal, _frame) -> None:
        stopping.set()

    for name in (signal.SIGTERM, signal.SIGINT):
        signal.signal(name, stop)
    server = config.get("MAIL_SERVER")
    click.echo(
        f"Mail sender: delivering through {server}:{config.get('MAIL_PORT')} every {interval:g} s"
        if server
        else "Mail sender: no MAIL_SERVER, so messages are marked not sent"
    )
    pruned = None
    while not stopping.is_set():
        started = time.monotonic()
        try:
            remind()
            counts = send_due(config, utcnow(), stop=stopping.is_set)
            if pruned is None or started - pruned >= PRUNE_EVERY:
                clear_kept()
                pruned = started
        except OperationalError as error:
            db.session.rollback()
            current_app.logger.warning("Mail sender: the database cannot be reached: %s", error)
        else:
            if counts.handled:
                click.echo(_report(counts))
        finally:
            db.session.remove()
        stopping.wait(max(0.0, interval - (time.monotonic() - started)))
    click.echo("Mail sender stopped.")
