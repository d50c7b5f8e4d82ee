"""The end-to-end tour behind ``skillswallet tour``: make a key, issue an Open Badges 3.0
skill credential aligned to an ESCO skill, verify it, then show that tampering is caught.
Pure library code; the CLI only renders the result."""

from __future__ import annotations

import secrets
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .credentials.issue import issue_credential
from .credentials.jsoncopy import json_copy
from .did.key import did_from_public_key, verification_method_id
from .did.keys import KeyPair
from .result import VerificationResult
from .verify import verify
from .wallet import CredentialSummary, Wallet

OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


@dataclass(frozen=True)
class TourReport:
    issuer_did: str
    holder_did: str
    credential: dict[str, Any]
    verification: VerificationResult
    tampered_verification: VerificationResult
    #: what happened when the holder imported both into a fresh encrypted vault
    vault_import: list[str]
    vault_listing: list[CredentialSummary]


def skill_badge(issuer_did: str, holder_did: str, *, valid_from: str) -> dict[str, Any]:
    """An unsigned OB 3.0 OpenBadgeCredential for the ESCO skill "give advice to others"."""
    return {
        "@context": [VC2_CONTEXT, OB3_CONTEXT],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Advising colleagues",
        "issuer": {
            "id": issuer_did,
            "type": ["Profile"],
            "name": "Example Vocational Training Centre",
        },
        "validFrom": valid_from,
        "credentialSubject": {
            "id": holder_did,
            "type": ["AchievementSubject"],
            "achievement": {
                "id": f"urn:uuid:{uuid.uuid4()}",
                "type": ["Achievement"],
                "name": "Advising colleagues",
                "description": "Gives constructive, well-founded advice to colleagues and clients.",
                "criteria": {"narrative": "Passed a supervised practical assessment."},
                "alignment": [
                    {
                        "type": ["Alignment"],
                        "targetName": "give advice to others",
                        "targetUrl": "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d",
                        "targetFramework": "ESCO",
                        "targetType": "ext:ESCOSkill",
                    }
                ],
            },
        },
    }


def run_tour(now: datetime | None = None) -> TourReport:
    now = now or datetime.now(UTC)
    issuer_key = KeyPair.generate("ed25519")
    holder_key = KeyPair.generate("ed25519")
    issuer_did = did_from_public_key(issuer_key.public)
    holder_did = did_from_public_key(holder_key.public)
    unsigned = skill_badge(issuer_did, holder_did, valid_from=now.strftime("%Y-%m-%dT%H:%M:%SZ"))
    signed = issue_credential(
        unsigned, issuer_key.signer(verification_method_id(issuer_key.public)), created=now
    )
    result = verify(signed, now=now)
    tampered = json_copy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Advising colleagues (expert)"
    tampered_result = verify(tampered, now=now)
    # The holder's side: a throw-away encrypted vault, deleted when the tour ends.
    with (
        tempfile.TemporaryDirectory() as tmp,
        Wallet.create(Path(tmp) / "tour-vault.sqlite", secrets.token_urlsafe(16)) as wallet,
    ):
        report = wallet.import_credentials([signed, tampered])
        outcomes = [o.status for o in report.outcomes]
        listing = wallet.credentials()
    return TourReport(issuer_did, holder_did, signed, result, tampered_result, outcomes, listing)
