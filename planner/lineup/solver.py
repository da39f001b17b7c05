"""The best presenter line-up for a workshop under a co-lead's rules, and proof of how good it is.

Objective (facility location, or Chamberlin–Courant): every interested (office, recommendation)
pair i with weight w_i is served by the most relevant selected talk on its recommendation from
another office; the line-up's value is Σ_i w_i · max relevance, plus for each selected talk a
bonus of μ × its maturity and ν if it was volunteered.

Solved exactly as an integer programme with `scipy.optimize.milp` (HiGHS): binary x_c per
candidate talk, continuous z_ic ≤ x_c, Σ_c z_ic ≤ 1. If the solver stops at its time limit
without a line-up, a greedy search with 1-swap improvement answers instead, and the LP bound
says how far from the optimum it may be. Pure: no Flask, no database.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from planner.errors import RulesError
from planner.matching.evidence import LEVELS, EvidenceType

if TYPE_CHECKING:
    from scipy.optimize import LinearConstraint, OptimizeResult

TOLERANCE = 1e-6
LP_TIME_LIMIT = 10.0
# The next-best line-ups are a help, not the answer: each gets a few seconds, then says its gap.
ALTERNATIVE_TIME_LIMIT = 2.0
# What a co-lead may ask for, on the page, through the API and on the command line.
MAX_SLOTS = 20
# Slots reserved on each recommendation other than the focus.
MAX_RESERVED = 5
MAX_MATURITY_WEIGHT = 5.0
DEFAULT_MATURITY_WEIGHT = 0.5


@dataclass(frozen=True)
class Candidate:
    """A talk an office could give on a recommendation."""

    office: str
    recommendation: int
    maturity: float = LEVELS[EvidenceType.under_way]
    volunteer: bool = False
    small: bool = False
    region: str | None = None
    # What the office has to show: its evidence type, the words that decided it, and its text.
    evidence: str = EvidenceType.under_way.value
    reason: str = field(default="", compare=False)
    quote: str = field(default="", compare=False)

    @property
    def key(self) -> str:
        return f"{self.office}:{self.recommendation}"


@dataclass(frozen=True)
class Demand:
    """An office interested in a recommendation, with the weight of its interest."""

    office: str
    recommendation: int
    weight: float

    @property
    def key(self) -> str:
        return f"{self.office}:{self.recommendation}"


@dataclass(frozen=True)
class Instance:
    """Candidates, demands, and relevance[demand key][presenter office] on the same
    recommendation."""

    candidates: tuple[Candidate, ...]
    demands: tuple[Demand, ...]
    relevance: Mapping[str, Mapping[str, float]]
    # Offices whose answer on a recommendation shows no project to present: (office, number) to
    # its evidence type ("need", or "plan" when plans are not considered).
    set_aside: Mapping[tuple[str, int], str] = field(default_factory=dict)

    def gain(self, demand: Demand, candidate: Candidate) -> float:
        if candidate.recommendation != demand.recommendation or candidate.office == demand.office:
            return 0.0
        return self.relevance.get(demand.key, {}).get(candidate.office, 0.0)


@dataclass(frozen=True)
class Rules:
    """What a co-lead asks for. `slots` is the total; `secondary` reserves slots per recommendation
    and the focus recommendation gets the rest."""

    focus: int = 10
    slots: int = 5
    secondary: tuple[tuple[int, int], ...] = ()
    one_per_office: bool = True
    include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    min_small: int = 0
    max_per_region: int | None = None
    maturity_weight: float = DEFAULT_MATURITY_WEIGHT
    volunteer_bonus: float = 0.5
    time_limit: float = 10.0
    # Plans are not presenters unless a co-lead asks for them; a need never is.
    include_plans: bool = False

    @property
    def per_recommendation(self) -> dict[int, int]:
        shares = {self.focus: self.slots - sum(k for _, k in self.secondary)}
        shares.update(dict(self.secondary))
        return shares

    def bonus(self, candidate: Candidate) -> float:
        return self.maturity_weight * candidate.maturity + (
            self.volunteer_bonus if candidate.volunteer else 0.0
        )

    def without_choices(self) -> "Rules":
        """Only the slots: the rules whose price the report states are dropped."""
        return replace(
            self,
            one_per_office=False,
            include=frozenset(),
            exclude=frozenset(),
            min_small=0,
            max_per_region=None,
        )

    def as_dict(self) -> dict:
        return {
            "focus": self.focus,
            "slots": self.slots,
            "secondary": {str(t): k for t, k in self.secondary},
            "one_per_office": self.one_per_office,
            "include": sorted(self.include),
            "exclude": sorted(self.exclude),
            "min_small": self.min_small,
            "max_per_region": self.max_per_region,
            "maturity_weight": self.maturity_weight,
            "volunteer_bonus": self.volunteer_bonus,
            "include_plans": self.include_plans,
        }


class InfeasibleRules(RulesError):
    """The rules cannot all be met; the message names the rule(s) to relax."""


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal" or "feasible"
    solver: str  # "lp" (the relaxation was whole), "milp" or "greedy"
    talks: tuple[Candidate, ...]
    objective: float
    upper_bound: float

    @property
    def gap(self) -> float:
        if self.upper_bound <= TOLERANCE:
            return 0.0
        return max(0.0, (self.upper_bound - self.objective) / self.upper_bound)


def value(instance: Instance, talks: Iterable[Candidate], rules: Rules) -> float:
    """The objective of a line-up: weighted best relevance per demand plus the talks' bonuses."""
    talks = list(talks)
    covered = sum(
        d.weight * max((instance.gain(d, c) for c in talks), default=0.0) for d in instance.demands
    )
    return covered + sum(rules.bonus(c) for c in talks)


