"""A batch's template: an unsigned credential whose values come from the columns of a row.

Two ways to map a column into the credential (both may be used at once):

- **Placeholders** in string values: ``"{{name}}"`` is the ``name`` cell of the row;
  ``"Diploma of {{name}}"`` puts it inside text. A placeholder that is the whole value may
  convert the cell: ``{{credits:number}}``, ``{{year:integer}}``, ``{{passed:boolean}}``
  (true/false, yes/no, 1/0); a whole-value placeholder whose cell is empty leaves the
  property out (so optional properties stay optional; the schema says what is required).
  Built in: ``{{$issuer}}`` (the signing DID), ``{{$now}}`` (when the batch started,
  e.g. for ``validFrom``), ``{{$row}}`` (the row's number).
- **Dotted-path headers**: a column named ``credentialSubject.id`` or
  ``credentialSubject.achievement.name`` (its first part a top-level property of the
  template) sets that value, making the objects on the way; a number indexes a list the
  template has (``credentialSubject.achievement.alignment.0.targetUrl``).

Other columns are not used (the batch names them in a warning). Without an ``id`` in the
template, each credential gets ``urn:uuid:...`` (the same for a row when a batch resumes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..credentials.jsoncopy import json_copy
from ..errors import BatchInputError

Path = tuple[str | int, ...]

_PLACEHOLDER = re.compile(r"\{\{\s*([^{}:]*?)\s*(?::\s*([a-z]+)\s*)?\}\}")
_TYPES = ("number", "integer", "boolean")
BUILTINS = ("$issuer", "$now", "$row")
_OMIT = object()


class RowValueError(ValueError):
    """A cell that cannot become its value (``column`` names it)."""

    def __init__(self, column: str | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass(frozen=True)
class _Slot:
    path: Path
    text: str  # the template's string, placeholders and all
    whole: tuple[str, str | None] | None  # (column, type) when one placeholder is all
    columns: tuple[str, ...]


def dotted(path: Path) -> str:
    return ".".join(str(p) for p in path)


class Template:
    """An unsigned credential with placeholders, checked against the CSV's columns:
    a placeholder naming no column, or a dotted header the template cannot take, is a
    :class:`BatchInputError` before any row is read."""

    def __init__(self, document: Any, columns: Sequence[str]) -> None:
        if not isinstance(document, dict):
            raise BatchInputError("the template must be a JSON object (an unsigned credential)")
        if "proof" in document:
            raise BatchInputError("the template has a proof; give it unsigned")
        self.document: dict[str, Any] = json_copy(document)
        self.slots = list(self._find_slots(self.document, ()))
        known = set(columns)
        used: set[str] = set()
        for slot in self.slots:
            for column in slot.columns:
                if column not in known and column not in BUILTINS:
                    raise BatchInputError(
                        f"the template uses {{{{{column}}}}} at {dotted(slot.path)}, but the "
                        f"CSV has no column {column!r} (its columns: {', '.join(columns)})"
                    )
                used.add(column)
        self.paths: dict[str, Path] = {}
        for column in columns:
            head = column.split(".", 1)[0]
            if column in used or "." not in column or head not in self.document:
                continue
            self.paths[column] = self._check_path(column)
        self.extra_columns = [c for c in columns if c not in used and c not in self.paths]
        if "id" in self.document and not any(s.path == ("id",) for s in self.slots):
            raise BatchInputError(
                "the template's id would be the same for every row: leave it out (each "
                "credential then gets a urn:uuid) or make it from a column, e.g. "
                '"https://school.example/diplomas/{{student_id}}"'
            )
        self.has_id = "id" in self.document
        # Where each column's value lands, for naming the column of a schema error.
        self._owners: list[tuple[Path, str]] = [
            (slot.path, column) for slot in self.slots for column in slot.columns
        ] + [(path, column) for column, path in self.paths.items()]

    def _find_slots(self, value: Any, path: Path) -> Iterator[_Slot]:
        if isinstance(value, dict):
            for key, item in value.items():
                yield from self._find_slots(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from self._find_slots(item, (*path, index))
        elif isinstance(value, str) and "{{" in value:
            found = list(_PLACEHOLDER.finditer(value))
            if not found:
                return
            for match in found:
                if not match.group(1):
                    raise BatchInputError(f"an empty placeholder at {dotted(path)}")
                kind = match.group(2)
                if kind is not None and kind not in _TYPES:
                    raise BatchInputError(
                        f"{match.group(0)} at {dotted(path)}: the type can be " + ", ".join(_TYPES)
                    )
                if kind is not None and match.group(0) != value:
                    raise BatchInputError(
                        f"{match.group(0)} at {dotted(path)}: a typed placeholder must be the "
                        "whole value"
                    )
            first = found[0]
            whole = (first.group(1), first.group(2)) if first.group(0) == value else None
            yield _Slot(path, value, whole, tuple(m.group(1) for m in found))

    def _check_path(self, column: str) -> Path:
        path: list[str | int] = []
        node: Any = self.document
        for part in column.split("."):
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    raise BatchInputError(
                        f"column {column!r}: {dotted(tuple(path))} is a list of {len(node)} "
                        f"in the template; {part!r} is not one of its positions"
                    )
                path.append(int(part))
                node = node[int(part)]
            elif isinstance(node, dict) or node is None:
                if not part:
                    raise BatchInputError(f"column {column!r} is not a dotted path")
                path.append(part)
                node = node.get(part) if isinstance(node, dict) else None
            else:
                raise BatchInputError(
                    f"column {column!r}: {dotted(tuple(path))} is a value in the template, "
                    "not an object"
                )
        return tuple(path)

    def render(self, cells: Mapping[str, str], builtins: Mapping[str, str]) -> dict[str, Any]:
        """The unsigned credential for one row (:class:`RowValueError` naming the column
        of a cell that cannot be converted)."""
        doc: dict[str, Any] = json_copy(self.document)
        omitted: list[Path] = []
        for slot in self.slots:
            value = self._value(slot, cells, builtins)
            if value is _OMIT:
                omitted.append(slot.path)
            else:
                _set(doc, slot.path, value)
        for column, path in self.paths.items():
            _set(doc, path, cells.get(column, ""))
        for path in sorted(omitted, key=lambda p: [str(x) for x in p], reverse=True):
            parent = _get(doc, path[:-1])
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif isinstance(parent, list) and isinstance(path[-1], int):
                del parent[path[-1]]
        return doc

    def _value(self, slot: _Slot, cells: Mapping[str, str], builtins: Mapping[str, str]) -> Any:
        def cell(column: str) -> str:
            return builtins[column] if column in builtins else cells.get(column, "")

        if slot.whole is not None:
            column, kind = slot.whole
            text = cell(column)
            if not text.strip():
                return _OMIT
            return text if kind is None else _convert(column, kind, text.strip())
        return _PLACEHOLDER.sub(lambda m: cell(m.group(1)), slot.text)

    def column_of(self, path: Sequence[str | int]) -> str | None:
        """The column whose value is at ``path`` or contains it (None: the template's)."""
        best: tuple[int, str] | None = None
        key = tuple(path)
        for owner, column in self._owners:
            if key[: len(owner)] == owner and (best is None or len(owner) > best[0]):
                best = (len(owner), column)
        return best[1] if best else None

    def column_in(self, message: str) -> str | None:
        """The column a data-model problem (a message starting with a dotted path, e.g.
        ``credentialSubject.id must be a URL``) is about, if one fills that path."""
        head = message.split(" ", 1)[0]
        for owner, column in self._owners:
            if dotted(owner) == head:
                return column
        return None


def _convert(column: str, kind: str, text: str) -> Any:
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            number = float(text)
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError
            return int(number) if number.is_integer() and "." not in text else number
    except ValueError:
        raise RowValueError(
            column, f"{text!r} is not a{'n' if kind == 'integer' else ''} {kind}"
        ) from None
    lowered = text.lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise RowValueError(column, f"{text!r} is not true or false (or yes/no, 1/0)")


def _get(doc: Any, path: Path) -> Any:
    node = doc
    for part in path:
        node = node[part]
    return node


def _set(doc: dict[str, Any], path: Path, value: Any) -> None:
    node: Any = doc
    for part in path[:-1]:
        if isinstance(node, dict):
            if not isinstance(node.get(part), dict | list):
                node[part] = {}
            node = node[part]
        else:
            node = node[part]
    node[path[-1]] = value
