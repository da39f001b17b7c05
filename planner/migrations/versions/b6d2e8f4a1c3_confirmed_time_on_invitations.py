"""The start and length a presenter confirmed, kept on the invitation

A co-lead who moved a confirmed slot asked its presenter to confirm again; moving it back left
it waiting for an answer about the time they had confirmed. The invitation now keeps the time
they confirmed, so a move back confirms the slot again. Confirmed invitations take their slot's
time now.

Revision ID: b6d2e8f4a1c3
Revises: e4b9c2d7a1f3
Create Date: 2026-12-03 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b6d2e8f4a1c3"
down_revision = "e4b9c2d7a1f3"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "invitations", sa.Column("confirmed_start", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("invitations", sa.Column("confirmed_minutes", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE invitations SET "
        "confirmed_start = (SELECT s.starts_at FROM slots s WHERE s.id = invitations.slot_id), "
        "confirmed_minutes = (SELECT s.duration_minutes FROM slots s "
        "WHERE s.id = invitations.slot_id) "
        "WHERE answer = 'confirmed'"
    )


def downgrade():
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("confirmed_minutes")
        batch.drop_column("confirmed_start")
