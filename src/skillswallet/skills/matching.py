"""Gap analysis: a skills profile against what a job needs.

A requirement set is a list of skills, each essential or optional, each with a minimum
evidence level. It comes from an ESCO occupation (its essential and optional skills, when
the taxonomy has the relations; minimum level ``self``) or from a vacancy file in the
documented format (``schemas/requirements.schema.json``)::

    {
      "name": "Junior welder, Rotterdam",
      "skills": [
        {"skill": "http://data.europa.eu/esco/skill/...", "label": "weld metal",
         "minimumLevel": "assessed", "essential": true},
        {"skill": "http://data.europa.eu/esco/skill/...", "minimumLevel": "self",
         "essential": false}
      ]
    }

**Score** (0-100): each requirement weighs 2 when essential and 1 when optional; it earns
its full weight when the profile holds the skill at the minimum level or above, half when
it holds it below that level (or only in expired credentials), nothing when it is missing.
The score is 100 x earned / total weight, rounded to one decimal. Skills match by URI.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import RequirementsError
from ..jsonio import read_file
from .evidence import EvidenceLevel
from .profile import SkillsProfile

ESSENTIAL_WEIGHT = 2.0
OPTIONAL_WEIGHT = 1.0
BELOW_CREDIT = 0.5


@dataclass(frozen=True)
class Requirement:
    """One skill a job asks for."""

    skill: str
    minimum: EvidenceLevel = EvidenceLevel.SELF
    essential: bool = True
    label: str | None = None

    @property
    def weight(self) -> float:
        """This requirement's weight in a match score (essential skills weigh more)."""
        return ESSENTIAL_WEIGHT if self.essential else OPTIONAL_WEIGHT


@dataclass(frozen=True)
class Requirements:
    """A named set of requirements (an occupation or a vacancy)."""

    name: str
    skills: tuple[Requirement, ...]
    source: str | None = None  # the occupation URI or the file


@dataclass(frozen=True)
class Outcome:
    """How the profile meets one requirement."""

    requirement: Requirement
    label: str
    held: EvidenceLevel | None  # the profile's current level, None when missing
    status: str  # "have", "below" or "missing"


