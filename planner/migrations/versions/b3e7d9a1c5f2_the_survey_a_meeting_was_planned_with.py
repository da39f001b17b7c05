"""The survey a meeting was planned with

A meeting that names no participating offices lists the respondents of a survey: of its
line-up's, or, once it has taken place, of the survey that was the latest then. It followed
whichever survey was imported last: once a second round came in, a meeting held the year
before listed the new round's offices (helper-214). A meeting still to come goes on following
the latest survey.

What is stored is filled in as far as it can be told: a meeting made from a line-up (accepting
it made the meeting) is planned with that line-up's survey; one that has taken place (published
or cancelled, and over) with the latest survey imported by its end. Feeds dated a meeting without
offices of its own by the latest import, and now by the meeting: each such meeting is dated no
earlier than that import, and at the upgrade where what it lists changes.

Revision ID: b3e7d9a1c5f2
Revises: 3c8e1f5a9b27
Create Date: 2026-12-06 09:00:00

"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "b3e7d9a1c5f2"
down_revision = "3c8e1f5a9b27"
branch_labels = None
depends_on = None

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(value: datetime | None) -> datetime | None:
    """A stored instant as an aware UTC one (SQLite gives it back without its offset)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def upgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("meetings", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.add_column(sa.Column("survey_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_meetings_survey_id_surveys"),
            "surveys",
            ["survey_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _fill(op.get_bind(), datetime.now(UTC))


def _fill(connection, now: datetime) -> None:
    meetings = sa.table(
        "meetings",
        sa.column("id", sa.Integer()),
        sa.column("status", sa.String()),
        sa.column("starts_at", sa.DateTime(timezone=True)),
        sa.column("duration_minutes", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("survey_id", sa.Integer()),
    )
    surveys = sa.table(
        "surveys",
        sa.column("id", sa.Integer()),
        sa.column("answered_until", sa.Date()),
        sa.column("imported_at", sa.DateTime(timezone=True)),
    )
    lineups = sa.table(
        "lineups",
        sa.column("id", sa.Integer()),
        sa.column("survey_id", sa.Integer()),
        sa.column("meeting_id", sa.Integer()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    own = sa.table("meeting_offices", sa.column("meeting_id", sa.Integer()))
    # Latest first, as the pages order them: the newest answers, then the last imported.
    found = [
        (row.id, row.answered_until, _utc(row.imported_at))
        for row in connection.execute(sa.select(surveys))
    ]
    found.sort(key=lambda s: (s[1] is not None, s[1] or datetime.min.date(), s[2], s[0]))
    found.reverse()
    if not found:
        return
    latest, last_import = found[0][0], max(imported for _, _, imported in found)
    made_from: dict[int, list] = {}
    for row in connection.execute(sa.select(lineups).order_by(lineups.c.id)):
        if row.meeting_id is not None:
            made_from.setdefault(row.meeting_id, []).append(row)
    with_offices = set(connection.execute(sa.select(own.c.meeting_id)).scalars())
    for meeting in connection.execute(sa.select(meetings)).all():
        created = _utc(meeting.created_at)
        survey = next(
            (
                lineup.survey_id
                for lineup in made_from.get(meeting.id, [])
                if _utc(lineup.created_at) <= created
            ),
            None,
        )
        starts = _utc(meeting.starts_at)
        ends = starts + timedelta(minutes=meeting.duration_minutes) if starts else None
        if survey is None and meeting.status != "draft" and ends is not None and ends <= now:
            survey = next((s for s, _, imported in found if imported <= ends), None)
        values = {"survey_id": survey} if survey is not None else {}
        if meeting.id not in with_offices:
            updated = _utc(meeting.updated_at) or EPOCH
            values["updated_at"] = (
                now if survey not in (None, latest) else max(updated, last_import)
            )
        if values:
            connection.execute(
                meetings.update().where(meetings.c.id == meeting.id).values(**values)
            )


def downgrade():
    # Rebuilt on SQLite: its ids stay never handed out twice (migration c7a4e2f9b1d6).
    with op.batch_alter_table("meetings", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_constraint(batch.f("fk_meetings_survey_id_surveys"), type_="foreignkey")
        batch.drop_column("survey_id")
