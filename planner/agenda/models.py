"""Meetings and the slots inside them. Instants are stored in UTC with the meeting's home zone."""

import enum
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import ClassVar

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db
from planner.offices.models import Office
from planner.presenters.models import Answer, Invitation
from planner.proposals.models import Proposal
from planner.recommendations.models import Recommendation
from planner.survey.models import Survey
from planner.timezones import known, local_time, zone_info
from planner.versioning import version_column

HOME_ZONE = "Europe/Zurich"  # WIPO's: meetings start out in it, pages about no meeting use it
MEETING_KINDS = ("workshop", "taskforce")
# How a meeting's kind is named wherever people read it: forms, pages, calendar entries.
MEETING_KIND_LABELS = {"workshop": "workshop", "taskforce": "Task Force meeting"}
# The title of the closing discussion a line-up adds to its meeting: a translated page says it
# in its own language (`languages.slot_title`) as long as no co-lead retitled it.
DISCUSSION_TITLE = "Discussion"


class MeetingStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    cancelled = "cancelled"


MEETING_STATUSES = tuple(MeetingStatus)
# When a meeting's slides, links and recordings are public: after it ends (as Indico and pretalx
# do), never, or as soon as they are added. Co-leads and the slot's presenter always see them.
MATERIALS_PUBLIC = {"after": "after the meeting", "never": "never", "now": "as soon as added"}
SLOT_KINDS = ("presentation", "discussion", "break")


class SlotStatus(enum.StrEnum):
    """proposed -> invited -> confirmed or declined; cancelled once subscribers may have it.
    Calendars say TENTATIVE until the presenter confirms."""

    proposed = "proposed"
    invited = "invited"
    confirmed = "confirmed"
    declined = "declined"
    cancelled = "cancelled"


SLOT_STATUSES = tuple(SlotStatus)
# The statuses in which the invited presenter holds the slot: it is in their calendar, and they
# present it. Declined, set back to proposed, or cancelled, it is not theirs.
HELD = (SlotStatus.invited, SlotStatus.confirmed)
# Slots whose talk is not given: cancelled, or declined by its presenter. An archive leaves them
# out, and their materials are shown to co-leads only.
NOT_GIVEN = (SlotStatus.cancelled, SlotStatus.declined)


def new_uid() -> str:
    """A calendar UID, made once and stored: never derived from position or title."""
    return f"{uuid.uuid4()}@cws-ict-planner"


meeting_offices = Table(
    "meeting_offices",
    db.metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("office_code", ForeignKey("offices.code"), primary_key=True),
)

slot_recommendations = Table(
    "slot_recommendations",
    db.metadata,
    Column("slot_id", ForeignKey("slots.id", ondelete="CASCADE"), primary_key=True),
    Column("recommendation_number", ForeignKey("recommendations.number"), primary_key=True),
)


class MeetingSeries(db.Model):
    """Meetings that rotate their start times to share the inconvenience."""

    __tablename__ = "meeting_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)

    meetings: Mapped[list["Meeting"]] = relationship(
        back_populates="series", order_by="Meeting.starts_at"
    )


