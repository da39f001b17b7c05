"""Line-up solving at scale: generated surveys of 200 offices and 10 recommendations.

Run with `make bench` or `.venv/bin/python bench/lineup_bench.py [--instances N]`. Each instance is
a survey grown from CWS/13/26 with its own seed (offices get random sizes and regions), and a
workshop on Rec 10 with one slot on each of several other recommendations, at most one talk per
office, at least two from smaller offices and at most half the slots per region. For 8 and 12
slots it prints the median solve time and value/optimum of the exact solver and of the greedy
fallback. Target: the exact optimum in under 2 s median at 200 offices / 12 slots.
"""

import argparse
import random
import statistics
import time
from dataclasses import replace

from support import backend, bench_app, bundled_record

from planner.lineup.operations import workshop_instance
from planner.lineup.solver import Instance, Rules, greedy, solve, value
from planner.offices.models import REGIONS
from planner.survey.operations import import_record
from planner.survey.synthetic import scaled_survey

SHAPES = {
    8: ((1, 1), (4, 1), (5, 1), (7, 1)),
    12: ((1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (7, 1), (9, 1)),
}


def with_attributes(instance: Instance, seed: int) -> Instance:
    """Random sizes and regions for the generated offices (the real ones keep theirs)."""
    rng = random.Random(seed)
    offices = sorted({c.office for c in instance.candidates})
    drawn = {o: (rng.random() < 0.35, rng.choice(REGIONS)) for o in offices}
    candidates = tuple(
        c if c.region else replace(c, small=drawn[c.office][0], region=drawn[c.office][1])
        for c in instance.candidates
    )
    return replace(instance, candidates=candidates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--instances", type=int, default=5)
    args = parser.parse_args()
    with bench_app():
        real = bundled_record()
        surveys = [
            import_record(scaled_survey(real, 200, seed=s)).survey for s in range(args.instances)
        ]
        print(f"database: {backend()}; {args.instances} generated surveys of 200 offices")
        for slots, secondary in SHAPES.items():
            rules = Rules(
                slots=slots,
                secondary=secondary,
                min_small=2,
                max_per_region=slots // 2,
                time_limit=30,
            )
            exact_times, greedy_times, ratios, sizes = [], [], [], []
            for seed, survey in enumerate(surveys):
                instance = with_attributes(
                    workshop_instance(survey, rules.per_recommendation), seed
                )
                sizes.append((len(instance.candidates), len(instance.demands)))
                start = time.perf_counter()
                optimum = solve(instance, rules)
                exact_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                talks = greedy(instance, rules)
                greedy_times.append(time.perf_counter() - start)
                ratios.append(value(instance, talks, rules) / optimum.objective)
                assert optimum.status == "optimal", optimum
            candidates = statistics.median(s[0] for s in sizes)
            demands = statistics.median(s[1] for s in sizes)
            exact, fast = statistics.median(exact_times), statistics.median(greedy_times)
            print(f"\n{slots} slots ({candidates:.0f} candidates, {demands:.0f} interests):")
            print(
                f"  exact (milp): median {exact:.3f} s, value/optimum 1.000 (all optimal)"
                f"{'  target < 2 s: ' + ('met' if exact < 2 else 'MISSED') if slots == 12 else ''}"
            )
            print(
                f"  greedy + swaps: median {fast:.3f} s, value/optimum median "
                f"{statistics.median(ratios):.3f}, worst {min(ratios):.3f}"
            )
            print(f"  exact/greedy time ratio {exact / fast:.1f}x")


if __name__ == "__main__":
    main()
