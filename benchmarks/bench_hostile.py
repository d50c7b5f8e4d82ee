"""How long verify() takes to decide each hostile input of tests/adversarial/
test_verify_bounds.py (issue #7: any input up to 10 MB decided in under 5 s).

The tests only assert a generous bound (the host is shared and noisy); this prints the
median and spread of several runs per case, and whether the target holds.

Run: .venv/bin/python -m benchmarks.bench_hostile [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from tests.adversarial.test_verify_bounds import CASES
from tests.conftest import NOW

from skillswallet.verify import verify

TARGET_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    report = {}
    for case in CASES:
        document = case.make()
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            verify(document, now=NOW, **case.options())
            samples.append(time.perf_counter() - start)
        report[case.id] = {
            "median_s": round(statistics.median(samples), 3),
            "min_s": round(min(samples), 3),
            "max_s": round(max(samples), 3),
            "target_met": max(samples) < TARGET_SECONDS,
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
