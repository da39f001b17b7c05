"""Matching the interests and projects of a stored survey, with the co-leads' marks and weights.

Scorers are cached per process, keyed by what they are built from as the database holds it now
(the survey's id and content fingerprint, the marks, the weights, the offices' sizes and groups,
the accepted proposals): a change made through any instance is seen by every other one at its
next request, with no invalidation to forget."""

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from planner.db_types import utcnow
from planner.errors import PlannerError
from planner.extensions import db
from planner.matching.evidence import names_of
from planner.matching.models import MatchMark, ScoringWeights
from planner.matching.scorer import (
    DEFAULT_WEIGHTS,
    FEATURES,
    MARKS,
    Interest,
    Mark,
    Match,
    Peer,
    Project,
    Scorer,
    Weights,
)
from planner.matching.sources import QUESTIONS, interests_and_projects
from planner.offices.models import Office
from planner.proposals.operations import accepted_proposals
from planner.survey.models import Answer, Survey

# Each audience's best presenters, as the API and the command line give them by default; "all"
# lists every pair (slow at hundreds of offices).
DEFAULT_LIMIT = 10


def survey_interests_and_projects(
    survey: Survey, accepted: list[Project] | None = None
) -> tuple[list[Interest], list[Project]]:
    rows = db.session.execute(
        select(
            Answer.id,
            Answer.office_code,
            Answer.question,
            Answer.recommendation_number,
            Answer.text,
        ).where(
            Answer.survey_id == survey.id,
            Answer.recommendation_number.is_not(None),
            Answer.question.in_(QUESTIONS),
        )
    ).tuples()
    return interests_and_projects(rows, accepted_projects() if accepted is None else accepted)


def accepted_projects() -> list[Project]:
    """Accepted proposals not presented yet, as projects the matching and the line-up proposer
    consider."""
    return [
        Project(
            proposal.office_code,
            recommendation.number,
            f"{proposal.title}. {proposal.abstract}",
            "proposal",
            proposal.id,
            stated=(proposal.maturity, proposal.maturity_label),
        )
        for proposal in accepted_proposals(include_given=False)
        for recommendation in proposal.recommendations
    ]


def office_peers() -> dict[str, Peer]:
    """Each office's size and WIPO group as stored (co-leads edit them), and the names others'
    texts call it by (`evidence.names_of` its stored name)."""
    rows = db.session.execute(select(Office.code, Office.size, Office.region, Office.name)).tuples()
    return {code: Peer(size, region, names_of(name or "")) for code, size, region, name in rows}


def marks() -> dict[tuple[str, str, int], Mark]:
    return {
        (m.audience_code, m.presenter_code, m.recommendation_number): Mark(
            m.verdict,
            m.note,
            m.marked_by,
            m.marked_at.isoformat(timespec="minutes"),
            m.survey_label,
        )
        for m in db.session.scalars(select(MatchMark))
    }


def weights_in_use() -> Weights:
    """The weights a co-lead adopted last, or the defaults. A feature added since a fit was
    adopted counts nothing in it: the adopted weights rank as they did when adopted."""
    adopted = db.session.scalar(select(ScoringWeights).order_by(ScoringWeights.id.desc()).limit(1))
    if adopted is None:
        return DEFAULT_WEIGHTS
    return Weights(**{name: float(adopted.weights.get(name, 0.0)) for name in FEATURES})


def adopt_weights(weights: Weights, report: dict, editor: str | None) -> ScoringWeights:
    row = ScoringWeights(weights=weights.as_dict(), report=report, adopted_by=editor)
    db.session.add(row)
    db.session.flush()
    return row


class ScorerCache:
    """The few scorers read most recently, shared by the requests of one process (and its
    threads). A scorer is never changed once built, so one may serve many requests at once."""

    def __init__(self, size: int = 6) -> None:
        self.size = size
        self.entries: OrderedDict[Hashable, Scorer] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, make) -> Scorer:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
        # Built outside the lock: two requests may both build one, and neither waits on the other.
        made = make()
        with self.lock:
            self.entries[key] = made
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return made


scorers = ScorerCache()


