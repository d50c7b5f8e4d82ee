"""RDF terms and quads, canonical N-Quads serialization (RDFC-1.0 §4 escaping) and a
small N-Quads parser (for test suites and debugging)."""

from __future__ import annotations

import re
from typing import NamedTuple

from ..errors import CanonicalizationError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Term(NamedTuple):
    """An RDF term. ``kind`` is ``"iri"``, ``"bnode"`` or ``"literal"``; for a blank node
    ``value`` is the label without ``_:``."""

    kind: str
    value: str
    datatype: str = ""
    language: str = ""


class Quad(NamedTuple):
    subject: Term
    predicate: Term
    object: Term
    graph: Term | None


def _needs_uchar(code: int) -> bool:
    # RDFC-1.0: U+0000-U+0007, VT, U+000E-U+001F, DEL and characters outside XML 1.1 Char.
    return (
        code <= 0x07
        or code == 0x0B
        or 0x0E <= code <= 0x1F
        or code == 0x7F
        or 0xD800 <= code <= 0xDFFF
        or code in (0xFFFE, 0xFFFF)
    )


_ECHAR = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}
_ESCAPE_RE = re.compile('[\\x00-\\x1f\\x7f"\\\\\ud800-\udfff\ufffe\uffff]')


def _escape_char(match: re.Match[str]) -> str:
    ch = match.group(0)
    if ch in _ECHAR:
        return _ECHAR[ch]
    code = ord(ch)
    if _needs_uchar(code):
        return f"\\u{code:04X}"
    return ch  # pragma: no cover - the regex only matches escapable characters


def escape_literal(value: str) -> str:
    """Escape a literal's lexical form exactly as canonical N-Quads requires."""
    return _ESCAPE_RE.sub(_escape_char, value)


#: Characters an IRIREF cannot hold as themselves (N-Quads grammar): written as UCHAR,
#: as Digital Bazaar's rdf-canonize writes them.
_IRI_ESCAPE_RE = re.compile('[\\x00-\\x20<>"{}|^`\\\\]')


def escape_iri(value: str) -> str:
    """An IRI as canonical N-Quads writes it between ``<`` and ``>``."""
    return _IRI_ESCAPE_RE.sub(lambda m: f"\\u{ord(m.group()):04X}", value)


def term_to_nquads(term: Term) -> str:
    if term.kind == "iri":
        return f"<{escape_iri(term.value)}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    out = f'"{escape_literal(term.value)}"'
    if term.language:
        return f"{out}@{term.language}"
    if term.datatype and term.datatype != XSD_STRING:
        return f"{out}^^<{escape_iri(term.datatype)}>"
    return out


def quad_to_nquads(quad: Quad) -> str:
    """One canonical N-Quads line, with its final newline."""
    parts = [
        term_to_nquads(quad.subject),
        term_to_nquads(quad.predicate),
        term_to_nquads(quad.object),
    ]
    if quad.graph is not None:
        parts.append(term_to_nquads(quad.graph))
    return " ".join(parts) + " .\n"


# --- parsing ---------------------------------------------------------------------------

_UNESCAPE_RE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|([btnrf\"'\\]))")
_SIMPLE = {"b": "\b", "t": "\t", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        if m.group(1) or m.group(2):
            return chr(int(m.group(1) or m.group(2), 16))
        return _SIMPLE[m.group(3)]

    return _UNESCAPE_RE.sub(repl, text)


_TERM_RE = re.compile(
    r'\s*(?:<([^>]*)>|_:([A-Za-z0-9_\-.]+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9\-]+)|\^\^<([^>]*)>)?)'
)


def parse_nquads(text: str) -> list[Quad]:
    """Parse N-Quads text. Raises :class:`CanonicalizationError` on a malformed line."""
    quads: list[Quad] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        pos = 0
        terms: list[Term] = []
        while True:
            m = _TERM_RE.match(line, pos)
            if not m:
                break
            pos = m.end()
            iri, bnode, lit, lang, dt = m.groups()
            if iri is not None:
                terms.append(Term("iri", _unescape(iri)))
            elif bnode is not None:
                terms.append(Term("bnode", bnode))
            else:
                terms.append(
                    Term(
                        "literal",
                        _unescape(lit),
                        _unescape(dt) if dt else (RDF_LANGSTRING if lang else XSD_STRING),
                        lang or "",
                    )
                )
        if line[pos:].strip() != "." or len(terms) not in (3, 4):
            raise CanonicalizationError(f"malformed N-Quads on line {lineno}: {raw!r}")
        quads.append(Quad(terms[0], terms[1], terms[2], terms[3] if len(terms) == 4 else None))
    return quads
