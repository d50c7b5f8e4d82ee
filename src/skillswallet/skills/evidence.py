"""Evidence levels: how strongly each skill claim is backed (the heart of "civil value").

One pure function decides, for every skill a credential claims::

    self < endorsed < assessed < accredited

* **self**: the holder asserts it (the credential is issued by one of the holder's DIDs);
* **endorsed**: someone else vouches for it, in a verified endorsement (OB 3.0
  ``EndorsementCredential``) whose subject is the holder, aligned to the skill;
* **assessed**: a verified credential from an issuer other than the holder;
* **accredited**: assessed, by an issuer that the trust list names for that kind of claim
  (:mod:`skillswallet.trust`).

Only credentials about the holder count (a subject id that is one of the holder's DIDs).
Unverified credentials never raise a level: they yield no claims. Expired credentials keep
their claims (the history is real) and are marked expired; a profile shows them apart.
A credential that declares itself a self-assessment never counts above ``self``. Keys the
holder controls outside the vault cannot be told apart from someone else's: that is what
``accredited`` (a trust list) is for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from ..credentials.dates import parse_datetime
from ..credentials.model import as_list, issuer_id
from ..credentials.types import type_terms
from ..trust.lists import TrustList
from .builders import DIPLOMA_TYPES


class EvidenceLevel(IntEnum):
    """How strongly a skill claim is evidenced; larger is stronger."""

    SELF = 1
    ENDORSED = 2
    ASSESSED = 3
    ACCREDITED = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> EvidenceLevel:
        """``"assessed"`` -> ``ASSESSED`` (case-insensitive); ValueError names the choices."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            choices = ", ".join(level.label for level in cls)
            raise ValueError(
                f"unknown evidence level {text!r}; expected one of {choices}"
            ) from None


#: Alignments to these frameworks state a qualification level or an occupation, not a skill.
_NOT_SKILL_FRAMEWORKS = frozenset({"EQF", "NLQF", "ISCO", "ISCO-08", "NQF"})
_NOT_SKILL_URL = re.compile(
    r"^https?://data\.europa\.eu/(esco/(occupation|isco)/|snb/eqf/)", re.IGNORECASE
)


#: The subject of a claim our import found to be about the holder without a DID (an Open
#: Badges 2.0 assertion awarded to one of the holder's recipient identities). A credential
#: naming it as its subject is not taken at its word (:func:`claim_facts` drops it).
HOLDER_SUBJECT = "urn:skillswallet:holder"

#: A skill a subject is credited with: (skill URI, label, achieved proficiency level).
SubjectSkill = tuple[str, str | None, str | None]


@dataclass(frozen=True)
class ClaimFacts:
    """What a credential says about skills, whoever holds it: everything
    :func:`skill_claims` needs, small enough to keep in the vault's summary index so a
    profile never has to decrypt the credentials themselves (:meth:`to_json`)."""

    #: The kind of claim the credential makes on its own (:func:`claim_kind` with no
    #: holder DIDs): issued by one of the holder's DIDs, it is a self-assessment anyway.
    kind: str
    issuer: str | None
    credential_id: str | None
    issued: datetime | None
    #: (subject id, its skills) for every subject that has an id.
    subjects: tuple[tuple[str, tuple[SubjectSkill, ...]], ...]

    def to_json(self) -> list[Any]:
        return [
            self.kind,
            self.issuer,
            self.credential_id,
            self.issued.isoformat() if self.issued is not None else None,
            [[subject, [list(skill) for skill in skills]] for subject, skills in self.subjects],
        ]

    @classmethod
    def from_json(cls, data: Any) -> ClaimFacts | None:
        """The facts :meth:`to_json` wrote; None for anything else (e.g. an older form)."""
        if not isinstance(data, list) or len(data) != 5:
            return None
        kind, issuer, credential_id, issued, subjects = data
        # (Summaries are authenticated, written by to_json: shapes are checked, not types.)
        try:
            return cls(
                kind,
                issuer,
                credential_id,
                datetime.fromisoformat(issued) if issued is not None else None,
                tuple((subject, tuple(map(tuple, skills))) for subject, skills in subjects),
            )
        except (TypeError, ValueError):
            return None


def claim_facts(document: dict[str, Any]) -> ClaimFacts:
    """The :class:`ClaimFacts` of a credential document."""
    kind = claim_kind(document, frozenset())
    subjects = []
    for subject in as_list(document.get("credentialSubject")):
        if not isinstance(subject, dict) or not isinstance(subject.get("id"), str):
            continue
        if subject["id"] == HOLDER_SUBJECT:
            continue
        skills: list[SubjectSkill]
        if kind == "endorsement":
            skills = [(url, label, None) for url, label in _aligned_skills(subject)]
        else:
            skills = _subject_skills(subject)
        subjects.append((subject["id"], tuple(skills)))
    credential_id = document.get("id")
    return ClaimFacts(
        kind=kind,
        issuer=issuer_id(document),
        credential_id=credential_id if isinstance(credential_id, str) else None,
        issued=issued_at(document),
        subjects=tuple(subjects),
    )


