"""How well the scorer ranks presenters against hand judgements: nDCG@3 and P@1.

Judgements grade presenters 0–3 for one (audience, recommendation) interest; nDCG uses the grades
as gains (scikit-learn's `ndcg_score`); P@1 counts the top-ranked presenter as right when its
grade is 2 or more.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import ndcg_score

from planner.matching.scorer import Match

RELEVANT = 2


@dataclass(frozen=True)
class InterestQuality:
    audience: str
    recommendation: int
    ndcg_at_3: float
    top: str
    top_grade: int


def evaluate(
    judgements: Iterable[Mapping], matches: Iterable[Match]
) -> tuple[float, float, list[InterestQuality]]:
    """Mean nDCG@3, P@1 and the per-interest figures, over the judged interests."""
    scores: dict[tuple[str, int], dict[str, float]] = {}
    for match in matches:
        scores.setdefault((match.audience, match.recommendation), {})[match.presenter] = match.score
    results = []
    for judged in judgements:
        key = (judged["audience"], judged["recommendation"])
        grades = {office: grade for office, (grade, _why) in judged["grades"].items()}
        ranked = scores.get(key, {})
        presenters = sorted(grades)
        truth = np.array([[grades[p] for p in presenters]], dtype=float)
        predicted = np.array([[ranked.get(p, 0.0) for p in presenters]], dtype=float)
        top = max(ranked, key=lambda p: (ranked[p], p)) if ranked else ""
        results.append(
            InterestQuality(
                key[0],
                key[1],
                float(ndcg_score(truth, predicted, k=3)),
                top,
                grades.get(top, 0),
            )
        )
    ndcg = float(np.mean([r.ndcg_at_3 for r in results]))
    precision = float(np.mean([r.top_grade >= RELEVANT for r in results]))
    return ndcg, precision, results
