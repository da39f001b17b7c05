"""A message's List-Unsubscribe address, kept with it from when it was written

The header was made when the message was sent, from the sending process's BASE_URL and
SECRET_KEY; a sender run elsewhere (cron) without them sent one that led to another server or
did not open, while the footer's link, written with the message, was right (helper-84).
Messages written before keep none: their header is made when they are sent, as before.

Revision ID: a2c8e5f1b7d4
Revises: f4b7d1e8a2c5
Create Date: 2026-12-03 17:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a2c8e5f1b7d4"
down_revision = "f4b7d1e8a2c5"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("outbox", sa.Column("unsubscribe_url", sa.Text(), nullable=True))


def downgrade():
    op.drop_column("outbox", "unsubscribe_url")  # SQLite 3.35+ drops a column without a rebuild