@dataclass(frozen=True)
class HeldCredential:
    """A credential as the holder keeps it: what it claims and what its import decided
    (:meth:`of` makes one from the document)."""

    record_id: str
    facts: ClaimFacts
    verified: bool
    expired: bool = False
    #: How it was checked when that is not its own proof checked offline (:func:`checked_by`).
    checked: str | None = None

    @classmethod
    def of(
        cls, record_id: str, document: dict[str, Any], verified: bool, expired: bool = False
    ) -> HeldCredential:
        """A held credential from its stored record: what it claims about skills, and whether it
        verified."""
        return cls(record_id, claim_facts(document), verified, expired)


#: The import's flag of an Open Badges 2.0 hosted assertion fetched from its host (opt-in
#: network) and found the same as the one imported.
HOSTED_FETCHED = "hosted-fetched"
#: The import's flag of a signed Open Badges 2.0 assertion checked with the key fetched
#: from its issuer's host (opt-in network) rather than a pinned one.
KEY_FETCHED = "key-fetched"
_CHECKED_BY = {
    HOSTED_FETCHED: "fetched from the issuer's host and matched",
    KEY_FETCHED: "signature checked with the key fetched from the issuer's host",
}


def checked_by(flags: Iterable[str]) -> str | None:
    """How a credential with these import flags was checked, when not by its own proof
    offline (None): e.g. a hosted badge "fetched from the issuer's host and matched"."""
    return next((_CHECKED_BY[f] for f in flags if f in _CHECKED_BY), None)


@dataclass(frozen=True)
class SkillClaim:
    """One skill that one credential claims, with the evidence level it carries."""

    skill: str
    label: str | None
    level: EvidenceLevel
    kind: str  # skill, diploma, badge, self-assessment
    record_id: str
    credential_id: str | None
    issuer: str | None
    date: datetime | None
    expired: bool
    proficiency: str | None = None
    #: How the credential was checked when not by its own proof offline (see
    #: :func:`checked_by`): the evidence says so.
    checked: str | None = None


_SCHEMA_KIND = re.compile(r"^urn:skillswallet:schema:(skill|diploma|badge|self-assessment):1$")


def claim_kind(document: dict[str, Any], holder_dids: frozenset[str]) -> str:
    """What kind of claim a credential makes: ``endorsement``, ``self-assessment`` (issued
    by the holder, or declaring itself one), ``diploma``, ``badge`` or ``skill``: by the
    schema our builders name, else by the achievement's type."""
    types = set(type_terms(document.get("type")))
    if "EndorsementCredential" in types:
        return "endorsement"
    kinds = [
        found.group(1)
        for schema in as_list(document.get("credentialSchema"))
        if isinstance(schema, dict)
        and (found := _SCHEMA_KIND.match(str(schema.get("id", "")))) is not None
    ]
    declared_self = "self-assessment" in kinds or any(
        "self-assessment" in as_list(a.get("tag")) for a in _achievements(document)
    )
    if declared_self or issuer_id(document) in holder_dids:
        return "self-assessment"
    if kinds:
        return kinds[0]
    for achievement in _achievements(document):
        if achievement.get("achievementType") in DIPLOMA_TYPES:
            return "diploma"
        if achievement.get("achievementType") == "Badge":
            return "badge"
    return "skill"


def skill_claims(
    held: Iterable[HeldCredential],
    holder_dids: Iterable[str],
    trust: TrustList | None = None,
) -> list[SkillClaim]:
    """Every skill claim of the held credentials about the holder, each with its
    evidence level.

    Pure: the verdicts come from ``held`` (what verification decided), the holder's DIDs
    from the vault, trust from the caller. Only subjects that are one of the holder's DIDs
    count (a credential about someone else raises nothing). An endorsement counts when it
    is about the holder (its subject is the holder's DID), aligned to the skill, and issued
    by someone else: it is an ``endorsed`` claim of its own, dated when it was made. (An
    endorsement naming only a credential id raises nothing: the holder chooses the ids of
    their own credentials, so such an endorsement cannot be tied to them.)
    """
    holders = frozenset(holder_dids)
    claims: list[SkillClaim] = []
    for item in held:
        if not item.verified:
            continue
        facts = item.facts
        issuer = facts.issuer
        kind = facts.kind
        if kind not in ("endorsement", "self-assessment") and issuer in holders:
            kind = "self-assessment"
        if kind == "endorsement" and issuer in holders:
            continue  # vouching for oneself is not an endorsement
        date = facts.issued
        for subject, found in facts.subjects:
            if subject not in holders:
                continue
            for skill, label, proficiency in found:
                level = (
                    EvidenceLevel.ENDORSED
                    if kind == "endorsement"
                    else _level(kind, issuer, skill, date, trust)
                )
                claims.append(
                    SkillClaim(
                        skill=skill,
                        label=label,
                        level=level,
                        kind=kind,
                        record_id=item.record_id,
                        credential_id=facts.credential_id,
                        issuer=issuer,
                        date=date,
                        expired=item.expired,
                        proficiency=proficiency,
                        checked=item.checked,
                    )
                )
    return claims