def _allowed(instance: Instance, rules: Rules) -> list[Candidate]:
    shares = rules.per_recommendation
    return sorted(
        (
            c
            for c in instance.candidates
            if c.recommendation in shares and c.office not in rules.exclude
        ),
        key=lambda c: (c.recommendation, c.office),
    )


def _rec(n: int) -> str:
    return f"Rec {n}"


def check(instance: Instance, rules: Rules) -> None:
    """Refuse rules that cannot be met, naming the rule, before any solving."""
    shares = rules.per_recommendation
    if rules.slots < 1:
        raise InfeasibleRules("Ask for at least one slot.")
    if shares[rules.focus] < 1:
        raise InfeasibleRules(
            f"The slots reserved for other recommendations ({rules.slots - shares[rules.focus]}) "
            f"leave none of the {rules.slots} slots for the focus, {_rec(rules.focus)}."
        )
    both = rules.include & rules.exclude
    if both:
        raise InfeasibleRules(f"{', '.join(sorted(both))} cannot be both included and excluded.")
    allowed = _allowed(instance, rules)
    offices_by_rec: dict[int, set[str]] = defaultdict(set)
    for c in allowed:
        offices_by_rec[c.recommendation].add(c.office)
    excluded = f" once {', '.join(sorted(rules.exclude))} are excluded" if rules.exclude else ""
    for number, needed in shares.items():
        available = sorted(offices_by_rec[number])
        if needed > len(available):
            raise InfeasibleRules(
                f"{_rec(number)} needs {needed} presentation{'s' * (needed != 1)}, but only "
                f"{len(available)} offices have projects on it{excluded}"
                + (f": {', '.join(available)}." if available else ".")
            )
    offices = {c.office for c in allowed}
    if rules.one_per_office and len(offices) < rules.slots:
        raise InfeasibleRules(
            f"At most one presentation per office allows only {len(offices)} presentations here, "
            f"fewer than the {rules.slots} slots."
        )
    for office in sorted(rules.include):
        if office not in offices:
            workshop = " or ".join(_rec(n) for n in shares)
            kinds = {instance.set_aside.get((office, n)) for n in shares} - {None}
            if "plan" in kinds:
                raise InfeasibleRules(
                    f"{office} has only a plan on {workshop}; consider plans as presenters to "
                    "include it."
                )
            if "need" in kinds:
                raise InfeasibleRules(
                    f"{office} asks for help on {workshop} rather than presenting a project, so "
                    "it cannot be included; it is counted as demand."
                )
            raise InfeasibleRules(
                f"{office} has no project on {workshop}, so it cannot be included."
            )
    if rules.one_per_office and len(rules.include) > rules.slots:
        raise InfeasibleRules(
            f"{len(rules.include)} offices must be included, but there are only "
            f"{rules.slots} slots."
        )
    if rules.min_small > rules.slots:
        raise InfeasibleRules(
            f"At least {rules.min_small} presentations from smaller offices cannot fit in "
            f"{rules.slots} slots."
        )
    small = sorted({c.office for c in allowed if c.small})
    small_talks = len(small) if rules.one_per_office else sum(1 for c in allowed if c.small)
    if rules.min_small > small_talks:
        raise InfeasibleRules(
            f"At least {rules.min_small} presentations from smaller offices were asked for, but "
            f"only {len(small)} smaller office{'s' * (len(small) != 1)} "
            f"{'have' if len(small) != 1 else 'has'} projects on these recommendations"
            + (f": {', '.join(small)}." if small else ".")
        )
    if rules.max_per_region is not None:
        by_region: dict[str | None, set] = defaultdict(set)
        for c in allowed:
            by_region[c.region].add(c.office if rules.one_per_office else c.key)
        capacity = sum(
            len(members) if region is None else min(rules.max_per_region, len(members))
            for region, members in by_region.items()
        )
        if capacity < rules.slots:
            regions = len([r for r in by_region if r is not None])
            raise InfeasibleRules(
                f"At most {rules.max_per_region} per WIPO group allows at most {capacity} "
                f"presentations here (candidates come from {regions} groups), fewer than the "
                f"{rules.slots} slots."
            )


