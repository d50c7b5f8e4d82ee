"""A verifier that requested no challenge (the W3C VC API's options.challenge is optional)
says so with NO_CHALLENGE: the challenge check is skipped, never passed; leaving the
challenge out stays an error, so the library's default keeps presentations bound."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from skillswallet import KeyPair, verify
from skillswallet.credentials.proofs import add_proof
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.result import CheckId, Status
from skillswallet.verify import NO_CHALLENGE, PresentationChallengeMissing

from .vaultkit import NOW, credential

HOLDER = KeyPair.from_secret(KeyPair.generate("ed25519").type, bytes(range(9, 41)))


def _presentation(challenge: str | None) -> dict[str, Any]:
    vp: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": did_from_public_key(HOLDER.public),
        "verifiableCredential": [credential()],
    }
    return add_proof(
        vp,
        HOLDER.signer(verification_method_id(HOLDER.public)),
        proof_purpose="authentication",
        challenge=challenge,
        domain="jobs.example",
        created=NOW - timedelta(minutes=1),
    )


def _challenge(result: Any) -> Any:
    return next(c for c in result.checks if c.id is CheckId.CHALLENGE)


@pytest.mark.parametrize("proof_challenge", ["c-1", None])
def test_no_challenge_requested_skips_the_check_and_verifies_the_rest(
    proof_challenge: str | None,
) -> None:
    vp = _presentation(proof_challenge)
    result = verify(vp, now=NOW, challenge=NO_CHALLENGE, domain="jobs.example")
    assert result.verified, result.checks
    check = _challenge(result)
    assert check.status is Status.SKIPPED and "no challenge was requested" in check.reason
    # the rest is still checked: a wrong domain fails
    assert not verify(vp, now=NOW, challenge=NO_CHALLENGE, domain="other.example").verified


def test_a_forgotten_challenge_is_still_an_error() -> None:
    with pytest.raises(PresentationChallengeMissing):
        verify(_presentation("c-1"), now=NOW)


def test_a_requested_challenge_must_match() -> None:
    result = verify(_presentation("c-1"), now=NOW, challenge="c-2", domain="jobs.example")
    assert _challenge(result).status is Status.FAILED and not result.verified
    unbound = verify(_presentation(None), now=NOW, challenge="c-2", domain="jobs.example")
    assert _challenge(unbound).status is Status.FAILED
