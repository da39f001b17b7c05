"""What co-leads decide about matching: marks on pairs, and the score weights they adopted."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db

NOTE_MAX = 1000


class MatchMark(db.Model):
    """A co-lead's judgement that office `presenter` is useful, not useful, or must present to
    office `audience` on a recommendation. Keyed by offices, not by survey answers, so a mark
    survives a re-import of the survey."""

    __tablename__ = "match_marks"
    __table_args__ = (
        UniqueConstraint(
            "audience_code", "presenter_code", "recommendation_number", name="uq_match_marks_pair"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audience_code: Mapped[str] = mapped_column(String(2), ForeignKey("offices.code"))
    presenter_code: Mapped[str] = mapped_column(String(2), ForeignKey("offices.code"))
    recommendation_number: Mapped[int] = mapped_column(ForeignKey("recommendations.number"))
    verdict: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    marked_by: Mapped[str | None] = mapped_column(String(254))
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The survey whose answers the co-lead read when marking (its label; None: marked before
    # marks recorded it). A mark outlives its round: the matches say which one it was made on.
    survey_label: Mapped[str | None] = mapped_column(String(100))


class ScoringWeights(db.Model):
    """A set of score weights a co-lead adopted (the latest row is in use; none: the defaults)."""

    __tablename__ = "scoring_weights"

    id: Mapped[int] = mapped_column(primary_key=True)
    weights: Mapped[dict] = mapped_column(JSON)
    # What the weights were fitted on, and how they did, for the record.
    report: Mapped[dict] = mapped_column(JSON)
    adopted_by: Mapped[str | None] = mapped_column(String(254))
    adopted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
