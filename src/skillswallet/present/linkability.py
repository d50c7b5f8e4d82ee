"""Linkability: can two verifiers tell that two presentations came from the same person?

A presentation carries values that are the same every time they are shown: the
credential's ``id`` (ecdsa-sd-2023 reveals the ids of the credential and of every object
on the way to what is disclosed), the issuer's signature (a credential shown whole
carries the same proof value each time; every disclosure derived from one ecdsa-sd-2023
base credential carries its base signature), the holder's DID and the subjects' ids.
Two verifiers comparing notes can link presentations that share any of them.

The wallet keeps, for each presentation, SHA-256 *handles* of these values
(in the encrypted disclosure log) and warns before a new presentation to another domain
shares one with an earlier one. Pure functions."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..credentials.model import as_list
from .disclosure import CredentialDisclosure

CREDENTIAL_ID = "credential-id"
SIGNATURE = "signature"
HOLDER = "holder"
SUBJECT = "subject"

#: kind -> (what the verifiers would see twice, what would avoid it)
_EXPLAINED = {
    CREDENTIAL_ID: (
        "the same credential id",
        "the id is shown with every disclosure of this credential; only another "
        "credential (a separate copy from the issuer, or one issued without an id) avoids it",
    ),
    SIGNATURE: (
        "the same issuer signature",
        "every presentation of this credential carries the issuer's same signature (ecdsa-"
        "sd-2023 disclosures of one base credential share its base signature); only a "
        "separately issued copy for each verifier avoids it",
    ),
    HOLDER: (
        "the same holder DID",
        "present as another DID ('skillswallet did create', then --as DID); credentials "
        "about your DID link you anyway",
    ),
    SUBJECT: (
        "the same subject DID",
        "the credential is about this DID and shows it; only credentials issued to "
        "another of your DIDs avoid it",
    ),
}


@dataclass(frozen=True)
class Handle:
    """One linkable value of a presentation: its kind, its SHA-256 handle, and the
    stored credential it comes from (None for the holder DID)."""

    kind: str
    digest: str
    record_id: str | None


@dataclass(frozen=True)
class EarlierPresentation:
    """What the disclosure log remembers of an earlier presentation."""

    disclosure_id: str
    at: str
    domain: str
    handles: dict[str, list[str]]


@dataclass(frozen=True)
class LinkabilityWarning:
    """This presentation could be linked to ``earlier`` ones made to other verifiers."""

    kind: str
    record_id: str | None
    #: (disclosure id, domain, when) of each earlier presentation it links to.
    earlier: tuple[tuple[str, str, str], ...]
    message: str
    advice: str

    def to_json(self) -> dict[str, Any]:
        """As JSON (for ``--json``)."""
        return {
            "kind": self.kind,
            "recordId": self.record_id,
            "earlier": [
                {"disclosureId": d, "domain": dom, "at": at} for d, dom, at in self.earlier
            ],
            "message": self.message,
            "advice": self.advice,
        }


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}\x00{value}".encode()).hexdigest()


def handles(holder: str, disclosures: Sequence[CredentialDisclosure]) -> list[Handle]:
    """The linkable values of a presentation by ``holder`` of these credentials."""
    out = [Handle(HOLDER, _digest(HOLDER, holder), None)]
    for item in disclosures:
        shown = item.said()
        if isinstance(shown.get("id"), str):
            out.append(Handle(CREDENTIAL_ID, _digest(CREDENTIAL_ID, shown["id"]), item.record_id))
        for subject in as_list(shown.get("credentialSubject")):
            # a subject that is the holder: the holder handle says it already
            subject_id = subject.get("id") if isinstance(subject, dict) else None
            if isinstance(subject_id, str) and subject_id != holder:
                out.append(Handle(SUBJECT, _digest(SUBJECT, subject_id), item.record_id))
        for signature in _signatures(item):
            out.append(Handle(SIGNATURE, _digest(SIGNATURE, signature), item.record_id))
    return out


def _signatures(item: CredentialDisclosure) -> list[str]:
    if item.base_signature is not None:
        return [base64.b64encode(item.base_signature).decode("ascii")]
    if item.compact is not None:  # the issuer's JWS signature, the same every time
        return [item.compact.split("~", 1)[0].rsplit(".", 1)[1]]
    return [
        str(proof["proofValue"])
        for proof in as_list(item.credential.get("proof"))
        if isinstance(proof, dict) and isinstance(proof.get("proofValue"), str)
    ]


def handles_json(found: Iterable[Handle]) -> dict[str, list[str]]:
    """The handles as the disclosure log keeps them: kind -> digests."""
    out: dict[str, list[str]] = {}
    for handle in found:
        if handle.digest not in out.setdefault(handle.kind, []):
            out[handle.kind].append(handle.digest)
    return out


def warnings_for(
    found: Sequence[Handle], domain: str, earlier: Iterable[EarlierPresentation]
) -> list[LinkabilityWarning]:
    """A warning for each linkable value this presentation shares with earlier
    presentations to *other* domains (the same verifier knows it is you already)."""
    links: dict[tuple[str, str | None], list[tuple[str, str, str]]] = {}
    by_digest = {(h.kind, h.digest): h for h in found}
    for past in earlier:
        if past.domain == domain:
            continue
        for kind, digests in past.handles.items():
            for digest in digests:
                handle = by_digest.get((kind, digest))
                if handle is not None:
                    entry = (past.disclosure_id, past.domain, past.at)
                    shared = links.setdefault((kind, handle.record_id), [])
                    if entry not in shared:
                        shared.append(entry)
    out = []
    for (kind, record_id), shared in links.items():
        what, advice = _EXPLAINED[kind]
        whose = f"credential {record_id}" if record_id else "this presentation"
        domains = ", ".join(sorted({d for _, d, _ in shared}))
        out.append(
            LinkabilityWarning(
                kind,
                record_id,
                tuple(shared),
                f"{whose} shows {what} as your earlier presentation"
                f"{'s' if len(shared) > 1 else ''} to {domains}: those verifiers could link "
                "them",
                advice,
            )
        )
    return out
