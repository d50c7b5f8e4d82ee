"""Data Integrity 1.0 §4: adding proofs (sets and chains) and preparing each proof's
unsecured document for verification. Pure functions over plain JSON."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..did.keys import Signer
from ..errors import ProofError
from .dates import format_datetime
from .jsoncopy import json_copy
from .loader import ContextLoader
from .model import as_list
from .suites import get_suite
from .suites.base import Canonicalizer
from .suites.ecdsa_sd_2023 import EcdsaSd2023, default_mandatory_pointers


def unsecured_copy(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its ``proof`` (a shallow copy; nested values are shared)."""
    return {k: v for k, v in document.items() if k != "proof"}


def add_proof(
    document: dict[str, Any],
    signer: Signer,
    *,
    cryptosuite: str = "eddsa-rdfc-2022",
    proof_purpose: str = "assertionMethod",
    created: datetime | None = None,
    expires: datetime | None = None,
    challenge: str | None = None,
    domain: str | None = None,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    loader: ContextLoader | None = None,
    copy_input: bool = True,
    canonical: Canonicalizer | None = None,
    mandatory_pointers: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Return a copy of ``document`` with one more proof (Data Integrity §4.2 Add Proof).
    (``copy_input=False`` is for callers that pass a private copy already; ``canonical``
    canonicalizes the unsecured document, see :meth:`Cryptosuite.hash_data`.)
    ``mandatory_pointers`` are for an ecdsa-sd-2023 base proof (our defaults when None).

    An existing proof makes a proof set (each proof signs the document without proofs);
    ``previous_proof`` makes a chain (the named earlier proofs are signed too, §4.3).
    """
    suite = get_suite(cryptosuite)
    options: dict[str, Any] = {"type": "DataIntegrityProof"}
    if proof_id is not None:
        options["id"] = proof_id
    if created is not None:
        options["created"] = format_datetime(created)
    if expires is not None:
        options["expires"] = format_datetime(expires)
    options["verificationMethod"] = signer.verification_method
    options["proofPurpose"] = proof_purpose
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    existing = [p for p in as_list(document.get("proof")) if isinstance(p, dict)]
    unsecured = unsecured_copy(document)
    if previous_proof is not None:
        options["previousProof"] = previous_proof
        unsecured["proof"] = _matching_previous(existing, previous_proof)
    if isinstance(suite, EcdsaSd2023):
        pointers = (
            default_mandatory_pointers(unsecured)
            if mandatory_pointers is None
            else mandatory_pointers
        )
        proof = suite.create_base_proof(unsecured, options, signer, pointers, loader)
    elif mandatory_pointers is not None:
        raise ProofError(f"mandatory pointers are for ecdsa-sd-2023, not {cryptosuite}")
    else:
        proof = suite.create_proof(unsecured, options, signer, loader, canonical)
    out = json_copy(unsecured_copy(document)) if copy_input else unsecured_copy(document)
    out["proof"] = [*existing, proof] if existing else proof
    return out


def _matching_previous(proofs: list[dict[str, Any]], previous: Any) -> list[dict[str, Any]]:
    wanted = as_list(previous)
    if not all(isinstance(w, str) for w in wanted):
        raise ProofError("previousProof must be a string or a list of strings")
    found = [p for p in proofs if p.get("id") in wanted]
    if len(found) != len(set(wanted)):
        missing = set(wanted) - {p.get("id") for p in found}
        raise ProofError(f"previousProof names proofs that are not present: {sorted(missing)}")
    return found


def unsecured_for_proof(
    document: dict[str, Any], proof: dict[str, Any], all_proofs: list[dict[str, Any]]
) -> dict[str, Any]:
    """The document a given proof signed (§4.4 Verify Proof, with §4.3 chains)."""
    unsecured = unsecured_copy(document)
    if "previousProof" in proof:
        unsecured["proof"] = _matching_previous(
            [p for p in all_proofs if p is not proof], proof["previousProof"]
        )
    return unsecured
