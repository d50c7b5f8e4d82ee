"""ESCO: the bundled starter set, and the loader of a full official ESCO CSV download.

ESCO (European Skills, Competences, Qualifications and Occupations) is published by the
European Commission; reuse is permitted with acknowledgement of the source. Wherever its
data is shown or shipped, :data:`ESCO_ATTRIBUTION` goes with it.

The CSV files are read by column *name* (ESCO v1.1 and v1.2 order and name some columns
differently; v1.2 adds label columns to the relation files), in any language (the file
name's ``_xx`` suffix). Preferred, alternative (``altLabels``) and hidden (``hiddenLabels``,
where a file has them) labels are kept; all three are searched. A file that lacks a column
we need, or a row with a bad value, raises :class:`~skillswallet.errors.TaxonomyError`
naming the file, line and column.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import TaxonomyError
from .index import IndexBuilder, TaxonomyIndex
from .taxonomy import (
    COLLECTION_DIGITAL,
    KIND_ISCO_GROUP,
    KIND_KNOWLEDGE,
    KIND_OCCUPATION,
    KIND_SKILL,
    KIND_SKILL_GROUP,
    Relation,
    ReuseLevel,
)

__all__ = [
    "ESCO_ATTRIBUTION",
    "ESCO_FRAMEWORK",
    "Progress",
    "load_esco_directory",
    "starter_taxonomy",
]

ESCO_FRAMEWORK = "ESCO"
ESCO_ATTRIBUTION = "ESCO, European Commission, https://esco.ec.europa.eu"
ISCO_BASE = "http://data.europa.eu/esco/isco/C"

#: Called before each file is read: (file name, files done, files in all).
Progress = Callable[[str, int, int], None]

_FILE_NAME = re.compile(r"^(?P<stem>[A-Za-z]+)_(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\.csv$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_GROUP_CODE = re.compile(r"/(?:esco/skill/(?P<code>[A-Z][0-9.]*)|esco/isced-f/(?P<isced>\d+))$")
# ESCO cells hold many values separated by newlines (skills, occupations) or " | "
# (collections).
_SPLIT = re.compile(r"\s*\n\s*|\s+\|\s+")
# Fields of ESCO's conceptSchemes file exceed csv's default limit of 128 KiB.
csv.field_size_limit(64 * 1024 * 1024)

_SKILL_TYPES = {"skill/competence": KIND_SKILL, "knowledge": KIND_KNOWLEDGE, "": KIND_SKILL}
_RELATIONS = {"essential": Relation.ESSENTIAL, "optional": Relation.OPTIONAL}
_REUSE = {level.value for level in ReuseLevel}
# Collection files whose name does not say the collection as we name it.
_COLLECTION_NAMES = {"ict": COLLECTION_DIGITAL, "digcomp": "digcomp"}


class _Table:
    """One CSV file being read: rows as dicts by column name, with their line numbers."""

    def __init__(self, path: Path, required: tuple[str, ...]) -> None:
        self.path = path
        self.name = path.name
        self.required = required
        self.line = 1
        self.count = 0  # rows read
        self.columns: list[str] = []

    def error(self, message: str, column: str | None = None) -> TaxonomyError:
        return TaxonomyError(message, file=self.name, line=self.line, column=column)

    def rows(self) -> Iterator[dict[str, str]]:
        try:
            with self.path.open(encoding="utf-8-sig", newline="") as fh:
                reader = csv.reader(fh, strict=True)
                header = next(reader, None)
                if header is None:
                    raise self.error("the file is empty; expected a header row")
                self.columns = [name.strip() for name in header]
                for name in self.required:
                    if name not in self.columns:
                        raise self.error(
                            f"no column {name!r}: this is not the ESCO layout of "
                            f"{self.name.split('_')[0]} (columns: {', '.join(self.columns)})",
                            name,
                        )
                width = len(self.columns)
                while True:
                    self.line = reader.line_num + 1  # where the record starts
                    values = next(reader, None)
                    if values is None:
                        return
                    if not any(values):
                        continue
                    if len(values) != width:
                        column = self.columns[min(len(values), width - 1)]
                        raise self.error(
                            f"the row has {len(values)} fields, the header {width}", column
                        )
                    self.count += 1
                    yield dict(zip(self.columns, values, strict=True))
        except csv.Error as exc:
            raise self.error(f"not valid CSV: {exc}") from None
        except UnicodeDecodeError:
            raise self.error("the file is not UTF-8 text") from None
        except OSError as exc:
            raise TaxonomyError(f"cannot read: {exc.strerror}", file=self.name) from None

    def uri(self, row: dict[str, str], column: str, *, optional: bool = False) -> str:
        value = row.get(column, "").strip()
        if not value and optional:
            return ""
        if not _URI.match(value):
            raise self.error(f"expected a URI, found {value[:80]!r}", column)
        return value

    def uris(self, row: dict[str, str], column: str) -> list[str]:
        values = [v for v in _SPLIT.split(row.get(column, "").strip()) if v]
        for value in values:
            if not _URI.match(value):
                raise self.error(f"expected URIs, found {value[:80]!r}", column)
        return values

    def choice(self, row: dict[str, str], column: str, allowed: dict[str, Any] | set[str]) -> str:
        value = row.get(column, "").strip()
        if value.lower() not in allowed:
            expected = " or ".join(repr(a) for a in sorted(allowed) if a)
            raise self.error(f"expected {expected}, found {value[:80]!r}", column)
        return value.lower()


def _split(text: str) -> list[str]:
    return [part for part in _SPLIT.split(text.strip()) if part]


def _description(text: str) -> str:
    """A description as text: ESCO's CSV export writes some characters of its
    descriptions as HTML entities (``food &amp; beverages``), which are not shown as
    such anywhere we print or render a description."""
    return html.unescape(text.strip())


def _group_code(uri: str) -> str | None:
    match = _GROUP_CODE.search(uri)
    return None if match is None else match.group("code") or match.group("isced")


class _Loader:
    """Reads the files of one directory into an :class:`IndexBuilder`."""

    def __init__(self) -> None:
        self.builder = IndexBuilder()
        self.isco_of: dict[str, str] = {}
        self.broader_named: dict[str, tuple[str, str]] = {}  # uri -> (lang, label)
        self.has_occupation_pillar = False

    def concepts(self, table: _Table, lang: str, kind: str | None) -> None:
        for row in table.rows():
            uri = table.uri(row, "conceptUri")
            this_kind = kind
            if this_kind is None:  # the skills file: knowledge or skill/competence
                this_kind = _SKILL_TYPES[table.choice(row, "skillType", _SKILL_TYPES)]
            code = row.get("code", "").strip() or None
            if this_kind == KIND_OCCUPATION:
                isco = row["iscoGroup"].strip()
                if isco:
                    self.isco_of[uri] = isco
                    code = code or isco
            elif this_kind == KIND_SKILL_GROUP:
                code = code or _group_code(uri)
            self._add_row(table, row, uri, this_kind, lang, code=code)

    def collection(self, table: _Table, lang: str, collection: str) -> None:
        for row in table.rows():
            uri = table.uri(row, "conceptUri")
            concept_type = row.get("conceptType", "").strip()
            if concept_type == "Occupation":
                kind = KIND_OCCUPATION
            elif "skillType" in row:
                kind = _SKILL_TYPES[table.choice(row, "skillType", _SKILL_TYPES)]
            else:
                kind = KIND_SKILL
            broader = table.uris(row, "broaderConceptUri")
            named = _split(row.get("broaderConceptPT", ""))
            if len(named) == len(broader):  # the labels of the broader concepts, in order
                for target, label in zip(broader, named, strict=True):
                    self.broader_named.setdefault(target, (lang, label))
            self._add_row(table, row, uri, kind, lang, broader=broader, collections=[collection])

    def _add_row(
        self,
        table: _Table,
        row: dict[str, str],
        uri: str,
        kind: str,
        lang: str,
        *,
        code: str | None = None,
        broader: list[str] | None = None,
        collections: list[str] | None = None,
    ) -> None:
        """Add a concept row's labels, description and reuse level."""
        reuse = ""
        if row.get("reuseLevel", "").strip():
            reuse = table.choice(row, "reuseLevel", _REUSE)
        self.builder.add(
            uri,
            kind=kind,
            lang=lang,
            preferred=row["preferredLabel"].strip(),
            alternatives=_split(row.get("altLabels", "")),
            hidden=_split(row.get("hiddenLabels", "")),
            description=_description(row.get("description") or row.get("definition") or ""),
            code=code,
            reuse=reuse,
            broader=broader or [],
            collections=collections or [],
        )

    def hierarchy(self, table: _Table, lang: str) -> None:
        for row in table.rows():
            parent = ""
            for level in range(4):
                uri = table.uri(row, f"Level {level} URI", optional=level > 0)
                if not uri:
                    break
                self.builder.add(
                    uri,
                    kind=KIND_SKILL_GROUP,
                    lang=lang,
                    preferred=row.get(f"Level {level} preferred term", "").strip(),
                    code=row.get(f"Level {level} code", "").strip() or _group_code(uri),
                    broader=[parent] if parent else [],
                )
                parent = uri
            # the description belongs to the deepest level the row names
            description = _description(row.get("Description", ""))
            if parent and description:
                self.builder.add(parent, lang=lang, description=description)

    def broader_relations(self, table: _Table) -> None:
        for row in table.rows():
            concept = table.uri(row, "conceptUri")
            self.builder.add(concept, broader=[table.uri(row, "broaderUri")])

    def relations(self, table: _Table) -> None:
        for row in table.rows():
            occupation = table.uri(row, "occupationUri")
            relation = _RELATIONS[table.choice(row, "relationType", _RELATIONS)]
            self.builder.relate(occupation, table.uri(row, "skillUri"), relation)

    def finish(self) -> None:
        """Fill in what only the whole directory tells."""
        records = self.builder.records
        for uri, code in self.isco_of.items():
            record = records[uri]
            if not self.has_occupation_pillar and not record.broader:
                record.broader.append(ISCO_BASE + code)
        for group in records.values():
            # ISCO codes nest by prefix: 2166 < 216 < 21 < 2
            if group.kind == KIND_ISCO_GROUP and not group.broader and len(group.code or "") > 1:
                group.broader.append(ISCO_BASE + (group.code or "")[:-1])
        # Broader concepts known only by the label a collection file gives them.
        for uri, (lang, label) in self.broader_named.items():
            named = records.get(uri)
            if named is None or named.kind:
                continue
            kind = KIND_SKILL_GROUP if _group_code(uri) else KIND_SKILL
            self.builder.add(uri, kind=kind, lang=lang, preferred=label, code=_group_code(uri))


