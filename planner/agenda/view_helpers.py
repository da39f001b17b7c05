"""What the agenda's views share: the meeting a page is about (drafts for co-leads only), a
refusal undone and said beside its field, a form sent twice, the people a save emailed, and the
version a confirmation page was asked on."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from flask import abort, flash, request, url_for
from sqlalchemy import select

from planner.agenda.checks import AgendaError
from planner.agenda.models import Meeting, MeetingStatus, Slot
from planner.agenda.operations import asked_again_note
from planner.agenda.queries import get_meeting
from planner.db_types import utcnow
from planner.extensions import db
from planner.mail.messages import written_again, written_now
from planner.mail.models import MessageStatus
from planner.mail.outbox import unsent_note
from planner.offices.models import Office
from planner.timezones import local_time

# Form fields named otherwise than the fields of the meeting or slot they set.
MEETING_FIELDS = {"starts_at": "start"}
SLOT_FIELDS = {"starts_at": "start", "offset_minutes": "start", "proposal_id": "proposal"}


def meeting_or_404(meeting_id: int, *, drafts: bool, planning: bool = True) -> Meeting:
    meeting = get_meeting(meeting_id, planning=planning)
    if meeting is None or (meeting.status == MeetingStatus.draft and not drafts):
        # Drafts are the co-leads' work in progress: to anyone else they do not exist yet.
        abort(404, f"There is no meeting {meeting_id}.")
    return meeting


def offices_by_code() -> list[Office]:
    return db.session.scalars(select(Office).order_by(Office.code)).all()


def undo_refused() -> None:
    """A refused change is not kept (`web` commits only what succeeds), nor shown: the page
    around the form shows the meeting or slot as saved, not as the change left it in memory
    before the refusal (helper-150: "starting 10 March 2027 at 07:30", of a start not saved)."""
    db.session.rollback()


def place_refusal(form, error: AgendaError, fields: Mapping[str, str]) -> str | None:
    """Put a refusal next to the form field it is about; one about no field of the form is
    returned, to be shown above the form."""
    name = fields.get(error.field, error.field)
    message = str(error)
    if error.local is not None and error.local.twice:
        # Told by its offset elsewhere, which the page's time field cannot take.
        first, second = error.local.twice
        message = (
            f"{error.local.what}; this page's time field cannot say which: choose a time "
            f"outside that hour, or give the start with its offset ({first} or {second}) "
            "through the API."
        )
    if name is not None and name in form:
        form[name].errors.append(message)
        return None
    return message


def as_shown(zone: str, instant: datetime | None) -> datetime | None:
    """An instant as the edit pages show it: the wall-clock time in `zone`, to the minute. A
    start sent back as shown stays the instant it was (`_meeting_changes`, `_slot_changes`)."""
    if instant is None:
        return None
    return local_time(zone, instant).replace(tzinfo=None, second=0, microsecond=0)


# How long a form sent again with the same details is taken for the sending before it (Back
# and send, a second tab): what that one made is shown instead of a twin. Stored and compared
# in the database, so every instance of the app sees it; later, the same again is meant.
JUST_MADE = timedelta(minutes=30)


@dataclass(frozen=True)
class Twin:
    """What a form sent again had already made, as its page names it."""

    id: int
    title: str
    url: str
    ago: str


def twin_of(item: Meeting | Slot) -> Twin:
    minutes = int((utcnow() - item.created_at).total_seconds() // 60)
    ago = "less than a minute ago" if minutes < 1 else f"{minutes} minute{'s' * (minutes > 1)} ago"
    if isinstance(item, Slot):
        url = url_for(".edit", meeting_id=item.meeting_id, _anchor=f"slot-{item.id}")
    else:
        url = url_for(".edit", meeting_id=item.id)
    return Twin(item.id, item.title, url, ago)


def unless_asked_again(twin: Meeting | Slot | None) -> Meeting | Slot | None:
    """`twin`, unless the co-lead was shown it and asked for another all the same ("again"
    carries its id: that second one sent twice is found as a twin in turn)."""
    if twin is not None and request.form.get("again") == str(twin.id):
        return None
    return twin


def quietly(check, *args, **options):
    """What `check` makes of a value, or None where it refuses it."""
    try:
        return check(*args, **options)
    except AgendaError:
        return None


def emailed_note(done: str, what: str = "the change") -> str:
    """`done` ("Meeting saved."), then how many people the save emails `what`, counted in what
    it wrote to the outbox (`written_now`), not foretold: "Meeting saved. 2 people are emailed
    the change." Called once the save's changes are all made (helper-164: renaming a
    published meeting said "Meeting saved." alone, while its presenters and contacts were
    each sent "Changed: …"). An invitation not sent yet that the save wrote again is said as
    such (helper-352: "1 person is emailed the change." of Aiko, invited a minute before, who
    gets one invitation that says her talk as it now is)."""
    written = written_now()
    again = written_again(written)
    people = len({m.recipient_mailbox for m in written if m not in again})
    said = [done]
    if people:
        who = "1 person is" if people == 1 else f"{people} people are"
        said.append(f"{who} emailed {what}.")
    for status, how in (
        (MessageStatus.queued, "not sent yet"),
        (MessageStatus.held, "held for review"),
    ):
        if count := sum(m.status == status for m in again):
            said.append(
                f"1 invitation {how} is written again as the talk now is."
                if count == 1
                else f"{count} invitations {how} are written again as their talks now are."
            )
    if len(said) == 1:
        return done
    return " ".join(filter(None, (*said, unsent_note())))


def say_who_is_asked_again(meeting: Meeting) -> None:
    if note := asked_again_note(meeting):
        flash(note, "warning")


def asked_version(item: Meeting | Slot) -> str:
    """What a confirmation page was asked on: the slot's version, or the meeting's with each of
    its slots' (the page counts the presenters its cancellation is sent to: an invitation
    meanwhile changes what it would do)."""
    if isinstance(item, Slot):
        return str(item.version)
    slots = ",".join(f"{slot.id}:{slot.version}" for slot in item.slots)
    return f"{item.version}-{sha256(slots.encode()).hexdigest()[:16]}"


def changed_since_asked(
    item: Meeting | Slot, what: str, undone: str = "deleted or cancelled", field: str = "version"
) -> bool:
    """Whether the form was filled in from another version of `item` than the one there is
    now, or says none (a form without one is asked again: asking costs a page, acting on what
    no one saw costs the meeting); says so if it was."""
    if request.form.get(field) == asked_version(item):
        return False
    flash(
        f"The {what} changed since you opened the page (someone saved it meanwhile): nothing "
        f"was {undone}. Here it is as it is now; decide again.",
        "error",
    )
    return True


def meeting_crumbs(meeting: Meeting) -> list[tuple[str, str | None]]:
    return [
        ("Meetings", url_for(".index")),
        (meeting.title, url_for(".meeting", meeting_id=meeting.id)),
        ("Edit", url_for(".edit", meeting_id=meeting.id)),
    ]
