import json

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


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"n": ' + "1" * 5000 + "}", r"too large: .* \(2\*\*53 - 1\)"),
        ('{"n": 9007199254740992}', "the integer 9007199254740992 is too large"),
        ('{"n": -9007199254740992}', "the integer -9007199254740992 is too large"),
        ('{"n": 1e400}', r"the number 1e400 is too large to be represented \(not finite\)"),
        ('{"n": -1E+400}', "not finite"),
        ('{"n": "\\ud800"}', r"lone surrogate \(\\ud800\)"),
        ('{"\\udfff": 1}', r"lone surrogate \(\\udfff\)"),
        ('["\\ude00\\ud83d"]', "lone surrogate"),  # a pair in the wrong order
    ],
)
def test_refuses_what_no_credential_can_hold(text: str, fragment: str) -> None:
    with pytest.raises(InvalidJSONError, match=fragment):
        jsonio.loads(text)


def test_numbers_and_characters_a_credential_can_hold_are_read() -> None:
    text = '{"max": 9007199254740991, "min": -9007199254740991, "f": 1e308, '
    text += '"pair": "\\ud83d\\ude00", "backslash": "\\\\ud800"}'
    assert jsonio.loads(text) == {
        "max": 2**53 - 1,
        "min": -(2**53 - 1),
        "f": 1e308,
        "pair": "😀",
        "backslash": "\\ud800",
    }


def test_dumps_keeps_controls_escaped_and_text_readable() -> None:
    value = {"name": "a\x1b[2J\x7f\x85\u202e\u2066\u200b\u2028\ufeff\U000e0041 é 😀 中"}
    text = jsonio.dumps(value)
    assert "\\u001b[2J\\u007f\\u0085\\u202e\\u2066\\u200b\\u2028\\ufeff\\udb40\\udc41" in text
    assert "é 😀 中" in text
    assert json.loads(text) == value
