"""The presentation commands end to end: request new, respond, verify --request,
present, disclosures; bad input gives a clear message and an exit code."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .conftest import invoke_main, load_json
from .presentkit import ADVICE, COOKING, TEAMWORK, school_credential


@pytest.fixture
def holder(
    cli_vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> str:
    """A vault with a DID and the school's ecdsa-sd-2023 credential about it; the record id."""
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    code, did, _ = invoke_main(monkeypatch, capsys, "did", "create")
    assert code == 0
    source = tmp_path / "school.json"
    source.write_text(json.dumps(school_credential(did.strip(), datetime.now(UTC))))
    code, out, err = invoke_main(monkeypatch, capsys, "import", "--json", str(source))
    assert code == 0, err
    return str(json.loads(out)[0]["id"])


def _request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> Path:
    code, out, err = invoke_main(monkeypatch, capsys, "request", "new", *args)
    assert code == 0, err
    path = tmp_path / "request.json"
    path.write_text(out)
    return path


def test_employer_asks_person_answers_employer_verifies(
    holder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request = _request(
        tmp_path, monkeypatch, capsys,
        "--skill", ADVICE, "--skill", TEAMWORK, "--min-level", "assessed",
        "--domain", "employer.example",
    )  # fmt: skip
    asked = load_json(request)
    assert asked["domain"] == "employer.example" and len(asked["challenge"]) >= 16
    vp = tmp_path / "vp.json"
    code, out, err = invoke_main(
        monkeypatch, capsys, "respond", str(request), "--out", str(vp), "--yes"
    )
    assert code == 0, err
    assert "reveals   /credentialSubject/achievement/alignment/0" in out
    assert "withholds /credentialSubject/result" in out  # the grades
    assert "withholds /credentialSubject/achievement/alignment/2" in out  # the third skill
    assert "Logged as disclosure" in out
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(vp), "--request", str(request))
    assert code == 0 and out.startswith("VERIFIED")
    assert "request.query[0].credentialQuery[1]" in out

    # A forged grade, a replay against a new request, a wrong --challenge: refused.
    presented = load_json(vp)
    alignment = presented["verifiableCredential"][0]["credentialSubject"]["achievement"][
        "alignment"
    ]
    alignment[0]["targetUrl"] = COOKING
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(presented))
    code, out, _ = invoke_main(
        monkeypatch, capsys, "verify", str(forged), "--request", str(request)
    )
    assert code == 1 and "NOT VERIFIED" in out
    again = _request(
        tmp_path, monkeypatch, capsys, "--skill", ADVICE, "--domain", "employer.example"
    )
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", str(vp), "--request", str(again))
    assert code == 1 and "challenge" in out
    code, _, err = invoke_main(
        monkeypatch, capsys, "verify", str(vp), "--request", str(request), "--challenge", "x"
    )
    assert code == 2 and "differs from the request" in err


def test_respond_asks_first(
    holder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request = _request(tmp_path, monkeypatch, capsys, "--skill", ADVICE, "--domain", "e.example")
    vp = tmp_path / "vp.json"
    code, _, err = invoke_main(monkeypatch, capsys, "respond", str(request), "--out", str(vp))
    assert code == 2 and "--yes" in err  # no terminal to ask in
    monkeypatch.setattr("skillswallet.cli.present.is_interactive", lambda: True)
    monkeypatch.setattr("skillswallet.cli.present.confirm", lambda question: False)
    code, out, err = invoke_main(monkeypatch, capsys, "respond", str(request), "--out", str(vp))
    assert code == 1 and "Nothing was signed" in err and "withholds" in out
    assert not vp.exists()
    code, out, _ = invoke_main(monkeypatch, capsys, "disclosures", "--json")
    assert json.loads(out) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('{"query": [], "challenge": "c", "domain": "d"}', "asks for nothing"),
        ('{"query": [{"type": "QueryByExample", "credentialQuery": [{}]}], "domain": "d"}',
         "has no challenge"),
    ],
)  # fmt: skip
def test_malformed_request_files(
    holder: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
    message: str,
) -> None:
    request = tmp_path / "bad.json"
    request.write_text(content)
    vp = tmp_path / "vp.json"
    code, _, err = invoke_main(monkeypatch, capsys, "respond", str(request), "-o", str(vp), "--yes")
    assert code == 3 and message in err
    code, _, err = invoke_main(
        monkeypatch, capsys, "verify", str(request), "--request", str(request)
    )
    assert code == 3 and message in err


