"""Builders for the five skills credential types: unsigned Open Badges 3.0 credentials
(plain dicts) that :func:`~skillswallet.credentials.issue.issue_credential` signs and
:func:`~skillswallet.verify.verify` accepts, each naming its JSON Schema.

How the skills notions map onto Open Badges 3.0 (only terms of the pinned
``context-3.0.3.json``; the same text is in ``schemas/README.md``):

* **skill** -> an ``Alignment`` in ``achievement.alignment``: ``targetUrl`` the ESCO (or
  other framework's) URI, ``targetName`` the label, ``targetCode`` the optional code,
  ``targetFramework`` "ESCO", ``targetType`` "ext:ESCOSkill" ("ext:Skill" for others).
* **proficiency level** -> per skill, a ``ResultDescription`` in
  ``achievement.resultDescription`` (``resultType`` "RubricCriterionLevel", aligned to the
  skill) listing the scale's levels as ``rubricCriterionLevel`` entries with fixed ids
  (``urn:skillswallet:level:profilpass:B``, ``urn:skillswallet:level:five-point:3``), and a
  ``Result`` in ``credentialSubject.result`` whose ``resultDescription`` points to it and
  whose ``achievedLevel`` is the level's id. Scales: ProfilPass A/B/C and a 1-5 scale
  (Dreyfus: novice .. expert); see :data:`SCALES`.
* **assessment method** -> per skill, an ``Evidence`` entry (top-level ``evidence``) with
  ``genre`` the method code (``exam``, ``workplace-assessment``, ...; closed list
  :class:`AssessmentMethod`) and ``name`` "<Method>: <skill label>"; the skill's evidence
  items follow as more ``Evidence`` entries with the same ``genre``. A self-assessment
  uses genre ``self-assessment``.
* **EQF level** -> an ``Alignment`` with ``targetFramework`` "EQF", ``targetCode`` "6",
  ``targetUrl`` ``http://data.europa.eu/snb/eqf/6``, ``targetType`` "ext:EQFLevel"; a
  national level the same way with the framework's name (``targetType`` "ext:NQFLevel").
* **endorsement relationship** -> an ``Evidence`` entry with ``genre``
  ``relationship:<peer|supervisor|teacher|client|colleague|mentor>``; an endorsed skill
  is an ``alignment`` of the ``EndorsementSubject`` (whose ``id`` is the holder), an
  endorsed credential is the ``EndorsementSubject``'s ``id``.

Builders are pure: the caller passes the time (``valid_from``) and may pass the id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from ..credentials.schema import default_registry
from ..errors import AssessmentMethodError, BuilderError, LevelError, SelfAssessmentError

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CONTEXTS = [VC2_CONTEXT, OB3_CONTEXT]
ESCO_PREFIX = "http://data.europa.eu/esco/"
EQF_URI = "http://data.europa.eu/snb/eqf/"


class CredentialKind(StrEnum):
    """The credential types skillswallet builds, each with a JSON Schema
    ``urn:skillswallet:schema:<kind>:1``."""

    SKILL = "skill"
    DIPLOMA = "diploma"
    BADGE = "badge"
    SELF_ASSESSMENT = "self-assessment"
    ENDORSEMENT = "endorsement"

    @property
    def schema_id(self) -> str:
        return f"urn:skillswallet:schema:{self.value}:1"


class AssessmentMethod(StrEnum):
    """How an assessor established a skill (recorded as the evidence ``genre``)."""

    OBSERVATION = "observation"
    TEST = "test"
    PORTFOLIO = "portfolio"
    EXAM = "exam"
    WORKPLACE_ASSESSMENT = "workplace-assessment"
    INTERVIEW = "interview"
    SIMULATION = "simulation"
    PROJECT = "project"


class Relationship(StrEnum):
    """Who an endorser is to the holder."""

    PEER = "peer"
    COLLEAGUE = "colleague"
    SUPERVISOR = "supervisor"
    TEACHER = "teacher"
    MENTOR = "mentor"
    CLIENT = "client"


#: Open Badges 3.0 ``AchievementType`` values a diploma or certificate may have.
DIPLOMA_TYPES = frozenset(
    {
        "ApprenticeshipCertificate",
        "AssociateDegree",
        "BachelorDegree",
        "Certificate",
        "CertificateOfCompletion",
        "Certification",
        "Degree",
        "Diploma",
        "DoctoralDegree",
        "GeneralEducationDevelopment",
        "JourneymanCertificate",
        "License",
        "MasterCertificate",
        "MasterDegree",
        "MicroCredential",
        "ProfessionalDoctorate",
        "ResearchDoctorate",
        "SecondarySchoolDiploma",
    }
)

#: The proficiency scales: scale name -> level code -> (short name, meaning).
SCALES: dict[str, dict[str, tuple[str, str]]] = {
    "profilpass": {
        "A": ("with guidance", "Can do it with guidance or support from others."),
        "B": (
            "independently in the same context",
            "Can do it independently, in the same or a similar context.",
        ),
        "C": (
            "also in other contexts",
            "Can do it independently and transfer it to other, different contexts.",
        ),
    },
    "five-point": {
        "1": ("novice", "Knows the basics; needs close guidance."),
        "2": ("advanced beginner", "Performs routine tasks with some guidance."),
        "3": ("competent", "Works independently on common tasks."),
        "4": ("proficient", "Handles complex and unfamiliar situations."),
        "5": ("expert", "Masters it and guides or teaches others."),
    },
}

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_HTTP_URL = re.compile(r"^https?://[^\s<>\"{}|\\^`]+$")
_DATA_IMAGE = re.compile(r"^data:image/(png|svg\+xml|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$")
MAX_TEXT = 10_000
MAX_DATA_URI = 2 * 1024 * 1024


@dataclass(frozen=True)
class Level:
    """A level on one of the :data:`SCALES`."""

    scale: str
    code: str

    @property
    def iri(self) -> str:
        """The level's fixed id, the ``achievedLevel`` of a result."""
        return f"urn:skillswallet:level:{self.scale}:{self.code}"

    @property
    def name(self) -> str:
        return SCALES[self.scale][self.code][0]


