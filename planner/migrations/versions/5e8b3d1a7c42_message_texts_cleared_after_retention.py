"""A message's text, HTML and calendar part cleared once kept RETENTION_DAYS

Its private links and words to the person are kept no longer than needed (`cleared_at`); what it
was (to whom, its subject, when) stays.

Revision ID: 5e8b3d1a7c42
Revises: db14225b12c2
Create Date: 2026-12-05 21:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5e8b3d1a7c42"
down_revision = "db14225b12c2"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("outbox", sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("outbox", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("cleared_at")
