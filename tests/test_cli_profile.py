"""profile, match and self-assess end to end through the CLI entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from skillswallet.credentials.issue import issue_credential
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.skills.builders import Profile, Skill, skill_credential

from .conftest import invoke_main as cli

# Real ESCO transversal skills from the bundled starter set.
TEAMWORK = "http://data.europa.eu/esco/skill/60c78287-22eb-4103-9c8c-28deaa460da0"
SCHOOL = KeyPair.generate("ed25519")


pytestmark = pytest.mark.usefixtures("cli_vault")


def _starter_skill(text: str) -> tuple[str, str]:
    from skillswallet.skills.store import default_taxonomy

    found = default_taxonomy().search(text, kind="skill", limit=1)
    assert found, text
    return found[0].uri, found[0].label("en")


def test_self_assess_import_profile_and_match(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    team_uri, team_label = _starter_skill("work in teams")
    think_uri, _ = _starter_skill("evaluate information")
    assert cli(monkeypatch, capsys, "init")[0] == 0
    code, out, _ = cli(monkeypatch, capsys, "did", "create", "--json")
    assert code == 0
    holder = json.loads(out)["did"]
    code, out, err = cli(
        monkeypatch, capsys, "self-assess", "--skill", team_uri, "--level", "B", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["status"] == "stored"
    # A school assesses critical thinking.
    unsigned = skill_credential(
        [Skill(think_uri, "evaluate information", level="C", method="exam")],
        issuer=Profile(did_from_public_key(SCHOOL.public), "School"),
        subject=holder,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
    )
    signed = issue_credential(unsigned, SCHOOL.signer(verification_method_id(SCHOOL.public)))
    path = tmp_path / "school.json"
    path.write_text(json.dumps(signed), encoding="utf-8")
    assert cli(monkeypatch, capsys, "import", str(path))[0] == 0

    code, out, _ = cli(monkeypatch, capsys, "profile", "--json")
    assert code == 0
    skills = {s["uri"]: s for s in json.loads(out)["skills"]}
    assert skills[team_uri]["level"] == "self" and skills[team_uri]["label"] == team_label
    assert skills[think_uri]["level"] == "assessed" and skills[think_uri]["proficiency"] == "C"
    assert skills[team_uri]["category"] == "transversal"
    code, out, _ = cli(monkeypatch, capsys, "profile")
    assert code == 0 and "assessed" in out and team_label in out

    requirements = tmp_path / "vacancy.json"
    requirements.write_text(
        json.dumps(
            {
                "name": "Team lead",
                "skills": [
                    {"skill": team_uri, "minimumLevel": "assessed"},
                    {"skill": think_uri, "minimumLevel": "assessed"},
                    {"skill": "http://data.europa.eu/esco/skill/none", "essential": False},
                ],
            }
        ),
        encoding="utf-8",
    )
    code, out, _ = cli(monkeypatch, capsys, "match", "--requirements", str(requirements), "--json")
    assert code == 0
    report = json.loads(out)
    assert {o["skill"]: o["status"] for o in report["outcomes"]} == {
        team_uri: "below",
        think_uri: "have",
        "http://data.europa.eu/esco/skill/none": "missing",
    }
    assert report["score"] == 60.0  # (2 x 0.5 + 2 x 1 + 0) / 5


@pytest.mark.parametrize(
    ("args", "code", "phrase"),
    [
        (["self-assess", "--skill", TEAMWORK, "--level", "D"], 2, "--level"),
        (["match"], 2, "exactly one of"),
        (["match", "--top", "3", "--requirements", "x.json"], 2, "exactly one of"),
        (["match", "--requirements", "missing.json"], 3, "cannot read the requirements file"),
        (["profile", "--trust", "missing.json"], 3, "cannot read the trust list"),
        (["self-assess", "--skill", "teamwork", "--level", "B"], 2, "taxonomy search"),
        (
            [
                "self-assess",
                "--skill",
                "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",
                "--level",
                "B",
            ],
            2,
            "not a skill",
        ),
        (
            ["match", "--occupation", "http://data.europa.eu/esco/occupation/nope"],
            2,
            "not an occupation",
        ),
    ],
)
def test_bad_input_is_a_clear_error(
    args: list[str],
    code: int,
    phrase: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli(monkeypatch, capsys, "init")[0] == 0
    found, _, err = cli(monkeypatch, capsys, *args)
    assert found == code, err
    assert phrase in err


def test_self_assess_without_a_did_says_how_to_make_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(monkeypatch, capsys, "init")[0] == 0
    code, _, err = cli(monkeypatch, capsys, "self-assess", "--skill", TEAMWORK, "--level", "A")
    assert code == 3 and "did create" in err


def test_a_framework_cannot_rename_an_esco_skill_and_its_own_skills_can_be_assessed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from skillswallet.skills.store import default_taxonomy, install_framework

    framework = {
        "$schema": "urn:skillswallet:schema:skills-framework:1",
        "id": "https://example.org/competences",
        "name": "Example competences",
        "concepts": [
            {"id": TEAMWORK, "label": {"en": "brain surgery"}},
            {"id": "https://example.org/competences#forklift", "label": {"en": "drive a forklift"}},
        ],
    }
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(framework), encoding="utf-8")
    install_framework(path)
    taxonomy = default_taxonomy()
    assert taxonomy.label(TEAMWORK) == "work in teams"
    assert taxonomy.is_transversal(TEAMWORK)
    assert cli(monkeypatch, capsys, "init")[0] == 0
    assert cli(monkeypatch, capsys, "did", "create")[0] == 0
    code, _, err = cli(
        monkeypatch,
        capsys,
        "self-assess",
        "--skill",
        "https://example.org/competences#forklift",
        "--level",
        "3",
    )
    assert code == 0, err
    code, out, _ = cli(monkeypatch, capsys, "profile", "--json")
    [skill] = json.loads(out)["skills"]
    assert skill["label"] == "drive a forklift" and skill["level"] == "self"


def test_profile_lines_say_how_a_skill_grew_only_when_it_did() -> None:
    # "assessed  work in teams  level B  since ...  [assessed]": the bracket said the
    # level again, and a newcomer could not tell what it was
    from skillswallet.cli.profile import _profile_lines
    from skillswallet.skills.evidence import EvidenceLevel
    from skillswallet.skills.profile import ProfileSkill, SkillsProfile, Upgrade

    day = datetime(2026, 11, 30, tzinfo=UTC)

    def skill(label: str, *levels: EvidenceLevel) -> ProfileSkill:
        steps = tuple(Upgrade(day, level, f"r{i}", None) for i, level in enumerate(levels))
        return ProfileSkill(
            uri=f"urn:skill:{label}", label=label, level=levels[-1], best_ever=levels[-1],
            category="transversal", records=(), first=day, latest=day, history=steps,
        )  # fmt: skip

    lines = _profile_lines(
        SkillsProfile(
            (
                skill("work in teams", EvidenceLevel.SELF, EvidenceLevel.ASSESSED),
                skill("give advice", EvidenceLevel.ASSESSED),
            )
        )
    )
    assert "  assessed     work in teams  since 2026-11-30  (grew: self -> assessed)" in lines
    assert "  assessed     give advice  since 2026-11-30" in lines