class _Matrix:
    """An instance under rules as arrays: relevance R[demand, candidate], weights, bonuses."""

    def __init__(self, instance: Instance, rules: Rules) -> None:
        candidates = _allowed(instance, rules)
        shares = rules.per_recommendation
        self.demands = [d for d in instance.demands if d.recommendation in shares]
        column = {c.key: j for j, c in enumerate(candidates)}
        R = np.zeros((len(self.demands), len(candidates)))
        for i, demand in enumerate(self.demands):
            for office, relevance in instance.relevance.get(demand.key, {}).items():
                j = column.get(f"{office}:{demand.recommendation}")
                if j is not None and office != demand.office:
                    R[i, j] = relevance
        self.candidates, self.R = candidates, R
        self.bonus = np.array([rules.bonus(c) for c in candidates], dtype=float)
        self.w = np.array([d.weight for d in self.demands], dtype=float)
        self.recommendation = np.array([c.recommendation for c in self.candidates], dtype=int)
        self.demand_recommendation = np.array([d.recommendation for d in self.demands], dtype=int)

    def value(self, chosen: list[int]) -> float:
        if not chosen:
            return 0.0
        return float(self.w @ self.R[:, chosen].max(axis=1) + self.bonus[chosen].sum())


class _Model:
    """The integer programme of one instance under one set of rules.

    Variables: x_c (binary, talk c chosen) first, then auxiliary continuous ones. Exact
    reductions keep it small:
    - on a recommendation with one slot the chosen talk serves every demand, so its value is
      linear in x;
    - otherwise a (merged) demand g is worth at least its lowest positive relevance ("floor")
      once any talk serving it is chosen (y_g), plus one variable per higher relevance level;
    - y_g ("some chosen talk serves g") is a constant 1 when every other office's talk serves g
      and the recommendation has two or more slots: at most one of them is g's own office;
    - demands with identical relevance rows are merged, their weights summed.
    """

    def __init__(self, instance: Instance, rules: Rules) -> None:
        self.rules = rules
        m = _Matrix(instance, rules)
        self.candidates = m.candidates
        n = len(self.candidates)
        x_objective = m.bonus.copy()
        extra_objective: list[float] = []
        # What every line-up is worth whatever it chooses; the solver's values leave it out.
        self.constant = 0.0
        rows: list[tuple[np.ndarray, np.ndarray, float]] = []  # (columns, values, upper bound)

        def variable(objective: float) -> int:
            extra_objective.append(objective)
            return n + len(extra_objective) - 1

        for number, slots in rules.per_recommendation.items():
            columns = np.flatnonzero(m.recommendation == number)
            demands = np.flatnonzero(m.demand_recommendation == number)
            if not len(columns) or not len(demands):
                continue
            block = m.R[np.ix_(demands, columns)]
            if slots == 1:
                x_objective[columns] += m.w[demands] @ block
                continue
            offices = {self.candidates[j].office for j in columns}
            merged: dict[bytes, tuple[np.ndarray, float, bool]] = {}
            for i, row in zip(demands, block, strict=True):
                key = np.round(row, 9).tobytes()
                weight = m.w[i] + (merged[key][1] if key in merged else 0.0)
                merged[key] = (row, weight, m.demands[i].office in offices)
            for key in sorted(merged):
                row, weight, own = merged[key]
                positive = row > 0
                if not positive.any():
                    continue
                floor = row[positive].min()
                if positive.sum() == len(columns) - own:
                    y = None  # always served: its floor is a constant of the objective
                    self.constant += weight * floor
                else:
                    y = variable(weight * floor)
                    serving = columns[positive]
                    rows.append(
                        (np.append(serving, y), np.append(-np.ones(len(serving)), 1.0), 0.0)
                    )
                # One variable per relevance level above the floor: u_l ≤ Σ x_c over the talks
                # worth at least v_l, each level worth (v_l − v_{l+1}). Same LP bound as one
                # variable per talk, with far fewer variables when relevance repeats.
                above = row - floor
                levels = list(np.unique(above[above > TOLERANCE])[::-1])
                for level, lower in zip(levels, [*levels[1:], 0.0][: len(levels)], strict=True):
                    u = variable(weight * (level - lower))
                    reach = columns[above >= level - TOLERANCE]
                    rows.append((np.append(reach, u), np.append(-np.ones(len(reach)), 1.0), 0.0))
        self.n, self.size = n, n + len(extra_objective)
        self.objective = -np.concatenate([x_objective, np.array(extra_objective)])
        self.links = rows
        self.index_by_rec = {
            number: list(np.flatnonzero(m.recommendation == number))
            for number in rules.per_recommendation
        }

    def constraints(self, forbidden: Iterable[frozenset[str]] = ()) -> "list[LinearConstraint]":
        from scipy.optimize import LinearConstraint

        rules = self.rules
        rows: list[tuple[list[int], float, float]] = []
        for number, needed in rules.per_recommendation.items():
            rows.append((self.index_by_rec.get(number, []), needed, needed))
        by_office: dict[str, list[int]] = defaultdict(list)
        by_region: dict[str, list[int]] = defaultdict(list)
        for j, c in enumerate(self.candidates):
            by_office[c.office].append(j)
            if c.region is not None:
                by_region[c.region].append(j)
        if rules.one_per_office:
            rows += [(members, -math.inf, 1) for members in by_office.values() if len(members) > 1]
        rows += [(by_office.get(office, []), 1, math.inf) for office in rules.include]
        if rules.min_small:
            small = [j for j, c in enumerate(self.candidates) if c.small]
            rows.append((small, rules.min_small, math.inf))
        if rules.max_per_region is not None:
            rows += [(members, -math.inf, rules.max_per_region) for members in by_region.values()]
        keys = {c.key: j for j, c in enumerate(self.candidates)}
        for line_up in forbidden:
            members = [keys[k] for k in line_up if k in keys]
            rows.append((members, -math.inf, len(members) - 1))
        constraints = []
        if rows:
            constraints.append(
                LinearConstraint(
                    _sparse(
                        [(np.array(m, dtype=int), np.ones(len(m))) for m, _, _ in rows], self.size
                    ),
                    [low for _, low, _ in rows],
                    [high for _, _, high in rows],
                )
            )
        if self.links:
            constraints.append(
                LinearConstraint(
                    _sparse([(cols, vals) for cols, vals, _ in self.links], self.size),
                    -np.inf,
                    [high for _, _, high in self.links],
                )
            )
        return constraints

    def solve(
        self, *, relax: bool = False, forbidden=(), time_limit: float | None = None
    ) -> "OptimizeResult":
        from scipy.optimize import Bounds, milp

        integrality = np.zeros(self.size)
        if not relax:
            integrality[: self.n] = 1
        return milp(
            self.objective,
            integrality=integrality,
            bounds=Bounds(0, 1),
            constraints=self.constraints(forbidden),
            options={"time_limit": time_limit or self.rules.time_limit, "disp": False},
        )

    def whole(self, x: np.ndarray) -> bool:
        """Whether a solution chooses every talk wholly or not at all."""
        chosen = x[: self.n]
        return bool(np.all((chosen < TOLERANCE) | (chosen > 1 - TOLERANCE)))

    def selection(self, x: np.ndarray) -> tuple[Candidate, ...]:
        return tuple(c for j, c in enumerate(self.candidates) if x[j] > 0.5)


