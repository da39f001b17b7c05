"""A meeting's history: each change of the meeting or of one of its slots, recorded as the
transaction that makes it commits, whoever made it (a co-lead's page or token, the presenter's
link, a command), once. Read from what SQLAlchemy knows changed in each flush, as the update
emails are (`mail.messages.changes`), not from the views: a change made anywhere is recorded."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import click
from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session

from planner.agenda.models import (
    MATERIALS_PUBLIC,
    MEETING_KIND_LABELS,
    NOT_GIVEN,
    Meeting,
    MeetingChange,
    MeetingSeries,
    Slot,
    SlotStatus,
)
from planner.db_types import utcnow
from planner.extensions import db
from planner.materials.models import Material
from planner.offices.models import Office
from planner.presenters.models import Answer, Invitation, reinvited
from planner.proposals.models import Proposal
from planner.recommendations.models import Recommendation
from planner.timezones import local_time, place_name

# Session.info keys: what this transaction changed.
_CHANGED, _ADDED, _GONE = "history.changed", "history.added", "history.gone"

# The fields recorded, by what a line calls them.
SLOT_FIELDS = {
    "starts_at": "time",
    "duration_minutes": "length",
    "title": "title",
    "abstract": "abstract",
    "recommendations": "recommendations",
    "office_code": "office",
    "kind": "kind",
    "status": "status",
    "proposal": "proposal",
    # Pinned or following the slot before: a pinned start moved is its time's line.
    "offset_minutes": "fixed start",
}
MEETING_FIELDS = {
    "status": "status",
    "starts_at": "time",
    # Only as a co-lead sets it (pinned): a length that follows the slots moves with their lines.
    "duration_minutes": "length",
    "duration_pinned": "length pinned",
    "title": "title",
    "kind": "kind",
    "recommendation": "recommendation",
    "description": "description",
    "video_url": "video link",
    "time_zone": "home zone",
    "offices": "offices",
    "series": "series",
    "freeze_on": "programme freeze",
    "materials_public": "materials public",
}
# Of the presenter's invitation: their answer, and who holds the slot's link (never who they are:
# their address and name are kept here only for the transaction, to tell another person from the
# same, whose address was corrected).
INVITATION_FIELDS = ("answer", "invited_at", "link_hash", "email", "name")
# Said changed, without what it was or became: long text, typed by people.
UNQUOTED = {"abstract", "description"}
# A related item as a line keeps it: by number, code or title, never by what only the planner
# knows it by (a series' title is how co-leads pick it).
_KEYS = {Recommendation: "number", Office: "code", MeetingSeries: "title", Proposal: "id"}


@dataclass
class _Changed:
    """An item changed in this transaction: its values at the start (by what they are called),
    once each changed."""

    item: object
    before: dict = field(default_factory=dict)


def _key(item) -> str | int:
    return getattr(item, _KEYS[type(item)])


def _stored(value) -> str | None:
    """A value as a line keeps it: a time in UTC (ISO 8601), a day as ISO 8601 too, a yes or
    no as JSON's, recommendations by number and offices by code (`_KEYS`)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(str(_key(r)) for r in sorted(value, key=_key))
    if type(value) in _KEYS:
        return str(_key(value))
    return str(value)


def _value_before(session: Session, state, name: str):
    history = state.attrs[name].history
    relationship = state.mapper.relationships.get(name)
    if relationship is not None and relationship.uselist:
        return [*history.unchanged, *history.deleted]
    if history.deleted:
        return history.deleted[0]
    # Set without being read (expired by a commit, or an item replaced unloaded): the row still
    # holds it, or the key of the item it names, until this flush.
    model = type(state.object)
    if relationship is None:
        column = getattr(model, name)
    else:
        (column,) = relationship.local_columns
    if column.key in state.dict and not state.attrs[column.key].history.has_changes():
        value = state.dict[column.key]
    else:
        with session.no_autoflush:
            value = session.scalar(select(column).where(model.id == state.identity[0]))
    if relationship is None or value is None:
        return value
    with session.no_autoflush:
        return session.get(relationship.mapper.class_, value)


def _note(session: Session, item, fields: Iterable[str]) -> None:
    state = inspect(item)
    changed: dict = session.info.setdefault(_CHANGED, {})
    for name in fields:
        if not state.attrs[name].history.has_changes():
            continue
        noted = changed.setdefault((type(item).__name__, item.id), _Changed(item))
        # The value at the start of the transaction: the first flush that changed it knows it.
        if name not in noted.before:
            noted.before[name] = _stored(_value_before(session, state, name))


