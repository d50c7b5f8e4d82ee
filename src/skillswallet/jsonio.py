"""Strict, bounded JSON input: the one way untrusted JSON enters the library.

Python's ``json`` accepts duplicate keys (last wins), NaN and Infinity, and raises
RecursionError (not a decode error) on deep nesting. All of those are refused here with
:class:`~skillswallet.errors.InvalidJSONError`.
"""

from __future__ import annotations

import json
from typing import Any

from .errors import InvalidJSONError

MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64


def _check_depth(text: str, max_depth: int) -> None:
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
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InvalidJSONError(
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:  # pragma: no cover - depth is checked first
        raise InvalidJSONError("JSON is nested too deeply") from None


def loads_object(data: str | bytes, *, what: str = "document") -> dict[str, Any]:
    """Parse JSON that must be an object (a credential, a key file...)."""
    value = loads(data)
    if not isinstance(value, dict):
        raise InvalidJSONError(f"the {what} must be a JSON object, not {type(value).__name__}")
    return value


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """Serialize for output (UTF-8, no ASCII escaping, stable key order as given)."""
    return json.dumps(value, indent=indent, ensure_ascii=False)
