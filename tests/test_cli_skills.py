"""``skillswallet new ...`` and ``skillswallet bake``: what a person types, and that what
comes out signs, verifies and bakes."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from skillswallet.skills.baking import extract

from .conftest import invoke_main
from .imagekit import PNG, SVG
from .vaultkit import HOLDER_DID

ADVICE = "http://data.europa.eu/esco/skill/045f71e6-0699-4169-8a54-9c6b96f3174d"
TEAMWORK = "http://data.europa.eu/esco/skill/b9b2ad5a-ab9e-4b4e-a3d0-6f6b1f2f4a4a"
CREDENTIAL_ID = "urn:uuid:6c1f3bd0-2b5e-4f7e-9a43-7c3f0e0d5a11"

Run = tuple[int, str, str]
Runner = Callable[..., Run]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Runner:
    def call(*args: str) -> Run:
        return invoke_main(monkeypatch, capsys, *args)

    return call


@pytest.fixture
def issuer(tmp_path: Path, run: Runner) -> str:
    code, out, _ = run("key", "generate", "--out", str(tmp_path / "key.json"))
    assert code == 0
    return out.strip()


def _new_args(kind: str, issuer: str) -> list[str]:
    person = ["--subject", HOLDER_DID]
    return {
        "skill": [
            *("--skill", ADVICE, "--label", "give advice", "--skill", TEAMWORK),
            *("--label", "work in teams", "--level", "B", "--level", "4", "--method", "exam"),
            *("--issuer", issuer, "--issuer-name", "School", *person),
        ],
        "diploma": [
            *("--name", "MBO Care 4", "--eqf", "4", "--national-framework", "NLQF"),
            *("--national-level", "4", "--skill", ADVICE, "--label", "give advice"),
            *("--issuer", issuer, "--issuer-name", "ROC", *person),
        ],
        "badge": [
            *("--name", "First aid", "--criteria", "Did the course."),
            *("--image", "https://school.example/b.png", "--issuer", issuer, *person),
        ],
        "endorsement": [
            *("--issuer", issuer, "--subject", HOLDER_DID, "--relationship", "supervisor"),
            *("--comment", "Clear advice.", "--skill", ADVICE, "--label", "give advice"),
        ],
        "self-assessment": [
            *("--skill", ADVICE, "--label", "give advice", "--level", "C"),
            *("--subject", issuer),
        ],
    }[kind]


@pytest.mark.parametrize("kind", ["skill", "diploma", "badge", "endorsement", "self-assessment"])
def test_new_then_issue_then_verify(kind: str, tmp_path: Path, run: Runner, issuer: str) -> None:
    unsigned, signed = tmp_path / "unsigned.json", tmp_path / "signed.json"
    code, out, err = run("new", kind, *_new_args(kind, issuer), "--out", str(unsigned))
    assert (code, err) == (0, "")
    assert "skillswallet issue" in out
    assert oct(os.stat(unsigned).st_mode & 0o777) == "0o600"
    schema = json.loads(unsigned.read_text())["credentialSchema"][0]["id"]
    assert schema == f"urn:skillswallet:schema:{kind}:1"
    key = str(tmp_path / "key.json")
    assert run("issue", str(unsigned), "--key", key, "--out", str(signed))[0] == 0
    code, out, _ = run("verify", str(signed), "--json")
    assert code == 0
    checks = {c["id"]: c["status"] for c in json.loads(out)["checks"]}
    assert checks["schema"] == "passed"


def test_new_prints_to_stdout_and_takes_a_template(
    tmp_path: Path, run: Runner, issuer: str
) -> None:
    template = tmp_path / "t.json"
    template.write_text(json.dumps({"description": "From the template", "id": CREDENTIAL_ID}))
    code, out, _ = run("new", "badge", *_new_args("badge", issuer), "--template", str(template))
    assert code == 0
    document = json.loads(out)
    assert document["description"] == "From the template"
    assert document["id"] == CREDENTIAL_ID
    assert document["credentialSubject"]["achievement"]["name"] == "First aid"


@pytest.mark.parametrize("image", [PNG, SVG], ids=["png", "svg"])
def test_bake_a_signed_credential(image: bytes, tmp_path: Path, run: Runner, issuer: str) -> None:
    unsigned, signed = tmp_path / "unsigned.json", tmp_path / "signed.json"
    source, baked = tmp_path / "in.img", tmp_path / "out.img"
    source.write_bytes(image)
    run("new", "badge", *_new_args("badge", issuer), "--out", str(unsigned))
    run("issue", str(unsigned), "--key", str(tmp_path / "key.json"), "--out", str(signed))
    args = ("bake", "--credential", str(signed), "--image", str(source), "--out", str(baked))
    code, out, _ = run(*args, "--json")
    assert code == 0
    assert json.loads(out)["out"] == str(baked)
    assert extract(baked.read_bytes()) == json.loads(signed.read_text())
    # again: the file exists, then the image already carries one
    assert run(*args)[0] == 3
    code, _, err = run(*args[:-1], str(tmp_path / "again.img"), "--image", str(baked))
    assert code == 3 and "already carries a credential" in err
    assert run(*args, "--force", "--replace")[0] == 0


def test_every_command_has_help(run: Runner) -> None:
    for command in (["new"], *[["new", k] for k in ("skill", "diploma", "badge")], ["bake"]):
        code, out, _ = run(*command, "--help")
        assert code == 0 and "Usage:" in out