@dataclass(frozen=True)
class MatchReport:
    """Have / below / missing, and the score (see the module docstring for its formula)."""

    requirements: Requirements
    outcomes: tuple[Outcome, ...]
    score: float

    def _with(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def have(self) -> list[Outcome]:
        """The required skills held at the required evidence level or above."""
        return self._with("have")

    @property
    def below(self) -> list[Outcome]:
        """The required skills held, but below the required evidence level."""
        return self._with("below")

    @property
    def missing(self) -> list[Outcome]:
        """The required skills not held at all."""
        return self._with("missing")


class OccupationSource(Protocol):
    """What matching needs of a taxonomy (the ESCO taxonomy provides it)."""

    def label(self, uri: str, lang: str = "en") -> str | None: ...

    def occupation_skills(self, occupation_uri: str) -> Iterable[tuple[str, Any]]: ...

    def occupations(self) -> Iterator[Any]: ...


def match(profile: SkillsProfile, requirements: Requirements) -> MatchReport:
    """Compare a profile with a requirement set."""
    outcomes: list[Outcome] = []
    earned = total = 0.0
    for req in requirements.skills:
        found = profile.get(req.skill)
        held = found.level if found is not None else None
        if held is not None and held >= req.minimum:
            status, credit = "have", 1.0
        elif found is not None:
            status, credit = "below", BELOW_CREDIT
        else:
            status, credit = "missing", 0.0
        earned += credit * req.weight
        total += req.weight
        label = req.label or (found.label if found else None) or req.skill
        outcomes.append(Outcome(req, label, held, status))
    score = round(100.0 * earned / total, 1) if total else 0.0
    return MatchReport(requirements, tuple(outcomes), score)


def occupation_requirements(
    taxonomy: OccupationSource, occupation_uri: str, *, lang: str = "en"
) -> Requirements:
    """An ESCO occupation's essential and optional skills as requirements (minimum level
    ``self``); empty when the taxonomy has no relations for it."""
    skills = tuple(
        Requirement(
            skill=uri,
            essential=_is_essential(relation),
            label=taxonomy.label(uri, lang),
        )
        for uri, relation in taxonomy.occupation_skills(occupation_uri)
    )
    name = taxonomy.label(occupation_uri, lang) or occupation_uri
    return Requirements(name, skills, occupation_uri)


def _is_essential(relation: Any) -> bool:
    return str(getattr(relation, "value", relation)).lower() == "essential"


def rank_occupations(
    profile: SkillsProfile, taxonomy: OccupationSource, *, top: int = 10, lang: str = "en"
) -> list[MatchReport]:
    """Every occupation of the taxonomy with known skills, best fit first (ties: more
    skills held, then name)."""
    held = {s.uri for s in profile.skills}
    reports = []
    for occupation in taxonomy.occupations():
        uri = getattr(occupation, "uri", occupation)
        relations = list(taxonomy.occupation_skills(uri))
        if not relations or not held.intersection(u for u, _ in relations):
            continue
        reports.append(match(profile, occupation_requirements(taxonomy, uri, lang=lang)))
    reports.sort(key=lambda r: (-r.score, -len(r.have), r.requirements.name))
    return reports[:top]


def load_requirements(path: Path | str) -> Requirements:
    """Read a vacancy requirements file (UTF-8 JSON, the documented format)."""
    path = Path(path)
    data = read_file(path, what="the requirements file", error=RequirementsError)
    return parse_requirements(data, str(path))


def parse_requirements(data: Any, source: str = "the requirements") -> Requirements:
    """Parse the documented requirements format; errors name the entry and field."""
    if not isinstance(data, dict):
        raise RequirementsError(f"{source}: expected a JSON object with 'skills'")
    name = data.get("name", "requirements")
    if not isinstance(name, str):
        raise RequirementsError(f"{source}: name must be a string")
    unknown = sorted(set(data) - {"name", "skills", "$schema"})
    if unknown:
        raise RequirementsError(f"{source}: unknown field(s) {', '.join(unknown)}")
    entries = data.get("skills")
    if not isinstance(entries, list) or not entries:
        raise RequirementsError(f"{source}: 'skills' must be a non-empty list of skills")
    requirements = tuple(_requirement(e, f"{source}: skills[{i}]") for i, e in enumerate(entries))
    seen: set[str] = set()
    for req in requirements:  # one pass: a file of 100,000 entries is decided at once
        if req.skill in seen:
            raise RequirementsError(f"{source}: a skill is listed more than once: {req.skill}")
        seen.add(req.skill)
    return Requirements(name, requirements, source)


def _requirement(entry: Any, where: str) -> Requirement:
    if not isinstance(entry, dict):
        raise RequirementsError(f"{where}: expected an object with a 'skill' URI")
    unknown = sorted(set(entry) - {"skill", "label", "minimumLevel", "essential"})
    if unknown:  # a misspelt key would silently lower the requirement
        raise RequirementsError(
            f"{where}: unknown field(s) {', '.join(unknown)} (expected skill, label, "
            "minimumLevel, essential)"
        )
    skill = entry.get("skill")
    if not isinstance(skill, str) or ":" not in skill:
        raise RequirementsError(f"{where}.skill: expected a skill URI, found {skill!r}")
    level = entry.get("minimumLevel", "self")
    try:
        minimum = EvidenceLevel.parse(level) if isinstance(level, str) else None
    except ValueError as exc:
        raise RequirementsError(f"{where}.minimumLevel: {exc}") from None
    if minimum is None:
        raise RequirementsError(f"{where}.minimumLevel: expected a string")
    essential = entry.get("essential", True)
    if not isinstance(essential, bool):
        raise RequirementsError(f"{where}.essential: expected true or false")
    label = entry.get("label")
    if label is not None and not isinstance(label, str):
        raise RequirementsError(f"{where}.label: expected a string")
    return Requirement(skill, minimum, essential, label)
