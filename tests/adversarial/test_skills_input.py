"""Hostile input to the skills builders, baking and the skills commands, case by case.

Each case names the input and the exact outcome: the typed error (its exact class, and
for builders the field it names) or the exit code and a phrase of the message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest

from skillswallet.errors import (
    AssessmentMethodError,
    BuilderError,
    LevelError,
    SelfAssessmentError,
)
from skillswallet.skills.builders import (
    EvidenceItem,
    NationalLevel,
    Profile,
    Skill,
    badge_credential,
    diploma_credential,
    endorsement,
    self_assessment,
    skill_credential,
)

from ..vaultkit import HOLDER_DID, NOW

ISSUER_DID = "did:key:z6MkeoQNHBYV9jGNkuzAojDAAzJkEdJCrSWGswK6YKskFacZ"
ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
SCHOOL = Profile(ISSUER_DID, "School")


@dataclass(frozen=True)
class BuilderCase:
    id: str
    call: Callable[[], Any]
    error: type[Exception]
    field: str | None
    phrase: str


def _skill(*skills: Skill, **options: Any) -> Callable[[], Any]:
    kwargs: dict[str, Any] = {"issuer": SCHOOL, "subject": HOLDER_DID, "valid_from": NOW}
    kwargs.update(options)
    return lambda: skill_credential(list(skills), **kwargs)


def _self(*skills: Skill, issuer: str = HOLDER_DID, subject: str = HOLDER_DID) -> Callable[[], Any]:
    return lambda: self_assessment(
        list(skills), issuer=Profile(issuer), subject=subject, valid_from=NOW
    )


def _with(builder: Callable[..., Any], **defaults: Any) -> Callable[..., Callable[[], Any]]:
    """``_x(**changes)`` is a call of ``builder`` with the defaults, changed."""
    return lambda **changes: lambda: builder(**{**defaults, **changes})


_diploma = _with(
    diploma_credential,
    name="Diploma",
    achievement_type="Diploma",
    eqf_level=4,
    awarding_body=SCHOOL,
    subject=HOLDER_DID,
    valid_from=NOW,
)
_badge = _with(
    badge_credential,
    name="Badge",
    criteria="Did it.",
    image="https://school.example/b.png",
    issuer=SCHOOL,
    subject=HOLDER_DID,
    valid_from=NOW,
)
_endorse = _with(
    endorsement,
    endorser=SCHOOL,
    holder=HOLDER_DID,
    relationship="peer",
    comment="Good.",
    skill=Skill(ADVICE, "give advice"),
    valid_from=NOW,
)


def ok_skill(**changes: Any) -> Skill:
    values: dict[str, Any] = {"uri": ADVICE, "label": "give advice", "level": "B", "method": "exam"}
    values.update(changes)
    return Skill(**values)


BUILDER_CASES = [
    BuilderCase("level D", _skill(ok_skill(level="D")), LevelError, "skills[0].level", "'D'"),
    BuilderCase("level 0", _skill(ok_skill(level=0)), LevelError, "skills[0].level", "1-5"),
    BuilderCase("level 6", _skill(ok_skill(level="6")), LevelError, "skills[0].level", "'6'"),
    BuilderCase("level True", _skill(ok_skill(level=True)), LevelError, "skills[0].level", "True"),
    BuilderCase("level missing", _skill(ok_skill(level=None)), LevelError, "skills[0].level", ""),
    BuilderCase(
        "second skill's level",
        _skill(ok_skill(), ok_skill(uri=ADVICE + "x", level="expert")),
        LevelError,
        "skills[1].level",
        "'expert'",
    ),
    BuilderCase(
        "unknown method",
        _skill(ok_skill(method="gut feeling")),
        AssessmentMethodError,
        "skills[0].method",
        "workplace-assessment",
    ),
    BuilderCase(
        "no method",
        _skill(ok_skill(method=None)),
        AssessmentMethodError,
        "skills[0].method",
        "required",
    ),
    BuilderCase("no skills", _skill(), BuilderError, "skills", "at least one skill"),
    BuilderCase(
        "same skill twice", _skill(ok_skill(), ok_skill()), BuilderError, "skills[1].uri", "twice"
    ),
    BuilderCase(
        "skill URI not a URI",
        _skill(ok_skill(uri="tungsten welding")),
        BuilderError,
        "skills[0].uri",
        "absolute URI",
    ),
    BuilderCase(
        "non-ESCO skill without framework",
        _skill(ok_skill(uri="https://acme.example/s/1")),
        BuilderError,
        "skills[0].framework",
        "not an ESCO URI",
    ),
    BuilderCase("empty label", _skill(ok_skill(label=" ")), BuilderError, "skills[0].label", ""),
    BuilderCase(
        "evidence URL not a URI",
        _skill(ok_skill(evidence=(EvidenceItem("r", url="not a url"),))),
        BuilderError,
        "skills[0].evidence[0].url",
        "absolute URI",
    ),
    BuilderCase(
        "subject not a DID",
        _skill(ok_skill(), subject="Alex"),
        BuilderError,
        "subject",
        "absolute URI",
    ),
    BuilderCase(
        "naive valid_from",
        _skill(ok_skill(), valid_from=datetime(2025, 1, 1)),
        BuilderError,
        "valid_from",
        "timezone",
    ),
    BuilderCase(
        "valid_until before valid_from",
        _skill(ok_skill(), valid_until=NOW.replace(year=2020)),
        BuilderError,
        "valid_until",
        "later",
    ),
    BuilderCase(
        "self-assessment about someone else",
        _self(Skill(ADVICE, "give advice", level="A"), issuer=ISSUER_DID),
        SelfAssessmentError,
        "subject",
        "not the issuer",
    ),
    BuilderCase(
        "self-assessment with a method",
        _self(Skill(ADVICE, "give advice", level="A", method="exam")),
        AssessmentMethodError,
        "skills[0].method",
        "no assessment method",
    ),
    BuilderCase(
        "self-assessment level Z",
        _self(Skill(ADVICE, "give advice", level="Z")),
        LevelError,
        "skills[0].level",
        "ProfilPass",
    ),
    BuilderCase("EQF 0", _diploma(eqf_level=0), LevelError, "eqf_level", "1 to 8"),
    BuilderCase("EQF 9", _diploma(eqf_level=9), LevelError, "eqf_level", "1 to 8"),
    BuilderCase("EQF '6'", _diploma(eqf_level="6"), LevelError, "eqf_level", "1 to 8"),
    BuilderCase(
        "unknown diploma type",
        _diploma(achievement_type="Hogwarts"),
        BuilderError,
        "achievement_type",
        "BachelorDegree",
    ),
    BuilderCase(
        "awarding body without name",
        _diploma(awarding_body=Profile(ISSUER_DID)),
        BuilderError,
        "awarding_body.name",
        "needs a name",
    ),
    BuilderCase(
        "diploma skill with a level",
        _diploma(skills=[Skill(ADVICE, "advice", level="B")]),
        BuilderError,
        "skills[0]",
        "skill credential",
    ),
    BuilderCase(
        "national level empty",
        _diploma(national_level=NationalLevel("NLQF", "")),
        BuilderError,
        "national_level.level",
        "",
    ),
    BuilderCase("credits -1", _diploma(credits=-1), BuilderError, "credits", "-1"),
    BuilderCase(
        "badge image javascript:",
        _badge(image="javascript:alert(1)"),
        BuilderError,
        "image",
        "http(s) URL",
    ),
    BuilderCase(
        "badge image data: text/html",
        _badge(image="data:text/html;base64,PGgxPg=="),
        BuilderError,
        "image",
        "base64 PNG",
    ),
    BuilderCase("badge without criteria", _badge(criteria=""), BuilderError, "criteria", ""),
    BuilderCase(
        "endorsement by the holder",
        _endorse(endorser=Profile(HOLDER_DID)),
        BuilderError,
        "endorser",
        "someone else",
    ),
    BuilderCase(
        "endorsement of nothing", _endorse(skill=None), BuilderError, "skill", "exactly one"
    ),
    BuilderCase(
        "endorsement of both",
        _endorse(credential="urn:uuid:1"),
        BuilderError,
        "skill",
        "exactly one",
    ),
    BuilderCase(
        "unknown relationship",
        _endorse(relationship="mother"),
        BuilderError,
        "relationship",
        "supervisor",
    ),
    BuilderCase("empty comment", _endorse(comment=""), BuilderError, "comment", ""),
]


@pytest.mark.parametrize("case", BUILDER_CASES, ids=[c.id for c in BUILDER_CASES])
def test_builder_refuses_with_the_exact_typed_error(case: BuilderCase) -> None:
    with pytest.raises(BuilderError) as info:
        case.call()
    assert type(info.value) is case.error
    assert info.value.field == case.field
    assert case.phrase in str(info.value)
