"""A meeting's history

Each change of a meeting or of one of its slots, recorded as it is committed: when, who (a
co-lead's page or token, the presenter's link, a command), the slot, what changed, before and
after (`agenda.history`). Nothing is recorded of what happened before the upgrade.

Revision ID: c4ef5d31a9d5
Revises: 2a85b71a8e43
Create Date: 2026-12-06 14:55:58

"""

import sqlalchemy as sa
from alembic import op

from planner.db_types import UTCDateTime

revision = "c4ef5d31a9d5"
down_revision = "2a85b71a8e43"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_kind", sa.String(length=20), nullable=False),
        sa.Column("by", sa.String(length=300), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=True),
        sa.Column("slot_title", sa.String(length=200), nullable=False),
        sa.Column("office_code", sa.String(length=2), nullable=True),
        sa.Column("what", sa.String(length=30), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_changes_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_changes")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("meeting_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_changes_meeting_id"), ["meeting_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("meeting_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_changes_meeting_id"))
    op.drop_table("meeting_changes")
