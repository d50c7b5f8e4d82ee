"""Presentations from the vault: whole and derived credentials, the holder's proof bound
to a challenge, a domain and a short expiry, and what the single verifier says about
each way a presentation can be wrong."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from skillswallet import verify
from skillswallet.credentials.proofs import add_proof
from skillswallet.errors import NotDerivableError, PointerError, PresentationError
from skillswallet.present import build_presentation, presentation_digest
from skillswallet.result import Status, VerificationResult
from skillswallet.wallet import Wallet

from .conftest import NOW
from .presentkit import SCHOOL_DID, school_credential
from .vaultkit import credential

ALIGNMENT_0 = "/credentialSubject/achievement/alignment/0"


@pytest.fixture
def badge_id(wallet: Wallet, me: str) -> str:
    outcome = wallet.add(
        credential(credentialSubject={**credential()["credentialSubject"], "id": me})
    )
    assert outcome.status == "stored", outcome.reasons
    assert outcome.record_id is not None
    return outcome.record_id


def _status(result: VerificationResult, check: str, target: str = "presentation") -> Status:
    return result.check(check, target).status


def test_a_base_credential_is_imported_and_a_tampered_one_refused(wallet: Wallet, me: str) -> None:
    base = school_credential(me, NOW)
    tampered = copy.deepcopy(base)
    tampered["credentialSubject"]["result"][0]["achievedLevel"] = (
        "urn:skillswallet:level:profilpass:C"
    )
    report = wallet.import_credentials([base, tampered])
    assert [o.status for o in report.outcomes] == ["stored", "refused"]
    # A verifier still refuses the base credential itself.
    assert not verify(base, now=NOW).verified


def test_present_whole_and_derived(wallet: Wallet, me: str, school_id: str, badge_id: str) -> None:
    made = wallet.present(
        [school_id[:6], badge_id],
        disclose={school_id: [ALIGNMENT_0]},
        challenge="c-1",
        domain="employer.example",
        purpose="vacancy 42",
    )
    vp = made.presentation
    assert vp["holder"] == me
    proof = vp["proof"]
    assert (proof["proofPurpose"], proof["cryptosuite"]) == ("authentication", "eddsa-rdfc-2022")
    assert (proof["challenge"], proof["domain"]) == ("c-1", "employer.example")
    assert proof["created"] == "2025-07-01T12:00:00Z" and proof["expires"] == "2025-07-01T12:05:00Z"
    derived, whole = vp["verifiableCredential"]
    assert "result" not in derived["credentialSubject"]  # the grades stay hidden
    assert len(derived["credentialSubject"]["achievement"]["alignment"]) == 1
    assert whole == wallet.get(badge_id)[1]
    result = verify(vp, challenge="c-1", domain="employer.example", now=NOW)
    assert result.verified, result.to_json()
    school, badge = made.plan.disclosures
    assert school.derived and not badge.derived
    assert "/credentialSubject/result" in school.withheld
    assert ALIGNMENT_0 in school.revealed and badge.withheld == []


def test_an_sd_credential_without_pointers_is_derived_revealing_everything(
    wallet: Wallet, school_id: str
) -> None:
    made = wallet.present([school_id], challenge="c", domain="d.example")
    [shown] = made.presentation["verifiableCredential"]
    assert shown["credentialSubject"]["result"]  # grades too: nothing was chosen
    assert made.plan.disclosures[0].withheld == []
    assert verify(made.presentation, challenge="c", domain="d.example", now=NOW).verified


def test_a_pointer_to_a_mandatory_field_is_revealed_anyway(wallet: Wallet, school_id: str) -> None:
    made = wallet.present(
        [school_id], disclose=[ALIGNMENT_0, "/issuer"], challenge="c", domain="d.example"
    )
    assert "/issuer" in made.plan.disclosures[0].revealed
    assert verify(made.presentation, challenge="c", domain="d.example", now=NOW).verified


@pytest.mark.parametrize(
    ("disclose", "error", "message"),
    [
        (["/credentialSubject/nothing"], PointerError, "names nothing"),
        (["credentialSubject"], PointerError, "names nothing"),
        ({"badge": ["/name"]}, NotDerivableError, "cannot be selectively disclosed"),
    ],
)
def test_bad_pointers_are_typed_errors(
    wallet: Wallet,
    school_id: str,
    badge_id: str,
    disclose: Any,
    error: type[Exception],
    message: str,
) -> None:
    if isinstance(disclose, dict):
        disclose = {badge_id: disclose["badge"]}
    with pytest.raises(error, match=message):
        wallet.present([school_id, badge_id], disclose=disclose, challenge="c", domain="d")
    assert wallet.disclosures() == []  # nothing was logged


def test_pointers_for_a_whole_credential_alone_are_refused(wallet: Wallet, badge_id: str) -> None:
    with pytest.raises(NotDerivableError, match="shown only whole"):
        wallet.present([badge_id], disclose=["/name"], challenge="c", domain="d")


@pytest.mark.parametrize(("challenge", "domain"), [("", "d.example"), ("c", " "), ("c", None)])
def test_challenge_and_domain_are_required(
    wallet: Wallet, badge_id: str, challenge: str, domain: Any
) -> None:
    with pytest.raises(PresentationError, match=r"challenge|domain"):
        wallet.present([badge_id], challenge=challenge, domain=domain)


# --- what a verifier says ---------------------------------------------------------------------


@pytest.fixture
def vp(wallet: Wallet, school_id: str, badge_id: str) -> dict[str, Any]:
    return wallet.present(
        [school_id, badge_id],
        disclose={school_id: [ALIGNMENT_0]},
        challenge="c",
        domain="d.example",
    ).presentation


@pytest.mark.parametrize(
    ("challenge", "domain", "check", "reason"),
    [
        ("other", "d.example", "challenge", "is not the expected 'other'"),
        ("c", "rival.example", "domain", "is not the expected 'rival.example'"),
    ],
)
def test_wrong_challenge_or_domain_fails(
    vp: dict[str, Any], challenge: str, domain: str, check: str, reason: str
) -> None:
    result = verify(vp, challenge=challenge, domain=domain, now=NOW)
    assert not result.verified
    assert _status(result, check) is Status.FAILED
    assert reason in result.check(check, "presentation").reason


def test_missing_challenge_or_domain_in_the_proof_fails(wallet: Wallet, badge_id: str) -> None:
    _, document = wallet.get(badge_id)
    me = wallet.default_did()
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": me,
        "verifiableCredential": [document],
    }
    bare = add_proof(unsigned, wallet.signer(me), proof_purpose="authentication", created=NOW)
    result = verify(bare, challenge="c", domain="d.example", now=NOW)
    assert _status(result, "challenge") is Status.FAILED
    assert _status(result, "domain") is Status.FAILED
    assert "has no challenge" in result.check("challenge", "presentation").reason


def test_an_expired_presentation_is_refused(vp: dict[str, Any]) -> None:
    later = NOW + timedelta(minutes=11)  # 5 minutes of life, 5 of clock skew
    result = verify(vp, challenge="c", domain="d.example", now=later)
    assert not result.verified
    proof = result.check("proof", "presentation")
    assert proof.status is Status.FAILED and "expired at 2025-07-01T12:05:00Z" in proof.reason
    assert verify(vp, challenge="c", domain="d.example", now=NOW + timedelta(minutes=4)).verified


def _by_hand(wallet: Wallet, record_id: str, *, holder: str) -> dict[str, Any]:
    """A presentation of a stored credential as it is, signed by the vault's DID."""
    return build_presentation(
        [wallet.get(record_id)[1]],
        holder=holder,
        signer=wallet.signer(wallet.default_did()),
        challenge="c",
        domain="d.example",
        created=NOW,
        expires=NOW + timedelta(minutes=5),
    )