# How each ESCO file is read, by the name before the language suffix: required columns
# and a reader. (Files not named here, e.g. conceptSchemes or skillSkillRelations, are
# skipped and reported as such.)
_CONCEPT_FILES: dict[str, tuple[tuple[str, ...], str | None]] = {
    "skills": (("conceptUri", "skillType", "preferredLabel"), None),
    "occupations": (("conceptUri", "iscoGroup", "preferredLabel"), KIND_OCCUPATION),
    "skillGroups": (("conceptUri", "preferredLabel"), KIND_SKILL_GROUP),
    "ISCOGroups": (("conceptUri", "code", "preferredLabel"), KIND_ISCO_GROUP),
}
_RELATION_COLUMNS = ("occupationUri", "relationType", "skillUri")
_BROADER_COLUMNS = ("conceptUri", "broaderUri")
_HIERARCHY_COLUMNS = ("Level 0 URI", "Level 0 preferred term")
_COLLECTION_COLUMNS = ("conceptUri", "preferredLabel")
# Concepts first, then what refers to them (order matters: earlier files take precedence).
_ORDER = ["skills", "occupations", "skillGroups", "ISCOGroups", "skillsHierarchy"]


def _collection_name(stem: str) -> str | None:
    match = re.fullmatch(r"(?P<name>[A-Za-z]+?)(?:Skills|Occupations)?Collection", stem)
    if match is None:
        return None
    name = match.group("name").lower()
    return _COLLECTION_NAMES.get(name, name)