def _level(
    kind: str, issuer: str | None, skill: str, date: datetime | None, trust: TrustList | None
) -> EvidenceLevel:
    if kind == "self-assessment":
        return EvidenceLevel.SELF
    if trust is not None and trust.trusts(issuer, kind, skill, date) is not None:
        return EvidenceLevel.ACCREDITED
    return EvidenceLevel.ASSESSED


def _achievements(document: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for subject in as_list(document.get("credentialSubject")):
        if isinstance(subject, dict):
            out.extend(a for a in as_list(subject.get("achievement")) if isinstance(a, dict))
    return out


def _subject_skills(subject: dict[str, Any]) -> list[SubjectSkill]:
    """(skill URI, label, proficiency) for each skill alignment of the subject's
    achievements; the proficiency is the level a result achieved on the rubric aligned to
    that skill."""
    found: dict[str, SubjectSkill] = {}
    for achievement in as_list(subject.get("achievement")):
        if not isinstance(achievement, dict):
            continue
        levels = _levels_by_skill(subject, achievement)
        for url, label in _aligned_skills(achievement):
            found.setdefault(url, (url, label, levels.get(url)))
    return list(found.values())


def skill_alignments(document: dict[str, Any]) -> list[tuple[str, str | None]]:
    """(skill URI, label) of every skill a credential is about: its achievements' skill
    alignments, and an endorsement subject's (never qualification levels or
    occupations)."""
    found: dict[str, str | None] = {}
    for subject in as_list(document.get("credentialSubject")):
        if not isinstance(subject, dict):
            continue
        nodes = [subject, *(a for a in as_list(subject.get("achievement")) if isinstance(a, dict))]
        for node in nodes:
            for url, label in _aligned_skills(node):
                if found.get(url) is None:
                    found[url] = label
    return list(found.items())


def _aligned_skills(node: dict[str, Any]) -> list[tuple[str, str | None]]:
    out = []
    for alignment in as_list(node.get("alignment")):
        if isinstance(alignment, dict) and _is_skill_alignment(alignment):
            label = alignment.get("targetName")
            out.append((alignment["targetUrl"], label if isinstance(label, str) else None))
    return out


def _levels_by_skill(subject: dict[str, Any], achievement: dict[str, Any]) -> dict[str, str]:
    """Skill URI -> the achieved level's name (e.g. ``B``), through the result's
    ``resultDescription`` (a rubric aligned to the skill)."""
    rubrics: dict[Any, tuple[list[str], dict[Any, str]]] = {}
    for description in as_list(achievement.get("resultDescription")):
        if not isinstance(description, dict):
            continue
        names = {
            level.get("id"): str(level.get("level") or level.get("name") or level.get("id"))
            for level in as_list(description.get("rubricCriterionLevel"))
            if isinstance(level, dict)
        }
        rubrics[description.get("id")] = ([u for u, _ in _aligned_skills(description)], names)
    out: dict[str, str] = {}
    for result in as_list(subject.get("result")):
        if not isinstance(result, dict) or result.get("resultDescription") not in rubrics:
            continue
        skills, names = rubrics[result["resultDescription"]]
        achieved = result.get("achievedLevel")
        if isinstance(achieved, str):
            for skill in skills:
                out.setdefault(skill, names.get(achieved, achieved))
    return out


def _is_skill_alignment(alignment: dict[str, Any]) -> bool:
    url = alignment.get("targetUrl")
    if not isinstance(url, str) or not url:
        return False
    framework = alignment.get("targetFramework")
    if isinstance(framework, str) and framework.upper() in _NOT_SKILL_FRAMEWORKS:
        return False
    return _NOT_SKILL_URL.match(url) is None


def issued_at(document: dict[str, Any]) -> datetime | None:
    """When a credential says it was issued: validFrom (issuanceDate), else its proof."""
    for name in ("validFrom", "issuanceDate"):
        found = parse_datetime(document.get(name), require_timezone=False)
        if found is not None:
            return found
    for proof in as_list(document.get("proof")):
        if isinstance(proof, dict):
            found = parse_datetime(proof.get("created"))
            if found is not None:
                return found
    return None
