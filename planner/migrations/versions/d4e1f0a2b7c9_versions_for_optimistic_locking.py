"""Versions of meetings, slots, offices, recommendations and line-ups, for optimistic locking

Revision ID: d4e1f0a2b7c9
Revises: c3a8e51f0b27
Create Date: 2026-12-02 00:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d4e1f0a2b7c9"
down_revision = "c3a8e51f0b27"
branch_labels = None
depends_on = None

TABLES = ("meetings", "slots", "offices", "recommendations", "lineups")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("version")
