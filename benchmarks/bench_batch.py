"""Batch issuance (issue #12): ``issue_batch`` of N rows from CSV with the diploma template
(examples/diploma-template.json: an OB 3.0 diploma with EQF and ESCO alignments),
eddsa-rdfc-2022, a revocation status entry each, files and a manifest, on every core.

    .venv/bin/python benchmarks/bench_batch.py                 # 1,000 rows, 5 rounds
    .venv/bin/python benchmarks/bench_batch.py --count 100000 --rounds 1

Each round runs in a fresh process (so its peak memory is its own): wall time of the
whole batch (check + sign + files + manifest), and peak RSS of the batch process and of
its largest worker. Prints one JSON object: per-round figures, median and range.
Targets: 1,000 rows < 10 s; 100,000 rows < 60 s and < 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "examples" / "diploma-template.json"
LIST = "https://school.example/status/revocation/1"
SKILL = "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0"


def one_round(count: int, workers: int | None) -> dict[str, float]:
    from skillswallet import KeyPair, did_from_public_key, verification_method_id
    from skillswallet.issuer import CsvRows, issue_batch
    from skillswallet.status.issuer import StatusIssuer
    from skillswallet.status.registry import SqliteStatusRegistry

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        work = Path(tmp)
        key = KeyPair.generate()
        did = did_from_public_key(key.public)
        with open(work / "cohort.csv", "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["name", "subject", "skill", "skill_label", "grade"])
            for n in range(1, count + 1):
                writer.writerow(
                    [f"Student {n}", f"did:example:s{n}", SKILL, "give advice", "ABCDE"[n % 5]]
                )
        registry = SqliteStatusRegistry(work / "status.sqlite")
        status = StatusIssuer(registry)
        status.create_list(LIST, "revocation", did, length=max(131_072, 8 * ((count * 2) // 8)))
        template = json.loads(TEMPLATE.read_text())
        started = time.perf_counter()
        report = issue_batch(
            template,
            CsvRows(work / "cohort.csv"),
            work / "out",
            key.signer(verification_method_id(key.public)),
            status=status,
            status_lists=[LIST],
            workers=workers,
        )
        elapsed = time.perf_counter() - started
        registry.close()
        assert len(report.issued) == count and not report.errors, report.to_json()
    return {
        "seconds": elapsed,
        "rssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "workerRssMiB": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_round(args.count, args.workers)))
        return
    rounds = []
    for _ in range(args.rounds):
        command = [sys.executable, __file__, "--one", "--count", str(args.count)]
        if args.workers is not None:
            command += ["--workers", str(args.workers)]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rounds.append(json.loads(done.stdout))
    seconds = [r["seconds"] for r in rounds]
    target = 10.0 if args.count <= 1000 else 60.0
    print(
        json.dumps(
            {
                "rows": args.count,
                "cores": len(os.sched_getaffinity(0)),
                "loadBefore": os.getloadavg()[0],
                "rounds": rounds,
                "medianSeconds": statistics.median(seconds),
                "rangeSeconds": [min(seconds), max(seconds)],
                "rowsPerSecond": args.count / statistics.median(seconds),
                "peakRssMiB": max(max(r["rssMiB"], r["workerRssMiB"]) for r in rounds),
                "targetSeconds": target,
                "met": statistics.median(seconds) < target,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
