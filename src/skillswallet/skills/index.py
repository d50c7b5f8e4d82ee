"""An in-memory taxonomy index, its compact file form, and a builder for loaders.

One implementation of :class:`~skillswallet.skills.taxonomy.Taxonomy` serves the bundled
ESCO starter set and a user's full ESCO download: both are a compact JSON document (gzip'd
on disk). Concepts are kept as rows and turned into :class:`Concept` values on demand;
label search runs ``str.find`` over one string of normalized labels per kind, so a search
of the full ESCO costs milliseconds (see ``benchmarks/bench_taxonomy.py``).
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TaxonomyError
from .taxonomy import (
    KIND_OCCUPATION,
    Concept,
    MatchKey,
    Relation,
    ReuseLevel,
    SourceInfo,
    TaxonomyBase,
    kinds_filter,
    label_match_key,
    normalize,
)

__all__ = ["FORMAT", "IndexBuilder", "TaxonomyIndex"]

FORMAT = "skillswallet-taxonomy-index"
VERSION = 1

# A row of the document's "concepts": kind, code, reuse level, broader (indexes into
# "uris"), collections, preferred labels, alternative labels, descriptions.
_Row = list[Any]

#: Substring hits examined at most for one search (a short query in a full ESCO
#: would otherwise look at millions); prefix and word-prefix hits are always complete.
_MAX_SUBSTRING_HITS = 5_000


@dataclass
class _Labels:
    """The normalized labels of one kind, joined into one string for fast searching."""

    text: str
    starts: list[int]
    concepts: list[int]
    preferred: list[bool]
    langs: list[str]


class TaxonomyIndex(TaxonomyBase):
    """A taxonomy held in memory (see the module docstring). Build one with
    :class:`IndexBuilder`, :func:`~skillswallet.skills.esco.load_esco_directory` or
    :meth:`read`; it never changes afterwards."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        """Wrap a compact document (as :meth:`to_document` returns); the shape is checked
        and a malformed one raises :class:`TaxonomyError`."""
        try:
            if document.get("format") != FORMAT or document.get("version") != VERSION:
                raise ValueError("not a skillswallet taxonomy index of a known version")
            self._uris: list[str] = list(document["uris"])
            self._rows: list[_Row] = list(document["concepts"])
            flat: list[int] = list(document["relations"])
            self._source: dict[str, Any] = dict(document["source"])
            if len(self._rows) > len(self._uris) or len(flat) % 3:
                raise ValueError("inconsistent sizes")
            for row in self._rows:
                if not isinstance(row, list) or len(row) != 8:
                    raise ValueError("a concept row has the wrong shape")
        except (KeyError, TypeError, ValueError) as exc:
            raise TaxonomyError(f"malformed taxonomy index: {exc}") from None
        self._relations_flat = flat
        self._position = {uri: i for i, uri in enumerate(self._uris[: len(self._rows)])}
        self._cache: dict[int, Concept] = {}
        self._relations: dict[int, list[tuple[int, int]]] | None = None
        self._labels: dict[str, _Labels] | None = None

    # -- file form ----------------------------------------------------------------------

    def to_document(self) -> dict[str, Any]:
        """The compact JSON document this index was made from (for :meth:`write`)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "source": self._source,
            "uris": self._uris,
            "concepts": self._rows,
            "relations": self._relations_flat,
        }

    def write(self, path: Path, *, compresslevel: int = 6) -> None:
        """Write the index to ``path`` (gzip'd JSON) atomically: a temporary file beside it
        is renamed over it, so a reader never sees half an index."""
        data = json.dumps(self.to_document(), ensure_ascii=False, separators=(",", ":"))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".taxonomy-", suffix=".tmp", dir=path.parent)
        try:
            with (
                os.fdopen(fd, "wb") as raw,
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=compresslevel, mtime=0) as out,
            ):
                out.write(data.encode("utf-8"))
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    @classmethod
    def read(cls, path: Path) -> TaxonomyIndex:
        """Read an index written by :meth:`write`; a damaged file raises
        :class:`TaxonomyError` naming it."""
        try:
            with gzip.open(path, "rb") as fh:
                document = json.loads(fh.read())
        except OSError as exc:
            if isinstance(exc, (gzip.BadGzipFile, EOFError)) or not exc.strerror:
                raise TaxonomyError(f"{path}: the taxonomy index is damaged ({exc})") from None
            raise TaxonomyError(f"cannot read taxonomy index {path}: {exc.strerror}") from None
        except (EOFError, zlib.error, ValueError) as exc:
            raise TaxonomyError(f"{path}: the taxonomy index is damaged ({exc})") from None
        if not isinstance(document, dict):
            raise TaxonomyError(f"{path}: the taxonomy index is damaged (not an object)")
        try:
            return cls(document)
        except TaxonomyError as exc:
            raise TaxonomyError(f"{path}: {exc}") from None

    # -- concepts -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, uri: object) -> bool:
        return uri in self._position

    def _concept(self, index: int) -> Concept:
        concept = self._cache.get(index)
        if concept is None:
            kind, code, reuse, broader, collections, pref, alt, desc = self._rows[index]
            concept = Concept(
                uri=self._uris[index],
                kind=kind,
                framework=self._source.get("framework", ""),
                preferred_labels=pref,
                alternative_labels={lang: tuple(texts) for lang, texts in alt.items()},
                descriptions=desc,
                code=code,
                reuse_level=ReuseLevel(reuse) if reuse else None,
                broader=tuple(self._uris[i] for i in broader),
                collections=frozenset(collections),
            )
            self._cache[index] = concept
        return concept

    def get(self, uri: str) -> Concept | None:
        """See :meth:`Taxonomy.get`."""
        index = self._position.get(uri)
        return None if index is None else self._concept(index)

    def concepts(self, kind: str | Iterable[str] | None = None) -> Iterator[Concept]:
        """Every concept (of the given kinds), in the order they were loaded."""
        kinds = kinds_filter(kind)
        for index, row in enumerate(self._rows):
            if kinds is None or row[0] in kinds:
                yield self._concept(index)

    def occupations(self) -> Iterator[Concept]:
        """See :meth:`Taxonomy.occupations`."""
        return self.concepts(KIND_OCCUPATION)

    def counts(self) -> dict[str, int]:
        """Number of concepts per kind, and of occupation-skill relations."""
        counts: dict[str, int] = {}
        for row in self._rows:
            counts[row[0]] = counts.get(row[0], 0) + 1
        counts["relations"] = len(self._relations_flat) // 3
        return counts

    def sources(self) -> list[SourceInfo]:
        """See :meth:`Taxonomy.sources`."""
        source = self._source
        return [
            SourceInfo(
                name=str(source.get("name", "")),
                framework=str(source.get("framework", "")),
                attribution=source.get("attribution"),
                version=source.get("version"),
                location=source.get("location"),
                counts=self.counts(),
            )
        ]

    @property
    def source(self) -> Mapping[str, Any]:
        """The provenance recorded when the index was built (files, commit, attribution)."""
        return self._source

    # -- relations ----------------------------------------------------------------------

    def occupation_skills(self, occupation_uri: str) -> list[tuple[str, Relation]]:
        """See :meth:`Taxonomy.occupation_skills`."""
        if self._relations is None:
            relations: dict[int, list[tuple[int, int]]] = {}
            flat = self._relations_flat
            for i in range(0, len(flat), 3):
                relations.setdefault(flat[i], []).append((flat[i + 2], flat[i + 1]))
            for pairs in relations.values():
                pairs.sort(key=lambda pair: pair[0])  # stable: essential (0) first
            self._relations = relations
        index = self._position.get(occupation_uri)
        pairs = self._relations.get(index, []) if index is not None else []
        return [
            (self._uris[skill], Relation.ESSENTIAL if flag == 0 else Relation.OPTIONAL)
            for flag, skill in pairs
        ]

    # -- search -------------------------------------------------------------------------

    def _label_index(self) -> dict[str, _Labels]:
        if self._labels is None:
            parts: dict[str, tuple[list[str], _Labels]] = {}
            for index, row in enumerate(self._rows):
                kind, pref, alt = row[0], row[5], row[6]
                texts, labels = parts.setdefault(kind, ([], _Labels("", [], [], [], [])))
                entries = [(lang, text, True) for lang, text in pref.items()]
                entries += [(lang, text, False) for lang, many in alt.items() for text in many]
                for lang, text, preferred in entries:
                    texts.append(normalize(text))
                    labels.concepts.append(index)
                    labels.preferred.append(preferred)
                    labels.langs.append(lang)
            for texts, labels in parts.values():
                # "\n" before each label: a hit right after one is a label prefix
                labels.text = "\n" + "\n".join(texts) + "\n"
                position = 1
                for text in texts:
                    labels.starts.append(position)
                    position += len(text) + 1
            self._labels = {kind: labels for kind, (_, labels) in parts.items()}
        return self._labels

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
        if not query or limit <= 0:
            return []
        kinds = kinds_filter(kind)
        best: dict[int, MatchKey] = {}
        indexes = [
            labels for name, labels in self._label_index().items() if kinds is None or name in kinds
        ]
        # Tiers in turn (prefix, word prefix, substring): a later tier ranks below every
        # earlier one, so it is only searched while the earlier ones found too few.
        tiers = (("\n" + query, None), (" " + query, None), (query, _MAX_SUBSTRING_HITS))
        for needle, cap in tiers:
            for labels in indexes:
                self._collect(labels, needle, query, lang, best, cap)
            if len(best) >= limit:
                break
        ordered = sorted(best.items(), key=lambda item: (item[1], self._uris[item[0]]))
        return [self._concept(index) for index, _ in ordered[:limit]]

    @staticmethod
    def _collect(
        labels: _Labels,
        needle: str,
        query: str,
        lang: str | None,
        best: dict[int, MatchKey],
        cap: int | None,
    ) -> None:
        text, starts = labels.text, labels.starts
        seen_label = -1
        hits = 0
        position = text.find(needle)
        while position != -1:
            hits += 1
            if cap is not None and hits > cap:
                break
            label = bisect_right(starts, position + (needle[0] in "\n ")) - 1
            if label != seen_label and label >= 0:
                seen_label = label
                if lang is None or labels.langs[label] == lang:
                    start = starts[label]
                    end = text.find("\n", start)
                    key = label_match_key(text[start:end], query, labels.preferred[label])
                    concept = labels.concepts[label]
                    if key is not None and (concept not in best or key < best[concept]):
                        best[concept] = key
            position = text.find(needle, position + 1)


