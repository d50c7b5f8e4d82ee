"""The tree walks written for speed (copy, size, counts) give what their plain
definitions give."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from skillswallet.credentials.jsoncopy import json_copy
from skillswallet.credentials.plainform import _CONTAINING_KEYWORDS, _count_expanded, json_size

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["a", "b", "@value", "@list", "@graph"]), children)
    ),
    max_leaves=25,
)


def _plain_size(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(_plain_size(v) for v in value.values())
    if isinstance(value, list):
        return 1 + sum(_plain_size(v) for v in value)
    return 1


def _plain_count_expanded(value: Any) -> int:
    """The definition: property values of an expansion, each @list item one."""
    if isinstance(value, list):
        return sum(_plain_count_expanded(v) for v in value)
    if not isinstance(value, dict) or "@value" in value:
        return 0
    total = 0
    for key, items in value.items():
        if key[:1] == "@":
            if key in _CONTAINING_KEYWORDS:
                total += _plain_count_expanded(items)
            continue
        for item in items:
            if isinstance(item, dict) and "@list" in item:
                total += len(item["@list"])
            else:
                total += 1
        total += _plain_count_expanded(items)
    return total


def _shares_containers(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a is b or any(_shares_containers(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return a is b or any(_shares_containers(x, y) for x, y in zip(a, b, strict=True))
    return False


@given(JSON)
def test_json_copy_is_a_deep_copy(value: Any) -> None:
    copied = json_copy(value)
    assert copied == copy.deepcopy(value)
    assert not _shares_containers(value, copied)


@given(JSON)
def test_json_size_counts_every_value(value: Any) -> None:
    assert json_size(value) == _plain_size(value)


EXPANDED = st.recursive(
    st.fixed_dictionaries({"@value": st.text()}),
    lambda children: st.dictionaries(
        st.sampled_from(["http://a", "http://b", "@id", "@graph", "@list"]),
        st.lists(children | st.fixed_dictionaries({"@list": st.lists(children)}), max_size=3),
        max_size=4,
    ),
    max_leaves=25,
)


@given(st.lists(EXPANDED, max_size=3))
def test_count_expanded_follows_its_definition(value: list[Any]) -> None:
    assert _count_expanded(value) == _plain_count_expanded(value)
