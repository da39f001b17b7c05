"""A line-up question: who could present (candidates), who wants to hear (demands), how much
each candidate is worth to each demand (the instance), and the co-lead's rules; the value of a
line-up; and the rules checked before any solving, each refusal naming the rule to relax.

Objective (facility location, or Chamberlin–Courant): every interested (office, recommendation)
pair i with weight w_i is served by the most relevant selected presentation on its
recommendation from another office; the line-up's value is Σ_i w_i · max relevance, plus for
each selected presentation a bonus of μ × its maturity and ν if it was volunteered. Pure: no
Flask, no database.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from planner.errors import RulesError
from planner.matching.evidence import LEVELS, EvidenceType
from planner.offices.groups import wipo_group

TOLERANCE = 1e-6
LP_TIME_LIMIT = 10.0
# The next-best line-ups are a help, not the answer: each gets 0.3 s, then says its gap.
ALTERNATIVE_TIME_LIMIT = 0.3
# The line-up under the slot counts alone only prices the rules: a bound will do when it is slow.
PRICE_TIME_LIMIT = 0.3
# What a co-lead may ask for, on the page, through the API and on the command line.
MAX_SLOTS = 20
# Slots reserved on each recommendation other than the focus.
MAX_RESERVED = 5
MAX_MATURITY_WEIGHT = 5.0
DEFAULT_MATURITY_WEIGHT = 0.5


@dataclass(frozen=True)
class Candidate:
    """A presentation an office could give on a recommendation."""

    office: str
    recommendation: int
    maturity: float = LEVELS[EvidenceType.under_way]
    volunteer: bool = False
    small: bool = False
    region: str | None = None  # as the office's record says it (`group`: the WIPO group)
    # What the office has to show: its evidence type, the words that decided it, and its text.
    evidence: str = EvidenceType.under_way.value
    reason: str = field(default="", compare=False)
    quote: str = field(default="", compare=False)

    @property
    def group(self) -> str | None:
        """The WIPO group "at most N per WIPO group" caps: none for EP and EM, regional
        organisations, which are not in one together (helper-184: with EM in, EP was refused)."""
        return wipo_group(self.region)

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
    # Co-leads' "must present to" marks on its recommendations: (presenter, audience, number),
    # oldest first.
    must_present: tuple[tuple[str, str, int], ...] = ()
    # Co-leads' marks that rank a pair above its score, as the matches page words them:
    # (audience, presenter, number) to "useful" or "must present to".
    marked: Mapping[tuple[str, str, int], str] = field(default_factory=dict)

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
    """The rules cannot all be met; the message names the rule(s) to relax, and `rules` their
    names as `Rules` spells them ("slots", "min_small", ...), for a form to point at."""

    def __init__(self, message: str, rules: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.rules = tuple(rules)


class SolverTimedOut(InfeasibleRules):
    """No line-up was found in the time allowed: the rules may well be met, no solve proved it."""


def value(instance: Instance, presentations: Iterable[Candidate], rules: Rules) -> float:
    """The objective of a line-up: weighted best relevance per demand plus the presentations'
    bonuses."""
    presentations = list(presentations)
    covered = sum(
        d.weight * max((instance.gain(d, c) for c in presentations), default=0.0)
        for d in instance.demands
    )
    return covered + sum(rules.bonus(c) for c in presentations)


def meets(
    rules: Rules, presentations: Iterable[Candidate], forbidden: Iterable[frozenset[str]] = ()
) -> bool:
    """Whether a line-up with one presentation per slot of each recommendation keeps the rules
    on offices, smaller offices and WIPO groups, and is none of the `forbidden` line-ups."""
    presentations = list(presentations)
    keys = {c.key for c in presentations}
    offices = [c.office for c in presentations]
    regions = Counter(c.group for c in presentations if c.group is not None)
    return (
        not any(set(f) <= keys for f in forbidden)
        and rules.include <= set(offices)
        and sum(c.small for c in presentations) >= rules.min_small
        and (not rules.one_per_office or len(set(offices)) == len(offices))
        and (
            rules.max_per_region is None or all(n <= rules.max_per_region for n in regions.values())
        )
    )


def allowed(instance: Instance, rules: Rules) -> list[Candidate]:
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
        raise InfeasibleRules("Ask for at least one slot.", ["slots"])
    if shares[rules.focus] < 1:
        reserved = rules.slots - shares[rules.focus]
        focus = _rec(rules.focus)
        raise InfeasibleRules(
            f"The one slot is reserved for other recommendations: none is left for the focus, "
            f"{focus}."
            if rules.slots == 1
            else f"The slots reserved for other recommendations ({reserved}) leave none of the "
            f"{rules.slots} slots for the focus, {focus}.",
            ["slots", "secondary"],
        )
    both = rules.include & rules.exclude
    if both:
        raise InfeasibleRules(
            f"{', '.join(sorted(both))} cannot be both included and excluded.",
            ["include", "exclude"],
        )
    permitted = allowed(instance, rules)
    offices_by_rec: dict[int, set[str]] = defaultdict(set)
    for c in permitted:
        offices_by_rec[c.recommendation].add(c.office)
    excluded = f" once {', '.join(sorted(rules.exclude))} are excluded" if rules.exclude else ""
    for number, needed in shares.items():
        available = sorted(offices_by_rec[number])
        if needed > len(available):
            # Offices whose answer is a plan present once plans are considered: say so, or the
            # co-lead reads that no more offices could present.
            plans = sorted(
                office
                for (office, n), kind in instance.set_aside.items()
                if n == number and kind == "plan" and office not in rules.exclude
            )
            raise InfeasibleRules(
                f"{_rec(number)} needs {_count(needed, 'presentation')}, but "
                f"{_with_projects(available)} on it{excluded}"
                + (f": {', '.join(available)}." if available else ".")
                + (
                    f" {listed(plans)} {_verb(len(plans), 'has only a plan', 'have only plans')} "
                    "on it; consider plans as presenters to count "
                    f"{_verb(len(plans), 'it', 'them')}."
                    if plans
                    else ""
                ),
                ["slots" if number == rules.focus else "secondary"]
                + (["exclude"] if rules.exclude else [])
                + (["include_plans"] if plans else []),
            )
    offices = {c.office for c in permitted}
    if rules.one_per_office and len(offices) < rules.slots:
        raise InfeasibleRules(
            f"At most one presentation per office allows only "
            f"{_count(len(offices), 'presentation')} here, fewer than the {rules.slots} slots.",
            ["one_per_office", "slots"],
        )
    _check_include(instance, rules, offices)
    if rules.min_small > rules.slots:
        raise InfeasibleRules(
            f"At least {rules.min_small} presentations from smaller offices cannot fit in "
            f"{_count(rules.slots, 'slot')}.",
            ["min_small", "slots"],
        )
    small = sorted({c.office for c in permitted if c.small})
    small_presentations = (
        len(small) if rules.one_per_office else sum(1 for c in permitted if c.small)
    )
    if rules.min_small > small_presentations:
        raise InfeasibleRules(
            f"At least {_count(rules.min_small, 'presentation')} from smaller offices "
            f"{_verb(rules.min_small, 'was', 'were')} asked for, but "
            f"{_with_projects(small, 'smaller office')} on these recommendations"
            + (f": {', '.join(small)}." if small else "."),
            ["min_small"],
        )
    if rules.max_per_region is not None:
        by_region: dict[str | None, set] = defaultdict(set)
        for c in permitted:
            by_region[c.group].add(c.office if rules.one_per_office else c.key)
        capacity = sum(
            len(members) if region is None else min(rules.max_per_region, len(members))
            for region, members in by_region.items()
        )
        if capacity < rules.slots:
            regions = len([r for r in by_region if r is not None])
            # Offices in no WIPO group (EP, EM: regional organisations) are not capped.
            outside = len(by_region.get(None, ()))
            none = f" and {_count(outside, 'office')} in none" if outside else ""
            raise InfeasibleRules(
                f"At most {rules.max_per_region} per WIPO group allows at most "
                f"{_count(capacity, 'presentation')} here (candidates come from "
                f"{_count(regions, 'group')}{none}), fewer than the {rules.slots} slots.",
                ["max_per_region", "slots"],
            )


def _check_include(instance: Instance, rules: Rules, offices: set[str]) -> None:
    """Refuse the offices that must be included, naming at once each that cannot present (a
    co-lead who drops one should not be refused next for another) and whether the others fit
    the slots: each presentation is one office's, so never more of them than slots."""
    shares = rules.per_recommendation
    workshop = " or ".join(_rec(n) for n in shares)
    cannot: dict[str | None, list[str]] = defaultdict(list)
    for office in sorted(rules.include - offices):
        kinds = {instance.set_aside.get((office, n)) for n in shares}
        cannot["plan" if "plan" in kinds else "need" if "need" in kinds else None].append(office)
    said, names = [], ["include"]
    if none := cannot[None]:
        said.append(
            f"{listed(none)} {_verb(len(none), 'has', 'have')} no project on {workshop}, so "
            f"{_verb(len(none), 'it', 'they')} cannot be included."
        )
    if need := cannot["need"]:
        said.append(
            f"{listed(need)} {_verb(len(need), 'asks', 'ask')} for help on {workshop} rather than "
            f"presenting a project, so {_verb(len(need), 'it', 'they')} cannot be included; "
            f"{_verb(len(need), 'it is', 'they are')} counted as demand."
        )
    if plan := cannot["plan"]:
        said.append(
            f"{listed(plan)} {_verb(len(plan), 'has only a plan', 'have only plans')} "
            f"on {workshop}; "
            f"consider plans as presenters to include {_verb(len(plan), 'it', 'them')}."
        )
        names.append("include_plans")
    left = len(rules.include & offices)
    if left > rules.slots:
        offices_left = f"That leaves {left} offices that" if said else f"{left} offices"
        said.append(f"{offices_left} must be included, but there {_slots(rules.slots)}.")
        names.append("slots")
    if said:
        raise InfeasibleRules(" ".join(said), names)