def _collect(session: Session, _context, _instances) -> None:
    for item in session.dirty:
        if isinstance(item, Slot):
            _note(session, item, SLOT_FIELDS)
        elif isinstance(item, Meeting):
            _note(session, item, MEETING_FIELDS)
        elif isinstance(item, Invitation):
            _note(session, item, INVITATION_FIELDS)
    session.info.setdefault(_ADDED, []).extend(
        i for i in session.new if isinstance(i, Slot | Meeting | Invitation | Material)
    )
    gone: list = session.info.setdefault(_GONE, [])
    for item in session.deleted:
        if isinstance(item, Slot):
            meeting = item.meeting_id or next(
                iter(inspect(item).attrs.meeting_id.history.deleted), None
            )
            # Read now, while the row can still be read.
            gone.append((item, _line(item, meeting, "deleted", _stored(item.starts_at), None)))
        elif isinstance(item, Meeting):
            gone.append((item, None))
        elif isinstance(item, Material):
            with session.no_autoflush:
                slot = item.slot
            gone.append((item, _line(slot, item.meeting_id, "material", _material(item), None)))


def _material(material: Material) -> str:
    """A material as a line names it: its kind and format, never its file's name nor its
    link, which may name the presenter or lead to a private recording."""
    if material.url is None:
        return f"slides ({(material.file_type or 'file').upper()})"
    return {"slides": "slides link", "recording": "recording link"}.get(material.kind, "link")


def _line(slot: Slot | None, meeting_id: int, what: str, before, after) -> dict:
    return {
        "meeting_id": meeting_id,
        "slot_id": slot.id if slot is not None else None,
        "slot_title": slot.title if slot is not None else "",
        "office_code": slot.office_code if slot is not None else None,
        "what": what,
        "before": before,
        "after": after,
    }


def _lines(session: Session) -> list[dict]:
    """The lines this transaction adds to its meetings' histories."""
    changed: dict = session.info.pop(_CHANGED, {}) or {}
    added: list = session.info.pop(_ADDED, []) or []
    gone: list = session.info.pop(_GONE, []) or []
    # Undone by a rollback to a savepoint, an item is not added (or deleted) after all.
    added = [i for i in dict.fromkeys(added) if inspect(i).persistent]
    new_meetings = {i.id for i in added if isinstance(i, Meeting)}
    deleted_meetings = {i.id for i, _ in gone if isinstance(i, Meeting) and inspect(i).was_deleted}
    new = set(map(id, added))
    shifts = _shifts(changed.values())
    lines = []
    for item in added:
        if isinstance(item, Meeting):
            lines.append(_line(None, item.id, "created", None, None))
        elif isinstance(item, Invitation):
            if item.slot is not None and id(item.slot) not in new:  # not a copied meeting's
                lines.append(_line(item.slot, item.slot.meeting_id, "presenter", None, "invited"))
        elif isinstance(item, Material):
            if item.meeting_id not in new_meetings:
                lines.append(_line(item.slot, item.meeting_id, "material", None, _material(item)))
        elif item.meeting_id not in new_meetings:
            lines.append(_line(item, item.meeting_id, "created", None, _stored(item.starts_at)))
    for noted in changed.values():
        item = noted.item
        state = inspect(item)
        if id(item) in new or not state.persistent:
            continue  # created in this transaction (one line says so), or deleted
        if isinstance(item, Invitation):
            lines += _invitation_lines(item, noted.before)
            continue
        fields = SLOT_FIELDS if isinstance(item, Slot) else MEETING_FIELDS
        for name, before in noted.before.items():
            after = _stored(getattr(item, name))
            if after == before:
                continue  # changed and changed back
            if (
                name == "starts_at"
                and isinstance(item, Slot)
                and _moved_along(item, before, shifts)
            ):
                continue  # the meeting's own line says it moved
            if (
                name == "duration_minutes"
                and isinstance(item, Meeting)
                and not item.duration_pinned
            ):
                continue  # it follows its slots, whose lines say what changed
            if name == "duration_pinned" and item.duration_pinned and _resized(item, noted.before):
                continue  # its length's line says what it is pinned at
            if name == "offset_minutes" and before is not None and after is not None:
                continue  # pinned still: its time's line says where
            what = fields[name]
            if what in UNQUOTED:
                before = after = None
            if isinstance(item, Slot):
                lines.append(_line(item, item.meeting_id, what, before, after))
            else:
                lines.append(_line(None, item.id, what, before, after))
    lines += [
        line
        for item, line in gone
        if line is not None and inspect(item).was_deleted and id(item) not in new
    ]
    # "presenter invited" says the slot is invited: no line more for its status.
    invited = {line["slot_id"] for line in lines if line["what"] == "presenter"}
    return [
        line
        for line in lines
        if line["meeting_id"] not in deleted_meetings | {None}
        and not (
            line["what"] == "status"
            and line["after"] == SlotStatus.invited
            and line["slot_id"] in invited
        )
    ]


