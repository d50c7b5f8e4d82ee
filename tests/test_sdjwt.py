"""SD-JWT VCs: the spec's disclosure examples, issuing, presenting with a KB-JWT and
verifying; every kind of bad input a failed check with its reason; the vault; and the
SD-JWT reference implementation (PyPI ``sd-jwt``) as a peer in both directions."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import pytest

from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keys import KeyPair, KeySigner, public_key_to_jwk
from skillswallet.errors import PresentationError
from skillswallet.jose import digest, issue_sd_jwt_vc, make_disclosure, present_sd_jwt
from skillswallet.jose.compact import MAX_COMPACT_BYTES, b64url_encode
from skillswallet.jose.disclosures import conceal, parse_disclosure, process
from skillswallet.jose.keys import sign_jws
from skillswallet.result import CheckId, Status
from skillswallet.verify import PresentationChallengeMissing, verify
from skillswallet.wallet import Wallet

from .conftest import NOW

ESCO_PYTHON = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
CLAIMS: dict[str, Any] = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "address": {"street": "1 Analytical Way", "locality": "London"},
    "skills": [{"id": ESCO_PYTHON, "name": "Python (computer programming)"}],
}


def _signer(key_type: str = "p256") -> KeySigner:
    pair = KeyPair.generate(key_type)
    return pair.signer(verification_method_id(pair.public))


def _public(signer: KeySigner) -> Any:
    return signer.key_pair.public


def _issue(
    issuer: KeySigner, holder: KeySigner | None, paths: list[str] | None = None, **kw: Any
) -> str:
    return issue_sd_jwt_vc(
        CLAIMS,
        issuer,
        vct="https://credentials.example/skills",
        disclosable=paths
        if paths is not None
        else ["given_name", "family_name", "address", "address.street", "skills[]"],
        holder_key=_public(holder) if holder is not None else None,
        issued_at=kw.pop("issued_at", NOW - timedelta(days=1)),
        **kw,
    ).serialization


def _failed(result: Any) -> dict[str, str]:
    return {
        c.id.value: c.reason
        for c in result.checks
        if c.status is not Status.PASSED and c.status is not Status.SKIPPED
    }


# --- the spec's examples (SD-JWT §4.2) ---------------------------------------------------------


def test_spec_disclosure_and_digest_examples() -> None:
    made = make_disclosure("family_name", "Möbius", salt="_26bc4LT-ac6q2KI6cBW5es")
    assert made.encoded == "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0"
    assert made.digest == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0"
    element = make_disclosure(None, "FR", salt="lklxF5jMYlGTPUovMNIvCA")
    assert element.encoded == "WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0"
    assert element.digest == "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs"


@pytest.mark.parametrize(
    "encoded",
    [
        "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNXHUwMGY2Yml1cyJd",
        "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsImZhbWlseV9uYW1lIiwiTcO2Yml1cyJd",
        "WwoiXzI2YmM0TFQtYWM2cTJLSTZjQlc1ZXMiLAoiZmFtaWx5X25hbWUiLAoiTcO2Yml1cyIKXQ",
    ],
)
def test_spec_encoding_variants_read_the_same_claim(encoded: str) -> None:
    found = parse_disclosure(encoded)
    assert (found.name, found.value) == ("family_name", "Möbius")
    payload = {"given_name": "Alice", "_sd": [digest(encoded)]}
    assert process(payload, [encoded]).payload == {"given_name": "Alice", "family_name": "Möbius"}


def test_spec_array_example_withheld_element_is_removed() -> None:
    payload = {
        "nationalities": ["DE", {"...": "w0I8EKcdCtUPkGCNUrfwVp2xEgNjtoIDlOxc9-PlOhs"}, "US"]
    }
    assert process(payload, []).payload == {"nationalities": ["DE", "US"]}
    shown = process(payload, ["WyJsa2x4RjVqTVlsR1RQVW92TU5JdkNBIiwgIkZSIl0"]).payload
    assert shown == {"nationalities": ["DE", "FR", "US"]}


# --- issue, present, verify ------------------------------------------------------------------


@pytest.mark.parametrize("key_type", ["p256", "ed25519"])
def test_issued_sd_jwt_vc_verifies_and_reveals_every_claim(key_type: str) -> None:
    issuer, holder = _signer(key_type), _signer("ed25519")
    result = verify(_issue(issuer, holder), now=NOW)
    assert result.verified, _failed(result)
    structure = result.check(CheckId.STRUCTURE)
    assert structure.detail["format"] == "dc+sd-jwt" and "SD-JWT VC" in structure.reason
    alg = "ES256" if key_type == "p256" else "EdDSA"
    assert alg in result.check(CheckId.PROOF).reason
    assert result.check(CheckId.DISCLOSURES).detail["disclosed"] == [
        "address",
        "address.street",
        "family_name",
        "given_name",
        "skills",
    ]


def test_presentation_reveals_only_the_chosen_claims_and_binds_nonce_and_audience() -> None:
    issuer, holder = _signer(), _signer()
    made = present_sd_jwt(
        _issue(issuer, holder), ["given_name", "address.street"],
        nonce="n-123", audience="https://jobs.example", holder=holder, now=NOW,
    )  # fmt: skip
    assert made.disclosed == ["address", "address.street", "given_name"]
    assert made.withheld == ["family_name", "skills"]
    result = verify(made.serialization, now=NOW, challenge="n-123", domain="https://jobs.example")
    assert result.verified, _failed(result)
    from skillswallet.jose.sdjwt import read_sd_jwt

    claims = read_sd_jwt(made.serialization).claims
    assert claims["address"] == {"street": "1 Analytical Way", "locality": "London"}
    assert "family_name" not in claims and claims["skills"] == []


def test_present_refuses_an_unknown_claim_and_a_key_that_is_not_bound() -> None:
    issuer, holder = _signer(), _signer()
    text = _issue(issuer, holder)
    with pytest.raises(PresentationError, match="no claim 'birthdate'"):
        present_sd_jwt(text, ["birthdate"], nonce="n", audience="a", holder=holder, now=NOW)
    with pytest.raises(PresentationError, match="another key"):
        present_sd_jwt(text, ["given_name"], nonce="n", audience="a", holder=_signer(), now=NOW)


def _present(nonce: str = "n-1", aud: str = "verifier.example") -> tuple[str, KeySigner]:
    issuer, holder = _signer(), _signer()
    text = _issue(issuer, holder)
    made = present_sd_jwt(text, ["given_name"], nonce=nonce, audience=aud, holder=holder, now=NOW)
    return made.serialization, holder


def test_kb_jwt_with_a_wrong_nonce_or_audience_fails() -> None:
    text, _ = _present()
    result = verify(text, now=NOW, challenge="other", domain="elsewhere.example")
    failed = _failed(result)
    assert "nonce 'n-1' is not the expected 'other'" in failed["challenge"]
    assert "audience 'verifier.example'" in failed["domain"]


def test_kb_jwt_over_other_disclosures_fails_sd_hash() -> None:
    issuer, holder = _signer(), _signer()
    full = _issue(issuer, holder)
    made = present_sd_jwt(full, ["given_name"], nonce="n", audience="a", holder=holder, now=NOW)
    jwt, *rest = made.serialization.split("~")
    extra = next(d for d in full.split("~")[1:-1] if d not in rest)
    added = "~".join([jwt, *rest[:-1], extra, rest[-1]])  # a disclosure slipped in
    failed = _failed(verify(added, now=NOW, challenge="n", domain="a"))
    assert "sd_hash does not match" in failed["holder_binding"]


def test_key_binding_required_with_a_challenge_and_never_chosen_by_the_input() -> None:
    issuer, holder = _signer(), _signer()
    bare = _issue(issuer, holder)
    failed = _failed(verify(bare, now=NOW, challenge="n", domain="a"))
    assert "no KB-JWT" in failed["holder_binding"]
    text, _ = _present()
    with pytest.raises(PresentationChallengeMissing):
        verify(text, now=NOW)


def test_kb_jwt_signed_by_another_key_or_too_old_fails() -> None:
    issuer, holder = _signer(), _signer()
    full = _issue(issuer, holder)
    sd_jwt = full  # the whole SD-JWT, presented as is
    from skillswallet.jose.sdjwt import sd_hash_of

    forged = sign_jws(
        {"typ": "kb+jwt"},
        {"iat": int(NOW.timestamp()), "aud": "a", "nonce": "n", "sd_hash": sd_hash_of(sd_jwt)},
        _signer(),
    )
    assert (
        "signature of the KB-JWT does not match"
        in _failed(verify(sd_jwt + forged, now=NOW, challenge="n", domain="a"))["holder_binding"]
    )
    made = present_sd_jwt(full, [], nonce="n", audience="a", holder=holder, now=NOW)
    later = NOW + timedelta(hours=1)
    assert (
        "too old" in _failed(verify(made.serialization, now=later, challenge="n"))["holder_binding"]
    )


# --- bad input ------------------------------------------------------------------------------------


def _header_b64(header: dict[str, Any]) -> str:
    return b64url_encode(json.dumps(header).encode())


def _signed_payload(text: str) -> dict[str, Any]:
    from skillswallet.jose.compact import unverified_payload

    return unverified_payload(text.split("~")[0])


def test_alg_none_is_refused() -> None:
    issuer = _signer()
    text = _issue(issuer, None)
    jwt = text.split("~")[0]
    header = {"alg": "none", "typ": "dc+sd-jwt", "kid": issuer.verification_method}
    unsigned = _header_b64(header) + "." + jwt.split(".")[1] + "."
    result = verify(text.replace(jwt, unsigned), now=NOW)
    assert "alg 'none'" in _failed(result)["proof"]
    assert not result.verified


def test_hs256_with_the_public_key_as_secret_is_refused() -> None:
    issuer = _signer()
    text = _issue(issuer, None)
    jwt = text.split("~")[0]
    header = {"alg": "HS256", "typ": "dc+sd-jwt", "kid": issuer.verification_method}
    signing_input = _header_b64(header) + "." + jwt.split(".")[1]
    for secret in (
        json.dumps(public_key_to_jwk(_public(issuer))).encode(),
        _public(issuer).raw,
    ):
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        forged = text.replace(jwt, signing_input + "." + b64url_encode(mac))
        result = verify(forged, now=NOW)
        assert "'HS256', which is not accepted" in _failed(result)["proof"]


def test_unknown_crit_header_is_refused() -> None:
    issuer = _signer()
    payload = _signed_payload(_issue(issuer, None))
    jwt = sign_jws(
        {"typ": "dc+sd-jwt", "kid": issuer.verification_method, "crit": ["urn:x"], "urn:x": 1},
        payload,
        issuer,
    )
    assert "Unsupported ['urn:x']" in _failed(verify(jwt + "~", now=NOW))["proof"]


def test_oversized_input_is_refused_quickly() -> None:
    issuer = _signer()
    huge = _issue(issuer, None) + "A" * MAX_COMPACT_BYTES
    started = time.perf_counter()
    result = verify(huge, now=NOW)
    assert time.perf_counter() - started < 1.0
    assert "more than the 1,048,576 accepted" in _failed(result)["structure"]


def test_duplicated_disclosure_is_refused() -> None:
    text = _issue(_signer(), None)
    jwt, first, *rest = text.split("~")
    assert (
        "more than once"
        in _failed(verify("~".join([jwt, first, first, *rest]), now=NOW))["structure"]
    )


def test_unreferenced_or_forged_disclosure_is_refused() -> None:
    text = _issue(_signer(), None)
    stray = make_disclosure("given_name", "Mallory").encoded  # its digest is nowhere
    failed = _failed(verify(text + stray + "~", now=NOW))
    assert "not referred to by any digest" in failed["structure"]
    # a disclosure whose digest the issuer did not sign, in place of the real one
    jwt, *disclosures, last = text.split("~")
    swapped = "~".join([jwt, stray, *disclosures[1:], last])
    assert "not referred to by any digest" in _failed(verify(swapped, now=NOW))["structure"]


def test_a_digest_signed_twice_is_refused() -> None:
    issuer = _signer()
    made = make_disclosure("given_name", "Ada")
    payload = {"iss": "x", "vct": "v", "_sd": [made.digest], "nested": {"_sd": [made.digest]}}
    jwt = sign_jws({"typ": "dc+sd-jwt", "kid": issuer.verification_method}, payload, issuer)
    assert "more than once" in _failed(verify(jwt + "~" + made.encoded + "~", now=NOW))["structure"]


def test_hiding_a_validity_claim_is_refused() -> None:
    issuer = _signer()
    payload, disclosures = conceal({"exp": 1, "name": "x"}, ["exp"])
    payload.update({"vct": "v", "_sd_alg": "sha-256"})
    jwt = sign_jws({"typ": "dc+sd-jwt", "kid": issuer.verification_method}, payload, issuer)
    text = jwt + "~" + disclosures[0].encoded + "~"
    assert "'exp' is selectively disclosable" in _failed(verify(text, now=NOW))["structure"]


def test_expired_and_not_yet_valid_jwts_fail_their_validity_check() -> None:
    issuer = _signer()
    expired = _issue(issuer, None, expires=NOW - timedelta(hours=1))
    assert (
        "expired at 2025-07-01T11:00:00Z (exp)"
        in _failed(verify(expired, now=NOW))["validity_period"]
    )
    future = _issue(issuer, None, issued_at=NOW + timedelta(hours=1))
    assert "issued in the future" in _failed(verify(future, now=NOW))["validity_period"]


def test_tampered_payload_fails_the_signature() -> None:
    text = _issue(_signer(), None)
    jwt = text.split("~")[0]
    header, _payload, signature = jwt.split(".")
    claims = _signed_payload(text) | {"vct": "https://evil.example"}
    forged = ".".join([header, b64url_encode(json.dumps(claims).encode()), signature])
    assert "does not match" in _failed(verify(text.replace(jwt, forged), now=NOW))["proof"]


def test_issuer_key_from_kid_must_be_the_issuers_and_a_pinned_key_replaces_it() -> None:
    issuer = _signer()
    text = issue_sd_jwt_vc(
        {"a": 1}, issuer, vct="v", disclosable=["a"], issuer="did:example:university",
        issued_at=NOW,
    ).serialization  # fmt: skip
    failed = _failed(verify(text, now=NOW))
    assert "not the issuer did:example:university" in failed["issuer_binding"]
    pinned = verify(text, now=NOW, issuer_key=public_key_to_jwk(_public(issuer)))
    assert pinned.verified and "pinned key" in pinned.check(CheckId.ISSUER_BINDING).reason
    wrong = verify(text, now=NOW, issuer_key=public_key_to_jwk(_public(_signer())))
    assert "does not match" in _failed(wrong)["proof"]


def test_no_kid_and_no_pinned_key_is_inconclusive() -> None:
    issuer = _signer()
    payload = _signed_payload(_issue(issuer, None))
    jwt = sign_jws({"typ": "dc+sd-jwt"}, payload, issuer)
    result = verify(jwt + "~", now=NOW)
    assert result.check(CheckId.PROOF).status is Status.INCONCLUSIVE and not result.verified


@pytest.mark.parametrize(
    "text",
    [
        "eyJ~",
        "eyJhbGciOiJFUzI1NiJ9.e30.~~",
        "eyJhbGciOiJFUzI1NiJ9.e30.x~!!~",
        "not a jwt",
        "~" * 5000,
    ],
)
def test_malformed_input_is_a_failed_check_never_an_exception(text: str) -> None:
    result = verify(text, now=NOW)
    assert not result.verified and result.check(CheckId.STRUCTURE).status is Status.FAILED


def test_many_deep_disclosures_are_decided_in_bounded_time() -> None:
    issuer = _signer()
    value: Any = "x"
    disclosures = []
    for _ in range(200):  # recursive disclosures, each inside the previous one's value
        made = make_disclosure("n", value)
        disclosures.append(made.encoded)
        value = {"_sd": [made.digest]}
    payload = {"vct": "v", **value}
    jwt = sign_jws({"typ": "dc+sd-jwt", "kid": issuer.verification_method}, payload, issuer)
    started = time.perf_counter()
    result = verify(jwt + "~" + "~".join(disclosures) + "~", now=NOW)
    assert time.perf_counter() - started < 1.0
    assert "nested too deeply" in _failed(result)["structure"]


# --- in the vault ---------------------------------------------------------------------------


def test_wallet_issues_holds_profiles_and_presents_an_sd_jwt_vc(wallet: Wallet, me: str) -> None:
    school = wallet.create_did("p256", label="school")
    text = wallet.issue_sd_jwt(
        CLAIMS, school, vct="https://credentials.example/skills",
        disclosable=["given_name", "family_name", "skills[]"], holder=me,
    )  # fmt: skip
    outcome = wallet.import_credentials([text]).outcomes[0]
    assert outcome.status == "stored", outcome.reasons
    assert outcome.skills == [ESCO_PYTHON]
    assert wallet.import_credentials([text]).outcomes[0].status == "duplicate"
    summary, claims = wallet.get(outcome.record_id or "")
    assert summary.format == "dc+sd-jwt" and summary.issuer == school
    assert summary.skill_labels == ["Python (computer programming)"]
    assert claims["given_name"] == "Ada" and wallet.serialization(summary.id) == text
    profile = [(c.skill, c.issuer) for c in wallet.skill_claims()]
    assert profile == [(ESCO_PYTHON, school)]
    made = wallet.present_sd_jwt(
        summary.id, disclose=["given_name"], nonce="n-9", audience="jobs.example"
    )
    result = verify(
        made.presentation.serialization, now=NOW, challenge="n-9", domain="jobs.example"
    )
    assert result.verified, _failed(result)
    entry = wallet.disclosures()[-1]
    assert entry.verifier == "jobs.example" and entry.disclosed == [f"{summary.id}: given_name"]
    assert f"{summary.id}: family_name" in entry.withheld
    # inside a Data Integrity presentation too, enveloped (tests/test_enveloped.py)
    inside = wallet.present([summary.id], challenge="c", domain="d", did=me).presentation
    assert verify(inside, now=NOW, challenge="c", domain="d").verified


def test_wallet_refuses_a_presentation_and_a_forged_sd_jwt(wallet: Wallet, me: str) -> None:
    text, _ = _present()
    refused = wallet.import_credentials([text]).outcomes[0]
    assert refused.status == "refused" and "is a presentation" in refused.reasons[0]
    forged = _issue(_signer(), None) + make_disclosure("x", 1).encoded + "~"
    assert wallet.import_credentials([forged]).outcomes[0].status == "refused"


def test_export_writes_the_sd_jwt_as_it_came(wallet: Wallet, me: str, tmp_path: Any) -> None:
    text = _issue(_signer(), None)
    wallet.import_credentials([text])
    [path] = wallet.export_plaintext(tmp_path / "out")
    assert path.suffix == ".sd-jwt" and path.read_text().strip() == text


# --- the reference implementation (PyPI sd-jwt) as a peer ------------------------------------


def _jwcrypto_key(pair: KeyPair) -> Any:
    from jwcrypto.jwk import JWK

    d = base64.urlsafe_b64encode(pair._secret).rstrip(b"=").decode()
    return JWK(**public_key_to_jwk(pair.public), d=d)


def test_reference_implementation_reads_ours() -> None:
    pytest.importorskip("sd_jwt")
    from sd_jwt.verifier import SDJWTVerifier

    issuer, holder = _signer("p256"), _signer("p256")
    made = present_sd_jwt(
        _issue(issuer, holder), ["given_name", "skills"], nonce="n", audience="aud",
        holder=holder, now=NOW,
    )  # fmt: skip
    checked = SDJWTVerifier(
        made.serialization,
        lambda iss, header: _jwcrypto_key(issuer.key_pair).public(),
        expected_aud="aud",
        expected_nonce="n",
    ).get_verified_payload()
    assert checked["given_name"] == "Ada" and checked["skills"][0]["id"] == ESCO_PYTHON
    assert "family_name" not in checked


def test_we_read_the_reference_implementations() -> None:
    pytest.importorskip("sd_jwt")
    from sd_jwt.common import SDObj
    from sd_jwt.holder import SDJWTHolder
    from sd_jwt.issuer import SDJWTIssuer

    issuer_pair, holder_pair = KeyPair.generate("p256"), KeyPair.generate("p256")
    kid = verification_method_id(issuer_pair.public)
    claims = {
        "iss": did_from_public_key(issuer_pair.public),
        "iat": int(NOW.timestamp()),
        "vct": "https://credentials.example/skills",
        SDObj("given_name"): "Ada",
        SDObj("family_name"): "Lovelace",
        "nationalities": [SDObj("DE"), "FR"],
    }
    issued = SDJWTIssuer(
        claims, _jwcrypto_key(issuer_pair), _jwcrypto_key(holder_pair).public(),
        add_decoy_claims=True, extra_header_parameters={"typ": "dc+sd-jwt", "kid": kid},
    ).sd_jwt_issuance  # fmt: skip
    held = verify(issued, now=NOW)
    assert held.verified, _failed(held)
    holder = SDJWTHolder(issued)
    holder.create_presentation(
        {"given_name": True}, nonce="n", aud="aud", holder_key=_jwcrypto_key(holder_pair)
    )
    result = verify(
        holder.sd_jwt_presentation,
        now=NOW + timedelta(seconds=time.time() - NOW.timestamp()),
        challenge="n",
        domain="aud",
    )
    assert result.verified, _failed(result)
    assert result.check(CheckId.DISCLOSURES).detail["disclosed"] == ["given_name"]