def parse_level(value: str | int, field: str = "level") -> Level:
    """A ProfilPass level (``A``, ``B``, ``C``) or a 1-5 scale level (``1`` .. ``5``).
    Raises :class:`LevelError` naming ``field`` for anything else."""
    text = str(value).strip().upper() if isinstance(value, str | int) else ""
    if isinstance(value, bool):  # True is an int; never a level
        text = ""
    for scale, levels in SCALES.items():
        if text in levels:
            return Level(scale, text)
    raise LevelError(
        f"{value!r} is not a level; use a ProfilPass level A (with guidance), "
        "B (independently in the same context), C (also in other contexts), or 1-5",
        field,
    )


def parse_method(value: str, field: str = "method") -> AssessmentMethod:
    """An assessment method by its code (``workplace assessment`` and ``Exam`` accepted);
    :class:`AssessmentMethodError` naming the allowed ones otherwise."""
    text = (
        value.strip().lower().replace(" ", "-").replace("_", "-") if isinstance(value, str) else ""
    )
    try:
        return AssessmentMethod(text)
    except ValueError:
        allowed = ", ".join(m.value for m in AssessmentMethod)
        raise AssessmentMethodError(
            f"{value!r} is not an assessment method; use one of: {allowed}", field
        ) from None


@dataclass(frozen=True)
class Profile:
    """An issuer, awarding body or endorser: a DID or URL, and a display name."""

    id: str
    name: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence: a name and a URL and/or a narrative."""

    name: str
    url: str | None = None
    narrative: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Skill:
    """A skill claim: a framework URI (ESCO by default) and label, with the level and,
    for an assessor's skill credential, the assessment method and evidence."""

    uri: str
    label: str
    level: str | int | None = None
    method: str | None = None
    code: str | None = None
    framework: str | None = None
    evidence: tuple[EvidenceItem, ...] = ()


# --- validation helpers -------------------------------------------------------------------


