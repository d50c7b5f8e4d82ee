"""ecdsa-sd-2023 (W3C Data Integrity ECDSA Cryptosuites v1.0 §3.5), all three roles, as
pure functions over plain JSON:

- issuer: :meth:`EcdsaSd2023.create_base_proof` ("Create Base Proof": base proof
  transformation, hashing, configuration and serialization);
- holder: :func:`add_derived_proof` ("createDisclosureData", "Add Derived Proof");
- verifier: :meth:`EcdsaSd2023.verify_proof` ("createVerifyData", "Verify Derived Proof").

P-256 only: the issuer's key signs the proof hash, a proof-scoped P-256 key and the hash
of the mandatory statements; the proof-scoped key signs every other statement alone."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ...did.keys import KeyPair, Signer, verify_signature
from ...did.multikey import KeyType, PublicKey
from ...errors import PointerError, ProofError
from .. import jsonld
from ..loader import ContextLoader
from ..nquads import Quad
from ..rdfc import canonicalize_quads
from ..sd.groups import (
    canonicalize_and_group,
    hash_mandatory,
    hmac_label_map_factory,
    label_map_factory,
    label_replacement_canonicalize,
)
from ..sd.proofvalue import (
    P256_MULTIKEY_HEADER,
    BaseProofValue,
    DerivedProofValue,
    parse_base_proof_value,
    parse_derived_proof_value,
    serialize_base_proof_value,
    serialize_derived_proof_value,
)
from ..sd.select import pointer_exists, resolve_pointer, select_json_ld
from .base import Canonicalizer, Cryptosuite, sha256

NAME = "ecdsa-sd-2023"

#: What our issuing reveals always unless told otherwise (those the document has): who
#: issued it, when it is valid, what it is and where its status is.
DEFAULT_MANDATORY_POINTERS = ("/issuer", "/validFrom", "/validUntil", "/type", "/credentialStatus")


def default_mandatory_pointers(document: dict[str, Any]) -> list[str]:
    """Our default mandatory pointers that name something in ``document``."""
    return [p for p in DEFAULT_MANDATORY_POINTERS if pointer_exists(document, p)]


def selectable_defaults(document: dict[str, Any], mandatory_pointers: Iterable[str]) -> list[str]:
    """The default mandatory pointers present in ``document`` that ``mandatory_pointers``
    leave (wholly or partly) selectable: a holder could hide them."""
    given = list(mandatory_pointers)
    return [
        default
        for default in default_mandatory_pointers(document)
        if not any(default == p or default.startswith(p + "/") for p in given)
    ]


def _unsecured(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "proof"}


def check_pointers(document: dict[str, Any], pointers: Sequence[str]) -> list[str]:
    """The pointers as a list; PointerError unless each names something in ``document``."""
    if isinstance(pointers, str) or not all(isinstance(p, str) for p in pointers):
        raise PointerError("JSON Pointers must be given as a list of strings")
    for pointer in pointers:
        resolve_pointer(document, pointer)
    return list(pointers)


# --- issuer -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseTransform:
    """ "Base Proof Transformation": the statements by index, mandatory or not."""

    mandatory_pointers: list[str]
    mandatory: dict[int, str]
    non_mandatory: dict[int, str]
    hmac_key: bytes


def base_transform(
    unsecured_document: dict[str, Any],
    mandatory_pointers: Sequence[str],
    hmac_key: bytes,
    loader: ContextLoader | None = None,
) -> BaseTransform:
    pointers = check_pointers(unsecured_document, mandatory_pointers)
    grouped = canonicalize_and_group(
        unsecured_document, hmac_label_map_factory(hmac_key), {"mandatory": pointers}, loader
    )
    group = grouped.groups["mandatory"]
    return BaseTransform(pointers, group.matching, group.non_matching, hmac_key)


def serialize_sign_data(proof_hash: bytes, public_key: bytes, mandatory_hash: bytes) -> bytes:
    """ "serializeSignData": what the issuer's key signs."""
    return proof_hash + public_key + mandatory_hash


# --- holder -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisclosureData:
    """ "createDisclosureData"."""

    base_signature: bytes
    public_key: bytes
    signatures: list[bytes]
    label_map: dict[str, str]
    mandatory_indexes: list[int]
    reveal_document: dict[str, Any]


