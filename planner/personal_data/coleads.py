"""Where a co-lead's address is kept as the one who did something (a mark, a decision on a
proposal, an invitation, a line-up, an edit, a message discarded or sent again): listed when
what is held about them is exported, and replaced by `ERASED_COLEAD` when they are erased at
their request, the records staying the Task Force's."""

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import InstrumentedAttribute

from planner.addresses import spellings
from planner.agenda.models import MeetingChange
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.mail.models import OutboxMessage
from planner.matching.models import MatchMark, ScoringWeights
from planner.materials.models import Material
from planner.offices.models import Office, OfficeContact
from planner.presenters.models import Invitation
from planner.proposals.models import ProposalEvent
from planner.recommendations.models import Recommendation

# Who did it, once the co-lead who did it was erased: the record stays, without naming them.
ERASED_COLEAD = "a former co-lead"


@dataclass(frozen=True)
class _Kept:
    """A column that names the co-lead who did something: how it writes their address (a
    pattern in which `{}` stands for it), what the record is, and when it was made. In a JSON
    column, the keys (`path`) of the text that names them."""

    column: InstrumentedAttribute
    pattern: str
    what: str
    about: Callable[[object], tuple[datetime | None, str]]
    path: tuple[str, ...] = ()

    @property
    def text(self):
        """What is searched for their address: the column, or the text at `path` in it."""
        return self.column[self.path].as_string() if self.path else self.column

    def read(self, row) -> str:
        """The text that names them in `row` ("" where a JSON column holds none there)."""
        value = getattr(row, self.column.key)
        for key in self.path:
            value = value.get(key) if isinstance(value, dict) else None
        return value if isinstance(value, str) else ""

    def written(self, row, text: str):
        """`row`'s value of the column with `text` in place of what `read` read."""
        if not self.path:
            return text
        value = copy.deepcopy(getattr(row, self.column.key))
        inner = value
        for key in self.path[:-1]:
            inner = inner[key]
        inner[self.path[-1]] = text
        return value


def _proposal_event(event: ProposalEvent) -> tuple[datetime, str]:
    said = f": “{event.reason}”" if event.reason else ""
    proposal = f"proposal #{event.proposal_id} ({event.proposal.office_code})"
    return event.at, f"{proposal}: {event.what}{said}"


def _material(material: Material) -> tuple[datetime, str]:
    where = f"“{material.slot.title}”" if material.slot else f"“{material.meeting.title}”"
    return material.added_at, f"{material.kind} on {where}: {material.label}"


_ALONE = r"^(?:{})$"  # the column holds the address itself
_BY = r"(?<=by )(?:{})(?![\w.-])"  # "entered by …", "accepted by …", "discarded by …"

KEPT = (
    _Kept(
        MatchMark.marked_by,
        _ALONE,
        "mark on a pair",
        lambda m: (
            m.marked_at,
            f"Rec {m.recommendation_number}: {m.presenter_code} for {m.audience_code}, "
            f"{m.verdict}" + (f": “{m.note}”" if m.note else ""),
        ),
    ),
    _Kept(
        ScoringWeights.adopted_by,
        _ALONE,
        "score weights adopted",
        lambda w: (w.adopted_at, f"weights #{w.id}"),
    ),
    _Kept(
        Lineup.created_by,
        _ALONE,
        "line-up proposed",
        lambda lineup: (lineup.created_at, f"line-up #{lineup.id}"),
    ),
    _Kept(
        Invitation.invited_by,
        _ALONE,
        "presenter invited",
        lambda i: (i.invited_at, f"“{i.slot.title}” in “{i.slot.meeting.title}”"),
    ),
    _Kept(ProposalEvent.actor, _ALONE, "proposal decided or its link changed", _proposal_event),
    _Kept(
        Recommendation.updated_by,
        _ALONE,
        "recommendation's wording edited",
        lambda r: (r.updated_at, f"Rec {r.number}"),
    ),
    _Kept(
        MeetingChange.by,
        _ALONE,
        "meeting or slot changed",
        lambda c: (
            c.at,
            f"meeting #{c.meeting_id}: {c.what}"
            + (f" of “{c.slot_title}”" if c.slot_title else ""),
        ),
    ),
    _Kept(Office.updated_by, _ALONE, "office added or edited", lambda o: (o.updated_at, o.code)),
    _Kept(Office.size_source, _BY, "office's size entered", lambda o: (o.updated_at, o.code)),
    _Kept(Office.region_source, _BY, "office's group entered", lambda o: (o.updated_at, o.code)),
    _Kept(
        OfficeContact.source,
        _BY,
        "office contact entered or accepted",
        lambda c: (c.created_at, f"a contact of {c.office_code}"),
    ),
    _Kept(Material.added_by, r"^co-lead (?:{})$", "slides or link added", _material),
    _Kept(
        OutboxMessage.last_error,
        _BY,
        "held message discarded",
        lambda m: (m.created_at, f"message #{m.id} ({m.kind})"),
    ),
    # "Sent now" or "Sent again" by them, on the message's outbox page and row (`outbox.release`).
    _Kept(
        OutboxMessage.basis,
        _ALONE,
        "message sent now or again",
        lambda m: (m.sent_again_after.at, f"message #{m.id} ({m.kind})"),
        path=("again", "by"),
    ),
    # Sent again after another co-lead discarded it: the message pressed said "discarded by …".
    _Kept(
        OutboxMessage.basis,
        _BY,
        "held message discarded",
        lambda m: (m.sent_again_after.at, f"message #{m.id} ({m.kind}), sent again since"),
        path=("again", "error"),
    ),
)


@dataclass(frozen=True)
class Trace:
    """One record naming them as the co-lead who did it."""

    kept: _Kept
    row: object

    def described(self) -> dict:
        at, about = self.kept.about(self.row)
        return {
            "what": self.kept.what,
            "at": at.isoformat() if at else None,
            "about": about,
            "recorded_as": self.kept.read(self.row),
        }


def _matcher(kept: _Kept, email: str) -> re.Pattern:
    addresses = "|".join(re.escape(a) for a in spellings(email))
    return re.compile(kept.pattern.format(addresses), re.IGNORECASE)


def traces_of(email: str) -> list[Trace]:
    """The records naming `email` (in any spelling) as the co-lead who did them."""
    found = []
    for kept in KEPT:
        model, matcher = kept.column.class_, _matcher(kept, email)
        rows = db.session.scalars(
            select(model)
            .where(or_(*(kept.text.contains(a, autoescape=True) for a in spellings(email))))
            .order_by(*model.__table__.primary_key.columns)
        )
        found += [Trace(kept, row) for row in rows if matcher.search(kept.read(row))]
    return found


def anonymise(traces: list[Trace], email: str) -> None:
    """Their address in each record replaced by ERASED_COLEAD: the mark, decision or edit
    stays, with its date, reason and note. Written past the rows' versions (a form open on
    them is not refused for it: nothing it shows changed)."""
    for trace in traces:
        column, model = trace.kept.column, trace.kept.column.class_
        said = _matcher(trace.kept, email).sub(ERASED_COLEAD, trace.kept.read(trace.row))
        value = trace.kept.written(trace.row, said)
        (key,) = model.__table__.primary_key.columns
        db.session.execute(
            update(model.__table__)
            .where(key == getattr(trace.row, key.key))
            .values({column.key: value})
        )
