"""verify(): a negative test for every check, and the shape of the result."""

from __future__ import annotations

import copy
import time
from datetime import timedelta
from typing import Any

import pytest

from skillswallet.credentials.issue import issue_credential
from skillswallet.credentials.jsonld import canonicalize
from skillswallet.credentials.proofs import add_proof
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair
from skillswallet.did.resolver import StaticResolver
from skillswallet.errors import (
    CanonicalizationError,
    CryptosuiteError,
    DataLossError,
    InvalidDocumentError,
)
from skillswallet.result import Status
from skillswallet.tour import skill_badge
from skillswallet.verify import PresentationChallengeMissing, verify

from .conftest import NOW

ISSUER = KeyPair.generate("ed25519")
HOLDER = KeyPair.generate("ed25519")
ISSUER_DID = did_from_public_key(ISSUER.public)
HOLDER_DID = did_from_public_key(HOLDER.public)


def _signer(pair: KeyPair) -> Any:
    return pair.signer(verification_method_id(pair.public))


def _signed(
    suite: str = "eddsa-rdfc-2022", pair: KeyPair = ISSUER, **changes: Any
) -> dict[str, Any]:
    doc = skill_badge(
        did_from_public_key(pair.public), HOLDER_DID, valid_from="2025-01-01T00:00:00Z"
    )
    doc.update(changes)
    return issue_credential(doc, _signer(pair), cryptosuite=suite, created=NOW - timedelta(days=1))


def _status(result: Any, check: str, target: str = "credential") -> Status:
    return result.check(check, target).status


@pytest.mark.parametrize(
    ("suite", "pair"),
    [
        ("eddsa-rdfc-2022", ISSUER),
        ("eddsa-jcs-2022", ISSUER),
        ("ecdsa-rdfc-2019", KeyPair.generate("p256")),
        ("ecdsa-rdfc-2019", KeyPair.generate("p384")),
        ("ecdsa-jcs-2019", KeyPair.generate("p256")),
    ],
)
def test_issue_then_verify_round_trip(suite: str, pair: KeyPair) -> None:
    result = verify(_signed(suite, pair), now=NOW)
    assert result.verified, result.to_json()
    assert [c.id.value for c in result.checks] == [
        "structure",
        "contexts",
        "proof",
        "issuer_binding",
        "validity_period",
        "status",
        "schema",
    ]


def test_structure_failure_lists_problems_and_stops() -> None:
    result = verify({"@context": ["https://example.org"], "type": "Thing"}, now=NOW)
    check = result.check("structure")
    assert check.status is Status.FAILED
    assert "issuer is missing" in check.reason and "credentialSubject is missing" in check.reason
    assert len(result.checks) == 1 and not result.verified


@pytest.mark.parametrize("bad", [None, [], "x", 42])
def test_non_object_documents_fail_without_raising(bad: Any) -> None:
    assert not verify(bad, now=NOW).verified


def test_unknown_context_fails_contexts_check() -> None:
    doc = _signed()
    doc["@context"].append("https://attacker.example/ctx")
    result = verify(doc, now=NOW)
    assert _status(result, "contexts") is Status.FAILED
    assert "https://attacker.example/ctx" in result.check("contexts").reason


def test_inline_context_redefinition_fails() -> None:
    doc = _signed()
    doc["@context"].append({"@vocab": "https://attacker.example/#"})
    assert _status(verify(doc, now=NOW), "contexts") is Status.FAILED


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_tampered_field_fails_proof(suite: str) -> None:
    doc = _signed(suite)
    doc["credentialSubject"]["achievement"]["name"] = "Something else"
    result = verify(doc, now=NOW)
    assert _status(result, "proof") is Status.FAILED
    assert _status(result, "issuer_binding") is Status.SKIPPED


def test_added_undefined_property_fails_proof_as_data_loss() -> None:
    doc = _signed()
    doc["credentialSubject"]["achievement"]["criteria"]["sneaky"] = "x"
    result = verify(doc, now=NOW)
    assert _status(result, "proof") is Status.FAILED


