"""Vault commands end to end through the CLI entry point."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from skillswallet.storage import crypto

from .conftest import INTEROP, invoke_main, load_json
from .vaultkit import PASSPHRASE, credential


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI uses MODERATE; tests use the floor so each command opens quickly.
    monkeypatch.setattr(crypto, "DEFAULT_OPS", crypto.OPS_FLOOR)
    monkeypatch.setattr(crypto, "DEFAULT_MEM", crypto.MEM_FLOOR)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    vault = tmp_path / "vault.sqlite"
    monkeypatch.setenv("SKILLSWALLET_VAULT", str(vault))
    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", PASSPHRASE)
    return vault


def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    code, out, err = invoke_main(monkeypatch, capsys, *args)
    assert PASSPHRASE not in out + err
    return code, out, err


def _write(path: Path, value: object) -> str:
    path.write_text(json.dumps(value))
    return str(path)


def test_person_journey(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(monkeypatch, capsys, "init")[0] == 0
    assert stat.S_IMODE(env.stat().st_mode) == 0o600
    good = _write(tmp_path / "good.json", credential("Welding"))
    forged_vc = credential("Forged")
    forged_vc["name"] = "Forged twice"
    forged = _write(tmp_path / "forged.json", forged_vc)

    code, out, _ = cli(monkeypatch, capsys, "import", good, forged)
    assert code == 1
    assert "stored" in out and "refused" in out and "proof:" in out

    code, out, _ = cli(monkeypatch, capsys, "import", good)
    assert code == 0 and "duplicate" in out

    code, out, _ = cli(monkeypatch, capsys, "import", "--allow-unverified", forged)
    assert code == 0 and "unverified" in out

    code, out, _ = cli(monkeypatch, capsys, "list", "--json")
    items = json.loads(out)
    assert [i["name"] for i in items] == ["Welding", "Forged twice"]
    assert items[1]["flags"] == ["unverified"]

    code, out, _ = cli(
        monkeypatch, capsys, "list", "--skill", "045f71e6-0699-4169-8a54-9c6b96f3174d"
    )
    assert code == 0 and "Welding" in out

    rid = items[0]["id"]
    code, out, _ = cli(monkeypatch, capsys, "show", rid[:10], "--json")
    assert json.loads(out)["credential"]["name"] == "Welding"

    code, out, _ = cli(monkeypatch, capsys, "delete", rid[:10], "--yes")  # (no terminal)
    assert code == 0
    code, out, _ = cli(monkeypatch, capsys, "show", rid)
    assert code == 3


def test_issuer_journey_with_vault_key(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(monkeypatch, capsys, "init")
    code, did, _ = cli(monkeypatch, capsys, "did", "create", "--label", "school")
    did = did.strip()
    assert code == 0 and did.startswith("did:key:z6Mk")
    code, out, _ = cli(monkeypatch, capsys, "did", "list", "--json")
    listed = json.loads(out)
    assert listed[0]["did"] == did and listed[0]["label"] == "school"
    assert "secret" not in out.lower()

    unsigned = load_json(INTEROP / "ob3-unsigned.json")
    del unsigned["issuer"]
    src = _write(tmp_path / "u.json", unsigned)
    signed_path = tmp_path / "signed.json"
    code, _, err = cli(monkeypatch, capsys, "issue", "--as", did, src, "--out", str(signed_path))
    assert code == 0, err
    code, out, _ = cli(monkeypatch, capsys, "verify", str(signed_path))
    assert code == 0

    code, _, err = cli(monkeypatch, capsys, "issue", src)
    assert code == 2 and "exactly one" in err


def test_did_import_key_file(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(monkeypatch, capsys, "init")
    key = tmp_path / "k.json"
    _, did, _ = cli(monkeypatch, capsys, "key", "generate", "-o", str(key))
    code, out, _ = cli(monkeypatch, capsys, "did", "import", str(key))
    assert code == 0 and out.strip() == did.strip()
    secret = load_json(key)["secretKeyMultibase"]
    code, out, err = cli(monkeypatch, capsys, "did", "list")
    assert secret not in out + err


def test_backup_restore_export_passphrase(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(monkeypatch, capsys, "init")
    cli(monkeypatch, capsys, "import", _write(tmp_path / "a.json", credential("A")))
    backup = tmp_path / "b.skw"
    assert cli(monkeypatch, capsys, "backup", "--out", str(backup))[0] == 0

    other = tmp_path / "elsewhere" / "vault.sqlite"
    code, _out, _ = cli(monkeypatch, capsys, "restore", str(backup), "--vault", str(other))
    assert code == 0 and other.exists()
    code, _, err = cli(monkeypatch, capsys, "restore", str(backup), "--vault", str(other))
    assert code == 3 and "exists" in err

    code, _, err = cli(monkeypatch, capsys, "export", "--out", str(tmp_path / "x"))
    assert code == 2 and "--plaintext" in err
    code, _, err = cli(monkeypatch, capsys, "export", "--plaintext", "--out", str(tmp_path / "x"))
    assert code == 0 and "UNENCRYPTED" in err
    assert len(list((tmp_path / "x").iterdir())) == 1

    monkeypatch.setenv("SKILLSWALLET_NEW_PASSPHRASE", "a brand new passphrase")
    assert cli(monkeypatch, capsys, "passphrase", "change")[0] == 0
    code, _, err = cli(monkeypatch, capsys, "list")
    assert code == 3 and "wrong passphrase" in err
    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", "a brand new passphrase")
    assert cli(monkeypatch, capsys, "list")[0] == 0


def test_passphrase_file_and_vault_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SKILLSWALLET_PASSPHRASE", raising=False)
    monkeypatch.delenv("SKILLSWALLET_VAULT", raising=False)
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    vault = tmp_path / "v.sqlite"
    assert (
        cli(monkeypatch, capsys, "init", "--vault", str(vault), "--passphrase-file", str(secret))[0]
        == 0
    )
    code, out, _ = cli(
        monkeypatch, capsys, "list", "--vault", str(vault), "--passphrase-file", str(secret)
    )
    assert code == 0 and "No credentials" in out
    # no terminal, no env, no file: a usage error, not a hang
    code, _, err = cli(monkeypatch, capsys, "list", "--vault", str(vault))
    assert code == 2 and "passphrase" in err


@pytest.mark.parametrize(
    "args",
    [["list"], ["import", "missing.json"], ["show", "abc"], ["did", "list"]],
)
def test_errors_are_clean(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    # no vault yet
    code, _, err = cli(monkeypatch, capsys, *args)
    assert code == 3 and err.startswith("error:")


def test_corrupt_vault_is_reported(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env.write_bytes(os.urandom(2048))
    code, _, err = cli(monkeypatch, capsys, "list")
    assert code == 3 and "not a skillswallet vault" in err


def test_vault_commands_have_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in (
        ["init"],
        ["import"],
        ["list"],
        ["show"],
        ["delete"],
        ["did", "create"],
        ["did", "list"],
        ["did", "import"],
        ["backup"],
        ["restore"],
        ["export"],
        ["passphrase", "change"],
    ):
        code, out, _ = cli(monkeypatch, capsys, *args, "--help")
        assert code == 0 and "Usage" in out


def test_import_of_many_files_streams_them_beyond_the_memory_budget(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from skillswallet import jsonio
    from skillswallet.cli import common as cli_common

    assert cli(monkeypatch, capsys, "init")[0] == 0
    files = [
        _write(tmp_path / f"c{i}.json", [credential(f"Skill {i}.{j}") for j in range(3)])
        for i in range(4)
    ]
    monkeypatch.setattr(cli_common, "KEEP_PARSED_BYTES", 0)  # keep nothing parsed
    parsed: list[int] = []
    real_loads = jsonio.loads

    def counting_loads(data: str | bytes, **kwargs: Any) -> Any:
        parsed.append(len(data))
        return real_loads(data, **kwargs)

    monkeypatch.setattr(jsonio, "loads", counting_loads)
    code, out, _ = cli(monkeypatch, capsys, "import", *files)
    assert code == 0 and "12 stored" in out
    assert len(parsed) == 8  # each file checked up front, then read again when imported


def test_a_bad_file_among_many_stops_the_import_before_anything_is_stored(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(monkeypatch, capsys, "init")[0] == 0
    good = _write(tmp_path / "good.json", credential("Welding"))
    bad = tmp_path / "bad.json"
    bad.write_text('{"@context": [')
    code, _, err = cli(monkeypatch, capsys, "import", good, str(bad))
    assert code == 3 and "error:" in err and "Traceback" not in err
    code, out, _ = cli(monkeypatch, capsys, "list", "--json")
    assert code == 0 and json.loads(out) == []


def test_a_large_import_lists_only_what_needs_a_look(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(monkeypatch, capsys, "init")[0] == 0
    batch = [credential(f"Skill {i}") for i in range(60)]
    batch[7]["name"] = "tampered"
    batch[9] = credential("Old", validUntil="2025-02-01T00:00:00Z")
    code, out, _ = cli(monkeypatch, capsys, "import", _write(tmp_path / "many.json", batch))
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "59 stored, 0 duplicate, 1 refused"
    assert any(line.startswith("refused") and batch[7]["id"] in line for line in lines)
    assert any(line.startswith("stored") and "[expired]" in line for line in lines)
    assert "(58 stored or duplicate without remarks not listed; --json lists all)" in lines
    assert len(lines) < 10
    code, out, _ = cli(monkeypatch, capsys, "import", "--json", str(tmp_path / "many.json"))
    assert len(json.loads(out)) == 60


def test_show_says_what_list_and_json_say(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from skillswallet.credentials.issue import issue_credential
    from skillswallet.did.key import verification_method_id

    from .vaultkit import ISSUER

    assert cli(monkeypatch, capsys, "init")[0] == 0
    nameless = credential()
    del nameless["proof"], nameless["name"]
    signer = ISSUER.signer(verification_method_id(ISSUER.public))
    cli(
        monkeypatch,
        capsys,
        "import",
        _write(tmp_path / "n.json", issue_credential(nameless, signer)),
    )
    code, out, _ = cli(monkeypatch, capsys, "list")
    assert code == 0 and "(no name)" in out
    code, out, _ = cli(monkeypatch, capsys, "show", nameless["id"])
    assert code == 0
    assert "name:     (no name)" in out.splitlines()
    assert "flags:    none" in out.splitlines()
    code, out, _ = cli(monkeypatch, capsys, "show", "--json", nameless["id"])
    assert json.loads(out)["summary"]["flags"] == []


def test_restoring_another_vaults_backup_says_so(
    env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(monkeypatch, capsys, "init")[0] == 0
    other = tmp_path / "other.sqlite"
    assert cli(monkeypatch, capsys, "init", "--vault", str(other))[0] == 0
    backup = tmp_path / "other.skw"
    assert cli(monkeypatch, capsys, "backup", "--vault", str(other), "--out", str(backup))[0] == 0
    code, _, err = cli(monkeypatch, capsys, "restore", "--force", str(backup))
    assert code == 0 and "backup is of another vault" in err
    code, _, err = cli(monkeypatch, capsys, "restore", "--force", str(backup))
    assert code == 0 and "another vault" not in err  # the same vault again: no warning
