"""When a meeting's materials last changed

A material added or removed changes what the meeting's schedule.json lists: its Last-Modified
moves then (`materials.operations.materials_changed`). Empty for what happened before the
upgrade: those schedules did not list materials.

Revision ID: 0b7c6f08783b
Revises: c4ef5d31a9d5
Create Date: 2026-12-06 17:13:12

"""

import sqlalchemy as sa
from alembic import op

from planner.db_types import UTCDateTime

revision = "0b7c6f08783b"
down_revision = "c4ef5d31a9d5"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("materials_changed_at", UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("materials_changed_at")
