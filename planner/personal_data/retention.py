"""How long what people were sent and given is kept: a message's text, HTML and calendar part
(its private links, its words to them) are cleared `RETENTION_DAYS` after it went out (an
office's feed email keeps the feed links it gave, which are the office's), and a presenter's
private link ends as long after their meeting ended (so does what one handed over says); the
client addresses throttling counted are deleted once no rule reads them, survey files kept
for their check once their two hours are over, and the API answers kept for a retry
(`Idempotency-Key`) once their day is over. The mail sender applies it once an hour;
`flask --app app personal-data prune` at once."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from planner.accounts.models import IdempotencyKey, ThrottleEvent
from planner.accounts.throttle import LONGEST_MEMORY
from planner.agenda.models import Meeting, MeetingChange, Slot
from planner.extensions import db
from planner.mail.messages import kept_when_cleared
from planner.mail.models import MessageKind, MessageStatus, OutboxMessage
from planner.presenters.models import HandedOverLink, Invitation
from planner.survey import pending

# A message whose sending is over: it went, or will not go (it may still be sent again by a
# co-lead until cleared).
_DONE = (
    MessageStatus.sent,
    MessageStatus.superseded,
    MessageStatus.failed,
    MessageStatus.not_sent,
    MessageStatus.discarded,
)


@dataclass(frozen=True)
class Pruned:
    messages: int
    links: int
    survey_files: int
    idempotency_keys: int


def keep_for(config) -> timedelta:
    """The app setting RETENTION_DAYS (180 unless set in the environment) as a span."""
    return timedelta(days=int(config["RETENTION_DAYS"]))


def links_end(meeting: Meeting, keep: timedelta) -> datetime | None:
    """When the private links of a meeting's presenters end (`prune` ends them then): `keep`
    after the meeting ended; None while it has no date."""
    return meeting.ends_at + keep if meeting.ends_at is not None else None


def prune(now: datetime, keep: timedelta) -> Pruned:
    """Clear what has been kept `keep` (flushed). A message is kept `keep` from when it went
    (one that never went: from when it was written), one about a meeting also until `keep` after
    the meeting ended: until then the next message about its slot reads the SEQUENCE the
    recipient's calendar holds from it."""
    before = now - keep
    ended = [
        meeting.id
        for meeting in db.session.scalars(select(Meeting).where(Meeting.starts_at < before))
        if meeting.ends_at < before
    ]
    due = (
        OutboxMessage.cleared_at.is_(None),
        OutboxMessage.status.in_(_DONE),
        # A message sent again long after it was written went when it was sent.
        func.coalesce(OutboxMessage.sent_at, OutboxMessage.created_at) < before,
        OutboxMessage.meeting_id.is_(None) | OutboxMessage.meeting_id.in_(ended),
    )
    cleared = {
        "html_body": None,
        "ics": None,
        "basis": None,
        "unsubscribe_url": None,
        "cleared_at": now,
    }
    # A feed email keeps the office's links it gave, which a new link names it by (a few rows;
    # each only while still due: a co-lead may send it again meanwhile).
    feed_emails = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.text_body).where(
            *due, OutboxMessage.kind == MessageKind.feed
        )
    ).all()
    messages = sum(
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, *due)
            .values(text_body=kept_when_cleared(text), **cleared)
            .execution_options(synchronize_session=False)
        ).rowcount
        for message_id, text in feed_emails
    )
    messages += db.session.execute(
        update(OutboxMessage)
        .where(*due, OutboxMessage.kind != MessageKind.feed)
        .values(text_body="", **cleared)
        .execution_options(synchronize_session=False)
    ).rowcount
    links = db.session.execute(
        update(Invitation)
        .where(
            Invitation.link_hash.is_not(None),
            Invitation.slot_id.in_(select(Slot.id).where(Slot.meeting_id.in_(ended))),
        )
        .values(link_hash=None, link_salt=None, version=Invitation.version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    # A link handed over ends with the others: opened after that, it is a link that leads
    # nowhere, as theirs would be had no one else been invited.
    db.session.execute(
        delete(HandedOverLink).where(
            HandedOverLink.slot_id.in_(select(Slot.id).where(Slot.meeting_id.in_(ended)))
        )
    )
    # A meeting's history (who changed what, the co-leads' addresses with it) goes with them:
    # what was presented is on the record in the meeting itself.
    db.session.execute(delete(MeetingChange).where(MeetingChange.meeting_id.in_(ended)))
    db.session.execute(delete(ThrottleEvent).where(ThrottleEvent.at < now - LONGEST_MEMORY))
    survey_files = pending.forget_expired(now)
    # An answer kept for a retry holds what it answered (a volunteer's address, a private link,
    # sealed): gone once no retry is given it.
    keys = db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now)
    ).rowcount
    db.session.flush()
    return Pruned(messages=messages, links=links, survey_files=survey_files, idempotency_keys=keys)
