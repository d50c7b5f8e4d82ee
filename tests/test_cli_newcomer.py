"""What a new user tripped over (issue #12, item 6): delete asks first, a short
passphrase is refused or warned about, verify and issue take several files and arrays,
--context adds a pinned context."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import invoke_main
from .vaultkit import PASSPHRASE, credential


@pytest.fixture
def vault(cli_vault: Path) -> Path:
    return cli_vault


def _stored_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    src = tmp_path / "c.json"
    src.write_text(json.dumps(credential("Welding")))
    assert invoke_main(monkeypatch, capsys, "import", str(src))[0] == 0
    _, out, _ = invoke_main(monkeypatch, capsys, "list", "--json")
    return str(json.loads(out)[0]["id"])


def test_delete_without_a_terminal_needs_yes(
    vault: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rid = _stored_id(tmp_path, monkeypatch, capsys)
    code, _, err = invoke_main(monkeypatch, capsys, "delete", rid)
    assert code == 2 and "--yes" in err
    assert json.loads(invoke_main(monkeypatch, capsys, "list", "--json")[1])  # still there
    assert invoke_main(monkeypatch, capsys, "delete", rid, "--yes")[0] == 0
    assert json.loads(invoke_main(monkeypatch, capsys, "list", "--json")[1]) == []


@pytest.mark.parametrize("answer", [False, True])
def test_delete_in_a_terminal_asks_first(
    answer: bool,
    vault: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import skillswallet.cli.vault as cli_vault

    rid = _stored_id(tmp_path, monkeypatch, capsys)
    asked: list[str] = []
    monkeypatch.setattr(cli_vault, "is_interactive", lambda: True)
    monkeypatch.setattr(cli_vault, "confirm", lambda question: asked.append(question) or answer)
    code, _, err = invoke_main(monkeypatch, capsys, "delete", rid[:8])
    assert len(asked) == 1 and rid in asked[0] and "Welding" in asked[0]
    left = json.loads(invoke_main(monkeypatch, capsys, "list", "--json")[1])
    if answer:
        assert code == 0 and left == []
    else:
        assert code == 2 and "nothing deleted" in err and len(left) == 1


def test_a_short_passphrase_is_refused_and_a_weak_one_warned_about(
    vault: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", "x")
    code, _, err = invoke_main(monkeypatch, capsys, "init")
    assert code == 2 and "too short" in err and "at least 8" in err
    assert not vault.exists()

    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", "abcdefghi")  # 9: accepted, warned
    code, _, err = invoke_main(monkeypatch, capsys, "init")
    assert code == 0 and err.startswith("warning: a short or repetitive passphrase")

    monkeypatch.setenv("SKILLSWALLET_NEW_PASSPHRASE", "short")
    code, _, err = invoke_main(monkeypatch, capsys, "passphrase", "change")
    assert code == 2 and "too short" in err
    monkeypatch.setenv("SKILLSWALLET_NEW_PASSPHRASE", PASSPHRASE)
    code, _, err = invoke_main(monkeypatch, capsys, "passphrase", "change")
    assert code == 0 and "warning" not in err
