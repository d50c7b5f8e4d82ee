"""The skills credential builders: every type, with every option, signs and verifies
(structure, plain form, proof and its own JSON Schema), and says what the mapping says."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from skillswallet.credentials.issue import issue_credential
from skillswallet.credentials.proofs import add_proof
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.errors import InvalidDocumentError
from skillswallet.result import Status
from skillswallet.skills.builders import (
    CredentialKind,
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
from skillswallet.verify import verify

from .vaultkit import ISSUER, NOW

HOLDER = KeyPair.from_secret(ISSUER.type, bytes(range(1, 33)))
HOLDER_DID = did_from_public_key(HOLDER.public)
ISSUER_DID = did_from_public_key(ISSUER.public)
SCHOOL = Profile(ISSUER_DID, "Example Vocational School", "https://school.example")
ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
TEAMWORK = "http://data.europa.eu/esco/skill/b9b2ad5a-ab9e-4b4e-a3d0-6f6b1f2f4a4a"
PNG_DATA_URI = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
    "hgGAWjR9awAAAABJRU5ErkJggg=="
)
CREDENTIAL_ID = "urn:uuid:6c1f3bd0-2b5e-4f7e-9a43-7c3f0e0d5a11"

Build = Callable[[], dict[str, Any]]

CASES: dict[str, tuple[CredentialKind, Build]] = {
    "skill, one, ProfilPass": (
        CredentialKind.SKILL,
        lambda: skill_credential(
            [Skill(ADVICE, "give advice to others", level="B", method="exam")],
            issuer=SCHOOL,
            subject=HOLDER_DID,
            valid_from=NOW,
        ),
    ),
    "skill, every option": (
        CredentialKind.SKILL,
        lambda: skill_credential(
            [
                Skill(
                    ADVICE,
                    "give advice to others",
                    level="c",
                    method="workplace assessment",
                    code="S1.2.3",
                    evidence=(
                        EvidenceItem("Report", url="https://school.example/r/1", narrative="..."),
                        EvidenceItem("Assessor notes", description="Observed twice"),
                    ),
                ),
                Skill(TEAMWORK, "work in teams", level=4, method="observation"),
                Skill(
                    "https://company.example/competence/7", "lead", 5, "project", framework="Acme"
                ),
            ],
            issuer=SCHOOL,
            subject=HOLDER_DID,
            valid_from=NOW,
            valid_until=NOW.replace(year=2030),
            name="Care assistant practical",
            description="Practical assessment in a care home.",
            criteria="Observed during a six-week placement.",
            credential_id=CREDENTIAL_ID,
        ),
    ),
    "self-assessment, ProfilPass": (
        CredentialKind.SELF_ASSESSMENT,
        lambda: self_assessment(
            [Skill(ADVICE, "give advice to others", level="A")],
            issuer=Profile(HOLDER_DID),
            subject=HOLDER_DID,
            valid_from=NOW,
        ),
    ),
    "self-assessment, 1-5 with evidence": (
        CredentialKind.SELF_ASSESSMENT,
        lambda: self_assessment(
            [
                Skill(ADVICE, "give advice to others", level=3),
                Skill(TEAMWORK, "work in teams", level="C", evidence=(EvidenceItem("Diary"),)),
            ],
            issuer=Profile(HOLDER_DID, "Alex"),
            subject=HOLDER_DID,
            valid_from=NOW,
            name="My skills, spring 2025",
        ),
    ),
    "diploma, EQF only": (
        CredentialKind.DIPLOMA,
        lambda: diploma_credential(
            name="Bachelor of Nursing",
            achievement_type="BachelorDegree",
            eqf_level=6,
            awarding_body=SCHOOL,
            subject=HOLDER_DID,
            valid_from=NOW,
        ),
    ),
    "diploma, every option": (
        CredentialKind.DIPLOMA,
        lambda: diploma_credential(
            name="MBO Care 4",
            achievement_type="Diploma",
            eqf_level=4,
            national_level=NationalLevel("NLQF", "4"),
            awarding_body=SCHOOL,
            subject=HOLDER_DID,
            valid_from=NOW,
            skills=[Skill(ADVICE, "give advice to others", code="S1")],
            criteria="Passed every module.",
            description="Secondary vocational education, level 4.",
            field_of_study="Care",
            credits=240,
            credential_id=CREDENTIAL_ID,
        ),
    ),
    "certificate, national level with URL": (
        CredentialKind.DIPLOMA,
        lambda: diploma_credential(
            name="Forklift",
            achievement_type="Certificate",
            eqf_level=2,
            national_level=NationalLevel("DQR", "2", "https://dqr.example/level/2"),
            awarding_body=SCHOOL,
            subject=HOLDER_DID,
            valid_from=NOW,
        ),
    ),
    "badge, image URL": (
        CredentialKind.BADGE,
        lambda: badge_credential(
            name="First aid",
            criteria="Completed the first-aid course.",
            image="https://school.example/badges/first-aid.png",
            issuer=SCHOOL,
            subject=HOLDER_DID,
            valid_from=NOW,
        ),
    ),
    "badge, data URI and skills": (
        CredentialKind.BADGE,
        lambda: badge_credential(
            name="Peer mentor",
            criteria="Mentored three first-year students.",
            image=PNG_DATA_URI,
            issuer=SCHOOL,
            subject=HOLDER_DID,
            valid_from=NOW,
            description="Mentoring badge",
            skills=[Skill(ADVICE, "give advice to others")],
        ),
    ),
    "endorsement of a skill": (
        CredentialKind.ENDORSEMENT,
        lambda: endorsement(
            endorser=Profile(ISSUER_DID, "Sam Supervisor"),
            holder=HOLDER_DID,
            relationship="supervisor",
            comment="Gives clear, kind advice to new colleagues.",
            skill=Skill(ADVICE, "give advice to others"),
            context="Supervised Alex at the care home, 2023-2025.",
            valid_from=NOW,
        ),
    ),
    "endorsement of a credential": (
        CredentialKind.ENDORSEMENT,
        lambda: endorsement(
            endorser=Profile(ISSUER_DID),
            holder=HOLDER_DID,
            relationship="Client",
            comment="Did this work for us.",
            credential=CREDENTIAL_ID,
            name="Client reference",
            valid_from=NOW,
        ),
    ),
}


def _sign(doc: dict[str, Any]) -> dict[str, Any]:
    key = HOLDER if doc["issuer"]["id"] == HOLDER_DID else ISSUER
    return issue_credential(doc, key.signer(verification_method_id(key.public)), created=NOW)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_built_credential_signs_and_verifies_against_its_schema(case: str) -> None:
    kind, build = CASES[case]
    result = verify(_sign(build()), now=NOW)
    assert result.verified, [c for c in result.checks if c.status is Status.FAILED]
    schema = result.check("schema")
    assert schema.status is Status.PASSED
    assert schema.detail["checked"] == [kind.schema_id]


def _skill_case() -> dict[str, Any]:
    return CASES["skill, every option"][1]()


def test_skill_level_is_a_result_pointing_to_the_skill_scale() -> None:
    doc = _skill_case()
    achievement = doc["credentialSubject"]["achievement"]
    results = doc["credentialSubject"]["result"]
    descriptions = {d["id"]: d for d in achievement["resultDescription"]}
    read = {}
    for result in results:
        description = descriptions[result["resultDescription"]]
        levels = {level["id"]: level for level in description["rubricCriterionLevel"]}
        read[description["alignment"][0]["targetUrl"]] = levels[result["achievedLevel"]]["level"]
    assert read == {ADVICE: "C", TEAMWORK: "4", "https://company.example/competence/7": "5"}
    assert results[0]["achievedLevel"] == "urn:skillswallet:level:profilpass:C"


def test_skill_alignment_and_method_as_evidence_genre() -> None:
    doc = _skill_case()
    alignment = doc["credentialSubject"]["achievement"]["alignment"]
    assert alignment[0] == {
        "type": ["Alignment"],
        "targetName": "give advice to others",
        "targetUrl": ADVICE,
        "targetFramework": "ESCO",
        "targetType": "ext:ESCOSkill",
        "targetCode": "S1.2.3",
    }
    assert alignment[2]["targetFramework"] == "Acme"
    assert alignment[2]["targetType"] == "ext:Skill"
    assert [(e.get("name"), e["genre"]) for e in doc["evidence"]] == [
        ("Workplace assessment: give advice to others", "workplace-assessment"),
        ("Report", "workplace-assessment"),
        ("Assessor notes", "workplace-assessment"),
        ("Observation: work in teams", "observation"),
        ("Project: lead", "project"),
    ]
    assert doc["evidence"][1]["id"] == "https://school.example/r/1"


def test_nested_ids_are_stable_for_a_credential_id() -> None:
    assert _skill_case() == _skill_case()
    first = CASES["skill, one, ProfilPass"][1]()
    second = CASES["skill, one, ProfilPass"][1]()
    assert first["id"] != second["id"]  # a fresh urn:uuid each time


def test_diploma_levels_are_alignments() -> None:
    alignment = CASES["diploma, every option"][1]()["credentialSubject"]["achievement"]["alignment"]
    assert alignment[0] == {
        "type": ["Alignment"],
        "targetName": "EQF level 4",
        "targetUrl": "http://data.europa.eu/snb/eqf/4",
        "targetFramework": "EQF",
        "targetCode": "4",
        "targetType": "ext:EQFLevel",
    }
    assert alignment[1]["targetFramework"] == "NLQF"
    assert alignment[1]["targetCode"] == "4"
    assert alignment[1]["targetUrl"] == "urn:skillswallet:qualification-level:nlqf:4"
    assert alignment[2]["targetUrl"] == ADVICE


def test_self_assessment_is_issued_by_its_subject_and_tagged() -> None:
    doc = CASES["self-assessment, 1-5 with evidence"][1]()
    assert doc["issuer"]["id"] == doc["credentialSubject"]["id"] == HOLDER_DID
    assert doc["credentialSubject"]["achievement"]["tag"] == ["self-assessment"]
    assert doc["evidence"] == [{"type": ["Evidence"], "name": "Diary", "genre": "self-assessment"}]


def test_endorsement_records_relationship_and_target() -> None:
    doc = CASES["endorsement of a skill"][1]()
    assert doc["type"] == ["VerifiableCredential", "EndorsementCredential"]
    subject = doc["credentialSubject"]
    assert subject["id"] == HOLDER_DID
    assert subject["alignment"][0]["targetUrl"] == ADVICE
    assert doc["evidence"][0]["genre"] == "relationship:supervisor"
    assert doc["evidence"][0]["narrative"].startswith("Supervised")
    other = CASES["endorsement of a credential"][1]()
    assert other["credentialSubject"]["id"] == CREDENTIAL_ID
    assert other["evidence"][0]["genre"] == "relationship:client"


def test_schema_violation_names_the_field() -> None:
    doc = CASES["diploma, EQF only"][1]()
    doc["credentialSubject"]["achievement"]["alignment"][0]["targetCode"] = "9"
    where = "/credentialSubject/achievement/alignment/0/targetCode"
    with pytest.raises(InvalidDocumentError, match=where):  # issuing refuses it
        _sign(doc)
    signer = ISSUER.signer(verification_method_id(ISSUER.public))
    check = verify(add_proof(doc, signer, created=NOW), now=NOW).check("schema")
    assert check.status is Status.FAILED
    assert (
        "/credentialSubject/achievement/alignment/0/targetCode: '9' is not one of" in check.reason
    )


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_schemas_do_not_depend_on_the_order_of_the_later_contexts(case: str) -> None:
    # With an RDF suite the order of the contexts after the first is not signed: a
    # schema that required the Open Badges context second gave another verdict when a
    # holder moved it (third red-team round).
    from skillswallet.credentials.model import as_list
    from skillswallet.credentials.schema import default_registry

    doc = CASES[case][1]()
    doc["@context"] = [
        doc["@context"][0],
        "https://w3id.org/security/data-integrity/v2",
        *doc["@context"][1:],
    ]
    [schema] = [s["id"] for s in as_list(doc["credentialSchema"])]
    assert default_registry().errors(schema, doc) == []
