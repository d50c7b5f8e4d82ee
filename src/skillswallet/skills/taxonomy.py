"""The taxonomy extension point: value types, the :class:`Taxonomy` protocol, label
matching, and :class:`CombinedTaxonomy`, which layers several taxonomies.

A taxonomy answers questions about concepts named by URI (ESCO skills and occupations,
a company's competence list): their labels in a language, what is broader, which skills an
occupation needs, and which concepts a text names. Everything here is pure; loading lives in
:mod:`skillswallet.skills.esco` and :mod:`skillswallet.skills.frameworks`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, runtime_checkable

__all__ = [
    "KIND_ISCO_GROUP",
    "KIND_KNOWLEDGE",
    "KIND_OCCUPATION",
    "KIND_SKILL",
    "KIND_SKILL_GROUP",
    "LABEL_ALTERNATIVE",
    "LABEL_HIDDEN",
    "LABEL_PREFERRED",
    "SKILL_KINDS",
    "CombinedTaxonomy",
    "Concept",
    "CrosswalkLink",
    "Level",
    "MatchKey",
    "MatchType",
    "Relation",
    "ReuseLevel",
    "SourceInfo",
    "Taxonomy",
    "TaxonomyBase",
    "concept_match_key",
    "kinds_filter",
    "label_match_key",
    "label_words",
    "normalize",
    "pick_language",
]

#: Concept kinds used by ESCO. A custom framework may use its own kind names as well.
KIND_SKILL = "skill"
KIND_KNOWLEDGE = "knowledge"
KIND_SKILL_GROUP = "skill-group"
KIND_OCCUPATION = "occupation"
KIND_ISCO_GROUP = "isco-group"
#: What a person can hold as a skill claim: ESCO's skill pillar has skills and knowledge.
SKILL_KINDS = frozenset({KIND_SKILL, KIND_KNOWLEDGE})

#: Collection names (ESCO's collections; a loader may add others, e.g. "green").
COLLECTION_TRANSVERSAL = "transversal"
COLLECTION_DIGITAL = "digital"
COLLECTION_LANGUAGE = "language"


class Relation(StrEnum):
    """How an occupation needs a skill (ESCO's ``relationType``)."""

    ESSENTIAL = "essential"
    OPTIONAL = "optional"


class ReuseLevel(StrEnum):
    """How widely a skill is used across occupations (ESCO's ``reuseLevel``)."""

    TRANSVERSAL = "transversal"
    CROSS_SECTOR = "cross-sector"
    SECTOR_SPECIFIC = "sector-specific"
    OCCUPATION_SPECIFIC = "occupation-specific"


class MatchType(StrEnum):
    """A crosswalk link's strength, as in SKOS mapping relations."""

    EXACT = "exact"
    CLOSE = "close"
    BROAD = "broad"
    NARROW = "narrow"
    RELATED = "related"


def pick_language(values: Mapping[str, str], lang: str = "en") -> str | None:
    """The value for ``lang``, else English, else the first language there is (None when
    there is none). Language tags are compared case-insensitively."""
    if not values:
        return None
    for wanted in (lang, "en"):
        if wanted in values:
            return values[wanted]
        for key, value in values.items():
            if key.lower() == wanted.lower():
                return value
    return next(iter(values.values()))


@dataclass(frozen=True, slots=True)
class Level:
    """One level of a custom framework's proficiency scale (e.g. Skills Builder's steps)."""

    id: str
    labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    descriptions: Mapping[str, str] = field(default_factory=dict, hash=False)

    def label(self, lang: str = "en") -> str:
        """The level's label in ``lang`` (falling back to English, then any, then its id)."""
        return pick_language(self.labels, lang) or self.id


@dataclass(frozen=True, slots=True)
class CrosswalkLink:
    """A link from a custom framework's concept to another taxonomy's concept (ESCO)."""

    target: str
    match: MatchType = MatchType.CLOSE


@dataclass(frozen=True, slots=True)
class Concept:
    """One entry of a taxonomy: a skill, knowledge item, skill group, occupation, ISCO group
    or a custom framework's competence. Immutable; equal when all fields are equal."""

    uri: str
    kind: str
    #: The framework it comes from ("ESCO", or a custom framework's name).
    framework: str
    #: Preferred label per language tag.
    preferred_labels: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: Alternative labels per language tag.
    alternative_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    #: Hidden labels per language tag: misspellings, old and informal names that ESCO
    #: keeps for search only (a search finds the concept; its preferred label is shown).
    hidden_labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)
    #: Description per language tag.
    descriptions: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: ESCO code (skill group "S1.2", occupation "2166.1"), ISCO-08 code, or a framework's
    #: own code; for occupations from files without one, their ISCO-08 unit group code.
    code: str | None = None
    reuse_level: ReuseLevel | None = None
    #: URIs of the directly broader concepts (skill groups, ISCO groups, parent skills).
    broader: tuple[str, ...] = ()
    #: Collections it belongs to: "transversal", "digital", "language", ...
    collections: frozenset[str] = frozenset()
    #: A custom framework's proficiency levels (empty for ESCO).
    levels: tuple[Level, ...] = ()
    #: Links to concepts of other taxonomies (a custom framework's crosswalk to ESCO).
    crosswalk: tuple[CrosswalkLink, ...] = ()

    def label(self, lang: str = "en") -> str:
        """The preferred label in ``lang``, else English, else any; the URI when unlabelled."""
        return pick_language(self.preferred_labels, lang) or self.uri

    def description(self, lang: str = "en") -> str | None:
        """The description in ``lang``, else English, else any (None when there is none)."""
        return pick_language(self.descriptions, lang)

    @property
    def is_transversal(self) -> bool:
        """Whether it is in the transversal collection or has the transversal reuse level."""
        return (
            COLLECTION_TRANSVERSAL in self.collections or self.reuse_level is ReuseLevel.TRANSVERSAL
        )


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a taxonomy was loaded from, for ``taxonomy info`` and attribution."""

    name: str
    framework: str
    attribution: str | None = None
    version: str | None = None
    location: str | None = None
    #: Number of concepts per kind, plus "relations" for occupation-skill relations.
    counts: Mapping[str, int] = field(default_factory=dict, hash=False)
    #: What the user should know about it (e.g. that it was stored by an older version).
    notes: tuple[str, ...] = ()


@runtime_checkable
class Taxonomy(Protocol):
    """What the wallet needs from a skills taxonomy. Implementations: the ESCO index
    (:class:`~skillswallet.skills.index.TaxonomyIndex`), custom frameworks, and
    :class:`CombinedTaxonomy` over several of them. All methods are read-only."""

    def get(self, uri: str) -> Concept | None:
        """The concept with this URI, or None when the taxonomy does not know it."""
        ...

    def label(self, uri: str, lang: str = "en") -> str | None:
        """The preferred label in ``lang`` (falling back to English, then any language);
        None for an unknown URI."""
        ...

    def search(
        self,
        text: str,
        *,
        kind: str | Iterable[str] | None = None,
        lang: str | None = None,
        limit: int = 20,
    ) -> list[Concept]:
        """Concepts with a label (preferred, alternative or hidden) that matches ``text``,
        case- and diacritic-insensitively, best first as :func:`label_match_key` ranks
        them: the exact label, then labels that start with the text, then labels in which
        every word of the text starts a word (in any order: "teams work" finds "work in
        teams"), then labels in which every word of the text is inside a word ("ine" finds
        "machine"); within each, preferred labels before alternative ones before hidden
        ones, then shorter labels. ``kind`` keeps one kind or several; ``lang`` only that
        language's labels."""
        ...

    def occupation_skills(self, occupation_uri: str) -> list[tuple[str, Relation]]:
        """The skills (URIs) an occupation needs, essential ones first; empty when the
        occupation is unknown or occupation-skill relations are not loaded."""
        ...

    def occupations(self) -> Iterator[Concept]:
        """Every occupation of the taxonomy."""
        ...

    def broader(self, uri: str) -> tuple[str, ...]:
        """URIs of the directly broader concepts (empty for an unknown URI)."""
        ...

    def is_transversal(self, uri: str) -> bool:
        """Whether the concept is a transversal skill (collection or reuse level)."""
        ...

    def sources(self) -> list[SourceInfo]:
        """What the taxonomy was loaded from, with attribution."""
        ...