def listed(items: list[str]) -> str:
    """ "JP", "JP and PE", "ES, JP and PE"."""
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]


def _verb(count: int, one: str, several: str) -> str:
    return one if count == 1 else several


def _count(number: int, one: str, several: str | None = None) -> str:
    """ "1 slot", "3 slots"; "1 office has a project", "2 offices have projects"."""
    return f"{number} {_verb(number, one, several or one + 's')}"


def _with_projects(offices: list[str], what: str = "office") -> str:
    """ "no office has a project", "only 1 office has a project", "only 2 offices have
    projects"."""
    if not offices:
        return f"no {what} has a project"
    return f"only {_count(len(offices), f'{what} has a project', f'{what}s have projects')}"


def _slots(number: int) -> str:
    """ "are only 3 slots", "is only 1 slot"."""
    return f"is only {number} slot" if number == 1 else f"are only {number} slots"


def ordered(presentations: Iterable[Candidate]) -> tuple[Candidate, ...]:
    return tuple(sorted(presentations, key=lambda c: (c.recommendation, c.office)))


class Matrix:
    """An instance under rules as arrays: relevance R[demand, candidate], weights, bonuses."""

    def __init__(self, instance: Instance, rules: Rules) -> None:
        candidates = allowed(instance, rules)
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

    def swapped(self, chosen: list[int], position: int, others: list[int]) -> np.ndarray:
        """The worth of the line-up `chosen` with its presentation at `position` swapped for
        each of `others` in turn (columns all), in one product."""
        rest = chosen[:position] + chosen[position + 1 :]
        served = self.R[:, rest].max(axis=1) if rest else np.zeros(len(self.demands))
        worth = self.w @ np.maximum(self.R[:, others], served[:, None]) + self.bonus[rest].sum()
        return worth + self.bonus[others]
