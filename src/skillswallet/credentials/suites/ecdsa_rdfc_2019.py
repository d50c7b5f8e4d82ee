"""ecdsa-rdfc-2019 (W3C Data Integrity ECDSA Cryptosuites v1.0 §3.2): RDFC-1.0, then
SHA-256 with P-256 or SHA-384 with P-384; signatures in IEEE P1363 (r || s) form."""

from __future__ import annotations

from ...did.multikey import KeyType
from .base import Cryptosuite, sha256, sha384

ECDSA_RDFC_2019 = Cryptosuite(
    name="ecdsa-rdfc-2019",
    canonicalization="rdfc",
    key_types=frozenset({KeyType.P256, KeyType.P384}),
    hashes={KeyType.P256: sha256, KeyType.P384: sha384},
    context_in_proof=False,
)
