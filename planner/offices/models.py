"""The office: ST.3 code, name, city and IANA time zone."""

import re
from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from planner.addresses import mailbox
from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db

# How a code is read, where the pages, forms and APIs import it from (the survey's importer,
# pure, reads it from codes).
from planner.offices.codes import OFFICE_CODE as OFFICE_CODE
from planner.offices.codes import typed_code as typed_code
from planner.timezones import known
from planner.versioning import version_column

_ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,11})\)")

# Office sizes and WIPO groups, as the line-up rules ("at least two from smaller offices", "at
# most two per group") and peer fit in matching use them. Seeded from data/office_attributes.csv
# with where each value came from; a co-lead edits them. The groups are WIPO's regional groups of
# member states; intergovernmental organisations (EP, EM) and the International Bureau are in none.
SIZES = ("small", "medium", "large")
SOURCE_MAX = 300
# The languages a contact may prefer, as BCP 47 codes: WIPO's working languages and Portuguese.
LANGUAGES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "ru": "Russian",
    "pt": "Portuguese",
    "ar": "Arabic",
    "zh": "Chinese",
}


class Office(db.Model):
    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    # Unknown for offices that first appear in an imported survey; a co-lead fills it in.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[str | None] = mapped_column(String(10))
    # The office's WIPO group (the column keeps its first name, "region").
    region: Mapped[str | None] = mapped_column(String(60))
    size_source: Mapped[str | None] = mapped_column(String(SOURCE_MAX))
    region_source: Mapped[str | None] = mapped_column(String(SOURCE_MAX))
    # Part of the signature of the office's private feed link: raising it revokes old links.
    feed_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Who last edited the office by hand, and when (None: as seeded or imported).
    updated_by: Mapped[str | None] = mapped_column(String(254))
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Goes up with every change of the row; a save based on an older version is refused.
    version: Mapped[int] = version_column()
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    @property
    def zone(self) -> str | None:
        """Its time zone as this machine reads times: None where none is given or where the
        time zone database does not know it (`timezones.known`: a zone kept from a newer one),
        so callers fall back to the meeting's or WIPO's rather than 500."""
        return known(self.time_zone)

    @property
    def short_name(self) -> str:
        """The acronym an office goes by, where its name gives one: "(INPI)" -> "INPI"."""
        match = _ACRONYM.search(self.name)
        return match[1] if match else self.name

    def __repr__(self) -> str:
        return f"<Office {self.code}>"


class OfficeContact(db.Model):
    """A focal point of an office, entered by a co-lead or kept from a proposal with the
    volunteer's consent. Private: only co-leads see or export contacts."""

    __tablename__ = "office_contacts"
    # One contact per address in an office, in any spelling (its mailbox: helper-83, two
    # co-leads adding ÉLISE@ and élise@ at once made two): a proposal accepted from an address
    # the office has already leaves that contact as it is.
    __table_args__ = (
        UniqueConstraint("office_code", "email"),
        Index("uq_office_contacts_office_mailbox", "office_code", "mailbox", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("offices.code"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    # The address's mailbox (`addresses.mailbox`), kept with it to find a contact by address in
    # SQL: SQLite's lower(), and PostgreSQL's in the C locale, fold only ASCII capitals.
    mailbox: Mapped[str] = mapped_column(String(254), index=True, default="", server_default="")
    role: Mapped[str] = mapped_column(String(120), default="")
    # A BCP 47 code, one of LANGUAGES.
    language: Mapped[str] = mapped_column(String(35), default="en", server_default="en")
    # "entered by <co-lead>" or "from proposal #N with consent, accepted by <co-lead>": the
    # consent is the record.
    source: Mapped[str] = mapped_column(String(SOURCE_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = version_column()
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    office: Mapped[Office] = relationship()

    @property
    def language_name(self) -> str:
        return LANGUAGES.get(self.language, self.language)

    @validates("email")
    def _keep_mailbox(self, _key: str, value: str) -> str:
        self.mailbox = mailbox(value)
        return value

    def __repr__(self) -> str:
        return f"<OfficeContact {self.id} of {self.office_code}>"
