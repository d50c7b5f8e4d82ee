"""What a credential claims, in words a verifier reads first: who it is about, who says
so, the achievement, the skills with their labels, the level and the dates. Pure: a
document in, a value out (the verification report and the trust check read it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..credentials.model import as_list, issuer_id, text_value, vc_version
from ..credentials.types import type_terms
from .builders import EQF_URI
from .evidence import claim_kind, issued_at, skill_alignments


@dataclass(frozen=True)
class Claimed:
    """The claim of one credential."""

    kind: str  # skill, diploma, badge, self-assessment, endorsement (evidence.claim_kind)
    types: tuple[str, ...]
    issuer: str | None
    issuer_name: str | None
    subjects: tuple[str, ...]
    name: str | None
    achievements: tuple[str, ...]
    skills: tuple[tuple[str, str | None], ...]  # (URI, label)
    eqf_levels: tuple[int, ...]
    valid_from: str | None
    valid_until: str | None
    issued: datetime | None
    #: A selective disclosure (a derived ecdsa-sd-2023 proof): a field it lacks may have
    #: been withheld by the holder rather than never issued.
    selective: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "types": list(self.types),
            "issuer": self.issuer,
            "issuerName": self.issuer_name,
            "subjects": list(self.subjects),
            "name": self.name,
            "achievements": list(self.achievements),
            "skills": [{"id": uri, "label": label} for uri, label in self.skills],
            "eqfLevels": list(self.eqf_levels),
            "validFrom": self.valid_from,
            "validUntil": self.valid_until,
        }


def what_is_claimed(document: dict[str, Any]) -> Claimed:
    """The :class:`Claimed` of a credential document (tolerant: what is missing or not
    of the expected shape is left out, never an error)."""
    issuer = document.get("issuer")
    subjects = [s for s in as_list(document.get("credentialSubject")) if isinstance(s, dict)]
    achievements = [
        a for s in subjects for a in as_list(s.get("achievement")) if isinstance(a, dict)
    ]
    v1 = vc_version(document) == 1
    return Claimed(
        kind=claim_kind(document, frozenset()),
        types=tuple(type_terms(document.get("type"))),
        issuer=issuer_id(document),
        issuer_name=text_value(issuer.get("name")) if isinstance(issuer, dict) else None,
        subjects=tuple(s["id"] for s in subjects if isinstance(s.get("id"), str)),
        name=text_value(document.get("name")),
        achievements=tuple(n for a in achievements if (n := text_value(a.get("name")))),
        skills=tuple(skill_alignments(document)),
        eqf_levels=tuple(sorted(set(_eqf_levels(achievements)))),
        valid_from=text_value(document.get("issuanceDate" if v1 else "validFrom")),
        valid_until=text_value(document.get("expirationDate" if v1 else "validUntil")),
        issued=issued_at(document),
        selective=is_selective_disclosure(document),
    )


def is_selective_disclosure(document: dict[str, Any]) -> bool:
    """Whether ``document`` carries a derived ecdsa-sd-2023 proof (by its header, 0xd95d01,
    which is "2V0B" in base64url after the multibase "u"): shown by its holder with some
    fields possibly withheld."""
    return any(
        isinstance(proof, dict)
        and proof.get("cryptosuite") == "ecdsa-sd-2023"
        and str(proof.get("proofValue", "")).startswith("u2V0B")
        for proof in as_list(document.get("proof"))
    )


def _eqf_levels(achievements: list[dict[str, Any]]) -> list[int]:
    levels = []
    for achievement in achievements:
        for alignment in as_list(achievement.get("alignment")):
            if not isinstance(alignment, dict):
                continue
            url = alignment.get("targetUrl")
            if isinstance(url, str) and url.startswith(EQF_URI) and url[len(EQF_URI) :].isdigit():
                levels.append(int(url[len(EQF_URI) :]))
    return levels
