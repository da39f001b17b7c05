"""Line-ups for a stored survey: the solver's instance, saved proposals, and accepting one."""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from planner.agenda.models import DISCUSSION_TITLE, Meeting, SlotStatus
from planner.agenda.operations import (
    before_closing,
    create_meeting,
    create_slot,
    share_unplanned_time,
    sharing_talks,
    slot_fields_from_proposal,
    unplanned_minutes,
)
from planner.db_types import utcnow
from planner.extensions import db
from planner.lineup.models import Lineup
from planner.lineup.report import LineupReport, propose, saved_presentations
from planner.lineup.rules import (
    Candidate,
    Demand,
    InfeasibleRules,
    Instance,
    Rules,
    SolverTimedOut,
    allowed,
    listed,
)
from planner.matching.operations import survey_scorer
from planner.matching.scorer import MARK_ORDER, Project
from planner.matching.vocabulary import bundled
from planner.offices.models import Office
from planner.proposals.operations import accepted_proposals, slots_of
from planner.recommendations.models import Recommendation
from planner.survey.models import Survey
from planner.survey.operations import answer_cells
from planner.survey.records import Question
from planner.text import readable

SMALL = "small"
TALK_MINUTES = 20
DISCUSSION_MINUTES = 30


def workshop_instance(
    survey: Survey, recommendations: Iterable[int], *, include_plans: bool = False
) -> Instance:
    """Candidates (offices with working or under-way projects on the recommendations, plans too
    when asked; never a need), demands and relevance.

    Relevance is the matches page's score of the office's best project for that audience, marks
    included, so both show the same judgement. An office with an accepted proposal on a
    recommendation is a volunteer there.
    """
    wanted = set(recommendations)
    scorer = survey_scorer(survey, include_plans=include_plans)
    offices = {o.code: o for o in db.session.scalars(select(Office))}
    best: dict[tuple[str, int], Project] = {}
    volunteers: set[tuple[str, int]] = set()
    for number in sorted(wanted):
        for project in scorer.presenting(number):
            key = (project.office, number)
            if key not in best or project.evidence.level > best[key].evidence.level:
                best[key] = project
            if project.source == "proposal":
                volunteers.add(key)
    candidates = tuple(
        Candidate(
            office,
            number,
            maturity=project.evidence.level,
            volunteer=(office, number) in volunteers,
            small=offices[office].size == SMALL if office in offices else False,
            region=offices[office].region if office in offices else None,
            evidence=project.evidence.type.value,
            reason=project.evidence.reason,
            quote=project.text,
        )
        for (office, number), project in sorted(best.items())
    )
    relevance: dict[str, dict[str, float]] = {}
    for number in sorted(wanted):
        for (audience, presenter), score in scorer.best(number).items():
            relevance.setdefault(f"{audience}:{number}", {})[presenter] = score
    demands = tuple(
        Demand(i.office, i.recommendation, i.weight)
        for i in scorer.interests
        if i.recommendation in wanted
    )
    set_aside = {
        (p.office, number): p.evidence.type.value
        for number in sorted(wanted)
        for p in scorer.set_aside.get(number, [])
        if (p.office, number) not in best
    }
    # The scorer's marks (read once with it): those that say who must present, oldest first.
    must_present = tuple(
        (presenter, audience, number)
        for (audience, presenter, number), mark in sorted(
            scorer.marks.items(), key=lambda item: (item[1].at or "", item[0])
        )
        if mark.verdict == "must_present" and number in wanted
    )
    # The marks that put a presenter before its score, for the line-up to say so.
    marked = {
        key: mark.label
        for key, mark in scorer.marks.items()
        if key[2] in wanted and mark.verdict in MARK_ORDER
    }
    return Instance(candidates, demands, relevance, set_aside, must_present, marked)


