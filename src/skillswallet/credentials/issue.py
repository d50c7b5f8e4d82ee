"""Issuing credentials: the issuer's side of the data flow (unsigned -> signed)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ..did.keys import Signer
from ..did.url import parse_did_url
from ..errors import InvalidDocumentError, SelectableMandatoryWarning
from .contextpolicy import context_problem, related_resource_problems
from .jsoncopy import json_copy
from .jsonld import canonicalize_expanded, expand
from .loader import ContextLoader, default_loader
from .model import as_list, issuer_id, validate_credential
from .plainform import direction_problems, signed_data_disagreements
from .proofs import add_proof, unsecured_copy
from .schema import default_registry
from .suites import get_suite
from .suites.ecdsa_sd_2023 import EcdsaSd2023, check_pointers, selectable_defaults


def issue_credential(
    credential: dict[str, Any],
    signer: Signer,
    *,
    cryptosuite: str = "eddsa-rdfc-2022",
    created: datetime | None = None,
    loader: ContextLoader | None = None,
    mandatory_pointers: Sequence[str] | None = None,
    check_schemas: bool = True,
) -> dict[str, Any]:
    """Sign a credential. Sets ``issuer`` to the signer's DID when absent, validates the
    structure (raising :class:`InvalidDocumentError` listing every problem), and adds an
    ``assertionMethod`` proof. The input is not modified.

    With ``cryptosuite="Ed25519Signature2020"`` the proof is of that legacy type, and the
    ``ed25519-2020/v1`` context it needs is added to the document's ``@context`` when absent.
    With ``cryptosuite="ecdsa-sd-2023"`` the proof is a base proof for the holder, who
    derives disclosed credentials from it (:func:`derive_credential`).
    ``mandatory_pointers`` (JSON Pointers) name what every disclosure must reveal; by
    default ``/issuer``, ``/validFrom``, ``/validUntil``, ``/type`` and
    ``/credentialStatus`` (those present). Pointers that leave one of those selectable
    are accepted with a :class:`SelectableMandatoryWarning`.
    ``check_schemas=False`` skips the ``credentialSchema`` check, for a caller that has
    just made it (a batch validates every row before it signs any).
    """
    if not isinstance(credential, dict):
        raise InvalidDocumentError("a credential must be a JSON object")
    doc = json_copy(credential)
    suite = get_suite(cryptosuite)
    needed = suite.required_context
    if needed is not None and isinstance(doc.get("@context"), list | str):
        contexts = as_list(doc["@context"])
        if needed not in contexts:  # (the proof's terms are defined there)
            doc["@context"] = [*contexts, needed]
    signer_did = parse_did_url(signer.verification_method).did
    if "issuer" not in doc:
        doc["issuer"] = signer_did
    problems = validate_credential(doc)
    if problems:
        raise InvalidDocumentError("the credential is not valid: " + "; ".join(problems))
    if suite.canonicalization == "rdfc":
        unsigned = direction_problems(doc)
        if unsigned:
            raise InvalidDocumentError("the credential is not valid: " + "; ".join(unsigned))
    # The verifier's context policy, so that we never issue what we would refuse.
    refused = context_problem(as_list(doc.get("@context")), loader or default_loader())
    if refused is not None:
        raise InvalidDocumentError(f"the credential's contexts: {refused[0]}")
    # VC DM 2.0 §5.3: a related resource we hold whose digest is wrong fails the verifier's
    # contexts check; refused here by the same function, not issued.
    mismatched = related_resource_problems(doc, loader or default_loader())
    if mismatched:
        raise InvalidDocumentError("the credential's relatedResource: " + "; ".join(mismatched))
    if issuer_id(doc) != signer_did:
        raise InvalidDocumentError(
            f"the credential's issuer {issuer_id(doc)!r} is not the signing key's DID "
            f"{signer_did!r}"
        )
    registry = default_registry()
    for entry in as_list(doc.get("credentialSchema") if check_schemas else None):
        schema_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(schema_id, str) and schema_id in registry:
            errors = registry.errors(schema_id, doc)
            if errors:
                raise InvalidDocumentError(
                    f"the credential does not match its schema {schema_id}: " + "; ".join(errors)
                )
    # What our verifier will ask of it: its JSON agrees with its expansion about every
    # property a check reads. The expansion is reused for an RDF suite's canonical form.
    unsecured = unsecured_copy(doc)
    expanded = expand(unsecured, loader)
    disagreements, _ = signed_data_disagreements(unsecured, expanded)
    if disagreements:
        raise InvalidDocumentError(
            "the credential's JSON says something its signed data would not: "
            + "; ".join(disagreements[:5])
        )
    if mandatory_pointers is not None and isinstance(suite, EcdsaSd2023):
        hideable = selectable_defaults(doc, check_pointers(doc, mandatory_pointers))
        if hideable:
            warnings.warn(
                SelectableMandatoryWarning(
                    "the holder will be able to hide "
                    + ", ".join(hideable)
                    + ": these mandatory pointers leave them selectable"
                ),
                stacklevel=2,
            )
    when = created if created is not None else datetime.now(UTC)
    return add_proof(
        doc,
        signer,
        cryptosuite=cryptosuite,
        created=when,
        loader=loader,
        copy_input=False,
        canonical=(lambda _: canonicalize_expanded(expanded))
        if suite.canonicalization == "rdfc"
        else None,
        mandatory_pointers=mandatory_pointers,
    )