def _rank(path: Path) -> tuple[int, str]:
    stem = _FILE_NAME.match(path.name).group("stem")  # type: ignore[union-attr]
    return (_ORDER.index(stem) if stem in _ORDER else len(_ORDER), path.name)


def load_esco_directory(
    directory: Path,
    *,
    name: str = "ESCO download",
    version: str | None = None,
    progress: Progress | None = None,
) -> TaxonomyIndex:
    """Read an official ESCO CSV download (any of its files, v1.1 or v1.2 layout, one or
    more languages) into a :class:`TaxonomyIndex`. Nothing is written; see
    :func:`skillswallet.skills.store.install_esco_directory` to keep it as the user index.

    Raises :class:`TaxonomyError` for a directory without ESCO files, a file without a
    column it needs, or a bad value (naming the file, line and column)."""
    if not directory.is_dir():
        raise TaxonomyError(f"{directory} is not a directory")
    paths = sorted(
        (p for p in directory.iterdir() if p.is_file() and _FILE_NAME.match(p.name)), key=_rank
    )
    loader = _Loader()
    loader.has_occupation_pillar = any(
        p.name.startswith("broaderRelationsOccPillar_") for p in paths
    )
    files: list[dict[str, Any]] = []
    skipped: list[str] = []
    for done, path in enumerate(paths):
        if progress is not None:
            progress(path.name, done, len(paths))
        match = _FILE_NAME.match(path.name)
        assert match is not None
        stem, lang = match.group("stem"), match.group("lang")
        rows = _read_file(loader, path, stem, lang)
        if rows is None:
            skipped.append(path.name)
        else:
            files.append({"name": path.name, "rows": rows})
    if not files:
        raise TaxonomyError(
            f"{directory} holds no ESCO CSV files (such as skills_en.csv or occupations_en.csv)"
        )
    loader.finish()
    source = {
        "name": name,
        "framework": ESCO_FRAMEWORK,
        "attribution": ESCO_ATTRIBUTION,
        "version": version,
        "location": str(directory),
        "files": files,
        "skipped": skipped,
    }
    return loader.builder.build(source)


