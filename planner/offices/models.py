"""The office: ST.3 code, name, city and IANA time zone."""

import re
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from planner.db_types import UTCDateTime
from planner.extensions import db

_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,11})\)")

# Office sizes and regions as the line-up rules use them ("at least two from smaller offices",
# "not all from Europe"). Seeded from data/office_attributes.csv; a co-lead edits them.
SIZES = ("small", "medium", "large")
REGIONS = (
    "Africa",
    "Asia and the Pacific",
    "Europe",
    "Latin America and the Caribbean",
    "North America",
)


class Office(db.Model):
    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    # Unknown for offices that first appear in an imported survey; a co-lead fills it in.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[str | None] = mapped_column(String(10))
    region: Mapped[str | None] = mapped_column(String(60))
    # Part of the signature of the office's private feed link: raising it revokes old links.
    feed_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Who last edited the office by hand, and when (None: as seeded or imported).
    updated_by: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def short_name(self) -> str:
        """The acronym an office goes by, where its name gives one: "(INPI)" -> "INPI"."""
        match = _ACRONYM.search(self.name)
        return match[1] if match else self.name

    def __repr__(self) -> str:
        return f"<Office {self.code}>"
