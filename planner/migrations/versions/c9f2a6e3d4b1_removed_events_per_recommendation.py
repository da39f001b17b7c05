"""Events that left a recommendation's feed, kept there as cancelled

Revision ID: c9f2a6e3d4b1
Revises: b8e4d1c7a2f6
Create Date: 2026-12-02 03:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c9f2a6e3d4b1"
down_revision = "b8e4d1c7a2f6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("calendar_removed_events") as batch:
        batch.add_column(sa.Column("recommendation", sa.Integer(), nullable=True))
        batch.create_index("ix_calendar_removed_events_recommendation", ["recommendation"])


def downgrade():
    with op.batch_alter_table("calendar_removed_events") as batch:
        batch.drop_index("ix_calendar_removed_events_recommendation")
        batch.drop_column("recommendation")
