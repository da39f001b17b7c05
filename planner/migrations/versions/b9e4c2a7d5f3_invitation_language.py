"""The language of a presenter's emails, as the co-lead chose it when inviting them

A presenter who was neither an office contact nor the proposal's volunteer was written to in
English whatever their office's language (helper-148: Ольга, invited for a Russian office's
talk). The invite form now asks; invitations stored before keep none, and their presenters are
written to as before.

Revision ID: b9e4c2a7d5f3
Revises: c6d04684c81b
Create Date: 2026-12-06 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b9e4c2a7d5f3"
down_revision = "c6d04684c81b"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("invitations", sa.Column("language", sa.String(length=35), nullable=True))


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("invitations", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("language")
