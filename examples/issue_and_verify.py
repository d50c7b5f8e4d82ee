"""Issuer and verifier journey: an assessor signs an ESCO-aligned Open Badges 3.0 skill
credential; an employer verifies it offline and reads the per-check report.

Run: .venv/bin/python examples/issue_and_verify.py
"""

from __future__ import annotations

from datetime import UTC, datetime

from skillswallet import (
    KeyPair,
    did_from_public_key,
    issue_credential,
    verification_method_id,
    verify,
)
from skillswallet.tour import skill_badge


def main() -> int:
    assessor = KeyPair.generate("ed25519")
    learner = KeyPair.generate("ed25519")
    now = datetime.now(UTC)
    unsigned = skill_badge(
        did_from_public_key(assessor.public),
        did_from_public_key(learner.public),
        valid_from=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    signer = assessor.signer(verification_method_id(assessor.public))
    signed = issue_credential(unsigned, signer, cryptosuite="eddsa-rdfc-2022", created=now)

    result = verify(signed, now=now)
    print("verified:", result.verified)
    for check in result.checks:
        print(f"  {check.id.value:<16} {check.status.value:<12} {check.reason}")
    return 0 if result.verified else 1


if __name__ == "__main__":
    raise SystemExit(main())
