"""ECDSA cryptosuites v1.0: ecdsa-rdfc-2019 and ecdsa-jcs-2019 (P-256 with SHA-256,
P-384 with SHA-384; signatures in IEEE P1363 r||s form)."""

from __future__ import annotations

from ...did.multikey import KeyType
from .base import Cryptosuite, sha256, sha384

_HASHES = {KeyType.P256: sha256, KeyType.P384: sha384}

ECDSA_RDFC_2019 = Cryptosuite(
    name="ecdsa-rdfc-2019",
    canonicalization="rdfc",
    key_types=frozenset(_HASHES),
    hashes=_HASHES,
    context_in_proof=False,
)

ECDSA_JCS_2019 = Cryptosuite(
    name="ecdsa-jcs-2019",
    canonicalization="jcs",
    key_types=frozenset(_HASHES),
    hashes=_HASHES,
    context_in_proof=True,
)
