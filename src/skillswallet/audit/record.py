"""An archivable verification: the verdict together with everything it rested on, so that
the decision can be re-checked offline later, and optionally signed by the verifier.

:func:`verify_recorded` runs :func:`~skillswallet.verify` through a recording DID resolver
and status source; :func:`audit_report` writes the result as a credential (type
``VerificationReport``, VC Data Model 2.0; its terms are defined by our pinned context
``urn:skillswallet:context:report:v1``) whose subject holds the verdict, the document
checked, the options, and the inputs with their SHA-256 digests (the contexts, status list
credentials, DID documents and trust lists used). Nested JSON is kept as JSON text, so
the report signs and verifies as plain data. :func:`check_report` decides it again from
the archived inputs alone, at the recorded time, and says whether the decision still
holds (and whether the verifier's signature does).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..credentials import jcs
from ..credentials.dates import format_datetime, parse_datetime
from ..credentials.loader import ContextLoader, default_loader
from ..credentials.model import as_list, is_presentation
from ..did.resolver import DIDResolver, KeyResolver, StaticResolver
from ..errors import InvalidDocumentError, StatusRetrievalError
from ..result import VerificationResult
from ..status.sources import StatusSource
from ..trust.lists import TrustList
from ..verify import verify

REPORT_TYPE = "VerificationReport"
#: Our pinned context defining the report's terms (bundled; see contexts/PROVENANCE.md).
REPORT_CONTEXT = "urn:skillswallet:context:report:v1"
#: The issuer of a report nobody signed (a URL, as the data model asks).
UNSIGNED = "urn:skillswallet:verifier:unsigned"


def sha256_of(value: Any) -> str:
    """The digest of a JSON value's canonical form (RFC 8785), or of a string's bytes."""
    data = value.encode("utf-8") if isinstance(value, str) else jcs.canonicalize(value)
    return hashlib.sha256(data).hexdigest()


class _RecordingResolver:
    def __init__(self, inner: DIDResolver) -> None:
        self._inner = inner
        self.documents: dict[str, dict[str, Any]] = {}

    def resolve(self, did: str) -> dict[str, Any]:
        document = self._inner.resolve(did)
        if not did.startswith("did:key:"):  # (a did:key document is its own DID)
            self.documents[did.split("#", 1)[0]] = document
        return document


class _RecordingStatus:
    def __init__(self, inner: StatusSource) -> None:
        self._inner = inner
        self.lists: dict[str, dict[str, Any]] = {}

    def get(self, url: str) -> dict[str, Any]:
        document = self._inner.get(url)
        self.lists[url] = document
        return document


class _ArchivedStatus:
    def __init__(self, lists: dict[str, dict[str, Any]]) -> None:
        self._lists = lists

    def get(self, url: str) -> dict[str, Any]:
        found = self._lists.get(url)
        if found is None:
            raise StatusRetrievalError(f"the report holds no status list {url}")
        return found


@dataclass(frozen=True)
class Inputs:
    """What a verification used besides the document and the clock."""

    contexts: dict[str, str] = field(default_factory=dict)  # URL -> sha256
    status_lists: dict[str, dict[str, Any]] = field(default_factory=dict)
    did_documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    trust_lists: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "contexts": self.contexts,
            "statusLists": {
                url: {"sha256": sha256_of(doc), "value": doc}
                for url, doc in self.status_lists.items()
            },
            "didDocuments": {
                did: {"sha256": sha256_of(doc), "value": doc}
                for did, doc in self.did_documents.items()
            },
            "trustLists": [{"sha256": sha256_of(t), "value": t} for t in self.trust_lists],
        }


def verify_recorded(
    document: Any,
    *,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    trust: Sequence[TrustList] = (),
    status: StatusSource | None = None,
    resolver: DIDResolver | None = None,
    loader: ContextLoader | None = None,
) -> tuple[VerificationResult, Inputs]:
    """:func:`~skillswallet.verify` of ``document``, and the inputs it used."""
    recording_resolver = _RecordingResolver(resolver or KeyResolver())
    recording_status = _RecordingStatus(status) if status is not None else None
    result = verify(
        document,
        now=now,
        challenge=challenge,
        domain=domain,
        trust=list(trust),
        status=recording_status,
        resolver=recording_resolver,
        loader=loader,
    )
    inputs = Inputs(
        contexts=_context_digests(document, loader or default_loader()),
        status_lists=dict(recording_status.lists) if recording_status else {},
        did_documents=dict(recording_resolver.documents),
        trust_lists=tuple(t.to_json() for t in trust),
    )
    return result, inputs


def _context_digests(document: Any, loader: ContextLoader) -> dict[str, str]:
    found: dict[str, str] = {}
    documents = [document] if isinstance(document, dict) else []
    if isinstance(document, dict) and is_presentation(document):
        documents += [
            c for c in as_list(document.get("verifiableCredential")) if isinstance(c, dict)
        ]
    for item in documents:
        for url in as_list(item.get("@context")):
            if isinstance(url, str) and url in loader and url not in found:
                found[url] = sha256_of(loader.load(url))
    return found


def audit_report(
    document: Any,
    result: VerificationResult,
    inputs: Inputs,
    *,
    checked_at: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    verifier: str | None = None,
) -> dict[str, Any]:
    """The unsigned report (a credential by ``verifier``, who may sign it)."""
    subject: dict[str, Any] = {
        "verified": result.verified,
        "checkedAt": format_datetime(checked_at),
        "documentSha256": sha256_of(document),
        "document": _text(document),  # (a compact JWT becomes a JSON string: one form)
        "checks": _text(result.to_json()["checks"]),
        "inputs": _text(inputs.to_json()),
    }
    if challenge is not None:
        subject["requestedChallenge"] = challenge
    if domain is not None:
        subject["requestedDomain"] = domain
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", REPORT_CONTEXT],
        "type": ["VerifiableCredential", REPORT_TYPE],
        "issuer": verifier or UNSIGNED,
        "validFrom": format_datetime(checked_at),
        "credentialSubject": subject,
    }


def archive_verification(
    document: Any,
    *,
    now: datetime,
    challenge: str | None = None,
    domain: str | None = None,
    trust: Sequence[TrustList] = (),
    status: StatusSource | None = None,
    resolver: DIDResolver | None = None,
) -> dict[str, Any]:
    """Verify ``document`` and return the unsigned report (:func:`audit_report`); a
    verifier signs it with :meth:`skillswallet.wallet.Wallet.sign_report`."""
    result, inputs = verify_recorded(
        document,
        now=now,
        challenge=challenge,
        domain=domain,
        trust=trust,
        status=status,
        resolver=resolver,
    )
    return audit_report(
        document, result, inputs, checked_at=now, challenge=challenge, domain=domain
    )


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class ReportCheck:
    """What :func:`check_report` found."""

    holds: bool
    #: Each difference between the archived decision and the one made again, in words.
    differences: tuple[str, ...]
    recorded_verified: bool
    #: The verification of the report's own proof (None: the report is unsigned).
    signature: VerificationResult | None


def check_report(report: Any, loader: ContextLoader | None = None) -> ReportCheck:
    """Decide the archived verification again from the report's own inputs, at its
    recorded time; :class:`InvalidDocumentError` when it is not such a report."""
    if not isinstance(report, dict) or REPORT_TYPE not in as_list(report.get("type")):
        raise InvalidDocumentError(f"not a skillswallet {REPORT_TYPE}")
    damaged = InvalidDocumentError(f"the {REPORT_TYPE} is damaged or incomplete")
    subject = report.get("credentialSubject")
    if not isinstance(subject, dict):
        raise damaged
    when = parse_datetime(subject.get("checkedAt"))
    if when is None:
        raise damaged
    try:
        document = json.loads(subject["document"])
        recorded = json.loads(subject["checks"])
        inputs = json.loads(subject["inputs"])
        lists = {url: e["value"] for url, e in inputs["statusLists"].items()}
        dids = {did: e["value"] for did, e in inputs["didDocuments"].items()}
        trust = [TrustList.from_json(e["value"]) for e in inputs["trustLists"]]
        verified_then = bool(subject["verified"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise damaged from None
    differences = []
    if sha256_of(document) != subject.get("documentSha256"):
        recorded_digest = subject.get("documentSha256")
        differences.append(f"the document's digest is not the one recorded ({recorded_digest})")
    loader = loader or default_loader()
    for url, digest in _context_digests_recorded(inputs).items():
        if url not in loader:
            differences.append(f"the context {url} is not pinned here")
        elif sha256_of(loader.load(url)) != digest:
            differences.append(f"the context {url} pinned here differs from the one used")
    again = verify(
        document,
        now=when,
        challenge=subject.get("requestedChallenge"),
        domain=subject.get("requestedDomain"),
        trust=trust,
        status=_ArchivedStatus(lists) if lists else None,
        resolver=StaticResolver(dids),
        loader=loader,
    )
    now_checks = [(c["id"], c["target"], c["status"]) for c in again.to_json()["checks"]]
    then_checks = [(c["id"], c["target"], c["status"]) for c in recorded]
    if now_checks != then_checks:
        changed = [f"{i} of {t}: {s}" for i, t, s in then_checks if (i, t, s) not in now_checks]
        differences.append("checks decided differently: was " + ", ".join(changed or ["-"]))
    if again.verified != verified_then:
        differences.append(f"the verdict is now {again.verified}, was {verified_then}")
    signature = None
    if report.get("proof") is not None:
        # (signed after the check: its proof is as recent as the signing, not the check)
        signature = verify(report, resolver=StaticResolver(dids), loader=loader)
    return ReportCheck(
        holds=not differences and (signature is None or signature.verified),
        differences=tuple(differences),
        recorded_verified=verified_then,
        signature=signature,
    )


def _context_digests_recorded(inputs: dict[str, Any]) -> dict[str, str]:
    contexts = inputs.get("contexts", {})
    return {str(k): str(v) for k, v in contexts.items()} if isinstance(contexts, dict) else {}
