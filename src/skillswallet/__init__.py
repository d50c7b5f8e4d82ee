"""skillswallet: issue, hold and verify W3C Verifiable Credentials for skills.

The curated public API. Everything else is an implementation module.
"""

from __future__ import annotations

from .credentials.derive import derive_credential
from .credentials.issue import issue_credential
from .credentials.loader import ContextLoader, default_loader
from .credentials.proofs import add_proof
from .credentials.suites import ALL_SUITES, DEFAULT_SUITES, Cryptosuite, get_suite
from .did.key import (
    did_from_public_key,
    public_key_from_did,
    resolve_did_key,
    verification_method_id,
)
from .did.keys import KeyPair, Signer
from .did.multikey import KeyType, PublicKey
from .did.resolver import DIDResolver, KeyResolver, StaticResolver
from .errors import SkillsWalletError
from .result import Check, CheckId, Status, VerificationResult
from .verify import verify

__version__ = "0.1.0"

__all__ = [
    "ALL_SUITES",
    "DEFAULT_SUITES",
    "Check",
    "CheckId",
    "ContextLoader",
    "Cryptosuite",
    "DIDResolver",
    "KeyPair",
    "KeyResolver",
    "KeyType",
    "PublicKey",
    "Signer",
    "SkillsWalletError",
    "StaticResolver",
    "Status",
    "VerificationResult",
    "add_proof",
    "default_loader",
    "derive_credential",
    "did_from_public_key",
    "get_suite",
    "issue_credential",
    "public_key_from_did",
    "resolve_did_key",
    "verification_method_id",
    "verify",
]
