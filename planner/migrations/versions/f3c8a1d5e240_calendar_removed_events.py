"""events that left a calendar feed, kept there as cancelled

Revision ID: f3c8a1d5e240
Revises: e7b3c9d2a415
Create Date: 2026-12-02 01:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f3c8a1d5e240"
down_revision = "e7b3c9d2a415"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_removed_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=80), nullable=False),
        sa.Column("office_code", sa.String(length=2), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("parent_uid", sa.String(length=80), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_removed_events")),
    )
    op.create_index(
        "ix_calendar_removed_events_uid_office",
        "calendar_removed_events",
        ["uid", "office_code"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_calendar_removed_events_uid_office", table_name="calendar_removed_events")
    op.drop_table("calendar_removed_events")
