"""The help a newcomer reads: sections by role, an example in every command's help,
plain metavars (issue #12)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main

from skillswallet.cli import app
from skillswallet.cli.root import PANELS

from .conftest import invoke_main


def _paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in (getattr(command, "commands", None) or {}).items():
        yield from _paths(sub, (*path, name))


PATHS = [*_paths(typer.main.get_command(app)), ("issue", "batch")]
#: typer 0.29's descriptions of Python types: <str>, <list[str]>, <path>, {file}...
TYPE_METAVAR = re.compile(r"<[a-z][a-zA-Z_\[\]|, ]*>|(?<!\{)\{[a-z_]+\}(?!\})")


def test_every_command_is_reached() -> None:
    assert len(PATHS) > 55
    assert ("did", "web", "add-key") in PATHS and ("verify",) in PATHS


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "root")
def test_every_help_shows_an_example_and_plain_metavars(
    path: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = invoke_main(monkeypatch, capsys, *path, "--help")
    assert code == 0, err
    assert "Example" in out
    assert not TYPE_METAVAR.findall(out), TYPE_METAVAR.findall(out)


def test_root_help_is_grouped_by_role(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = invoke_main(monkeypatch, capsys, "--help")
    titles = [line[:-1] for line in out.splitlines() if line.endswith(":") and line[0] != " "]
    shown = titles[titles.index("Options") + 1 :]
    required = ["Start here", "Keys and DIDs", "Your vault", "Your skills", "Sharing"]
    required += ["Checking", "Issuing"]
    assert set(required) <= set(shown)
    assert shown == [title for title, _ in PANELS if title in shown]  # in their order
    checking = out.split("Checking:\n", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[0] for line in checking.splitlines()] == ["verify", "report"]
    assert "  issue batch  " in out
    assert "Other commands" not in out  # every command has its section
