"""EdDSA cryptosuites v1.0: eddsa-rdfc-2022 and eddsa-jcs-2022 (Ed25519, SHA-256)."""

from __future__ import annotations

from ...did.multikey import KeyType
from .base import Cryptosuite, sha256

EDDSA_RDFC_2022 = Cryptosuite(
    name="eddsa-rdfc-2022",
    canonicalization="rdfc",
    key_types=frozenset({KeyType.ED25519}),
    hashes={KeyType.ED25519: sha256},
    context_in_proof=False,
)

EDDSA_JCS_2022 = Cryptosuite(
    name="eddsa-jcs-2022",
    canonicalization="jcs",
    key_types=frozenset({KeyType.ED25519}),
    hashes={KeyType.ED25519: sha256},
    context_in_proof=True,
)
