"""The line-up solved exactly as an integer programme (`scipy.optimize.milp`, HiGHS), with the
greedy search as the fallback when the solver runs out of time, and the LP bound saying how far
from the optimum an answer may be. Pure: no Flask, no database.
"""

import math
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from planner.lineup.greedy import greedy
from planner.lineup.rules import (
    LP_TIME_LIMIT,
    TOLERANCE,
    Candidate,
    InfeasibleRules,
    Instance,
    Matrix,
    Rules,
    SolverTimedOut,
    check,
    ordered,
    value,
)

if TYPE_CHECKING:
    from scipy.optimize import LinearConstraint, OptimizeResult


# How close to the best bound a line-up is called optimal: HiGHS's own default, set here so that
# a line-up the integer search proves and one the relaxation's bound proves mean the same.
MIP_GAP = 1e-4


@dataclass(frozen=True)
class Solution:
    status: str  # "optimal" or "feasible"
    solver: str  # "lp" (the relaxation was whole), "milp" or "greedy"
    presentations: tuple[Candidate, ...]
    objective: float
    upper_bound: float

    @property
    def gap(self) -> float:
        """How far below the bound the line-up may be, as a share of it (infinite when no bound
        was found in time)."""
        if not math.isfinite(self.upper_bound):
            return math.inf
        if self.upper_bound <= TOLERANCE:
            return 0.0
        return max(0.0, (self.upper_bound - self.objective) / self.upper_bound)


class Model:
    """The integer programme of one instance under one set of rules.

    Variables: x_c (binary, presentation c chosen) first, then auxiliary continuous ones. Exact
    reductions keep it small:
    - on a recommendation with one slot the chosen presentation serves every demand, so its value is
      linear in x;
    - otherwise a (merged) demand g is worth at least its lowest positive relevance ("floor")
      once any presentation serving it is chosen (y_g), plus one variable per higher relevance
      level;
    - y_g ("some chosen presentation serves g") is a constant 1 when every other office's
      presentation serves g and the recommendation has two or more slots: at most one of them
      is g's own office;
    - demands with identical relevance rows are merged, their weights summed.
    """

    def __init__(self, instance: Instance, rules: Rules) -> None:
        self.rules = rules
        self.matrix = m = Matrix(instance, rules)
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
                # One variable per relevance level above the floor: u_l ≤ Σ x_c over the
                # presentations worth at least v_l, each level worth (v_l − v_{l+1}). Same LP
                # bound as one variable per presentation, with far fewer variables when relevance
                # repeats.
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
            if c.group is not None:
                by_region[c.group].append(j)
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
            # A line-up with a presentation the model does not hold cannot be chosen anyway.
            if all(k in keys for k in line_up):
                rows.append(([keys[k] for k in line_up], -math.inf, len(line_up) - 1))
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

    def solve(self, *, forbidden=(), time_limit: float | None = None) -> "OptimizeResult":
        """The integer search (HiGHS's branch and bound), to within MIP_GAP of its bound."""
        from scipy.optimize import Bounds, milp

        integrality = np.zeros(self.size)
        integrality[: self.n] = 1
        return milp(
            self.objective,
            integrality=integrality,
            bounds=Bounds(0, 1),
            constraints=self.constraints(forbidden),
            options={
                "time_limit": time_limit or self.rules.time_limit,
                "disp": False,
                "mip_rel_gap": MIP_GAP,
            },
        )

    def relax(self, *, forbidden=(), time_limit: float) -> "OptimizeResult":
        """The LP relaxation, with its reduced costs (`lower.marginals`): what forcing a
        presentation in would cost the bound at least (`worth_trying`). `milp` gives none."""
        from scipy.optimize import linprog
        from scipy.sparse import vstack

        upper, upper_at, equal, equal_at = [], [], [], []
        for constraint in self.constraints(forbidden):
            rows = constraint.A.shape[0]
            low = np.broadcast_to(constraint.lb, (rows,))
            high = np.broadcast_to(constraint.ub, (rows,))
            same = low == high
            equal.append(constraint.A[np.flatnonzero(same)])
            equal_at.append(high[same])
            for side, sign in ((high, 1.0), (low, -1.0)):  # A x ≤ high, −A x ≤ −low
                kept = np.isfinite(side) & ~same
                upper.append(sign * constraint.A[np.flatnonzero(kept)])
                upper_at.append(sign * side[kept])
        return linprog(
            self.objective,
            A_ub=vstack(upper) if upper else None,
            b_ub=np.concatenate(upper_at) if upper else None,
            A_eq=vstack(equal) if equal else None,
            b_eq=np.concatenate(equal_at) if equal else None,
            bounds=(0, 1),
            method="highs",
            options={"time_limit": time_limit, "disp": False},
        )

    def worth_trying(self, relaxed: "OptimizeResult", incumbent: float) -> list[int]:
        """The presentations a line-up better than `incumbent` may hold (reduced-cost fixing):
        one the relaxation leaves out and whose reduced cost, forced in, takes the bound below
        the incumbent cannot be in any line-up worth more, since the bound holds for every
        line-up that chooses it. The rest are all the integer search needs."""
        bound = self.constant - relaxed.fun
        cost_in = relaxed.lower.marginals[: self.n]
        slack = TOLERANCE * max(1.0, abs(incumbent))
        return [j for j in range(self.n) if bound - cost_in[j] >= incumbent - slack]

    def whole(self, x: np.ndarray) -> bool:
        """Whether a solution chooses every presentation wholly or not at all."""
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
    instance: Instance,
    rules: Rules,
    *,
    forbidden: Iterable[frozenset[str]] = (),
    time_limit: float | None = None,
) -> Solution:
    """The best line-up under the rules (and not any of the `forbidden` line-ups), searched for
    at most `time_limit` (the rules' own unless given, `solve_model`)."""
    check(instance, rules)
    return solve_model(instance, Model(instance, rules), list(forbidden), time_limit)