def _sparse(rows: list[tuple[np.ndarray, np.ndarray]], width: int):
    """A CSR matrix from (columns, values) per row."""
    from scipy.sparse import coo_array

    lengths = [len(columns) for columns, _ in rows]
    return coo_array(
        (
            np.concatenate([values for _, values in rows]) if rows else np.array([]),
            (
                np.repeat(np.arange(len(rows)), lengths),
                np.concatenate([columns for columns, _ in rows]) if rows else np.array([], int),
            ),
        ),
        shape=(len(rows), width),
    ).tocsr()


def solve(
    instance: Instance, rules: Rules, *, forbidden: Iterable[frozenset[str]] = ()
) -> Solution:
    """The best line-up under the rules (and not any of the `forbidden` line-ups)."""
    check(instance, rules)
    return _solve(instance, _Model(instance, rules), list(forbidden))


def _solve(
    instance: Instance,
    model: _Model,
    forbidden: list[frozenset[str]],
    time_limit: float | None = None,
) -> Solution:
    """`solve` on a model built (and rules checked) already.

    The LP relaxation comes first: it takes a tenth of the integer search, and when its choice
    of talks is already whole it is the integer optimum too (no integer line-up can beat the
    relaxation's bound). Only a fractional answer needs the integer search."""
    rules = model.rules
    time_limit = rules.time_limit if time_limit is None else min(time_limit, rules.time_limit)
    relaxed = model.solve(
        relax=True, forbidden=forbidden, time_limit=min(LP_TIME_LIMIT, time_limit)
    )
    if relaxed.status == 0 and model.whole(relaxed.x):
        talks = model.selection(relaxed.x)
        objective = value(instance, talks, rules)
        return Solution("optimal", "lp", _ordered(talks), objective, objective)
    result = model.solve(forbidden=forbidden, time_limit=time_limit)
    if result.status == 0:
        talks = model.selection(result.x)
        objective = value(instance, talks, rules)
        return Solution("optimal", "milp", _ordered(talks), objective, objective)
    if result.status == 2:
        raise InfeasibleRules(_diagnose(instance, rules, forbidden))
    if result.x is not None:
        talks = model.selection(result.x)
        bound = (
            model.constant - result.mip_dual_bound
            if result.mip_dual_bound is not None
            else math.inf
        )
        return Solution("feasible", "milp", _ordered(talks), value(instance, talks, rules), bound)
    talks = greedy(instance, rules, forbidden=forbidden)
    if talks is None:
        raise InfeasibleRules(
            "No line-up was found within the time limit; relax a rule or allow more time."
        )
    # The LP relaxation is quick even when the integer search is not: it bounds the gap.
    relaxed = model.solve(relax=True, forbidden=forbidden, time_limit=LP_TIME_LIMIT)
    bound = model.constant - relaxed.fun if relaxed.status == 0 else math.inf
    return Solution("feasible", "greedy", _ordered(talks), value(instance, talks, rules), bound)


