"""Terminal text: what a document says is shown, never obeyed by the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from skillswallet.render.text import visible

SRC = Path(__file__).parent.parent / "src" / "skillswallet"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("NOT\rVERIFIED\nnext\tcell", "NOT\\rVERIFIED\\nnext\\tcell"),
        ("\x00\x07\x08\x7f\x85\x9b", "\\x00\\x07\\x08\\x7f\\x85\\x9b"),
        ("a\u202eb\u202ac\u2066d\u2069", "a\\u202eb\\u202ac\\u2066d\\u2069"),
        ("zero\u200bwidth\u200d\ufeff\u00ad", "zero\\u200bwidth\\u200d\\ufeff\\xad"),
        ("line\u2028para\u2029", "line\\u2028para\\u2029"),
        ("tag\U000e0041", "tag\\U000e0041"),
        ("lone\ud800", "lone\\ud800"),
        ("fill\u3164\u3164\u115f", "fill\\u3164\\u3164\\u115f"),
        ("Schweißen, 溶接, لحام, 😀 \\ plain", "Schweißen, 溶接, لحام, 😀 \\ plain"),
    ],
)
def test_visible_shows_controls_and_keeps_text(text: str, shown: str) -> None:
    assert visible(text) == shown


def test_the_cli_prints_only_through_its_rendering_helpers() -> None:
    # say / say_json in cli/common.py are the only places that print; a raw echo
    # elsewhere would let a document's control characters reach the terminal.
    modules = sorted((SRC / "cli").glob("*.py"))
    assert len(modules) >= 6
    for module in modules:
        source = module.read_text(encoding="utf-8")
        printing = re.findall(r"\b(?:typer\.echo|click\.echo|typer\.secho|print)\(", source)
        expected = 2 if module.name == "common.py" else 0
        assert len(printing) == expected, module.name


def test_the_fast_path_never_passes_a_character_the_full_check_escapes() -> None:
    from skillswallet.jsonio import surely_safe, unsafe_character

    unsafe = unsafe_character()
    for code in [*range(0x20000), *range(0xE0000, 0xE1000)]:
        char = chr(code)
        if surely_safe(char):
            assert unsafe.match(char) is None, hex(code)