def create_disclosure_data(
    document: dict[str, Any],
    proof: dict[str, Any],
    selective_pointers: Sequence[str],
    loader: ContextLoader | None = None,
) -> DisclosureData:
    base = parse_base_proof_value(proof.get("proofValue"))
    unsecured = _unsecured(document)
    selective = check_pointers(unsecured, selective_pointers)
    try:
        mandatory = check_pointers(unsecured, base.mandatory_pointers)
    except PointerError as exc:
        raise ProofError(f"the base proof does not match this credential: {exc}") from None
    combined = mandatory + selective
    if not combined:
        raise PointerError("nothing to disclose: give at least one JSON Pointer")
    grouped = canonicalize_and_group(
        unsecured,
        hmac_label_map_factory(base.hmac_key),
        {"mandatory": mandatory, "selective": selective, "combined": combined},
        loader,
    )
    mandatory_group = grouped.groups["mandatory"].matching
    selective_group = grouped.groups["selective"].matching
    if len(base.signatures) != len(grouped.groups["mandatory"].non_matching):
        raise ProofError(
            "the base proof does not match this credential (its statements changed after "
            "it was signed)"
        )
    # Mandatory statements, by their index among the revealed ones.
    mandatory_indexes = [
        relative
        for relative, absolute in enumerate(grouped.groups["combined"].matching)
        if absolute in mandatory_group
    ]
    # The signatures of the selected statements: signatures follow the non-mandatory ones.
    filtered: list[bytes] = []
    index = 0
    for signature in base.signatures:
        while index in mandatory_group:
            index += 1
        if index in selective_group:
            filtered.append(signature)
        index += 1
    reveal = select_json_ld(combined, unsecured)
    assert reveal is not None
    # The canonical ids a verifier will get for the revealed statements, mapped to the
    # labels that were signed.
    canonical_ids = canonicalize_quads(grouped.groups["combined"].deskolemized).issued
    verifier_label_map = {
        verifier_label: grouped.label_map[input_label]
        for input_label, verifier_label in canonical_ids.items()
    }
    return DisclosureData(
        base.base_signature,
        base.public_key,
        filtered,
        verifier_label_map,
        mandatory_indexes,
        reveal,
    )


def add_derived_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    selective_pointers: Sequence[str],
    loader: ContextLoader | None = None,
) -> dict[str, Any]:
    """ "Add Derived Proof": the selectively revealed document with its derived proof."""
    data = create_disclosure_data(document, proof, selective_pointers, loader)
    new_proof = dict(proof)
    new_proof["proofValue"] = serialize_derived_proof_value(
        DerivedProofValue(
            data.base_signature,
            data.public_key,
            data.signatures,
            data.label_map,
            data.mandatory_indexes,
        )
    )
    revealed = data.reveal_document
    revealed["proof"] = new_proof
    return revealed


# --- verifier -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyData:
    """ "createVerifyData"."""

    base_signature: bytes
    proof_hash: bytes
    public_key: bytes
    signatures: list[bytes]
    non_mandatory: list[str]
    mandatory_hash: bytes


# --- the suite --------------------------------------------------------------------------------