def _ordered(talks: Iterable[Candidate]) -> tuple[Candidate, ...]:
    return tuple(sorted(talks, key=lambda c: (c.recommendation, c.office)))


# The rules a co-lead sets, as they are named on the form, and how to drop each one.
_RELAXATIONS = (
    ("at most one presentation per office", "one_per_office", False),
    ("offices that must be included", "include", frozenset()),
    ("at least {min_small} from smaller offices", "min_small", 0),
    ("at most {max_per_region} per WIPO group", "max_per_region", None),
)


def _diagnose(instance: Instance, rules: Rules, forbidden: list) -> str:
    """Which single rule, if dropped, would make a line-up possible."""
    culprits = []
    for label, name, loose in _RELAXATIONS:
        if getattr(rules, name) == loose:
            continue
        relaxed = replace(rules, **{name: loose})
        try:
            check(instance, relaxed)
        except InfeasibleRules:
            continue
        if _Model(instance, relaxed).solve(forbidden=forbidden, time_limit=5).status != 2:
            culprits.append(label.format(**rules.as_dict()))
    if forbidden and not culprits:
        return "There is no further line-up that meets the rules."
    if not culprits:
        return "No line-up meets all the rules together, even with one rule dropped."
    if len(culprits) == 1:
        return f"The rules cannot all be met: dropping “{culprits[0]}” would make it possible."
    listed = "”, “".join(culprits)
    return f"The rules cannot all be met together; dropping any one of “{listed}” would help."


