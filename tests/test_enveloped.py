"""JWT credentials inside a Data Integrity presentation (VC DM 2.0 §4.13.1, VC-JOSE-COSE):
a vc+jwt and an SD-JWT VC from the vault enveloped in data: URLs, each verified as its own
format inside the presentation; the SD-JWT with only the chosen disclosures and a KB-JWT
bound to the presentation's challenge and domain; bad envelopes refused with a reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skillswallet.credentials.proofs import add_proof
from skillswallet.errors import NotDerivableError, PointerError
from skillswallet.jose.compact import JoseError
from skillswallet.jose.envelope import ENVELOPED, envelope, unwrap
from skillswallet.jose.sdjwt import read_sd_jwt
from skillswallet.result import Status, VerificationResult
from skillswallet.verify import verify
from skillswallet.wallet import Wallet

from .conftest import NOW, invoke_main
from .test_sdjwt import CLAIMS, ESCO_PYTHON
from .test_vc_jwt import _holder_with_sd_jwt, present_and_verify

V2 = "https://www.w3.org/ns/credentials/v2"
VCT = "https://credentials.example/skills"
DOMAIN = "jobs.example"


def _held(wallet: Wallet, me: str) -> tuple[str, str]:
    """(record id of a vc+jwt about me, record id of an SD-JWT VC bound to my key)."""
    school = wallet.create_did("p256", label="school")
    unsigned = {
        "@context": [V2],
        "type": ["VerifiableCredential"],
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": me},
    }
    token = wallet.issue_vc_jwt(unsigned, school)
    sd_jwt = wallet.issue_sd_jwt(
        CLAIMS, school, vct=VCT, disclosable=["given_name", "family_name", "skills[]"], holder=me
    )
    report = wallet.import_credentials([token, sd_jwt])
    assert [o.status for o in report.outcomes] == ["stored", "stored"], report.outcomes
    return report.outcomes[0].record_id or "", report.outcomes[1].record_id or ""


def _signed(wallet: Wallet, me: str, credentials: list[Any], **binding: str) -> dict[str, Any]:
    """A presentation of ``credentials`` signed by ``me``, for challenge c and DOMAIN."""
    vp = {"@context": [V2], "type": ["VerifiablePresentation"], "holder": me}
    vp["verifiableCredential"] = credentials
    return add_proof(
        vp,
        wallet.signer(me),
        cryptosuite="eddsa-rdfc-2022",
        proof_purpose="authentication",
        created=NOW,
        challenge=binding.get("challenge", "c"),
        domain=binding.get("domain", DOMAIN),
    )


def _checks(result: VerificationResult, target: str) -> dict[str, Any]:
    return {c.id.value: c for c in result.checks if c.target == target}


def _failed(result: VerificationResult) -> dict[str, str]:
    bad = (Status.FAILED, Status.INCONCLUSIVE)
    return {f"{c.target} {c.id.value}": c.reason for c in result.checks if c.status in bad}


def test_a_presentation_of_a_vc_jwt_and_an_sd_jwt_vc_verifies(wallet: Wallet, me: str) -> None:
    jwt_id, sd_id = _held(wallet, me)
    made = wallet.present(
        [jwt_id, sd_id], challenge="c-1", domain=DOMAIN, disclose={sd_id: ["given_name"]}, did=me
    )
    vp = made.presentation
    first, second = vp["verifiableCredential"]
    assert first["type"] == ENVELOPED and first["id"].startswith("data:application/vc+jwt,ey")
    assert second["id"].startswith("data:application/dc+sd-jwt,ey")
    result = verify(vp, now=NOW, challenge="c-1", domain=DOMAIN, subject_binding=True)
    assert result.verified, _failed(result)
    one, two = _checks(result, "credential[0]"), _checks(result, "credential[1]")
    assert one["structure"].detail == {"format": "vc+jwt", "enveloped": True}
    assert two["structure"].detail["format"] == "dc+sd-jwt"
    assert "enveloped in the presentation" in two["structure"].reason
    assert two["holder_binding"].status is Status.PASSED
    assert two["challenge"].status is Status.PASSED and two["domain"].status is Status.PASSED
    # only the chosen claim is disclosed; the KB-JWT names this challenge and domain
    _, text = unwrap(second)
    claims = read_sd_jwt(text).claims
    assert claims["given_name"] == "Ada" and "family_name" not in claims
    assert claims.get("skills") == []  # its elements are disclosable, none was disclosed
    plan = made.plan.disclosures[1]
    assert plan.revealed == ["/given_name"] and "/family_name" in plan.withheld
    entry = wallet.disclosures()[-1]
    assert f"{sd_id}: /given_name" in entry.disclosed
    assert f"{sd_id}: /family_name" in entry.withheld


def test_the_sd_jwt_is_bound_to_this_presentation(wallet: Wallet, me: str) -> None:
    _, sd_id = _held(wallet, me)
    made = wallet.present([sd_id], challenge="c-1", domain=DOMAIN, did=me)
    # the same presentation checked for another challenge or domain fails, the
    # enveloped SD-JWT's own key binding too
    result = verify(made.presentation, now=NOW, challenge="c-2", domain=DOMAIN)
    assert _checks(result, "credential[0]")["challenge"].status is Status.FAILED
    result = verify(made.presentation, now=NOW, challenge="c-1", domain="evil.example")
    assert _checks(result, "credential[0]")["domain"].status is Status.FAILED
    # lifted into a presentation the holder signs for another verifier: its KB-JWT says so
    lifted = made.presentation["verifiableCredential"]
    resigned = _signed(wallet, me, lifted, challenge="c-9", domain="other.example")
    result = verify(resigned, now=NOW, challenge="c-9", domain="other.example")
    assert _checks(result, "presentation")["proof"].status is Status.PASSED
    inner = _checks(result, "credential[0]")
    assert inner["challenge"].status is Status.FAILED and "c-1" in inner["challenge"].reason
    assert not result.verified


def test_an_sd_jwt_without_key_binding_fails_inside_a_presentation(wallet: Wallet, me: str) -> None:
    _, sd_id = _held(wallet, me)
    text = wallet.serialization(sd_id) or ""
    signed = _signed(wallet, me, [envelope(text, "dc+sd-jwt")])
    result = verify(signed, now=NOW, challenge="c", domain=DOMAIN)
    binding = _checks(result, "credential[0]")["holder_binding"]
    assert binding.status is Status.FAILED and "no KB-JWT" in binding.reason


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("data:application/vc+cose;base64,0oREo", "only application/"),
        ("data:text/plain,hello", "only application/"),
        ("data:application/vc+jwt", "has no ','"),
        ("data:application/vc+jwt,not-a-jwt", "does not hold a compact JWT"),
        ("https://example.org/vc.jwt", "must be a data: URL"),
    ],
)
def test_bad_envelopes_fail_with_a_reason(wallet: Wallet, me: str, url: str, words: str) -> None:
    signed = _signed(wallet, me, [{"@context": V2, "type": ENVELOPED, "id": url}])
    result = verify(signed, now=NOW, challenge="c", domain=DOMAIN)
    assert not result.verified
    assert any(words in reason for reason in _failed(result).values()), _failed(result)


def test_a_media_type_that_does_not_fit_the_content_is_refused(wallet: Wallet, me: str) -> None:
    jwt_id, sd_id = _held(wallet, me)
    sd_jwt, token = wallet.serialization(sd_id) or "", wallet.serialization(jwt_id) or ""
    with pytest.raises(JoseError, match="holds an SD-JWT"):
        unwrap({"id": f"data:application/vc+jwt,{sd_jwt}"})
    with pytest.raises(JoseError, match="without disclosures"):
        unwrap({"id": f"data:application/dc+sd-jwt,{token}"})
    # base64 and percent-encoded data: URLs are read
    import base64

    encoded = base64.b64encode(token.encode()).decode()
    assert unwrap({"id": f"data:application/vc+jwt;base64,{encoded}"}) == ("vc+jwt", token)
    dotted = token.replace(".", "%2E")
    assert unwrap({"id": f"data:application/vc+jwt,{dotted}"}) == ("vc+jwt", token)


def test_a_tampered_enveloped_jwt_fails_its_proof(wallet: Wallet, me: str) -> None:
    jwt_id, _ = _held(wallet, me)
    made = wallet.present([jwt_id], challenge="c", domain=DOMAIN, did=me)
    token = unwrap(made.presentation["verifiableCredential"][0])[1]
    head, payload, signature = token.split(".")
    import base64

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["id"] = "did:example:mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    signed = _signed(wallet, me, [envelope(f"{head}.{forged}.{signature}", "vc+jwt")])
    result = verify(signed, now=NOW, challenge="c", domain=DOMAIN)
    assert _checks(result, "credential[0]")["proof"].status is Status.FAILED
    assert not result.verified


def test_claim_names_go_to_sd_jwts_and_a_vc_jwt_is_shown_whole(wallet: Wallet, me: str) -> None:
    jwt_id, sd_id = _held(wallet, me)
    plan = wallet.plan_presentation([jwt_id, sd_id], domain=DOMAIN, disclose=["skills"], did=me)
    whole, cut = plan.disclosures
    assert whole.format == "vc+jwt" and whole.withheld == []
    assert cut.revealed == ["/skills"]
    assert {"/given_name", "/family_name"} <= set(cut.withheld)
    with pytest.raises(PointerError, match="no SD-JWT VC presented has the claim"):
        wallet.plan_presentation([jwt_id, sd_id], domain=DOMAIN, disclose=["nope"], did=me)
    with pytest.raises(NotDerivableError, match="vc\\+jwt"):
        wallet.plan_presentation([jwt_id], domain=DOMAIN, disclose={jwt_id: ["/x"]}, did=me)
    # the profile still reads the SD-JWT's skill
    assert ESCO_PYTHON in {c.skill for c in wallet.skill_claims(now=NOW)}


def test_repeated_presentations_of_one_jwt_are_linkable_and_said_so(
    wallet: Wallet, me: str
) -> None:
    jwt_id, sd_id = _held(wallet, me)
    wallet.present([jwt_id, sd_id], challenge="c", domain="a.example", did=me)
    plan = wallet.plan_presentation([sd_id], domain="b.example", did=me)
    kinds = {w.kind for w in plan.warnings}
    assert "signature" in kinds, plan.warnings


def test_respond_answers_a_skill_request_with_a_held_sd_jwt_vc(wallet: Wallet, me: str) -> None:
    from skillswallet.present import check_response
    from skillswallet.present.request import SkillRequirement, new_request

    _held(wallet, me)
    request = new_request(domain=DOMAIN, challenge="ch-7", skills=[SkillRequirement(ESCO_PYTHON)])
    made = wallet.respond(request, did=me)
    (item,) = made.presentation["verifiableCredential"]
    _, text = unwrap(item)
    claims = read_sd_jwt(text).claims
    # the skill is disclosed, the name is not (data minimisation)
    assert [s["id"] for s in claims["skills"]] == [ESCO_PYTHON] and "given_name" not in claims
    result = check_response(made.presentation, request, now=NOW)
    assert result.verified, _failed(result)
    (answered,) = [c for c in result.checks if c.id.value == "request"]
    assert answered.status is Status.PASSED and "credential[0]" in answered.reason
    # a request the SD-JWT VC cannot answer: the verifier says which query is unanswered
    other = new_request(domain=DOMAIN, challenge="ch-8", skills=[SkillRequirement(ESCO_PYTHON)])
    made = wallet.respond(other, did=me)
    other["query"][0]["credentialQuery"][0]["requiredSkills"] = [
        {"id": "http://data.europa.eu/esco/skill/00000000-0000-4000-8000-000000000000"}
    ]
    result = check_response(made.presentation, other, now=NOW)
    (unanswered,) = [c for c in result.checks if c.id.value == "request"]
    assert unanswered.status is Status.FAILED and "not answered" in unanswered.reason


def test_an_sd_jwt_bound_to_a_key_outside_the_vault_is_refused_when_planned(
    wallet: Wallet, me: str
) -> None:
    from skillswallet.did.key import did_from_public_key
    from skillswallet.did.keys import KeyPair
    from skillswallet.errors import PresentationError

    school = wallet.create_did("p256", label="school")
    stranger = did_from_public_key(KeyPair.generate("ed25519").public)
    sd_jwt = wallet.issue_sd_jwt(
        CLAIMS, school, vct=VCT, disclosable=["given_name"], holder=stranger
    )
    (outcome,) = wallet.import_credentials([sd_jwt]).outcomes
    assert outcome.status == "stored", outcome.reasons
    with pytest.raises(PresentationError, match="not in this vault"):
        wallet.plan_presentation([outcome.record_id or ""], domain=DOMAIN, did=me)
    assert wallet.disclosures() == []


@pytest.mark.usefixtures("cli_vault")
def test_cli_presents_an_sd_jwt_vc_with_another_credential_and_verifies_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    held = _holder_with_sd_jwt(tmp_path, monkeypatch, capsys)[1]
    code, out, err = invoke_main(monkeypatch, capsys, "import", "--json", str(held))
    assert code == 0, err
    sd_record = json.loads(out)[0]["id"]
    skill = "http://data.europa.eu/esco/skill/7a6a4e0a-4b16-4b59-b7e6-4a1f2d7e8a9b"
    code, out, err = invoke_main(
        monkeypatch, capsys, "self-assess", "--skill", skill, "--label", "teamwork",
        "--level", "B", "--json",
    )  # fmt: skip
    assert code == 0, err
    code, out, _ = invoke_main(monkeypatch, capsys, "list", "--json")
    (own,) = [item["id"] for item in json.loads(out) if item["id"] != sd_record]
    presented = tmp_path / "vp.json"
    said, report = present_and_verify(
        monkeypatch, capsys,
        ["--credential", own[:8], "--credential", sd_record[:8], "--disclose", "given_name"],
        "c-5", presented,
    )  # fmt: skip
    assert "enveloped dc+sd-jwt, chosen claims" in said and "withholds /skills" in said
    formats = {
        c["target"]: c.get("detail", {}).get("format")
        for c in report["checks"]
        if c["id"] == "structure"
    }
    assert formats["credential[1]"] == "dc+sd-jwt"
