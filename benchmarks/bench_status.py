"""Bitstring Status List figures (issue #10):

1. the STATUS check of 10,000 credentials against a cached 131,072-entry list (target
   under 0.5 s in all);
2. revoking one credential and republishing its list, signed (target under 0.2 s);
3. what checking the status adds to a verify() (target under 10 %): a verify of a
   credential with a status entry and a cached list, against the same verify without a
   status source (the check then answers "inconclusive" at once). Interleaved, so both
   see the same host.

Also: allocating an index for a credential (one SQLite transaction, synced).
Medians with min and max over the runs.

Run: .venv/bin/python -m benchmarks.bench_status [--runs N]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from skillswallet import KeyPair, did_from_public_key, issue_credential, verification_method_id
from skillswallet.status.issuer import StatusIssuer
from skillswallet.status.registry import SqliteStatusRegistry
from skillswallet.status.sources import CachedSource, DirectorySource
from skillswallet.tour import skill_badge
from skillswallet.verify import VerifyOptions, _check_status, verify

LIST = "https://school.example/status/1"
CHECKS = 10_000
ALLOCATED = 2_000


def _stats(samples: list[float]) -> dict[str, float]:
    return {
        "median_s": round(statistics.median(samples), 4),
        "min_s": round(min(samples), 4),
        "max_s": round(max(samples), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    now = datetime.now(UTC)
    key = KeyPair.generate()
    did = did_from_public_key(key.public)
    signer = key.signer(verification_method_id(key.public))
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        issuer = StatusIssuer(SqliteStatusRegistry(work / "status.sqlite"))
        issuer.create_list(LIST, "revocation", did)

        # Allocation: one index per credential, each a synced transaction.
        unsigned = skill_badge(did, did, valid_from=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
        start = time.perf_counter()
        ids = []
        for _ in range(ALLOCATED):
            doc = dict(unsigned)
            doc.pop("id")
            ids.append(issuer.add_status(doc, [LIST])["id"])
        per_allocation = (time.perf_counter() - start) / ALLOCATED
        report["allocate_one_index_ms"] = round(per_allocation * 1000, 3)

        # A realistic list: 1 % of the allocated credentials revoked.
        for credential_id in random.sample(ids, ALLOCATED // 100):
            issuer.revoke(credential_id)
        published = work / "published"
        issuer.publish(published, signer, now=now)

        # 1. 10,000 status checks against the cached list.
        signed = issue_credential(issuer.add_status(dict(unsigned), [LIST]), signer, created=now)
        source = CachedSource(DirectorySource(published), ttl=3600)
        opts = VerifyOptions(now=now, status=source)
        credentials = []
        for index in random.sample(range(131_072), CHECKS):
            doc = copy.deepcopy(signed)
            doc["credentialStatus"]["statusListIndex"] = str(index)
            credentials.append(doc)
        _check_status(credentials[0], "credential", opts)  # the list verified once, cached
        samples = []
        for _ in range(args.runs):
            start = time.perf_counter()
            for doc in credentials:
                _check_status(doc, "credential", opts)
            samples.append(time.perf_counter() - start)
        report["status_checks_10000"] = {**_stats(samples), "target_s": 0.5}
        report["status_checks_10000"]["target_met"] = statistics.median(samples) < 0.5

        # 2. Revoke one and republish (revoke, encode, sign, write).
        samples = []
        for credential_id in ids[-args.runs * 3 :]:
            start = time.perf_counter()
            issuer.revoke(credential_id)
            issuer.publish(published, signer, now=now)
            samples.append(time.perf_counter() - start)
        report["revoke_and_republish"] = {**_stats(samples), "target_s": 0.2}
        report["revoke_and_republish"]["target_met"] = statistics.median(samples) < 0.2

        # 3. The overhead on a verify, interleaved: the same credential with its status
        # checked against the cached list, and without a status source (the check answers
        # "inconclusive" at once); and the same credential issued without a status entry.
        plain = issue_credential(dict(unsigned), signer, created=now)
        variants: dict[str, tuple[list[float], Callable[[], Any]]] = {
            "checked": ([], lambda: verify(signed, now=now, status=source)),
            "no_source": ([], lambda: verify(signed, now=now)),
            "no_entry": ([], lambda: verify(plain, now=now)),
        }
        assert verify(signed, now=now, status=source).verified and verify(plain, now=now)
        order = list(variants.values())
        for round_ in range(600):
            for bucket, run in order[round_ % 3 :] + order[: round_ % 3]:
                begin = time.perf_counter()
                run()
                bucket.append(time.perf_counter() - begin)
        medians = {name: statistics.median(b) for name, (b, _) in variants.items()}
        checked = medians["checked"]
        report["verify_overhead"] = {
            **{
                f"verify_{name}_ms": {
                    "median": round(m * 1000, 4),
                    "min": round(min(variants[name][0]) * 1000, 4),
                    "p90": round(statistics.quantiles(variants[name][0], n=10)[-1] * 1000, 4),
                }
                for name, m in medians.items()
            },
            "overhead_vs_no_entry_percent": round(
                (checked - medians["no_entry"]) / medians["no_entry"] * 100, 1
            ),
            "overhead_vs_no_source_percent": round(
                (checked - medians["no_source"]) / medians["no_source"] * 100, 1
            ),
            "target_percent": 10,
            "target_met": (checked - medians["no_entry"]) / medians["no_entry"] < 0.10,
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
