"""Presentation requests: what a verifier asks for, as a W3C Verifiable Presentation
Request (VPR) with ``QueryByExample`` queries, a ``challenge`` and a ``domain``.

Supported in each ``credentialQuery``: ``example`` (``type``, ``credentialSubject``
fields and any other property, matched as described in
:mod:`skillswallet.present.matching`; ``@context`` is not matched), ``trustedIssuer``
(the credential's issuer must be one of those listed), ``required`` (default true;
optional queries are not answered: data minimisation) and ``reason``.

Our documented extension, ``requiredSkills``: a list of ``{"id": SKILL_URI,
"minimumEvidenceLevel": "self" | "endorsed" | "assessed" | "accredited"}`` (the level is
optional). The credential must claim each skill (an Open Badges alignment to it) about
the presenting holder, at that evidence level or above as the verifier sees it
(:mod:`skillswallet.skills.evidence`). Wallets that do not know the extension see only
the example. ``DIDAuthentication`` queries are answered by the presentation's proof.

A request here always has a ``challenge`` and a ``domain``: a presentation made without
them could be replayed to anyone."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..credentials.model import VC_V2_CONTEXT, as_list, is_url
from ..errors import RequestError
from ..skills.evidence import EvidenceLevel

QUERY_BY_EXAMPLE = "QueryByExample"
DID_AUTHENTICATION = "DIDAuthentication"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
#: Bounds on what a request may ask (a request is untrusted input to the holder).
MAX_QUERIES = 64
MAX_TEXT = 2000


@dataclass(frozen=True)
class SkillRequirement:
    """A skill (its URI, e.g. an ESCO skill) and the lowest evidence level accepted
    (None: any, self-assessments included)."""

    uri: str
    min_level: EvidenceLevel | None = None

    def to_json(self) -> dict[str, Any]:
        """As JSON, as it appears in a request."""
        out: dict[str, Any] = {"id": self.uri}
        if self.min_level is not None:
            out["minimumEvidenceLevel"] = self.min_level.label
        return out


@dataclass(frozen=True)
class CredentialQuery:
    """One ``credentialQuery`` of a ``QueryByExample``: a credential is asked for."""

    #: Where it is in the request, e.g. ``query[0].credentialQuery[1]``.
    path: str
    example: dict[str, Any] = field(default_factory=dict)
    trusted_issuers: tuple[str, ...] = ()
    skills: tuple[SkillRequirement, ...] = ()
    required: bool = True
    reason: str | None = None

    @property
    def types(self) -> list[str]:
        """The credential types this query asks for."""
        return [t for t in as_list(self.example.get("type")) if isinstance(t, str)]

    def describe(self) -> str:
        """A short human description: ``a credential for skill X (assessed or above)``."""
        parts = []
        for skill in self.skills:
            level = f" ({skill.min_level.label} or above)" if skill.min_level else ""
            parts.append(f"skill {skill.uri}{level}")
        wanted = [t for t in self.types if t != "VerifiableCredential"]
        if wanted:
            parts.append("type " + ", ".join(wanted))
        fields = sorted(_field_names(self.example.get("credentialSubject")))
        if fields:
            parts.append("subject fields " + ", ".join(fields))
        if self.trusted_issuers:
            parts.append("issued by " + " or ".join(self.trusted_issuers))
        return "a credential with " + "; ".join(parts) if parts else "any credential"


def _field_names(value: Any, prefix: str = "") -> list[str]:
    if not isinstance(value, dict):
        return [prefix] if prefix else []
    out = []
    for key, item in value.items():
        out.extend(_field_names(item, f"{prefix}.{key}" if prefix else key))
    return out


@dataclass(frozen=True)
class PresentationRequest:
    """A parsed request: its queries, challenge and domain, and the JSON it came from."""

    challenge: str
    domain: str
    queries: tuple[CredentialQuery, ...]
    #: ``query`` entries of other types, by type (DIDAuthentication is answered by the
    #: proof itself; anything else cannot be answered).
    other_queries: tuple[str, ...]
    source: dict[str, Any]

    @property
    def required(self) -> tuple[CredentialQuery, ...]:
        """The queries an answer must satisfy (the others are optional)."""
        return tuple(q for q in self.queries if q.required)


def new_request(
    *,
    domain: str,
    challenge: str | None = None,
    skills: Sequence[SkillRequirement] = (),
    types: Sequence[str] = (),
    issuers: Sequence[str] = (),
    subject_fields: Sequence[str] = (),
    reason: str | None = None,
) -> dict[str, Any]:
    """A VPR asking for credentials: one required ``credentialQuery`` per skill (each
    may be answered by a different credential), or one for the type/fields when no skill
    is asked. ``types``, ``issuers`` (trusted issuers) and ``subject_fields`` (names that
    must be present in ``credentialSubject``) apply to every query. ``challenge`` is a
    fresh random one unless given."""
    example: dict[str, Any] = {"@context": [VC_V2_CONTEXT, OB3_CONTEXT]}
    if types:
        example["type"] = list(dict.fromkeys(["VerifiableCredential", *types]))
    if subject_fields:
        subject: dict[str, Any] = {}
        for name in subject_fields:
            node = subject
            steps = name.split(".")
            for step in steps[:-1]:
                node = node.setdefault(step, {})
            node[steps[-1]] = ""
        example["credentialSubject"] = subject
    base: dict[str, Any] = {"required": True}
    if reason:
        base["reason"] = reason
    base["example"] = example
    if issuers:
        base["trustedIssuer"] = [{"required": True, "issuer": i} for i in issuers]
    queries = [{**base, "requiredSkills": [s.to_json()]} for s in skills] or [base]
    request = {
        "query": [{"type": QUERY_BY_EXAMPLE, "credentialQuery": queries}],
        "challenge": challenge if challenge is not None else secrets.token_urlsafe(16),
        "domain": domain,
    }
    parse_request(request)  # what we make, we accept
    return request


def parse_request(data: Any) -> PresentationRequest:
    """Check and read a VPR. :class:`RequestError` names the field at fault."""
    if not isinstance(data, dict):
        raise RequestError("a presentation request must be a JSON object")
    root = data.get("verifiablePresentationRequest", data)  # as VC-API exchanges wrap it
    if not isinstance(root, dict):
        raise RequestError("verifiablePresentationRequest must be an object")
    challenge = _text(root.get("challenge"), "challenge", required=True)
    domain = _text(root.get("domain"), "domain", required=True)
    assert challenge is not None and domain is not None
    entries = as_list(root.get("query"))
    if not entries:
        raise RequestError("query: the request asks for nothing (no query)")
    if len(entries) > MAX_QUERIES:
        raise RequestError(f"query: at most {MAX_QUERIES} queries are accepted")
    queries: list[CredentialQuery] = []
    others: list[str] = []
    for qi, entry in enumerate(entries):
        where = f"query[{qi}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            raise RequestError(f"{where}: each query must be an object with a type string")
        if entry["type"] != QUERY_BY_EXAMPLE:
            others.append(entry["type"])
            continue
        credential_queries = as_list(entry.get("credentialQuery"))
        if not credential_queries:
            raise RequestError(f"{where}.credentialQuery: a QueryByExample needs one")
        for ci, item in enumerate(credential_queries):
            queries.append(_credential_query(item, f"{where}.credentialQuery[{ci}]"))
    if len(queries) > MAX_QUERIES:
        raise RequestError(f"query: at most {MAX_QUERIES} credential queries are accepted")
    return PresentationRequest(challenge, domain, tuple(queries), tuple(others), data)


def _credential_query(item: Any, where: str) -> CredentialQuery:
    if not isinstance(item, dict):
        raise RequestError(f"{where}: must be an object")
    example = item.get("example", {})
    if not isinstance(example, dict):
        raise RequestError(f"{where}.example: must be an object")
    if not all(isinstance(t, str) for t in as_list(example.get("type"))):
        raise RequestError(f"{where}.example.type: must be a string or a list of strings")
    subject = example.get("credentialSubject", {})
    if not isinstance(subject, dict):
        raise RequestError(f"{where}.example.credentialSubject: must be an object")
    required = item.get("required", True)
    if not isinstance(required, bool):
        raise RequestError(f"{where}.required: must be true or false")
    issuers = []
    for ii, trusted in enumerate(as_list(item.get("trustedIssuer"))):
        issuer = trusted.get("issuer") if isinstance(trusted, dict) else None
        if not is_url(issuer):
            raise RequestError(f"{where}.trustedIssuer[{ii}].issuer: must be a DID or URL")
        issuers.append(str(issuer))
    skills = []
    for si, skill in enumerate(as_list(item.get("requiredSkills"))):
        at = f"{where}.requiredSkills[{si}]"
        if not isinstance(skill, dict) or not is_url(skill.get("id")):
            raise RequestError(f"{at}.id: must be the skill's URI")
        level = skill.get("minimumEvidenceLevel")
        try:
            parsed = EvidenceLevel.parse(level) if isinstance(level, str) else None
        except ValueError as exc:
            raise RequestError(f"{at}.minimumEvidenceLevel: {exc}") from None
        if level is not None and parsed is None:
            raise RequestError(f"{at}.minimumEvidenceLevel: must be a string")
        skills.append(SkillRequirement(str(skill["id"]), parsed))
    return CredentialQuery(
        where,
        example,
        tuple(issuers),
        tuple(skills),
        required,
        _text(item.get("reason"), f"{where}.reason", required=False),
    )


def _text(value: Any, where: str, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RequestError(
            f"{where}: the request has no {where}"
            if value is None
            else f"{where}: must be a non-empty string"
        )
    if len(value) > MAX_TEXT:
        raise RequestError(f"{where}: longer than {MAX_TEXT} characters")
    return value