def _text(value: object, field: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise BuilderError("must be a non-empty text", field)
    if len(value) > MAX_TEXT:
        raise BuilderError(f"is longer than {MAX_TEXT} characters", field)
    return value.strip()


def _iri(value: object, field: str) -> str:
    if not isinstance(value, str) or not _IRI.match(value):
        raise BuilderError(f"{value!r} is not an absolute URI (a DID, URL or URN)", field)
    return value


#: Schemes a viewer could act on (run a script, render a page, read a local file): never
#: an evidence link.
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:", "blob:")


def _evidence_iri(value: object, field: str) -> str:
    found = _iri(value, field)
    if found.lower().startswith(_UNSAFE_SCHEMES):
        raise BuilderError(f"{found[:40]!r}: evidence links are http(s) URLs or URNs", field)
    return found


def _url(value: object, field: str) -> str:
    if not isinstance(value, str) or not _HTTP_URL.match(value):
        raise BuilderError(f"{value!r} is not an http(s) URL", field)
    return value


def _timestamp(value: datetime, field: str) -> str:
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise BuilderError("must be a timezone-aware datetime", field)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _credential_id(value: str | None) -> str:
    return _iri(value, "credential_id") if value is not None else f"urn:uuid:{uuid.uuid4()}"


def _profile(profile: Profile, field: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": _iri(profile.id, f"{field}.id"), "type": ["Profile"]}
    if profile.name is not None:
        doc["name"] = _text(profile.name, f"{field}.name")
    if profile.url is not None:
        doc["url"] = _url(profile.url, f"{field}.url")
    return doc


def _derived_id(base: str, *parts: object) -> str:
    # Ids of nodes inside one credential, stable for a given credential id.
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, '/'.join([base, *map(str, parts)]))}"


# --- shared parts -------------------------------------------------------------------------


def skill_alignment(skill: Skill, field: str = "skill") -> dict[str, Any]:
    """The OB 3.0 ``Alignment`` of a skill to its framework entry."""
    uri = _iri(skill.uri, f"{field}.uri")
    label = _text(skill.label, f"{field}.label")
    is_esco = uri.startswith(ESCO_PREFIX)
    framework = skill.framework if skill.framework is not None else ("ESCO" if is_esco else None)
    if framework is None:
        raise BuilderError(f"{uri!r} is not an ESCO URI; name its framework", f"{field}.framework")
    alignment: dict[str, Any] = {
        "type": ["Alignment"],
        "targetName": label,
        "targetUrl": uri,
        "targetFramework": _text(framework, f"{field}.framework"),
        "targetType": "ext:ESCOSkill" if is_esco else "ext:Skill",
    }
    if skill.code is not None:
        alignment["targetCode"] = _text(skill.code, f"{field}.code")
    return alignment


def _skills(skills: Sequence[Skill], field: str = "skills") -> list[Skill]:
    if isinstance(skills, Skill) or not isinstance(skills, Sequence) or not skills:
        raise BuilderError("name at least one skill", field)
    seen: set[str] = set()
    for index, skill in enumerate(skills):
        if not isinstance(skill, Skill):
            raise BuilderError("must be a Skill", f"{field}[{index}]")
        if skill.uri in seen:
            raise BuilderError(f"{skill.uri!r} is named twice", f"{field}[{index}].uri")
        seen.add(skill.uri)
    return list(skills)


