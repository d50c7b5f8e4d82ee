"""Presentations: the holder shows credentials (whole, or ecdsa-sd-2023 disclosures)
to a verifier, bound to its challenge and domain; the verifier asks with a presentation
request (VPR ``QueryByExample``, plus required skills with a minimum evidence level) and
checks the answer; the wallet logs every disclosure and warns when presentations to
different verifiers could be linked.

The vault side is :meth:`skillswallet.wallet.Wallet.present`,
:meth:`~skillswallet.wallet.Wallet.match_request` and
:meth:`~skillswallet.wallet.Wallet.respond`; everything here is pure."""

from __future__ import annotations

from .disclosure import CredentialDisclosure, disclose, sd_base_proof
from .linkability import EarlierPresentation, LinkabilityWarning
from .matching import Answer, HeldDocument, QueryOutcome, RequestMatch, answer, match_request
from .presentation import build_presentation, presentation_digest
from .request import (
    CredentialQuery,
    PresentationRequest,
    SkillRequirement,
    new_request,
    parse_request,
)
from .response import check_response

__all__ = [
    "Answer",
    "CredentialDisclosure",
    "CredentialQuery",
    "EarlierPresentation",
    "HeldDocument",
    "LinkabilityWarning",
    "PresentationRequest",
    "QueryOutcome",
    "RequestMatch",
    "SkillRequirement",
    "answer",
    "build_presentation",
    "check_response",
    "disclose",
    "match_request",
    "new_request",
    "parse_request",
    "presentation_digest",
    "sd_base_proof",
]
