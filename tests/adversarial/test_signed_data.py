"""The checks read what was signed: the same signed statement written another way must
not escape a check (issue #7, classes 1 and 2).

Each case takes a credential that *fails* a check (expired, not yet valid, revoked-or-
unknown status, wrong schema) or one whose JSON would show unsigned data, and rewrites its
JSON without changing its RDF (so the signature still verifies, which each case asserts
where it can) or has the issuer sign that form with a JCS suite. The outcome is fixed per
case: the check that refuses it, never ``verified``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from skillswallet.credentials.issue import issue_credential
from skillswallet.credentials.jsonld import canonicalize
from skillswallet.credentials.loader import ContextLoader, default_loader
from skillswallet.credentials.proofs import add_proof, unsecured_copy
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.errors import CanonicalizationError, InvalidDocumentError
from skillswallet.result import Status
from skillswallet.tour import skill_badge
from skillswallet.verify import verify

from ..conftest import NOW

ISSUER = KeyPair.generate("ed25519")
ISSUER_DID = did_from_public_key(ISSUER.public)
HOLDER_DID = did_from_public_key(KeyPair.generate("ed25519").public)
SIGNER = ISSUER.signer(verification_method_id(ISSUER.public))

CRED = "https://www.w3.org/2018/credentials#"
XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
EXPIRED = "2025-06-01T00:00:00Z"  # before NOW
FUTURE = "2025-12-01T00:00:00Z"  # after NOW
STATUS = {
    "id": "https://example.edu/status/1#5",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "5",
    "statusListCredential": "https://example.edu/status/1",
}
#: A bundled schema the badge does not match once its achievement lacks criteria.
SKILL_SCHEMA = {"id": "urn:skillswallet:schema:skill-credential:1", "type": "JsonSchema"}


def _unsigned(**changes: Any) -> dict[str, Any]:
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    doc.update(changes)
    return doc


def _sign(doc: dict[str, Any], suite: str = "eddsa-rdfc-2022") -> dict[str, Any]:
    return issue_credential(doc, SIGNER, cryptosuite=suite, created=NOW - timedelta(days=1))


def _typed(value: str) -> dict[str, str]:
    return {"@value": value, "@type": XSD_DATETIME}


def _move(doc: dict[str, Any], term: str, key: str, value: Any = None) -> None:
    found = doc.pop(term)
    doc[key] = found if value is None else value


def _empty_criteria() -> dict[str, Any]:
    doc = _unsigned(credentialSchema=SKILL_SCHEMA)
    doc["credentialSubject"]["achievement"]["criteria"] = {}
    return doc


def _wrong_schema() -> dict[str, Any]:
    doc = _unsigned(credentialSchema=SKILL_SCHEMA)
    del doc["credentialSubject"]["achievement"]["criteria"]
    return doc


@dataclass(frozen=True)
class Rewrite:
    """A signed credential (made by ``make``), rewritten by ``rewrite`` after signing."""

    id: str
    make: Callable[[], dict[str, Any]]
    rewrite: Callable[[dict[str, Any]], None]
    #: The check that must refuse it.
    refused_by: str
    #: The rewrite leaves the signed RDF unchanged (asserted): the signature alone passes.
    same_rdf: bool = True
    #: The credential fails a check before the rewrite (else the rewrite adds unsigned data).
    starts_failing: bool = True


REWRITES = [
    Rewrite(
        "validUntil-under-its-IRI-as-a-typed-value",
        lambda: _sign(_unsigned(validUntil=EXPIRED)),
        lambda d: _move(d, "validUntil", CRED + "validUntil", _typed(EXPIRED)),
        "structure",
    ),
    Rewrite(
        "validFrom-under-its-IRI-as-a-typed-value",
        lambda: _sign(_unsigned(validFrom=FUTURE)),
        lambda d: _move(d, "validFrom", CRED + "validFrom", _typed(FUTURE)),
        "structure",
    ),
    Rewrite(
        "validUntil-as-a-typed-value-under-its-term",
        lambda: _sign(_unsigned(validUntil=EXPIRED)),
        lambda d: d.update(validUntil=_typed(EXPIRED)),
        "structure",
    ),
    Rewrite(
        "validUntil-inside-@nest",
        lambda: _sign(_unsigned(validUntil=EXPIRED)),
        lambda d: d.update({"@nest": {"validUntil": d.pop("validUntil")}}),
        "structure",
    ),
    Rewrite(
        "credentialStatus-under-its-IRI",
        lambda: _sign(_unsigned(credentialStatus=STATUS)),
        lambda d: _move(d, "credentialStatus", CRED + "credentialStatus"),
        "structure",
    ),
    Rewrite(
        "credentialSchema-under-its-IRI",
        lambda: add_proof(_wrong_schema(), SIGNER, created=NOW - timedelta(days=1)),
        lambda d: _move(d, "credentialSchema", CRED + "credentialSchema"),
        "structure",
    ),
    Rewrite(
        "credentialSchema-type-as-its-IRI",
        lambda: add_proof(_wrong_schema(), SIGNER, created=NOW - timedelta(days=1)),
        lambda d: d["credentialSchema"].update(type=CRED + "JsonSchema"),
        "structure",
    ),
    Rewrite(
        "a-null-stands-in-for-a-required-field",
        lambda: add_proof(_empty_criteria(), SIGNER, created=NOW - timedelta(days=1)),
        lambda d: d["credentialSubject"]["achievement"].update(criteria={"narrative": None}),
        "schema",
    ),
    Rewrite(
        "a-string-wrapped-with-an-unsigned-@direction",
        lambda: _sign(_unsigned()),
        lambda d: d["credentialSubject"]["achievement"].update(
            name={"@value": "Advising colleagues", "@language": "en", "@direction": "rtl"}
        ),
        # a language value object may have a direction (VC 2.0 §11.1), but an RDFC proof
        # does not sign it: the proof check refuses it (plainform.VALUE_OBJECT_KEYS)
        "proof",
        starts_failing=False,
        same_rdf=False,
    ),
    Rewrite(
        "a-plain-string-as-a-bare-value-object",
        lambda: _sign(_unsigned()),
        lambda d: d.update(name={"@value": d["name"]}),
        "structure",
        starts_failing=False,
    ),
    Rewrite(
        "a-type-listed-many-times",
        lambda: _sign(_unsigned()),
        lambda d: d["credentialSubject"]["achievement"].update(type=["Achievement"] * 50_000),
        "structure",
        starts_failing=False,
    ),
    Rewrite(
        "type-and-id-as-keywords",
        lambda: _sign(_unsigned(validUntil=EXPIRED)),
        lambda d: d.update({"@type": d.pop("type"), "@id": d.pop("id")}),
        "structure",
    ),
    Rewrite(
        "bare-@index-carrying-unsigned-text",
        lambda: _sign(_unsigned()),
        lambda d: d["credentialSubject"].update({"@index": "Grade: A+ (distinction)"}),
        "structure",
        starts_failing=False,
    ),
    Rewrite(
        "nested-@context-in-the-body",
        lambda: _sign(_unsigned()),
        lambda d: d["credentialSubject"].update(
            {"@context": {"result": "https://schema.org/name"}}
        ),
        "structure",
        same_rdf=False,
        starts_failing=False,
    ),
    Rewrite(
        "whole-credential-inside-@graph",
        lambda: _sign(_unsigned(validUntil=EXPIRED)),
        lambda d: d.update(
            {"@graph": [{k: d.pop(k) for k in list(d) if k not in ("@context", "proof")}]}
        ),
        "structure",
        same_rdf=False,
    ),
]


@pytest.mark.parametrize("case", REWRITES, ids=lambda c: c.id)
def test_a_statement_written_another_way_does_not_escape_the_checks(case: Rewrite) -> None:
    signed = case.make()
    assert verify(signed, now=NOW).verified is not case.starts_failing
    before = _canonical_or_none(unsecured_copy(signed))
    case.rewrite(signed)
    if case.same_rdf:
        assert before is not None
        assert _canonical_or_none(unsecured_copy(signed)) == before, "not the same signed data"
    result = verify(signed, now=NOW)
    assert not result.verified
    assert result.check(case.refused_by).status is Status.FAILED


def _canonical_or_none(doc: dict[str, Any]) -> str | None:
    try:
        return canonicalize(doc)
    except CanonicalizationError:
        return None


# --- the issuer signs such a form: refused at issue, and when signed anyway ------------------

ISSUED_FORMS = [
    ("credentialStatus-under-its-IRI", {CRED + "credentialStatus": STATUS}),
    ("validUntil-under-its-IRI", {CRED + "validUntil": _typed(EXPIRED)}),
    ("expirationDate-under-its-IRI", {CRED + "expirationDate": _typed(EXPIRED)}),
    ("a-bare-@index", {"@index": "unsigned"}),
]


@pytest.mark.parametrize(("name", "extra"), ISSUED_FORMS, ids=[f[0] for f in ISSUED_FORMS])
@pytest.mark.parametrize("suite", ["eddsa-jcs-2022", "eddsa-rdfc-2022"])
def test_an_issuer_cannot_sign_a_form_the_checks_would_misread(
    suite: str, name: str, extra: dict[str, Any]
) -> None:
    doc = _unsigned(**extra)
    with pytest.raises(InvalidDocumentError, match="not accepted"):
        issue_credential(doc, SIGNER, cryptosuite=suite, created=NOW)
    # Signed anyway (another tool): verify refuses it, JCS included.
    signed = add_proof(doc, SIGNER, cryptosuite=suite, created=NOW - timedelta(days=1))
    result = verify(signed, now=NOW)
    assert not result.verified
    assert result.check("structure").status is Status.FAILED


# --- another term for a property a check reads (a caller's context) -------------------------

ALIAS_URL = "https://example.org/contexts/aliases/v1"
ALIAS_CONTEXT = {
    "@context": {
        "@version": 1.1,
        "endsAt": {"@id": CRED + "validUntil", "@type": XSD_DATETIME},
        "revocation": {"@id": CRED + "credentialStatus", "@type": "@id"},
    }
}


def _alias_loader() -> ContextLoader:
    import hashlib

    raw = json.dumps(ALIAS_CONTEXT).encode()
    return ContextLoader(extra={ALIAS_URL: (raw, hashlib.sha256(raw).hexdigest())})


@pytest.mark.parametrize(
    "extra",
    [
        {"endsAt": EXPIRED},
        {"endsAt": EXPIRED, "validUntil": FUTURE},
        {"revocation": STATUS},
    ],
    ids=["alias-alone", "alias-beside-the-term", "status-under-an-alias"],
)
@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_another_term_for_a_checked_property_is_refused(suite: str, extra: dict[str, Any]) -> None:
    loader = _alias_loader()
    doc = _unsigned(**extra)
    doc["@context"] = [*doc["@context"], ALIAS_URL]
    with pytest.raises(InvalidDocumentError, match="signed data"):
        issue_credential(doc, SIGNER, cryptosuite=suite, created=NOW, loader=loader)
    # Signed by a tool that does not look: the signature is good.
    signed = add_proof(
        doc, SIGNER, cryptosuite=suite, created=NOW - timedelta(days=1), loader=loader
    )
    result = verify(signed, now=NOW, loader=loader)
    assert not result.verified
    check = result.check("proof")
    assert check.status is Status.FAILED
    assert "disagree" in check.reason


def test_plain_credentials_still_verify_with_every_suite() -> None:
    # The rules must not refuse what a well-behaved issuer writes (values with a language
    # included, as VC Data Model 2.0 §11.1 shows).
    doc = _unsigned(validUntil=FUTURE, credentialStatus=None)
    del doc["credentialStatus"]
    doc["credentialSubject"]["achievement"]["name"] = {"@value": "Conseil", "@language": "fr"}
    for suite, pair in [
        ("eddsa-rdfc-2022", ISSUER),
        ("eddsa-jcs-2022", ISSUER),
        ("ecdsa-rdfc-2019", KeyPair.generate("p256")),
    ]:
        d = dict(doc, issuer=dict(doc["issuer"], id=did_from_public_key(pair.public)))
        signer = pair.signer(verification_method_id(pair.public))
        signed = issue_credential(d, signer, cryptosuite=suite, created=NOW - timedelta(days=1))
        assert verify(signed, now=NOW, loader=default_loader()).verified, suite


# --- VC 1.1: its context defines validFrom/validUntil too (the same IRIs) -----------------

V1_CREDENTIAL = {
    "@context": [
        "https://www.w3.org/2018/credentials/v1",
        "https://w3id.org/security/data-integrity/v2",
    ],
    "id": "urn:uuid:0b5e1d4e-0000-4000-8000-000000000001",
    "type": ["VerifiableCredential"],
    "issuer": ISSUER_DID,
    "issuanceDate": "2025-01-01T00:00:00Z",
    "credentialSubject": {"id": HOLDER_DID},
}


@pytest.mark.parametrize(
    ("extra", "refused_by", "phrase"),
    [
        ({"validUntil": EXPIRED}, "validity_period", "expired"),
        ({"validFrom": FUTURE}, "validity_period", "not valid yet"),
        ({"expirationDate": EXPIRED}, "validity_period", "expired"),
        ({"validUntil": "not a date"}, "structure", "validUntil"),
    ],
    ids=["validUntil-past", "validFrom-future", "expirationDate-past", "validUntil-not-a-date"],
)
def test_a_vc11_credential_is_held_to_every_validity_bound_it_states(
    extra: dict[str, Any], refused_by: str, phrase: str
) -> None:
    signed = add_proof(dict(V1_CREDENTIAL, **extra), SIGNER, created=NOW - timedelta(days=1))
    result = verify(signed, now=NOW)
    assert not result.verified
    check = result.check(refused_by)
    assert check.status is Status.FAILED
    assert phrase in check.reason


@pytest.mark.parametrize(
    "date",
    ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00"],
)
@pytest.mark.parametrize("where", ["validFrom", "validUntil", "proof.created"])
def test_a_date_beyond_the_calendar_in_utc_is_a_failed_check(date: str, where: str) -> None:
    signed = _sign(_unsigned())
    if where == "proof.created":
        signed["proof"]["created"] = date
    else:
        signed[where] = date
    result = verify(signed, now=NOW)  # must not raise OverflowError
    assert not result.verified
    failed = {c.id.value for c in result.checks if c.status is Status.FAILED}
    assert failed & {"structure", "proof"}
