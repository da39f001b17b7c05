"""How well a ranking of presenters agrees with independent judgements: nDCG@3 and P@1.

Judgements (`tests/matching/judgements.json`) grade every presenter 0–3 for one (audience,
recommendation) interest, by two raters; the mean grade is the gain (scikit-learn's
`ndcg_score`). P@1 counts the top-ranked presenter as right when its mean grade is 2 or more. A
presenter the ranking leaves out (a need, a plan) ranks below every presenter it scores.
Rankings are compared on the same footing: the scorer, and baselines that order presenters by
maturity alone, by text similarity alone, or at random.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import cohen_kappa_score, ndcg_score

from planner.matching.scorer import Scorer, Weights
from planner.matching.words import words

RELEVANT = 2
# A ranking: {(audience, recommendation): {presenter: score}}; absent presenters rank last.
Ranking = Mapping[tuple[str, int], Mapping[str, float]]


@dataclass(frozen=True)
class InterestQuality:
    audience: str
    recommendation: int
    ndcg_at_3: float
    top: str
    top_grade: float
    best_grade: float  # the highest grade any presenter has: below RELEVANT, P@1 cannot be met


def grades_of(judged: Mapping) -> dict[str, float]:
    """A judged interest's mean grade per presenter."""
    return {office: float(grade["mean"]) for office, grade in judged["grades"].items()}


def evaluate(judgements: Iterable[Mapping], ranking: Ranking) -> list[InterestQuality]:
    """nDCG@3 and the top presenter's grade for each judged interest that has something to find
    (an interest whose presenters are all graded 0 has no right order)."""
    results = []
    for judged in judgements:
        key = (judged["audience"], judged["recommendation"])
        grades = grades_of(judged)
        if not any(grades.values()):
            continue
        ranked = ranking.get(key, {})
        presenters = sorted(grades)
        lowest = min(ranked.values(), default=0.0)
        truth = np.array([[grades[p] for p in presenters]], dtype=float)
        predicted = np.array([[ranked.get(p, lowest - 1.0) for p in presenters]], dtype=float)
        top = min(grades, key=lambda p: (-ranked.get(p, lowest - 1.0), p))
        results.append(
            InterestQuality(
                key[0],
                key[1],
                float(ndcg_score(truth, predicted, k=3)),
                top,
                grades[top],
                max(grades.values()),
            )
        )
    return results


@dataclass(frozen=True)
class Agreement:
    pairs: int
    lowest_kappa: float
    highest_kappa: float
    same_mean: float  # the share of pairs both sets give the same mean grade


def agreement_between(first: Iterable[Mapping], second: Iterable[Mapping]) -> Agreement:
    """How far two sets of judgements of the same pairs agree: the quadratic weighted kappa of
    each rater of one with each rater of the other (the lowest and the highest), and how many
    pairs get the same mean grade from both. Judgements of the pairs a ranking was fitted to,
    made again by other raters, tell only as much beyond the first as they differ from them."""

    def graded(judgements):
        return {
            (j["audience"], j["recommendation"], office): grade
            for j in judgements
            for office, grade in j["grades"].items()
        }

    ones, others = graded(first), graded(second)
    pairs = sorted(ones.keys() & others.keys())
    raters = [
        sorted(name for name in grades[pairs[0]] if name != "mean") for grades in (ones, others)
    ]
    kappas = [
        cohen_kappa_score(
            [ones[p][mine][0] for p in pairs],
            [others[p][theirs][0] for p in pairs],
            weights="quadratic",
        )
        for mine in raters[0]
        for theirs in raters[1]
    ]
    same = np.mean([ones[p]["mean"] == others[p]["mean"] for p in pairs])
    return Agreement(len(pairs), float(min(kappas)), float(max(kappas)), float(same))


def summary(results: Iterable[InterestQuality]) -> tuple[float, float]:
    """Mean nDCG@3 and P@1."""
    results = list(results)
    if not results:
        return 0.0, 0.0
    return (
        float(np.mean([r.ndcg_at_3 for r in results])),
        float(np.mean([r.top_grade >= RELEVANT for r in results])),
    )


def answerable(results: Iterable[InterestQuality]) -> list[InterestQuality]:
    """The interests with at least one presenter graded RELEVANT or more: the only ones whose
    top presenter can be right (IR evaluations leave out queries with nothing relevant)."""
    return [r for r in results if r.best_grade >= RELEVANT]


def ranking_from(pairs: Iterable[tuple[str, str, int, float]]) -> dict[tuple[str, int], dict]:
    """A ranking from (audience, presenter, recommendation, score) rows."""
    ranking: dict[tuple[str, int], dict[str, float]] = {}
    for audience, presenter, number, score in pairs:
        ranking.setdefault((audience, number), {})[presenter] = score
    return ranking


def expected_random(judged: Mapping, generator: np.random.Generator, rounds: int = 200):
    """nDCG@3 and P@1 that a random order of the presenters gets on average."""
    presenters = sorted(judged["grades"])
    key = (judged["audience"], judged["recommendation"])
    figures = []
    for _ in range(rounds):
        order = generator.permutation(len(presenters))
        ranking = {key: {p: float(-k) for p, k in zip(presenters, order, strict=True)}}
        (result,) = evaluate([judged], ranking)
        figures.append((result.ndcg_at_3, float(result.top_grade >= RELEVANT)))
    return tuple(float(x) for x in np.mean(figures, axis=0))


def scorer_ranking(interests, projects, peers, weights: Weights, numbers) -> Ranking:
    """The scorer's ranking (each office's best project), as the matches page shows it."""
    scorer = Scorer(interests, projects, peers, weights=weights)
    rows = []
    for number in numbers:
        for (audience, presenter), score in scorer.best(number).items():
            rows.append((audience, presenter, number, score))
    return ranking_from(rows)


def _pairs(interests, projects):
    """Every (interest, project) on the same recommendation from another office."""
    for interest in interests:
        for project in projects:
            if (
                project.recommendation == interest.recommendation
                and project.office != interest.office
            ):
                yield interest, project


def maturity_ranking(interests, projects) -> Ranking:
    """Baseline: every project on the recommendation by its evidence type's level alone."""
    return ranking_from(
        (i.office, p.office, i.recommendation, p.evidence.level)
        for i, p in _pairs(interests, projects)
    )


def text_ranking(interests, projects) -> Ranking:
    """Baseline: TF-IDF cosine of what the audience said with the project's text alone."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = sorted({i.text for i in interests} | {p.text for p in projects})
    vectorizer = TfidfVectorizer(analyzer=lambda t: [s for s, _ in words(t)], sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    row = {t: k for k, t in enumerate(texts)}
    return ranking_from(
        (
            i.office,
            p.office,
            i.recommendation,
            float((matrix[row[i.text]] @ matrix[row[p.text]].T).toarray()[0, 0]),
        )
        for i, p in _pairs(interests, projects)
    )
