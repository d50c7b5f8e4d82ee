"""Helpers for presentation tests: a school (P-256) that issues ecdsa-sd-2023 skill
credentials with graded results, and the skills it assesses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from skillswallet.credentials.issue import issue_credential
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.did.multikey import KeyType
from skillswallet.skills.builders import Profile, Skill, skill_credential

ESCO = "http://data.europa.eu/esco/skill/"
ADVICE = ESCO + "045f71e6-0699-4169-8a54-9c6b96f3174d"
TEAMWORK = ESCO + "b94c5f41-0a4f-4c3e-b3a9-b2e2d5ef1c22"
COOKING = ESCO + "c3a2f7e0-1d4b-4f5e-9a8b-7c6d5e4f3a21"
SCHOOL = KeyPair.from_secret(KeyType.P256, bytes(range(1, 33)))
SCHOOL_DID = did_from_public_key(SCHOOL.public)


def school_credential(
    holder: str, now: datetime, *, suite: str = "ecdsa-sd-2023", **changes: Any
) -> dict[str, Any]:
    """A skill credential from the school about ``holder``: three skills, each with a
    graded result (B, C, A), issued a day before ``now``."""
    unsigned = skill_credential(
        [
            Skill(ADVICE, "give advice to others", level="B", method="exam"),
            Skill(TEAMWORK, "work in teams", level="C", method="exam"),
            Skill(COOKING, "cook meals", level="A", method="exam"),
        ],
        issuer=Profile(SCHOOL_DID, "Example School"),
        subject=holder,
        valid_from=now - timedelta(days=1),
        name="Vocational skills",
    )
    unsigned.update(changes)
    signer = SCHOOL.signer(verification_method_id(SCHOOL.public))
    return issue_credential(unsigned, signer, cryptosuite=suite, created=now - timedelta(days=1))