@dataclass
class _Record:
    kind: str = ""
    code: str | None = None
    reuse: str | None = None
    broader: list[str] = field(default_factory=list)
    collections: set[str] = field(default_factory=set)
    pref: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=dict)
    desc: dict[str, str] = field(default_factory=dict)


class IndexBuilder:
    """Collects concepts and relations from several files, then :meth:`build` makes the
    index. Later files fill in what earlier ones left empty (a skills file and a
    collection file may both describe one skill); labels merge per language."""

    def __init__(self) -> None:
        self.records: dict[str, _Record] = {}
        self.relations: list[tuple[str, str, Relation]] = []

    def concept(self, uri: str) -> _Record:
        """The record for ``uri``, created empty on first use."""
        record = self.records.get(uri)
        if record is None:
            record = self.records[uri] = _Record()
        return record

    def add(
        self,
        uri: str,
        *,
        kind: str | None = None,
        lang: str = "en",
        preferred: str | None = None,
        alternatives: Iterable[str] = (),
        description: str | None = None,
        code: str | None = None,
        reuse: str | None = None,
        broader: Iterable[str] = (),
        collections: Iterable[str] = (),
    ) -> None:
        """Add or complete the concept ``uri`` (values already set are kept)."""
        record = self.concept(uri)
        record.kind = record.kind or (kind or "")
        record.code = record.code or code or None
        record.reuse = record.reuse or reuse or None
        if preferred:
            record.pref.setdefault(lang, preferred)
        alts = [text for text in alternatives if text]
        if alts:
            known = record.alt.setdefault(lang, [])
            known.extend(text for text in alts if text not in known)
        if description:
            record.desc.setdefault(lang, description)
        for uri_ in broader:
            if uri_ and uri_ != uri and uri_ not in record.broader:
                record.broader.append(uri_)
        record.collections.update(collections)

    def relate(self, occupation: str, skill: str, relation: Relation) -> None:
        """Record that ``occupation`` needs ``skill``."""
        self.relations.append((occupation, skill, relation))

    def build(self, source: Mapping[str, Any]) -> TaxonomyIndex:
        """The index of everything added (concepts without a kind are dropped: they were
        only named, e.g. as a relation's target); ``source`` is its provenance."""
        uris = [uri for uri, record in self.records.items() if record.kind]
        position = {uri: i for i, uri in enumerate(uris)}

        def index_of(uri: str) -> int:
            if uri not in position:
                position[uri] = len(uris)
                uris.append(uri)
            return position[uri]

        rows: list[_Row] = []
        for uri in list(uris):
            record = self.records[uri]
            rows.append(
                [
                    record.kind,
                    record.code,
                    record.reuse,
                    [index_of(b) for b in record.broader],
                    sorted(record.collections),
                    record.pref,
                    record.alt,
                    record.desc,
                ]
            )
        flat: list[int] = []
        seen: set[tuple[int, int]] = set()
        for occupation, skill, relation in self.relations:
            pair = (index_of(occupation), index_of(skill))
            if pair not in seen:  # a relation repeated in another language's file
                seen.add(pair)
                flat += [pair[0], pair[1], 0 if relation is Relation.ESSENTIAL else 1]
        return TaxonomyIndex(
            {
                "format": FORMAT,
                "version": VERSION,
                "source": dict(source),
                "uris": uris,
                "concepts": rows,
                "relations": flat,
            }
        )
