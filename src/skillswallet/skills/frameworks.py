"""Custom skills frameworks: a company's competence list, Skills Builder's Universal
Framework, ... read from a JSON file described by ``schemas/skills-framework.schema.json``
(``urn:skillswallet:schema:skills-framework:1``), with a crosswalk to ESCO URIs.

A framework is a :class:`~skillswallet.skills.taxonomy.Taxonomy` of its own; layer it over
ESCO with :class:`~skillswallet.skills.taxonomy.CombinedTaxonomy`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .. import jsonio
from ..errors import InvalidJSONError, TaxonomyError
from .taxonomy import (
    COLLECTION_TRANSVERSAL,
    KIND_OCCUPATION,
    KIND_SKILL,
    Concept,
    CrosswalkLink,
    Level,
    MatchKey,
    MatchType,
    Relation,
    SourceInfo,
    TaxonomyBase,
    concept_match_key,
    kinds_filter,
    normalize,
)

__all__ = ["FRAMEWORK_SCHEMA_ID", "FrameworkTaxonomy", "load_framework", "parse_framework"]

FRAMEWORK_SCHEMA_ID = "urn:skillswallet:schema:skills-framework:1"
_SCHEMA_FILE = "skills-framework.schema.json"


@cache
def _validator() -> Draft202012Validator:
    schema = resources.files("skillswallet.credentials") / "schemas" / _SCHEMA_FILE
    return Draft202012Validator(json.loads(schema.read_text("utf-8")))


def _path(parts: Iterable[Any]) -> str:
    return "/" + "/".join(str(p) for p in parts)


class FrameworkTaxonomy(TaxonomyBase):
    """A custom framework held in memory (small: searched by a scan of its labels)."""

    def __init__(self, concepts: Iterable[Concept], source: SourceInfo) -> None:
        self._concepts = {concept.uri: concept for concept in concepts}
        self._source = source

    @property
    def name(self) -> str:
        """The framework's name."""
        return self._source.name

    def get(self, uri: str) -> Concept | None:
        """See :meth:`Taxonomy.get`."""
        return self._concepts.get(uri)

    def concepts(self) -> Iterator[Concept]:
        """Every concept, in file order."""
        return iter(self._concepts.values())

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
        if not query:
            return []
        ranked: list[tuple[MatchKey, str, Concept]] = []
        for concept in self._concepts.values():
            if kinds is None or concept.kind in kinds:
                key = concept_match_key(concept, query, lang)
                if key is not None:
                    ranked.append((key, concept.uri, concept))
        ranked.sort(key=lambda item: item[:2])
        return [concept for _, _, concept in ranked[: max(limit, 0)]]

    def occupation_skills(self, occupation_uri: str) -> list[tuple[str, Relation]]:
        """See :meth:`Taxonomy.occupation_skills`: frameworks have no relations."""
        return []

    def occupations(self) -> Iterator[Concept]:
        """See :meth:`Taxonomy.occupations`."""
        return (c for c in self._concepts.values() if c.kind == KIND_OCCUPATION)

    def mapped_to(self, target: str) -> list[Concept]:
        """The framework's concepts whose crosswalk links to ``target`` (an ESCO URI)."""
        return [
            concept
            for concept in self._concepts.values()
            if any(link.target == target for link in concept.crosswalk)
        ]

    def sources(self) -> list[SourceInfo]:
        """See :meth:`Taxonomy.sources`."""
        return [self._source]


def _levels(items: list[dict[str, Any]] | None) -> tuple[Level, ...]:
    return tuple(
        Level(item["id"], dict(item["label"]), dict(item.get("description", {})))
        for item in items or ()
    )


def parse_framework(document: Any, *, location: str | None = None) -> FrameworkTaxonomy:
    """A framework from its parsed JSON. Raises :class:`TaxonomyError` naming the JSON
    path and what was expected (for ``location``, e.g. the file name, when given)."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
        raise TaxonomyError(
            f"not a skills framework: {first.message}{more}",
            file=location,
            column=_path(first.absolute_path),
        )
    name = document["name"]
    default_levels = _levels(document.get("levels"))
    concepts: list[Concept] = []
    seen: set[str] = set()
    for number, item in enumerate(document["concepts"]):
        if item["id"] in seen:
            raise TaxonomyError(
                f"the concept id {item['id']!r} is used twice",
                file=location,
                column=_path(("concepts", number, "id")),
            )
        seen.add(item["id"])
        concepts.append(
            Concept(
                uri=item["id"],
                kind=item.get("kind", KIND_SKILL),
                framework=name,
                preferred_labels=dict(item["label"]),
                alternative_labels={k: tuple(v) for k, v in item.get("altLabels", {}).items()},
                descriptions=dict(item.get("description", {})),
                code=item.get("code"),
                broader=tuple(item.get("broader", ())),
                collections=frozenset({COLLECTION_TRANSVERSAL} if item.get("transversal") else ()),
                levels=_levels(item.get("levels")) or default_levels,
                crosswalk=tuple(
                    CrosswalkLink(link["target"], MatchType(link.get("match", "close")))
                    for link in item.get("crosswalk", ())
                ),
            )
        )
    counts: dict[str, int] = {}
    for concept in concepts:
        counts[concept.kind] = counts.get(concept.kind, 0) + 1
    source = SourceInfo(
        name=name,
        framework=name,
        attribution=document.get("attribution"),
        version=document.get("version"),
        location=location or document.get("url"),
        counts=counts,
    )
    return FrameworkTaxonomy(concepts, source)


def load_framework(path: Path) -> FrameworkTaxonomy:
    """Read a framework JSON file (bounded like every JSON input; duplicate keys refused).
    Raises :class:`TaxonomyError` naming the file, the JSON path and what was expected."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        document = jsonio.loads(data)
    except InvalidJSONError as exc:
        raise TaxonomyError(f"not valid JSON: {exc}", file=str(path)) from None
    return parse_framework(document, location=str(path))