def _result_parts(
    base: str, index: int, skill: Skill, alignment: dict[str, Any], field: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A skill's ``ResultDescription`` (its scale, aligned to the skill) and ``Result``."""
    if skill.level is None:
        raise LevelError("a level is required", f"{field}.level")
    level = parse_level(skill.level, f"{field}.level")
    description_id = _derived_id(base, "skill", index, "result-description")
    description = {
        "id": description_id,
        "type": ["ResultDescription"],
        "name": f"Proficiency: {alignment['targetName']}",
        "alignment": [alignment],
        "resultType": "RubricCriterionLevel",
        "rubricCriterionLevel": [
            {
                "id": Level(level.scale, code).iri,
                "type": ["RubricCriterionLevel"],
                "level": code,
                "name": name,
                "description": meaning,
            }
            for code, (name, meaning) in SCALES[level.scale].items()
        ],
    }
    result = {"type": ["Result"], "resultDescription": description_id, "achievedLevel": level.iri}
    return description, result


def _evidence(items: Iterable[EvidenceItem], genre: str, field: str) -> list[dict[str, Any]]:
    out = []
    for index, item in enumerate(items):
        where = f"{field}[{index}]"
        if not isinstance(item, EvidenceItem):
            raise BuilderError("must be an EvidenceItem", where)
        entry: dict[str, Any] = {}
        if item.url is not None:
            entry["id"] = _evidence_iri(item.url, f"{where}.url")
        entry["type"] = ["Evidence"]
        entry["name"] = _text(item.name, f"{where}.name")
        entry["genre"] = genre
        if item.narrative is not None:
            entry["narrative"] = _text(item.narrative, f"{where}.narrative")
        if item.description is not None:
            entry["description"] = _text(item.description, f"{where}.description")
        out.append(entry)
    return out


def _envelope(
    kind: CredentialKind,
    *,
    credential_id: str,
    name: str,
    issuer: dict[str, Any],
    valid_from: datetime,
    valid_until: datetime | None,
    subject: dict[str, Any],
    evidence: list[dict[str, Any]],
    description: str | None = None,
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": list(CONTEXTS),
        "id": credential_id,
        "type": [
            "VerifiableCredential",
            "EndorsementCredential"
            if kind is CredentialKind.ENDORSEMENT
            else "OpenBadgeCredential",
        ],
        "name": _text(name, "name"),
        "issuer": issuer,
        "validFrom": _timestamp(valid_from, "valid_from"),
    }
    if description is not None:
        doc["description"] = _text(description, "description")
    if valid_until is not None:
        doc["validUntil"] = _timestamp(valid_until, "valid_until")
        if valid_until <= valid_from:
            raise BuilderError("must be later than valid_from", "valid_until")
    doc["credentialSubject"] = subject
    if evidence:
        doc["evidence"] = evidence
    doc["credentialSchema"] = [{"id": kind.schema_id, "type": "JsonSchema"}]
    check_schema(kind, doc)  # a builder's own slip would otherwise surface only at verify
    return doc


def check_schema(kind: CredentialKind, credential: dict[str, Any]) -> None:
    """Raise :class:`BuilderError` with the first schema violations (each naming its
    JSON path) when ``credential`` does not match ``kind``'s schema."""
    errors = default_registry().errors(kind.schema_id, credential)
    if errors:
        raise BuilderError(f"does not match {kind.schema_id}: " + "; ".join(errors[:3]))


def _achievement(
    base: str,
    *,
    name: str,
    achievement_type: str,
    criteria: str,
    description: str | None,
    alignments: list[dict[str, Any]],
) -> dict[str, Any]:
    achievement: dict[str, Any] = {
        "id": _derived_id(base, "achievement"),
        "type": ["Achievement"],
        "achievementType": achievement_type,
        "name": name,
    }
    if description is not None:
        achievement["description"] = _text(description, "description")
    achievement["criteria"] = {"narrative": _text(criteria, "criteria")}
    if alignments:
        achievement["alignment"] = alignments
    return achievement


def _subject(subject: str, achievement: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _iri(subject, "subject"),
        "type": ["AchievementSubject"],
        "achievement": achievement,
    }


def _default_name(prefix: str, skills: list[Skill]) -> str:
    first = skills[0].label.strip() if isinstance(skills[0].label, str) else ""
    others = len(skills) - 1
    more = f" and {others} more skill{'s' if others > 1 else ''}" if others else ""
    return f"{prefix}{first}{more}"


def _leveled_skills(
    base: str, skills: list[Skill], achievement: dict[str, Any], subject: dict[str, Any]
) -> list[dict[str, Any]]:
    """Align each skill, add its scale and result; returns the skill alignments."""
    alignments, descriptions, results = [], [], []
    for index, skill in enumerate(skills):
        field = f"skills[{index}]"
        alignment = skill_alignment(skill, field)
        description, result = _result_parts(base, index, skill, alignment, field)
        alignments.append(alignment)
        descriptions.append(description)
        results.append(result)
    achievement["alignment"] = alignments
    achievement["resultDescription"] = descriptions
    subject["result"] = results
    return alignments


def _leveled_credential(
    kind: CredentialKind,
    listed: list[Skill],
    genres: list[str],
    *,
    issuer: Profile,
    subject: str,
    valid_from: datetime,
    valid_until: datetime | None,
    credential_id: str | None,
    title: str,
    criteria: str,
    description: str | None,
) -> dict[str, Any]:
    # The shape shared by the skill credential and the self-assessment.
    base = _credential_id(credential_id)
    achievement = _achievement(
        base,
        name=title,
        achievement_type="Competency",
        criteria=criteria,
        description=description,
        alignments=[],
    )
    if kind is CredentialKind.SELF_ASSESSMENT:
        achievement["tag"] = ["self-assessment"]
    subject_doc = _subject(subject, achievement)
    alignments = _leveled_skills(base, listed, achievement, subject_doc)
    evidence: list[dict[str, Any]] = []
    for index, (skill, genre) in enumerate(zip(listed, genres, strict=True)):
        if kind is CredentialKind.SKILL:  # the assessment itself, named after its method
            method = genre.replace("-", " ").capitalize()
            name = f"{method}: {alignments[index]['targetName']}"
            evidence.append({"type": ["Evidence"], "name": name, "genre": genre})
        evidence.extend(_evidence(skill.evidence, genre, f"skills[{index}].evidence"))
    return _envelope(
        kind,
        credential_id=base,
        name=title,
        issuer=_profile(issuer, "issuer"),
        valid_from=valid_from,
        valid_until=valid_until,
        subject=subject_doc,
        evidence=evidence,
    )


def skill_credential(
    skills: Sequence[Skill],
    *,
    issuer: Profile,
    subject: str,
    valid_from: datetime,
    name: str | None = None,
    description: str | None = None,
    criteria: str | None = None,
    credential_id: str | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An assessor's skill credential: an ``OpenBadgeCredential`` whose ``Competency``
    achievement is aligned to each skill, with each skill's proficiency level (a
    ``Result``), assessment method and evidence (``Evidence`` entries).

    Every skill needs a ``level`` (A/B/C or 1-5) and a ``method`` (:class:`AssessmentMethod`).
    Raises :class:`BuilderError` (:class:`LevelError`, :class:`AssessmentMethodError`)
    naming the field at fault.
    """
    listed = _skills(skills)
    methods = []
    for index, skill in enumerate(listed):
        field = f"skills[{index}].method"
        if skill.method is None:
            raise AssessmentMethodError("an assessment method is required", field)
        methods.append(parse_method(skill.method, field).value)
    title = _text(name, "name") if name is not None else _default_name("", listed)
    assert title is not None
    return _leveled_credential(
        CredentialKind.SKILL,
        listed,
        methods,
        issuer=issuer,
        subject=subject,
        valid_from=valid_from,
        valid_until=valid_until,
        credential_id=credential_id,
        title=title,
        criteria=criteria or f"Assessed by the issuer ({', '.join(sorted(set(methods)))}).",
        description=description,
    )


def self_assessment(
    skills: Sequence[Skill],
    *,
    issuer: Profile,
    subject: str,
    valid_from: datetime,
    name: str | None = None,
    credential_id: str | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """The holder's assessment of their own skills: issuer and subject are the same DID
    (else :class:`SelfAssessmentError`), each skill has a ProfilPass level (A: with
    guidance, B: independently in the same context, C: also in other contexts) or a 1-5
    level, and no assessment method. Evidence items are recorded with genre
    ``self-assessment``."""
    if not isinstance(issuer, Profile) or issuer.id != subject:
        raise SelfAssessmentError(
            f"the subject {subject!r} is not the issuer "
            f"{getattr(issuer, 'id', issuer)!r}; a self-assessment is issued by the "
            "holder about themselves (ask the other person for an endorsement instead)",
            "subject",
        )
    listed = _skills(skills)
    for index, skill in enumerate(listed):
        if skill.method is not None:
            raise AssessmentMethodError(
                "a self-assessment has no assessment method", f"skills[{index}].method"
            )
    title = _text(name, "name") if name is not None else _default_name("Self-assessment: ", listed)
    assert title is not None
    return _leveled_credential(
        CredentialKind.SELF_ASSESSMENT,
        listed,
        ["self-assessment"] * len(listed),
        issuer=issuer,
        subject=subject,
        valid_from=valid_from,
        valid_until=valid_until,
        credential_id=credential_id,
        title=title,
        criteria="The holder's own assessment of their skills.",
        description=None,
    )


@dataclass(frozen=True)
class NationalLevel:
    """A level of a national qualifications framework (e.g. NLQF 4). Without ``url`` its
    id is ``urn:skillswallet:qualification-level:<framework>:<level>``."""

    framework: str
    level: str
    url: str | None = None


def eqf_alignment(level: int) -> dict[str, Any]:
    """The ``Alignment`` to an EQF level (1-8); :class:`LevelError` otherwise."""
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 8:
        raise LevelError(
            f"{level!r} is not an EQF level; use a whole number from 1 to 8", "eqf_level"
        )
    return {
        "type": ["Alignment"],
        "targetName": f"EQF level {level}",
        "targetUrl": f"{EQF_URI}{level}",
        "targetFramework": "EQF",
        "targetCode": str(level),
        "targetType": "ext:EQFLevel",
    }


def _national_alignment(level: NationalLevel) -> dict[str, Any]:
    framework = _text(level.framework, "national_level.framework")
    code = _text(level.level, "national_level.level")
    assert framework is not None and code is not None
    if level.url is not None:
        url = _iri(level.url, "national_level.url")
    else:
        slug = "-".join(re.findall(r"[A-Za-z0-9]+", framework)).lower() or "nqf"
        level_slug = "-".join(re.findall(r"[A-Za-z0-9]+", code)) or "0"
        url = f"urn:skillswallet:qualification-level:{slug}:{level_slug}"
    return {
        "type": ["Alignment"],
        "targetName": f"{framework} level {code}",
        "targetUrl": url,
        "targetFramework": framework,
        "targetCode": code,
        "targetType": "ext:NQFLevel",
    }


def _plain_skills(skills: Sequence[Skill], what: str) -> list[dict[str, Any]]:
    # Skills a diploma or badge certifies: aligned, without a level of their own.
    out = []
    for index, skill in enumerate(_skills(skills) if skills else []):
        field = f"skills[{index}]"
        if skill.level is not None or skill.method is not None:
            raise BuilderError(
                f"a {what} certifies skills without a level or method; "
                "use a skill credential for those",
                field,
            )
        out.append(skill_alignment(skill, field))
    return out


def diploma_credential(
    *,
    name: str,
    achievement_type: str,
    eqf_level: int,
    awarding_body: Profile,
    subject: str,
    valid_from: datetime,
    skills: Sequence[Skill] = (),
    national_level: NationalLevel | None = None,
    criteria: str | None = None,
    description: str | None = None,
    field_of_study: str | None = None,
    credits: float | None = None,
    credential_id: str | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """A diploma, certificate or degree: an ``OpenBadgeCredential`` issued by the awarding
    body, whose achievement has an OB 3.0 ``achievementType`` (:data:`DIPLOMA_TYPES`), an
    alignment to its EQF level (and national level, if given) and to each certified skill.
    """
    if achievement_type not in DIPLOMA_TYPES:
        raise BuilderError(
            f"{achievement_type!r} is not a diploma type; use one of: "
            + ", ".join(sorted(DIPLOMA_TYPES)),
            "achievement_type",
        )
    alignments = [eqf_alignment(eqf_level)]
    if national_level is not None:
        alignments.append(_national_alignment(national_level))
    alignments.extend(_plain_skills(skills, "diploma"))
    base = _credential_id(credential_id)
    title = _text(name, "name")
    body = _profile(awarding_body, "awarding_body")
    if "name" not in body:
        raise BuilderError("an awarding body needs a name", "awarding_body.name")
    assert title is not None
    achievement = _achievement(
        base,
        name=title,
        achievement_type=achievement_type,
        criteria=criteria or f"Met the requirements of {title}, as set by {body['name']}.",
        description=description,
        alignments=alignments,
    )
    if field_of_study is not None:
        achievement["fieldOfStudy"] = _text(field_of_study, "field_of_study")
    if credits is not None:
        if (
            isinstance(credits, bool)
            or not isinstance(credits, int | float)
            or not 0 < credits < 10_000
        ):
            raise BuilderError(f"{credits!r} is not a number of credits", "credits")
        achievement["creditsAvailable"] = float(credits)
    return _envelope(
        CredentialKind.DIPLOMA,
        credential_id=base,
        name=title,
        issuer=body,
        valid_from=valid_from,
        valid_until=valid_until,
        subject=_subject(subject, achievement),
        evidence=[],
    )


def _image(image: str, caption: str) -> dict[str, Any]:
    if not isinstance(image, str):
        raise BuilderError("must be an http(s) URL or a data: URI", "image")
    if image.startswith("data:"):
        if len(image) > MAX_DATA_URI:
            raise BuilderError(f"a data: URI may be at most {MAX_DATA_URI // 2**20} MiB", "image")
        if not _DATA_IMAGE.match(image):
            raise BuilderError(
                "a data: URI must be base64 PNG, SVG, JPEG, GIF or WebP "
                "(data:image/png;base64,...)",
                "image",
            )
    else:
        _url(image, "image")
    return {"id": image, "type": "Image", "caption": caption}


def badge_credential(
    *,
    name: str,
    criteria: str,
    image: str,
    issuer: Profile,
    subject: str,
    valid_from: datetime,
    description: str | None = None,
    skills: Sequence[Skill] = (),
    credential_id: str | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """A badge: an ``OpenBadgeCredential`` whose ``Badge`` achievement has a criteria
    narrative and an image (an http(s) URL or a base64 ``data:`` URI), optionally aligned
    to skills."""
    base = _credential_id(credential_id)
    title = _text(name, "name")
    assert title is not None
    achievement = _achievement(
        base,
        name=title,
        achievement_type="Badge",
        criteria=criteria,
        description=description,
        alignments=_plain_skills(skills, "badge"),
    )
    achievement["image"] = _image(image, title)
    return _envelope(
        CredentialKind.BADGE,
        credential_id=base,
        name=title,
        issuer=_profile(issuer, "issuer"),
        valid_from=valid_from,
        valid_until=valid_until,
        subject=_subject(subject, achievement),
        evidence=[],
    )


def parse_relationship(value: str, field: str = "relationship") -> Relationship:
    """A :class:`Relationship` by name; :class:`BuilderError` naming the allowed ones."""
    try:
        return Relationship(value.strip().lower() if isinstance(value, str) else value)
    except ValueError:
        allowed = ", ".join(r.value for r in Relationship)
        raise BuilderError(
            f"{value!r} is not a relationship; use one of: {allowed}", field
        ) from None


def endorsement(
    *,
    endorser: Profile,
    holder: str,
    relationship: str,
    comment: str,
    valid_from: datetime,
    skill: Skill | None = None,
    credential: str | None = None,
    context: str | None = None,
    name: str | None = None,
    credential_id: str | None = None,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """An ``EndorsementCredential``: ``endorser`` vouches for one skill of ``holder``
    (``skill``) or for one of the holder's credentials (``credential``, its id), giving
    their ``relationship`` to the holder (:class:`Relationship`) and, in ``context``, how
    they know the holder's work. The endorser must not be the holder."""
    if (skill is None) == (credential is None):
        raise BuilderError("endorse exactly one skill or one credential", "skill")
    holder_id = _iri(holder, "holder")
    if isinstance(endorser, Profile) and endorser.id == holder_id:
        raise BuilderError(
            "an endorsement comes from someone else; for your own view, make a self-assessment",
            "endorser",
        )
    kind = parse_relationship(relationship)
    base = _credential_id(credential_id)
    if skill is not None:
        if skill.level is not None or skill.method is not None:
            raise BuilderError("an endorsed skill has no level or method", "skill")
        alignment = skill_alignment(skill, "skill")
        subject: dict[str, Any] = {"id": holder_id, "type": ["EndorsementSubject"]}
        subject["endorsementComment"] = _text(comment, "comment")
        subject["alignment"] = [alignment]
        default_name = f"Endorsement: {alignment['targetName']}"
    else:
        subject = {"id": _iri(credential, "credential"), "type": ["EndorsementSubject"]}
        subject["endorsementComment"] = _text(comment, "comment")
        default_name = "Endorsement of a credential"
    relation: dict[str, Any] = {
        "type": ["Evidence"],
        "name": f"Relationship to the holder: {kind.value}",
        "genre": f"relationship:{kind.value}",
    }
    if context is not None:
        relation["narrative"] = _text(context, "context")
    return _envelope(
        CredentialKind.ENDORSEMENT,
        credential_id=base,
        name=name if name is not None else default_name,
        issuer=_profile(endorser, "endorser"),
        valid_from=valid_from,
        valid_until=valid_until,
        subject=subject,
        evidence=[relation],
    )


def with_template(
    kind: CredentialKind, credential: dict[str, Any], template: dict[str, Any]
) -> dict[str, Any]:
    """``credential`` with ``template`` merged in (objects merged key by key, the
    template's values winning; lists and other values replaced), checked against
    ``kind``'s schema (:class:`BuilderError` naming the path otherwise)."""
    if not isinstance(template, dict):
        raise BuilderError("a template is a JSON object", "template")

    def merge(base: Any, over: Any) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            return {**base, **{key: merge(base.get(key), value) for key, value in over.items()}}
        return over

    merged: dict[str, Any] = merge(credential, template)
    try:
        check_schema(kind, merged)
    except BuilderError as exc:
        raise BuilderError(exc.reason, "template") from None
    return merged