def greedy(
    instance: Instance, rules: Rules, *, forbidden: Iterable[frozenset[str]] = ()
) -> tuple[Candidate, ...] | None:
    """A good line-up fast: best marginal gain first, then swaps while they help.

    Respects every rule; returns None if it paints itself into a corner.
    """
    forbidden = [set(f) for f in forbidden]
    m = _Matrix(instance, rules)
    candidates = m.candidates

    def addable(chosen: list[int], j: int, left: dict[int, int]) -> bool:
        c = candidates[j]
        if j in chosen or left.get(c.recommendation, 0) <= 0:
            return False
        if rules.one_per_office and any(candidates[k].office == c.office for k in chosen):
            return False
        if rules.max_per_region is not None and c.region is not None:
            same = sum(1 for k in chosen if candidates[k].region == c.region)
            if same >= rules.max_per_region:
                return False
        return True

    def valid(chosen: list[int]) -> bool:
        talks = [candidates[k] for k in chosen]
        keys = {c.key for c in talks}
        offices = [c.office for c in talks]
        regions = Counter(c.region for c in talks if c.region is not None)
        return (
            not any(f <= keys for f in forbidden)
            and rules.include <= set(offices)
            and sum(c.small for c in talks) >= rules.min_small
            and (not rules.one_per_office or len(set(offices)) == len(offices))
            and (
                rules.max_per_region is None
                or all(n <= rules.max_per_region for n in regions.values())
            )
        )

    chosen: list[int] = []
    left = dict(rules.per_recommendation)
    best = np.zeros(len(m.demands))
    while sum(left.values()) > 0:
        options = [j for j in range(len(candidates)) if addable(chosen, j, left)]
        missing = rules.include - {candidates[k].office for k in chosen}
        small_needed = rules.min_small - sum(candidates[k].small for k in chosen)
        if missing:
            options = [j for j in options if candidates[j].office in missing] or options
        elif small_needed >= sum(left.values()):
            options = [j for j in options if candidates[j].small]
        if not options:
            return None
        gains = m.w @ np.maximum(m.R[:, options] - best[:, None], 0) + m.bonus[options]
        pick = options[int(np.argmax(gains))]
        chosen.append(pick)
        best = np.maximum(best, m.R[:, pick])
        left[candidates[pick].recommendation] -= 1

    current = m.value(chosen)
    improved = True
    while improved:
        improved = False
        for position, old in enumerate(chosen):
            rest = chosen[:position] + chosen[position + 1 :]
            others = np.flatnonzero(m.recommendation == candidates[old].recommendation)
            others = [j for j in others if j not in chosen]
            if not others:
                continue
            served = m.R[:, rest].max(axis=1) if rest else np.zeros(len(m.demands))
            values = (
                m.w @ np.maximum(m.R[:, others], served[:, None])
                + m.bonus[rest].sum()
                + m.bonus[others]
            )
            for k in np.argsort(-values, kind="stable"):
                if values[k] <= current + TOLERANCE:
                    break
                trial = [*rest[:position], others[k], *rest[position:]]
                if valid(trial):
                    chosen, current, improved = trial, float(values[k]), True
                    break
            if improved:
                break
    if not valid(chosen):
        return None
    return _ordered(candidates[k] for k in chosen)