def propose_lineup(
    survey: Survey, rules: Rules, prefer: frozenset[str] = frozenset()
) -> LineupReport:
    """The line-up for the rules; `prefer`: the presentations of the line-up it is solved
    again from, kept where a line-up of the same value can keep them."""
    instance = workshop_instance(
        survey, rules.per_recommendation, include_plans=rules.include_plans
    )
    met, not_met = _must_present(instance, rules)
    kept = list(met)
    while True:
        try:
            report = propose(
                _presenting_as_marked(instance, rules, kept),
                replace(rules, include=rules.include | {p for p, _, _ in kept}),
                prefer=prefer,
            )
            break
        except InfeasibleRules as error:
            # The marks ask for more than the co-lead's rules allow (groups, small offices,
            # slots): the newest one added goes, and is said not met, until the rules as set
            # can be met; if they cannot on their own, that is the co-lead's to know. Out of
            # time is no proof of that: said as it is.
            added = [k for k in kept if k[0] not in rules.include]
            if not added or isinstance(error, SolverTimedOut):
                raise
            kept.remove(added[-1])
            not_met.append((*added[-1], "the other rules leave no room for it"))
    # A mark is met by its presenter on its recommendation, not on another one.
    chosen = {(c.office, c.recommendation) for c in report.solution.presentations}
    met = [k for k in kept if (k[0], k[2]) in chosen]
    for presenter, audience, number in kept:
        if (presenter, number) not in chosen:
            elsewhere = sorted(r for o, r in chosen if o == presenter)
            why = (
                f"presents on Rec {', '.join(map(str, elsewhere))} instead"
                if elsewhere
                else "the other rules leave no room for it"
            )
            not_met.append((presenter, audience, number, why))
    # The rules as the co-lead set them (what "Adjust the rules" starts from); the marks say
    # which offices they added.
    return replace(report, rules=rules, marks_met=tuple(met), marks_not_met=tuple(not_met))


def _presenting_as_marked(
    instance: Instance, rules: Rules, marks: list[tuple[str, str, int]]
) -> Instance:
    """The instance in which a marked presenter, when an office presents once, may present only
    on the recommendations its marks name: the mark says which talk it must give. An office the
    co-lead included keeps all its talks to choose from."""
    if not rules.one_per_office or not marks:
        return instance
    named: dict[str, set[int]] = {}
    for presenter, _, number in marks:
        if presenter not in rules.include:
            named.setdefault(presenter, set()).add(number)
    candidates = tuple(
        c
        for c in instance.candidates
        if c.office not in named or c.recommendation in named[c.office]
    )
    return replace(instance, candidates=candidates)


def _must_present(
    instance: Instance, rules: Rules
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int, str]]]:
    """The co-leads' "must present to" marks on the line-up's recommendations: those it
    includes their presenter for (an office with a project there, not excluded, while the
    slots allow: one per office), and those it cannot, with why. Oldest mark first."""
    presenting = {(c.office, c.recommendation) for c in allowed(instance, rules)}
    audiences = {(d.office, d.recommendation) for d in instance.demands}
    included = set(rules.include)
    met, not_met = [], []
    for key in instance.must_present:
        presenter, audience, number = key
        if (audience, number) not in audiences:
            continue  # the audience no longer asks for it: nothing to meet
        if presenter in rules.exclude:
            not_met.append((*key, "excluded by the rules"))
        elif (presenter, number) not in presenting:
            not_met.append((*key, "no working or under-way project on it"))
        elif presenter in included or not rules.one_per_office or len(included) < rules.slots:
            included.add(presenter)
            met.append(key)
        else:
            not_met.append((*key, "no slot left for it"))
    return met, not_met


# How many of a co-lead's latest line-ups a new one is compared with before it is kept.
RECENT_LINEUPS = 20


def save_lineup(survey: Survey, report: LineupReport, editor: str | None) -> Lineup:
    """The line-up kept for the list and for accepting: an earlier one of the co-lead's again
    when it is the same answer to the same question (a reload, the same rules sent twice, or
    back to rules tried before: helper-82 found #3 a copy of #1), not a copy."""
    return same_lineup(survey, report, editor) or new_lineup(survey, report, editor)


def new_lineup(survey: Survey, report: LineupReport, editor: str | None) -> Lineup:
    """The line-up stored as a new one (`save_lineup` looks for the same one first)."""
    rules, result = _as_stored(report)
    lineup = Lineup(
        survey_id=survey.id,
        created_by=editor,
        rules=rules,
        result=result,
    )
    db.session.add(lineup)
    db.session.flush()
    return lineup