def _invitation_lines(invitation: Invitation, before: dict) -> list[dict]:
    """A presenter invited (again, at their address corrected, or another in their place),
    their link revoked, their request for another time (which leaves the slot invited: said as
    its status)."""
    slot = invitation.slot
    if slot is None:
        return []
    said = []
    if "invited_at" in before and _stored(invitation.invited_at) != before["invited_at"]:
        # By the rule `invite` writes to the one before by; a name or an address left as it
        # was is not among what changed.
        how = reinvited(
            before.get("name", invitation.name),
            before.get("email", invitation.email),
            invitation.name,
            invitation.email,
        )
        said.append(("presenter", how.value))
    elif before.get("link_hash") and invitation.link_hash is None and not invitation.erased_at:
        said.append(("presenter", "link revoked"))
    if invitation.answer == Answer.another_time != before.get("answer", Answer.another_time):
        said.append(("status", Answer.another_time))
    return [_line(slot, slot.meeting_id, what, None, after) for what, after in said]


def _resized(meeting: Meeting, before: dict) -> bool:
    """Whether this transaction changed the meeting's length (and did not change it back)."""
    length = _stored(meeting.duration_minutes)
    return before.get("duration_minutes", length) != length


def _shifts(changed) -> dict[int, timedelta]:
    """How far each meeting moved in this transaction, by its id."""
    return {
        noted.item.id: noted.item.starts_at - datetime.fromisoformat(noted.before["starts_at"])
        for noted in changed
        if isinstance(noted.item, Meeting)
        and noted.before.get("starts_at")
        and noted.item.starts_at is not None
    }


def _moved_along(slot: Slot, before: str | None, shifts: dict[int, timedelta]) -> bool:
    """Whether the slot moved only as its meeting did (a pinned one kept its clock time: its
    own line)."""
    shift = shifts.get(slot.meeting_id)
    if shift is None or before is None or slot.starts_at is None:
        return False
    return slot.starts_at - datetime.fromisoformat(before) == shift


def acting() -> tuple[str, str]:
    """Who is making this change: (by_kind, by) as `MeetingChange` keeps them. The presenter
    and a volunteer are never named: their name goes when they are erased; a co-lead's address
    stays, as on every record of what they did."""
    if has_request_context():
        rule = request.url_rule.rule if request.url_rule is not None else ""
        if rule.startswith("/presenter/<token>"):
            return "presenter", ""
        if rule.startswith("/proposals/<token>") or rule == "/volunteer":
            return "volunteer", ""
        if api_user := g.get("api_user"):
            return "api", api_user.email
        if current_user.is_authenticated:
            return "colead", current_user.email
        return "planner", ""
    context = click.get_current_context(silent=True)
    if context is not None:
        names = []
        while context is not None:
            names.append(context.info_name or "")
            context = context.parent
        # "flask db restored", whatever the program was called.
        return "command", " ".join(["flask", *reversed(names[:-1])])[:300]
    return "planner", ""


def _record(session: Session) -> None:
    """Before the commit: the lines of what this transaction changed, in one statement."""
    session.flush()
    lines = _lines(session)
    if not lines:
        return
    by_kind, by = acting()
    now = utcnow()
    # NULLs written as such: rows without a slot or an office are not a statement of their own.
    session.execute(
        insert(MeetingChange).execution_options(render_nulls=True),
        [{**line, "at": now, "by_kind": by_kind, "by": by} for line in lines],
    )


def _forget(session: Session, *_args) -> None:
    for key in (_CHANGED, _ADDED, _GONE):
        session.info.pop(key, None)


