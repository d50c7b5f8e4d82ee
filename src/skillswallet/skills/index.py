"""An in-memory taxonomy index, its compact file form, and a builder for loaders.

One implementation of :class:`~skillswallet.skills.taxonomy.Taxonomy` serves the bundled
ESCO starter set and a user's full ESCO download: both are a compact JSON document (gzip'd
on disk). Concepts are kept as rows and turned into :class:`Concept` values on demand.

Label search (built on first use) numbers every label in rank order (preferred before
alternative before hidden, shorter first, then by text and URI) and keeps, per concept
kind, the labels sorted by text (exact and prefix matches: a bisection) and a word index:
the sorted distinct words of the labels, each with the ascending numbers of the labels
that have it. A word prefix is a bisection of the words; a fragment inside words is one
regular-expression scan of the distinct words, not of every label. Tiers are searched in
turn and each yields labels best first, so a search stops as soon as ``limit`` concepts
are certain: the full ESCO costs about a millisecond a query (``benchmarks/bench_taxonomy.py``).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
import zlib
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import TaxonomyError
from .taxonomy import (
    KIND_OCCUPATION,
    LABEL_ALTERNATIVE,
    LABEL_HIDDEN,
    LABEL_PREFERRED,
    Concept,
    Relation,
    ReuseLevel,
    SourceInfo,
    TaxonomyBase,
    joined_word_splits,
    kinds_filter,
    label_words,
    normalize,
)

__all__ = ["FORMAT", "VERSION", "IndexBuilder", "TaxonomyIndex"]

FORMAT = "skillswallet-taxonomy-index"
#: 2 added hidden labels (a ninth field of each concept row); version 1 is still read.
VERSION = 2
_READABLE_VERSIONS = (1, 2)
_RELOAD = "run 'skillswallet taxonomy load DIR' again with your ESCO download to rebuild it"

# A row of the document's "concepts": kind, code, reuse level, broader (indexes into
# "uris"), collections, preferred labels, alternative labels, descriptions, hidden labels.
_Row = list[Any]
_ROW_FIELDS = 9
# Above every character a label can hold: query + _LAST bounds the labels it starts.
_LAST = "\U0010ffff"
# Stored data of the wrong type or shape shows up as one of these when it is used.
_DAMAGE = (AttributeError, IndexError, KeyError, TypeError, ValueError)


@dataclass
class _Words:
    """The labels of one concept kind, for search (labels are numbered in rank order)."""

    #: The normalized labels, sorted, and the number of each.
    texts: list[str]
    numbers: list[int]
    #: The distinct words of the labels (see :func:`label_words`), sorted; for each, the
    #: numbers of the labels that have it, ascending; the words one a line, for scans.
    words: list[str]
    postings: dict[str, list[int]]
    vocabulary: str

    def exact(self, query: str) -> list[int]:
        start = bisect_left(self.texts, query)
        return sorted(self.numbers[start : bisect_right(self.texts, query, start)])

    def prefixed(self, query: str) -> list[int]:
        start = bisect_right(self.texts, query)  # the exact ones were tier 0
        return sorted(self.numbers[start : bisect_left(self.texts, query + _LAST, start)])

    def starting(self, part: str) -> list[list[int]]:
        """The postings of the words that start with ``part``."""
        start = bisect_left(self.words, part)
        end = bisect_left(self.words, part + _LAST, start)
        return [self.postings[word] for word in self.words[start:end]]

    def containing(self, part: str) -> list[list[int]]:
        """The postings of the words that contain ``part``."""
        pattern = re.compile(f"^.*{re.escape(part)}.*$", re.MULTILINE)
        return [self.postings[word] for word in pattern.findall(self.vocabulary)]


@dataclass
class _Labels:
    """Every label of the index, numbered in rank order, and the word index per kind."""

    concepts: list[int]
    langs: list[str]
    kinds: dict[str, _Words]


def _texts(value: Any) -> dict[str, str]:
    """A stored ``{language: text}``, checked (a wrong type raises ``TypeError``)."""
    if not isinstance(value, dict) or not all(isinstance(text, str) for text in value.values()):
        raise TypeError("expected texts by language")
    return value


def _lists(value: Any) -> dict[str, tuple[str, ...]]:
    """A stored ``{language: [text, ...]}`` with tuples, checked like :func:`_texts`."""
    if not isinstance(value, dict):
        raise TypeError("expected lists of texts by language")
    lists = {lang: tuple(texts) for lang, texts in value.items() if isinstance(texts, list)}
    if len(lists) != len(value) or not all(isinstance(t, str) for v in lists.values() for t in v):
        raise TypeError("expected lists of texts by language")
    return lists


def _ascending(lists: list[list[int]]) -> Iterator[int]:
    """The union of ascending lists of numbers, ascending, made lazily: the lists' first
    ``m`` numbers are merged, those below the smallest number left out are certain and
    given, and ``m`` grows until every list is used up (a search that needs twenty
    results seldom looks past the first round)."""
    if len(lists) == 1:
        yield from lists[0]
        return
    lower = 0  # every number below it was given
    size = 64
    while True:
        batch = sorted(set().union(*(numbers[:size] for numbers in lists)))
        cut = [numbers[size] for numbers in lists if len(numbers) > size]
        if not cut:
            yield from batch[bisect_left(batch, lower) :]
            return
        bound = min(cut)
        yield from batch[bisect_left(batch, lower) : bisect_left(batch, bound)]
        lower = bound
        size *= 4


def _all_of(groups: list[list[list[int]]]) -> list[int]:
    """The numbers in at least one list of every group, ascending."""
    groups.sort(key=lambda lists: sum(map(len, lists)))
    common: set[int] = set().union(*groups[0])
    for lists in groups[1:]:
        if not common:
            break
        common &= set().union(*lists)
    return sorted(common)


class TaxonomyIndex(TaxonomyBase):
    """A taxonomy held in memory (see the module docstring). Build one with
    :class:`IndexBuilder`, :func:`~skillswallet.skills.esco.load_esco_directory` or
    :meth:`read`; it never changes afterwards."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        """Wrap a compact document (as :meth:`to_document` returns, of this or an earlier
        format version); the shape is checked and a malformed one, or one of a later
        version, raises :class:`TaxonomyError` saying to load the taxonomy again."""
        version = document.get("version")
        if document.get("format") != FORMAT:
            raise TaxonomyError(f"not a skillswallet taxonomy index; {_RELOAD}")
        if version not in _READABLE_VERSIONS:
            raise TaxonomyError(
                f"the taxonomy index has format version {version!r}, which this version of "
                f"skillswallet does not read (it reads {', '.join(map(str, _READABLE_VERSIONS))}); "
                f"{_RELOAD}"
            )
        try:
            self._uris: list[str] = list(document["uris"])
            self._rows: list[_Row] = list(document["concepts"])
            flat: list[int] = list(document["relations"])
            self._source: dict[str, Any] = dict(document["source"])
            if len(self._rows) > len(self._uris) or len(flat) % 3:
                raise ValueError("inconsistent sizes")
            width = _ROW_FIELDS - 1 if version == 1 else _ROW_FIELDS  # 1: no hidden labels
            for row in self._rows:
                if not isinstance(row, list) or len(row) != width:
                    raise ValueError("a concept row has the wrong shape")
            if version == 1:
                self._rows = [[*row, {}] for row in self._rows]
        except (KeyError, TypeError, ValueError) as exc:
            raise TaxonomyError(f"malformed taxonomy index ({exc}); {_RELOAD}") from None
        #: The format version it was stored in (1: without hidden labels).
        self.stored_version: int = version
        #: The file it was read from (None when built in memory).
        self.path: Path | None = None
        self._relations_flat = flat
        self._position = {uri: i for i, uri in enumerate(self._uris[: len(self._rows)])}
        self._cache: dict[int, Concept] = {}
        self._relations: dict[int, list[tuple[int, int]]] | None = None
        self._labels: _Labels | None = None

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
            index = cls(document)
        except TaxonomyError as exc:
            raise TaxonomyError(f"{path}: {exc}") from None
        index.path = path
        return index

    # -- concepts -----------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, uri: object) -> bool:
        return uri in self._position

    def _damaged(self, exc: Exception) -> TaxonomyError:
        where = f"{self.path}: the taxonomy index" if self.path else "the taxonomy index"
        return TaxonomyError(f"{where} is damaged ({type(exc).__name__}: {exc}); {_RELOAD}")

    def _concept(self, index: int) -> Concept:
        concept = self._cache.get(index)
        if concept is None:
            try:
                kind, code, reuse, broader, collections, pref, alt, desc, hidden = self._rows[index]
                concept = Concept(
                    uri=self._uris[index],
                    kind=kind,
                    framework=self._source.get("framework", ""),
                    preferred_labels=_texts(pref),
                    alternative_labels=_lists(alt),
                    hidden_labels=_lists(hidden),
                    descriptions=_texts(desc),
                    code=code,
                    reuse_level=ReuseLevel(reuse) if reuse else None,
                    broader=tuple(self._uris[i] for i in broader),
                    collections=frozenset(collections),
                )
            except _DAMAGE as exc:
                raise self._damaged(exc) from None
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
                notes=(
                    (
                        "stored by an older skillswallet: hidden labels (misspellings, old "
                        f"names) are not searched; {_RELOAD}",
                    )
                    if self.stored_version < VERSION
                    else ()
                ),
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
        try:
            return [
                (self._uris[skill], Relation.ESSENTIAL if flag == 0 else Relation.OPTIONAL)
                for flag, skill in pairs
            ]
        except _DAMAGE as exc:
            raise self._damaged(exc) from None

    # -- search -------------------------------------------------------------------------

    def _search_index(self) -> _Labels:
        if self._labels is None:
            try:
                self._labels = self._build_search_index()
            except _DAMAGE as exc:
                raise self._damaged(exc) from None
        return self._labels

    def _build_search_index(self) -> _Labels:
        # Every label, made in URI order of the concepts; sorted by text (stable: in URI
        # order among equal texts), then by type and length (stable): the rank order.
        # (Sorts and comprehensions: the loops in Python are few, a full ESCO is large.)
        texts: list[str] = []
        ranks: list[int] = []  # type and length, as one number
        rows: list[int] = []
        langs: list[str] = []
        kinds: list[int] = []
        kind_names: dict[str, int] = {}
        for index in sorted(range(len(self._rows)), key=self._uris.__getitem__):
            row = self._rows[index]
            kind = kind_names.setdefault(row[0], len(kind_names))
            for label_type, labels in (
                (LABEL_PREFERRED, {lang: [text] for lang, text in row[5].items()}),
                (LABEL_ALTERNATIVE, row[6]),
                (LABEL_HIDDEN, row[8]),
            ):
                for lang, many in labels.items():
                    for text in many:
                        text = normalize(text)
                        texts.append(text)
                        ranks.append(label_type << 32 | len(text))
                    rows.extend([index] * len(many))
                    langs.extend([lang] * len(many))
                    kinds.extend([kind] * len(many))
        by_text = sorted(range(len(texts)), key=texts.__getitem__)
        by_rank = sorted(by_text, key=ranks.__getitem__)
        number_of = sorted(range(len(texts)), key=by_rank.__getitem__)  # its inverse
        by_kind = sorted(by_text, key=kinds.__getitem__)  # per kind, by text
        indexes: dict[str, _Words] = {}
        start = 0
        for name, kind in kind_names.items():
            end = bisect_right(by_kind, kind, start, key=kinds.__getitem__)
            labels = by_kind[start:end]
            start = end
            numbers = [number_of[label] for label in labels]
            postings: defaultdict[str, list[int]] = defaultdict(list)
            ranked = sorted(labels, key=number_of.__getitem__)
            for number, label in zip(sorted(numbers), ranked, strict=True):
                for word in label_words(texts[label]):
                    postings[word].append(number)
            vocabulary = sorted(postings)
            indexes[name] = _Words(
                texts=[texts[label] for label in labels],
                numbers=numbers,
                words=vocabulary,
                postings=dict(postings),
                vocabulary="\n".join(vocabulary),
            )
        return _Labels(
            concepts=[rows[label] for label in by_rank],
            langs=[langs[label] for label in by_rank],
            kinds=indexes,
        )

    def search(
        self,
        text: str,
        *,
        kind: str | Iterable[str] | None = None,
        lang: str | None = None,
        limit: int = 20,
    ) -> list[Concept]:
        """See :meth:`Taxonomy.search` (the ranking is :func:`label_match_key`'s)."""
        query = normalize(text)
        if not query or limit <= 0:
            return []
        kinds = kinds_filter(kind)
        labels = self._search_index()
        parts = list(dict.fromkeys(query.split()))
        selected = [words for name, words in labels.kinds.items() if kinds is None or name in kinds]
        found: dict[int, tuple[int, int]] = {}  # concept -> (tier, number of its best label)
        for tier in range(5):
            wanted = limit - len(found)
            for words in selected:
                self._take(labels, self._tier(words, tier, query, parts), tier, lang, found, wanted)
            if len(found) >= limit:
                break
        ordered = sorted(found, key=found.__getitem__)
        return [self._concept(index) for index in ordered[:limit]]

    @staticmethod
    def _tier(words: _Words, tier: int, query: str, parts: list[str]) -> Iterable[int]:
        """The numbers of the labels of one kind in ``tier`` (or a better one), ascending."""
        if tier == 0:
            return words.exact(query)
        if tier == 1:
            return words.prefixed(query)
        if tier == 4:
            found = [
                _all_of([words.starting(first), words.starting(second)])
                for first, second in joined_word_splits(parts)
            ]
            return sorted(set().union(*found))
        matching = words.starting if tier == 2 else words.containing
        groups = [matching(part) for part in parts]
        return _ascending(groups[0]) if len(groups) == 1 else _all_of(groups)

    @staticmethod
    def _take(
        labels: _Labels,
        numbers: Iterable[int],
        tier: int,
        lang: str | None,
        found: dict[int, tuple[int, int]],
        wanted: int,
    ) -> None:
        """Record the concepts of ``numbers`` (labels best first) not found yet, up to
        ``wanted`` of them: the first label of a concept is its best."""
        concepts, langs = labels.concepts, labels.langs
        taken = 0
        for number in numbers:
            concept = concepts[number]
            if concept in found or (lang is not None and langs[number] != lang):
                continue
            found[concept] = (tier, number)
            taken += 1
            if taken >= wanted:
                return


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
    hidden: dict[str, list[str]] = field(default_factory=dict)


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
        hidden: Iterable[str] = (),
        description: str | None = None,
        code: str | None = None,
        reuse: str | None = None,
        broader: Iterable[str] = (),
        collections: Iterable[str] = (),
    ) -> None:
        """Add or complete the concept ``uri`` (values already set are kept; labels are
        added). ``hidden`` are hidden labels: searched, never shown (ESCO's
        ``hiddenLabels``: misspellings, old and informal names)."""
        record = self.concept(uri)
        record.kind = record.kind or (kind or "")
        record.code = record.code or code or None
        record.reuse = record.reuse or reuse or None
        if preferred:
            record.pref.setdefault(lang, preferred)
        for labels, texts in ((record.alt, alternatives), (record.hidden, hidden)):
            new = [text for text in texts if text]
            if new:
                known = labels.setdefault(lang, [])
                known.extend(text for text in new if text not in known)
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
                    record.hidden,
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
