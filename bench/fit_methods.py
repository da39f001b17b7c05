"""Would `match fit` learn the ranking better another way? What it does (pointwise ridge on grades)
against learning-to-rank and ridge toward a prior, held out as bench/matching_quality.py does.

Run with `.venv/bin/python bench/fit_methods.py` (about 20 s; deterministic). The protocol
(helper-301) was fixed before any held-out figure of a new method was computed:
- ridge, alpha 1: what `fitting.fit` does (the bench's "tuned, held out" row);
- ridge, alpha by inner cross-validation (a control: the method unchanged, only its strength);
- pairwise (RankNet, linear): a logistic loss on every two presenters of one audience whose
  grades differ, on the difference of their features times their relevance factors (its sign is
  the scorer's order of the two), weighted by the grade gap, with an L2 penalty; non-negative;
- ridge toward a prior: min |y - Xw|² + alpha |w - c w0|², w >= 0, c the least-squares scale of
  X w0 to y; w0 all features equal (a prior that saw no grade), and w0 = DEFAULT_WEIGHTS, which
  were fitted to the first raters' grades of every recommendation, so its "held out" figures
  are not held out: printed, never a candidate.
Each strength is chosen by leaving one training recommendation out at a time (the outer held-out
recommendation never seen; mean nDCG@3 of `fitting.ndcg_p1`, ties to the stronger). A method
would replace ridge in `fit` only if at least as good held out on the first raters' grades (nDCG@3
and P@1) and on the mean of the three replications (held out as the bench does).
"""

import json
from collections.abc import Callable, Sequence

import numpy as np
from matching_quality import JUDGEMENTS, REPLICATIONS, graded_pairs, judged_grades, rankings_of
from matching_quality import survey as read_survey
from scipy.optimize import minimize
from sklearn.linear_model import LinearRegression

from planner.bootstrap import office_peers
from planner.matching.evaluation import grades_of, summary
from planner.matching.fitting import Graded, _within_audience, fit, ndcg_p1
from planner.matching.scorer import DEFAULT_WEIGHTS, FEATURES, Scorer, Weights

Method = Callable[[Sequence[Graded], float], Weights]


def scaled(coefficients) -> Weights:
    """Non-negative coefficients as weights summing to the number of features, as `fit` gives."""
    coefficients = np.maximum(np.asarray(coefficients, dtype=float), 0.0)
    if coefficients.sum() <= 0:
        return Weights()
    coefficients = coefficients * len(FEATURES) / coefficients.sum()
    return Weights(
        **{name: round(float(c), 4) for name, c in zip(FEATURES, coefficients, strict=True)}
    )


def ridge(pairs: Sequence[Graded], alpha: float) -> Weights:
    return fit(pairs, alpha)


def pairwise(pairs: Sequence[Graded], penalty: float) -> Weights:
    """Logistic loss on each two presenters of one audience graded differently (`fit` pools an
    audience's single marks into one group; so does this), weighted by the grade gap."""
    rows = np.array([np.array(p.features) * p.factor for p in pairs]).reshape(-1, len(FEATURES))
    groups: dict[tuple[str, int], list[int]] = {}
    for k, p in enumerate(pairs):
        groups.setdefault((p.audience, p.recommendation), []).append(k)
    single = [members[0] for members in groups.values() if len(members) == 1]
    differences, gaps = [], []
    for members in [m for m in groups.values() if len(m) > 1] + [single]:
        for a in members:
            for b in members:
                if pairs[a].grade > pairs[b].grade:
                    differences.append(rows[a] - rows[b])
                    gaps.append(pairs[a].grade - pairs[b].grade)
    if not differences:
        return Weights()
    X, gap = np.array(differences), np.array(gaps) / sum(gaps)

    def loss(w):
        margin = X @ w
        wrong = 0.5 * (1 - np.tanh(margin / 2))  # the logistic of -margin, without overflow
        value = gap @ np.logaddexp(0, -margin) + penalty / 2 * w @ w
        return float(value), X.T @ (-gap * wrong) + penalty * w

    start = np.zeros(len(FEATURES))
    bounds = [(0, None)] * len(FEATURES)
    return scaled(minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds).x)


