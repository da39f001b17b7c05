"""An index on the outbox's kind and status, for the outbox page's counts

The outbox page counts the messages its filters select: by kind, or by kind and status, that
count read every message (a sequential scan of the table); by status alone it already reads
ix_outbox_due. On PostgreSQL with 20,000 messages the count by kind read 587 to 1,306 pages
and took 2 to 8 ms, and with this index reads 5 pages in under 0.5 ms (bench/outbox_bench.py).

Revision ID: 0ab0b4e54098
Revises: ed3747f3ddbd
Create Date: 2026-12-05 10:00:00

"""

from alembic import op

revision = "0ab0b4e54098"
down_revision = "ed3747f3ddbd"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_outbox_kind_status", "outbox", ["kind", "status"])


def downgrade():
    op.drop_index("ix_outbox_kind_status", table_name="outbox")
