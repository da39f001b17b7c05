"""Slot statuses proposed/invited/confirmed/declined, presenter invitations, freeze date

Revision ID: a7c2e4b91d03
Revises: f3c8a1d5e240
Create Date: 2026-12-02 00:55:00

"""

import sqlalchemy as sa
from alembic import op


revision = "a7c2e4b91d03"
down_revision = "f3c8a1d5e240"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("link_hash", sa.String(length=64), nullable=True),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("invited_by", sa.String(length=300), nullable=True),
        sa.Column("answer", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(["slot_id"], ["slots.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("link_hash"),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_slot_id"), ["slot_id"], unique=True)
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("freeze_on", sa.Date(), nullable=True))
    op.execute("UPDATE slots SET status = 'proposed' WHERE status = 'tentative'")


def downgrade():
    op.execute("UPDATE slots SET status = 'tentative' WHERE status IN ('proposed', 'invited')")
    op.execute("UPDATE slots SET status = 'cancelled' WHERE status = 'declined'")
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("freeze_on")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_slot_id"))
    op.drop_table("invitations")
