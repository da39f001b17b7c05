"""Fitting the scorer's weights to graded pairs: independent judgements or co-leads' marks.

Pure: no Flask, no database. The score is a weighted mean of features (`scorer.FEATURES`) times
a relevance factor that does not depend on the weights; a non-negative ridge regression
(scikit-learn) of the grades on the features gives weights that keep every feature's meaning
(more evidence never lowers a score). The scorer only ever compares presenters for the same
audience, so the regression learns from those comparisons: grades and features are taken relative
to their audience's mean (a fixed effect per audience and recommendation). What makes one
audience grade everything higher than another then teaches nothing, as it should.
Cross-validation holds out whole recommendations, so a fit is judged on recommendations it never
saw, ranked as the scorer ranks (factor included).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from planner.matching.scorer import FEATURES, Scorer, Weights

# What a co-lead's mark means as a grade on the judgements' 0–3 scale.
MARK_GRADES = {"must_present": 3.0, "useful": 2.0, "not_useful": 0.0}
RELEVANT = 2.0


@dataclass(frozen=True)
class Graded:
    """One graded pair with its features: audience, presenter, recommendation, grade."""

    audience: str
    presenter: str
    recommendation: int
    grade: float
    features: tuple[float, ...]
    factor: float = 1.0  # the relevance factor the pair's weighted mean is multiplied by


def graded_pairs(scorer: Scorer, grades: Mapping[tuple[str, str, int], float]) -> list[Graded]:
    """The features of each graded pair the scorer considers (its presenter's best project, as
    scored before any mark: a mark is what is being learnt from)."""
    pairs = []
    for number in sorted({key[2] for key in grades}):
        s = scorer.scores(number)
        best = {
            (interest.office, s.offices[j]): (i, j)
            for (i, interest), columns in zip(
                enumerate(s.interests), s.best_columns(s.unmarked, s.others), strict=True
            )
            for j in columns
        }
        for (audience, presenter), (i, j) in sorted(best.items()):
            grade = grades.get((audience, presenter, number))
            if grade is None:
                continue
            row = tuple(float(s.features[name][i, j]) for name in FEATURES)
            pairs.append(Graded(audience, presenter, number, grade, row, float(s.factor[i, j])))
    return pairs


def _within_audience(pairs: Sequence[Graded]) -> tuple[np.ndarray, np.ndarray]:
    """Features and grades less their audience's mean. An audience with one graded pair has
    nothing to compare it with: such pairs (a co-lead's single mark) are compared with each
    other, as one group."""
    X = np.array([p.features for p in pairs], dtype=float).reshape(len(pairs), len(FEATURES))
    y = np.array([p.grade for p in pairs], dtype=float)
    groups: dict[tuple[str, int], list[int]] = {}
    for k, p in enumerate(pairs):
        groups.setdefault((p.audience, p.recommendation), []).append(k)
    single = [members[0] for members in groups.values() if len(members) == 1]
    for members in [m for m in groups.values() if len(m) > 1] + [single]:
        if members:
            X[members] -= X[members].mean(axis=0)
            y[members] -= y[members].mean()
    return X, y


def fit(pairs: Sequence[Graded], alpha: float = 1.0) -> Weights:
    """Non-negative ridge weights for the features, fitted within each audience
    (`_within_audience`), scaled to sum to the number of features."""
    from sklearn.linear_model import Ridge

    if not pairs:
        return Weights()
    X, y = _within_audience(pairs)
    model = Ridge(alpha=alpha, positive=True, fit_intercept=False).fit(X, y)
    coefficients = np.maximum(model.coef_, 0.0)
    if coefficients.sum() <= 0:
        return Weights()
    coefficients = coefficients * len(FEATURES) / coefficients.sum()
    return Weights(
        **{name: round(float(c), 4) for name, c in zip(FEATURES, coefficients, strict=True)}
    )


def ndcg_p1(pairs: Iterable[Graded], weights: Weights) -> tuple[float, float, int]:
    """Mean nDCG@3 and P@1 of ranking each audience's graded presenters by the score the weights
    give: the weighted mean times the pair's relevance factor, as the scorer ranks them."""
    from sklearn.metrics import ndcg_score

    vector = np.array([weights.as_dict()[name] for name in FEATURES])
    groups: dict[tuple[str, int], list[Graded]] = {}
    for pair in pairs:
        groups.setdefault((pair.audience, pair.recommendation), []).append(pair)
    ndcgs, hits = [], []
    for members in groups.values():
        if len({p.grade for p in members}) < 2:
            # One presenter, or several graded alike (all useful, all not useful): every order
            # is as right as any other, so it scored 1.000 (P@1 1 or 0) whatever the weights,
            # and counted as a ranking the figures rested on (helper-234).
            continue
        grades = np.array([[p.grade for p in members]])
        scores = np.array([[float(np.dot(vector, p.features)) * p.factor for p in members]])
        ndcgs.append(float(ndcg_score(grades, scores, k=3)))
        top = max(range(len(members)), key=lambda k: (scores[0, k], -k))
        hits.append(members[top].grade >= RELEVANT)
    if not ndcgs:
        return 0.0, 0.0, 0
    return float(np.mean(ndcgs)), float(np.mean(hits)), len(ndcgs)


@dataclass(frozen=True)
class FitReport:
    weights: Weights
    pairs: int
    recommendations: int
    fitted: tuple[float, float]  # held-out nDCG@3, P@1 of the fit
    current: tuple[float, float]  # the same figures for the weights in use
    # How many audiences' rankings those figures rest on (an audience needs two or more marked
    # presenters on a recommendation, graded differently, to be ranked), and the held-out
    # recommendations with none.
    rankings: int = 0
    unscored: tuple[int, ...] = ()

    @property
    def better(self) -> bool:
        return self.fitted[0] > self.current[0] + 1e-9


def cross_validate(pairs: Sequence[Graded], current: Weights, alpha: float = 1.0) -> FitReport:
    """Fit on all recommendations but one, score the one left out, for each; then fit on all."""
    numbers = sorted({p.recommendation for p in pairs})
    fitted_rows, current_rows = [], []
    for number in numbers:
        training = [p for p in pairs if p.recommendation != number]
        held_out = [p for p in pairs if p.recommendation == number]
        fitted_rows.append(ndcg_p1(held_out, fit(training, alpha) if training else current))
        current_rows.append(ndcg_p1(held_out, current))

    def mean(rows: list[tuple[float, float, int]]) -> tuple[float, float]:
        """The held-out recommendations' figures, each weighted by its number of rankings."""
        total = sum(n for _, _, n in rows) or 1
        return (
            sum(ndcg * n for ndcg, _, n in rows) / total,
            sum(p1 * n for _, p1, n in rows) / total,
        )

    return FitReport(
        fit(pairs, alpha),
        len(pairs),
        len(numbers),
        mean(fitted_rows),
        mean(current_rows),
        rankings=sum(n for _, _, n in current_rows),
        unscored=tuple(
            number for number, (_, _, n) in zip(numbers, current_rows, strict=True) if not n
        ),
    )