class TaxonomyBase:
    """Defaults of the :class:`Taxonomy` methods that follow from :meth:`get` (a helper
    for implementations; not part of the protocol)."""

    def get(self, uri: str) -> Concept | None:  # pragma: no cover - overridden
        raise NotImplementedError

    def label(self, uri: str, lang: str = "en") -> str | None:
        """See :meth:`Taxonomy.label`."""
        concept = self.get(uri)
        return None if concept is None else pick_language(concept.preferred_labels, lang)

    def broader(self, uri: str) -> tuple[str, ...]:
        """See :meth:`Taxonomy.broader`."""
        concept = self.get(uri)
        return () if concept is None else concept.broader

    def is_transversal(self, uri: str) -> bool:
        """See :meth:`Taxonomy.is_transversal`."""
        concept = self.get(uri)
        return concept is not None and concept.is_transversal


# Letters that Unicode does not decompose into a base letter and a mark, but that users
# type without their stroke (a search for "Zespol" must find "Zespół").
_STROKED = {
    "ł": "l",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
    "ð": "d",
}


def skill_group(taxonomy: Taxonomy, uri: str, lang: str = "en", depth: int = 8) -> str | None:
    """The label of the nearest skill group above a skill (ESCO's hierarchy), or None."""
    frontier = [uri]
    seen = {uri}
    for _ in range(depth):  # (a hierarchy with a cycle must not loop for ever)
        above = [b for u in frontier for b in taxonomy.broader(u) if b not in seen]
        for candidate in above:
            concept = taxonomy.get(candidate)
            if concept is not None and concept.kind == KIND_SKILL_GROUP:
                return concept.label(lang)
        seen.update(above)
        frontier = above
        if not frontier:
            break
    return None


