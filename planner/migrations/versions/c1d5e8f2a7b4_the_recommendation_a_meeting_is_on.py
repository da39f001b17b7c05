"""The recommendation a meeting is on

A workshop's recommendation was read from its talks: the one most of them were on. A Rec 10
workshop whose Rec 10 presenter declined, beside a talk on Rec 4, read as a Rec 4 workshop, and
the next line-up proposed Rec 10 again (helper-214). A meeting now says which recommendation it
is on, as its co-leads set it, or none (a general meeting); a workshop with none is read from
its talks as before.

A meeting made from a line-up (accepting it made the meeting) is on that line-up's focus.

Revision ID: c1d5e8f2a7b4
Revises: b3e7d9a1c5f2
Create Date: 2026-12-06 11:00:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "c1d5e8f2a7b4"
down_revision = "b3e7d9a1c5f2"
branch_labels = None
depends_on = None


def _utc(value: datetime) -> datetime:
    """A stored instant as an aware UTC one (SQLite gives it back without its offset)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def upgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("meetings", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("recommendation_number", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_meetings_recommendation_number_recommendations"),
            "recommendations",
            ["recommendation_number"],
            ["number"],
        )
    connection = op.get_bind()
    meetings = sa.table(
        "meetings",
        sa.column("id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("recommendation_number", sa.Integer()),
    )
    lineups = sa.table(
        "lineups",
        sa.column("id", sa.Integer()),
        sa.column("meeting_id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("rules", sa.JSON()),
    )
    known = set(connection.execute(sa.text("SELECT number FROM recommendations")).scalars())
    created = {row.id: _utc(row.created_at) for row in connection.execute(sa.select(meetings))}
    made: dict[int, int] = {}
    for row in connection.execute(
        sa.select(lineups).where(lineups.c.meeting_id.is_not(None)).order_by(lineups.c.id)
    ):
        focus = (row.rules or {}).get("focus") if isinstance(row.rules, dict) else None
        if (
            row.meeting_id not in made
            and row.meeting_id in created
            and _utc(row.created_at) <= created[row.meeting_id]
            and isinstance(focus, int)
            and focus in known
        ):
            made[row.meeting_id] = focus
    for meeting_id, focus in made.items():
        connection.execute(
            meetings.update()
            .where(meetings.c.id == meeting_id)
            .values(recommendation_number=focus)
        )


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("meetings", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(
            batch.f("fk_meetings_recommendation_number_recommendations"), type_="foreignkey"
        )
        batch.drop_column("recommendation_number")
