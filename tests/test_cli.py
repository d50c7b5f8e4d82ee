"""The command line: thin, exit codes 0/1/2/3, no tracebacks, no secrets in output."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillswallet.cli import app

from .conftest import INTEROP, invoke_main, load_json

runner = CliRunner()


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(
        app, list(args), input=input, standalone_mode=False, catch_exceptions=True
    )
    code = result.exit_code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        pytest.fail(f"CLI raised {result.exception!r}")
    return code, result.stdout, result.stderr


def run_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    return invoke_main(monkeypatch, capsys, *args)


def test_tour_runs_end_to_end(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_main(monkeypatch, capsys, "tour")
    assert code == 0
    assert "VERIFIED" in out and "NOT VERIFIED" in out
    assert "045f71e6-0699-4169-8a54-9c6b96f3174d" in out


def test_tour_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(monkeypatch, capsys, "tour", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["verification"]["verified"] is True
    assert data["tamperedVerification"]["verified"] is False
    assert data["vaultImport"] == ["stored", "refused"]
    assert [c["name"] for c in data["vaultListing"]] == ["Advising colleagues"]


def test_generate_issue_verify(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "issuer.json"
    code, out, _ = run_main(
        monkeypatch, capsys, "key", "generate", "--type", "ed25519", "--out", str(key)
    )
    assert code == 0
    did = out.strip()
    assert did.startswith("did:key:z6Mk")
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    secret = load_json(key)["secretKeyMultibase"]
    assert secret not in out

    unsigned = load_json(INTEROP / "ob3-unsigned.json")
    del unsigned["issuer"]
    src = tmp_path / "unsigned.json"
    src.write_text(json.dumps(unsigned))
    signed_path = tmp_path / "signed.json"
    code, out, err = run_main(
        monkeypatch, capsys, "issue", "--key", str(key), str(src), "--out", str(signed_path)
    )
    assert code == 0, err
    signed = load_json(signed_path)
    assert signed["issuer"] == did
    assert secret not in signed_path.read_text()

    code, out, _ = run_main(monkeypatch, capsys, "verify", str(signed_path))
    assert code == 0 and out.startswith("VERIFIED")
    code, out, _ = run_main(monkeypatch, capsys, "verify", "--json", str(signed_path))
    data = json.loads(out)
    assert code == 0 and data["verified"] is True
    assert {c["id"] for c in data["checks"]} >= {"structure", "proof", "issuer_binding"}
    for c in data["checks"]:
        assert set(c) >= {"id", "target", "status", "reason"}

    signed["credentialSubject"]["achievement"]["name"] = "Forged"
    signed_path.write_text(json.dumps(signed))
    code, out, _ = run_main(monkeypatch, capsys, "verify", str(signed_path))
    assert code == 1 and out.startswith("NOT VERIFIED")


@pytest.mark.parametrize(
    "suite,key_type", [("eddsa-jcs-2022", "ed25519"), ("ecdsa-rdfc-2019", "p256")]
)
def test_issue_with_other_suites(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    suite: str,
    key_type: str,
) -> None:
    key = tmp_path / "k.json"
    run_main(monkeypatch, capsys, "key", "generate", "-t", key_type, "-o", str(key))
    src = tmp_path / "u.json"
    unsigned = load_json(INTEROP / "ob3-unsigned.json")
    del unsigned["issuer"]
    src.write_text(json.dumps(unsigned))
    code, out, err = run_main(
        monkeypatch, capsys, "issue", "--key", str(key), "--suite", suite, str(src)
    )
    assert code == 0, err
    assert json.loads(out)["proof"]["cryptosuite"] == suite


def test_key_generate_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k.json"
    key.write_text("precious")
    code, _, err = run_main(monkeypatch, capsys, "key", "generate", "-o", str(key))
    assert code == 3 and "refusing to overwrite" in err
    assert key.read_text() == "precious"


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"a": 1, "a": 2}', "duplicate key"),
        ('{"a": NaN}', "NaN"),
        ("[" * 5000 + "]" * 5000, "nested deeper"),
    ],
)
def test_issue_bad_input_is_a_clear_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str,
    fragment: str,
) -> None:
    key = tmp_path / "k.json"
    run_main(monkeypatch, capsys, "key", "generate", "-o", str(key))
    src = tmp_path / "bad.json"
    src.write_text(content)
    code, out, err = run_main(monkeypatch, capsys, "issue", "--key", str(key), str(src))
    assert code == 3
    assert fragment in err and "Traceback" not in err + out


def test_issue_with_undefined_term_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "k.json"
    run_main(monkeypatch, capsys, "key", "generate", "-o", str(key))
    unsigned = load_json(INTEROP / "ob3-unsigned.json")
    del unsigned["issuer"]
    unsigned["credentialSubject"]["achievement"]["criteria"]["madeUp"] = 1
    src = tmp_path / "u.json"
    src.write_text(json.dumps(unsigned))
    code, _, err = run_main(monkeypatch, capsys, "issue", "--key", str(key), str(src))
    assert code == 3 and "madeUp" in err


def test_verify_bad_input_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    assert run_main(monkeypatch, capsys, "verify", str(bad))[0] == 3
    assert run_main(monkeypatch, capsys, "verify", str(tmp_path / "missing.json"))[0] == 3
    assert run_main(monkeypatch, capsys, "verify")[0] == 2
    assert run_main(monkeypatch, capsys, "verify", "--bogus", str(bad))[0] == 2
    not_vc = tmp_path / "nv.json"
    not_vc.write_text('{"hello": "world"}')
    code, out, _ = run_main(monkeypatch, capsys, "verify", str(not_vc))
    assert code == 1 and "structure" in out


def test_verify_presentation_needs_challenge(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    vp = str(INTEROP / "vp-eddsa-rdfc-2022.json")
    code, _, err = run_main(monkeypatch, capsys, "verify", vp)
    assert code == 2 and "--challenge" in err
    code, out, _ = run_main(
        monkeypatch,
        capsys,
        "verify",
        "--json",
        "--challenge",
        "c0ffee-42",
        "--domain",
        "employer.example",
        vp,
    )
    data = json.loads(out)
    assert [c["status"] for c in data["checks"] if c["target"] == "presentation"][:3] == [
        "passed",
        "passed",
        "passed",
    ]


def test_verify_reads_stdin() -> None:
    text = (INTEROP / "ob3-eddsa-rdfc-2022.json").read_text()
    code, out, _ = run("verify", "-", input=text)
    assert code == 0 and "VERIFIED" in out


def test_every_command_has_help() -> None:
    for args in (
        ["--help"],
        ["tour", "--help"],
        ["key", "generate", "--help"],
        ["issue", "--help"],
        ["verify", "--help"],
    ):
        code, out, _ = run(*args)
        assert code == 0 and "Usage" in out


def test_ctrl_c_while_starting_exits_130_without_a_traceback() -> None:
    # The console script as installed: Ctrl-C arrives while the command line is still
    # being imported (here: when typer is), long before any command runs.
    pyproject = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())
    module, function = pyproject["project"]["scripts"]["skillswallet"].split(":")
    script = f"""
import builtins, os, signal, sys
real_import = builtins.__import__
def interrupting_import(name, *args, **kwargs):
    if name == "typer":
        os.kill(os.getpid(), signal.SIGINT)
    return real_import(name, *args, **kwargs)
builtins.__import__ = interrupting_import
sys.argv = ["skillswallet", "--help"]
from {module} import {function}
sys.exit({function}())
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, "", "")