def _greedy_tries(model: Model, instance: Instance, forbidden: list[frozenset[str]]):
    """Line-ups from the greedy search to hold against the relaxation's bound: the greedy
    line-up; for a next-best line-up (the greedy search alone mostly finds the forbidden best
    again), the greedy line-up without each presentation of the latest forbidden one in turn,
    which finds the line-ups that differ from it by one presentation, ties included."""
    rules, matrix = model.rules, model.matrix
    if not forbidden:
        if (fast := greedy(instance, rules, matrix=matrix)) is not None:
            yield fast
        return
    for key in sorted(forbidden[-1]):
        fast = greedy(instance, rules, forbidden=forbidden, matrix=matrix, leave_out=key)
        if fast is not None:
            yield fast


def solve_model(
    instance: Instance,
    model: Model,
    forbidden: list[frozenset[str]],
    time_limit: float | None = None,
) -> Solution:
    """`solve` on a model built (and rules checked) already.

    The LP relaxation comes first: it takes a tenth of the integer search, and when its choice
    of presentations is already whole it is the integer optimum too (no integer line-up can beat the
    relaxation's bound). When it is fractional, the greedy search's line-up is tried against the
    relaxation's bound: within MIP_GAP of it, it is optimal by the same proof the integer search
    gives (HiGHS stops at that gap too), found in a fraction of the time (the integer search
    spends seconds on a large survey finding what the greedy line-up already is); for a
    next-best line-up, the greedy line-ups that leave out one presentation of the line-up before
    it are tried so. Only a wider gap needs the integer search, and it searches among the
    presentations that could still beat the best greedy line-up (`Model.worth_trying`): on a
    large survey a tenth of them or fewer, so HiGHS no longer spends most of its time on the
    ones its own reduced-cost fixing would drop after its first relaxation."""
    rules = model.rules
    time_limit = rules.time_limit if time_limit is None else min(time_limit, rules.time_limit)
    started = time.monotonic()
    # The relaxation gets the rules' time even for a time-limited extra (a next-best line-up,
    # the price of the rules): it is the proof, and the cheap part. Cut at the extra's 0.3 s on
    # a large survey (about 0.5 s at 500 offices) it proved nothing, the full integer search ran
    # instead (1 s, HiGHS overshooting its limit), then the relaxation again for a bound.
    relaxed = model.relax(forbidden=forbidden, time_limit=min(LP_TIME_LIMIT, rules.time_limit))
    if relaxed.status == 0 and model.whole(relaxed.x):
        presentations = model.selection(relaxed.x)
        objective = value(instance, presentations, rules)
        return Solution("optimal", "lp", ordered(presentations), objective, objective)
    if relaxed.status == 2:  # not even a fractional line-up meets the rules
        raise _diagnose(instance, rules, forbidden)
    bound = model.constant - relaxed.fun if relaxed.status == 0 else math.inf
    incumbent: tuple[tuple[Candidate, ...], float] | None = None
    if relaxed.status == 0:
        for fast in _greedy_tries(model, instance, forbidden):
            objective = value(instance, fast, rules)
            if bound - objective <= MIP_GAP * max(abs(objective), TOLERANCE):
                return Solution(
                    "optimal", "greedy", ordered(fast), objective, max(bound, objective)
                )
            if incumbent is None or objective > incumbent[1]:
                incumbent = (fast, objective)
    search = model
    if incumbent is not None:
        kept = model.worth_trying(relaxed, incumbent[1])
        if len(kept) < model.n:
            narrowed = tuple(model.candidates[j] for j in kept)
            search = Model(replace(instance, candidates=narrowed), rules)
    # The integer search gets what is left of the time; none left, the greedy line-up stands
    # with the relaxation's bound.
    left = time_limit - (time.monotonic() - started)
    result = search.solve(forbidden=forbidden, time_limit=left) if left > 0 else None
    if result is not None and result.x is not None and result.status in (0, 1):
        presentations = search.selection(result.x)
        objective = value(instance, presentations, rules)
        # HiGHS stops within MIP_GAP of its bound: that bound, not the value, is the upper one
        # (of the presentations searched; those left out cannot reach the incumbent's value).
        if result.mip_dual_bound is not None:
            found = search.constant - result.mip_dual_bound
        else:
            found = objective if result.status == 0 else math.inf
        if incumbent is not None and incumbent[1] > objective:
            presentations, objective = incumbent
        if result.status == 0:
            return Solution(
                "optimal",
                "milp",
                ordered(presentations),
                objective,
                max(min(found, bound), objective),
            )
        return _feasible("milp", presentations, objective, min(found, bound))
    if result is not None and result.status == 2 and incumbent is None:
        raise _diagnose(instance, rules, forbidden)
    if incumbent is not None:
        return _feasible("greedy", *incumbent, bound)
    presentations = greedy(instance, rules, forbidden=forbidden)
    if presentations is None:
        raise SolverTimedOut(
            "No line-up was found within the time limit; relax a rule or allow more time."
        )
    # The LP relaxation bounds the gap (solved again only if the time limit cut it short).
    if relaxed.status != 0:
        relaxed = model.relax(forbidden=forbidden, time_limit=LP_TIME_LIMIT)
    bound = model.constant - relaxed.fun if relaxed.status == 0 else math.inf
    return _feasible("greedy", presentations, value(instance, presentations, rules), bound)


