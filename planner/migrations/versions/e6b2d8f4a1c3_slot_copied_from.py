"""The slot a slot was copied from

A meeting cancelled by mistake after its time had passed, or that the co-leads would rather
hold on another day, is copied as a new draft: its slots come along, each remembering the one it
was copied from, whose presenter "Invite" then fills in, to be invited again (helper-241).

Revision ID: e6b2d8f4a1c3
Revises: 1b6e323605ac
Create Date: 2026-12-06 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "e6b2d8f4a1c3"
down_revision = "1b6e323605ac"
branch_labels = None
depends_on = None


def upgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("slots", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("copied_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_slots_copied_from_id_slots"),
            "slots",
            ["copied_from_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("slots", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(batch.f("fk_slots_copied_from_id_slots"), type_="foreignkey")
        batch.drop_column("copied_from_id")
