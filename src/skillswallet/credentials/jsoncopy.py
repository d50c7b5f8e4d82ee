"""A copy for plain JSON values (dict, list, scalars): what ``copy.deepcopy`` does for
them, three to four times faster, because it needs no memo or dispatch."""

from __future__ import annotations

from typing import Any

from ..errors import InvalidDocumentError


def json_copy(value: Any) -> Any:
    """Copy a JSON value; :class:`InvalidDocumentError` if it is nested too deeply."""
    try:
        return _copy(value)
    except RecursionError:
        raise InvalidDocumentError("the document is nested too deeply") from None


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        # Scalars are copied inline (most values are): no call for them.
        return {k: v if type(v) in _SCALARS else _copy(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _SCALARS else _copy(v) for v in value]
    if isinstance(value, dict):  # a subclass: copied as a plain dict, as before
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value  # str, int, float, bool, None are immutable


#: Immutable JSON scalars, by exact type.
_SCALARS = frozenset({str, int, float, bool, type(None)})
