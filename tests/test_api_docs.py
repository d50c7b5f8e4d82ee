"""The Python API reference (docs/api.md) is generated from the docstrings and signatures
(issue #12 item 5): it must be current, and every public name must say what it does."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def _generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_api", ROOT / "docs" / "gen_api.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_api"] = module
    spec.loader.exec_module(module)
    return module


def test_the_api_reference_is_current() -> None:
    text = _generator().generate()
    current = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert current == text, "docs/api.md is out of date: run .venv/bin/python docs/gen_api.py"


def test_every_public_name_has_a_docstring() -> None:
    text = _generator().generate()
    assert "(no docstring)" not in text, [
        block.splitlines()[0]
        for block in text.split("\n#")
        if "(no docstring)" in block
    ]
    for name in ("Wallet.present", "verify", "issue_credential", "build_profile", "TrustList"):
        assert f"`{name}`" in text or f"class `{name}`" in text
