"""When anything a calendar shows last changed, and the events subscribers keep after they left
a feed."""

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.db_types import UTCDateTime
from planner.extensions import db


class CalendarState(db.Model):
    """One row: the time of the last change to anything a calendar shows: meetings, their
    slots and series, offices, recommendations, and surveys and their respondents (a meeting
    without offices of its own lists its survey's respondents): `_SHOWN` in
    calendar/operations.py.

    It keys the cache of built feeds: a change to any of these, deletions too, builds them
    anew. What a feed sends as Last-Modified comes from its own content instead.
    """

    __tablename__ = "calendar_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RemovedEvent(db.Model):
    """An event that left a feed where subscribers had it: a slot of a published meeting that
    was deleted (or a published meeting deleted outright), or a slot given to another office.
    The feed keeps it as STATUS:CANCELLED with a higher SEQUENCE, so that calendars drop it
    rather than keep a stale copy.

    `office_code` names the office feed it left, `recommendation` the recommendation's feed
    ("every Rec 10 talk") it left (deleted, or no longer on that recommendation); both None:
    the Task Force feeds and the meeting's own download, which it left by being deleted.
    """

    __tablename__ = "calendar_removed_events"
    __table_args__ = (
        Index("ix_calendar_removed_events_uid_office", "uid", "office_code"),
        Index("ix_calendar_removed_events_recommendation", "recommendation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80))
    office_code: Mapped[str | None] = mapped_column(String(2))
    recommendation: Mapped[int | None]
    # The meeting it belonged to (no foreign key: the meeting may be gone too) and its UID.
    meeting_id: Mapped[int]
    parent_uid: Mapped[str | None] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The SEQUENCE it is sent with: one above the last one subscribers had.
    sequence: Mapped[int]
    removed_at: Mapped[datetime] = mapped_column(UTCDateTime)
