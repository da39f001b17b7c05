"""session versions on accounts; throttle events replace failed logins

Revision ID: e7b3c9d2a415
Revises: d4e1f0a2b7c9
Create Date: 2026-12-02 10:00:00

Sessions carry the account's session version, so signing out or changing the password ends
them. Failed sign-ins and anonymous proposals are counted per client address (and account) in
one table; the old per-account failure counts are not carried over.
"""

import sqlalchemy as sa
from alembic import op

revision = "e7b3c9d2a415"
down_revision = "d4e1f0a2b7c9"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")
        )
    op.create_table(
        "throttle_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("account", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_throttle_events")),
    )
    with op.batch_alter_table("throttle_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_throttle_events_action_address_at", ["action", "address", "at"], unique=False
        )
        batch_op.create_index(
            "ix_throttle_events_action_address_account",
            ["action", "address", "account"],
            unique=False,
        )
        batch_op.create_index("ix_throttle_events_action_at", ["action", "at"], unique=False)
    with op.batch_alter_table("failed_logins", schema=None) as batch_op:
        batch_op.drop_index("ix_failed_logins_email_at")
        batch_op.drop_index("ix_failed_logins_address_at")
    op.drop_table("failed_logins")


def downgrade():
    op.create_table(
        "failed_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_failed_logins")),
    )
    with op.batch_alter_table("failed_logins", schema=None) as batch_op:
        batch_op.create_index("ix_failed_logins_address_at", ["address", "at"], unique=False)
        batch_op.create_index("ix_failed_logins_email_at", ["email", "at"], unique=False)
    with op.batch_alter_table("throttle_events", schema=None) as batch_op:
        batch_op.drop_index("ix_throttle_events_action_at")
        batch_op.drop_index("ix_throttle_events_action_address_account")
        batch_op.drop_index("ix_throttle_events_action_address_at")
    op.drop_table("throttle_events")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("session_version")
