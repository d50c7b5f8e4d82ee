"""Is the issuer trusted for *this* claim? The verifier's question, answered from
trusted-issuer lists (:mod:`.lists`): trusted, known but not for this claim, or unknown,
with the lists consulted and why. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ..credentials.dates import format_datetime
from .lists import TrustEntry, TrustList

if TYPE_CHECKING:  # (skills reads trust lists: no import cycle at run time)
    from ..skills.claimed import Claimed

#: Kinds of claim that are about skills alone: a framework scope (a URI prefix) covers
#: them when it covers every skill they name. (A diploma says more than its skills.)
_SKILL_KINDS = frozenset({"skill", "badge"})


class TrustVerdict(StrEnum):
    TRUSTED = "trusted"
    NOT_FOR_THIS = "known but not for this claim"
    UNKNOWN = "unknown"
    #: No list could be relied on (every one expired).
    NO_LIST = "no usable list"


@dataclass(frozen=True)
class TrustAssessment:
    verdict: TrustVerdict
    reason: str
    #: The names of the lists consulted (in the order given).
    lists: tuple[str, ...]
    entry: TrustEntry | None = None
    list_name: str | None = None


def assess_trust(lists: Sequence[TrustList], claimed: Claimed, now: datetime) -> TrustAssessment:
    """Whether the lists trust the credential's issuer for what it claims, as of ``now``
    (an expired list is not consulted); the accreditation must cover the date the claim
    was made (else ``now``)."""
    usable = [t for t in lists if t.valid_until is None or now <= t.valid_until]
    names = tuple(t.name or "(unnamed list)" for t in lists)
    if not usable:
        expired = ", ".join(
            f"{t.name or '(unnamed list)'} (until {format_datetime(t.valid_until)})"
            for t in lists
            if t.valid_until is not None
        )
        return TrustAssessment(
            TrustVerdict.NO_LIST, f"every trust list given has expired: {expired}", names
        )
    known: list[str] = []
    for trust_list in usable:
        for entry in trust_list.entries:
            if entry.issuer != claimed.issuer:
                continue
            why_not = _not_covered(entry, claimed, claimed.issued or now)
            who = entry.name or entry.issuer
            if why_not is None:
                return TrustAssessment(
                    TrustVerdict.TRUSTED,
                    f"{who} is trusted for this {claimed.kind} by {trust_list.name!r}",
                    names,
                    entry,
                    trust_list.name,
                )
            known.append(f"{trust_list.name!r} trusts {who} {why_not}")
    if known:
        return TrustAssessment(TrustVerdict.NOT_FOR_THIS, "; ".join(known), names)
    consulted = ", ".join(repr(t.name) for t in usable)
    return TrustAssessment(
        TrustVerdict.UNKNOWN,
        f"the issuer {claimed.issuer} is in none of the trust lists ({consulted})",
        names,
    )


def _not_covered(entry: TrustEntry, claimed: Claimed, at: datetime) -> str | None:
    """None when the entry covers the claim; else why not, as the rest of a sentence."""
    if entry.valid_from is not None and at < entry.valid_from:
        return f"only from {format_datetime(entry.valid_from)}, and this was issued before"
    if entry.valid_until is not None and at > entry.valid_until:
        return f"only until {format_datetime(entry.valid_until)}, and this was issued after"
    skills = [uri for uri, _ in claimed.skills]
    prefixes = [scope for scope in entry.scopes if ":" in scope]
    by_kind = "*" in entry.scopes or claimed.kind in entry.scopes
    by_framework = (
        claimed.kind in _SKILL_KINDS
        and bool(skills)
        and all(any(uri.startswith(p) for p in prefixes) for uri in skills)
    )
    if not by_kind and not by_framework:
        scopes = ", ".join(entry.scopes)
        return f"for {scopes}, not for this {claimed.kind}"
    if entry.types and not set(entry.types).intersection(claimed.types):
        return f"only for {', '.join(entry.types)} credentials, not {', '.join(claimed.types)}"
    beyond = [level for level in claimed.eqf_levels if level not in entry.eqf_levels]
    if entry.eqf_levels and beyond:
        allowed = ", ".join(str(n) for n in entry.eqf_levels)
        return f"for EQF levels {allowed}, not EQF {', '.join(str(n) for n in beyond)}"
    return None