class Meeting(db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="workshop")
    status: Mapped[str] = mapped_column(String(20), default=MeetingStatus.draft)
    # None while a draft has no date yet.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int] = mapped_column(default=120)
    # False: the meeting ends with its last slot (the length follows them); True: a co-lead
    # typed the length, and a mismatch with the slots is shown rather than corrected.
    duration_pinned: Mapped[bool] = mapped_column(default=False)
    time_zone: Mapped[str] = mapped_column(String(64), default=HOME_ZONE)
    video_url: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    # iCalendar SEQUENCE: goes up on every significant change.
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Presenters may change their title and abstract until this day (home zone); None: always.
    freeze_on: Mapped[date | None]
    materials_public: Mapped[str] = mapped_column(String(20), default="after")
    # When a material of the meeting or its slots was last added or removed, or a slot's
    # presenter named anew: what the meeting's schedule.json lists changed then
    # (`materials.operations.materials_changed`). Not a change of the meeting's row: its
    # version and updated_at (its calendar event's) stay.
    materials_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    series_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_series.id", ondelete="SET NULL")
    )
    # The survey it was planned with, whose respondents take part when it names no offices of
    # its own: its line-up's, or the latest one when it took place (`participants_kept`). None:
    # it follows the latest survey, as a meeting still to come does.
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id", ondelete="SET NULL"))
    # The recommendation it is on, as its co-leads set it (a workshop made from a line-up: the
    # line-up's focus); None for a general meeting. A workshop with none is read as on the one
    # most of its talks are on (`queries.workshop_focuses`).
    recommendation_number: Mapped[int | None] = mapped_column(ForeignKey("recommendations.number"))
    # The meeting it was copied from ("Copy as a new draft"): a copy sent twice finds the draft
    # it made, whether or not the meeting had slots.
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL")
    )
    # Goes up with every change of the row; a save based on an older version is refused.
    version: Mapped[int] = version_column()
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    series: Mapped[MeetingSeries | None] = relationship(back_populates="meetings")
    survey: Mapped[Survey | None] = relationship()
    recommendation: Mapped[Recommendation | None] = relationship()
    # The offices taking part, for local times and fair start times (none set: the respondents
    # of its survey, `participating_offices`).
    offices: Mapped[list[Office]] = relationship(secondary=meeting_offices, order_by=Office.code)
    slots: Mapped[list["Slot"]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Slot.position",
    )

    @property
    def ends_at(self) -> datetime | None:
        return self.starts_at + timedelta(minutes=self.duration_minutes) if self.starts_at else None

    def ended(self, now: datetime | None = None) -> bool:
        """Whether it took place: its end has passed (`now`, or this moment). Once ended, a
        meeting is not published nor cancelled, and its materials may become public."""
        return self.ends_at is not None and (now or utcnow()) >= self.ends_at

    def took_place(self, now: datetime | None = None) -> bool:
        """Whether it was held: published, not cancelled, and ended. It then keeps its date and
        start and takes no new slot, its talks are "presented" or "not given", and its archive
        opens; a draft whose date has passed, or a cancelled meeting, did not take place."""
        return self.status == MeetingStatus.published and self.ended(now)

    @property
    def home_day(self) -> str:
        """Its date where it is held (its home zone), as its own pages give it: "2027-03-09",
        or "no date yet"."""
        if self.starts_at is None:
            return "no date yet"
        return f"{local_time(self.time_zone or 'UTC', self.starts_at):%Y-%m-%d}"

    @property
    def editable_until(self) -> datetime | None:
        """The last minute before the programme freeze, an instant: the freeze day ends at
        midnight in the home zone, which is another hour elsewhere (helper-195: a presenter in
        Lima was told "until 5 December" and found it frozen at 18:00 on their 5 December).
        The minute before the next day's midnight as an instant, not on the clocks: where they
        go back at midnight (Santiago in April) the freeze day's 23:59 comes twice, the last
        one an hour after the first."""
        if self.freeze_on is None:
            return None
        after = datetime.combine(self.freeze_on + timedelta(days=1), time(0))
        zone = zone_info(self.time_zone or "UTC")
        return after.replace(tzinfo=zone).astimezone(UTC) - timedelta(minutes=1)

    @property
    def kind_label(self) -> str:
        return MEETING_KIND_LABELS.get(self.kind, "meeting")

    @property
    def was_published(self) -> bool:
        """Subscribers may have it: it is cancelled, never deleted."""
        return self.published_at is not None


