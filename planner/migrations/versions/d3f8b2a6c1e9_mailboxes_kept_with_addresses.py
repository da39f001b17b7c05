"""Each address's mailbox kept with it: on the outbox's messages and on office contacts

A recipient's messages were found in SQL by lower(address), and a contact's preferred language
by the same; SQLite's lower() (and PostgreSQL's in the C locale) folds only ASCII capitals, so
ÉLISE@ and élise@ were two people: a later message to one did not wait for the other's retry,
and an invitation to one went in English to a contact who had chosen French. Both tables now
keep `addresses.mailbox` of the address (lower-case in any script, the domain in ASCII) beside
it, filled here for the rows already stored.

Revision ID: d3f8b2a6c1e9
Revises: c7a4e2f9b1d6
Create Date: 2026-12-03 17:00:00

"""

import sqlalchemy as sa
from alembic import op

from planner.addresses import mailbox

revision = "d3f8b2a6c1e9"
down_revision = "c7a4e2f9b1d6"
branch_labels = None
depends_on = None

# Table, the address column, the mailbox column.
COLUMNS = (
    ("outbox", "recipient_email", "recipient_mailbox"),
    ("office_contacts", "email", "mailbox"),
)


def upgrade():
    connection = op.get_bind()
    for table, address, kept in COLUMNS:
        # Added, not rebuilt: on SQLite a rebuild would lose the tables' AUTOINCREMENT.
        op.add_column(
            table, sa.Column(kept, sa.String(length=254), nullable=False, server_default="")
        )
        rows = sa.table(table, sa.column("id"), sa.column(address), sa.column(kept))
        for row_id, value in connection.execute(sa.select(rows.c.id, rows.c[address])).all():
            connection.execute(
                sa.update(rows).where(rows.c.id == row_id).values({kept: mailbox(value)})
            )
        op.create_index(f"ix_{table}_{kept}", table, [kept])


def downgrade():
    for table, _address, kept in COLUMNS:
        op.drop_index(f"ix_{table}_{kept}", table_name=table)
        op.drop_column(table, kept)  # SQLite 3.35+ drops a column without a rebuild