def same_lineup(survey: Survey, report: LineupReport, editor: str | None) -> Lineup | None:
    """The co-lead's recent line-up (not accepted yet) that is this same answer to the same
    question, if any."""
    rules, result = _as_stored(report)
    recent = db.session.scalars(
        select(Lineup)
        .where(Lineup.survey_id == survey.id, Lineup.created_by == editor)
        .order_by(Lineup.id.desc())
        .limit(RECENT_LINEUPS)
    )
    for earlier in recent:
        if earlier.meeting is None and earlier.rules == rules and earlier.result == result:
            return earlier
    return None


def _as_stored(report: LineupReport) -> tuple[dict, dict]:
    """The rules and the result as the JSON columns give them back (tuples become lists), to
    compare with what is stored."""
    return (
        json.loads(json.dumps(report.rules.as_dict())),
        json.loads(json.dumps(report.as_dict())),
    )


@dataclass(frozen=True)
class Acceptance:
    """What accepting a line-up did: the agenda, whether this acceptance made the slots, and,
    into an existing draft, the presentations it already held (office and recommendation)."""

    meeting: Meeting
    made: bool
    added: int = 0
    already: tuple[str, ...] = ()
    # Volunteered presentations another agenda holds (a proposal goes into one meeting).
    elsewhere: tuple[str, ...] = ()


def _description(focus: int, title: str, others: set[int], survey: str) -> str:
    """What a workshop made from a line-up is, in public: its focus by number and title (quoted,
    as a title may hold parentheses of its own), and the other recommendations it gave slots."""
    numbers = [str(n) for n in sorted(others)]
    plural = "s" if len(numbers) > 1 else ""
    also = f" and on Recommendation{plural} {listed(numbers)}," if numbers else ""
    return (
        f"Offices present their work on Recommendation {focus}, “{title}”,{also} chosen from "
        f"their answers to survey {survey}."
    )


