"""The skills profile and gap analysis over a vault of N skill credentials (issue #8:
profile and gap analysis over 10,000 credentials in under 0.3 s).

Run: python benchmarks/bench_profile.py [--count 10000] [--runs 5]

Prints medians and spread of ``Wallet.profile()`` and of ``match()`` against a 20-skill
vacancy, measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from skillswallet import KeyPair, issue_credential, verification_method_id
from skillswallet.did.key import did_from_public_key
from skillswallet.skills import Requirement, Requirements, match
from skillswallet.skills.builders import Profile, Skill, skill_credential
from skillswallet.storage.crypto import MEM_FLOOR, OPS_FLOOR, KdfParams
from skillswallet.wallet import Wallet

NOW = datetime(2025, 7, 1, tzinfo=UTC)
SKILLS = [f"http://data.europa.eu/esco/skill/bench-{i:04d}" for i in range(200)]
TARGET_SECONDS = 0.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    school = KeyPair.generate("ed25519")
    signer = school.signer(verification_method_id(school.public))
    issuer = Profile(did_from_public_key(school.public), "Bench College")
    vacancy = Requirements("bench", tuple(Requirement(s) for s in SKILLS[:20]))
    with tempfile.TemporaryDirectory() as tmp:
        kdf = KdfParams.new(OPS_FLOOR, MEM_FLOOR)
        with Wallet.create(Path(tmp) / "v.sqlite", "bench", kdf=kdf, clock=lambda: NOW) as w:
            holder = w.create_did("ed25519")
            credentials = (
                issue_credential(
                    skill_credential(
                        [
                            Skill(
                                SKILLS[i % len(SKILLS)],
                                f"skill {i % len(SKILLS)}",
                                level="B",
                                method="exam",
                            )
                        ],
                        issuer=issuer,
                        subject=holder,
                        valid_from=NOW - timedelta(days=1 + i % 300),
                    ),
                    signer,
                    created=NOW - timedelta(seconds=i),
                )
                for i in range(args.count)
            )
            w.import_credentials(credentials)
            profile_s, match_s = [], []
            for _ in range(args.runs):  # interleaved: both measured in each round
                start = time.perf_counter()
                profile = w.profile()
                profile_s.append(time.perf_counter() - start)
                start = time.perf_counter()
                match(profile, vacancy)
                match_s.append(time.perf_counter() - start)
    report = {
        "credentials": args.count,
        "profile_s": _spread(profile_s),
        "match_s": _spread(match_s),
        "target_met": statistics.median(profile_s) + statistics.median(match_s) < TARGET_SECONDS,
    }
    print(json.dumps(report, indent=2))
    return 0


def _spread(samples: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(samples), 4),
        "min": round(min(samples), 4),
        "max": round(max(samples), 4),
    }


if __name__ == "__main__":
    raise SystemExit(main())
