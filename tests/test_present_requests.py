"""Presentation requests (VPR QueryByExample + required skills), matching a vault against
them with the smallest disclosure, check_response, the disclosure log and linkability."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest

from skillswallet.errors import RequestError, UnsatisfiableRequestError
from skillswallet.present import (
    SkillRequirement,
    check_response,
    new_request,
    parse_request,
    presentation_digest,
)
from skillswallet.result import CheckId, Status, VerificationResult
from skillswallet.skills.builders import Skill
from skillswallet.skills.evidence import EvidenceLevel
from skillswallet.trust.lists import TrustList
from skillswallet.wallet import Wallet

from .conftest import INTEROP, NOW, load_json
from .presentkit import ADVICE, COOKING, SCHOOL_DID, TEAMWORK, school_credential

PLUMBING = "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000001"
ASSESSED = EvidenceLevel.ASSESSED


def _request(*skills: SkillRequirement, **kwargs: Any) -> dict[str, Any]:
    return new_request(domain="employer.example", challenge="ch-1", skills=skills, **kwargs)


def _request_checks(result: VerificationResult) -> list[tuple[str, Status, str]]:
    return [(c.target, c.status, c.reason) for c in result.checks if c.id.value == "request"]


# --- requests ---------------------------------------------------------------------------------


def test_new_request_is_a_vpr_query_by_example() -> None:
    request = _request(SkillRequirement(ADVICE, ASSESSED), types=["OpenBadgeCredential"])
    assert request["challenge"] == "ch-1" and request["domain"] == "employer.example"
    [query] = request["query"]
    assert query["type"] == "QueryByExample"
    [item] = query["credentialQuery"]
    assert item["example"]["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert item["requiredSkills"] == [{"id": ADVICE, "minimumEvidenceLevel": "assessed"}]
    assert (
        new_request(domain="d", types=["X"])["challenge"]
        != new_request(domain="d", types=["X"])["challenge"]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.pop("challenge"), "has no challenge"),
        (lambda r: r.update(domain=""), "domain: must be a non-empty string"),
        (lambda r: r.update(query=[]), "asks for nothing"),
        (lambda r: r["query"][0].update(credentialQuery=[]), "needs one"),
        (lambda r: r["query"][0]["credentialQuery"][0].update(example=[]), "example: must be"),
        (
            lambda r: r["query"][0]["credentialQuery"][0]["requiredSkills"][0].update(
                minimumEvidenceLevel="legendary"
            ),
            "unknown evidence level 'legendary'",
        ),
        (
            lambda r: r["query"][0]["credentialQuery"][0].update(trustedIssuer=[{"issuer": 3}]),
            r"trustedIssuer\[0\].issuer",
        ),
        (lambda r: r["query"][0].update(type=7), "type string"),
    ],
)
def test_malformed_requests_are_refused_naming_the_field(change: Any, message: str) -> None:
    request = _request(SkillRequirement(ADVICE, ASSESSED))
    change(request)
    with pytest.raises(RequestError, match=message):
        parse_request(request)


def test_a_request_is_not_a_list() -> None:
    with pytest.raises(RequestError, match="must be a JSON object"):
        parse_request([])


# --- matching the vault -------------------------------------------------------------------------


def test_two_skills_from_one_credential_reveal_only_those_skills(
    wallet: Wallet, school_id: str
) -> None:
    request = _request(SkillRequirement(ADVICE, ASSESSED), SkillRequirement(TEAMWORK))
    found = wallet.match_request(request)
    assert found.satisfied
    assert found.disclose == {
        school_id: [
            "/credentialSubject/id",
            "/credentialSubject/achievement/alignment/0",
            "/credentialSubject/achievement/alignment/1",
        ]
    }
    plan = wallet.plan_response(request)
    [shown] = plan.disclosures
    assert {"/credentialSubject/result", "/credentialSubject/achievement/alignment/2"} <= set(
        shown.withheld
    )
    subject = shown.credential["credentialSubject"]
    assert "result" not in subject
    assert [a["targetUrl"] for a in subject["achievement"]["alignment"]] == [ADVICE, TEAMWORK]


def test_respond_and_check_response(wallet: Wallet, school_id: str) -> None:
    request = _request(SkillRequirement(ADVICE, ASSESSED), SkillRequirement(TEAMWORK, ASSESSED))
    made = wallet.respond(request, purpose="job application")
    result = check_response(made.presentation, request, now=NOW)
    assert result.verified, result.to_json()
    checks = _request_checks(result)
    assert [(t, s) for t, s, _ in checks] == [
        ("request.query[0].credentialQuery[0]", Status.PASSED),
        ("request.query[0].credentialQuery[1]", Status.PASSED),
    ]
    assert "(assessed)" in checks[0][2]


def test_an_answer_to_another_request_does_not_satisfy_this_one(
    wallet: Wallet, school_id: str
) -> None:
    asked = _request(SkillRequirement(ADVICE), SkillRequirement(COOKING))
    answered = wallet.respond(_request(SkillRequirement(ADVICE)))
    result = check_response(answered.presentation, asked, now=NOW)
    assert not result.verified
    [first, second] = _request_checks(result)
    assert first[1] is Status.PASSED
    assert second[1] is Status.FAILED and f"claims no skill {COOKING}" in second[2]


def test_a_replayed_answer_fails_the_challenge(wallet: Wallet, school_id: str) -> None:
    made = wallet.respond(_request(SkillRequirement(ADVICE)))
    fresh = new_request(
        domain="employer.example", challenge="ch-2", skills=[SkillRequirement(ADVICE)]
    )
    result = check_response(made.presentation, fresh, now=NOW)
    assert result.check("challenge", "presentation").status is Status.FAILED
    assert all(s is Status.SKIPPED for _, s, _ in _request_checks(result))
    assert not result.verified


def test_a_request_nobody_can_answer(wallet: Wallet, school_id: str) -> None:
    with pytest.raises(UnsatisfiableRequestError, match=f"claims no skill {PLUMBING}") as info:
        wallet.plan_response(_request(SkillRequirement(PLUMBING)))
    assert len(info.value.missing) == 1
    with pytest.raises(UnsatisfiableRequestError, match="not of type"):
        wallet.plan_response(_request(types=["DriversLicence"]))
    assert wallet.disclosures() == []


def test_a_self_assessment_is_below_assessed(wallet: Wallet, me: str) -> None:
    wallet.self_assess([Skill(PLUMBING, "plumbing", level="B")])
    assert wallet.match_request(_request(SkillRequirement(PLUMBING))).satisfied
    with pytest.raises(UnsatisfiableRequestError, match="at evidence level self, below assessed"):
        wallet.plan_response(_request(SkillRequirement(PLUMBING, ASSESSED)))


def test_accredited_needs_a_trust_list(wallet: Wallet, school_id: str) -> None:
    request = _request(SkillRequirement(ADVICE, EvidenceLevel.ACCREDITED))
    with pytest.raises(UnsatisfiableRequestError, match="needs a trust list"):
        wallet.plan_response(request)
    trust = TrustList.from_json({"entries": [{"issuer": SCHOOL_DID, "scopes": ["skill"]}]})
    made = wallet.respond(request, trust=trust)
    assert not check_response(made.presentation, request, now=NOW).verified
    result = check_response(made.presentation, request, now=NOW, trust=trust)
    assert result.verified
    # every credential also gets its trust check, as from verify(..., trust=...)
    assert [c.status for c in result.checks if c.id is CheckId.TRUST] == [Status.PASSED]
    distrust = TrustList.from_json({"entries": [{"issuer": SCHOOL_DID, "scopes": ["diploma"]}]})
    result = check_response(made.presentation, request, now=NOW, trust=distrust)
    assert [c.status for c in result.checks if c.id is CheckId.TRUST] == [Status.FAILED]
    assert not result.verified


def test_expired_credentials_are_not_proposed(wallet: Wallet, me: str) -> None:
    expired = school_credential(me, NOW - timedelta(days=30))
    expired["validUntil"] = (NOW - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    expired = school_credential(me, NOW - timedelta(days=30), validUntil=expired["validUntil"])
    wallet.add(expired)
    with pytest.raises(UnsatisfiableRequestError, match=r"cannot be shown: .*\(expired"):
        wallet.plan_response(_request(SkillRequirement(ADVICE)))


def test_trusted_issuers_and_subject_fields(wallet: Wallet, school_id: str) -> None:
    other = "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"
    with pytest.raises(UnsatisfiableRequestError, match="not one of the trusted issuers"):
        wallet.plan_response(_request(SkillRequirement(ADVICE), issuers=[other]))
    request = _request(issuers=[SCHOOL_DID], subject_fields=["achievement.name"])
    made = wallet.respond(request)
    [shown] = made.presentation["verifiableCredential"]
    assert shown["credentialSubject"]["achievement"]["name"] == "Vocational skills"
    assert "result" not in shown["credentialSubject"]
    assert check_response(made.presentation, request, now=NOW).verified


def test_digital_bazaar_presentation_answers_a_request() -> None:
    # vc.signPresentation around an eddsa credential and a derived ecdsa-sd-2023 one.
    vp = load_json(INTEROP / "vp-eddsa-rdfc-2022.json")
    request = new_request(
        domain="employer.example",
        challenge="c0ffee-42",
        skills=[SkillRequirement(ADVICE, ASSESSED)],
    )
    result = check_response(vp, request, now=NOW)
    assert result.verified, result.to_json()
    wrong = copy.deepcopy(request)
    wrong["domain"] = "rival.example"
    assert not check_response(vp, wrong, now=NOW).verified


# --- disclosure log -------------------------------------------------------------------------


def test_every_presentation_is_logged(wallet: Wallet, school_id: str) -> None:
    request = _request(SkillRequirement(ADVICE, ASSESSED))
    made = wallet.respond(request, purpose="vacancy 42")
    [entry] = wallet.disclosures()
    assert entry.id == made.disclosure_id
    assert (entry.verifier, entry.domain, entry.purpose) == (
        "employer.example",
        "employer.example",
        "vacancy 42",
    )
    assert entry.at == "2025-07-01T12:00:00Z" and entry.challenge == "ch-1"
    assert entry.credential_ids == [school_id]
    assert f"{school_id}: /credentialSubject/achievement/alignment/0" in entry.disclosed
    assert f"{school_id}: /credentialSubject/result" in entry.withheld
    assert entry.request is not None and ADVICE in entry.request[0]
    assert entry.presentation_sha256 == presentation_digest(made.presentation)
    again, body = wallet.disclosure(made.disclosure_id[:6])
    assert again == entry
    assert body == {"presentation": made.presentation, "request": request}


def test_log_disclosure_by_hand_still_works(wallet: Wallet) -> None:
    wallet.log_disclosure("https://employer.example", credential_ids=["x"], purpose="talk")
    [entry] = wallet.disclosures()
    assert entry.presentation_sha256 is None and entry.links == {}
    assert wallet.disclosure(entry.id) == (entry, {"presentation": None, "request": None})


# --- linkability ----------------------------------------------------------------------------


def test_showing_a_credential_to_two_verifiers_is_linkable(wallet: Wallet, school_id: str) -> None:
    first = wallet.present(
        [school_id], disclose=["/credentialSubject/achievement/alignment/0"], challenge="1",
        domain="a.example",
    )  # fmt: skip
    assert first.warnings == []
    same = wallet.present([school_id], challenge="2", domain="a.example")
    assert same.warnings == []  # the same verifier knows already
    other = wallet.present(
        [school_id], disclose=["/credentialSubject/achievement/alignment/2"], challenge="3",
        domain="b.example",
    )  # fmt: skip
    kinds = {w.kind for w in other.warnings}
    # Two disclosures of different fields share the base signature and the credential id.
    assert kinds == {"credential-id", "signature", "holder"}
    signature = next(w for w in other.warnings if w.kind == "signature")
    assert signature.record_id == school_id
    assert {d for _, d, _ in signature.earlier} == {"a.example"}
    assert "a.example" in signature.message and "separately issued" in signature.advice
    holder = next(w for w in other.warnings if w.kind == "holder")
    assert "--as" in holder.advice


def test_another_did_avoids_the_holder_link(wallet: Wallet, me: str, school_id: str) -> None:
    other_did = wallet.create_did()
    wallet.present([school_id], challenge="1", domain="a.example", did=me)
    plan = wallet.plan_presentation([], domain="b.example", did=other_did)
    assert plan.warnings == []  # a DID authentication alone, as another DID: nothing shared
    plan = wallet.plan_presentation([], domain="b.example", did=me)
    assert [w.kind for w in plan.warnings] == ["holder"]
