"""The verification report in words: what the document claims, above the checks (a new
user found a list of checks that never said what had been verified). Pure: lines out."""

from __future__ import annotations

from typing import Any

from ..credentials.model import as_list, holder_id, is_presentation
from ..credentials.types import has_type
from ..skills.claimed import Claimed, what_is_claimed

_KIND_WORDS = {
    "skill": "skill credential",
    "diploma": "diploma or certificate",
    "badge": "badge",
    "self-assessment": "self-assessment",
    "endorsement": "endorsement",
}


#: A name that is absent, and one the holder did not disclose: one wording everywhere.
_NO_NAME = "(no name)"
_NAME_NOT_DISCLOSED = "(name not disclosed)"
#: A credential with no proof of its own in a presentation: at best the holder's claim.
_HOLDER_CLAIM = "secured by:  no proof of its own: a claim of whoever signed the presentation"
#: (the type of a JWT credential inside a presentation, which carries its own signature)
ENVELOPED = "EnvelopedVerifiableCredential"


def claimed_lines(document: Any) -> list[str]:
    """What a credential (or each credential of a presentation) claims, a fact a line."""
    if not isinstance(document, dict):
        return []
    if not is_presentation(document):
        return _credential_lines(what_is_claimed(document), "  ")
    from ..jose.envelope import content_of  # (an envelope's other members: not claims)

    lines = [f"  presented by {holder_id(document) or '(no holder named)'}"]
    credentials = [c for c in as_list(document.get("verifiableCredential")) if isinstance(c, dict)]
    for i, credential in enumerate(credentials):
        lines.append(f"  credential[{i}]:")
        lines.extend(_credential_lines(what_is_claimed(content_of(credential)), "    "))
        if "proof" not in credential and not has_type(credential, ENVELOPED):
            # (VC DM 2.0 §4.13.4) its issuer, and the issuer's name, are the holder's word
            lines.append(f"    {_HOLDER_CLAIM}")
    return lines


def claimed_json(document: Any) -> Any:
    """The same for ``--json``: one object a credential (a list for a presentation)."""
    if not isinstance(document, dict):
        return None
    if not is_presentation(document):
        return what_is_claimed(document).to_json()
    from ..jose.envelope import content_of

    return [
        what_is_claimed(content_of(c)).to_json()
        for c in as_list(document.get("verifiableCredential"))
        if isinstance(c, dict)
    ]


def _credential_lines(claim: Claimed, indent: str) -> list[str]:
    title = claim.name or (claim.achievements[0] if claim.achievements else None)
    kind = _KIND_WORDS.get(claim.kind, claim.kind)
    if title is None:  # absent, or withheld by the holder: say which
        missing = _NAME_NOT_DISCLOSED if claim.selective else _NO_NAME
        lines = [f"{kind[:1].upper()}{kind[1:]} {missing}"]
    else:
        article = "an" if kind[:1].lower() in "aeiou" else "a"  # "an endorsement"
        lines = [f"{title!r}, {article} {kind}"]
    if claim.achievements and claim.achievements[0] != title:
        lines.append(f"achievement: {', '.join(claim.achievements)}")
    lines.append(f"about:       {', '.join(claim.subjects) or '(no subject id)'}")
    issuer = claim.issuer or "(no issuer)"
    lines.append(
        f"issued by:   {f'{claim.issuer_name} ({issuer})' if claim.issuer_name else issuer}"
    )
    for uri, label in claim.skills:
        lines.append(f"skill:       {label or uri}  <{uri}>" if label else f"skill:       {uri}")
    if claim.eqf_levels:
        lines.append(f"EQF level:   {', '.join(str(n) for n in claim.eqf_levels)}")
    lines.append(
        f"valid:       {claim.valid_from or '(no start)'} .. {claim.valid_until or '(no end)'}"
    )
    return [indent + line for line in lines]