#: Where ESCO's skill URIs live.
ESCO_SKILL_PREFIX = "http://data.europa.eu/esco/skill/"


def unknown_skills(uris: Iterable[str], taxonomy: Taxonomy) -> list[str]:
    """The ESCO skill URIs among ``uris`` that ``taxonomy`` does not know (other URIs are
    never judged: a company's framework or another taxonomy may well define them). Only
    meaningful with a taxonomy that holds all of ESCO's skills (a full download:
    :func:`skillswallet.skills.store.full_esco`); the bundled starter set holds a part."""
    return [uri for uri in uris if uri.startswith(ESCO_SKILL_PREFIX) and taxonomy.get(uri) is None]


class _Folding(dict[int, str]):
    """A ``str.translate`` table, filled in as characters are met: combining marks go,
    stroked letters become their base letters, anything else stays. (Looking a known
    character up is done in C, so folding costs little more than the decomposition.)"""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = "" if unicodedata.combining(char) else _STROKED.get(char, char)
        self[code] = folded
        return folded


_FOLDING = _Folding()


def normalize(text: str) -> str:
    """``text`` as label search compares it: case-folded, without diacritics, with runs
    of white space made one space and trimmed."""
    if text.isascii():  # the common case, and much faster
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join(decomposed.translate(_FOLDING).split())


#: Label types, in the order search ranks them (the second part of a :data:`MatchKey`).
LABEL_PREFERRED = 0
LABEL_ALTERNATIVE = 1
LABEL_HIDDEN = 2

#: Sort key of a label match: (tier, label type, label length, normalized label).
#: Tiers: 0 the exact label; 1 the label starts with the query; 2 every word of the query
#: starts a word of the label, in any order; 3 every word of the query is inside a word
#: of the label. Label types: :data:`LABEL_PREFERRED`, :data:`LABEL_ALTERNATIVE`,
#: :data:`LABEL_HIDDEN`.
MatchKey = tuple[int, int, int, str]

_PUNCTUATION = re.compile(r"\W+")
_MARK = re.compile(r"[^\w ]")


def label_words(label: str) -> list[str]:
    """The words of a normalized label as search sees them: its space-separated words,
    and the parts of those between punctuation ("e-learning" gives "e-learning", "e" and
    "learning"; "(ict)" gives "(ict)" and "ict"). A word may come more than once."""
    words = label.split()
    if _MARK.search(label) is None:  # letters, digits and spaces only: the common case
        return words
    return words + [
        part for word in words for part in _PUNCTUATION.split(word) if part and part != word
    ]


def label_match_key(label: str, query: str, label_type: int) -> MatchKey | None:
    """How well a normalized ``label`` of ``label_type`` (:data:`LABEL_PREFERRED`, ...)
    matches a normalized ``query`` (None: no match). Smaller keys rank first."""
    if label == query:
        tier = 0
    elif label.startswith(query):
        tier = 1
    else:
        words = label_words(label)
        parts = query.split()
        if all(any(word.startswith(part) for word in words) for part in parts):
            tier = 2
        elif all(any(part in word for word in words) for part in parts):
            tier = 3
        elif any(
            any(word.startswith(first) for word in words)
            and any(word.startswith(second) for word in words)
            for first, second in joined_word_splits(parts)
        ):
            tier = 4  # "teamwork" finds "work in teams"
        else:
            return None
    return (tier, label_type, len(label), label)


