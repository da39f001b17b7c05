"""A recommendation: its number, short title and text, and where that wording came from."""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.db_types import UTCDateTime
from planner.extensions import db
from planner.versioning import version_column


class Recommendation(db.Model):
    __tablename__ = "recommendations"

    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    short_title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text, default="")
    # Provenance of the seeded wording: "official headline sentence" or "topic inferred ..."
    # (who edited it last is in updated_by).
    source: Mapped[str | None] = mapped_column(String(300))
    updated_by: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Goes up with every change of the row; a save based on an older version is refused.
    version: Mapped[int] = version_column()
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Recommendation {self.number}>"
