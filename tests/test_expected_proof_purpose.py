"""Data Integrity, Verify Proof: "If expectedProofPurpose was given, and it does not match
proof.proofPurpose, an error MUST be raised". verify(proof_purpose=...) is that input
for a credential (assertionMethod by default); the VC API service takes it from
options.expectedProofPurpose (the W3C Data Integrity test suites send "authentication"
for a credential signed for assertionMethod, and expect it refused)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from skillswallet import verify
from skillswallet.credentials.proofs import add_proof
from skillswallet.did.key import verification_method_id
from skillswallet.result import CheckId, Status

from .vaultkit import ISSUER, NOW, credential


def _proof(result: Any) -> Any:
    return next(c for c in result.checks if c.id is CheckId.PROOF)


def test_a_proof_for_another_purpose_than_the_expected_one_fails() -> None:
    vc = credential()
    assert vc["proof"]["proofPurpose"] == "assertionMethod"
    assert verify(vc, now=NOW).verified
    assert verify(vc, now=NOW, proof_purpose="assertionMethod").verified
    result = verify(vc, now=NOW, proof_purpose="authentication")
    check = _proof(result)
    assert not result.verified and check.status is Status.FAILED
    assert "'assertionMethod'" in check.reason and "'authentication'" in check.reason


def test_the_expected_purpose_is_the_one_checked() -> None:
    # The same credential, signed for authentication (a relationship did:key gives the
    # key too): it fails a verifier that expects an assertion, as it did before, and
    # passes one that expects authentication.
    vc = credential()
    del vc["proof"]
    signer = ISSUER.signer(verification_method_id(ISSUER.public))
    signed = add_proof(vc, signer, proof_purpose="authentication", created=NOW - timedelta(days=1))
    assert _proof(verify(signed, now=NOW)).status is Status.FAILED
    assert verify(signed, now=NOW, proof_purpose="authentication").verified


def test_a_domain_or_challenge_the_verifier_expects_must_be_in_the_proof() -> None:
    # Data Integrity, Verify Proof: a domain (or challenge) given to the verifier that the
    # proof does not state is an error; none given, none is checked.
    plain = credential()
    assert verify(plain, now=NOW).verified
    assert all(c.id is not CheckId.DOMAIN for c in verify(plain, now=NOW).checks)
    result = verify(plain, now=NOW, domain="jobs.example")
    assert not result.verified and result.check("domain").status is Status.FAILED

    bound = credential()
    del bound["proof"]
    signer = ISSUER.signer(verification_method_id(ISSUER.public))
    bound = add_proof(
        bound, signer, domain="jobs.example", challenge="c-9", created=NOW - timedelta(minutes=1)
    )
    assert verify(bound, now=NOW, domain="jobs.example", challenge="c-9").verified
    other = verify(bound, now=NOW, domain="elsewhere.example")
    assert not other.verified and "elsewhere.example" in other.check("domain").reason
    assert not verify(bound, now=NOW, challenge="c-10").verified
