"""Structural rules of VC Data Model 2.0 (and 1.1 for reading): clear messages, no JSON-LD.

These run before any cryptography, on plain JSON. They return a list of problems (empty
when the shape is right) so verification can report every one of them at once.
"""

from __future__ import annotations

from typing import Any

from .dates import parse_datetime
from .plainform import as_list as as_list  # re-exported: the shared list helper
from .plainform import plain_form_problems
from .types import has_type, type_terms

VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
#: Credentials one presentation may carry (each is verified on its own).
MAX_PRESENTED = 1000
VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1"


def is_url(value: Any) -> bool:
    return (
        isinstance(value, str) and ":" in value and not value.startswith(":") and " " not in value
    )


def vc_version(document: dict[str, Any]) -> int | None:
    """2 for VC Data Model 2.0, 1 for 1.1, None when the first context is neither."""
    contexts = as_list(document.get("@context"))
    if not contexts:
        return None
    if contexts[0] == VC_V2_CONTEXT:
        return 2
    if contexts[0] == VC_V1_CONTEXT:
        return 1
    return None


def is_presentation(document: dict[str, Any]) -> bool:
    return has_type(document, "VerifiablePresentation")


def text_value(value: Any) -> str | None:
    """A plain string, or a language value object's string (the first of several)."""
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            return item
        if isinstance(item, dict) and isinstance(item.get("@value"), str):
            return str(item["@value"])
    return None


def issuer_id(document: dict[str, Any]) -> str | None:
    issuer = document.get("issuer")
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, dict) and isinstance(issuer.get("id"), str):
        return str(issuer["id"])
    return None


def _check_common(document: dict[str, Any], kind: str, problems: list[str]) -> int | None:
    version = vc_version(document)
    if "@context" not in document:
        problems.append("@context is missing")
    elif version is None:
        problems.append(
            f"the first @context must be {VC_V2_CONTEXT} (or {VC_V1_CONTEXT} for VC 1.1)"
        )
    for ctx in as_list(document.get("@context")):
        if not isinstance(ctx, (str, dict)):
            problems.append("every @context entry must be a URL or an object")
    types = as_list(document.get("type"))
    if not types:
        problems.append("type is missing")
    elif not all(isinstance(t, str) for t in types):
        problems.append("type must be a string or a list of strings")
    elif kind not in type_terms(types):
        problems.append(f"type must include {kind!r}")
    if "id" in document and not is_url(document["id"]):
        problems.append("id must be a URL")
    return version


def _check_typed_objects(value: Any, name: str, problems: list[str], *, need_id: bool) -> None:
    for item in as_list(value):
        if not isinstance(item, dict):
            problems.append(f"each {name} must be an object")
            continue
        if not as_list(item.get("type")):
            problems.append(f"each {name} needs a type")
        if need_id and not is_url(item.get("id")):
            problems.append(f"each {name} needs an id URL")
        elif "id" in item and not is_url(item["id"]):
            problems.append(f"{name}.id must be a URL")


def _check_text(value: Any, name: str, problems: list[str]) -> None:
    """VC 2.0 §4.6: ``name`` and ``description`` are each a string or a language value
    object (§11.1), or several of them; the value objects' own rules are the plain form's."""
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, str) and not (isinstance(item, dict) and "@value" in item):
            problems.append(
                f"{name} must be a string or a language value object (VC Data Model 2.0 "
                f"§4.6), not {type(item).__name__ if not isinstance(item, dict) else 'an object'}"
            )
            return


def _check_names(document: dict[str, Any], problems: list[str]) -> None:
    """``name`` and ``description`` where the VC v2 context defines them: on the credential
    or presentation and on its issuer object."""
    for term in ("name", "description"):
        if term in document:
            _check_text(document[term], term, problems)
        issuer = document.get("issuer")
        if isinstance(issuer, dict) and term in issuer:
            _check_text(issuer[term], f"issuer.{term}", problems)


def _check_related_resources(value: Any, problems: list[str]) -> None:
    """VC 2.0 §5.3: each related resource is an object with an id URL (one per resource)
    and a digest of what it holds (``digestSRI`` or ``digestMultibase``)."""
    if value is None:
        return
    seen: set[str] = set()
    for item in as_list(value):
        if not isinstance(item, dict):
            problems.append("each relatedResource must be an object")
            continue
        resource = item.get("id")
        if not isinstance(resource, str) or not is_url(resource):
            problems.append("each relatedResource needs an id URL")
        elif resource in seen:
            problems.append(f"relatedResource lists {str(resource)[:80]!r} twice")
        else:
            seen.add(resource)
        if not any(isinstance(item.get(d), str) for d in ("digestSRI", "digestMultibase")):
            problems.append("each relatedResource needs a digestSRI or digestMultibase")


def _check_proofs(document: dict[str, Any], problems: list[str]) -> None:
    if "proof" not in document:
        return
    proofs = as_list(document["proof"])
    if not proofs:
        problems.append("proof must not be empty")
    for proof in proofs:
        if not isinstance(proof, dict):
            problems.append("each proof must be an object")


