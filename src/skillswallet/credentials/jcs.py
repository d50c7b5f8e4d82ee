"""JSON Canonicalization Scheme (RFC 8785). Pure: JSON value in, UTF-8 bytes out."""

from __future__ import annotations

import json
import math
from typing import Any

from ..errors import CanonicalizationError

#: Integers beyond this are not exactly representable as IEEE doubles: other
#: implementations would sign a different number, so they are refused.
MAX_SAFE_INTEGER = 2**53 - 1

_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
}


def _string(value: str) -> str:
    out = ['"']
    for ch in value:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
        elif ch < " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def format_number(value: float | int) -> str:
    """Serialize a number as ECMAScript's ``Number.prototype.toString`` does (RFC 8785 §3.2.2.3)."""
    if isinstance(value, bool):  # pragma: no cover - handled by caller
        raise CanonicalizationError("booleans are not numbers")
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalizationError(
                f"integer {value} is outside the interoperable range (±2^53-1)"
            )
        return str(value)
    if not math.isfinite(value):
        raise CanonicalizationError("NaN and Infinity cannot be canonicalized")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    exponent = int(exp_text) if exp_text else 0
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # position of the decimal point relative to the start of `digits`
    point = (
        len(int_part.lstrip("0")) + exponent
        if int_part.strip("0")
        else exponent - (len(frac_part) - len(frac_part.lstrip("0")))
    )
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    n = point
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    exp = n - 1
    exp_str = f"e+{exp}" if exp >= 0 else f"e-{-exp}"
    if k == 1:
        return sign + digits + exp_str
    return sign + digits[0] + "." + digits[1:] + exp_str


def _serialize(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, (int, float)):
        out.append(format_number(value))
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _serialize(item, out)
        out.append("]")
    elif isinstance(value, dict):
        out.append("{")
        # RFC 8785 sorts by UTF-16 code units, not by code points.
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        for i, key in enumerate(keys):
            if not isinstance(key, str):
                raise CanonicalizationError("JSON object keys must be strings")
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _serialize(value[key], out)
        out.append("}")
    else:
        raise CanonicalizationError(f"{type(value).__name__} is not a JSON value")


def _fast_path_ok(value: Any) -> bool:
    """True when ``json.dumps(sort_keys=True)`` already yields RFC 8785 output: no floats
    (their formatting differs), no unsafe integers, and no object key whose code-point
    order could differ from UTF-16 order (characters from U+E000 up).

    Written for speed (it walks every value of the document): exact types are tested by
    identity, only containers are pushed, and an ASCII key (``str.isascii`` is O(1)) needs
    no scan. Anything of another type goes to :func:`_fast_path_ok_slow`."""
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        container = pop()
        kind = type(container)
        if kind is dict:
            for key in container:
                if type(key) is not str or not (key.isascii() or max(key) < "\ue000"):
                    return False
            items = container.values()
        elif kind is list:
            items = container
        else:
            return _fast_path_ok_slow(container)
        for item in items:
            kind = type(item)
            if kind is str or kind is bool or item is None:
                continue
            if kind is dict or kind is list:
                push(item)
            elif kind is int:
                if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                    return False
            elif not _fast_path_ok_slow(item):
                return False
    return True


def _fast_path_ok_slow(value: Any) -> bool:
    """:func:`_fast_path_ok` for any value (subclasses of the JSON types included)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str) or v is None or v is True or v is False:
            continue
        if isinstance(v, int):
            if abs(v) > MAX_SAFE_INTEGER:
                return False
        elif isinstance(v, dict):
            for key, item in v.items():
                if not isinstance(key, str) or (key and max(key) >= "\ue000"):
                    return False
                stack.append(item)
        elif isinstance(v, list):
            stack.extend(v)
        else:
            return False
    return True


def canonicalize(value: Any) -> bytes:
    """Return the RFC 8785 canonical UTF-8 encoding of a JSON value."""
    try:
        if _fast_path_ok(value):
            # json's C encoder escapes exactly what RFC 8785 requires (\b \f \n \r \t,
            # \" \\ and \u00xx for other controls) and leaves everything else as is.
            text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        else:
            out: list[str] = []
            _serialize(value, out)
            text = "".join(out)
    except RecursionError:
        raise CanonicalizationError("the document is nested too deeply to canonicalize") from None
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise CanonicalizationError("string contains a lone surrogate") from None