def _keyword_like_id(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["id"] = "@foo"


def _keyword_like_type(doc: dict[str, Any]) -> None:
    doc["type"] = [*doc["type"], "@Foo"]


def _list_beside_the_type(doc: dict[str, Any]) -> None:
    doc["@list"] = False  # pyld dropped the whole credential: an empty signed dataset


def _set_beside_the_type(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["@set"] = ["x"]


def _value_with_only_a_language(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["description"] = {"@language": "en"}


def _null_value_object(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["achievement"]["description"] = {"@value": None}


def _blank_node_property(doc: dict[str, Any]) -> None:
    doc["credentialSubject"]["_:note"] = "a property RDF cannot hold"


@pytest.mark.parametrize(
    "mutate",
    [
        _list_beside_the_type,
        _set_beside_the_type,
        _value_with_only_a_language,
        _null_value_object,
        _blank_node_property,
    ],
)
def test_what_expansion_would_drop_is_refused(mutate: Any) -> None:
    # Digital Bazaar's cryptosuites canonicalize in jsonld.js's safe mode, which refuses
    # these; pyld drops them silently. A top-level "@list" made pyld drop the whole
    # credential: everything but the proof options was unsigned and could be forged.
    unsigned = skill_badge(
        did_from_public_key(ISSUER.public), HOLDER_DID, valid_from="2025-01-01T00:00:00Z"
    )
    mutate(unsigned)
    # Refused twice over: as not plain (structure) and, below that, by canonicalization.
    with pytest.raises((CanonicalizationError, InvalidDocumentError)):
        issue_credential(unsigned, _signer(ISSUER), created=NOW)
    with pytest.raises(CanonicalizationError):
        canonicalize(unsigned)
    doc = _signed()
    mutate(doc)
    result = verify(doc, now=NOW)
    assert not result.verified
    failed = {c.id.value for c in result.checks if c.status is Status.FAILED}
    assert failed & {"structure", "proof"}


@pytest.mark.parametrize("tag", ["en US", "englishlanguage", "en_GB", ""])
def test_malformed_language_tags_are_refused_as_jsonld_js_does(tag: str) -> None:
    # Digital Bazaar's stack refuses to canonicalize these; signing them would make
    # credentials that the reference implementation cannot verify.
    unsigned = skill_badge(
        did_from_public_key(ISSUER.public), HOLDER_DID, valid_from="2025-01-01T00:00:00Z"
    )
    unsigned["credentialSubject"]["achievement"]["description"] = {"@value": "x", "@language": tag}
    with pytest.raises(CanonicalizationError):
        issue_credential(unsigned, _signer(ISSUER), created=NOW)
    unsigned["credentialSubject"]["achievement"]["description"]["@language"] = "en-GB"
    assert verify(issue_credential(unsigned, _signer(ISSUER), created=NOW), now=NOW).verified


@pytest.mark.parametrize("mutate", [_keyword_like_id, _keyword_like_type])
def test_keyword_like_ids_and_types_are_data_loss(mutate: Any) -> None:
    # JSON-LD drops an id or type that looks like a keyword ("@foo"). An achievement
    # whose id is "@foo" would leave the whole achievement (what the badge is for!) out
    # of the signature, free to be changed: refuse to sign such a document, and fail it.
    unsigned = skill_badge(
        did_from_public_key(ISSUER.public), HOLDER_DID, valid_from="2025-01-01T00:00:00Z"
    )
    mutate(unsigned)
    if mutate is _keyword_like_type:  # refused before JSON-LD: not a term (VC 2.0 §4.5)
        with pytest.raises(InvalidDocumentError, match="is not a term"):
            issue_credential(unsigned, _signer(ISSUER), created=NOW)
        doc = _signed()
        mutate(doc)
        assert "is not a term" in verify(doc, now=NOW).check("structure").reason
        return
    with pytest.raises(DataLossError, match="keyword-like"):
        issue_credential(unsigned, _signer(ISSUER), created=NOW)
    doc = _signed()
    mutate(doc)
    result = verify(doc, now=NOW)
    assert _status(result, "proof") is Status.FAILED
    assert "keyword-like" in result.check("proof").reason


def test_wrong_key_fails() -> None:
    doc = _signed()
    other = KeyPair.generate("ed25519")
    doc["proof"]["verificationMethod"] = verification_method_id(other.public)
    assert _status(verify(doc, now=NOW), "proof") is Status.FAILED


def test_attacker_key_is_not_the_issuer() -> None:
    # The attacker signs a credential naming the victim as issuer with the attacker's key.
    attacker = KeyPair.generate("ed25519")
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    signed = add_proof(doc, _signer(attacker), created=NOW)
    result = verify(signed, now=NOW)
    assert _status(result, "proof") is Status.PASSED
    assert _status(result, "issuer_binding") is Status.FAILED
    assert not result.verified


def test_attacker_document_for_the_issuer_did_is_rejected() -> None:
    # A resolver returning a document whose id differs from the DID must not be trusted.
    attacker = KeyPair.generate("ed25519")
    fake_did = "did:web:school.example"
    mb = attacker.public.multibase
    resolver = StaticResolver({fake_did: {"id": "did:web:other.example", "verificationMethod": []}})
    doc = skill_badge(fake_did, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    signed = add_proof(doc, attacker.signer(f"{fake_did}#{mb}"), created=NOW)
    result = verify(signed, now=NOW, resolver=resolver)
    assert _status(result, "proof") is Status.FAILED


def test_did_web_document_from_a_pinned_resolver_verifies() -> None:
    school = KeyPair.generate("ed25519")
    did = "did:web:school.example"
    vm = f"{did}#key-1"
    document = {
        "id": did,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": school.public.multibase,
            }
        ],
        "assertionMethod": [vm],
    }
    unsigned = skill_badge(did, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    signed = issue_credential(unsigned, school.signer(vm), created=NOW)
    assert verify(signed, now=NOW, resolver=StaticResolver({did: document})).verified
    # Without that document, resolution is impossible offline: inconclusive, not failed, not passed.
    result = verify(signed, now=NOW)
    assert _status(result, "proof") is Status.INCONCLUSIVE
    assert not result.verified


def test_key_not_authorized_for_assertion_fails() -> None:
    school = KeyPair.generate("ed25519")
    did = "did:web:school.example"
    vm = f"{did}#key-1"
    document = {
        "id": did,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": school.public.multibase,
            }
        ],
        "authentication": [vm],
    }
    unsigned = skill_badge(did, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    signed = issue_credential(unsigned, school.signer(vm), created=NOW)
    result = verify(signed, now=NOW, resolver=StaticResolver({did: document}))
    assert _status(result, "proof") is Status.FAILED
    assert "not authorized for assertionMethod" in result.check("proof").reason


@pytest.mark.parametrize("suite", ["none", "bbs-2023", "RsaSignature2018"])
def test_unknown_suite_fails(suite: str) -> None:
    doc = _signed()
    doc["proof"]["cryptosuite"] = suite
    assert _status(verify(doc, now=NOW), "proof") is Status.FAILED


def test_suite_not_on_accepted_list_fails() -> None:
    doc = _signed("eddsa-jcs-2022")
    result = verify(doc, now=NOW, suites=["eddsa-rdfc-2022"])
    assert _status(result, "proof") is Status.FAILED
    assert "accepted list" in result.check("proof").reason


def test_wrong_proof_purpose_fails() -> None:
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    signed = add_proof(doc, _signer(ISSUER), proof_purpose="authentication", created=NOW)
    assert _status(verify(signed, now=NOW), "proof") is Status.FAILED


def test_proof_set_needs_every_proof() -> None:
    doc = _signed()
    second = KeyPair.generate("ed25519")
    both = add_proof(doc, _signer(second), created=NOW)
    assert isinstance(both["proof"], list) and len(both["proof"]) == 2
    result = verify(both, now=NOW)
    assert _status(result, "proof") is Status.PASSED
    broken = copy.deepcopy(both)
    broken["proof"][1]["proofValue"] = broken["proof"][0]["proofValue"]
    assert _status(verify(broken, now=NOW), "proof") is Status.FAILED


def test_missing_proof_fails() -> None:
    doc = _signed()
    del doc["proof"]
    assert _status(verify(doc, now=NOW), "proof") is Status.FAILED


@pytest.mark.parametrize("value", ["zzz", "z0OIl", "", 5])
def test_malformed_proof_value_fails(value: Any) -> None:
    doc = _signed()
    doc["proof"]["proofValue"] = value
    assert _status(verify(doc, now=NOW), "proof") is Status.FAILED


def test_a_huge_proof_value_fails_at_once() -> None:
    # base58 decoding is quadratic: a 7 MB proofValue (within the JSON bound) would take
    # hours. Keys and signatures are short, so a long value is refused undecoded.
    doc = _signed()
    doc["proof"]["proofValue"] = "z" + "2" * 7_000_000
    start = time.perf_counter()
    result = verify(doc, now=NOW)
    assert _status(result, "proof") is Status.FAILED
    assert "too long" in result.check("proof").reason
    assert time.perf_counter() - start < 5


def test_expired_credential_fails_validity_with_detail() -> None:
    doc = _signed(validUntil="2025-06-01T00:00:00Z")
    result = verify(doc, now=NOW)
    check = result.check("validity_period")
    assert check.status is Status.FAILED
    assert check.detail["validUntil"] == "2025-06-01T00:00:00Z"
    assert check.detail["now"] == "2025-07-01T12:00:00Z"


def test_not_yet_valid_fails() -> None:
    doc = _signed(validFrom="2026-01-01T00:00:00Z")
    assert _status(verify(doc, now=NOW), "validity_period") is Status.FAILED


def test_clock_skew_is_tolerated() -> None:
    doc = _signed(validFrom="2025-07-01T12:03:00Z")
    assert _status(verify(doc, now=NOW), "validity_period") is Status.PASSED
    assert _status(verify(doc, now=NOW, skew=timedelta(0)), "validity_period") is Status.FAILED


def test_malformed_date_fails_structure() -> None:
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="yesterday")
    assert _status(verify(doc, now=NOW), "structure") is Status.FAILED
    with pytest.raises(InvalidDocumentError, match="validFrom"):
        issue_credential(doc, _signer(ISSUER))


def test_proof_created_in_the_future_fails() -> None:
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    signed = issue_credential(doc, _signer(ISSUER), created=NOW + timedelta(days=1))
    assert _status(verify(signed, now=NOW), "proof") is Status.FAILED


def test_expired_proof_fails() -> None:
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    signed = add_proof(
        doc, _signer(ISSUER), created=NOW - timedelta(days=10), expires=NOW - timedelta(days=1)
    )
    assert _status(verify(signed, now=NOW), "proof") is Status.FAILED


def test_status_entry_without_a_status_list_is_inconclusive_never_passed() -> None:
    status = {
        "id": "https://status.example.edu/lists/1#42",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "42",
        "statusListCredential": "https://status.example.edu/lists/1",
    }
    result = verify(_signed(credentialStatus=status), now=NOW)
    assert _status(result, "status") is Status.INCONCLUSIVE
    assert not result.verified


def test_vc_1_1_credential_is_read() -> None:
    doc = {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://w3id.org/security/data-integrity/v2",
        ],
        "id": "urn:uuid:1",
        "type": ["VerifiableCredential"],
        "issuer": ISSUER_DID,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "expirationDate": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER_DID},
    }
    signed = issue_credential(doc, _signer(ISSUER), created=NOW - timedelta(days=400))
    result = verify(signed, now=NOW)
    assert _status(result, "proof") is Status.PASSED
    assert _status(result, "validity_period") is Status.FAILED  # expired in 2025-01


