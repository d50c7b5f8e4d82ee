"""Verification results in the VC API's shape: ``verified``, ``problemDetails`` (one per
check that failed or could not decide, typed with the VC specifications' error names),
``results`` (validFrom, validUntil, proof, credentialStatus), and our ``checks`` in full."""

from __future__ import annotations

from typing import Any

from ..credentials.model import as_list
from ..result import Check, CheckId, Status, VerificationResult

_VCDM = "https://www.w3.org/TR/vc-data-model-2.0/#"
_DI = "https://www.w3.org/TR/vc-data-integrity/#"
_BSL = "https://www.w3.org/TR/vc-bitstring-status-list/#"

_TYPES: dict[CheckId, tuple[str, str]] = {
    CheckId.STRUCTURE: (_VCDM + "MALFORMED_VALUE_ERROR", "Malformed value"),
    CheckId.CONTEXTS: (_VCDM + "MALFORMED_VALUE_ERROR", "Unaccepted context"),
    CheckId.PROOF: (_DI + "PROOF_VERIFICATION_ERROR", "Proof verification error"),
    CheckId.ISSUER_BINDING: (_VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR", "Issuer not bound"),
    CheckId.HOLDER_BINDING: (_VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR", "Holder not bound"),
    CheckId.CHALLENGE: (_DI + "INVALID_CHALLENGE_ERROR", "Invalid challenge"),
    CheckId.DOMAIN: (_DI + "INVALID_DOMAIN_ERROR", "Invalid domain"),
    CheckId.VALIDITY_PERIOD: (_VCDM + "RANGE_ERROR", "Outside the validity period"),
    CheckId.STATUS: (_BSL + "STATUS_VERIFICATION_ERROR", "Status"),
    CheckId.TRUST: ("urn:skillswallet:problem:untrusted-issuer", "Untrusted issuer"),
    CheckId.SCHEMA: (_VCDM + "MALFORMED_VALUE_ERROR", "Schema violation"),
    CheckId.REQUEST: ("urn:skillswallet:problem:request-not-met", "Request not met"),
}
_BAD = (Status.FAILED, Status.INCONCLUSIVE)


def _verdict(checks: list[Check]) -> bool:
    return bool(checks) and VerificationResult(tuple(checks)).verified


def _problems(checks: list[Check]) -> list[dict[str, Any]]:
    out = []
    for check in checks:
        if check.status in _BAD:
            kind, title = _TYPES.get(check.id, (_VCDM + "MALFORMED_VALUE_ERROR", check.id))
            out.append(
                {
                    "type": kind,
                    "title": title if check.status is Status.FAILED else f"{title} (undecided)",
                    "detail": check.reason,
                }
            )
    return out


def _status_of(checks: list[Check], check_id: CheckId) -> Status | None:
    return next((c.status for c in checks if c.id is check_id), None)


def _credential_results(document: Any, checks: list[Check]) -> dict[str, Any]:
    if not isinstance(document, dict):
        return {}
    results: dict[str, Any] = {}
    validity = _status_of(checks, CheckId.VALIDITY_PERIOD)
    for name in ("validFrom", "validUntil"):
        if isinstance(document.get(name), str):
            results[name] = {"verified": validity is Status.PASSED, "input": document[name]}
    proof = _status_of(checks, CheckId.PROOF)
    results["proof"] = [
        {"verified": proof is Status.PASSED, "input": p}
        for p in as_list(document.get("proof"))
        if isinstance(p, dict)
    ]
    status = _status_of(checks, CheckId.STATUS)
    entries = [e for e in as_list(document.get("credentialStatus")) if isinstance(e, dict)]
    if entries:
        results["credentialStatus"] = [
            {"verified": status is Status.PASSED, "input": e} for e in entries
        ]
    return results


def credential_report(
    result: VerificationResult, document: Any, *, target: str = "credential"
) -> dict[str, Any]:
    checks = [c for c in result.checks if c.target == target]
    return {
        "verified": _verdict(checks),
        "problemDetails": _problems(checks),
        "results": _credential_results(document, checks),
        "checks": [c.to_json() for c in checks],
    }


def presentation_report(result: VerificationResult, document: Any) -> dict[str, Any]:
    own = [c for c in result.checks if c.target == "presentation"]
    proof = _status_of(own, CheckId.PROOF)
    presentation: dict[str, Any] = {
        "proof": [
            {"verified": proof is Status.PASSED, "input": p}
            for p in as_list(document.get("proof") if isinstance(document, dict) else None)
            if isinstance(p, dict)
        ]
    }
    for check_id, name in (
        (CheckId.CHALLENGE, "challenge"),
        (CheckId.DOMAIN, "domain"),
        (CheckId.HOLDER_BINDING, "holder"),
    ):
        status = _status_of(own, check_id)
        if status is not None and status is not Status.SKIPPED:
            presentation[name] = {"verified": status is Status.PASSED}
    inner = as_list(document.get("verifiableCredential")) if isinstance(document, dict) else []
    credentials = [
        credential_report(result, vc, target=f"credential[{n}]") for n, vc in enumerate(inner)
    ]
    return {
        "verified": result.verified,
        "problemDetails": _problems(own),
        "results": {"presentation": presentation, "credentials": credentials},
        "checks": [c.to_json() for c in result.checks],
    }
