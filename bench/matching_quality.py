"""Quality of the presenter ranking against independent judgements (tests/matching/judgements.json,
a third rater's Rec 10 grades in tests/matching/third_rater_rec10.json, and two more raters'
grades of every pair in tests/matching/replication_judgements.json and two more again in
second_replication_judgements.json, never fitted to: the same pairs the defaults were fitted to,
so they show how other raters grade those pairs, and the bench prints how far they agree with
the first two. One change of the defaults, concreteness counted only where a project meets the
wish, was chosen with them in view (`scorer.Weights`); the third replication's grades (raters 7
and 8, third_replication_judgements.json) were read only after it was made).

Run with `make bench` or `.venv/bin/python bench/matching_quality.py`. Reads the bundled CWS/13/26
text directly (no database) and prints nDCG@3 and P@1 per recommendation and on average for:
- the scorer with its default weights (chosen with these judgements in view: not held out);
- the scorer with weights tuned on the other recommendations only (leave one recommendation out:
  each recommendation's figures come from weights that never saw its judgements);
- three baselines: maturity alone (the evidence type's level), text similarity alone (TF-IDF
  cosine of the audience's own words with the project's), and a random order (expected value).
"""

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from support import bundled_record

from planner.bootstrap import office_peers
from planner.matching.evaluation import (
    RELEVANT,
    agreement_between,
    answerable,
    evaluate,
    expected_random,
    grades_of,
    maturity_ranking,
    scorer_ranking,
    summary,
    text_ranking,
)
from planner.matching.fitting import fit, graded_pairs
from planner.matching.scorer import DEFAULT_WEIGHTS, Scorer
from planner.matching.sources import interests_and_projects

JUDGEMENTS = Path(__file__).resolve().parents[1] / "tests" / "matching" / "judgements.json"
# A third rater's Rec 10 grades, made after the weights were fitted: a check on unseen judgement.
THIRD_RATER = JUDGEMENTS.with_name("third_rater_rec10.json")
# Two more raters' grades of every pair, made after the scorer was built and never fitted to (the
# pairs the defaults were fitted to); and two more again, made after the first replication. One
# change of the defaults was chosen with both in view (`scorer.Weights`).
REPLICATIONS = {
    "a replication": JUDGEMENTS.with_name("replication_judgements.json"),
    "a second replication": JUDGEMENTS.with_name("second_replication_judgements.json"),
    "a third replication": JUDGEMENTS.with_name("third_replication_judgements.json"),
}
# The one set no choice of the scorer has seen: graded from the annex alone while that change
# was made, and read only after it was committed.
UNSEEN = "a third replication"


def survey():
    record = bundled_record()
    rows = [(None, a.office, a.question, a.recommendation, a.text) for a in record.answers]
    return interests_and_projects(rows)


def by_recommendation(results):
    grouped = defaultdict(list)
    for r in results:
        grouped[r.recommendation].append(r)
    return grouped


def judged_grades(judgements) -> dict[tuple[str, str, int], float]:
    return {
        (j["audience"], presenter, j["recommendation"]): grade
        for j in judgements
        for presenter, grade in grades_of(j).items()
    }


def fitted_without_each(judgements, interests, projects, peers, numbers):
    """Weights fitted on the other recommendations only, for each recommendation; and on all."""
    pairs = graded_pairs(Scorer(interests, projects, peers), judged_grades(judgements))
    chosen = {n: fit([p for p in pairs if p.recommendation != n]) for n in numbers}
    return chosen, fit(pairs)


def rankings_of(judged, interests, projects, peers, chosen) -> dict[str, list]:
    """Each ranking's results on `judged`: the scorer with each recommendation's held-out
    weights (`chosen`) and with the defaults, and two baselines."""
    numbers = sorted({j["recommendation"] for j in judged})
    held_out = []
    for number in numbers:
        ranking = scorer_ranking(interests, projects, peers, chosen[number], [number])
        held_out += evaluate([j for j in judged if j["recommendation"] == number], ranking)
    return {
        "scorer (tuned, held out)": held_out,
        "scorer (defaults)": evaluate(
            judged, scorer_ranking(interests, projects, peers, DEFAULT_WEIGHTS, numbers)
        ),
        "maturity alone": evaluate(judged, maturity_ranking(interests, projects)),
        "text alone": evaluate(judged, text_ranking(interests, projects)),
    }


def random_order(judged) -> dict[tuple[str, int], tuple[float, float]]:
    """The expected nDCG@3 and P@1 of a random order, for each judged interest."""
    generator = np.random.default_rng(0)
    return {(j["audience"], j["recommendation"]): expected_random(j, generator) for j in judged}