def test_vc2_refuses_v1_dates() -> None:
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    doc["issuanceDate"] = "2025-01-01T00:00:00Z"
    assert _status(verify(doc, now=NOW), "structure") is Status.FAILED


def test_issuer_is_set_from_the_key_and_mismatch_refused() -> None:
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    del doc["issuer"]
    signed = issue_credential(doc, _signer(ISSUER), created=NOW)
    assert signed["issuer"] == ISSUER_DID
    with pytest.raises(InvalidDocumentError, match="not the signing key"):
        issue_credential(signed | {"issuer": HOLDER_DID}, _signer(ISSUER))


def test_suite_key_mismatch_is_misuse() -> None:
    doc = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    with pytest.raises(CryptosuiteError, match="ed25519"):
        issue_credential(doc, _signer(ISSUER), cryptosuite="ecdsa-rdfc-2019")
    with pytest.raises(CryptosuiteError, match="unknown cryptosuite"):
        issue_credential(doc, _signer(ISSUER), cryptosuite="rsa-2018")


# --- presentations --------------------------------------------------------------------------


def _presentation(
    challenge: str = "abc", domain: str | None = "employer.example", signer_pair: KeyPair = HOLDER
) -> dict[str, Any]:
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER_DID,
        "verifiableCredential": [_signed()],
    }
    return add_proof(
        vp,
        _signer(signer_pair),
        proof_purpose="authentication",
        challenge=challenge,
        domain=domain,
        created=NOW,
    )


