"""Terminal text that a document cannot take over.

Anything a document (or a vault record, a file name, an error quoting either) says is
shown through :func:`visible`, which writes control characters as escapes: an ANSI
sequence cannot recolour, move the cursor or erase a line, a carriage return or newline
cannot start a forged line, and a bidi override cannot reorder what follows it.
"""

from __future__ import annotations

import re

from ..jsonio import surely_safe, unsafe_character

__all__ = ["visible"]


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every control character (C0 including newline and tab, DEL, C1),
    format character (bidi embeddings, overrides and isolates, zero-width characters,
    BOM, tags), line or paragraph separator and lone surrogate written as ``\\n``,
    ``\\x1b``, ``\\u202e``, ``\\U000e0041``. Everything else, including non-Latin scripts and emoji,
    is left as it is. (A backslash is left as it is too: escapes stay readable, at the
    price that a literal ``\\x1b`` in the text looks the same as an escaped ESC.)"""
    if text.isascii() and text.isprintable():  # the common case, without the regex
        return text
    if surely_safe(text):  # (non-Latin scripts, emoji, the report's symbols)
        return text
    return unsafe_character().sub(_escape, text)