class Slot(db.Model):
    __tablename__ = "slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(80), unique=True, default=new_uid)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int]
    # Pinned minutes after the meeting's start; None: right after the slot before it.
    offset_minutes: Mapped[int | None]
    # Derived from the meeting's start and the slots before; stored so that a feed can tell
    # which slots moved.
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="presentation")
    duration_minutes: Mapped[int] = mapped_column(default=20)
    office_code: Mapped[str | None] = mapped_column(ForeignKey("offices.code"))
    status: Mapped[str] = mapped_column(String(20), default=SlotStatus.proposed)
    abstract: Mapped[str] = mapped_column(Text, default="")
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id", ondelete="SET NULL"))
    # The slot it was copied from with its meeting ("Copy as a new draft"): its presenter is
    # the one "Invite" fills in, to be invited again.
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id", ondelete="SET NULL"))
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = version_column()
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    meeting: Mapped[Meeting] = relationship(back_populates="slots")

    @property
    def ends_at(self) -> datetime | None:
        return self.starts_at + timedelta(minutes=self.duration_minutes) if self.starts_at else None

    office: Mapped[Office | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    copied_from: Mapped["Slot | None"] = relationship(remote_side=[id])
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=slot_recommendations, order_by=Recommendation.number
    )

    @property
    def status_shown(self) -> str:
        """Its status as pages show it: cancelled with its meeting (the status it had then is
        kept, for the record)."""
        if self.meeting is not None and self.meeting.status == MeetingStatus.cancelled:
            return SlotStatus.cancelled
        return self.status

    @property
    def agenda_status(self) -> str:
        """What a published agenda says beside its title (page and table alike): "cancelled";
        of a presentation, "confirmed" or "to be confirmed", and once its published meeting
        has ended "presented" or, its presenter having declined, "not given" (as the archive
        and the offices' pages count it: helper-254, a talk given read "to be confirmed" in the
        table the Secretariat reports from); of a break or a discussion, nothing."""
        if self.status_shown == SlotStatus.cancelled:
            return "cancelled"
        if self.kind != "presentation":
            return ""
        if self.meeting is not None and self.meeting.took_place():
            return "not given" if self.status in NOT_GIVEN else "presented"
        return "confirmed" if self.status == SlotStatus.confirmed else "to be confirmed"

    @property
    def presenter_invited(self) -> "Invitation | None":
        """The invitation of the one who presents it: none once they declined (the slot then
        waits for another presenter of the office)."""
        return self.invitation if self.status != SlotStatus.declined else None

    @property
    def to_invite_again(self) -> "Invitation | None":
        """On a slot copied with its meeting ("Copy as a new draft"), the one who presented the
        slot it was copied from, for "Invite" to fill in (`presenter_to_copy`); else None."""
        if self.copied_from is None or self.kind != "presentation":
            return None
        return presenter_to_copy(self.copied_from, self.proposal)

    @property
    def held_by(self) -> "Invitation | None":
        """The invitation of the one who presents it now (the slot `HELD`): none once they
        declined, a co-lead set it back, or it is cancelled, and none of a discussion or a
        break, which have no presenter (an invitation left from when it was a presentation is
        nobody's to hold)."""
        if self.kind != "presentation":
            return None
        return self.invitation if self.status in HELD else None

    @property
    def presenter_taken_off(self) -> bool:
        """Whether the co-leads took its presenter off it for now: set back to proposed, or
        declined on their behalf (the presenter's own "decline" they may still change). Not a
        slot no one was invited to."""
        invitation = self.invitation
        return invitation is not None and (
            self.status == SlotStatus.proposed
            or (self.status == SlotStatus.declined and invitation.answer != Answer.declined)
        )

    @property
    def presenter_zone(self) -> str | None:
        """The zone its presenter reads times in: the one given when inviting, else the
        presenting office's; None when neither is known (callers fall back to the meeting's),
        nor where the time zone database does not know it (`timezones.known`).
        Once the one invited has declined, the slot waits for another presenter of the office."""
        invited = self.presenter_invited
        if invited is not None and known(invited.time_zone):
            return invited.time_zone
        return self.office_zone

    @property
    def office_zone(self) -> str | None:
        """The presenting office's zone (`Office.zone`), None without an office."""
        return self.office.zone if self.office is not None else None

    # Who was invited to present it; a deleted slot takes it along (ON DELETE CASCADE).
    invitation: Mapped["Invitation | None"] = relationship(
        back_populates="slot", uselist=False, cascade="all, delete-orphan", passive_deletes=True
    )


def presenter_to_copy(source: Slot, proposal: Proposal | None) -> Invitation | None:
    """Who a copy of `source` presenting `proposal` is to invite again: the one who holds
    `source` (not one who declined it, nor one the co-leads took off it), with an address, while
    the copy presents what they were invited to (not a proposal it left out: undecided or
    declined again, or on another agenda now). None: "Invite" fills in whom it would on any
    slot."""
    held = source.held_by
    if held is None or not held.email:
        return None
    if source.proposal_id is not None and (proposal is None or proposal.id != source.proposal_id):
        return None
    return held


class MeetingChange(db.Model):
    """One change of a meeting or one of its slots, as it was committed: when, who, and the
    value before and after (`agenda.history`). Its presenter is never named, nor an address but
    the co-lead's who made it (kept, as every record of what a co-lead did, until they are
    erased: `personal_data.coleads`)."""

    __tablename__ = "meeting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who: "colead" (a page), "api" (a co-lead's token), "presenter" (their private link),
    # "volunteer" (their proposal's link), "command" (a `flask` command), "planner" (itself).
    by_kind: Mapped[str] = mapped_column(String(20))
    # The co-lead's address, or the command's name; empty for the others.
    by: Mapped[str] = mapped_column(String(300), default="")
    # The slot changed (none: the meeting itself), and its office and title then: a slot
    # deleted since is still named.
    slot_id: Mapped[int | None]
    slot_title: Mapped[str] = mapped_column(String(200), default="")
    office_code: Mapped[str | None] = mapped_column(String(2))
    # What changed: "created", "deleted", or the field ("time", "length", "status", ...).
    what: Mapped[str] = mapped_column(String(30))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
