"""Fitting weights to graded pairs: it finds what the grades follow and says when it helps."""

import numpy as np
import pytest

from planner.matching.fitting import Graded, cross_validate, fit, ndcg_p1
from planner.matching.scorer import FEATURES, Weights


def synthetic(seed: int = 0) -> list[Graded]:
    """Grades that follow the evidence feature only, over five recommendations."""
    generator = np.random.default_rng(seed)
    pairs = []
    evidence = list(FEATURES).index("evidence")
    for number in range(1, 6):
        for audience in ("AA", "BB", "CC"):
            for presenter in ("PP", "QQ", "RR", "SS"):
                row = generator.random(len(FEATURES))
                grade = round(3 * row[evidence])
                pairs.append(Graded(audience, presenter, number, grade, tuple(row)))
    return pairs


def test_fit_puts_the_weight_where_the_grades_are():
    weights = fit(synthetic()).as_dict()
    assert max(weights, key=weights.get) == "evidence"
    assert all(value >= 0 for value in weights.values())


def test_cross_validation_says_a_fit_beats_weights_that_ignore_the_signal():
    ignoring = Weights(**{name: (0.0 if name == "evidence" else 1.0) for name in FEATURES})
    report = cross_validate(synthetic(), ignoring)
    assert report.better
    assert report.fitted[0] > report.current[0]
    assert report.recommendations == 5 and report.pairs == 60


def test_ndcg_of_a_perfect_order_is_one():
    pairs = synthetic()
    only_evidence = Weights(**{name: (1.0 if name == "evidence" else 0.0) for name in FEATURES})
    ndcg, _, groups = ndcg_p1(pairs, only_evidence)
    # Of the 15 audiences' rankings, one whose four presenters are graded alike orders nothing.
    grades: dict[tuple[str, int], set[float]] = {}
    for pair in pairs:
        grades.setdefault((pair.audience, pair.recommendation), set()).add(pair.grade)
    assert groups == sum(len(alike) > 1 for alike in grades.values()) == 14 and ndcg > 0.97


def test_held_out_pairs_are_ranked_with_their_relevance_factor_as_the_scorer_ranks_them():
    """Two presenters alike in every feature: the one the audience's wish meets (factor 1)
    ranks above the one it does not (0.9), in the fit's figures as on the page."""
    same = tuple(0.5 for _ in FEATURES)
    pairs = [
        Graded("AA", "PP", 1, 0.0, same, factor=0.9),
        Graded("AA", "QQ", 1, 3.0, same, factor=1.0),
    ]
    ndcg, p1, groups = ndcg_p1(pairs, Weights())
    assert (ndcg, p1, groups) == (1.0, 1.0, 1)
    unfactored = [Graded(p.audience, p.presenter, 1, p.grade, same) for p in pairs]
    assert ndcg_p1(unfactored, Weights())[1] == 0.0  # a tie goes to the first: the wrong one


def test_the_fit_learns_from_comparisons_within_an_audience_not_between_audiences():
    """Some audiences grade everything higher (here: those with a high `size` value, the same for
    all their presenters). Ranking never compares audiences, so that must teach nothing: the
    weight goes to what orders presenters for the same audience (evidence)."""
    generator = np.random.default_rng(1)
    size, evidence = list(FEATURES).index("size"), list(FEATURES).index("evidence")
    pairs = []
    for number in range(1, 4):
        for k, audience in enumerate(("AA", "BB", "CC", "DD", "EE", "FF")):
            level = k / 5
            for presenter in ("PP", "QQ", "RR", "SS"):
                row = generator.random(len(FEATURES))
                row[size] = level
                grade = round(2 * row[evidence]) + (1 if level > 0.5 else 0)
                pairs.append(Graded(audience, presenter, number, grade, tuple(row)))
    weights = fit(pairs).as_dict()
    assert max(weights, key=weights.get) == "evidence"
    assert weights["size"] == 0.0


def test_single_marks_one_per_audience_still_teach_the_fit():
    """A co-lead who marked one presenter per audience: those pairs are compared with each other."""
    pairs = [
        Graded(p.audience + p.presenter, p.presenter, p.recommendation, p.grade, p.features)
        for p in synthetic(2)
    ]
    weights = fit(pairs).as_dict()
    assert max(weights, key=weights.get) == "evidence"
    assert fit([]) == Weights()


def test_each_recommendation_is_scored_by_a_fit_that_never_saw_its_grades():
    """Co-leads on Rec 1 graded by how far along a project is, those on Rec 2 by how much it
    says: a fit that saw every mark ranks both well, and reporting it would promise what no
    fit does on a recommendation it has not seen. The report scores each recommendation with
    weights fitted on the other alone."""
    generator = np.random.default_rng(3)
    followed = {1: list(FEATURES).index("evidence"), 2: list(FEATURES).index("detail")}
    pairs = []
    for number, feature in followed.items():
        for audience in ("AA", "BB", "CC", "DD"):
            for presenter in ("PP", "QQ", "RR", "SS", "TT"):
                row = generator.random(len(FEATURES))
                pairs.append(
                    Graded(audience, presenter, number, round(3 * row[feature]), tuple(row))
                )
    one, two = ([p for p in pairs if p.recommendation == n] for n in (1, 2))
    held_out = [ndcg_p1(one, fit(two)), ndcg_p1(two, fit(one))]
    seen_all = [ndcg_p1(one, fit(pairs)), ndcg_p1(two, fit(pairs))]
    assert sum(n for n, _, _ in seen_all) > sum(n for n, _, _ in held_out) + 0.1

    rankings = sum(k for _, _, k in held_out)
    report = cross_validate(pairs, Weights())
    assert report.rankings == rankings == 8
    assert report.fitted[0] == pytest.approx(sum(n * k for n, _, k in held_out) / rankings)
    assert report.fitted[1] == pytest.approx(sum(p1 * k for _, p1, k in held_out) / rankings)
