"""The issuer's and the verifier's status and did:web commands, end to end through the
console entry point: a school with a did:web identity issues with status entries,
revokes, publishes; the verifier and the holder's import see it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skillswallet.tour import skill_badge

from .conftest import invoke_main

DID = "did:web:school.example"
REVOKE = "https://school.example/status/revocation/1"
SUSPEND = "https://school.example/status/suspension/1"


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    return invoke_main(monkeypatch, capsys, *args)


@pytest.fixture
def school(
    cli_vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> dict[str, Path]:
    site, published = tmp_path / "site", tmp_path / "published"
    assert _run(monkeypatch, capsys, "init")[0] == 0
    code, out, _ = _run(
        monkeypatch,
        capsys,
        "did",
        "web",
        "create",
        "--domain",
        "school.example",
        "--out",
        str(site),
    )
    assert code == 0 and out.splitlines()[0] == DID
    assert json.loads((site / "school.example" / "did.json").read_text())["id"] == DID
    for url, purpose in ((REVOKE, "revocation"), (SUSPEND, "suspension")):
        code, out, _ = _run(
            monkeypatch,
            capsys,
            *("status", "init", "--url", url, "--issuer", DID, "--purpose", purpose),
        )
        assert code == 0 and "131,072 entries" in out
    return {"site": site, "published": published, "tmp": tmp_path}


def _issue(monkeypatch: pytest.MonkeyPatch, capsys: Any, paths: dict[str, Path], name: str) -> Path:
    unsigned = skill_badge(DID, "did:example:holder", valid_from="2025-01-01T00:00:00Z")
    source, signed = paths["tmp"] / f"{name}-unsigned.json", paths["tmp"] / f"{name}.json"
    source.write_text(json.dumps(unsigned))
    code, _, err = _run(
        monkeypatch,
        capsys,
        *("issue", str(source), "--as", DID, "--status-list", REVOKE),
        *("--status-list", SUSPEND, "--out", str(signed)),
    )
    assert code == 0, err
    return signed


def _verify(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, paths: dict[str, Path], file: Path
) -> tuple[int, Any]:
    code, out, _ = _run(
        monkeypatch,
        capsys,
        *("verify", str(file), "--json", "--status-dir", str(paths["published"])),
        *("--did-web-dir", str(paths["site"])),
    )
    return code, json.loads(out)


def _status_of(report: Any) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["id"] == "status")


def test_issue_revoke_publish_verify(
    school: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    kept = _issue(monkeypatch, capsys, school, "kept")
    gone = _issue(monkeypatch, capsys, school, "gone")
    code, out, _ = _run(
        monkeypatch, capsys, "status", "publish", "--as", DID, "--out", str(school["published"])
    )
    assert code == 0 and out.count("wrote") == 2
    code, out, _ = _run(monkeypatch, capsys, "verify", str(kept))  # offline, no sources
    assert code == 1 and "--did-web-dir" in out
    code, report = _verify(monkeypatch, capsys, school, kept)
    assert code == 0 and report["verified"] is True
    gone_id = json.loads(gone.read_text())["id"]
    code, out, _ = _run(monkeypatch, capsys, "status", "revoke", gone_id)
    assert code == 0 and f"revoked {gone_id}" in out
    # Not yet published: verifiers still see the old list.
    assert _verify(monkeypatch, capsys, school, gone)[0] == 0
    _run(monkeypatch, capsys, "status", "publish", "--as", DID, "--out", str(school["published"]))
    code, report = _verify(monkeypatch, capsys, school, gone)
    assert code == 1 and _status_of(report)["reason"].startswith("revoked")
    assert _verify(monkeypatch, capsys, school, kept)[0] == 0
    code, out, _ = _run(
        monkeypatch,
        capsys,
        *("verify", str(gone), "--status-dir", str(school["published"])),
        *("--did-web-dir", str(school["site"])),
    )
    assert code == 1 and out.startswith("NOT VERIFIED") and "✗ status" in out


def test_revoke_takes_the_credential_file(
    school: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    # a school administrator has diplomas/row-000002.json, not its urn:uuid
    gone = _issue(monkeypatch, capsys, school, "gone")
    gone_id = json.loads(gone.read_text())["id"]
    code, out, _ = _run(monkeypatch, capsys, "status", "revoke", str(gone))
    assert code == 0 and f"revoked {gone_id}" in out
    _run(monkeypatch, capsys, "status", "publish", "--as", DID, "--out", str(school["published"]))
    code, report = _verify(monkeypatch, capsys, school, gone)
    assert code == 1 and _status_of(report)["reason"].startswith("revoked")
    idless = school["tmp"] / "no-id.json"
    idless.write_text(json.dumps({"type": ["VerifiableCredential"]}))
    code, _, err = _run(monkeypatch, capsys, "status", "suspend", str(idless))
    assert code == 2 and "is not a credential with an id" in err
    code, _, err = _run(monkeypatch, capsys, "status", "revoke", "row-00002.json")  # a typo
    assert code == 2 and "is neither a file nor a credential id" in err


def test_suspend_unsuspend_and_lists(
    school: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    signed = _issue(monkeypatch, capsys, school, "one")
    credential_id = json.loads(signed.read_text())["id"]
    publish = ("status", "publish", "--as", DID, "--out", str(school["published"]))
    _run(monkeypatch, capsys, "status", "suspend", credential_id)
    _run(monkeypatch, capsys, *publish)
    code, report = _verify(monkeypatch, capsys, school, signed)
    assert code == 1 and _status_of(report)["reason"].startswith("suspended")
    _run(monkeypatch, capsys, "status", "unsuspend", credential_id)
    _run(monkeypatch, capsys, *publish)
    assert _verify(monkeypatch, capsys, school, signed)[0] == 0
    code, out, _ = _run(monkeypatch, capsys, "status", "lists", "--json")
    assert code == 0 and [item["used"] for item in json.loads(out)] == [1, 1]
    code, out, _ = _run(monkeypatch, capsys, "status", "lists")  # said in words, not "1/131,072"
    assert code == 0 and f"revocation  1 of 131,072 entries given  by {DID}" in out


def test_import_checks_status_with_status_dir(
    school: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    kept = _issue(monkeypatch, capsys, school, "kept")
    gone = _issue(monkeypatch, capsys, school, "gone")
    _run(monkeypatch, capsys, "status", "revoke", json.loads(gone.read_text())["id"])
    _run(monkeypatch, capsys, "status", "publish", "--as", DID, "--out", str(school["published"]))
    code, out, _ = _run(
        monkeypatch,
        capsys,
        *("import", str(kept), str(gone), "--json", "--status-dir", str(school["published"])),
        *("--did-web-dir", str(school["site"])),
    )
    outcomes = {o["credentialId"]: o for o in json.loads(out)}
    assert code == 1
    assert outcomes[json.loads(kept.read_text())["id"]]["flags"] == []
    assert outcomes[json.loads(gone.read_text())["id"]]["status"] == "refused"


def test_mistakes_are_errors_not_tracebacks(
    school: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, _, err = _run(monkeypatch, capsys, "status", "revoke", "urn:uuid:unknown")
    assert code == 3 and "no revocation entry" in err
    code, _, err = _run(monkeypatch, capsys, "status", "init", "--url", REVOKE, "--issuer", DID)
    assert code == 3 and "already has" in err
    code, _, err = _run(
        monkeypatch, capsys, "status", "init", "--url", "school.example/x", "--issuer", DID
    )
    assert code == 3 and "https URL" in err
    code, _, err = _run(monkeypatch, capsys, "status", "publish", "--out", "x")
    assert code == 2
    code, _, err = _run(
        monkeypatch, capsys, "did", "web", "create", "--domain", "bad domain", "--out", "x"
    )
    assert code == 3 and "not a domain name" in err


@pytest.mark.parametrize(
    "command",
    [
        ("status",),
        ("status", "init"),
        ("status", "revoke"),
        ("status", "suspend"),
        ("status", "unsuspend"),
        ("status", "publish"),
        ("status", "lists"),
        ("did", "web"),
        ("did", "web", "create"),
        ("did", "web", "add-key"),
    ],
)
def test_every_new_command_has_help(
    command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    code, out, _ = _run(monkeypatch, capsys, *command, "--help")
    assert code == 0 and "Usage" in out and len(out) > 200
