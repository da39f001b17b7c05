"""When anything a calendar shows last changed, removals included."""

from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from planner.db_types import UTCDateTime
from planner.extensions import db


class CalendarState(db.Model):
    """One row: the time of the last change to anything a calendar shows: meetings, their
    slots and series, offices, recommendations, and surveys and their respondents (a meeting
    without offices of its own lists the latest survey's respondents): `_SHOWN` in
    calendar/operations.py.

    Feeds send it as Last-Modified. A row is updated on every such change, deletions too, which
    max(updated_at) over the remaining items could never show.
    """

    __tablename__ = "calendar_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
