"""Strict, bounded JSON input: the one way untrusted JSON enters the library.

Python's ``json`` accepts duplicate keys (last wins), NaN and Infinity, numbers too large
for a double (``1e400`` becomes ``inf``), lone surrogates (``"\\ud800"``, which cannot be
written as UTF-8), raises ValueError on integers beyond its digit limit and RecursionError
(not a decode error) on deep nesting. All of those are refused here with
:class:`~skillswallet.errors.InvalidJSONError`.

Output (:func:`dumps`) keeps every control, format and line-separator character escaped,
so JSON printed on a terminal cannot move the cursor, recolour or reorder text.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Any

from .errors import InvalidJSONError, SkillsWalletError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
#: The largest integer a credential can mean: JCS (RFC 8785) and JSON-LD numbers are IEEE
#: doubles, exact up to 2**53 - 1; the canonicalizers refuse anything larger when signing.
MAX_SAFE_INTEGER = 2**53 - 1


def _check_depth(text: str, max_depth: int) -> None:
    # Nesting cannot be deeper than the number of opening brackets (in strings or not):
    # counting them (C speed) spares most small documents the scan below.
    if text.count("[") + text.count("{") <= max_depth:
        return
    # A linear scan that tracks string state, so brackets inside strings do not count.
    depth = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                raise InvalidJSONError(f"JSON is nested deeper than {max_depth} levels")
        elif ch in "]}":
            depth -= 1


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise InvalidJSONError(f"duplicate key {key!r} in JSON object")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise InvalidJSONError(f"{name} is not valid JSON")


def _bounded_int(digits: str) -> int:
    # Checked on the digit string first: int() of a huge one is slow, or a ValueError.
    if len(digits.lstrip("-")) > 16 or abs(value := int(digits)) > MAX_SAFE_INTEGER:
        shown = digits if len(digits) <= 40 else f"{digits[:20]}... ({len(digits)} characters)"
        raise InvalidJSONError(
            f"the integer {shown} is too large: a credential's numbers must lie within "
            f"+/-{MAX_SAFE_INTEGER} (2**53 - 1)"
        )
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 40 else f"{text[:20]}... ({len(text)} characters)"
        raise InvalidJSONError(f"the number {shown} is too large to be represented (not finite)")
    return value


#: A \uD800-\uDFFF escape in JSON text, or a surrogate in a str: worth a look for lone ones.
_MAYBE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]|[\ud800-\udfff]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _refuse_lone_surrogates(value: Any) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found = _SURROGATE.search(item)
            if found:
                raise InvalidJSONError(
                    f"JSON string contains a lone surrogate (\\u{ord(found.group()):04x}), "
                    "which is not a Unicode character and cannot be written as UTF-8"
                )
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


#: The strict decoder, made once (json.loads with hooks builds one a call).
_DECODER = json.JSONDecoder(
    object_pairs_hook=_no_duplicates,
    parse_constant=_no_constant,
    parse_int=_bounded_int,
    parse_float=_finite_float,
)


def loads(data: str | bytes, *, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON strictly. Raises :class:`InvalidJSONError` with a readable message."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise InvalidJSONError(f"JSON input is larger than {max_bytes} bytes")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidJSONError(f"JSON input is not UTF-8: {exc.reason}") from None
    else:
        text = data
        if len(text) > max_bytes:
            raise InvalidJSONError(f"JSON input is larger than {max_bytes} bytes")
    _check_depth(text, max_depth)
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InvalidJSONError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:  # pragma: no cover - depth is checked first
        raise InvalidJSONError("JSON is nested too deeply") from None
    if _MAYBE_SURROGATE.search(text):
        _refuse_lone_surrogates(value)
    return value


def loads_object(data: str | bytes, *, what: str = "document") -> dict[str, Any]:
    """Parse JSON that must be an object (a credential, a key file...)."""
    value = loads(data)
    if not isinstance(value, dict):
        raise InvalidJSONError(f"the {what} must be a JSON object, not {type(value).__name__}")
    return value


def _unsafe_ranges() -> str:
    """A regex character class of what must never reach a terminal raw: controls (C0,
    DEL, C1), format characters (bidi embeddings, overrides and isolates, zero-width ones,
    BOM, tags), line and paragraph separators, surrogates, and letters that render as
    nothing (Hangul fillers)."""
    ranges: list[list[int]] = []
    for code in range(0x10000):  # 6 ms; Unicode's few format characters above are listed
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    return "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + _LISTED


# Hangul fillers are letters that render as nothing: a run of them can fake a layout.
_INVISIBLE_LETTERS = "\u115f\u1160\u3164\uffa0"
#: What :func:`_unsafe_ranges` lists besides the categories it reads: the only unsafe
#: characters ``str.isprintable`` can accept (it refuses every Cc, Cf, Zl, Zp and Cs).
_LISTED = _INVISIBLE_LETTERS + "\U000110bd\U000110cd\U00013430-\U0001345f\U0001bca0-\U0001bca3"
_LISTED += "\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
_PRINTABLE_BUT_UNSAFE = re.compile(f"[{_LISTED}]")


def surely_safe(text: str) -> bool:
    """Whether ``text`` certainly holds no character that output escapes, told without
    building :func:`unsafe_character` (printable text, none of the listed characters)."""
    return text.isprintable() and _PRINTABLE_BUT_UNSAFE.search(text) is None


@functools.cache
def unsafe_character() -> re.Pattern[str]:
    """One character that output always escapes (see :func:`_unsafe_ranges`); made on
    first use (6 ms), not when the command line starts."""
    return re.compile(f"[{_unsafe_ranges()}]")


@functools.cache
def _unsafe_in_json() -> re.Pattern[str]:
    """The same in json.dumps output, where a raw newline can only be indentation."""
    return re.compile(f"(?!\n){unsafe_character().pattern}")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # a surrogate pair, as JSON writes astral characters
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Serialize for output (UTF-8, stable key order as given). Readable text stays as it
    is; control, format and separator characters are written as ``\\uXXXX`` escapes, which
    JSON readers decode to the same value."""
    text = json.dumps(value, indent=indent, ensure_ascii=False)
    if text.isascii() and "\x7f" not in text:  # (JSON escapes the C0 controls itself)
        return text
    if surely_safe(text.replace("\n", "")):  # (a raw newline can only be indentation)
        return text
    return _unsafe_in_json().sub(_json_escape, text)


def read_file(path: Path, *, what: str, error: type[SkillsWalletError]) -> Any:
    """Read a small JSON file strictly (size, depth, duplicates, numbers as :func:`loads`);
    any failure is ``error`` naming ``what`` and the path."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        return loads(data)
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    except InvalidJSONError as exc:
        raise error(f"cannot read {what} {path}: {exc}") from None
