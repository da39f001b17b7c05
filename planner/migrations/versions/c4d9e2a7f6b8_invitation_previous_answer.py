"""The answer a presenter gave before a change of their slot asked them again

A move of a slot its presenter had confirmed, or asked another time for, clears their answer and
asks them to confirm the new time; their page and the co-leads then say which answer it was.

Revision ID: c4d9e2a7f6b8
Revises: b7e2c4f9a1d3
Create Date: 2026-12-04 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c4d9e2a7f6b8"
down_revision = "b7e2c4f9a1d3"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_answer", sa.String(length=20), nullable=True))
    # Until now only a confirmation was asked again (its answer cleared, answered_at kept).
    op.execute(
        "UPDATE invitations SET previous_answer = 'confirmed' "
        "WHERE answer IS NULL AND answered_at IS NOT NULL"
    )


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table(
        "invitations", table_kwargs={"sqlite_autoincrement": True}
    ) as batch_op:
        batch_op.drop_column("previous_answer")