def _feasible(solver: str, presentations, objective: float, bound: float) -> Solution:
    """A line-up found without proof of optimality. The optimum lies between its value and the
    solver's bound; a bound a rounding error below the value (the LP's arithmetic adds in another
    order) is the value itself."""
    return Solution("feasible", solver, ordered(presentations), objective, max(bound, objective))


# The rules a co-lead sets, as they are named on the form, and how to drop each one.
_RELAXATIONS = (
    ("at most one presentation per office", "one_per_office", False),
    ("offices that must be included", "include", frozenset()),
    ("at least {min_small} from smaller offices", "min_small", 0),
    ("at most {max_per_region} per WIPO group", "max_per_region", None),
)


def _diagnose(instance: Instance, rules: Rules, forbidden: list) -> InfeasibleRules:
    """Which single rule, if dropped, would make a line-up possible."""
    culprits, names = [], []
    for label, name, loose in _RELAXATIONS:
        if getattr(rules, name) == loose:
            continue
        relaxed = replace(rules, **{name: loose})
        try:
            check(instance, relaxed)
        except InfeasibleRules:
            continue
        if Model(instance, relaxed).solve(forbidden=forbidden, time_limit=5).status != 2:
            culprits.append(label.format(**rules.as_dict()))
            names.append(name)
    if forbidden and not culprits:
        return InfeasibleRules("There is no further line-up that meets the rules.")
    if not culprits:
        # Every rule set takes part: those a co-lead may loosen.
        chosen = [name for _, name, loose in _RELAXATIONS if getattr(rules, name) != loose]
        return InfeasibleRules(
            "No line-up meets all the rules together, even with one rule dropped.", chosen
        )
    if len(culprits) == 1:
        return InfeasibleRules(
            f"The rules cannot all be met: dropping “{culprits[0]}” would make it possible.", names
        )
    listed = "”, “".join(culprits)
    return InfeasibleRules(
        f"The rules cannot all be met together; dropping any one of “{listed}” would help.", names
    )