def survey_scorer(survey: Survey, *, include_plans: bool = False) -> Scorer:
    """The scorer of a survey with the marks, weights, offices and proposals stored now.

    The small things it depends on are read on every call and are part of the cache key
    themselves; the survey's answers, the large part, are named by its id and fingerprint
    and import time (its answers never change once imported; a re-import is a new survey)."""
    peers, marked, weights = office_peers(), marks(), weights_in_use()
    accepted = accepted_projects()
    key = (
        survey.id,
        survey.fingerprint,
        survey.imported_at,
        include_plans,
        weights,
        tuple(sorted(peers.items())),
        tuple(sorted(marked.items())),
        tuple(accepted),
    )

    def make() -> Scorer:
        interests, projects = survey_interests_and_projects(survey, accepted)
        return Scorer(interests, projects, peers, marked, weights, include_plans)

    return scorers.get(key, make)


def survey_matches(
    survey: Survey,
    recommendations: Iterable[int] | None = None,
    *,
    include_plans: bool = False,
    limit: int | None = None,
) -> list[Match]:
    return survey_scorer(survey, include_plans=include_plans).matches(recommendations, limit=limit)


class MarkError(PlannerError):
    """A mark that cannot be stored; the message says why."""


class MarkChanged(MarkError):
    """Another co-lead's mark on the pair was saved between the reading and the writing."""

    status = 409


_UNREAD = object()


def mark_of(audience: str, presenter: str, recommendation: int) -> MatchMark | None:
    return db.session.scalar(
        select(MatchMark).where(
            MatchMark.audience_code == audience,
            MatchMark.presenter_code == presenter,
            MatchMark.recommendation_number == recommendation,
        )
    )


def mark_seen(mark: MatchMark | dict | None) -> str:
    """A mark as a form saw it (verdict and note), to tell whether it changed since; a mark is
    a stored row or, on the matches page, a match's reasons."""
    if not mark:
        return "none"
    if isinstance(mark, dict):
        return f"{mark['verdict']}|{mark.get('note') or ''}"
    return f"{mark.verdict}|{mark.note or ''}"


def set_mark(
    audience: str,
    presenter: str,
    recommendation: int,
    verdict: str,
    note: str,
    editor: str | None,
    *,
    expected: object = _UNREAD,
    survey: str | None = None,
) -> MatchMark | None:
    """Store a co-lead's mark on a pair (verdict "" clears it), made on the answers of the
    survey labelled `survey`. `expected` is the mark the
    caller read and checked (None: no mark): the write happens only if the pair is still so,
    else MarkChanged, so that two co-leads marking a pair at the same moment never both hear
    "saved" while one mark silently replaces the other."""
    if audience == presenter:
        raise MarkError("An office never presents to itself.")
    if verdict and verdict not in MARKS:
        raise MarkError(f"A mark is one of: {', '.join(label for label, _ in MARKS.values())}.")
    found = mark_of(audience, presenter, recommendation) if expected is _UNREAD else expected
    changes = {
        "verdict": verdict,
        "note": note.strip(),
        "marked_by": editor,
        "marked_at": utcnow(),
        "survey_label": survey,
    }
    if found is None:
        if not verdict:
            return None
        try:
            with db.session.begin_nested():
                added = MatchMark(
                    audience_code=audience,
                    presenter_code=presenter,
                    recommendation_number=recommendation,
                    **changes,
                )
                db.session.add(added)
        except IntegrityError:
            raise MarkChanged("Another co-lead marked this pair at the same moment.") from None
        return added
    as_read = (
        MatchMark.id == found.id,
        MatchMark.verdict == found.verdict,
        MatchMark.note == found.note,
        MatchMark.marked_at == found.marked_at,
    )
    statement = (
        delete(MatchMark).where(*as_read)
        if not verdict
        else update(MatchMark).where(*as_read).values(**changes)
    )
    if db.session.execute(statement.execution_options(synchronize_session=False)).rowcount != 1:
        raise MarkChanged("Another co-lead changed this mark at the same moment.")
    if not verdict:
        db.session.expunge(found)
        return None
    db.session.refresh(found)
    return found