def validate_credential(document: Any) -> list[str]:
    """Problems with a credential's structure (VC 2.0, or 1.1 by its context)."""
    if not isinstance(document, dict):
        return ["a credential must be a JSON object"]
    problems: list[str] = []
    version = _check_common(document, "VerifiableCredential", problems)

    issuer = document.get("issuer")
    if issuer is None:
        problems.append("issuer is missing")
    elif isinstance(issuer, dict):
        if not is_url(issuer.get("id")):
            problems.append("issuer.id must be a URL")
    elif not is_url(issuer):
        problems.append("issuer must be a URL or an object with an id")

    subjects = as_list(document.get("credentialSubject"))
    if not subjects:
        problems.append("credentialSubject is missing")
    for subject in subjects:
        if not isinstance(subject, dict):
            problems.append("credentialSubject must be an object (or a list of objects)")
        elif not subject:
            problems.append("credentialSubject must not be empty")
        elif "id" in subject and not is_url(subject["id"]):
            problems.append("credentialSubject.id must be a URL")

    if version == 1:
        # The v1 context defines validFrom/validUntil too (same IRIs): checked as well.
        dates = {
            "issuanceDate": True,
            "expirationDate": False,
            "validFrom": False,
            "validUntil": False,
        }
    else:
        dates = {"validFrom": False, "validUntil": False}
        for legacy in ("issuanceDate", "expirationDate"):
            if legacy in document:
                problems.append(f"{legacy} is a VC 1.1 property; VC 2.0 uses validFrom/validUntil")
    for name, required in dates.items():
        if name not in document:
            if required:
                problems.append(f"{name} is missing")
        elif parse_datetime(document[name], require_timezone=version == 2) is None:
            problems.append(
                f"{name} is not a valid date-time with a time zone: {str(document[name])[:40]!r}"
            )
    start = parse_datetime(
        document.get("validFrom") or document.get("issuanceDate"), require_timezone=False
    )
    end = parse_datetime(
        document.get("validUntil") or document.get("expirationDate"), require_timezone=False
    )
    if start and end and end < start:
        problems.append("the credential's validity ends before it starts")

    _check_typed_objects(
        document.get("credentialStatus"), "credentialStatus", problems, need_id=False
    )
    _check_typed_objects(
        document.get("credentialSchema"), "credentialSchema", problems, need_id=True
    )
    _check_typed_objects(document.get("evidence"), "evidence", problems, need_id=False)
    _check_typed_objects(document.get("termsOfUse"), "termsOfUse", problems, need_id=False)
    _check_typed_objects(document.get("refreshService"), "refreshService", problems, need_id=False)
    _check_typed_objects(document.get("renderMethod"), "renderMethod", problems, need_id=False)
    _check_typed_objects(
        document.get("confidenceMethod"), "confidenceMethod", problems, need_id=False
    )
    _check_related_resources(document.get("relatedResource"), problems)
    _check_names(document, problems)
    _check_proofs(document, problems)
    problems.extend(plain_form_problems(document))
    return problems


def validate_presentation(document: Any) -> list[str]:
    """Problems with a presentation's own structure (embedded credentials are checked apart)."""
    if not isinstance(document, dict):
        return ["a presentation must be a JSON object"]
    problems: list[str] = []
    _check_common(document, "VerifiablePresentation", problems)
    holder = document.get("holder")
    if holder is not None:
        holder_id = holder.get("id") if isinstance(holder, dict) else holder
        if not is_url(holder_id):
            problems.append("holder must be a URL or an object with an id")
    presented = as_list(document.get("verifiableCredential"))
    if len(presented) > MAX_PRESENTED:
        problems.append(
            f"{len(presented)} credentials presented; at most {MAX_PRESENTED} are accepted"
        )
        return problems
    for index, vc in enumerate(presented):
        if not isinstance(vc, dict):
            problems.append(
                "each verifiableCredential must be an object, not a number, string or URL "
                "(VC Data Model 2.0 §4.13)"
            )
            break
        if has_type(vc, "EnvelopedVerifiableCredential"):
            _check_enveloped(vc, f"verifiableCredential[{index}]", problems)
    _check_names(document, problems)
    _check_proofs(document, problems)
    # Each credential inside is checked apart, as its own document.
    problems.extend(
        plain_form_problems({k: v for k, v in document.items() if k != "verifiableCredential"})
    )
    return problems


def _check_enveloped(vc: dict[str, Any], where: str, problems: list[str]) -> None:
    """VC 2.0 §4.13.1: an enveloped credential has an @context (defining its terms), an id
    that is a ``data:`` URL and the type EnvelopedVerifiableCredential. What the data: URL
    holds is checked apart, as that credential (:mod:`skillswallet.jose.envelope`)."""
    if VC_V2_CONTEXT not in as_list(vc.get("@context")):
        problems.append(f"{where}: an enveloped credential's @context must include {VC_V2_CONTEXT}")
    if not (isinstance(vc.get("id"), str) and str(vc["id"]).startswith("data:")):
        problems.append(f"{where}: an enveloped credential's id must be a data: URL")


def holder_id(document: dict[str, Any]) -> str | None:
    holder = document.get("holder")
    if isinstance(holder, str):
        return holder
    if isinstance(holder, dict) and isinstance(holder.get("id"), str):
        return str(holder["id"])
    return None