def _read_file(loader: _Loader, path: Path, stem: str, lang: str) -> int | None:
    """Rows read from one file, or None when it is not a file we use."""
    collection = _collection_name(stem)
    if stem in _CONCEPT_FILES:
        required, kind = _CONCEPT_FILES[stem]
        table = _Table(path, required)
        loader.concepts(table, lang, kind)
    elif stem == "skillsHierarchy":
        table = _Table(path, _HIERARCHY_COLUMNS)
        loader.hierarchy(table, lang)
    elif stem == "occupationSkillRelations":
        table = _Table(path, _RELATION_COLUMNS)
        loader.relations(table)
    elif stem in ("broaderRelationsSkillPillar", "broaderRelationsOccPillar"):
        table = _Table(path, _BROADER_COLUMNS)
        loader.broader_relations(table)
    elif collection is not None:
        table = _Table(path, _COLLECTION_COLUMNS)
        loader.collection(table, lang, collection)
    else:
        return None
    return table.count


STARTER_RESOURCE = "esco-starter.json.gz"


@cache
def starter_taxonomy() -> TaxonomyIndex:
    """The bundled ESCO starter set (transversal, digital and language skills, the skill
    groups and hierarchy, every occupation with its ISCO group; no occupation-skill
    relations), read on first use. Its :meth:`~TaxonomyIndex.sources` carry the
    attribution and the source commit."""
    resource = resources.files("skillswallet.skills") / "data" / STARTER_RESOURCE
    with resources.as_file(resource) as path:
        return TaxonomyIndex.read(path)
