import pytest

from skillswallet import jsonio
from skillswallet.errors import InvalidJSONError


def test_parses_ordinary_json() -> None:
    assert jsonio.loads('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"a": 1, "a": 2}', "duplicate key 'a'"),
        ('{"a": NaN}', "NaN"),
        ('{"a": Infinity}', "Infinity"),
        ('{"a": -Infinity}', "Infinity"),
        ('{"a": ', "not valid JSON"),
        ("[" * 10_000 + "]" * 10_000, "nested deeper"),
        ('{"a": "' + "x" * 100 + '"}', "larger than"),
    ],
)
def test_refuses_bad_json_with_a_readable_message(text: str, fragment: str) -> None:
    max_bytes = 50 if "x" * 100 in text else jsonio.MAX_BYTES
    with pytest.raises(InvalidJSONError, match=fragment):
        jsonio.loads(text, max_bytes=max_bytes)


def test_brackets_inside_strings_do_not_count_as_depth() -> None:
    text = '{"a": "' + "[" * 500 + '"}'
    assert jsonio.loads(text) == {"a": "[" * 500}


def test_invalid_utf8_is_refused() -> None:
    with pytest.raises(InvalidJSONError, match="not UTF-8"):
        jsonio.loads(b'{"a": "\xff"}')


def test_loads_object_refuses_non_objects() -> None:
    with pytest.raises(InvalidJSONError, match="must be a JSON object, not list"):
        jsonio.loads_object("[1]", what="credential")
