"""RFC 9457 problem details: every error the service answers is one of these, with a
status, a short title, a detail for people and, for invalid input, the JSON Pointer of
each offending field (``errors``). Never a stack trace, never a secret."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

PROBLEM_JSON = "application/problem+json"
#: Our problem types (a URN: nothing to fetch).
TYPE_PREFIX = "urn:skillswallet:problem:"


@dataclass
class Problem(Exception):
    """An error answered as a problem body."""

    status: int
    title: str
    detail: str
    kind: str = "invalid-request"
    #: ``[{"pointer": "#/credential/issuer", "detail": "..."}]`` for invalid fields.
    errors: list[dict[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.title}: {self.detail}"

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": TYPE_PREFIX + self.kind,
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            out["errors"] = self.errors
        return out


def invalid(member: str, detail: str, *, at: str = "") -> Problem:
    """400 for one invalid member of the request (``member`` as a JSON Pointer path
    below ``at``, e.g. ``/issuer`` below ``/credential``)."""
    pointer = "#" + at + member
    return Problem(
        400,
        "Invalid request",
        f"{pointer[1:] or 'the body'}: {detail}",
        errors=[{"pointer": pointer, "detail": detail}],
    )


#: Members named in the data model's problem messages, most specific first.
_MEMBERS = (
    "credentialSubject.id",
    "issuer.id",
    "@context",
    "credentialSubject",
    "credentialSchema",
    "credentialStatus",
    "refreshService",
    "relatedResource",
    "termsOfUse",
    "evidence",
    "issuanceDate",
    "expirationDate",
    "validFrom",
    "validUntil",
    "issuer",
    "proof",
    "type",
    "id",
)


def pointer_of(problem: str) -> str:
    """The JSON Pointer of the member a data-model problem message is about ("" for the
    whole document)."""
    if "validity ends before it starts" in problem:
        return "/validUntil"
    for name in _MEMBERS:
        if re.search(rf"(?<![\w@.]){re.escape(name)}(?![\w])", problem):
            return "/" + name.replace(".", "/")
    return ""


def data_model_problem(problems: list[str], *, at: str) -> Problem:
    """400 for a document that breaks VC Data Model rules, one error per problem."""
    errors = [{"pointer": "#" + at + pointer_of(p), "detail": p} for p in problems]
    named = sorted({e["pointer"][1:] for e in errors})
    return Problem(
        400,
        "Invalid credential",
        "the credential breaks the VC Data Model 2.0 ("
        + ", ".join(n for n in named)
        + "): "
        + "; ".join(problems),
        kind="invalid-credential",
        errors=errors,
    )
