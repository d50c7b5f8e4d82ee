"""JSON Pointers (RFC 6901) and the part of a compact JSON-LD document they select:
Data Integrity ECDSA Cryptosuites v1.0 §3.4, "jsonPointerToPaths",
"createInitialSelection", "selectPaths" and "selectJsonLd". Pure functions over plain
JSON; the input document is never changed."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ...errors import PointerError
from ..jsoncopy import json_copy

#: A path step: an object key, or an array index (a step that reads as a whole number).
Step = str | int

_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")
_BAD_ESCAPE = re.compile(r"~(?![01])")


def pointer_to_paths(pointer: str) -> list[Step]:
    """The steps of a JSON Pointer ("jsonPointerToPaths"): unescaped, whole numbers as
    ints. Refuses what is not a pointer to a part of the document (``""`` included)."""
    if not isinstance(pointer, str) or not pointer.startswith("/"):
        raise PointerError(
            f"{pointer!r} is not a JSON Pointer to a part of the document "
            "(it must start with '/', e.g. /credentialSubject/name)"
        )
    steps: list[Step] = []
    for token in pointer.split("/")[1:]:
        if "~" in token:
            if _BAD_ESCAPE.search(token):
                raise PointerError(f"JSON Pointer {pointer!r} has an invalid '~' escape")
            steps.append(token.replace("~1", "/").replace("~0", "~"))
        else:
            steps.append(int(token) if _ARRAY_INDEX.fullmatch(token) else token)
    return steps


def resolve_pointer(document: Any, pointer: str) -> Any:
    """The value a JSON Pointer names; :class:`PointerError` when it names nothing."""
    value = document
    for step in pointer_to_paths(pointer):
        value = _child(value, step, pointer)
    return value


def pointer_exists(document: Any, pointer: str) -> bool:
    try:
        resolve_pointer(document, pointer)
    except PointerError:
        return False
    return True


class _SparseArray(dict[int, Any]):
    """An array being selected: only some of its indexes are filled (made dense once
    every pointer is processed, as the spec's ``arrays`` step does)."""


def select_json_ld(pointers: Iterable[str], document: dict[str, Any]) -> dict[str, Any] | None:
    """The selection of ``document`` that ``pointers`` name ("selectJsonLd"): the
    ``@context``, the ``id`` (unless a blank node) and ``type`` of every object on the
    way to each target, and each target whole. None when there is no pointer."""
    pointers = list(pointers)
    if not pointers:
        return None
    selection: dict[str, Any] = {}
    if "@context" in document:
        selection["@context"] = json_copy(document["@context"])
    selection.update(_initial_selection(document))
    for pointer in pointers:
        _select_paths(pointer, document, selection)
    dense = _densify(selection)
    assert isinstance(dense, dict)
    return dense


def _initial_selection(source: Any) -> dict[str, Any]:
    """ "createInitialSelection": the object's non-blank ``id`` and its ``type``."""
    selection: dict[str, Any] = {}
    if not isinstance(source, dict):
        return selection
    node_id = source.get("id")
    if node_id and not (isinstance(node_id, str) and node_id.startswith("_:")):
        selection["id"] = json_copy(node_id)
    if source.get("type"):
        selection["type"] = json_copy(source["type"])
    return selection


def _select_paths(pointer: str, document: dict[str, Any], selection: dict[str, Any]) -> None:
    """ "selectPaths": walk from the root to the pointer's target, adding each step's
    initial selection, then the target itself."""
    steps = pointer_to_paths(pointer)
    if not steps:  # pragma: no cover - pointer_to_paths refuses the whole-document pointer
        raise PointerError("the whole document cannot be selected")
    value: Any = document
    selected_parent: Any = selection
    selected_value: Any = selection
    for step in steps:
        selected_parent = selected_value
        value = _child(value, step, pointer)
        selected_value = _get(selected_parent, step)
        if selected_value is _MISSING:
            selected_value = (
                _SparseArray() if isinstance(value, list) else _initial_selection(value)
            )
            _put(selected_parent, step, selected_value)
    if isinstance(value, list):
        selected_value = json_copy(value)
    elif isinstance(value, dict):
        selected_value = {**selected_value, **json_copy(value)}
    else:
        selected_value = value
    _put(selected_parent, steps[-1], selected_value)


_MISSING = object()


def _child(parent: Any, step: Step, pointer: str) -> Any:
    """The value one step below ``parent`` in the document, or PointerError."""
    if isinstance(parent, list):
        if isinstance(step, int) and step < len(parent):
            return parent[step]
    elif isinstance(parent, dict):
        key = str(step)
        if key in parent:
            return parent[key]
    raise PointerError(f"the JSON Pointer {pointer!r} names nothing in the document")


def _get(container: Any, step: Step) -> Any:
    if isinstance(container, _SparseArray):
        return container.get(step, _MISSING) if isinstance(step, int) else _MISSING
    if isinstance(container, list):
        return container[step] if isinstance(step, int) and step < len(container) else _MISSING
    if isinstance(container, dict):
        return container.get(str(step), _MISSING)
    return _MISSING


def _put(container: Any, step: Step, value: Any) -> None:
    if isinstance(container, (_SparseArray, list)):
        assert isinstance(step, int)
        container[step] = value
    else:
        container[str(step)] = value


def _densify(value: Any) -> Any:
    """The selection with every sparse array made a plain list, in index order."""
    if isinstance(value, _SparseArray):
        return [_densify(value[index]) for index in sorted(value)]
    if isinstance(value, dict):
        return {key: _densify(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_densify(item) for item in value]
    return value
