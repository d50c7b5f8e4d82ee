"""Verification verdicts as values: a list of checks, each with a status and a reason."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Outcome of one check. ``INCONCLUSIVE`` means "could not decide" and is never a pass."""

    PASSED = "passed"
    FAILED = "failed"
    INCONCLUSIVE = "inconclusive"
    SKIPPED = "skipped"


class CheckId(StrEnum):
    """The checks :func:`skillswallet.verify` can report, in the order they run."""

    STRUCTURE = "structure"
    CONTEXTS = "contexts"
    PROOF = "proof"
    #: SD-JWT: every disclosure matches exactly one digest the issuer signed.
    DISCLOSURES = "disclosures"
    ISSUER_BINDING = "issuer_binding"
    HOLDER_BINDING = "holder_binding"
    #: The presented credentials are about the presentation's signer (when asked for).
    SUBJECT_BINDING = "subject_binding"
    CHALLENGE = "challenge"
    DOMAIN = "domain"
    VALIDITY_PERIOD = "validity_period"
    STATUS = "status"
    TRUST = "trust"
    SCHEMA = "schema"
    #: The answer satisfies a presentation request (``check_response``; one per query).
    REQUEST = "request"


@dataclass(frozen=True)
class Check:
    """One check of one target (``"credential"``, ``"presentation"``, ``"credential[0]"``...)."""

    id: CheckId
    target: str
    status: Status
    reason: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """This check as JSON (the report's per-check entry)."""
        out: dict[str, Any] = {
            "id": self.id.value,
            "target": self.target,
            "status": self.status.value,
            "reason": self.reason,
        }
        if self.detail:
            out["detail"] = self.detail
        return out


@dataclass(frozen=True)
class VerificationResult:
    """The verdict: ``verified`` is true only when no check failed or was inconclusive
    and at least one check passed."""

    checks: tuple[Check, ...]

    @property
    def verified(self) -> bool:
        """True only when every check passed or was skipped for a stated reason; never when one
        failed or could not be decided."""
        if not self.checks:
            return False
        bad = {Status.FAILED, Status.INCONCLUSIVE}
        return all(c.status not in bad for c in self.checks) and any(
            c.status is Status.PASSED for c in self.checks
        )

    def __bool__(self) -> bool:
        return self.verified

    def __iter__(self) -> Iterator[Check]:
        return iter(self.checks)

    def check(self, check_id: CheckId | str, target: str | None = None) -> Check:
        """Return the first check with this id (and target, if given)."""
        wanted = CheckId(check_id)
        for c in self.checks:
            if c.id is wanted and (target is None or c.target == target):
                return c
        raise LookupError(f"no check {wanted.value!r} for target {target!r}")

    @property
    def failures(self) -> tuple[Check, ...]:
        """The checks that failed or could not be decided (inconclusive)."""
        return tuple(c for c in self.checks if c.status in (Status.FAILED, Status.INCONCLUSIVE))

    def to_json(self) -> dict[str, Any]:
        """The report as JSON (the shape the CLI's ``--json`` and the VC API service give)."""
        return {"verified": self.verified, "checks": [c.to_json() for c in self.checks]}
