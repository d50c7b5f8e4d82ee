"""verify() never raises for a bad document, whatever is changed in it."""

from __future__ import annotations

import copy
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillswallet.result import VerificationResult
from skillswallet.verify import verify

from .conftest import INTEROP, NOW, load_json

SIGNED = load_json(INTEROP / "ob3-eddsa-rdfc-2022.json")

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)

#: FUZZ_SCALE=50 runs fifty times as many examples (a long fuzzing session).
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out.extend(_paths(v, (*prefix, i)))
    return out


PATHS = [p for p in _paths(SIGNED) if p]


def _mutated(original: Any, edits: list[tuple[tuple[Any, ...], Any]]) -> Any:
    """A copy of ``original`` with each edit applied (replace, or "__delete__") where its
    path still exists after the earlier edits."""
    doc = copy.deepcopy(original)
    for path, value in edits:
        parent: Any = doc
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value == "__delete__":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    return doc


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(PATHS), st.one_of(st.just("__delete__"), JSON)), max_size=3
    )
)
def test_mutated_credentials_never_raise(edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    doc = _mutated(SIGNED, edits)
    result = verify(doc, now=NOW)
    assert isinstance(result, VerificationResult)
    # (No claim that every change breaks the proof: some edits, e.g. ["Profile"] -> "Profile",
    # keep the same RDF and rightly still verify.)


@settings(max_examples=100 * SCALE, deadline=None)
@given(JSON)
def test_arbitrary_json_never_raises(value: Any) -> None:
    assert isinstance(verify(value, now=NOW), VerificationResult)


VP = load_json(INTEROP / "vp-eddsa-rdfc-2022.json")
VP_PATHS = [p for p in _paths(VP) if p]


@settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(VP_PATHS), st.one_of(st.just("__delete__"), JSON)), max_size=3
    )
)
def test_mutated_presentations_never_raise(edits: list[tuple[tuple[Any, ...], Any]]) -> None:
    doc = _mutated(VP, edits)
    result = verify(doc, now=NOW, challenge="c0ffee-42", domain="employer.example")
    assert isinstance(result, VerificationResult)
