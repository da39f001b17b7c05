"""How the availability reader's time grows with the text: it runs on what anyone types into the
volunteer form (the form keeps 500 characters, but reads before it checks, and the presenter's
page reads the kept text). Each language's phrase is repeated to 500 and to 50,000 characters.

Run with `make bench` or `.venv/bin/python bench/availability_bench.py [--runs N]`. Prints the
median of each and the ratio of the two measured in this run: a reader whose time grows with the
length gives about 100 (the text is 100 times longer); one that rereads what came before each
word gives thousands (review-130: 40 KB took 8 s). Target: ratio under 300.
"""

import argparse
import statistics
import time
from datetime import date

from planner.availability.reading import read_text

PHRASES = {
    "en": "Tue and Thu 9-12, ",
    "es": "de lunes a viernes de 9 a 12, ",
    "fr": "les mardis de 9h à 12h, ",
    "pt": "às terças, das 9h às 12h, ",
    "ru": "по вторникам с 9 до 12, ",
    "zh": "每周二上午9点到11点，",
    "pt-ordinals": "2ª ",
}


def median_seconds(text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        read_text(text, "Europe/Zurich", today=date(2026, 12, 2))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    read_text(PHRASES["zh"], "UTC")  # the patterns compiled once, before timing
    worst = 0.0
    for language, phrase in PHRASES.items():
        short, long = ((phrase * (n // len(phrase) + 1))[:n] for n in (500, 50_000))
        small, large = median_seconds(short, runs), median_seconds(long, max(1, runs // 2))
        ratio = large / small
        worst = max(worst, ratio)
        print(
            f"{language:12} 500 chars {small * 1000:7.2f} ms   50,000 chars {large * 1000:8.1f} ms"
            f"   ratio {ratio:6.0f}"
        )
    print(f"worst ratio {worst:.0f} (target under 300: time grows with the length)")


if __name__ == "__main__":
    main()
