"""Helpers for vault tests: a cheap (floor) KDF and a supply of signed credentials."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from skillswallet.credentials.issue import issue_credential
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.storage.crypto import MEM_FLOOR, OPS_FLOOR, KdfParams
from skillswallet.tour import skill_badge

PASSPHRASE = "correct horse battery staple"
ISSUER = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(32)))
HOLDER_DID = "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"
NOW = datetime(2025, 7, 1, 12, tzinfo=UTC)


def fast_kdf() -> KdfParams:
    """The floor (libsodium INTERACTIVE): the cheapest the vault accepts."""
    return KdfParams.new(OPS_FLOOR, MEM_FLOOR)


def credential(name: str = "Advising colleagues", **changes: Any) -> dict[str, Any]:
    doc = skill_badge(
        did_from_public_key(ISSUER.public), HOLDER_DID, valid_from="2025-01-01T00:00:00Z"
    )
    doc["id"] = f"urn:uuid:{uuid.uuid4()}"
    doc["name"] = name
    doc.update(changes)
    signer = ISSUER.signer(verification_method_id(ISSUER.public))
    return issue_credential(doc, signer, created=NOW - timedelta(days=1))
