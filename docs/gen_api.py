"""Write docs/api.md, the Python API reference, from the package's own docstrings and
signatures (so it cannot drift: tests/test_api_docs.py regenerates it and compares).

    .venv/bin/python docs/gen_api.py          # rewrite docs/api.md
    .venv/bin/python docs/gen_api.py --check  # exit 1 when docs/api.md is out of date
"""

from __future__ import annotations

import enum
import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent / "api.md"

#: The public modules, in reading order, and what each exports (its ``__all__`` unless
#: listed here).
MODULES: list[tuple[str, list[str] | None]] = [
    ("skillswallet", None),
    ("skillswallet.wallet", ["Wallet"]),
    ("skillswallet.skills", None),
    ("skillswallet.present", None),
    ("skillswallet.trust", None),
    ("skillswallet.issuer", None),
    ("skillswallet.audit", None),
    ("skillswallet.jose", None),
    ("skillswallet.status.issuer", ["StatusIssuer"]),
    ("skillswallet.result", None),
    ("skillswallet.errors", None),
]

#: Members every class of these kinds has; not listed again for each.
_INHERITED = {
    name
    for base in (object, enum.Enum, Exception)
    for name in dir(base)
}

_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def _exports(module: Any, names: list[str] | None) -> list[str]:
    if names is not None:
        return names
    if hasattr(module, "__all__"):
        return list(module.__all__)
    return sorted(  # errors, result: the classes defined there
        n
        for n, v in vars(module).items()
        if inspect.isclass(v) and v.__module__ == module.__name__ and not n.startswith("_")
    )


def _signature(obj: Any) -> str:
    try:
        text = str(inspect.signature(obj))
    except (TypeError, ValueError):
        return "(...)"
    return _ADDRESS.sub("", text)


def _doc(obj: Any) -> str:
    return inspect.getdoc(obj) or "(no docstring)"


def _first_paragraph(obj: Any) -> str:
    return (inspect.getdoc(obj) or "").split("\n\n")[0].replace("\n", " ")


def _own_members(cls: type) -> list[tuple[str, Any]]:
    found = []
    for name, value in vars(cls).items():
        if name.startswith("_") or name in _INHERITED:
            continue
        if name.startswith("model_"):  # pydantic's own
            continue
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if inspect.isfunction(value) or isinstance(value, property):
            found.append((name, value))
    return found


def _class(name: str, cls: type) -> list[str]:
    lines = [f"### class `{name}`", ""]
    if issubclass(cls, enum.Enum):
        members = ", ".join(f"`{m.name}`" for m in cls)
        lines += [_doc(cls), "", f"Members: {members}.", ""]
        return lines
    if not issubclass(cls, BaseException):
        lines += ["```python", f"{name}{_signature(cls)}", "```", ""]
    lines += [_doc(cls), ""]
    for member, value in _own_members(cls):
        if isinstance(value, property):
            lines += [f"#### `{name}.{member}` (property)", "", _doc(value), ""]
        else:
            lines += [
                f"#### `{name}.{member}`",
                "",
                "```python",
                f"{member}{_signature(value)}",
                "```",
                "",
                _doc(value),
                "",
            ]
    return lines


def generate() -> str:
    lines = [
        "# Python API reference",
        "",
        "Generated from the docstrings and signatures by `docs/gen_api.py` (the test suite",
        "checks it is current). The guide is [embedding.md](embedding.md); errors are typed",
        "(`skillswallet.errors`), verdicts are values (`skillswallet.result`).",
        "",
    ]
    seen: dict[int, str] = {}
    for module_name, names in MODULES:
        module = importlib.import_module(module_name)
        lines += [f"## `{module_name}`", "", _first_paragraph(module), ""]
        for name in _exports(module, names):
            obj = getattr(module, name)
            if id(obj) in seen and (inspect.isclass(obj) or inspect.isfunction(obj)):
                lines += [f"### `{name}`", "", f"See `{seen[id(obj)]}`.", ""]
                continue
            if inspect.isclass(obj):
                seen[id(obj)] = f"{module_name}.{name}"
                lines += _class(name, obj)
            elif callable(obj):
                seen[id(obj)] = f"{module_name}.{name}"
                lines += [
                    f"### `{name}`",
                    "",
                    "```python",
                    f"{name}{_signature(obj)}",
                    "```",
                    "",
                    _doc(obj),
                    "",
                ]
            else:
                if isinstance(obj, dict):  # its keys say what it holds
                    shown = f"dict of {', '.join(map(repr, obj))}"
                elif isinstance(obj, (set, frozenset)):  # in a stable order
                    shown = f"{type(obj).__name__}({{{', '.join(sorted(map(repr, obj)))}}})"
                else:
                    shown = _ADDRESS.sub("", repr(obj))
                if len(shown) > 200:
                    shown = shown[:200] + " ..."
                lines += [f"### `{name}` (constant)", "", f"`{shown}`", ""]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    text = generate()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print("docs/api.md is out of date: run .venv/bin/python docs/gen_api.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
