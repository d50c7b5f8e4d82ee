"""What a JSON Pointer into a credential means, in words a person reads before sharing
("/credentialSubject/achievement/alignment/0" -> "achievement › skill 1")."""

from __future__ import annotations

import re

#: Members and what to call them; others are split at their capitals.
_WORDS = {
    "credentialSubject": "",  # what the credential says about its subject: the default
    "achievement": "achievement",
    "alignment": "skill",
    "result": "result",
    "resultDescription": "result description",
    "achievedLevel": "level",
    "targetName": "skill name",
    "targetUrl": "skill link",
    "targetCode": "skill code",
    "targetFramework": "framework",
    "credentialStatus": "revocation or suspension entry",
    "validFrom": "valid from",
    "validUntil": "valid until",
    "id": "identifier",
    "type": "type",
    "awardedDate": "award date",
}
_CAPITAL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def pointer_words(pointer: str) -> str:
    """``pointer`` in words: members named as a person would, list items counted from 1
    and named after their list ("skill 2"), the parts joined with "›". The credential's
    own members (issuer, valid from...) are named as they are; the subject's are named
    without "subject" (it is what the whole credential is about)."""
    if not pointer.startswith("/"):
        return pointer
    parts: list[str] = []
    for raw in pointer[1:].split("/"):
        segment = raw.replace("~1", "/").replace("~0", "~")
        if segment.isdigit() and parts:
            parts[-1] = f"{parts[-1]} {int(segment) + 1}"
            continue
        word = _WORDS.get(segment)
        if word is None:
            word = _CAPITAL.sub(" ", segment).lower()
        if word:
            parts.append(word)
    return " › ".join(parts) or "the whole subject"