def test_presentation_verifies_with_matching_challenge_and_domain() -> None:
    result = verify(_presentation(), challenge="abc", domain="employer.example", now=NOW)
    assert result.verified, result.to_json()
    assert _status(result, "proof", "credential[0]") is Status.PASSED


def test_a_credential_named_only_by_its_id_in_a_presentation_is_data_loss() -> None:
    # In its @graph container the bare reference gives no quad: the id the holder states
    # would be unsigned. Signing refuses it; verifying refuses the presentation's shape.
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": HOLDER_DID,
        "verifiableCredential": ["urn:uuid:6a1d2b4e-0000-4000-8000-000000000001"],
    }
    with pytest.raises(DataLossError, match="stands alone in a graph"):
        add_proof(vp, _signer(HOLDER), proof_purpose="authentication", challenge="abc")
    presented = _presentation()
    presented["verifiableCredential"].append("urn:uuid:6a1d2b4e-0000-4000-8000-000000000001")
    result = verify(presented, challenge="abc", domain="employer.example", now=NOW)
    assert not result.verified
    assert _status(result, "structure", "presentation") is Status.FAILED


def test_presentation_replayed_with_another_challenge_fails() -> None:
    result = verify(_presentation(), challenge="other", domain="employer.example", now=NOW)
    assert _status(result, "challenge", "presentation") is Status.FAILED
    assert not result.verified


