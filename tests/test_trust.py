"""Trusted-issuer lists at verification: trusted for this claim, known but not for it,
unknown, expired lists; the CLI that writes them; and a report that says what is claimed."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from skillswallet import KeyPair, issue_credential, verification_method_id, verify
from skillswallet.did.key import did_from_public_key
from skillswallet.result import CheckId, Status
from skillswallet.skills.builders import Profile, Skill, diploma_credential, skill_credential
from skillswallet.trust.lists import TrustList

from .conftest import invoke_main
from .vaultkit import HOLDER_DID, NOW

SCHOOL = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(1, 33)))
SCHOOL_DID = did_from_public_key(SCHOOL.public)
WELDING = "http://data.europa.eu/esco/skill/tig-0000"
ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"


def _sign(doc: dict[str, Any]) -> dict[str, Any]:
    signer = SCHOOL.signer(verification_method_id(SCHOOL.public))
    return issue_credential(doc, signer, created=NOW - timedelta(days=1))


def _skill(uri: str = WELDING) -> dict[str, Any]:
    return _sign(
        skill_credential(
            [Skill(uri, "tungsten inert gas welding", level="B", method="exam")],
            issuer=Profile(SCHOOL_DID, "Zespół Szkół Technicznych"),
            subject=HOLDER_DID,
            valid_from=NOW - timedelta(days=1),
        )
    )


def _diploma(eqf: int) -> dict[str, Any]:
    return _sign(
        diploma_credential(
            name="Technician in welding",
            achievement_type="Diploma",
            eqf_level=eqf,
            awarding_body=Profile(SCHOOL_DID, "Zespół Szkół Technicznych"),
            subject=HOLDER_DID,
            valid_from=NOW - timedelta(days=1),
            skills=[Skill(WELDING, "tungsten inert gas welding")],
        )
    )


def _list(**entry: Any) -> TrustList:
    return TrustList.from_json(
        {"name": "Welding schools", "entries": [{"issuer": SCHOOL_DID, **entry}]}
    )


def _trust(result: Any) -> Any:
    [check] = [c for c in result.checks if c.id is CheckId.TRUST]
    return check


@pytest.mark.parametrize(
    ("document", "entry", "status", "phrase"),
    [
        (_skill(), {"scopes": ["skill"]}, Status.PASSED, "trusted for this skill"),
        (_skill(), {"scopes": ["http://data.europa.eu/esco/skill/"]}, Status.PASSED, "trusted"),
        (_skill(), {"scopes": ["diploma"]}, Status.FAILED, "for diploma, not for this skill"),
        (
            _skill(),
            {"scopes": ["http://example.org/other-framework/"]},
            Status.FAILED,
            "not for this skill",
        ),
        (_diploma(4), {"scopes": ["diploma"], "eqfLevels": [3, 4]}, Status.PASSED, "trusted"),
        (
            _diploma(6),
            {"scopes": ["diploma"], "eqfLevels": [3, 4]},
            Status.FAILED,
            "for EQF levels 3, 4, not EQF 6",
        ),
        (  # a framework scope covers skill credentials, not what a diploma says beyond them
            _diploma(4),
            {"scopes": ["http://data.europa.eu/esco/skill/"]},
            Status.FAILED,
            "not for this diploma",
        ),
        (
            _skill(),
            {"scopes": ["skill"], "types": ["EuropassCredential"]},
            Status.FAILED,
            "only for EuropassCredential credentials",
        ),
        (
            _skill(),
            {"scopes": ["skill"], "validFrom": "2026-01-01T00:00:00Z"},
            Status.FAILED,
            "only from 2026-01-01",
        ),
    ],
    ids=[
        "kind",
        "framework",
        "other-kind",
        "other-framework",
        "eqf-in-range",
        "eqf-beyond",
        "framework-not-diploma",
        "type",
        "accredited-later",
    ],
)
def test_the_trust_check_says_whether_the_issuer_is_trusted_for_this_claim(
    document: dict[str, Any], entry: dict[str, Any], status: Status, phrase: str
) -> None:
    result = verify(document, now=NOW, trust=_list(**entry))
    check = _trust(result)
    assert (check.status, result.verified) == (status, status is Status.PASSED)
    assert phrase in check.reason
    assert check.detail["lists"] == ["Welding schools"]


def test_an_unknown_issuer_and_an_expired_list() -> None:
    other = TrustList.from_json(
        {"name": "Other", "entries": [{"issuer": "did:web:other.example", "scopes": ["*"]}]}
    )
    check = _trust(verify(_skill(), now=NOW, trust=[other, _list(scopes=["diploma"])]))
    assert (
        check.status is Status.FAILED and check.detail["verdict"] == "known but not for this claim"
    )
    check = _trust(verify(_skill(), now=NOW, trust=other))
    assert check.status is Status.FAILED and "in none of the trust lists ('Other')" in check.reason
    expired = TrustList.from_json(
        {"name": "Old", "validUntil": "2025-01-01T00:00:00Z", "entries": []}
    )
    check = _trust(verify(_skill(), now=NOW, trust=expired))
    assert check.status is Status.INCONCLUSIVE and "expired" in check.reason


def test_without_trust_lists_there_is_no_trust_check() -> None:
    result = verify(_skill(), now=NOW)
    assert result.verified and not [c for c in result.checks if c.id is CheckId.TRUST]


def test_trust_lists_are_written_by_the_cli_and_used_by_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        return invoke_main(monkeypatch, capsys, *args)

    trust, credential = tmp_path / "trust.json", tmp_path / "diploma.json"
    credential.write_text(json.dumps(_diploma(6)))
    assert run("trust", "init", str(trust), "--name", "Welding schools")[0] == 0
    code, _, err = run("trust", "init", str(trust), "--name", "again")
    assert code == 3 and "already exists" in err  # never replaced by accident
    add = ("trust", "add", str(trust), "--issuer", SCHOOL_DID, "--name", "ZST")
    code, _, err = run(*add, "--scope", "diplomas")
    assert code == 2 and "--scopes" in err and "'diplomas'" in err
    assert run(*add, "--scope", "diploma", "--eqf", "4")[0] == 0
    code, out, _ = run("trust", "show", str(trust))
    assert code == 0 and f"ZST: diploma; EQF 4  <{SCHOOL_DID}>" in out
    code, out, _ = run("verify", str(credential), "--trust", str(trust))
    assert code == 1 and "for EQF levels 4, not EQF 6" in out
    assert run(*add, "--scope", "diploma", "--eqf", "4", "--eqf", "6")[0] == 0  # replaced
    assert len(json.loads(trust.read_text())["entries"]) == 1
    code, out, _ = run("verify", str(credential), "--trust", str(trust))
    assert code == 0 and "trusted for this diploma by 'Welding schools'" in out
    assert run("trust", "remove", str(trust), "--issuer", SCHOOL_DID)[0] == 0
    code, _, err = run("trust", "remove", str(trust), "--issuer", SCHOOL_DID)
    assert code == 3 and "is not in the trust list" in err
    code, out, _ = run("verify", str(credential), "--trust", str(trust), "--json")
    report = json.loads(out)
    assert code == 1 and report["verified"] is False
    [trust_check] = [c for c in report["checks"] if c["id"] == "trust"]
    assert trust_check["detail"]["verdict"] == "unknown"


def test_the_report_says_what_is_claimed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "diploma.json"
    path.write_text(json.dumps(_diploma(4)))
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(path))
    lines = out.splitlines()
    assert code == 0 and lines[0] == "VERIFIED"
    assert lines[1] == "What it claims:"
    assert "'Technician in welding', a diploma or certificate" in out
    assert f"about:       {HOLDER_DID}" in out
    assert f"issued by:   Zespół Szkół Technicznych ({SCHOOL_DID})" in out
    assert f"skill:       tungsten inert gas welding  <{WELDING}>" in out
    assert "EQF level:   4" in out
    assert out.index("What it claims:") < out.index("Checks:") < out.index("proof")
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(path), "--json")
    claimed = json.loads(out)["claimed"]
    assert claimed["issuerName"] == "Zespół Szkół Technicznych"
    assert claimed["eqfLevels"] == [4] and claimed["kind"] == "diploma"
    assert claimed["skills"] == [{"id": WELDING, "label": "tungsten inert gas welding"}]


def test_a_trust_list_does_not_judge_the_issuers_status_list(tmp_path: Path) -> None:
    """The status list is the issuer's own document, not a claim: a trust list that trusts
    the issuer for this skill must not make its status check inconclusive."""
    from skillswallet.status.sources import DirectorySource

    from .statuskit import make_school

    school = make_school(tmp_path)
    credential = school.credential()
    school.publish()
    trust = TrustList.from_json(
        {"name": "Schools", "entries": [{"issuer": school.did, "scopes": [ADVICE]}]}
    )
    result = verify(credential, now=NOW, status=DirectorySource(school.published), trust=trust)
    checks = {c.id: c for c in result.checks}
    assert checks[CheckId.STATUS].status is Status.PASSED, checks[CheckId.STATUS].reason
    assert checks[CheckId.TRUST].status is Status.PASSED
    assert result.verified


def test_the_claim_line_reads_as_english() -> None:
    from skillswallet.render.report import claimed_lines
    from skillswallet.skills.builders import endorsement

    vouched = endorsement(
        endorser=Profile(SCHOOL_DID, "A supervisor"),
        holder=HOLDER_DID,
        relationship="supervisor",
        comment="Works well in a team.",
        valid_from=NOW,
        skill=Skill(ADVICE, "give advice to others"),
        name="Endorsement: give advice to others",
    )
    assert claimed_lines(vouched)[0] == "  'Endorsement: give advice to others', an endorsement"
    assert claimed_lines(_diploma(4))[0].endswith("', a diploma or certificate")
