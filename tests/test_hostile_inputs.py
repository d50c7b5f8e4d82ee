"""Hostile inputs on what landed with the service's verify options, enveloped JWT
credentials and holder claims: a forger, a malicious verifier or a careless caller must
never get "verified" for what was not checked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from skillswallet.credentials.proofs import add_proof
from skillswallet.did.web import WebResolver, did_web_file
from skillswallet.jose.envelope import envelope
from skillswallet.render.report import claimed_lines
from skillswallet.result import Status, VerificationResult
from skillswallet.tour import skill_badge
from skillswallet.verify import NO_CHALLENGE, verify
from skillswallet.wallet import Wallet

from .conftest import NOW
from .test_enveloped import DOMAIN, V2, _checks, _held, _signed


def _presented(wallet: Wallet, me: str, which: str, challenge: str) -> tuple[Any, dict[str, Any]]:
    """A presentation of a held vc+jwt or SD-JWT VC (the wallet's), and a copy of its
    enveloped credential."""
    jwt_id, sd_id = _held(wallet, me)
    chosen = jwt_id if which == "vc+jwt" else sd_id
    made = wallet.present([chosen], challenge=challenge, domain=DOMAIN, did=me)
    return made, dict(made.presentation["verifiableCredential"][0])


def _assert_fails(result: VerificationResult, check: str, words: str) -> None:
    """The first credential's ``check`` failed saying ``words``; nothing verified."""
    found = _checks(result, "credential[0]")[check]
    assert found.status is Status.FAILED and words in found.reason, found
    assert not result.verified


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
    _assert_fails(result, "holder_binding", "no KB-JWT")


def test_an_sd_jwt_whose_kb_jwt_is_forged_fails_when_no_challenge_was_requested(
    wallet: Wallet, me: str
) -> None:
    made, enveloped = _presented(wallet, me, "sd-jwt", "c-1")
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


def _holder_claim_presentation(
    wallet: Wallet, tmp_path: Path, *, both: bool
) -> tuple[dict[str, Any], WebResolver]:
    """A school's did:web with an assertion key (key-1, its diplomas) and a login key
    (key-2, authentication only unless ``both``); a presentation the school signs with
    the login key, holding a proofless 'credential' in the school's name."""
    school = wallet.create_did_web("school.example")
    wallet.add_did_web_key(school)
    document = wallet.did_web_document(school)
    document["assertionMethod"] = [f"{school}#key-1"] + ([f"{school}#key-2"] if both else [])
    document["authentication"] = [f"{school}#key-2"]
    path = did_web_file(tmp_path / "site", school)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(document))
    claim = skill_badge(school, "did:example:anyone", valid_from="2025-01-01T00:00:00Z")
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": school}
    vp["verifiableCredential"] = [claim]
    signed = add_proof(
        vp,
        wallet.signer(f"{school}#key-2"),
        cryptosuite="eddsa-rdfc-2022",
        proof_purpose="authentication",
        created=NOW,
        challenge="c",
    )
    return signed, WebResolver(tmp_path / "site")


def test_a_login_key_cannot_make_holder_claims_in_the_issuers_name(
    wallet: Wallet, tmp_path: Path
) -> None:
    # A holder's claim is secured by the presentation's proof (VC DM 2.0 §4.13.4), an
    # authentication proof. Whoever holds a key the school authorizes only for logging in
    # must not mint what reads as the school's credential (and passes a trust list that
    # trusts the school): the key must be one the school asserts with.
    signed, resolver = _holder_claim_presentation(wallet, tmp_path, both=False)
    result = verify(signed, now=NOW, challenge="c", resolver=resolver)
    assert _checks(result, "presentation")["holder_binding"].status is Status.PASSED
    _assert_fails(result, "proof", "assertionMethod")


def test_a_holder_claim_signed_with_a_key_the_holder_asserts_with_verifies(
    wallet: Wallet, tmp_path: Path
) -> None:
    signed, resolver = _holder_claim_presentation(wallet, tmp_path, both=True)
    result = verify(signed, now=NOW, challenge="c", resolver=resolver)
    assert result.verified, result.failures
    assert _checks(result, "credential[0]")["proof"].detail["securedBy"] == "presentation"


def test_the_report_says_a_holder_claim_is_only_the_holders_word(
    wallet: Wallet, tmp_path: Path
) -> None:
    # The holder names the issuer of his own claim as he likes ("Harvard University");
    # the report must not read like a credential that Harvard issued.
    signed, _ = _holder_claim_presentation(wallet, tmp_path, both=True)
    signed["verifiableCredential"][0]["issuer"] = {"id": "x", "name": "Harvard University"}
    lines = claimed_lines(signed)
    at = next(i for i, line in enumerate(lines) if "Harvard University" in line)
    assert "no proof of its own" in " ".join(lines[at:])
    # an enveloped JWT credential carries its own signature: no such line
    enveloped = {**signed, "verifiableCredential": [envelope("ey.a.b", "vc+jwt")]}
    assert not any("no proof of its own" in line for line in claimed_lines(enveloped))


def test_the_report_shows_what_an_enveloped_jwt_says_not_its_envelope(
    wallet: Wallet, me: str
) -> None:
    # The presenter signs the presentation, envelope included: members he adds beside
    # the data: URL are his words, not the issuer's, and must not be reported as claims
    _, forged = _presented(wallet, me, "vc+jwt", "c")
    forged["name"] = "MSc Computer Science, Harvard University"  # (a term VC 2.0 defines)
    signed = _signed(wallet, me, [forged])
    result = verify(signed, now=NOW, challenge="c", domain=DOMAIN)
    text = "\n".join(claimed_lines(signed))
    assert "Harvard" not in text, text
    school = _checks(result, "credential[0]")["issuer_binding"].reason
    assert "did:key:" in school and "did:key:" in text
