"""A saved line-up: the rules a co-lead set, and what the solver answered."""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.agenda.models import Meeting
from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db
from planner.survey.models import Survey
from planner.versioning import version_column


class Lineup(db.Model):
    __tablename__ = "lineups"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(254))
    # Rules.as_dict() and LineupReport.as_dict(): what was asked, and the answer with its evidence.
    rules: Mapped[dict] = mapped_column(JSON)
    result: Mapped[dict] = mapped_column(JSON)
    # The draft agenda it became, once accepted.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    # Two co-leads accepting at once: the second one's save of meeting_id finds a newer version.
    version: Mapped[int] = version_column()
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    survey: Mapped[Survey] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
