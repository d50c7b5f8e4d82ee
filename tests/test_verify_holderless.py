"""Presentations without a holder (optional in VC Data Model 2.0): bound to whoever signed
them, reported by name; a verifier may also require the credentials to be the signer's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from skillswallet import KeyPair, verify
from skillswallet.credentials.proofs import add_proof
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.result import CheckId, Status

from .vaultkit import NOW, credential

HOLDER = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(5, 37)))
HOLDER_DID = did_from_public_key(HOLDER.public)


def _presentation(*credentials: dict[str, Any], holder: str | None = None) -> dict[str, Any]:
    vp: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
    }
    if holder is not None:
        vp["holder"] = holder
    return add_proof(
        vp,
        HOLDER.signer(verification_method_id(HOLDER.public)),
        proof_purpose="authentication",
        challenge="c-1",
        domain="jobs.example",
        created=NOW - timedelta(minutes=1),
    )


def _check(result: Any, check: CheckId, target: str = "presentation") -> Any:
    return next(c for c in result.checks if c.id is check and c.target == target)


def test_a_presentation_without_holder_verifies_and_names_its_signer() -> None:
    about_someone = credential("Advising colleagues")  # its subject is another DID
    result = verify(_presentation(about_someone), now=NOW, challenge="c-1", domain="jobs.example")
    binding = _check(result, CheckId.HOLDER_BINDING)
    assert result.verified
    assert binding.status is Status.SKIPPED
    assert binding.reason == f"no holder named; signed by {HOLDER_DID}"
    assert binding.detail == {"signers": [HOLDER_DID]}


def test_a_named_holder_must_still_be_the_signer() -> None:
    vp = _presentation(credential(), holder="did:example:someone-else")
    result = verify(vp, now=NOW, challenge="c-1", domain="jobs.example")
    assert not result.verified
    assert (
        "not the holder did:example:someone-else" in _check(result, CheckId.HOLDER_BINDING).reason
    )


def test_subject_binding_asks_that_every_credential_is_the_signers() -> None:
    subject = {**credential()["credentialSubject"], "id": HOLDER_DID}
    mine, theirs = credential("Mine", credentialSubject=subject), credential("Theirs")
    vp = _presentation(mine, theirs)
    result = verify(vp, now=NOW, challenge="c-1", domain="jobs.example", subject_binding=True)
    check = _check(result, CheckId.SUBJECT_BINDING)
    assert not result.verified and check.status is Status.FAILED
    assert check.reason == f"credential[1] not about the signer {HOLDER_DID}"
    result = verify(
        _presentation(mine), now=NOW, challenge="c-1", domain="jobs.example", subject_binding=True
    )
    assert result.verified and _check(result, CheckId.SUBJECT_BINDING).status is Status.PASSED
    plain = verify(vp, now=NOW, challenge="c-1", domain="jobs.example")
    assert plain.verified and not [c for c in plain.checks if c.id is CheckId.SUBJECT_BINDING]
