import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillswallet.credentials.jcs import (
    _fast_path_ok,
    _fast_path_ok_slow,
    _serialize,
    canonicalize,
    format_number,
)
from skillswallet.errors import CanonicalizationError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "0"),
        (-0.0, "0"),
        (1.0, "1"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (1e-6, "0.000001"),
        (123.456, "123.456"),
        (333333333.33333329, "333333333.3333333"),
        (5e-324, "5e-324"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (-2.5e-10, "-2.5e-10"),
        (9007199254740991, "9007199254740991"),
    ],
)
def test_numbers_serialize_like_ecmascript(value: float, expected: str) -> None:
    assert format_number(value) == expected


def test_rfc8785_sorts_keys_by_utf16_code_units() -> None:
    # U+1F600 (surrogate pair D83D DE00) sorts before U+FB33 in UTF-16 order.
    value = {"\ufb33": 1, "\U0001f600": 2, "a": 3, "\r": 4}
    expected = '{"\\r":4,"a":3,"\U0001f600":2,"\ufb33":1}'
    assert canonicalize(value) == expected.encode()


def test_strings_escape_only_what_json_requires() -> None:
    assert canonicalize(['\u0001\n"\\/é']) == '["\\u0001\\n\\"\\\\/é"]'.encode()


@pytest.mark.parametrize("bad", [math.nan, math.inf, 2**53, {"a": object()}])
def test_unrepresentable_values_are_refused(bad: object) -> None:
    with pytest.raises(CanonicalizationError):
        canonicalize(bad)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet=st.characters(blacklist_categories=("Cs",))),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.text(alphabet=st.characters(blacklist_categories=("Cs",))), children, max_size=4
        )
    ),
    max_leaves=20,
)


@given(JSON_VALUES)
def test_fast_path_equals_the_reference_serializer(value: object) -> None:
    out: list[str] = []
    _serialize(value, out)
    assert canonicalize(value) == "".join(out).encode("utf-8")


ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=20,
)


@given(ANY_JSON)
def test_the_quick_fast_path_check_agrees_with_the_plain_one(value: object) -> None:
    assert _fast_path_ok(value) == _fast_path_ok_slow(value)
