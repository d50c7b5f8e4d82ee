"""Start-up of the ``skillswallet`` command (issue #12): wall time of ``skillswallet
--help``, ``skillswallet --version`` and ``skillswallet verify FILE`` (a small signed Open
Badges 3.0 credential, eddsa-rdfc-2022), each the median of ``--runs`` fresh processes,
and the import time of ``skillswallet.cli``.

Run: .venv/bin/python benchmarks/bench_startup.py [--runs 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "tests" / "conformance" / "interop" / "ob3-unsigned.json"
#: Issue #12's targets, in seconds.
TARGETS = {"help": 0.1, "verify": 0.2}


def _script() -> str:
    found = Path(sys.executable).parent / "skillswallet"
    if found.exists():
        return str(found)
    which = shutil.which("skillswallet")
    if which is None:
        raise SystemExit("the skillswallet console script is not installed")
    return which


def _median_seconds(command: list[str], runs: int, expect: int) -> dict[str, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True)
        times.append(time.perf_counter() - start)
        if result.returncode != expect:
            raise SystemExit(f"{command}: exit {result.returncode}: {result.stderr!r}")
    return {"median": statistics.median(times), "min": min(times), "max": max(times)}


def _signed_credential(script: str, folder: Path) -> Path:
    """The sample, signed as a user would: 'key generate', then 'issue --key'."""
    unsigned = json.loads(SAMPLE.read_text("utf-8"))
    unsigned.pop("issuer", None)
    (folder / "unsigned.json").write_text(json.dumps(unsigned), "utf-8")
    key, signed = folder / "key.json", folder / "signed.json"
    subprocess.run([script, "key", "generate", "-o", str(key)], check=True, capture_output=True)
    command = [script, "issue", "--key", str(key), str(folder / "unsigned.json"), "-o", str(signed)]
    subprocess.run(command, check=True, capture_output=True)
    return signed


def _import_ms(runs: int) -> float:
    code = "import time; t = time.perf_counter(); import skillswallet.cli; "
    code += "print(time.perf_counter() - t)"
    found = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        found.append(float(out.stdout))
    return statistics.median(found) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    script = _script()
    with tempfile.TemporaryDirectory() as folder:
        signed = _signed_credential(script, Path(folder))
        figures: dict[str, Any] = {
            "help": _median_seconds([script, "--help"], args.runs, 0),
            "version": _median_seconds([script, "--version"], args.runs, 0),
            "verify": _median_seconds([script, "verify", str(signed)], args.runs, 0),
            "importCliMs": _import_ms(args.runs),
        }
    figures["loadAverage"] = os.getloadavg()
    figures["met"] = {name: figures[name]["median"] < limit for name, limit in TARGETS.items()}
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    for name in ("help", "version", "verify"):
        f = figures[name]
        target = ""
        if name in TARGETS:
            target = f" (target {TARGETS[name]} s: {'met' if figures['met'][name] else 'NOT met'})"
        print(
            f"skillswallet {name:<8} median {f['median']:.3f} s "
            f"(min {f['min']:.3f}, max {f['max']:.3f}){target}"
        )
    print(f"import skillswallet.cli: {figures['importCliMs']:.0f} ms (median)")
    print("load average: " + ", ".join(f"{x:.2f}" for x in figures["loadAverage"]))


if __name__ == "__main__":
    main()
