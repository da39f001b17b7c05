"""Volunteered presentations, and every change to them (who, when, what)."""

import enum
from datetime import datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.availability.models import AvailabilityWindow
from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db
from planner.offices.models import LANGUAGES, Office
from planner.recommendations.models import Recommendation
from planner.text import same_name


class ProposalStatus(enum.StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    declined = "declined"
    waitlisted = "waitlisted"
    withdrawn = "withdrawn"


STATUSES = tuple(ProposalStatus)
# A status as the volunteer's pages say it, in their language.
STATUS_WORDS = {
    ProposalStatus.submitted: _l("submitted"),
    ProposalStatus.accepted: _l("accepted"),
    ProposalStatus.declined: _l("declined"),
    ProposalStatus.waitlisted: _l("waitlisted"),
    ProposalStatus.withdrawn: _l("withdrawn"),
}
# Stated maturity: the key an office picks and its label. Matching reads it as an evidence type
# (matching.evidence.stated: production is working, pilot under way, idea a plan).
MATURITIES = {
    "idea": _l("idea"),
    "pilot": _l("pilot"),
    "production": _l("in production"),
}

proposal_recommendations = Table(
    "proposal_recommendations",
    db.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("recommendation_number", ForeignKey("recommendations.number"), primary_key=True),
)


class Proposal(db.Model):
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_code: Mapped[str] = mapped_column(ForeignKey("offices.code"), index=True)
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    # The volunteer's consent to be kept as a contact of their office, and the language they
    # asked to be written in: the contact is made when a co-lead accepts the proposal, so that
    # no one becomes (or changes) an office's contact unreviewed.
    contact_consent: Mapped[bool] = mapped_column(default=False, server_default=false())
    contact_language: Mapped[str | None] = mapped_column(String(35))
    title: Mapped[str] = mapped_column(String(150))
    abstract: Mapped[str] = mapped_column(Text)
    duration_minutes: Mapped[int]
    availability: Mapped[str] = mapped_column(Text, default="")
    maturity: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=ProposalStatus.submitted, index=True)
    # SHA-256 of the private link's token; None once a co-lead revokes the link.
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a co-lead erased the volunteer's personal data at their request
    # (`personal_data.operations.erase`): the name is then ERASED_VOLUNTEER, the address empty.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Goes up with every change; a write based on an older version is refused, not lost.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    @property
    def was_accepted(self) -> bool:
        """Whether a co-lead ever accepted it (it may have been set back since)."""
        return any(e.to_status == ProposalStatus.accepted for e in self.events)

    @property
    def language_name(self) -> str:
        return LANGUAGES.get(self.contact_language or "en", self.contact_language or "en")

    office: Mapped[Office] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=proposal_recommendations, order_by=Recommendation.number
    )
    events: Mapped[list["ProposalEvent"]] = relationship(
        back_populates="proposal",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProposalEvent.id",
    )
    # When the volunteer can present; written by `availability.operations.replace_windows`.
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        order_by=AvailabilityWindow.id, viewonly=True
    )

    @property
    def status_label(self) -> str:
        """The status in the page's words ("accepted", "aceptada")."""
        return str(STATUS_WORDS.get(self.status, self.status))

    @property
    def maturity_label(self) -> str:
        return str(MATURITIES[self.maturity])

    @property
    def open_to_office(self) -> bool:
        """The office may still edit or withdraw it: no co-lead has decided yet."""
        return self.status == ProposalStatus.submitted

    def volunteer_is(self, name: str | None) -> bool:
        """Whether a presenter invited as `name` is this proposal's volunteer. A person is their
        name (`same_name`, the app's one rule, as `presenters.models.reinvited` has it): the
        name typed on the form, spelt more or less carefully ("Élise Dupont" for "Elise
        Dupont"), at any address or none (theirs corrected, or the link handed over in
        person); another name is someone else, even at the volunteer's address (helper-329:
        Ben invited at the office's shared mailbox Rosa volunteered from got her hours, and her
        page said she presented it). What the volunteer said (their windows, their page's "you
        present it") holds for them only, not for someone invited in their place."""
        return same_name(name, self.contact_name)


# The history's word for a co-lead's new private link (the one mailed before no longer opens).
NEW_LINK = "new link"
# How the history says each kind of event, and each status a co-lead's decision sets.
# The decisions the volunteer is emailed, with their reason (setting a proposal back to
# "submitted" is the co-leads' own undoing: nothing to tell).
EMAILED_DECISIONS = (ProposalStatus.accepted, ProposalStatus.waitlisted, ProposalStatus.declined)
HAPPENED = {
    "submitted": "Submitted",
    "edited": "Edited",
    "withdrawn": "Withdrawn",
    "link revoked": "Private link revoked",
    NEW_LINK: "New private link made",
}
DECIDED = {
    ProposalStatus.accepted: "Accepted",
    ProposalStatus.declined: "Declined",
    ProposalStatus.waitlisted: "Put on the waiting list",
    ProposalStatus.submitted: "Set back to submitted",
}


class ProposalEvent(db.Model):
    __tablename__ = "proposal_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="events")

    @property
    def what(self) -> str:
        """What happened, as the history's sentence starts: "Submitted", "Accepted"."""
        if self.action == "status":
            return DECIDED.get(self.to_status, f"Set to {self.to_status}")
        return HAPPENED.get(self.action, self.action.capitalize())