def test_a_request_nobody_can_answer(
    holder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    request = _request(
        tmp_path, monkeypatch, capsys, "--type", "DriversLicence", "--domain", "e.example"
    )
    code, _, err = invoke_main(
        monkeypatch, capsys, "respond", str(request), "-o", str(tmp_path / "vp.json"), "--yes"
    )
    assert code == 3 and "cannot answer this request" in err and "not of type DriversLicence" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--domain", "d"], "ask for something"),
        (
            ["--skill", ADVICE, "--min-level", "legendary", "--domain", "d"],
            "unknown evidence level",
        ),
        (["--type", "X", "--min-level", "self", "--domain", "d"], "--min-level is for --skill"),
        (["--skill", ADVICE], "--domain"),
    ],
)
def test_request_new_usage_errors(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, out, err = invoke_main(monkeypatch, capsys, "request", "new", *args)
    assert code == 2 and message in err and out == ""


def test_present_disclose_and_the_log(
    holder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vp = tmp_path / "vp.json"
    base = ["present", "--credential", holder[:8], "--out", str(vp)]
    code, _, err = invoke_main(
        monkeypatch, capsys, *base, "--disclose", "/credentialSubject/nope",
        "--challenge", "c1", "--domain", "a.example",
    )  # fmt: skip
    assert code == 3 and "names nothing" in err and not vp.exists()
    code, out, err = invoke_main(
        monkeypatch, capsys, *base, "--disclose", "/credentialSubject/achievement/alignment/1",
        "--challenge", "c1", "--domain", "a.example", "--purpose", "interview",
    )  # fmt: skip
    assert code == 0, err
    assert "withholds /credentialSubject/result" in out and "warning" not in err
    code, out, _ = invoke_main(
        monkeypatch, capsys, "verify", str(vp), "--challenge", "c1", "--domain", "a.example"
    )
    assert code == 0
    # The same credential to another verifier: linkable, said on stderr.
    code, out, err = invoke_main(
        monkeypatch, capsys, *base, "--challenge", "c2", "--domain", "b.example", "--json"
    )
    assert code == 0
    assert "warning: credential" in err and "a.example" in err and "to avoid it:" in err
    made = json.loads(out)
    assert {w["kind"] for w in made["warnings"]} == {"credential-id", "signature", "holder"}

    code, out, _ = invoke_main(monkeypatch, capsys, "disclosures")
    assert code == 0 and "to a.example (interview): 1 credential" in out and "to b.example" in out
    code, out, _ = invoke_main(monkeypatch, capsys, "disclosures", "--json")
    entries = json.loads(out)
    assert [e["domain"] for e in entries] == ["a.example", "b.example"]
    assert "links" not in entries[0]
    receipt = tmp_path / "receipt.json"
    code, out, _ = invoke_main(
        monkeypatch, capsys, "disclosures", "show", entries[0]["id"][:6], "--receipt", str(receipt)
    )
    assert code == 0 and "withheld:" in out and "SHA-256:" in out
    written = load_json(receipt)
    assert written["disclosure"]["id"] == entries[0]["id"]
    assert written["presentation"]["proof"]["challenge"] == "c1"
    code, _, err = invoke_main(monkeypatch, capsys, "disclosures", "show", "zzzz")
    assert code == 3 and "no disclosure" in err


@pytest.mark.parametrize(
    "args",
    [
        ["present"],
        ["request"],
        ["request", "new"],
        ["respond"],
        ["disclosures"],
        ["disclosures", "show"],
    ],
)
def test_every_presentation_command_has_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, out, _ = invoke_main(monkeypatch, capsys, *args, "--help")
    assert code == 0 and "Usage" in out
    assert "--json" in out or args == ["request"]  # a group: its command has it


def test_request_new_writes_the_request_to_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "request.json"
    code, said, _ = invoke_main(
        monkeypatch, capsys, "request", "new", "--skill", ADVICE, "--domain", "jobs.example",
        "--challenge", "c-77", "--out", str(out),
    )  # fmt: skip
    assert code == 0 and said.strip() == f"Wrote the request to {out} (challenge c-77)"
    request = json.loads(out.read_text())
    assert request["challenge"] == "c-77" and request["domain"] == "jobs.example"
