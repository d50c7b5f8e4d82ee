"""Ed25519Signature2020 (W3C CCG "Ed25519 Signature 2020", now the deprecated-suite appendix
of the EdDSA Cryptosuites): the Linked Data proof type that predates Data Integrity's
``DataIntegrityProof``. The algorithm is eddsa-rdfc-2022's (RDFC-1.0, SHA-256, Ed25519 over
proofConfigHash || documentHash); the proof is ``{"type": "Ed25519Signature2020", ...}``
without ``cryptosuite``, and its terms come from the ``ed25519-2020/v1`` context, which the
document must list."""

from __future__ import annotations

from ...did.multikey import KeyType
from .base import Cryptosuite, sha256

NAME = "Ed25519Signature2020"
CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"

ED25519_SIGNATURE_2020 = Cryptosuite(
    name=NAME,
    canonicalization="rdfc",
    key_types=frozenset({KeyType.ED25519}),
    hashes={KeyType.ED25519: sha256},
    context_in_proof=False,
    proof_type=NAME,
    required_context=CONTEXT,
)