def say_beaten(rankings, random_figures, numbers, indent: str = "\n") -> None:
    for scorer in ("scorer (defaults)", "scorer (tuned, held out)"):
        beaten = not_beaten(scorer, rankings, random_figures, numbers)
        print(
            f"{indent}{scorer}: "
            + (
                "beats every baseline on nDCG@3 on every recommendation with at least three "
                "audiences."
                if not beaten
                else "not beaten: " + "; ".join(beaten)
            )
        )


def not_beaten(scorer, rankings, random_figures, numbers) -> list[str]:
    """The recommendations (with three or more audiences) where a baseline's nDCG@3 is better."""
    beaten = []
    for number in numbers:
        mine = by_recommendation(rankings[scorer])[number]
        if len(mine) < 3:
            continue
        ndcg = summary(mine)[0]
        for name in ("maturity alone", "text alone"):
            if ndcg < summary(by_recommendation(rankings[name])[number])[0] - 1e-9:
                beaten.append(f"Rec {number}: {name} has the better nDCG@3")
        if ndcg < np.mean([v for k, v in random_figures.items() if k[1] == number], axis=0)[0]:
            beaten.append(f"Rec {number}: random order has the better nDCG@3")
    return beaten


def main() -> None:
    data = json.loads(JUDGEMENTS.read_text(encoding="utf-8"))
    # An interest whose presenters all have grade 0 has no right order: nothing to rank.
    judgements = [j for j in data["interests"] if any(grades_of(j).values())]
    empty = len(data["interests"]) - len(judgements)
    interests, projects = survey()
    peers = office_peers()
    numbers = sorted({j["recommendation"] for j in judgements})
    pairs = sum(len(j["grades"]) for j in judgements)
    agreement = data["agreement"]
    print(
        f"{len(judgements)} judged interests, {pairs} pairs, two raters; agreement: quadratic "
        f"weighted kappa {agreement['quadratic_weighted_kappa']}; {empty} interest(s) with "
        "nothing above grade 0 left out"
    )
    random_figures = random_order(judgements)
    chosen, everything = fitted_without_each(judgements, interests, projects, peers, numbers)
    rankings = rankings_of(judgements, interests, projects, peers, chosen)
    names = [*rankings, "random order"]
    print(f"\n{'Rec':>4} {'aud.':>4}  " + "  ".join(f"{n:>26}" for n in names))
    print(f"{'':>4} {'':>4}  " + "  ".join(f"{'nDCG@3   P@1':>26}" for _ in names))
    for number in numbers:
        cells = []
        for name in rankings:
            ndcg, p1 = summary(by_recommendation(rankings[name])[number])
            cells.append(f"{ndcg:>19.3f} {p1:>6.2f}")
        figures = [v for k, v in random_figures.items() if k[1] == number]
        ndcg, p1 = np.mean(figures, axis=0)
        cells.append(f"{ndcg:>19.3f} {p1:>6.2f}")
        count = len(figures)
        print(f"{number:>4} {count:>4}  " + "  ".join(cells))
    cells = []
    for name in rankings:
        ndcg, p1 = summary(rankings[name])
        cells.append(f"{ndcg:>19.3f} {p1:>6.2f}")
    ndcg, p1 = np.mean(list(random_figures.values()), axis=0)
    cells.append(f"{ndcg:>19.3f} {p1:>6.2f}")
    print(f"{'mean':>4} {len(judgements):>4}  " + "  ".join(cells))
    some = answerable(rankings["maturity alone"])
    print(
        f"\nP@1 over the {len(some)} interests with a presenter graded 2 or more (in the "
        f"{len(judgements) - len(some)} others no top presenter can be right): "
        + ", ".join(f"{name} {summary(answerable(rankings[name]))[1]:.2f}" for name in rankings)
    )
    say_beaten(rankings, random_figures, numbers)
    for name, path in REPLICATIONS.items():
        theirs = json.loads(path.read_text(encoding="utf-8"))["interests"]
        ndcg, p1 = raters_as_ranking(theirs, judgements)
        print(
            f"the mean grades of the two raters of {name} (below) as a ranking of these: nDCG@3 "
            f"{ndcg:.3f}, P@1 {p1:.2f}"
        )
    print("\nweights fitted without each recommendation:")
    for number, weights in chosen.items():
        print(f"  Rec {number}: {weights.as_dict()}")
    print(f"\nfitted on every recommendation: {everything.as_dict()}")
    print(f"in use (DEFAULT_WEIGHTS):       {DEFAULT_WEIGHTS.as_dict()}")
    third = json.loads(THIRD_RATER.read_text(encoding="utf-8"))
    number = third["recommendation"]
    theirs = [
        {
            "audience": audience,
            "recommendation": number,
            "grades": {p: {"mean": float(g[0])} for p, g in grades.items()},
        }
        for audience, grades in third["grades"].items()
    ]
    print(f"\na third rater on Rec {number} ({len(theirs)} audiences, never fitted to):")
    defaults = scorer_ranking(interests, projects, peers, DEFAULT_WEIGHTS, [number])
    for name, ranking in (
        ("scorer (defaults)", defaults),
        ("maturity alone", maturity_ranking(interests, projects)),
        ("text alone", text_ranking(interests, projects)),
    ):
        ndcg, p1 = summary(evaluate(theirs, ranking))
        print(f"  {name:<20} nDCG@3 {ndcg:.3f}  P@1 {p1:.2f}")
    earlier = {"the first two raters": JUDGEMENTS}
    for name, path in REPLICATIONS.items():
        replication(name, path, earlier, interests, projects, peers, chosen)
        earlier[f"the two of {name}"] = path
    print("\nworst interests at the default weights:")
    for r in sorted(rankings["scorer (defaults)"], key=lambda r: r.ndcg_at_3)[:8]:
        print(
            f"  {r.audience} Rec {r.recommendation:<3} nDCG@3 {r.ndcg_at_3:.3f}  top {r.top} "
            f"(grade {r.top_grade})"
        )