def test_presentation_for_another_domain_fails() -> None:
    result = verify(_presentation(), challenge="abc", domain="rival.example", now=NOW)
    assert _status(result, "domain", "presentation") is Status.FAILED


def test_presentation_signed_by_someone_else_fails_holder_binding() -> None:
    result = verify(_presentation(signer_pair=ISSUER), challenge="abc", now=NOW)
    assert _status(result, "holder_binding", "presentation") is Status.FAILED


def test_presentation_without_challenge_is_misuse() -> None:
    with pytest.raises(PresentationChallengeMissing):
        verify(_presentation(), now=NOW)


def test_result_json_shape() -> None:
    data = verify(_signed(), now=NOW).to_json()
    assert data["verified"] is True
    assert set(data["checks"][0]) >= {"id", "target", "status", "reason"}


def _deep(levels: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    node = root
    for _ in range(levels):
        node["a"] = {}
        node = node["a"]
    return root


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_deeply_nested_documents_fail_cleanly(suite: str) -> None:
    doc = _signed(suite)
    doc["credentialSubject"]["deep"] = _deep(5000)
    result = verify(doc, now=NOW)  # must not raise RecursionError
    assert _status(result, "proof") is Status.FAILED
    unsigned = skill_badge(ISSUER_DID, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    unsigned["credentialSubject"]["deep"] = _deep(5000)
    from skillswallet.errors import SkillsWalletError

    with pytest.raises(SkillsWalletError):
        issue_credential(unsigned, _signer(ISSUER), cryptosuite=suite)
