"""Hostile inputs on what landed with the service's verify options, enveloped JWT
credentials and holder claims: a forger, a malicious verifier or a careless caller must
never get "verified" for what was not checked."""

from __future__ import annotations

from skillswallet.jose.envelope import envelope
from skillswallet.result import Status
from skillswallet.verify import NO_CHALLENGE, verify
from skillswallet.wallet import Wallet

from .conftest import NOW
from .test_enveloped import DOMAIN, _checks, _held, _signed


def test_an_sd_jwt_without_key_binding_fails_even_when_no_challenge_was_requested(
    wallet: Wallet, me: str
) -> None:
    # Anyone who once saw an SD-JWT VC (without its KB-JWT) puts it in a presentation of
    # his own; the verifier asked for no challenge. The SD-JWT is bound to its holder's
    # key (cnf), and no holder signed anything for this presentation.
    _, sd_id = _held(wallet, me)
    text = wallet.serialization(sd_id) or ""
    signed = _signed(wallet, me, [envelope(text, "dc+sd-jwt")])
    result = verify(signed, now=NOW, challenge=NO_CHALLENGE)
    binding = _checks(result, "credential[0]")["holder_binding"]
    assert binding.status is Status.FAILED and "no KB-JWT" in binding.reason
    assert not result.verified


def test_an_sd_jwt_whose_kb_jwt_is_forged_fails_when_no_challenge_was_requested(
    wallet: Wallet, me: str
) -> None:
    _, sd_id = _held(wallet, me)
    made = wallet.present([sd_id], challenge="c-1", domain=DOMAIN, did=me)
    enveloped = dict(made.presentation["verifiableCredential"][0])
    url = enveloped["id"]
    enveloped["id"] = url[:-3] + ("AAA" if not url.endswith("AAA") else "BBB")  # KB signature
    signed = _signed(wallet, me, [enveloped])
    result = verify(signed, now=NOW, challenge=NO_CHALLENGE)
    assert _checks(result, "credential[0]")["holder_binding"].status is Status.FAILED
    assert not result.verified
    # the genuine one, lifted into another presentation with no challenge asked: the
    # KB-JWT still verifies, and the report says no challenge was compared
    lifted = _signed(wallet, me, made.presentation["verifiableCredential"])
    result = verify(lifted, now=NOW, challenge=NO_CHALLENGE)
    inner = _checks(result, "credential[0]")
    assert inner["holder_binding"].status is Status.PASSED
    assert inner["challenge"].status is Status.SKIPPED