def accept_lineup(
    lineup: Lineup, editor: str | None, into: Meeting | None = None, length: int | None = None
) -> Acceptance:
    """Turn a line-up into agenda slots: one proposed slot per presentation, in order, added to
    `into` (a draft meeting) or to a new draft workshop, through the agenda's own operations.
    A presentation an office volunteered is its proposal; any other carries the office's project
    (its question 4 answer) as the abstract.

    Into a draft, a presentation the draft already holds (the same office on the same
    recommendation) is not added twice, and the new ones go before its closing slots, as
    "Schedule" places a proposal.

    A new workshop given a `length` keeps it (pinned), its talks sharing evenly what the
    presentations and the discussion leave (`share_unplanned_time`), as a co-lead who gives a
    workshop three hours means; without one it ends with its last slot.

    Accepting again returns the agenda made the first time, also when two co-leads accept at
    the same moment: the line-up's version lets one of them through, and the other's draft is
    rolled back (with the rest of that request's changes) in favour of the first one's.
    """
    if lineup.meeting is not None:
        return Acceptance(lineup.meeting, False)
    focus = lineup.rules["focus"]
    recommendations = {r.number: r for r in db.session.scalars(select(Recommendation))}
    presentations = sorted(
        saved_presentations(lineup.result),
        key=lambda t: (t.recommendation != focus, t.recommendation, -t.score),
    )
    made_here = into is None
    meeting = into or create_meeting(
        {
            "title": f"Workshop on Rec {focus}: {recommendations[focus].short_title}"[:200],
            "kind": "workshop",
            "recommendation": focus,
            **({} if length is None else {"duration_minutes": length}),
            # Public once published: what the meeting is, not how it was planned (line-ups are
            # the co-leads'; the draft's page links its line-up for them).
            "description": _description(
                focus,
                recommendations[focus].short_title,
                {t.recommendation for t in presentations} - {focus},
                lineup.survey.label,
            ),
        }
    )
    if made_here:
        # Planned with its line-up's survey, whose respondents take part: not whichever survey
        # is imported last (helper-71: a later import changed them, page and API apart).
        meeting.survey = lineup.survey
    # Line-ups saved before their presentations quoted the project need the survey's answers.
    answers = _project_texts(lineup.survey) if any(not t.quote for t in presentations) else {}
    volunteered = {
        (p.office_code, r.number): p for p in accepted_proposals() for r in p.recommendations
    }
    codes = {presentation.office for presentation in presentations}
    offices = {o.code: o for o in db.session.scalars(select(Office).where(Office.code.in_(codes)))}
    live = [
        slot
        for slot in (into.slots if into else [])
        if slot.kind == "presentation" and slot.status != SlotStatus.cancelled
    ]
    held = {(slot.office_code, r.number) for slot in live for r in slot.recommendations}
    # A proposal goes into a meeting once: one that covers two of the line-up's
    # recommendations, or is in the meeting already (under another office, say), is there.
    placed = {slot.proposal_id for slot in live if slot.proposal_id is not None}
    already, elsewhere, added = [], [], 0
    for presentation in presentations:
        office, number = offices[presentation.office], presentation.recommendation
        proposal = volunteered.get((office.code, number))
        if (office.code, number) in held or (proposal is not None and proposal.id in placed):
            already.append(f"{office.code} on Rec {number}")
            continue
        if proposal is not None and proposal.id not in placed:
            # On another agenda already, as "Schedule" refuses it (helper-146: a line-up put
            # RU's talk, confirmed in a published meeting, into a draft as well, unsaid).
            there = [s for s in slots_of(proposal, live=True) if s.meeting_id != meeting.id]
            if there:
                elsewhere.append(f"{office.code} on Rec {number} (on “{there[0].meeting.title}”)")
                continue
        if proposal is not None:
            # As "Schedule" on the proposal makes it: its own words, linked back to it.
            placed.add(proposal.id)
            fields = slot_fields_from_proposal(proposal)
        else:
            # A line-up saved before input refused some invisible characters may quote them.
            project = readable(presentation.quote or answers.get((office.code, number), ""))
            fields = {
                "title": talk_title(office.name, project, recommendations[number].short_title),
                "duration_minutes": TALK_MINUTES,
                "office": office.code,
                "recommendations": [number],
                "abstract": project[:4000],
            }
        slot = create_slot(
            meeting, {**fields, "kind": "presentation", "status": SlotStatus.proposed}
        )
        added += 1
        if into is not None:
            db.session.flush()
            before_closing(slot)
    if into is None:
        # Half an hour for discussion after the presentations, as a slot of its own: the new
        # draft's length follows its slots, so its calendar entry ends when the last one does.
        create_slot(
            meeting,
            {
                "title": DISCUSSION_TITLE,
                "kind": "discussion",
                "duration_minutes": DISCUSSION_MINUTES,
            },
        )
        if unplanned_minutes(meeting) and sharing_talks(meeting):
            share_unplanned_time(meeting)
    meeting.updated_at = utcnow()
    lineup.meeting = meeting
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        if lineup.meeting is None:  # changed otherwise than by an acceptance: try again later
            raise
        return Acceptance(lineup.meeting, False)
    return Acceptance(meeting, True, added, tuple(already), tuple(elsewhere))


_NEGATED = re.compile(r"\b(?:no|not|without|none|nor)\b", re.IGNORECASE)


def talk_title(office: str, project: str, fallback: str) -> str:
    """A presentation's working title from what its project is about: the office and the first
    two topics the project names ("USPTO: Automated classification; prior-art and image
    search"), or the recommendation's title when it names none. The presenter can edit it."""
    vocabulary = bundled()
    # What a sentence says the office does not have ("No machine translation yet", "OCR but no
    # translation") is not what its talk is about: each sentence is read up to its negation.
    said = " ".join(_NEGATED.split(c, maxsplit=1)[0] for c in re.split(r"[.;\n]", project))
    labels = list(dict.fromkeys(vocabulary.label(m.topic) for m in vocabulary.mentions(said)))
    about = "; ".join(labels[:2]) if labels else fallback
    return f"{office}: {about[:1].upper()}{about[1:]}"[:200]


def _project_texts(survey: Survey) -> dict[tuple[str, int], str]:
    """Each office's project (Q4 answer) on each recommendation; the latest answer if several."""
    cells = sorted(answer_cells(survey, Question.focus))
    return {(office, number): text for _, office, number, text in cells}


def lineups_newest_first() -> Select:
    """The saved line-ups, newest first, with the agendas they became and the surveys they
    read."""
    loaded = (selectinload(Lineup.meeting), selectinload(Lineup.survey))
    return select(Lineup).options(*loaded).order_by(Lineup.id.desc())
