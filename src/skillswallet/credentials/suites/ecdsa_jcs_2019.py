"""ecdsa-jcs-2019 (W3C Data Integrity ECDSA Cryptosuites v1.0 §3.3): JCS, then SHA-256 with
P-256 or SHA-384 with P-384; the document's @context is copied into the proof."""

from __future__ import annotations

from ...did.multikey import KeyType
from .base import Cryptosuite, sha256, sha384

ECDSA_JCS_2019 = Cryptosuite(
    name="ecdsa-jcs-2019",
    canonicalization="jcs",
    key_types=frozenset({KeyType.P256, KeyType.P384}),
    hashes={KeyType.P256: sha256, KeyType.P384: sha384},
    context_in_proof=True,
)
