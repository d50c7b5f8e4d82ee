"""eddsa-jcs-2022 (W3C Data Integrity EdDSA Cryptosuites v1.0 §3.3): JCS (RFC 8785) +
SHA-256, Ed25519; the document's @context is copied into the proof."""

from __future__ import annotations

from ...did.multikey import KeyType
from .base import Cryptosuite, sha256

EDDSA_JCS_2022 = Cryptosuite(
    name="eddsa-jcs-2022",
    canonicalization="jcs",
    key_types=frozenset({KeyType.ED25519}),
    hashes={KeyType.ED25519: sha256},
    context_in_proof=True,
)
