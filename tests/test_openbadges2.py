"""Open Badges 2.0: assertions as JSON, signed (JWS RS256/ES256 against a pinned issuer key)
and hosted (stored, flagged, never verified offline), baked into PNG and SVG; their
alignments in the skills profile at the level their checking earns; bad input refused
with a reason."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from skillswallet.openbadges2 import (
    IssuerKey,
    is_openbadge2,
    load_issuer_key,
    recipient_matches,
    verify_openbadge2,
)
from skillswallet.result import CheckId, Status, VerificationResult
from skillswallet.skills.evidence import EvidenceLevel
from skillswallet.wallet import Wallet

from .conftest import NOW, invoke_main
from .imagekit import IDAT, IEND, IHDR, SIGNATURE, itxt

ISSUER = "https://badges.example.org/issuer"
KEY_ID = "https://badges.example.org/keys/1"
ESCO_SKILL = "http://data.europa.eu/esco/skill/4f8d2b35-4ac8-4f1f-b4d2-1f2e54a6a0a1"
EMAIL = "alice@example.org"
SALT = "deadsea"

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def _pem(key: Any) -> str:
    return str(
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _key_document(key: Any = RSA_KEY, owner: str = ISSUER) -> dict[str, Any]:
    return {"type": "CryptographicKey", "id": KEY_ID, "owner": owner, "publicKeyPem": _pem(key)}


def _pinned(key: Any = RSA_KEY, owner: str = ISSUER) -> IssuerKey:
    return load_issuer_key(json.dumps(_key_document(key, owner)).encode())


def assertion(kind: str = "signed", **changes: Any) -> dict[str, Any]:
    hashed = "sha256$" + hashlib.sha256((EMAIL + SALT).encode()).hexdigest()
    doc: dict[str, Any] = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.org/assertions/123"
        if kind == "hosted"
        else "urn:uuid:2f4e0ec6-63a7-4a36-9aa1-1f1c4f2c9a11",
        "recipient": {"type": "email", "hashed": True, "salt": SALT, "identity": hashed},
        "issuedOn": "2024-05-01T10:00:00Z",
        "verification": {"type": "SignedBadge", "creator": KEY_ID}
        if kind == "signed"
        else {"type": "HostedBadge"},
        "badge": {
            "type": "BadgeClass",
            "id": "https://badges.example.org/badges/welding",
            "name": "MIG welding",
            "description": "Welds steel with MIG.",
            "image": "https://badges.example.org/badges/welding.png",
            "criteria": {"narrative": "Passed the practical test."},
            "alignment": [
                {"targetName": "weld metal", "targetUrl": ESCO_SKILL, "targetFramework": "ESCO"}
            ],
            "issuer": {
                "type": "Profile",
                "id": ISSUER,
                "name": "Example Welding School",
                "url": "https://badges.example.org",
                "email": "contact@badges.example.org",
            },
        },
    }
    doc.update(changes)
    return doc


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(payload: dict[str, Any], alg: str = "RS256", key: Any = RSA_KEY, **header: Any) -> str:
    head = _b64(json.dumps({"alg": alg, **header}).encode())
    body = _b64(json.dumps(payload).encode())
    data = f"{head}.{body}".encode()
    if alg == "RS256":
        signature = key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    elif alg == "ES256":
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    elif alg.startswith("HS"):
        import hmac

        signature = hmac.new(_pem(RSA_KEY).encode(), data, hashlib.sha256).digest()
    else:
        signature = b""
    return f"{head}.{body}.{_b64(signature)}"


def _check(result: VerificationResult, check: CheckId) -> Any:
    return next(c for c in result.checks if c.id is check)


# --- signed assertions ---------------------------------------------------------------------------


@pytest.mark.parametrize(("alg", "key"), [("RS256", RSA_KEY), ("ES256", EC_KEY)])
def test_a_signed_assertion_verifies_with_the_pinned_key(alg: str, key: Any) -> None:
    token = sign(assertion(), alg, key)
    assert is_openbadge2(token)
    result = verify_openbadge2(token, keys=[_pinned(key)], now=NOW)
    assert result.verified, result.to_json()
    structure = _check(result, CheckId.STRUCTURE)
    assert structure.detail["format"] == "openbadges-2.0"
    assert "Open Badges 2.0" in structure.reason
    assert alg in _check(result, CheckId.PROOF).reason


def test_a_bare_pem_key_is_accepted() -> None:
    token = sign(assertion())
    key = load_issuer_key(_pem(RSA_KEY).encode())
    assert verify_openbadge2(token, keys=[key], now=NOW).verified


def test_an_assertion_modified_after_signing_fails() -> None:
    token = sign(assertion())
    head, _body, signature = token.split(".")
    forged = assertion()
    forged["badge"]["name"] = "Master welder"
    token = f"{head}.{_b64(json.dumps(forged).encode())}.{signature}"
    check = _check(verify_openbadge2(token, keys=[_pinned()], now=NOW), CheckId.PROOF)
    assert check.status is Status.FAILED and "does not match" in check.reason


def test_the_wrong_key_fails_and_no_key_is_inconclusive() -> None:
    token = sign(assertion())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert (
        _check(verify_openbadge2(token, keys=[_pinned(other)], now=NOW), CheckId.PROOF).status
        is Status.FAILED
    )
    result = verify_openbadge2(token, now=NOW)
    assert not result.verified
    assert _check(result, CheckId.PROOF).status is Status.INCONCLUSIVE


def test_a_key_of_another_issuer_is_not_used() -> None:
    token = sign(assertion())
    result = verify_openbadge2(token, keys=[_pinned(owner="https://other.example/")], now=NOW)
    assert _check(result, CheckId.PROOF).status is Status.INCONCLUSIVE
    assert not result.verified


@pytest.mark.parametrize(
    ("alg", "words"), [("none", "unsigned"), ("HS256", "shared-secret"), ("PS256", "not accepted")]
)
def test_unsafe_algorithms_are_refused(alg: str, words: str) -> None:
    token = sign(assertion(), alg)
    check = _check(verify_openbadge2(token, keys=[_pinned()], now=NOW), CheckId.PROOF)
    assert check.status is Status.FAILED and words in check.reason


def test_an_unknown_crit_header_is_refused() -> None:
    token = sign(assertion(), crit=["exp"])
    check = _check(verify_openbadge2(token, keys=[_pinned()], now=NOW), CheckId.PROOF)
    assert check.status is Status.FAILED and "crit" in check.reason


def test_a_creator_off_the_issuers_host_fails() -> None:
    doc = assertion(verification={"type": "SignedBadge", "creator": "https://evil.example/k"})
    token = sign(doc)
    key = load_issuer_key(json.dumps({**_key_document(), "id": "https://evil.example/k"}).encode())
    result = verify_openbadge2(token, keys=[key], now=NOW)
    check = _check(result, CheckId.ISSUER_BINDING)
    assert check.status is Status.FAILED and "not on the issuer's host" in check.reason
    assert not result.verified


def test_a_weak_rsa_key_file_is_refused() -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    from skillswallet.errors import InvalidDocumentError

    with pytest.raises(InvalidDocumentError, match="2048"):
        load_issuer_key(_pem(weak).encode())


def test_an_expired_or_revoked_assertion_fails() -> None:
    token = sign(assertion(expires="2025-01-01T00:00:00Z"))
    check = _check(verify_openbadge2(token, keys=[_pinned()], now=NOW), CheckId.VALIDITY_PERIOD)
    assert check.status is Status.FAILED and "expired" in check.reason
    result = verify_openbadge2(sign(assertion(revoked=True)), keys=[_pinned()], now=NOW)
    assert _check(result, CheckId.STATUS).status is Status.FAILED


def test_garbage_is_a_failed_structure_check_not_an_exception() -> None:
    for bad in ("a.b.c", "x" * 10, {"type": "Assertion", "badge": 1, "recipient": 2}):
        result = verify_openbadge2(bad, now=NOW)
        assert not result.verified
        assert result.checks[0].id is CheckId.STRUCTURE


# --- hosted assertions --------------------------------------------------------------------------


def test_a_hosted_assertion_is_never_verified_offline() -> None:
    result = verify_openbadge2(assertion("hosted"), now=NOW)
    assert not result.verified
    check = _check(result, CheckId.PROOF)
    assert check.status is Status.INCONCLUSIVE and "issued by a host" in check.reason
    assert _check(result, CheckId.ISSUER_BINDING).status is Status.PASSED


@pytest.mark.parametrize(
    "changes",
    [
        {"id": "https://evil.example/assertions/123"},
        {"verify": {"type": "hosted", "url": "https://evil.example/a.json"}},
    ],
    ids=["id", "legacy-verify-url"],
)
def test_a_hosted_assertion_off_the_issuers_host_fails(changes: dict[str, Any]) -> None:
    doc = assertion("hosted", **changes)
    if "verify" in changes:
        del doc["verification"]
    check = _check(verify_openbadge2(doc, now=NOW), CheckId.ISSUER_BINDING)
    assert check.status is Status.FAILED and "evil.example" in check.reason


def test_allowed_origins_of_the_issuer_are_honoured() -> None:
    doc = assertion("hosted", id="https://cdn.example.net/a/1")
    doc["badge"]["issuer"]["verification"] = {"allowedOrigins": ["cdn.example.net"]}
    assert _check(verify_openbadge2(doc, now=NOW), CheckId.ISSUER_BINDING).status is Status.PASSED


def test_recipient_matching_hashed_and_plain() -> None:
    assert recipient_matches(assertion(), [EMAIL])
    assert not recipient_matches(assertion(), ["bob@example.org"])
    plain = assertion(recipient={"type": "email", "hashed": False, "identity": EMAIL})
    assert recipient_matches(plain, ["Alice@Example.org"])


# --- the vault and the profile ------------------------------------------------------------------


def _skill_levels(wallet: Wallet) -> dict[str, EvidenceLevel]:
    return {c.skill: c.level for c in wallet.skill_claims(now=NOW)}


def test_import_signed_counts_as_assessed_hosted_counts_for_nothing(wallet: Wallet) -> None:
    token = sign(assertion())
    report = wallet.import_credentials([token], issuer_keys=[_pinned()], recipients=[EMAIL])
    (outcome,) = report.outcomes
    assert outcome.status == "stored", outcome.reasons
    assert outcome.flags == [] and outcome.skills == [ESCO_SKILL]
    summary, body = wallet.get(outcome.record_id or "")
    assert body == assertion()  # the assertion as it was signed
    assert summary.issuer == ISSUER and summary.name == "MIG welding"
    assert summary.issuer_name == "Example Welding School"
    assert summary.verified and summary.skill_labels == ["weld metal"]
    assert _skill_levels(wallet) == {ESCO_SKILL: EvidenceLevel.ASSESSED}

    hosted = assertion("hosted")
    hosted["badge"]["alignment"][0]["targetUrl"] = ESCO_SKILL + "-2"
    (outcome,) = wallet.import_credentials([hosted], recipients=[EMAIL]).outcomes
    assert outcome.status == "stored"
    assert outcome.flags[:2] == ["hosted-unverified", "unverified"]
    summary, _ = wallet.get(outcome.record_id or "")
    assert not summary.verified
    assert _skill_levels(wallet) == {ESCO_SKILL: EvidenceLevel.ASSESSED}  # nothing raised


def test_a_badge_for_someone_else_counts_for_nothing(wallet: Wallet) -> None:
    report = wallet.import_credentials([sign(assertion())], issuer_keys=[_pinned()])
    (outcome,) = report.outcomes
    assert outcome.status == "stored" and outcome.warnings
    assert _skill_levels(wallet) == {}


def test_import_refuses_bad_signatures_and_unpinned_keys(wallet: Wallet) -> None:
    bad = sign(assertion(), "none")
    unpinned = sign(assertion())
    off = assertion("hosted", id="https://evil.example/assertions/1")
    report = wallet.import_credentials([bad, unpinned, off], recipients=[EMAIL])
    assert [o.status for o in report.outcomes] == ["refused"] * 3
    assert "unsigned" in report.outcomes[0].reasons[0]
    assert "no key" in report.outcomes[1].reasons[0]
    assert any("evil.example" in r for r in report.outcomes[2].reasons)
    assert wallet.credentials() == []


def test_a_vc_naming_the_holder_marker_is_not_taken_at_its_word() -> None:
    from skillswallet.skills.evidence import HOLDER_SUBJECT, claim_facts

    from .vaultkit import credential

    doc = credential()
    doc["credentialSubject"]["id"] = HOLDER_SUBJECT
    assert claim_facts(doc).subjects == ()


# --- baked images and the command line ------------------------------------------------------------


def _png(*chunks: bytes) -> bytes:
    return SIGNATURE + IHDR + b"".join(chunks) + IDAT + IEND


def _svg(inner: str) -> bytes:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        f"{inner}<rect/></svg>"
    ).encode()


def test_extract_baked_png_and_svg() -> None:
    from skillswallet.errors import BakedImageError
    from skillswallet.skills.baking import extract_badge

    token = sign(assertion())
    assert extract_badge(_png(itxt(token.encode(), b"openbadges"))) == token
    hosted = assertion("hosted")
    json_png = _png(itxt(json.dumps(hosted).encode(), b"openbadges"))
    assert extract_badge(json_png) == hosted
    svg = _svg(f'<openbadges:assertion verify="{token}"/>')
    assert extract_badge(svg) == token
    svg = _svg(f"<openbadges:assertion><![CDATA[{json.dumps(hosted)}]]></openbadges:assertion>")
    assert extract_badge(svg) == hosted
    two = _png(itxt(token.encode(), b"openbadges"), itxt(token.encode(), b"openbadges"))
    with pytest.raises(BakedImageError, match="more than one badge"):
        extract_badge(two)
    ob3 = _png(itxt(b"{}"), itxt(token.encode(), b"openbadges"))
    with pytest.raises(BakedImageError, match="more than one badge"):
        extract_badge(ob3)


def _write(tmp: Path, name: str, data: bytes | str) -> str:
    path = tmp / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def test_cli_verify_and_import(
    tmp_path: Path,
    cli_vault: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = sign(assertion())
    key = _write(tmp_path, "key.json", json.dumps(_key_document()))
    png = _write(tmp_path, "badge.png", _png(itxt(token.encode(), b"openbadges")))
    jws = _write(tmp_path, "badge.jws", token + "\n")
    hosted = _write(tmp_path, "hosted.json", json.dumps(assertion("hosted")))

    code, out, _ = invoke_main(monkeypatch, capsys, "verify", "--issuer-key", key, png)
    assert code == 0 and out.startswith("VERIFIED")
    assert "Open Badges 2.0" in out and "MIG welding" in out
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", "--json", jws)
    assert code == 1 and json.loads(out)["verified"] is False
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", hosted)
    assert code == 1 and "issued by a host, not verified offline" in out

    code, _, err = invoke_main(monkeypatch, capsys, "init")
    assert code == 0, err
    code, out, err = invoke_main(
        monkeypatch, capsys, "import", "--issuer-key", key, "--recipient", EMAIL, png, hosted
    )
    assert code == 0, err + out
    code, out, _ = invoke_main(monkeypatch, capsys, "list", "--json")
    listed = json.loads(out)
    assert len(listed) == 2
    assert sorted(tuple(item["flags"]) for item in listed) == [
        (),
        ("hosted-unverified", "unverified"),
    ]

    two = _write(
        tmp_path,
        "two.png",
        _png(itxt(token.encode(), b"openbadges"), itxt(token.encode(), b"openbadges")),
    )
    code, _, err = invoke_main(monkeypatch, capsys, "import", two)
    assert code == 3 and "more than one badge" in err
    junk = _write(tmp_path, "junk.txt", "hello world")
    code, _, err = invoke_main(monkeypatch, capsys, "verify", junk)
    assert code == 3 and "PNG or SVG" in err
    tampered = copy.deepcopy(assertion())
    tampered["badge"]["name"] = "x"
    head, _, sig = token.split(".")
    forged = _write(tmp_path, "forged.jws", f"{head}.{_b64(json.dumps(tampered).encode())}.{sig}")
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", "--issuer-key", key, forged)
    assert code == 1 and "does not match" in out
