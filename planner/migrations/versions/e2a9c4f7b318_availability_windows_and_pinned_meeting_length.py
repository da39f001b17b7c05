"""Availability windows of proposals and invitations; a meeting's length pinned or following
its slots

Revision ID: e2a9c4f7b318
Revises: c6e9a3d7f2b1
Create Date: 2026-12-02 01:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e2a9c4f7b318"
down_revision = "c6e9a3d7f2b1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "availability_windows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("invitation_id", sa.Integer(), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("weekdays", sa.String(length=7), nullable=True),
        sa.Column("on_date", sa.Date(), nullable=True),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(proposal_id IS NULL) <> (invitation_id IS NULL)", name="ck_window_one_owner"
        ),
        sa.CheckConstraint(
            "(weekdays IS NULL) <> (on_date IS NULL)", name="ck_window_days_or_date"
        ),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invitation_id"], ["invitations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("availability_windows", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_availability_windows_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_availability_windows_invitation_id"), ["invitation_id"], unique=False
        )
    # Meetings stored so far keep the length a co-lead typed or a line-up set: pinned, so no
    # subscriber's calendar moves by itself; "follow the slots" unpins one.
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("duration_pinned", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.alter_column("duration_pinned", server_default=sa.false())


def downgrade():
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("duration_pinned")
    with op.batch_alter_table("availability_windows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_availability_windows_invitation_id"))
        batch_op.drop_index(batch_op.f("ix_availability_windows_proposal_id"))
    op.drop_table("availability_windows")
