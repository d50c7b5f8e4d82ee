"""A vault of 100,000 credentials (issue #8): list, search and the skills profile each in
under 1 s with peak memory under 200 MB, and the file within 1.5x the credentials' JSON.

Run: python benchmarks/bench_scale.py [--count 100000] [--runs 3] [--keep PATH]

Builds the vault once (about 70 s for 100,000: every credential is signed, then verified
on import), then measures, interleaved round by round: reading every summary, the full
listing (``Wallet.credentials()``), a skill search, a search that matches nothing, the
profile, and the CLI's ``list --json`` end to end in a child process (its peak RSS from
``getrusage``). Library timings exclude opening the vault; the CLI's include start-up,
the KDF (the floor: 2 passes, 64 MiB) and the integrity check of every record.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from skillswallet import KeyPair, issue_credential, verification_method_id
from skillswallet.did.key import did_from_public_key
from skillswallet.storage.crypto import MEM_FLOOR, OPS_FLOOR, KdfParams
from skillswallet.tour import skill_badge
from skillswallet.wallet import Wallet

NOW = datetime(2025, 7, 1, tzinfo=UTC)
PASSPHRASE = "bench passphrase"
TARGET_S, TARGET_MB, TARGET_RATIO = 1.0, 200, 1.5


def _credentials(count: int, holder: str, sizes: list[int]) -> Iterator[dict[str, Any]]:
    key = KeyPair.from_secret(KeyPair.generate().type, bytes(range(32)))
    signer = key.signer(verification_method_id(key.public))
    issuer = did_from_public_key(key.public)
    for i in range(count):
        doc = skill_badge(issuer, holder, valid_from="2025-01-01T00:00:00Z")
        doc["id"] = f"urn:uuid:{uuid.uuid4()}"
        doc["name"] = f"Skill badge {i}"
        signed = issue_credential(doc, signer, created=NOW - timedelta(seconds=i))
        sizes.append(len(json.dumps(signed, separators=(",", ":"), ensure_ascii=False).encode()))
        yield signed


def build(path: Path, count: int) -> float:
    """Make the vault; returns the credentials' total JSON size in bytes."""
    sizes: list[int] = []
    kdf = KdfParams.new(OPS_FLOOR, MEM_FLOOR)
    with Wallet.create(path, PASSPHRASE, kdf=kdf, clock=lambda: NOW) as wallet:
        holder = wallet.create_did("ed25519")
        wallet.import_credentials(_credentials(count, holder, sizes))
    return float(sum(sizes))


def _seconds(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _peak_mib(action: Callable[[], Any]) -> float:
    """Peak MiB of Python allocations during one call (a pass of its own: tracing slows
    every allocation several times over)."""
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def _cli_list(path: Path) -> tuple[float, float]:
    """(seconds, peak RSS MiB) of ``skillswallet list --json`` in a child process."""
    env = dict(os.environ, SKILLSWALLET_PASSPHRASE=PASSPHRASE)
    script = str(Path(sys.executable).parent / "skillswallet")  # the console script
    command = [script, "list", "--json", "--vault", str(path)]
    code = (
        "import resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        f"subprocess.run({command!r}, stdout=subprocess.DEVNULL, check=True);"
        "print(time.perf_counter() - t,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    seconds, rss = out.stdout.split()
    return float(seconds), float(rss)


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the vault here (or reuse it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "vault.sqlite"
        json_bytes = None
        if not path.exists():
            start = time.perf_counter()
            json_bytes = build(path, args.count)
            print(f"built in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        file_bytes = path.stat().st_size
        times: dict[str, list[float]] = {}
        peaks: dict[str, float] = {}
        with Wallet.open(path, PASSPHRASE) as wallet:
            actions: dict[str, Callable[[], Any]] = {
                "read_every_summary": lambda: sum(1 for _ in wallet.scan()),
                "list (credentials())": wallet.credentials,
                "search --skill (matches all)": lambda: wallet.search(skill="advice"),
                "search --skill (matches none)": lambda: wallet.search(skill="no such skill"),
                "profile": lambda: wallet.profile(now=NOW),
            }
            for _ in range(args.runs):  # interleaved: every measure in each round
                for name, action in actions.items():
                    times.setdefault(name, []).append(_seconds(action))
                seconds, rss = _cli_list(path)
                times.setdefault("cli list --json (end to end)", []).append(seconds)
                peaks["cli list --json (end to end)"] = max(
                    peaks.get("cli list --json (end to end)", 0.0), rss
                )
            for name, action in actions.items():
                peaks[name] = _peak_mib(action)
            profile = wallet.profile(now=NOW)
    report: dict[str, Any] = {
        "credentials": args.count,
        "file_bytes_per_credential": round(file_bytes / args.count),
        "seconds": {name: _spread(values) for name, values in times.items()},
        "peak_mib (Python allocations; RSS for the CLI)": {
            name: round(peak, 1) for name, peak in peaks.items()
        },
        "profile_skills": len(profile.skills),
    }
    if json_bytes is not None:
        report["json_bytes_per_credential"] = round(json_bytes / args.count)
        report["file_to_json_ratio"] = round(file_bytes / json_bytes, 3)
    library = [n for n in times if not n.startswith("cli")]
    report["targets"] = {
        f"{name} < {TARGET_S} s": statistics.median(times[name]) < TARGET_S for name in library
    } | {
        f"peak < {TARGET_MB} MB (all)": max(peaks.values()) < TARGET_MB,
        f"file <= {TARGET_RATIO} x JSON": (
            None if json_bytes is None else file_bytes <= TARGET_RATIO * json_bytes
        ),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