@dataclass(frozen=True)
class LineupReport:
    """A line-up with the figures that show how good it is."""

    rules: Rules
    solution: Solution
    contributions: dict[str, float]
    covered: float
    demand: float
    left_out: tuple[Demand, ...]
    # Demands whose best talk in the line-up is not a working project (or that have no talk).
    without_working: tuple[Demand, ...]
    unconstrained: float
    alternatives: tuple[Solution, ...]
    weights: dict[str, float] = field(repr=False)
    relevance: dict[str, dict[str, float]] = field(repr=False)
    bonuses: dict[str, float] = field(repr=False)

    @property
    def share(self) -> float:
        return self.covered / self.demand if self.demand else 0.0

    @property
    def price_of_rules(self) -> float:
        return max(0.0, self.unconstrained - self.solution.objective)

    def as_dict(self) -> dict:
        def talks(solution: Solution) -> list[dict]:
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
                }
                for c in solution.talks
            ]

        best = self.solution
        return {
            "status": best.status,
            "solver": best.solver,
            "objective": round(best.objective, 6),
            "upper_bound": round(best.upper_bound, 6),
            "gap": round(best.gap, 6),
            "talks": talks(best),
            "coverage": {
                "covered": round(self.covered, 6),
                "demand": round(self.demand, 6),
                "share": round(self.share, 6),
                "left_out": [
                    {"office": d.office, "recommendation": d.recommendation, "weight": d.weight}
                    for d in self.left_out
                ],
                "without_working_project": [
                    {"office": d.office, "recommendation": d.recommendation, "weight": d.weight}
                    for d in self.without_working
                ],
            },
            "price_of_rules": {
                "unconstrained": round(self.unconstrained, 6),
                "constrained": round(best.objective, 6),
                "loss": round(self.price_of_rules, 6),
            },
            "alternatives": [
                {
                    "status": alt.status,
                    "objective": round(alt.objective, 6),
                    "talks": [
                        {"office": c.office, "recommendation": c.recommendation} for c in alt.talks
                    ],
                }
                for alt in self.alternatives
            ],
            "rules": self.rules.as_dict(),
            "weights": self.weights,
            "relevance": self.relevance,
            "bonus": self.bonuses,
        }


def _best_without_choices(instance: Instance, rules: Rules) -> float:
    """The best value under the slot counts alone. Without rules across recommendations, each
    recommendation's slots are chosen on their own: several small solves, not one large one."""
    loose = rules.without_choices()
    return sum(
        solve(instance, replace(loose, focus=number, slots=slots, secondary=())).objective
        for number, slots in loose.per_recommendation.items()
        if slots
    )


def propose(instance: Instance, rules: Rules, *, alternatives: int = 2) -> LineupReport:
    """The best line-up, its report, and the next-best line-ups that differ by a talk."""
    check(instance, rules)
    # One model for the best line-up and the alternatives: they differ only in what is forbidden.
    model = _Model(instance, rules)
    best = _solve(instance, model, [])
    talks = list(best.talks)
    objective = best.objective
    contributions = {
        c.key: objective - value(instance, [o for o in talks if o is not c], rules) for c in talks
    }
    shares = rules.per_recommendation
    demands = [d for d in instance.demands if d.recommendation in shares]
    served = [max((instance.gain(d, c) for c in talks), default=0.0) for d in demands]
    working = EvidenceType.working.value

    def hears_working(demand: Demand) -> bool:
        best = max(
            talks, key=lambda c: (instance.gain(demand, c), c.evidence == working), default=None
        )
        return best is not None and instance.gain(demand, best) > 0 and best.evidence == working

    if rules.without_choices() == rules:
        unconstrained = objective
    else:
        try:
            unconstrained = _best_without_choices(instance, rules)
        except InfeasibleRules:
            unconstrained = objective
    others: list[Solution] = []
    forbidden = [frozenset(c.key for c in talks)]
    for _ in range(alternatives):
        try:
            other = _solve(instance, model, forbidden, ALTERNATIVE_TIME_LIMIT)
        except InfeasibleRules:
            break
        others.append(other)
        forbidden.append(frozenset(c.key for c in other.talks))
    candidates = _allowed(instance, rules)
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
        covered=sum(d.weight * best_gain for d, best_gain in zip(demands, served, strict=True)),
        demand=sum(d.weight for d in demands),
        left_out=tuple(d for d, best_gain in zip(demands, served, strict=True) if best_gain == 0),
        without_working=tuple(d for d in demands if not hears_working(d)),
        unconstrained=max(unconstrained, objective),
        alternatives=tuple(others),
        weights={d.key: d.weight for d in demands},
        relevance=relevance,
        bonuses={key: bonus for key, bonus in bonuses if bonus},
    )