def track_changes() -> None:
    """Listen to every session: note changes as they flush, record them as it commits."""
    for name, listener in (
        ("before_flush", _collect),
        ("before_commit", _record),
        ("after_rollback", _forget),
        ("after_commit", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


# Reading: each line in words, its times in the meeting's home zone.

PAGE_SIZE = 50
_BY = {
    "colead": "{} (co-lead)",
    "api": "{} (co-lead, API)",
    "presenter": "by the presenter",
    "volunteer": "by the volunteer",
    "command": "{} (command)",
    "planner": "by the planner",
}
_PRESENTER = {
    "invited": "presenter invited",
    "invited again": "presenter invited again, with a new link",
    "another invited": "another presenter invited in their place",
    "address corrected": "presenter's address corrected, invited again there with a new link",
    "link revoked": "presenter's link revoked",
}
# A slot's status as a line says it: SlotStatus's are words already, the presenter's request not.
_STATUS_WORDS = {Answer.another_time: "asked for another time"}
# Every change of a meeting's status, in words; those the pages cannot make too, as a command
# (`flask shell`) can, and its line is read as the others are.
_MEETING_STATUS = {
    ("draft", "published"): "meeting published",
    ("published", "cancelled"): "meeting cancelled",
    ("draft", "cancelled"): "meeting cancelled",
    ("cancelled", "published"): "meeting brought back",
    ("cancelled", "draft"): "meeting brought back (as a draft)",
    ("published", "draft"): "meeting made a draft again",
}


def recorded(meeting_id: int):
    """The query of a meeting's history, latest first."""
    return (
        select(MeetingChange)
        .where(MeetingChange.meeting_id == meeting_id)
        .order_by(MeetingChange.id.desc())
    )


def latest(meeting: Meeting, count: int = PAGE_SIZE) -> list[MeetingChange]:
    return list(db.session.scalars(recorded(meeting.id).limit(count)))


@dataclass(frozen=True)
class Line:
    """A line of the history as a page shows it."""

    at: str
    by: str
    slot: str
    said: str


def lines(meeting: Meeting, changes: list[MeetingChange]) -> list[Line]:
    zone = meeting.time_zone or "UTC"
    return [
        Line(
            at=f"{local_time(zone, change.at):%-d %b %Y %H:%M}",
            # An erased co-lead is "a former co-lead" (`personal_data.coleads`) already.
            by=change.by
            if change.by_kind in ("colead", "api") and "@" not in change.by
            else _BY.get(change.by_kind, "{}").format(change.by),
            slot=(f"{change.office_code}: " if change.office_code else "") + change.slot_title
            if change.slot_id is not None
            else "",
            said=_said(meeting, change, zone),
        )
        for change in changes
    ]


# Who is named: a co-lead (by their address, or "a former co-lead") and a command.
_NAMED = {"colead", "api", "command"}
# What holds a time, by what changed: a slot added (after), deleted (before), moved (both).
_TIMES = {"time", "created", "deleted"}


def as_json(meeting: Meeting, changes: list[MeetingChange]) -> list[dict]:
    """The lines as the API gives them: what the page says (`said`), with what was recorded,
    its times in the meeting's home zone (ISO 8601 with their offset), as every API time."""
    zone = meeting.time_zone or "UTC"

    def value(stored: str | None, what: str) -> str | None:
        if stored and what in _TIMES:
            return local_time(zone, datetime.fromisoformat(stored)).isoformat()
        return stored

    return [
        {
            "id": change.id,
            "at": local_time(zone, change.at).isoformat(),
            "by": {
                # Through a page or a token, a co-lead: `api` says which.
                "kind": "colead" if change.by_kind == "api" else change.by_kind,
                # Their address or the command; never the presenter's nor a volunteer's.
                "name": (change.by or None) if change.by_kind in _NAMED else None,
                "api": change.by_kind == "api",
            },
            "slot": {"id": change.slot_id, "title": change.slot_title, "office": change.office_code}
            if change.slot_id is not None
            else None,
            "what": change.what,
            "before": value(change.before, change.what),
            "after": value(change.after, change.what),
            "said": _said(meeting, change, zone),
        }
        for change in changes
    ]


def _moment(value: str | None, zone: str, since: str | None = None) -> str:
    """A stored time in the home zone; its clock time alone on the day of `since`."""
    if not value:
        return "no time"
    moment = local_time(zone, datetime.fromisoformat(value))
    if since and local_time(zone, datetime.fromisoformat(since)).date() == moment.date():
        return f"{moment:%H:%M}"
    return f"{moment:%-d %b %Y %H:%M}"


def _from_to(before: str | None, after: str | None, none: str = "none") -> str:
    return f"{before or none} → {after or none}"


def _said(meeting: Meeting, change: MeetingChange, zone: str) -> str:
    what, before, after = change.what, change.before, change.after
    meeting_line = change.slot_id is None
    if what == "created":
        if meeting_line:
            return "meeting created"
        return "added" + (f" at {_moment(after, zone)}" if after else "")
    if what == "deleted":
        return "deleted" + (f" (was at {_moment(before, zone)})" if before else "")
    if what == "time":
        moved = f"{_moment(before, zone)} → {_moment(after, zone, since=before)}"
        return f"{'meeting time' if meeting_line else 'time'} {moved}"
    if what == "length":
        length = f"length {before or '?'} → {after or '?'} min"
        return f"meeting {length}" if meeting_line else length
    if what == "kind" and meeting_line:
        labels = MEETING_KIND_LABELS
        return f"kind {_from_to(labels.get(before, before), labels.get(after, after))}"
    if what in ("title", "office", "recommendations", "kind", "recommendation", "series"):
        quoted = what in ("title", "series")
        quote = (lambda v: f"“{v}”" if v else None) if quoted else (lambda v: v)
        return f"{what} {_from_to(quote(before), quote(after))}"
    if said := _setting(what, before, after):
        return said
    if what in UNQUOTED:
        return f"{what} edited"
    if what == "video link":
        return "video link " + ("removed" if not after else "set" if not before else "changed")
    if what == "home zone":
        return f"home zone {_from_to(before and place_name(before), after and place_name(after))}"
    if what == "presenter":
        return _PRESENTER.get(after, f"presenter {after}")
    if what == "status" and meeting_line:
        return _MEETING_STATUS.get((before, after), f"meeting {_from_to(before, after)}")
    if what == "status":
        return _slot_status(meeting, change)
    return f"{what} {_from_to(before, after)}"


def _day(value: str | None) -> str | None:
    return f"{date.fromisoformat(value):%-d %b %Y}" if value else None


def _setting(what: str, before: str | None, after: str | None) -> str | None:
    """The line of a meeting's setting, a slot's fixed start or proposal, or a material; None
    for any other change."""
    if what == "offices":
        return _offices(before, after)
    if what == "programme freeze":
        return f"programme freeze {_from_to(_day(before), _day(after))}"
    if what == "materials public":
        shown = _from_to(MATERIALS_PUBLIC.get(before, before), MATERIALS_PUBLIC.get(after, after))
        return f"slides and recordings public {shown}"
    if what == "length pinned":
        return "meeting length pinned" if after == "true" else "meeting length follows its slots"
    if what == "proposal":
        return f"linked proposal {_from_to(before and f'#{before}', after and f'#{after}')}"
    if what == "fixed start":
        return "start follows the slot before" if after is None else "start pinned"
    if what == "material":
        return f"{after} added" if after else f"{before} removed"
    return None


def _offices(before: str | None, after: str | None) -> str:
    """The offices taking part: those a co-lead added and removed (none chosen: the survey's
    respondents)."""
    was, now = (set(filter(None, (v or "").split(", "))) for v in (before, after))
    if not was:
        return f"participating offices chosen: {after}"
    if not now:
        return "participating offices cleared: the survey's respondents take part"
    said = [
        f"{', '.join(sorted(codes))} {how}"
        for codes, how in ((now - was, "added"), (was - now, "removed"))
        if codes
    ]
    return f"participating offices: {'; '.join(said)}"


def _slot_status(meeting: Meeting, change: MeetingChange) -> str:
    before, after = change.before, change.after
    if before is None and after == Answer.another_time:
        return "asked for another time"
    moved = _from_to(_STATUS_WORDS.get(before, before), _STATUS_WORDS.get(after, after))
    # Recorded once the meeting had taken place: for the record, given or not.
    if meeting.ends_at is not None and change.at >= meeting.ends_at:
        if after == SlotStatus.confirmed:
            return f"recorded as presented ({moved})"
        if after in NOT_GIVEN:
            return f"recorded as not given ({moved})"
    if before == SlotStatus.cancelled:
        return f"reinstated ({moved})"
    return f"status {moved}"
