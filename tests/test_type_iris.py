"""Type values written as absolute URLs (VC Data Model 2.0 §4.5: "The value of the type
property MUST be one or more terms and/or absolute URL strings"): accepted at issue and at
verify, and read the same as their term by every check that looks for a type."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from skillswallet import issue_credential, verification_method_id, verify
from skillswallet.credentials.model import is_presentation, validate_credential
from skillswallet.credentials.types import has_type, type_terms
from skillswallet.errors import InvalidDocumentError
from skillswallet.skills.evidence import claim_kind

from .vaultkit import ISSUER, NOW, credential

OB = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"
V2 = "https://www.w3.org/ns/credentials/v2"
SIGNER = ISSUER.signer(verification_method_id(ISSUER.public))


def _unsigned(**changes: Any) -> dict[str, Any]:
    doc = credential()
    doc.pop("proof")
    doc.update(changes)
    return doc


def test_a_pinned_type_reads_the_same_as_a_term_or_as_its_iri() -> None:
    assert type_terms([OB + "OpenBadgeCredential", "https://example.org/#Other"]) == [
        "OpenBadgeCredential",
        "https://example.org/#Other",
    ]
    status_list = {"type": ["https://www.w3.org/ns/credentials/status#BitstringStatusList"]}
    assert has_type(status_list, "BitstringStatusList")
    assert not has_type(
        {"type": "https://example.org/vocab#BitstringStatusList"}, "BitstringStatusList"
    )


def test_a_credential_with_a_type_written_as_a_url_is_issued_and_verifies() -> None:
    # the spec's own example of the rule: an extra type given as an absolute URL
    doc = _unsigned(type=["VerifiableCredential", OB + "OpenBadgeCredential"])
    signed = issue_credential(doc, SIGNER, created=NOW - timedelta(days=1))
    result = verify(signed, now=NOW)
    assert result.verified, result.checks
    assert claim_kind(signed, frozenset()) == claim_kind(credential(), frozenset())


def test_an_endorsement_typed_by_its_iri_is_an_endorsement() -> None:
    doc = {"type": ["VerifiableCredential", OB + "EndorsementCredential"], "@context": [V2]}
    assert claim_kind(doc, frozenset()) == "endorsement"


@pytest.mark.parametrize(
    ("types", "words"),
    [
        (["VerifiableCredential", "https ://example.org/#Degree"], "is not an absolute IRI"),
        (
            ["VerifiableCredential", "OpenBadgeCredential", OB + "OpenBadgeCredential"],
            "more than once",
        ),
        (
            ["https://www.w3.org/2018/credentials#VerifiableCredential", "OpenBadgeCredential"],
            "write the term 'VerifiableCredential'",
        ),
    ],
)
def test_a_type_that_is_no_url_or_twice_or_loses_its_scoped_context_is_refused(
    types: list[str], words: str
) -> None:
    doc = _unsigned(type=types)
    assert any(words in problem for problem in validate_credential(doc))
    with pytest.raises(InvalidDocumentError, match=words):
        issue_credential(doc, SIGNER, created=NOW)
    forged = credential()
    forged["type"] = types
    assert words in verify(forged, now=NOW).check("structure").reason


def test_a_presentation_written_with_its_type_iri_is_refused_not_misread() -> None:
    vp = {"@context": [V2], "type": ["https://www.w3.org/2018/credentials#VerifiablePresentation"]}
    assert is_presentation(vp)  # read as a presentation, so its own rules apply ...
    result = verify(vp, now=NOW, challenge="c")
    assert "write the term 'VerifiablePresentation'" in result.check("structure").reason