@dataclass(frozen=True)
class EcdsaSd2023(Cryptosuite):
    """ecdsa-sd-2023 behind the shared :class:`Cryptosuite` interface: ``create_proof``
    makes a base proof with our default mandatory pointers, ``verify_proof`` verifies a
    derived proof (and refuses a base proof)."""

    def create_proof(
        self,
        unsecured_document: dict[str, Any],
        options: dict[str, Any],
        signer: Signer,
        loader: ContextLoader | None = None,
        canonical: Canonicalizer | None = None,
    ) -> dict[str, Any]:
        return self.create_base_proof(
            unsecured_document,
            options,
            signer,
            default_mandatory_pointers(unsecured_document),
            loader,
        )

    def proof_hash(
        self,
        unsecured_document: dict[str, Any],
        proof: dict[str, Any],
        loader: ContextLoader | None = None,
    ) -> bytes:
        """The hash of the canonical proof configuration ("Base Proof Configuration")."""
        canonical = self.canonical_proof_config(unsecured_document, proof, loader)
        return hashlib.sha256(canonical.encode("utf-8")).digest()

    def create_base_proof(
        self,
        unsecured_document: dict[str, Any],
        options: dict[str, Any],
        signer: Signer,
        mandatory_pointers: Sequence[str],
        loader: ContextLoader | None = None,
        *,
        hmac_key: bytes | None = None,
        proof_scoped_key: KeyPair | None = None,
    ) -> dict[str, Any]:
        """ "Create Base Proof". ``hmac_key`` and ``proof_scoped_key`` are fresh random
        ones unless given (tests reproduce published vectors with them)."""
        proof = self.new_proof(unsecured_document, options, signer)
        proof_hash = self.proof_hash(unsecured_document, proof, loader)
        transform = base_transform(
            unsecured_document,
            mandatory_pointers,
            hmac_key if hmac_key is not None else secrets.token_bytes(32),
            loader,
        )
        mandatory_hash = hash_mandatory(transform.mandatory.values())
        scoped = proof_scoped_key or KeyPair.generate(KeyType.P256)
        if scoped.type is not KeyType.P256:
            raise ProofError("the proof-scoped key of ecdsa-sd-2023 must be a P-256 key")
        signatures = [
            scoped.sign(line.encode("utf-8")) for line in transform.non_mandatory.values()
        ]
        public_key = P256_MULTIKEY_HEADER + scoped.public.raw
        base_signature = signer.sign(serialize_sign_data(proof_hash, public_key, mandatory_hash))
        proof["proofValue"] = serialize_base_proof_value(
            BaseProofValue(
                base_signature,
                public_key,
                transform.hmac_key,
                signatures,
                transform.mandatory_pointers,
            )
        )
        return proof

    def create_verify_data(
        self,
        unsecured_document: dict[str, Any],
        proof: dict[str, Any],
        loader: ContextLoader | None = None,
        quads: list[Quad] | None = None,
    ) -> VerifyData:
        """ "createVerifyData" (``quads``: the document's RDF, when already made)."""
        derived = parse_derived_proof_value(proof.get("proofValue"))
        proof_hash = self.proof_hash(unsecured_document, proof, loader)
        if quads is None:
            quads = jsonld.to_quads(unsecured_document, loader)
        nquads = label_replacement_canonicalize(quads, label_map_factory(derived.label_map)).nquads
        wanted = set(derived.mandatory_indexes)
        mandatory = [line for index, line in enumerate(nquads) if index in wanted]
        non_mandatory = [line for index, line in enumerate(nquads) if index not in wanted]
        return VerifyData(
            derived.base_signature,
            proof_hash,
            derived.public_key,
            derived.signatures,
            non_mandatory,
            hash_mandatory(mandatory),
        )

    def verify_proof(
        self,
        unsecured_document: dict[str, Any],
        proof: dict[str, Any],
        public_key: PublicKey,
        loader: ContextLoader | None = None,
        canonical: Canonicalizer | None = None,
        quads: list[Quad] | None = None,
    ) -> bool:
        """ "Verify Derived Proof". False for a signature that does not verify; ProofError
        (with the reason) for a proof that cannot be processed, a base proof included."""
        self.check_key(public_key.type)
        data = self.create_verify_data(unsecured_document, proof, loader, quads)
        if len(data.signatures) != len(data.non_mandatory):
            raise ProofError(
                f"the proof has {len(data.signatures)} statement signatures for "
                f"{len(data.non_mandatory)} disclosed non-mandatory statements"
            )
        scoped = PublicKey(KeyType.P256, data.public_key[len(P256_MULTIKEY_HEADER) :])
        to_verify = serialize_sign_data(data.proof_hash, data.public_key, data.mandatory_hash)
        if not verify_signature(public_key, to_verify, data.base_signature):
            return False
        return all(
            verify_signature(scoped, line.encode("utf-8"), signature)
            for line, signature in zip(data.non_mandatory, data.signatures, strict=True)
        )


ECDSA_SD_2023 = EcdsaSd2023(
    name=NAME,
    canonicalization="rdfc",
    key_types=frozenset({KeyType.P256}),
    hashes={KeyType.P256: sha256},
    context_in_proof=False,
)
