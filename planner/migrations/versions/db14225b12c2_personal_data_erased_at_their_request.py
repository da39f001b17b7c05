"""Personal data: when a presenter's or a volunteer's data was erased at their request

Their invitation and proposal stay as the office's (`erased_at`), without their name, address
or private link (`flask personal-data erase`).

Revision ID: db14225b12c2
Revises: 1dd38583f37d
Create Date: 2026-12-05 20:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "db14225b12c2"
down_revision = "1dd38583f37d"
branch_labels = None
depends_on = None

TABLES = ("invitations", "proposals")


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    for table in TABLES:
        # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
        with op.batch_alter_table(table, table_kwargs={"sqlite_autoincrement": True}) as batch:
            batch.drop_column("erased_at")
