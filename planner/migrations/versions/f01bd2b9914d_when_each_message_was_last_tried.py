"""When each message was last tried

A message its recipient's server turned away for now is due again 1, 2, 4 ... minutes (at most an
hour) after its last attempt. When that attempt was had been read back from its next one (minus
the wait after so many attempts), which a sender's lease (10 minutes on), one stopped for an
upgrade (due at once) or an invitation written again puts elsewhere: the outbox page then said
its server turned it away at a time it had not. Each attempt now records when it was made.

Filled where it is known: a message sent was last tried when it went; one waiting to be tried
again more than a lease from now was last tried the wait before its next attempt (no sender has
it: a lease, or a sender stopped for the upgrade giving it back, puts it within that). Left NULL
otherwise (due now, failed, or in a sender's hands), which its page says ("a time not recorded")
until its next attempt records one.

Revision ID: f01bd2b9914d
Revises: b7e3a9d2c6f1
Create Date: 2026-12-07 02:06:13

"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from planner.db_types import UTCDateTime

revision = "f01bd2b9914d"
down_revision = "b7e3a9d2c6f1"
branch_labels = None
depends_on = None

# The sender's waits (`mail.sender.delay_after`) and lease (`LEASE`) when this ran.
FIRST_DELAY, LONGEST_DELAY = timedelta(minutes=1), timedelta(hours=1)
LEASE = timedelta(minutes=10)


def delay_after(attempts: int) -> timedelta:
    return min(FIRST_DELAY * 2 ** (attempts - 1), LONGEST_DELAY)


def upgrade():
    # Added, not rebuilt: on SQLite a rebuild would lose the table's AUTOINCREMENT.
    op.add_column("outbox", sa.Column("last_attempt_at", UTCDateTime(), nullable=True))
    outbox = sa.table(
        "outbox",
        sa.column("id"),
        sa.column("status"),
        sa.column("attempts"),
        sa.column("next_attempt_at", UTCDateTime()),
        sa.column("sent_at", UTCDateTime()),
        sa.column("last_attempt_at", UTCDateTime()),
    )
    connection = op.get_bind()
    connection.execute(
        sa.update(outbox)
        .where(outbox.c.status == "sent", outbox.c.attempts > 0, outbox.c.sent_at.is_not(None))
        .values(last_attempt_at=outbox.c.sent_at)
    )
    waiting = connection.execute(
        sa.select(outbox.c.id, outbox.c.attempts, outbox.c.next_attempt_at).where(
            outbox.c.status == "queued",
            outbox.c.attempts > 0,
            outbox.c.next_attempt_at > datetime.now(UTC) + LEASE,
        )
    ).all()
    for message_id, attempts, due in waiting:
        connection.execute(
            sa.update(outbox)
            .where(outbox.c.id == message_id)
            .values(last_attempt_at=due - delay_after(attempts))
        )


def downgrade():
    # The release before reads when it was last tried back from its next attempt.
    op.drop_column("outbox", "last_attempt_at")  # SQLite 3.35+: without a rebuild