def replication(label: str, path: Path, earlier, interests, projects, peers, chosen) -> None:
    """The same rankings against two more raters' grades of the same pairs, which no weight was
    fitted to (one change of the defaults was chosen with them in view); the held-out weights
    are the ones fitted above (each on the first raters' grades of the other recommendations).
    The defaults were fitted to the first raters' grades of these very pairs: against them, the
    figures say whether other raters grade those pairs as the ranking orders them, and tell as
    much beyond the first grades as the raters differ, which is printed with them (against each
    `earlier` set)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    judged = [j for j in data["interests"] if any(grades_of(j).values())]
    numbers = sorted({j["recommendation"] for j in judged})
    rankings = rankings_of(judged, interests, projects, peers, chosen)
    random_figures = random_order(judged)
    some = answerable(rankings["maturity alone"])
    print(
        f"\n{label}: two more raters, every pair ({data['agreement']['pairs']}), graded "
        "after the scorer was built and never fitted to; agreement: quadratic weighted kappa "
        f"{data['agreement']['quadratic_weighted_kappa']}; {len(judged)} interests, "
        f"{len(some)} with a presenter graded 2 or more"
    )
    if label == UNSEEN:
        print("  read only after the last change of the defaults: no choice of the scorer saw it")
    print("  the same pairs the defaults were fitted to; agreement of its raters")
    for who, other in earlier.items():
        theirs = json.loads(other.read_text(encoding="utf-8"))["interests"]
        cross = agreement_between(theirs, data["interests"])
        ndcg, p1 = raters_as_ranking(theirs, judged)
        print(
            f"    with {who}: quadratic weighted kappa {cross.lowest_kappa:.3f} to "
            f"{cross.highest_kappa:.3f} (each against each), the same mean grade on "
            f"{cross.same_mean:.0%} of the pairs; their mean grades as a ranking: nDCG@3 "
            f"{ndcg:.3f}, P@1 {p1:.2f}"
        )
    for name, results in rankings.items():
        ndcg, p1 = summary(results)
        print(
            f"  {name:<25} nDCG@3 {ndcg:.3f}  P@1 {p1:.2f}  "
            f"(answerable {summary(answerable(results))[1]:.2f})"
        )
    ndcg, p1 = np.mean(list(random_figures.values()), axis=0)
    print(f"  {'random order':<25} nDCG@3 {ndcg:.3f}  P@1 {p1:.2f}")
    say_beaten(rankings, random_figures, numbers, indent="  ")
    misses = [
        r for r in rankings["scorer (tuned, held out)"] if r.top_grade < RELEVANT <= r.best_grade
    ]
    print(
        "  answerable interests whose top presenter (tuned, held out) is graded below 2: "
        + ", ".join(f"{r.audience} Rec {r.recommendation} ({r.top} {r.top_grade})" for r in misses)
    )


def raters_as_ranking(ranking_raters, judged) -> tuple[float, float]:
    """nDCG@3 and P@1 of ranking each interest's presenters by other raters' mean grades: how
    well one pair of careful readers does against another, a ceiling for any ranking. Mean
    grades tie often; nDCG@3 averages over tied orders (sklearn's default) and P@1 is the share
    of the tied top presenters graded 2 or more, what a random pick among them would score."""
    from sklearn.metrics import ndcg_score

    theirs = {(j["audience"], j["recommendation"]): grades_of(j) for j in ranking_raters}
    ndcgs, hits = [], []
    for j in judged:
        truth, ranked = grades_of(j), theirs[(j["audience"], j["recommendation"])]
        presenters = sorted(truth)
        ndcgs.append(
            ndcg_score([[truth[p] for p in presenters]], [[ranked[p] for p in presenters]], k=3)
        )
        top = max(ranked[p] for p in presenters)
        hits.append(np.mean([truth[p] >= RELEVANT for p in presenters if ranked[p] == top]))
    return float(np.mean(ndcgs)), float(np.mean(hits))


if __name__ == "__main__":
    main()