def toward(prior: Weights) -> Method:
    """Ridge on the grades within each audience, pulled toward `prior` scaled to the grades."""
    w0 = np.array([prior.as_dict()[name] for name in FEATURES])

    def method(pairs: Sequence[Graded], alpha: float) -> Weights:
        X, y = _within_audience(pairs)
        z = X @ w0
        scale = max(0.0, float(z @ y) / float(z @ z)) if z @ z > 0 else 0.0
        A = np.vstack([X, np.sqrt(alpha) * np.eye(len(FEATURES))])
        b = np.concatenate([y, np.sqrt(alpha) * scale * w0])
        return scaled(LinearRegression(positive=True, fit_intercept=False).fit(A, b).coef_)

    return method


EQUAL = Weights(**dict.fromkeys(FEATURES, 1.0))
# Each method with the strengths inner cross-validation chooses from, strongest first; None:
# the strength `fit` uses (alpha 1), not chosen.
METHODS: dict[str, tuple[Method, list[float] | None]] = {
    "ridge, alpha 1 (fit now)": (ridge, None),
    "ridge, alpha by inner CV": (ridge, [100, 10, 1, 0.1, 0.01]),
    "pairwise (RankNet)": (pairwise, [1, 1e-1, 1e-2, 1e-3, 1e-4]),
    "ridge toward equal weights": (toward(EQUAL), [1e4, 1e3, 100, 10, 1, 0.1]),
    "ridge toward defaults (not held out)": (toward(DEFAULT_WEIGHTS), [1e4, 1e3, 100, 10, 1, 0.1]),
}


def inner_choice(pairs: Sequence[Graded], method: Method, strengths: list[float]) -> float:
    """The strength whose fits rank the left-out training recommendations best (nDCG@3)."""
    numbers = sorted({p.recommendation for p in pairs})
    best, chosen = -1.0, strengths[0]
    for strength in strengths:
        rows = [
            ndcg_p1(
                [p for p in pairs if p.recommendation == n],
                method([p for p in pairs if p.recommendation != n], strength),
            )
            for n in numbers
        ]
        rankings = sum(count for _, _, count in rows) or 1
        ndcg = sum(value * count for value, _, count in rows) / rankings
        if ndcg > best + 1e-12:
            best, chosen = ndcg, strength
    return chosen


def main() -> None:
    data = json.loads(JUDGEMENTS.read_text(encoding="utf-8"))
    judgements = [j for j in data["interests"] if any(grades_of(j).values())]
    sets = {"first raters": judgements}
    for name, path in REPLICATIONS.items():
        interests = json.loads(path.read_text(encoding="utf-8"))["interests"]
        sets[name] = [j for j in interests if any(grades_of(j).values())]
    interests, projects = read_survey()
    peers = office_peers()
    numbers = sorted({j["recommendation"] for j in judgements})
    pairs = graded_pairs(Scorer(interests, projects, peers), judged_grades(judgements))
    print(
        "held out (weights fitted on the first raters' grades of the other recommendations), "
        "nDCG@3 / P@1\n"
    )
    print(f"{'':<38}" + "".join(f"{name:>22}" for name in [*sets, "replications' mean"]))
    for name, (method, strengths) in METHODS.items():
        chosen, picked = {}, []
        for number in numbers:
            training = [p for p in pairs if p.recommendation != number]
            strength = 1.0 if strengths is None else inner_choice(training, method, strengths)
            chosen[number] = method(training, strength)
            picked.append(strength)
        figures = [
            summary(
                rankings_of(judged, interests, projects, peers, chosen)["scorer (tuned, held out)"]
            )
            for judged in sets.values()
        ]
        figures.append(tuple(np.mean(figures[1:], axis=0)))
        print(f"{name:<38}" + "".join(f"{ndcg:>15.3f} / {p1:.2f}" for ndcg, p1 in figures))
        print(f"{'':<4}strength per held-out recommendation: {picked}")


if __name__ == "__main__":
    main()
