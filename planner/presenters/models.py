"""An invitation to present in a slot: who was invited, the private link's digest, the answer."""

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, ClassVar

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.addresses import mailbox
from planner.availability.models import AvailabilityWindow
from planner.db_types import UTCDateTime, utcnow
from planner.extensions import db
from planner.text import same_name
from planner.timezones import known
from planner.versioning import version_column

if TYPE_CHECKING:
    from planner.agenda.models import Slot


class Answer(enum.StrEnum):
    confirmed = "confirmed"
    declined = "declined"
    another_time = "another_time"


class Reinvited(enum.StrEnum):
    """What inviting a slot's presenter over an earlier invitation is, as the meeting's history
    records it (`reinvited`)."""

    again = "invited again"
    readdressed = "address corrected"
    another = "another invited"


def reinvited(was_name: str, was_email: str | None, name: str, email: str | None) -> Reinvited:
    """The app's one rule for what inviting `name` at `email` is, where `was_name` at
    `was_email` was invited: the meeting's history says it, and `presenters.operations.invite`
    writes to the one before, tells their old link and keeps or clears the hours they gave by
    it. A person is their name (`same_name`, as their slides are theirs by it): another name is
    someone else, even at the same address (a shared office mailbox) or with none either time
    (helper-326: "Rosa" then "Ben" at one mailbox was "invited again", and Ben kept Rosa's
    hours). The same name at another address is the same person, their address corrected; at
    the same address, or given where there was none, or taken away (the co-lead hands the link
    over in person), the same person invited again, with a new link that goes to no other
    address (helper-323)."""
    if not same_name(was_name, name):
        return Reinvited.another
    if was_email and email and mailbox(was_email) != mailbox(email):
        return Reinvited.readdressed
    return Reinvited.again


ANSWER_LABELS = {
    Answer.confirmed: _l("confirmed"),
    Answer.declined: _l("declined"),
    Answer.another_time: _l("asks for another time"),
}


class Invitation(db.Model):
    """One per slot: inviting again replaces the person and the link."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(
        ForeignKey("slots.id", ondelete="CASCADE"), unique=True, index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    # The presenter's own zone, for their page; None: the office's.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    # The language of the presenter's emails as the co-lead chose it when inviting them; None
    # when it is the one the app knows them by (as an office contact, or the volunteer form's),
    # which then stays theirs if they change it (`mail.messages.presenter_language`).
    language: Mapped[str | None] = mapped_column(String(35))
    # SHA-256 digest of the private link's token; None once revoked.
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The salt the link's token is made from (`presenters.links`), so later messages can carry
    # the link again; None once revoked, or for a link made before salts.
    link_salt: Mapped[str | None] = mapped_column(String(64))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    invited_by: Mapped[str | None] = mapped_column(String(300))
    # The office the slot was for when they were invited: the slot may be given to another.
    office_code: Mapped[str | None] = mapped_column(String(2))
    answer: Mapped[str | None] = mapped_column(String(20))
    # The reason of a decline, or the note asking for another time.
    note: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Their answer before a change of the slot cleared it to ask them again (confirmed, or
    # another_time): their page and the co-leads say which; None once they answer again.
    previous_answer: Mapped[str | None] = mapped_column(String(20))
    # The start and length the presenter confirmed, kept while a move asks them again: moved
    # back to it, the slot is confirmed again (`agenda.operations._confirmed_as_it_was`).
    # None unless their answer is, or was until that move, a confirmation.
    confirmed_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_minutes: Mapped[int | None] = mapped_column()
    # When the presenter saved their availability on their page: from then on their windows
    # stand, even none; before, their proposal's (`availability.operations.slot_windows`).
    windows_given_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a co-lead erased the presenter's personal data at their request
    # (`personal_data.operations.erase`): the name is then ERASED_PRESENTER, the address, zone,
    # note, windows and link gone; the answer stays, as the slot's record.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = version_column()
    __mapper_args__: ClassVar[dict] = {"version_id_col": version}

    slot: Mapped["Slot"] = relationship(back_populates="invitation")
    # When the presenter can present; written by `availability.operations.replace_windows`.
    windows: Mapped[list[AvailabilityWindow]] = relationship(
        order_by=AvailabilityWindow.id, viewonly=True
    )

    @property
    def private_token(self) -> str | None:
        """The private link's token written again, while it still opens the page."""
        from planner.presenters.links import token_again

        return token_again(self.link_salt, self.link_hash)

    @property
    def own_zone(self) -> str | None:
        """The zone this presenter reads their times in: the one given when inviting them or
        chosen on their page, also once they declined (`Slot.presenter_zone` then speaks for
        the office's next presenter); else the slot's, else the meeting's home zone. A zone the
        time zone database does not know is none (`timezones.known`)."""
        return known(self.time_zone) or self.slot.presenter_zone or self.slot.meeting.time_zone

    @property
    def confirmed_end(self) -> datetime | None:
        """When the slot they confirmed ended (`confirmed_start`, `confirmed_minutes`)."""
        if self.confirmed_start is None or self.confirmed_minutes is None:
            return None
        return self.confirmed_start + timedelta(minutes=self.confirmed_minutes)

    @property
    def asked_again_about(self) -> str:
        """What a presenter asked to confirm again (`previous_answer`) is asked about, for the
        co-leads' pages: "new length" when the slot kept the start they confirmed, "new time
        and length" when both changed, else "new time" (also for one who had asked for
        another time: no start was confirmed)."""
        moved = self.confirmed_start is None or self.confirmed_start != self.slot.starts_at
        resized = self.confirmed_minutes not in (None, self.slot.duration_minutes)
        if moved and resized:
            return "new time and length"
        return "new length" if resized else "new time"

    @property
    def answer_label(self) -> str:
        label = ANSWER_LABELS.get(self.answer) if self.answer else None
        return str(label) if label else gettext("not answered yet")


class HandedOverLink(db.Model):
    """A presenter's private link ended by inviting someone else to present its slot: opened
    again, it says the presentation is no longer theirs, in the language their page was in,
    rather than that it may be mistyped or replaced. Only the link's digest is kept, with the
    slot, not who held it; it goes with the slot, and when the links of its meeting end
    (`personal_data.retention`)."""

    __tablename__ = "handed_over_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    link_hash: Mapped[str] = mapped_column(String(64), unique=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"), index=True)
    # The language the former presenter's page was in (`mail.messages.presenter_language`);
    # None: their browser's.
    language: Mapped[str | None] = mapped_column(String(35))
    # Handed to the same person at another address (their address corrected), not to someone
    # else: the link says so.
    readdressed: Mapped[bool] = mapped_column(default=False, server_default=false())
    handed_over_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    slot: Mapped["Slot"] = relationship()