#: The shortest half of a one-word query read as two words written together (shorter
#: halves start too many words: "plummer" would find "plum..." "mer...").
JOINED_PART = 4


def joined_word_splits(parts: Sequence[str]) -> list[tuple[str, str]]:
    """The ways a one-word query splits into two words of :data:`JOINED_PART` letters or
    more (``teamwork``: ``team``+``work``; ``workteams``: ``work``+``teams``,
    ``workt``+``eams``): the last tier of search, for words written together."""
    if len(parts) != 1 or len(parts[0]) < 2 * JOINED_PART:
        return []
    word = parts[0]
    return [(word[:i], word[i:]) for i in range(JOINED_PART, len(word) - JOINED_PART + 1)]


def concept_match_key(concept: Concept, query: str, lang: str | None = None) -> MatchKey | None:
    """The best :func:`label_match_key` over a concept's labels (only ``lang``'s when
    given) for a normalized ``query``."""
    preferred = {language: (text,) for language, text in concept.preferred_labels.items()}
    labelled: list[tuple[int, Mapping[str, Sequence[str]]]] = [
        (LABEL_PREFERRED, preferred),
        (LABEL_ALTERNATIVE, concept.alternative_labels),
        (LABEL_HIDDEN, concept.hidden_labels),
    ]
    best: MatchKey | None = None
    for label_type, labels in labelled:
        for language, texts in labels.items():
            if lang is None or language == lang:
                for text in texts:
                    key = label_match_key(normalize(text), query, label_type)
                    if key is not None and (best is None or key < best):
                        best = key
    return best


def kinds_filter(kind: str | Iterable[str] | None) -> frozenset[str] | None:
    """``kind`` of :meth:`Taxonomy.search` as a set (None: any kind)."""
    if kind is None:
        return None
    if isinstance(kind, str):
        return frozenset({kind})
    return frozenset(kind)


class CombinedTaxonomy(TaxonomyBase):
    """Several taxonomies seen as one. For a URI known to several, the first layer wins
    (put a full ESCO index before the bundled starter set); searches merge the layers'
    results and rank them together; occupations are listed once each."""

    def __init__(self, layers: Sequence[Taxonomy]) -> None:
        self.layers: tuple[Taxonomy, ...] = tuple(layers)

    def get(self, uri: str) -> Concept | None:
        """See :meth:`Taxonomy.get`."""
        for layer in self.layers:
            concept = layer.get(uri)
            if concept is not None:
                return concept
        return None

    def search(
        self,
        text: str,
        *,
        kind: str | Iterable[str] | None = None,
        lang: str | None = None,
        limit: int = 20,
    ) -> list[Concept]:
        """See :meth:`Taxonomy.search`."""
        query = normalize(text)
        kinds = kinds_filter(kind)
        ranked: dict[str, tuple[MatchKey, Concept]] = {}
        for layer in self.layers:
            for found in layer.search(text, kind=kinds, lang=lang, limit=limit):
                if found.uri in ranked:
                    continue
                # where a layer above knows this URI too, its concept is the one shown
                concept = self.get(found.uri) or found
                key = concept_match_key(concept, query, lang)
                if key is not None and (kinds is None or concept.kind in kinds):
                    ranked[concept.uri] = (key, concept)
        ordered = sorted(ranked.values(), key=lambda item: (item[0], item[1].uri))
        return [concept for _, concept in ordered[:limit]]

    def occupation_skills(self, occupation_uri: str) -> list[tuple[str, Relation]]:
        """See :meth:`Taxonomy.occupation_skills`: the first layer that has relations."""
        for layer in self.layers:
            skills = layer.occupation_skills(occupation_uri)
            if skills:
                return skills
        return []

    def occupations(self) -> Iterator[Concept]:
        """See :meth:`Taxonomy.occupations`."""
        seen: set[str] = set()
        for layer in self.layers:
            for concept in layer.occupations():
                if concept.uri not in seen:
                    seen.add(concept.uri)
                    yield concept

    def sources(self) -> list[SourceInfo]:
        """See :meth:`Taxonomy.sources`: every layer's, top first."""
        return [source for layer in self.layers for source in layer.sources()]
