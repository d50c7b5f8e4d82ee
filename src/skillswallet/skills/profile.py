"""The skills profile: every skill the vault evidences, its strongest current evidence,
the credentials behind it, and how it developed over time. Pure: claims in, profile out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from .evidence import EvidenceLevel, SkillClaim

#: A skill's category: ESCO's transversal skills (work and personal skills that carry
#: across jobs) apart from the others.
TRANSVERSAL = "transversal"
SPECIFIC = "specific"


@dataclass(frozen=True)
class Upgrade:
    """A moment the skill's evidence became stronger."""

    date: datetime | None
    level: EvidenceLevel
    record_id: str
    issuer: str | None


@dataclass(frozen=True)
class ProfileSkill:
    """One skill of the profile."""

    uri: str
    label: str
    #: Strongest level among claims that have not expired (None: only expired claims).
    level: EvidenceLevel | None
    #: Strongest level ever evidenced, expired claims included.
    best_ever: EvidenceLevel
    category: str
    records: tuple[str, ...]
    first: datetime | None
    latest: datetime | None
    history: tuple[Upgrade, ...]
    proficiency: str | None = None
    #: How the current claims were checked when not by their credential's own proof
    #: offline (e.g. "fetched from the issuer's host and matched").
    checked: tuple[str, ...] = ()

    @property
    def expired(self) -> bool:
        """Every claim behind the skill has expired."""
        return self.level is None


@dataclass(frozen=True)
class SkillsProfile:
    """The holder's skills, strongest evidence first, then by label."""

    skills: tuple[ProfileSkill, ...]

    def get(self, uri: str) -> ProfileSkill | None:
        """The profile entry of the skill ``uri``, or None."""
        return next((s for s in self.skills if s.uri == uri), None)

    def level_of(self, uri: str) -> EvidenceLevel | None:
        """The skill's current level (None when not held, or only in expired credentials)."""
        found = self.get(uri)
        return found.level if found is not None else None


def build_profile(
    claims: Iterable[SkillClaim],
    *,
    label: Callable[[str], str | None] | None = None,
    is_transversal: Callable[[str], bool] | None = None,
) -> SkillsProfile:
    """Group claims by skill. ``label`` gives a skill's label in the wanted language (a
    taxonomy's); otherwise the label the credential states, otherwise the URI.
    ``is_transversal`` sorts skills into ESCO's transversal ones and the rest."""
    by_skill: dict[str, list[SkillClaim]] = {}
    for claim in claims:
        by_skill.setdefault(claim.skill, []).append(claim)
    skills = [_skill(uri, found, label, is_transversal) for uri, found in by_skill.items()]
    skills.sort(key=lambda s: (-(s.level or 0), -s.best_ever, s.label.casefold(), s.uri))
    return SkillsProfile(tuple(skills))


def _skill(
    uri: str,
    claims: list[SkillClaim],
    label: Callable[[str], str | None] | None,
    is_transversal: Callable[[str], bool] | None,
) -> ProfileSkill:
    ordered = sorted(claims, key=lambda c: (c.date is None, c.date or datetime.min, c.level))
    history: list[Upgrade] = []
    for claim in ordered:
        if not history or claim.level > history[-1].level:
            history.append(Upgrade(claim.date, claim.level, claim.record_id, claim.issuer))
    current = [c.level for c in claims if not c.expired]
    dates = [c.date for c in claims if c.date is not None]
    stated = next((c.label for c in ordered if c.label), None)
    # The proficiency stated by the strongest claim that states one (endorsements do not).
    stating = [c for c in claims if c.proficiency]
    strongest = max(stating, key=lambda c: (not c.expired, c.level)) if stating else None
    return ProfileSkill(
        uri=uri,
        label=(label(uri) if label else None) or stated or uri,
        level=max(current) if current else None,
        best_ever=max(c.level for c in claims),
        category=TRANSVERSAL if is_transversal and is_transversal(uri) else SPECIFIC,
        records=tuple(dict.fromkeys(c.record_id for c in ordered)),
        first=min(dates) if dates else None,
        latest=max(dates) if dates else None,
        history=tuple(history),
        proficiency=strongest.proficiency if strongest else None,
        checked=tuple(sorted({c.checked for c in claims if c.checked and not c.expired})),
    )
