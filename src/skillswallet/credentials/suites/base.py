"""The shared shape of the Data Integrity cryptosuites we implement: a transformation
(RDFC-1.0 or JCS), a hash and a signature algorithm (Data Integrity 1.0 §4; the EdDSA and
ECDSA cryptosuite specs §3). Pure functions over plain JSON."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...did.keys import Signer, verify_signature
from ...did.multikey import KeyType, PublicKey, decode_multibase_base58, encode_multibase_base58
from ...errors import CanonicalizationError, CryptosuiteError, InvalidKeyError, ProofError
from .. import jcs, jsonld
from ..jsoncopy import json_copy
from ..loader import ContextLoader, default_loader

#: The order our proofs list their properties in (the reference implementation's order).
PROOF_KEY_ORDER = (
    "type",
    "id",
    "created",
    "expires",
    "verificationMethod",
    "cryptosuite",
    "proofPurpose",
    "challenge",
    "domain",
    "nonce",
    "previousProof",
    "@context",
)


#: Canonicalizes an unsecured document (see :meth:`Cryptosuite.hash_data`).
Canonicalizer = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class HashData:
    """Every intermediate of one proof computation, for tests and debugging."""

    canonical_proof_config: str
    canonical_document: str
    proof_config_hash: bytes
    document_hash: bytes

    @property
    def combined(self) -> bytes:
        return self.proof_config_hash + self.document_hash


@dataclass(frozen=True)
class Cryptosuite:
    """A Data Integrity cryptosuite made of a canonicalization and a per-curve hash."""

    name: str
    canonicalization: str  # "rdfc" or "jcs"
    key_types: frozenset[KeyType]
    hashes: Mapping[KeyType, Callable[[bytes], Any]]
    #: JCS suites copy the document's @context into the proof (the spec's step).
    context_in_proof: bool
    #: The proof's ``type``: ``DataIntegrityProof`` (named by ``cryptosuite``), or a legacy
    #: Linked Data proof type that is the suite's name (Ed25519Signature2020).
    proof_type: str = "DataIntegrityProof"
    #: A context the document must list for the proof's terms to be defined (legacy types).
    required_context: str | None = None

    @property
    def is_legacy(self) -> bool:
        """A proof type of its own (no ``cryptosuite`` property)."""
        return self.proof_type != "DataIntegrityProof"

    def check_key(self, key_type: KeyType) -> None:
        """Raise :class:`~skillswallet.errors.CryptosuiteError` unless this suite signs with
        ``key_type``."""
        if key_type not in self.key_types:
            raise CryptosuiteError(
                f"cryptosuite {self.name} cannot be used with a {key_type.value} key "
                f"(it needs {', '.join(sorted(k.value for k in self.key_types))})"
            )

    # -- transformation + hashing ----------------------------------------------------

    def canonicalize(self, value: dict[str, Any], loader: ContextLoader | None) -> str:
        """The canonical form this suite signs: RDFC-1.0 N-Quads or JCS text."""
        if self.canonicalization == "jcs":
            return jcs.canonicalize(value).decode("utf-8")
        return jsonld.canonicalize(value, loader)

    def _canonical_config(self, config: dict[str, Any], loader: ContextLoader | None) -> str:
        """Proof configurations repeat (one issuer, one batch): memoize their RDFC form,
        keyed by their exact content (a tuple of their string entries, else their JCS
        serialization), per loader."""
        if self.canonicalization == "jcs":
            return self.canonicalize(config, loader)
        active = loader or default_loader()
        key: Any = _flat_key(config)
        if key is None:
            try:
                key = jcs.canonicalize(config)
            except CanonicalizationError:
                return self.canonicalize(config, active)
            if len(key) > _MAX_CACHED_CONFIG:
                return self.canonicalize(config, active)
        cache = active.proof_config_cache
        found = cache.get(key)
        if found is None:
            found = self.canonicalize(config, active)
            if len(cache) >= 1024:
                cache.clear()
            cache[key] = found
        return found

    def canonical_proof_config(
        self,
        unsecured_document: dict[str, Any],
        proof_config: dict[str, Any],
        loader: ContextLoader | None = None,
    ) -> str:
        """The proof configuration (the proof without ``proofValue``, with the document's
        ``@context``) in this suite's canonical form."""
        config = {k: v for k, v in proof_config.items() if k != "proofValue"}
        if "@context" in unsecured_document:
            config["@context"] = unsecured_document["@context"]
        return self._canonical_config(config, loader)

    def hash_data(
        self,
        unsecured_document: dict[str, Any],
        proof_config: dict[str, Any],
        key_type: KeyType,
        loader: ContextLoader | None = None,
        canonical: Canonicalizer | None = None,
    ) -> HashData:
        """Canonicalize the proof configuration and the document and hash both.

        ``proof_config`` is the proof without ``proofValue``; its ``@context`` is set to the
        document's here, as the specs' proof configuration step requires. ``canonical``,
        when given, canonicalizes the document instead of this suite's own transformation
        (a verifier passes one that reuses work shared by the proofs of a set; it must
        compute exactly this suite's transformation).
        """
        canonical_config = self.canonical_proof_config(unsecured_document, proof_config, loader)
        canonical_doc = (
            canonical(unsecured_document)
            if canonical is not None
            else self.canonicalize(unsecured_document, loader)
        )
        hash_fn = self.hashes[key_type]
        return HashData(
            canonical_config,
            canonical_doc,
            hash_fn(canonical_config.encode("utf-8")).digest(),
            hash_fn(canonical_doc.encode("utf-8")).digest(),
        )

    # -- create / verify ----------------------------------------------------------------

    def create_proof(
        self,
        unsecured_document: dict[str, Any],
        options: dict[str, Any],
        signer: Signer,
        loader: ContextLoader | None = None,
        canonical: Canonicalizer | None = None,
    ) -> dict[str, Any]:
        """Return a new ``DataIntegrityProof`` for the document (the document is not changed).
        (``canonical``: see :meth:`hash_data`.)"""
        proof = self.new_proof(unsecured_document, options, signer)
        data = self.hash_data(unsecured_document, proof, signer.key_type, loader, canonical)
        signature = signer.sign(data.combined)
        proof["proofValue"] = encode_multibase_base58(signature)
        return proof

    def new_proof(
        self, unsecured_document: dict[str, Any], options: dict[str, Any], signer: Signer
    ) -> dict[str, Any]:
        """The proof a signer is about to make, without its proofValue (the proof options
        checked, completed and in our order)."""
        self.check_key(signer.key_type)
        proof: dict[str, Any] = {"type": self.proof_type}
        if not self.is_legacy:
            proof["cryptosuite"] = self.name
        proof.update({k: v for k, v in options.items() if k not in ("type", "cryptosuite")})
        if options.get("type", "DataIntegrityProof") not in ("DataIntegrityProof", self.proof_type):
            raise ProofError(f"proof type must be {self.proof_type}")
        if "verificationMethod" not in proof:
            proof["verificationMethod"] = signer.verification_method
        if "proofPurpose" not in proof:
            raise ProofError("proof options need a proofPurpose")
        if self.context_in_proof and "@context" in unsecured_document:
            proof["@context"] = json_copy(unsecured_document["@context"])
        return _ordered(proof)

    def verify_proof(
        self,
        unsecured_document: dict[str, Any],
        proof: dict[str, Any],
        public_key: PublicKey,
        loader: ContextLoader | None = None,
        canonical: Canonicalizer | None = None,
    ) -> bool:
        """Verify one proof over the unsecured document. Returns False for a bad signature;
        raises (typed) when the proof or document cannot be processed at all.
        (``canonical``: see :meth:`hash_data`.)"""
        self.check_key(public_key.type)
        proof_value = proof.get("proofValue")
        if not isinstance(proof_value, str):
            raise ProofError("proof has no proofValue string")
        try:
            signature = decode_multibase_base58(proof_value)
        except InvalidKeyError as exc:
            raise ProofError(f"proofValue is not a base58btc multibase signature: {exc}") from None
        document = unsecured_document
        # (A legacy proof's configuration always takes the document's @context.)
        proof_context = None if self.is_legacy else proof.get("@context")
        if proof_context is not None:
            # The proof's @context must be a prefix of the document's (JCS suites §3.3).
            doc_ctx = _as_list(document.get("@context"))
            pctx = _as_list(proof_context)
            if doc_ctx[: len(pctx)] != pctx:
                return False
            document = dict(document)
            document["@context"] = proof_context
        data = self.hash_data(document, proof, public_key.type, loader, canonical)
        return verify_signature(public_key, data.combined, signature)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ordered(proof: dict[str, Any]) -> dict[str, Any]:
    out = {k: proof[k] for k in PROOF_KEY_ORDER if k in proof}
    out.update({k: v for k, v in proof.items() if k not in out})
    return out


def sha256(data: bytes) -> Any:
    return hashlib.sha256(data)


def sha384(data: bytes) -> Any:
    return hashlib.sha384(data)


#: Larger proof configurations are not memoized (the cache must stay small whatever the
#: input): in characters of their entries, or bytes of their JCS form.
_MAX_CACHED_CONFIG = 4096


def _flat_key(config: dict[str, Any]) -> tuple[tuple[str, Any], ...] | None:
    """An exact, cheap cache key for the usual proof configuration: string entries and
    lists of strings (the @context), not too long. None for anything else."""
    items: list[tuple[str, Any]] = []
    size = 0
    for name, value in config.items():
        if not isinstance(name, str):
            return None
        if isinstance(value, str):
            items.append((name, value))
            size += len(name) + len(value)
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            items.append((name, tuple(value)))
            size += len(name) + sum(len(item) for item in value)
        else:
            return None
    return tuple(sorted(items)) if size <= _MAX_CACHED_CONFIG else None
