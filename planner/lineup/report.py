"""A proposed line-up with the figures that show how good it is: coverage of demand, whom each
presentation is the best match for, whose best match is not working yet, each presentation's
contribution, the price of the rules, and the next-best line-ups. Pure: no Flask, no database.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from planner.lineup.model import MIP_GAP, Model, Solution, solve, solve_model
from planner.lineup.rules import (
    ALTERNATIVE_TIME_LIMIT,
    PRICE_TIME_LIMIT,
    TOLERANCE,
    Candidate,
    Demand,
    InfeasibleRules,
    Instance,
    Matrix,
    Rules,
    allowed,
    check,
    meets,
    ordered,
    value,
)
from planner.matching.evidence import EvidenceType

# A line-up's worth, a presentation's part of it, the price of the rules: below this they show as
# 0.000 to three decimals, and the page and the command line say "nothing" rather than "0.000".
NEGLIGIBLE = 0.0005


@dataclass(frozen=True)
class LineupReport:
    """A line-up with the figures that show how good it is."""

    rules: Rules
    solution: Solution
    contributions: dict[str, float]
    covered: float
    demand: float
    left_out: tuple[Demand, ...]
    # Demands whose best presentation in the line-up is not a working project (or that have
    # none).
    without_working: tuple[Demand, ...]
    # Each demand's best presentation in the line-up (by its gain; a working one on a tie):
    # who each presentation is there for.
    best_for: dict[Demand, Candidate]
    unconstrained: float
    # Whether `unconstrained` is the proved optimum (else an upper bound of it).
    unconstrained_proved: bool
    alternatives: tuple[Solution, ...]
    weights: dict[str, float] = field(repr=False)
    relevance: dict[str, dict[str, float]] = field(repr=False)
    bonuses: dict[str, float] = field(repr=False)
    # Co-leads' "must present to" marks on the line-up's recommendations: (presenter, audience,
    # recommendation) of those it includes, and of those it could not (with why).
    marks_met: tuple[tuple[str, str, int], ...] = ()
    marks_not_met: tuple[tuple[str, str, int, str], ...] = ()
    # Each presentation's stand-in: the presenter that would best take its slot, the others
    # staying, and the line-up's worth then (`stand_ins`).
    stand_ins: dict[str, tuple[Candidate, float]] = field(default_factory=dict)
    # The co-leads' marks on pairs ("useful", "must present to"), by (audience, presenter,
    # recommendation): a presentation says whom it serves by a mark rather than its score.
    marked: Mapping[tuple[str, str, int], str] = field(default_factory=dict, repr=False)

    @property
    def share(self) -> float:
        return self.covered / self.demand if self.demand else 0.0

    @property
    def price_of_rules(self) -> float:
        """What the rules cost; none when it is within the solvers' tolerance (both values are
        optimal only to within MIP_GAP, so a smaller difference says nothing)."""
        loss = self.unconstrained - self.solution.objective
        if not math.isfinite(loss):
            return loss  # no bound of the best without the rules was found in time
        return loss if loss > MIP_GAP * abs(self.unconstrained) else 0.0

    def served_by(self, candidate: Candidate) -> list[Demand]:
        """The demands whose best match in the line-up is `candidate`."""
        return [demand for demand, best in self.best_for.items() if best.key == candidate.key]

    def _stand_in(self, candidate: Candidate) -> dict | None:
        if candidate.key not in self.stand_ins:
            return None
        other, worth = self.stand_ins[candidate.key]
        loss = self.solution.objective - worth
        # A swap within rounding of the worth loses nothing (as `settle_ties` takes one).
        loss = loss if loss > TOLERANCE * max(1.0, abs(self.solution.objective)) else 0.0
        return {"office": other.office, "loss": round(loss, 6)}

    def as_dict(self) -> dict:
        def presentations(solution: Solution) -> list[dict]:
            return [
                {
                    "office": c.office,
                    "recommendation": c.recommendation,
                    "score": round(self.contributions.get(c.key, 0.0), 6)
                    if solution is self.solution
                    else None,
                    "maturity": c.maturity,
                    "volunteer": c.volunteer,
                    "small": c.small,
                    "region": c.region,
                    "evidence": c.evidence,
                    "evidence_reason": c.reason,
                    "quote": c.quote,
                    # The interested offices this presentation is the best match for.
                    # Who would best take its slot, the others staying, and what the line-up
                    # would lose then (none: nobody can, under the rules).
                    "stand_in": self._stand_in(c) if solution is self.solution else None,
                    "serves": [
                        {
                            "office": d.office,
                            "recommendation": d.recommendation,
                            "mark": self.marked.get((d.office, c.office, d.recommendation)),
                        }
                        for d in self.served_by(c)
                    ]
                    if solution is self.solution
                    else None,
                }
                for c in solution.presentations
            ]

        best = self.solution
        chosen = presentations(best)
        return {
            "status": best.status,
            "solver": best.solver,
            "objective": round(best.objective, 6),
            "upper_bound": _known(best.upper_bound),
            "gap": _known(best.gap),
            # "optimal" means within this share of the best bound (the solvers' tolerance).
            "tolerance": MIP_GAP,
            "presentations": chosen,
            # The same list under its old name, read until the next release (see the README).
            "talks": chosen,
            "coverage": {
                "covered": round(self.covered, 6),
                "demand": round(self.demand, 6),
                "share": round(self.share, 6),
                "left_out": [
                    {"office": d.office, "recommendation": d.recommendation, "weight": d.weight}
                    for d in self.left_out
                ],
                "without_working_project": [
                    {
                        "office": d.office,
                        "recommendation": d.recommendation,
                        "weight": d.weight,
                        # Its best match in the line-up, which is not working (none: no match).
                        "best": (best_match := self.best_for.get(d)) and best_match.office,
                        "best_evidence": best_match and best_match.evidence,
                    }
                    for d in self.without_working
                ],
            },
            "must_present": {
                "included": [
                    {"office": p, "to": a, "recommendation": n} for p, a, n in self.marks_met
                ],
                "not_met": [
                    {"office": p, "to": a, "recommendation": n, "why": why}
                    for p, a, n, why in self.marks_not_met
                ],
            },
            "price_of_rules": {
                "unconstrained": _known(self.unconstrained),
                "constrained": round(best.objective, 6),
                "loss": _known(self.price_of_rules),
                "proved": self.unconstrained_proved,
            },
            "alternatives": [
                {
                    "status": alt.status,
                    "objective": round(alt.objective, 6),
                    "presentations": (
                        other := [
                            {"office": c.office, "recommendation": c.recommendation}
                            for c in alt.presentations
                        ]
                    ),
                    "talks": other,
                }
                for alt in self.alternatives
            ],
            "rules": self.rules.as_dict(),
            "weights": self.weights,
            "relevance": self.relevance,
            "bonus": self.bonuses,
        }


def _known(figure: float) -> float | None:
    """A figure as stored and answered: None where the solver found no bound in time (an
    infinite one, which JSON cannot carry: PostgreSQL's json refused the line-up)."""
    return round(figure, 6) if math.isfinite(figure) else None


def _best_without_choices(instance: Instance, rules: Rules) -> tuple[float, bool]:
    """The best value under the slot counts alone, and whether it is proved: each
    recommendation's slots are chosen on their own (several small solves, not one large one),
    each given PRICE_TIME_LIMIT; one cut short counts with its upper bound, so the price of the
    rules is then an upper bound too."""
    loose = rules.without_choices()
    total, proved = 0.0, True
    for number, slots in loose.per_recommendation.items():
        alone = replace(loose, focus=number, slots=slots, secondary=())
        offered = allowed(instance, alone)
        if slots == 1 and offered:
            # One slot: the best single presenter, read off without a solver (exact).
            total += max(_value_alone(instance, c, alone) for c in offered)
        elif slots:
            found = solve(instance, alone, time_limit=min(rules.time_limit, PRICE_TIME_LIMIT))
            # A proved line-up's own value; one cut short counts with its bound (at most).
            optimal = found.status == "optimal"
            total += found.objective if optimal else found.upper_bound
            proved = proved and optimal
    return total, proved


def _value_alone(instance: Instance, candidate: Candidate, rules: Rules) -> float:
    """`value` of a line-up of this one presentation (only its recommendation's demands count)."""
    heard = sum(
        d.weight * instance.gain(d, candidate)
        for d in instance.demands
        if d.recommendation == candidate.recommendation
    )
    return heard + rules.bonus(candidate)


def propose(
    instance: Instance,
    rules: Rules,
    *,
    alternatives: int = 2,
    prefer: frozenset[str] = frozenset(),
) -> LineupReport:
    """The best line-up, its report, and the next-best line-ups that differ by a presentation.
    `prefer`: the presentations (keys) of the line-up this one is solved again from (Keep, Drop,
    new rules); among line-ups of the same value, the one keeping most of them."""
    check(instance, rules)
    # One model for the best line-up and the alternatives: they differ only in what is forbidden.
    model = Model(instance, rules)
    best = settle_ties(
        instance, rules, solve_model(instance, model, []), prefer, matrix=model.matrix
    )
    others: list[Solution] = []
    forbidden = [frozenset(c.key for c in best.presentations)]
    for _ in range(alternatives):
        try:
            found = solve_model(instance, model, forbidden, ALTERNATIVE_TIME_LIMIT)
        except InfeasibleRules:
            break
        # Its ties broken by the best line-up's rule, into none shown before it.
        other = settle_ties(
            instance, rules, found, prefer, matrix=model.matrix, forbidden=forbidden
        )
        others.append(other)
        forbidden.append(frozenset(c.key for c in other.presentations))
    # "Optimal" is within MIP_GAP: a next-best line-up may come out a hair above the best. The
    # best is then that one (it is optimal too), and the one found first is an alternative.
    ranked = sorted([best, *others], key=lambda s: -s.objective)
    if ranked[0] is not best:
        promoted = ranked[0]
        bound = max(best.upper_bound, promoted.objective)
        best = replace(promoted, status=best.status, upper_bound=bound)
        others = ranked[1:]
    presentations = list(best.presentations)
    objective = best.objective
    contributions = {
        c.key: objective - value(instance, [o for o in presentations if o is not c], rules)
        for c in presentations
    }
    replacing = stand_ins(rules, best, prefer, matrix=model.matrix)
    shares = rules.per_recommendation
    demands = [d for d in instance.demands if d.recommendation in shares]
    served = [max((instance.gain(d, c) for c in presentations), default=0.0) for d in demands]
    working = EvidenceType.working.value
    # Each demand's best match: the highest gain, a working presentation on a tie, then the
    # office code (a line-up is shown in a stable order).
    best_for: dict[Demand, Candidate] = {}
    for d in demands:
        ranked = sorted(
            presentations, key=lambda c: (-instance.gain(d, c), c.evidence != working, c.key)
        )
        if ranked and instance.gain(d, ranked[0]) > 0:
            best_for[d] = ranked[0]

    def hears_working(demand: Demand) -> bool:
        best = best_for.get(demand)
        return best is not None and best.evidence == working

    proved = True
    if rules.without_choices() == rules:
        unconstrained = objective
    else:
        try:
            unconstrained, proved = _best_without_choices(instance, rules)
        except InfeasibleRules:
            unconstrained = objective
    candidates = allowed(instance, rules)
    presenting: dict[int, set[str]] = defaultdict(set)
    for c in candidates:
        presenting[c.recommendation].add(c.office)
    relevance: dict[str, dict[str, float]] = {}
    for d in demands:
        offered = presenting[d.recommendation] - {d.office}
        given = instance.relevance.get(d.key, {})
        relevance[d.key] = {o: given[o] for o in sorted(offered & given.keys()) if given[o] > 0}
    bonuses = ((c.key, rules.bonus(c)) for c in candidates)
    return LineupReport(
        rules=rules,
        solution=best,
        contributions=contributions,
        stand_ins=replacing,
        covered=sum(d.weight * best_gain for d, best_gain in zip(demands, served, strict=True)),
        demand=sum(d.weight for d in demands),
        left_out=tuple(d for d, best_gain in zip(demands, served, strict=True) if best_gain == 0),
        without_working=tuple(d for d in demands if not hears_working(d)),
        best_for=best_for,
        unconstrained=max(unconstrained, objective),
        unconstrained_proved=proved,
        alternatives=tuple(others),
        weights={d.key: d.weight for d in demands},
        relevance=relevance,
        bonuses={key: bonus for key, bonus in bonuses if bonus},
        marked=instance.marked,
    )


@dataclass(frozen=True)
class SavedPresentation:
    """One presentation of a saved line-up, as `LineupReport.as_dict()` stored it."""

    office: str
    recommendation: int
    score: float
    evidence: str | None
    quote: str


def saved_presentations(result: dict) -> list[SavedPresentation]:
    """The presentations of a saved line-up (older saves name them `talks` and lack the evidence
    and the quote)."""
    return [
        SavedPresentation(
            presentation["office"],
            int(presentation["recommendation"]),
            float(presentation.get("score") or 0.0),
            presentation.get("evidence"),
            presentation.get("quote") or "",
        )
        for presentation in result.get("presentations", result.get("talks", []))
    ]


def settle_ties(
    instance: Instance,
    rules: Rules,
    solution: Solution,
    prefer: frozenset[str] = frozenset(),
    *,
    matrix: Matrix | None = None,
    forbidden: list[frozenset[str]] | None = None,
) -> Solution:
    """The solution's line-up with each presentation swapped, one at a time on its
    recommendation, for the one that stands first among those the swap loses nothing with and
    keeps every rule: the solver breaks ties as its arithmetic happens to fall (helper-353: a
    Rec 5 line-up filled a slot with BR where EP, with as little to show, was "just as good").
    First stand the presentations of `prefer`, the line-up this one is solved again from (Keep,
    Drop, new rules): it keeps the presenters it need not replace (helper-66). Then the stronger
    evidence (working, under way, plan); then the more concrete project as the matching score
    judges it, which weighs what a project names and shows (its worth alone to the workshop's
    interested offices: EP's "Projects under SP2028 Drivers 2,3,4" names a plan and shows
    nothing, and every audience scores it last); then the office code. So the same question
    gets the same line-up whatever order the solver met the candidates in. The value never
    drops and a better one is taken, so the line-up stays optimal. A next-best line-up is
    settled so too, never into one of the `forbidden` (the best, the next best before it):
    helper-358, "Just as good: AU, BR, EP, IL, PL" took EP as the solver fell."""
    m = Matrix(instance, rules) if matrix is None else matrix
    candidates = m.candidates
    rank = _standing(m, prefer)
    column = {c.key: j for j, c in enumerate(candidates)}
    chosen = [column[c.key] for c in solution.presentations]
    target = m.value(chosen)
    floor = target - TOLERANCE * max(1.0, abs(target))
    changed = True
    while changed:
        changed = False
        for position, out in enumerate(chosen):
            others = [
                j
                for j in np.flatnonzero(m.recommendation == candidates[out].recommendation)
                if rank[j] < rank[out] and j not in chosen
            ]
            others.sort(key=rank.__getitem__)
            for trial in _swaps(m, rules, chosen, position, others, floor, forbidden or ()):
                chosen, changed = trial, True
                break
            if changed:
                break
    if {candidates[j].key for j in chosen} == {c.key for c in solution.presentations}:
        return solution
    presentations = ordered(candidates[j] for j in chosen)
    objective = value(instance, presentations, rules)
    return replace(
        solution,
        presentations=presentations,
        objective=objective,
        upper_bound=max(solution.upper_bound, objective),
    )


def stand_ins(
    rules: Rules, solution: Solution, prefer: frozenset[str] = frozenset(), *, matrix: Matrix
) -> dict[str, tuple[Candidate, float]]:
    """For each presentation of the line-up, the presenter that would best take its slot, the
    others staying, and what the line-up would then be worth (helper-358: a slot that serves no
    interested office better than others would read "If left out: worth 3% less", its worth
    with the slot empty, though another presenter under way filled it at no loss). The one that
    stands first as `settle_ties` ranks them, of those worth the most; none where no other
    presenter keeps the rules (one the rules include)."""
    m = matrix
    rank = _standing(m, prefer)
    column = {c.key: j for j, c in enumerate(m.candidates)}
    chosen = [column[c.key] for c in solution.presentations]
    found: dict[str, tuple[Candidate, float]] = {}
    for position, out in enumerate(chosen):
        others = [
            j
            for j in np.flatnonzero(m.recommendation == m.candidates[out].recommendation)
            if j not in chosen
        ]
        worth = m.swapped(chosen, position, others)
        # The most worth first, then the standing: the first that keeps the rules takes it.
        order = sorted(range(len(others)), key=lambda k: (-round(worth[k], 9), rank[others[k]]))
        for k in order:
            trial = [*chosen[:position], others[k], *chosen[position + 1 :]]
            if meets(rules, (m.candidates[i] for i in trial)):
                found[m.candidates[out].key] = (m.candidates[others[k]], float(worth[k]))
                break
    return found


def _standing(m: Matrix, prefer: frozenset[str]) -> dict[int, int]:
    """Each candidate's (column's) place in the order a tie is broken in (see `settle_ties`)."""
    candidates = m.candidates
    alone = m.w @ m.R + m.bonus
    standing = sorted(
        range(len(candidates)),
        key=lambda j: (
            candidates[j].key not in prefer,
            -candidates[j].maturity,
            -round(float(alone[j]), 9),
            candidates[j].office,
        ),
    )
    return {j: position for position, j in enumerate(standing)}


def _swaps(
    m: Matrix,
    rules: Rules,
    chosen: list[int],
    position: int,
    others: list[int],
    floor: float,
    forbidden: Iterable[frozenset[str]] = (),
) -> Iterator[list[int]]:
    """The line-ups (columns of `m`) with the presentation at `position` of `chosen` swapped for
    each of `others` in turn, worth at least `floor` and keeping every rule, none of the
    `forbidden`, in the order of `others`."""
    if not others:
        return
    worth = m.swapped(chosen, position, others)
    forbidden = list(forbidden)
    for k, j in enumerate(others):
        trial = [*chosen[:position], j, *chosen[position + 1 :]]
        if worth[k] >= floor and meets(rules, (m.candidates[i] for i in trial), forbidden):
            yield trial


@dataclass(frozen=True)
class Served:
    """Whom a saved line-up serves, counted as a co-lead reads it: of the interested offices
    (an office interested in two of its recommendations counts twice), how many hear a
    presentation on their recommendation from another office, and for how many that is their
    top-ranked presenter among those not excluded."""

    interested: int
    hearing: int
    top_ranked: int
    recommendations: int

    def words(self) -> str:
        """As the line-up's page says it, each count with its verb: "11 of the 12 interested
        offices hear a presentation on it from another office; 1 of them hears the presenter
        ranked highest for it among those not excluded." """
        n, heard, top = self.interested, self.hearing, self.top_ranked
        on = "on their recommendation" if self.recommendations > 1 else "on it"
        if n == 1:
            who = f"The one interested office hears {'a' if heard else 'no'} presentation"
        elif heard == n:
            who = f"All {n} interested offices hear a presentation"
        elif heard == 0:
            who = f"None of the {n} interested offices hears a presentation"
        else:
            who = f"{heard} of the {n} interested offices {_hear(heard)} a presentation"
        said = f"{who} {on} from another office"
        if not heard:
            return said + "."
        if top == heard:
            best = "it hears" if heard == 1 else "each hears"
        else:
            best = f"{top or 'none'} of them {_hear(top)}"
        whom = "them" if 1 < top < heard else "it"
        return f"{said}; {best} the presenter ranked highest for {whom} among those not excluded."


def working_heard(
    presentations: list[dict], offices: list[dict]
) -> tuple[list[str], list[list[str]]]:
    """What `offices` (each with its office and recommendation), whose best match is not working
    yet, hear all the same in a line-up's `presentations`: the offices presenting working projects
    on its recommendation, other than itself (helper-231: not those on another recommendation).
    As (what they all hear, what each hears): where all hear the same ones, that is said once for
    them all and each is told nothing more (helper-315: on Rec 1, nine offices were each told "it
    hears a working project all the same, …: IL", a wall of one clause at a phone's width)."""
    each = [
        [
            p["office"]
            for p in presentations
            if p.get("evidence") == "working"
            and p["recommendation"] == d["recommendation"]
            and p["office"] != d["office"]
        ]
        for d in offices
    ]
    if len(offices) > 1 and all(heard == each[0] for heard in each):
        return each[0], [[] for _ in offices]
    return [], each


@dataclass(frozen=True)
class SameBestMatch:
    """Offices whose best match in a line-up is the same presentation, not working yet."""

    best: str
    recommendation: int
    evidence: str
    offices: list[str]
    # What each of them hears all the same (`working_heard`), where they do not all hear alike.
    hears: list[list[str]]


def by_best_match(
    presentations: list[dict], offices: list[dict]
) -> tuple[list[str], list[SameBestMatch]]:
    """`offices` whose best match is not working yet (each with its office, recommendation,
    best match and its evidence) grouped by that best match, in the line-up's order, each
    group's offices in theirs; with what they all hear all the same (`working_heard`).
    helper-358: at 390 px a Rec 10 line-up without PL, IL and BR said "(Rec 10): its best
    match, CA, is under way" once per audience, twelve times, for four presenters."""
    alike, each = working_heard(presentations, offices)
    grouped: dict[tuple[int, str], SameBestMatch] = {}
    for d, hears in zip(offices, each, strict=True):
        key = (int(d["recommendation"]), d["best"])
        group = grouped.setdefault(
            key,
            SameBestMatch(d["best"], key[0], d.get("best_evidence") or "under way", [], []),
        )
        group.offices.append(d["office"])
        group.hears.append(hears)
    return alike, [grouped[key] for key in sorted(grouped)]


def _hear(count: int) -> str:
    return "hear" if count > 1 else "hears"


def served(result: dict) -> Served:
    """`Served` from a saved line-up's weights, relevance and presentations (older saves name
    them `talks`; one saved without weights counts no interested office)."""
    relevance = result.get("relevance") or {}
    chosen = result.get("presentations", result.get("talks", []))
    hearing = top_ranked = 0
    for key in result.get("weights") or {}:
        office, _, number = key.rpartition(":")
        offered = relevance.get(key) or {}
        heard = max(
            (
                offered.get(p["office"], 0.0)
                for p in chosen
                if str(p["recommendation"]) == number and p["office"] != office
            ),
            default=0.0,
        )
        if heard > 0:
            hearing += 1
            top_ranked += heard >= max(offered.values()) - TOLERANCE
    return Served(
        interested=len(result.get("weights") or {}),
        hearing=hearing,
        top_ranked=top_ranked,
        recommendations=len({str(p["recommendation"]) for p in chosen}),
    )
