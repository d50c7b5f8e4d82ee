"""What is revealed or withheld, in words a person reads before sharing (respond/present)."""

from __future__ import annotations

import pytest

from skillswallet.present.words import pointer_words


@pytest.mark.parametrize(
    ("pointer", "words"),
    [
        ("/credentialSubject/achievement/alignment/0", "achievement › skill 1"),
        ("/credentialSubject/result", "result"),
        ("/credentialSubject/result/1/achievedLevel", "result 2 › level"),
        ("/credentialSubject/achievement/criteria/narrative", "achievement › criteria › narrative"),
        ("/validFrom", "valid from"),
        ("/credentialStatus/0", "revocation or suspension entry 1"),
        ("/credentialSubject/familyName", "family name"),
        ("/credentialSubject/a~1b", "a/b"),
        ("/credentialSubject", "the whole subject"),
        ("given_name", "given_name"),  # an SD-JWT claim name is already a word
    ],
)
def test_pointers_in_words(pointer: str, words: str) -> None:
    assert pointer_words(pointer) == words
