"""A good line-up fast: best marginal gain first, then swaps while they help. The exact solver's
fallback, and the yardstick its benchmark compares with. Pure: no Flask, no database.
"""

from collections.abc import Iterable

import numpy as np

from planner.lineup.rules import TOLERANCE, Candidate, Instance, Matrix, Rules, meets, ordered


def greedy(
    instance: Instance,
    rules: Rules,
    *,
    forbidden: Iterable[frozenset[str]] = (),
    matrix: Matrix | None = None,
    leave_out: str | None = None,
) -> tuple[Candidate, ...] | None:
    """A good line-up fast: best marginal gain first, then swaps while they help.

    Respects every rule; returns None if it paints itself into a corner. `matrix` is the
    instance's under the rules when the caller has it already; `leave_out` a presentation (by
    its key) not to choose.
    """
    forbidden = [set(f) for f in forbidden]
    m = Matrix(instance, rules) if matrix is None else matrix
    candidates = m.candidates
    barred = {j for j, c in enumerate(candidates) if c.key == leave_out}

    def addable(chosen: list[int], j: int, left: dict[int, int]) -> bool:
        c = candidates[j]
        if j in chosen or j in barred or left.get(c.recommendation, 0) <= 0:
            return False
        if rules.one_per_office and any(candidates[k].office == c.office for k in chosen):
            return False
        if rules.max_per_region is not None and c.group is not None:
            same = sum(1 for k in chosen if candidates[k].group == c.group)
            if same >= rules.max_per_region:
                return False
        return True

    def valid(chosen: list[int]) -> bool:
        return meets(rules, (candidates[k] for k in chosen), forbidden)

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
            others = [j for j in others if j not in chosen and j not in barred]
            if not others:
                continue
            values = m.swapped(chosen, position, others)
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
    return ordered(candidates[k] for k in chosen)
