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
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value  # str, int, float, bool, None are immutable
