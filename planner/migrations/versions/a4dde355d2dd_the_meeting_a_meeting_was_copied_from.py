"""The meeting a meeting was copied from

A meeting copied as a new draft remembers the meeting it was copied from, as its slots remember
theirs (e6b2d8f4a1c3): a copy sent twice (Back and send, a double click) finds the draft it made
also when the meeting had no slots, which had made two drafts alike (helper-250). Drafts copied
before are given theirs from their slots'.

Revision ID: a4dde355d2dd
Revises: e6b2d8f4a1c3
Create Date: 2026-12-06 08:02:16

"""

import sqlalchemy as sa
from alembic import op

revision = "a4dde355d2dd"
down_revision = "e6b2d8f4a1c3"
branch_labels = None
depends_on = None


def upgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("meetings", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("copied_from_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_meetings_copied_from_id_meetings"),
            "meetings",
            ["copied_from_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.execute(
        """
        UPDATE meetings SET copied_from_id = (
            SELECT min(original.meeting_id) FROM slots copied
            JOIN slots original ON original.id = copied.copied_from_id
            WHERE copied.meeting_id = meetings.id
        )
        """
    )


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("meetings", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(batch.f("fk_meetings_copied_from_id_meetings"), type_="foreignkey")
        batch.drop_column("copied_from_id")
