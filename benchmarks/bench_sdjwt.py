"""SD-JWT VC verification with 20 disclosures (issue #13: under 1 ms), and the pieces
of it: the issuer's signature alone, and a presentation with a KB-JWT.

Run: python benchmarks/bench_sdjwt.py [--runs 7] [--per-run 200] [--key p256|ed25519]

Prints one JSON object: for each case the median time per verification over the runs
(each run times --per-run verifications), the quartiles and range of the run medians,
the load average before and after, and whether the target is met.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from skillswallet.did.key import verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.jose import issue_sd_jwt_vc, present_sd_jwt
from skillswallet.jose.keys import verify_jws
from skillswallet.verify import verify

NOW = datetime(2025, 7, 1, tzinfo=UTC)
TARGET_MS = 1.0


def _case(runs: int, per_run: int, work: Callable[[], object]) -> dict[str, float]:
    work()  # warm caches (key decoding, imports)
    medians = []
    for _ in range(runs):
        started = time.perf_counter()
        for _ in range(per_run):
            work()
        medians.append((time.perf_counter() - started) / per_run * 1000)
    q1, _q2, q3 = statistics.quantiles(medians, n=4)
    return {
        "median_ms": round(statistics.median(medians), 4),
        "q1_ms": round(q1, 4),
        "q3_ms": round(q3, 4),
        "min_ms": round(min(medians), 4),
        "max_ms": round(max(medians), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--per-run", type=int, default=200)
    parser.add_argument("--key", choices=["p256", "ed25519"], default="p256")
    args = parser.parse_args()
    issuer, holder = KeyPair.generate(args.key), KeyPair.generate(args.key)
    isign = issuer.signer(verification_method_id(issuer.public))
    hsign = holder.signer(verification_method_id(holder.public))
    claims = {f"claim_{i:02d}": f"value {i}" for i in range(20)}
    text = issue_sd_jwt_vc(
        claims, isign, vct="https://credentials.example/bench", disclosable=list(claims),
        holder_key=holder.public, issued_at=NOW, expires=NOW + timedelta(days=365),
    ).serialization  # fmt: skip
    assert text.count("~") == 21
    presented = present_sd_jwt(
        text, list(claims), nonce="n", audience="aud", holder=hsign, now=NOW
    ).serialization
    assert verify(text, now=NOW).verified
    assert verify(presented, now=NOW, challenge="n", domain="aud").verified
    jwt = text.split("~")[0]
    load_before = os.getloadavg()
    cases = {
        "verify_20_disclosures": _case(args.runs, args.per_run, lambda: verify(text, now=NOW)),
        "verify_20_disclosures_kb_jwt": _case(
            args.runs,
            args.per_run,
            lambda: verify(presented, now=NOW, challenge="n", domain="aud"),
        ),
        "issuer_signature_only": _case(
            args.runs, args.per_run, lambda: verify_jws(jwt, issuer.public)
        ),
    }
    met = cases["verify_20_disclosures"]["median_ms"] < TARGET_MS
    print(
        json.dumps(
            {
                "key": args.key,
                "runs": args.runs,
                "per_run": args.per_run,
                "cases": cases,
                "load_average": {"before": load_before, "after": os.getloadavg()},
                "target": f"verify with 20 disclosures < {TARGET_MS} ms",
                "target_met": met,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
