"""Availability windows: weekdays or a date, from and to, in the presenter's own time zone.

A window belongs to a proposal (what the volunteer said) or to a presenter's invitation (what
the presenter said on their page); a slot reads its invitation's windows first.
"""

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db


class AvailabilityWindow(db.Model):
    __tablename__ = "availability_windows"
    __table_args__ = (
        CheckConstraint(
            "(proposal_id IS NULL) <> (invitation_id IS NULL)", name="ck_window_one_owner"
        ),
        CheckConstraint("(weekdays IS NULL) <> (on_date IS NULL)", name="ck_window_days_or_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    invitation_id: Mapped[int | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), index=True
    )
    time_zone: Mapped[str] = mapped_column(String(64))
    # Monday first, "1" for a day the window recurs on: "0101000" is Tuesdays and Thursdays.
    weekdays: Mapped[str | None] = mapped_column(String(7))
    on_date: Mapped[date | None]
    # An end at or before the start runs past midnight into the next day.
    starts: Mapped[time]
    ends: Mapped[time]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
