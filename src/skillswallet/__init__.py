"""skillswallet: issue, hold and verify W3C Verifiable Credentials for skills.

The curated public API. Everything else is an implementation module.

The names are imported on first use (PEP 562), so ``import skillswallet`` (and the
command line, which starts with it) stays fast: ``skillswallet --help`` loads none of
pyld, jsonschema, pydantic or cryptography.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._lazy import lazy_exports

if TYPE_CHECKING:
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

#: Each public name and the module it comes from (imported on first use).
_SOURCES = {
    "derive_credential": ".credentials.derive",
    "issue_credential": ".credentials.issue",
    "ContextLoader": ".credentials.loader",
    "default_loader": ".credentials.loader",
    "add_proof": ".credentials.proofs",
    "ALL_SUITES": ".credentials.suites",
    "DEFAULT_SUITES": ".credentials.suites",
    "Cryptosuite": ".credentials.suites",
    "get_suite": ".credentials.suites",
    "did_from_public_key": ".did.key",
    "public_key_from_did": ".did.key",
    "resolve_did_key": ".did.key",
    "verification_method_id": ".did.key",
    "KeyPair": ".did.keys",
    "Signer": ".did.keys",
    "KeyType": ".did.multikey",
    "PublicKey": ".did.multikey",
    "DIDResolver": ".did.resolver",
    "KeyResolver": ".did.resolver",
    "StaticResolver": ".did.resolver",
    "SkillsWalletError": ".errors",
    "Check": ".result",
    "CheckId": ".result",
    "Status": ".result",
    "VerificationResult": ".result",
    "verify": ".verify",
}


__getattr__, __dir__ = lazy_exports(__name__, globals(), _SOURCES)


class _Package(ModuleType):
    """``skillswallet.verify`` is the function, as when this file imported it eagerly:
    importing the submodule of that name (which sets the package's attribute to the
    module) leaves the function in place."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "verify" and isinstance(value, ModuleType):
            value = value.verify
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
