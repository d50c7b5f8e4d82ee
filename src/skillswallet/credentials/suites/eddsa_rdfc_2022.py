"""eddsa-rdfc-2022 (W3C Data Integrity EdDSA Cryptosuites v1.0 §3.2): RDFC-1.0 + SHA-256,
Ed25519 signature over proofConfigHash || documentHash."""

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
