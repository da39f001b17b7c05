"""Meetings and the slots inside them. Instants are stored in UTC with the meeting's home zone."""

import uuid
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db
from planner.offices.models import Office
from planner.proposals.models import Proposal
from planner.recommendations.models import Recommendation

MEETING_KINDS = ("workshop", "taskforce")
MEETING_STATUSES = ("draft", "published", "cancelled")
SLOT_KINDS = ("presentation", "discussion", "break")
SLOT_STATUSES = ("tentative", "confirmed", "cancelled")


def new_uid() -> str:
    """A calendar UID, made once and stored: never derived from position or title."""
    return f"{uuid.uuid4()}@cws-ict-planner"


slot_recommendations = Table(
    "slot_recommendations",
    db.metadata,
    Column("slot_id", ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True),
    Column("recommendation_number", ForeignKey("recommendations.number"), primary_key=True),
)


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="workshop")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # None while a draft has no date yet.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=120)
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Zurich")
    video_url: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    # iCalendar SEQUENCE: goes up on every significant change.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    slots: Mapped[list["Slot"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Slot.position",
    )


class Slot(db.Model):
    __tablename__ = "slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="presentation")
    duration_minutes: Mapped[int] = mapped_column(default=20)
    office_code: Mapped[str | None] = mapped_column(ForeignKey("offices.code"))
    status: Mapped[str] = mapped_column(String(20), default="tentative")
    abstract: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="slots")
    office: Mapped[Office | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=slot_recommendations, order_by=Recommendation.number
    )
