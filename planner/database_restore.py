"""`flask db restored`: run once on a database restored from a backup, before the instances and
senders start on it, so that nothing the lost hours told people is contradicted: ids, SEQUENCEs
and sessions move past what was handed out since the backup, and mail that may have gone since
waits for a co-lead's review instead of going again."""

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from planner.accounts.models import User
from planner.agenda.models import Meeting
from planner.calendar.models import CalendarState, RemovedEvent
from planner.database_copy import ids_go_on, ids_issued
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import enqueue_reminders
from planner.mail.models import MessageStatus, OutboxMessage
from planner.mail.outbox import RESTORED_HOLD
from planner.turns import take_turn

# How far ids and SEQUENCEs move ahead by default: more than a day of co-leads' work makes.
MARGIN = 1000
# Why a message waits in the outbox after the restore (its last error, on the outbox page).
RESTORED_NOTE = (
    f"{RESTORED_HOLD} it was waiting to go when the backup was made, and may have gone since. "
    "Send now sends it (again, under the same Message-ID); Discard keeps it from going (an "
    "invitation discarded counts as not reaching its presenter); It went before the restore "
    "records it as sent, when the mail server's log or its recipient says it went."
)


def restored(margin: int = MARGIN) -> dict[str, int]:
    """Move the restored database past what the hours after its backup handed out (flushed):
    each table's next id `margin` beyond the highest it ever gave, every meeting's and removed
    event's SEQUENCE up by `margin` (attendees' calendars hold higher ones from the lost
    hours' mail and feeds, and ignore a change that carries one they have), every co-lead's
    sessions ended (a cookie of an account made since names an id the next account may get),
    and messages waiting to go, and reminders due now, held for a co-lead's review. Returns
    what it did, by name."""
    session = db.session
    connection = session.connection()
    take_turn(connection, "planner-restored")
    now = utcnow()
    issued = ids_issued(connection, db.metadata)
    for table in db.metadata.sorted_tables:
        column = table.autoincrement_column
        if column is not None:
            highest = connection.scalar(select(func.max(column))) or 0
            issued[table.name] = max(issued.get(table.name, 0), highest) + margin
    ids_go_on(connection, db.metadata, issued)
    meetings = session.execute(
        update(Meeting)
        .values(sequence=Meeting.sequence + margin, updated_at=now, version=Meeting.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.execute(
        update(RemovedEvent)
        .values(sequence=RemovedEvent.sequence + margin, removed_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(CalendarState).values(changed_at=now).execution_options(synchronize_session=False)
    )
    co_leads = session.execute(
        update(User)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    held = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MessageStatus.queued)
        .values(status=MessageStatus.held, last_error=RESTORED_NOTE)
        .execution_options(synchronize_session=False)
    ).rowcount
    # Reminders the sender would write at once: those due since the backup went then.
    written_before = session.scalar(select(func.max(OutboxMessage.id))) or 0
    reminders = enqueue_reminders(now)
    session.flush()
    if reminders:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id > written_before)
            .values(status=MessageStatus.held, last_error=RESTORED_NOTE)
            .execution_options(synchronize_session=False)
        )
    return {"meetings": meetings, "co_leads": co_leads, "held": held + reminders}


@click.command("restored")
@click.option(
    "--margin",
    default=MARGIN,
    show_default=True,
    type=click.IntRange(min=1, max=1_000_000),
    help="How far ids and calendar SEQUENCEs move ahead of what the backup holds: more than "
    "the co-lead accounts, meetings, slots, proposals and messages made, and the changes "
    "mailed, since the backup (1000 is more than a day's work; raise it for an older backup).",
)
@with_appcontext
def restored_command(margin: int) -> None:
    """Run once on a database restored from a backup, before starting the instances and mail
    senders on it: ids and calendar SEQUENCEs move ahead, every co-lead signs in again, and
    messages that may have gone after the backup wait in the outbox for review."""
    done = restored(margin)
    db.session.commit()
    click.echo(
        f"Ids and calendar SEQUENCEs moved {margin} ahead ({done['meetings']} meeting(s): "
        "calendars take their next change); "
        f"{done['co_leads']} co-lead(s) signed out; "
        f"{done['held']} message(s) held for review at /outbox?status=held (they may have gone "
        "after the backup: Send now, Discard, or record that it went, each).\n"
        "What was done after the backup is gone: revoke again the API tokens, presenter and "
        "office feed links revoked since, and give again the passwords changed since."
    )
