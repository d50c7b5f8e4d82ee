"""Deriving a disclosed credential: the holder's side of ecdsa-sd-2023 (base credential
in, a credential that reveals only what was chosen out)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import InvalidDocumentError, PointerError
from .loader import ContextLoader
from .model import as_list, validate_credential
from .suites.ecdsa_sd_2023 import NAME, add_derived_proof


def derive_credential(
    base_credential: dict[str, Any],
    selective_pointers: Sequence[str],
    *,
    loader: ContextLoader | None = None,
) -> dict[str, Any]:
    """The credential that reveals what ``selective_pointers`` (JSON Pointers) name, plus
    what the issuer made mandatory, with an ecdsa-sd-2023 derived proof that a verifier
    can check. The input is not modified.

    Raises :class:`PointerError` for a pointer that names nothing in the credential (a
    pointer to a mandatory field is fine: it is revealed anyway), :class:`ProofError` for
    a credential whose base proof is missing or does not match it, and
    :class:`InvalidDocumentError` when the disclosure would not be a valid credential.
    """
    if not isinstance(base_credential, dict):
        raise InvalidDocumentError("a credential must be a JSON object")
    if isinstance(selective_pointers, str):
        raise PointerError("give the JSON Pointers as a list, e.g. ['/credentialSubject/name']")
    proofs = [
        p
        for p in as_list(base_credential.get("proof"))
        if isinstance(p, dict) and p.get("cryptosuite") == NAME
    ]
    if len(proofs) != 1:
        raise InvalidDocumentError(
            f"the credential has {len(proofs) or 'no'} {NAME} proof"
            f"{'s' if len(proofs) > 1 else ''}; deriving needs exactly one base proof"
        )
    derived = add_derived_proof(base_credential, proofs[0], selective_pointers, loader)
    problems = validate_credential(derived)
    if problems:
        raise InvalidDocumentError(
            "the disclosed credential would not be a valid credential: "
            + "; ".join(problems)
            + " (disclose at least one field of what is missing)"
        )
    return derived
