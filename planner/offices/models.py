"""The office: ST.3 code, name, city and IANA time zone."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import db


class Office(db.Model):
    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    # Unknown for offices that first appear in an imported survey; a co-lead fills it in.
    time_zone: Mapped[str | None] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<Office {self.code}>"
