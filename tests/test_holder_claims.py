"""Holder claims (VC DM 2.0 §4.13.4): a credential with no proof of its own, inside a
presentation, is secured by the presentation's proof only when the presentation names its
holder, the holder signed it, and the credential is the holder's own."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from skillswallet import KeyPair, verify
from skillswallet.credentials.proofs import add_proof
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.result import CheckId, Status

from .vaultkit import NOW

HOLDER = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(11, 43)))
HOLDER_DID = did_from_public_key(HOLDER.public)
OTHER_DID = "did:example:acme"


def _claim(issuer: str) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER_DID, "name": "I can teach carpentry"},
    }


def _presented(claim: dict[str, Any], *, holder: bool = True) -> dict[str, Any]:
    vp: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [claim],
    }
    if holder:
        vp["holder"] = HOLDER_DID
    return add_proof(
        vp,
        HOLDER.signer(verification_method_id(HOLDER.public)),
        proof_purpose="authentication",
        challenge="c-1",
        created=NOW - timedelta(minutes=1),
    )


def _proof_of_claim(vp: dict[str, Any]) -> Any:
    result = verify(vp, challenge="c-1", now=NOW)
    return result, next(
        c for c in result.checks if c.id is CheckId.PROOF and c.target == "credential[0]"
    )


def test_the_holders_own_claim_is_secured_by_the_presentation() -> None:
    result, proof = _proof_of_claim(_presented(_claim(HOLDER_DID)))
    assert result.verified, result
    assert proof.status is Status.PASSED and "secured by the presentation's proof" in proof.reason


def test_a_claim_of_someone_else_is_not() -> None:
    result, proof = _proof_of_claim(_presented(_claim(OTHER_DID)))
    assert not result.verified
    assert proof.status is Status.FAILED and f"its issuer {OTHER_DID}" in proof.reason
    assert "§4.13.4" in proof.reason


def test_a_presentation_naming_no_holder_secures_no_claim() -> None:
    result, proof = _proof_of_claim(_presented(_claim(HOLDER_DID), holder=False))
    assert not result.verified
    assert proof.status is Status.FAILED and "named holder" in proof.reason


def test_a_claim_changed_after_signing_breaks_the_presentation_and_the_claim() -> None:
    vp = _presented(_claim(HOLDER_DID))
    vp["verifiableCredential"][0]["credentialSubject"]["name"] = "I can fly planes"
    result, proof = _proof_of_claim(vp)
    assert not result.verified
    assert proof.status is Status.FAILED


def test_alone_a_credential_without_proof_still_fails() -> None:
    result = verify(_claim(HOLDER_DID), now=NOW)
    assert not result.verified
    assert result.check("proof").status is Status.FAILED
