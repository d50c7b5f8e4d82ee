"""Type values read the same in either spelling: a term or the absolute IRI it stands for.

VC Data Model 2.0 §4.5: "The value of the type property MUST be one or more terms and/or
absolute URL strings." ``"VerifiableCredential"`` and
``"https://www.w3.org/2018/credentials#VerifiableCredential"`` are one type. Every check
that looks for a type (a presentation, an Open Badge, a status list credential...) asks
:func:`has_type` or reads :func:`type_terms`, so it gives the same answer for both.

The mapping is the pinned contexts' own: a type IRI that one of them defines a term for
reads as that term. An IRI no pinned context names stays as written (it is its own
name); a value that is neither a term nor an absolute IRI is refused earlier, by the
plain-form rules.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from .loader import bundled_contexts
from .plainform import ABSOLUTE_IRI, as_list


def _definition_iri(definitions: Mapping[str, Any], term: str, depth: int = 0) -> str | None:
    value = definitions.get(term)
    iri = value.get("@id") if isinstance(value, dict) else value
    if not isinstance(iri, str) or depth > 3:
        return None
    if ABSOLUTE_IRI.match(iri) and "//" in iri:
        return iri
    if iri in definitions:  # an alias: "AchievementCredential": "OpenBadgeCredential"
        return _definition_iri(definitions, iri, depth + 1)
    return None


@functools.cache
def _iri_terms() -> tuple[Mapping[str, str], frozenset[str]]:
    """IRI -> term for every type-like term (capitalised) the pinned contexts define at
    their top level (the first context to name an IRI, VC 2.0 first, gives its term); and
    the IRIs whose term carries a type-scoped ``@context``."""
    mapping: dict[str, str] = {}
    scoped: set[str] = set()
    for document in bundled_contexts().values():
        context = document.get("@context") if isinstance(document, dict) else None
        for definitions in as_list(context):
            if not isinstance(definitions, dict):
                continue
            for term, definition in definitions.items():
                if not term[:1].isupper():
                    continue
                iri = _definition_iri(definitions, term)
                if iri is not None:
                    mapping.setdefault(iri, term)
                    if isinstance(definition, dict) and "@context" in definition:
                        scoped.add(iri)
    return mapping, frozenset(scoped)


def scoped_type_term(value: str) -> str | None:
    """The term, when ``value`` is the IRI of a type whose term brings a type-scoped
    context (``VerifiableCredential`` defines ``issuer``, ``validFrom``...). JSON-LD
    applies such a context for the term only: written as its IRI, the document's other
    properties would mean something else (JSON-LD 1.1 §4.1.8), so the term is required."""
    mapping, scoped = _iri_terms()
    return mapping[value] if value in scoped else None


def type_term(value: str) -> str:
    """The term a type value stands for: the term itself, or the pinned contexts' term for
    an absolute IRI (an IRI they do not name is returned as written)."""
    if ":" not in value:
        return value
    return _iri_terms()[0].get(value, value)


def type_terms(value: Any) -> list[str]:
    """A ``type`` value (one entry or a list) as terms; entries that are not strings are
    left out (the plain-form rules refuse them)."""
    return [type_term(entry) for entry in as_list(value) if isinstance(entry, str)]


def has_type(document: Any, term: str) -> bool:
    """Whether an object's ``type`` includes ``term``, written as the term or as its IRI."""
    return isinstance(document, dict) and term in type_terms(document.get("type"))