def test_a_presentation_signed_by_someone_else_fails_holder_binding(
    wallet: Wallet, badge_id: str
) -> None:
    other = "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"
    forged = _by_hand(wallet, badge_id, holder=other)  # signed by the vault's DID
    result = verify(forged, challenge="c", domain="d.example", now=NOW)
    check = result.check("holder_binding", "presentation")
    assert check.status is Status.FAILED and "not the holder" in check.reason


def test_a_tampered_derived_credential_fails_its_proof(vp: dict[str, Any]) -> None:
    # The holder re-signs the presentation, but cannot re-sign what the school signed.
    forged = copy.deepcopy(vp)
    alignment = forged["verifiableCredential"][0]["credentialSubject"]["achievement"]["alignment"]
    alignment[0]["targetName"] = "rocket science"
    result = verify(forged, challenge="c", domain="d.example", now=NOW)
    assert _status(result, "proof", "credential[0]") is Status.FAILED
    assert _status(result, "proof", "credential[1]") is Status.PASSED


def test_a_base_credential_inside_a_presentation_is_refused(
    wallet: Wallet, me: str, school_id: str
) -> None:
    vp = _by_hand(wallet, school_id, holder=me)  # the base credential as stored
    result = verify(vp, challenge="c", domain="d.example", now=NOW)
    check = result.check("proof", "credential[0]")
    assert check.status is Status.FAILED and "base proof is not meant for verifiers" in check.reason


def test_presentation_digest_ignores_formatting(vp: dict[str, Any]) -> None:
    import json

    again = json.loads(json.dumps(vp, indent=4, sort_keys=True))
    assert presentation_digest(again) == presentation_digest(vp)
    changed = copy.deepcopy(vp)
    changed["holder"] = "did:example:other"
    assert presentation_digest(changed) != presentation_digest(vp)


def test_the_school_is_the_issuer_the_verifier_sees(vp: dict[str, Any]) -> None:
    result = verify(vp, challenge="c", domain="d.example", now=NOW)
    assert SCHOOL_DID in result.check("issuer_binding", "credential[0]").reason
