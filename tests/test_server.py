"""The VC API service in process (Starlette's TestClient): issue, verify, derive, status
changes and lists, and every kind of bad input answered with a problem body."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient

from skillswallet.did.multikey import KeyType
from skillswallet.server import ServerConfig, create_app

from .serverkit import BASE, TOKEN, auth, make_issuer_vault, secrets_in_env, unsigned


@pytest.fixture(scope="module")
def issuer_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("issuer")


@pytest.fixture(scope="module")
def client(issuer_folder: Path) -> Iterator[TestClient]:
    with pytest.MonkeyPatch.context() as mp:
        secrets_in_env(mp)
        vault = make_issuer_vault(issuer_folder)
        config = ServerConfig(vault=vault.path, status_base_url=BASE, suspension=True)
        with TestClient(create_app(config), raise_server_exceptions=False) as c:
            c.did = vault.did  # type: ignore[attr-defined]
            yield c


def issue(client: TestClient, credential: dict[str, Any], **options: Any) -> Any:
    body: dict[str, Any] = {"credential": credential}
    if options:
        body["options"] = options
    return client.post("/credentials/issue", json=body, headers=auth())


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_issue_then_verify_with_status(client: TestClient) -> None:
    response = issue(client, unsigned())
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["issuer"] == client.did  # type: ignore[attr-defined]
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    entries = vc["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    assert all(e["statusListCredential"].startswith(BASE + "/") for e in entries)

    verified = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert verified.status_code == 200, verified.text
    report = verified.json()
    assert report["verified"] is True and report["problemDetails"] == []
    assert report["results"]["proof"][0]["verified"] is True
    assert all(r["verified"] for r in report["results"]["credentialStatus"])

    # The list is served at the path of its URL, signed by the issuer.
    url = entries[0]["statusListCredential"]
    listed = client.get(url.removeprefix("https://status.school.example"))
    assert listed.status_code == 200
    assert listed.json()["id"] == url and listed.json()["issuer"] == vc["issuer"]

    # Suspend, then verify: 400 with the same report shape; lift it; revoke for good.
    change = {"credentialId": vc["id"], "credentialStatus": [{"status": "suspended"}]}
    assert client.post("/credentials/status", json=change, headers=auth()).status_code == 200
    refused = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert refused.status_code == 400 and refused.json()["verified"] is False
    assert any("STATUS" in p["type"] for p in refused.json()["problemDetails"])
    change["credentialStatus"] = [{"status": "active"}]
    assert client.post("/credentials/status", json=change, headers=auth()).status_code == 200
    assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 200
    newer = {
        "credentialId": vc["id"],
        "credentialStatus": {"type": "BitstringStatusList", "statusPurpose": "revocation"},
        "status": True,
    }
    assert client.post("/credentials/status", json=newer, headers=auth()).status_code == 200
    assert client.post("/credentials/verify", json={"verifiableCredential": vc}).status_code == 400
    newer["status"] = False
    problem(client.post("/credentials/status", json=newer, headers=auth()), 400)
    change["credentialStatus"] = [{"type": "BitstringStatusListCredential", "status": "revoked"}]
    unknown = dict(change, credentialId="urn:uuid:not-issued-here")
    problem(client.post("/credentials/status", json=unknown, headers=auth()), 404)


def test_a_tampered_credential_is_400_with_a_report(client: TestClient) -> None:
    vc = issue(client, unsigned()).json()["verifiableCredential"]
    vc["credentialSubject"]["name"] = "Something else"
    response = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert response.status_code == 400
    report = response.json()
    assert report["verified"] is False
    assert report["results"]["proof"][0]["verified"] is False
    assert any("PROOF_VERIFICATION_ERROR" in p["type"] for p in report["problemDetails"])


def test_issuer_is_kept_only_when_it_is_ours(client: TestClient) -> None:
    did = client.did  # type: ignore[attr-defined]
    ok = issue(client, unsigned(issuer={"id": did, "name": "The School"}))
    assert ok.status_code == 201 and ok.json()["verifiableCredential"]["issuer"]["name"]
    body = problem(issue(client, unsigned(issuer="did:example:someone-else")), 400)
    assert body["errors"][0]["pointer"] == "#/credential/issuer"


def test_a_text_direction_is_signed_with_jcs_unless_a_suite_is_named(client: TestClient) -> None:
    # RDF canonicalization drops @direction (a holder could flip it unnoticed), so with no
    # suite asked for, such a credential is signed with the key's JCS suite, and verifies;
    # asked for by name, the RDFC suite refuses it.
    name = {"@value": "Level 3", "@language": "ar", "@direction": "rtl"}
    directed = unsigned(name=name)
    response = issue(client, directed)
    assert response.status_code == 201, response.text
    vc = response.json()["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == "eddsa-jcs-2022" and vc["name"] == name
    verified = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert verified.status_code == 200, verified.text
    body = problem(issue(client, directed, cryptosuite="eddsa-rdfc-2022"), 400)
    assert "@direction" in json.dumps(body)


def test_other_suites_and_options(client: TestClient) -> None:
    jcs = issue(client, unsigned(), cryptosuite="eddsa-jcs-2022")
    assert jcs.status_code == 201
    assert jcs.json()["verifiableCredential"]["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    # the legacy proof type (the W3C Ed25519Signature2020 suite issues with it): its
    # context is added, it has no cryptosuite member, and it verifies
    legacy = issue(client, unsigned(), cryptosuite="Ed25519Signature2020")
    assert legacy.status_code == 201, legacy.text
    vc = legacy.json()["verifiableCredential"]
    assert vc["proof"]["type"] == "Ed25519Signature2020" and "cryptosuite" not in vc["proof"]
    assert "https://w3id.org/security/suites/ed25519-2020/v1" in vc["@context"]
    verified = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert verified.status_code == 200, verified.text
    body = problem(issue(client, unsigned(), cryptosuite="rsa-2000"), 400)
    assert body["errors"][0]["pointer"] == "#/options/cryptosuite"
    body = problem(issue(client, unsigned(), cryptosuite="ecdsa-sd-2023"), 400)
    assert "ed25519" in body["detail"]
    body = problem(issue(client, unsigned(), mandatoryPointers=["/issuer"]), 400)
    assert body["errors"][0]["pointer"] == "#/options/mandatoryPointers"
    body = problem(issue(client, unsigned(), proofType="Ed25519Signature2018"), 400)
    assert body["errors"][0]["pointer"] == "#/options/proofType"


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"credentialSubject": None}, "/credentialSubject"),
        ({"type": ["OpenBadgeCredential"]}, "/type"),
        ({"validFrom": "yesterday"}, "/validFrom"),
        ({"validUntil": "2024-01-01T00:00:00Z"}, "/validUntil"),
        ({"id": "not a url"}, "/id"),
        ({"credentialSchema": {"id": "https://example.org/s.json"}}, "/credentialSchema"),
        ({"credentialStatus": {"id": "https://example.org/s#1"}}, "/credentialStatus"),
        ({"refreshService": {"id": "https://example.org/r"}}, "/refreshService"),
        ({"evidence": [{"id": "https://example.org/e"}]}, "/evidence"),
        ({"termsOfUse": {"id": "https://example.org/t"}}, "/termsOfUse"),
        ({"relatedResource": [{"id": "https://example.org/x.png"}]}, "/relatedResource"),
        ({"evidence": [{"id": "no url", "type": "Evidence"}]}, "/evidence"),
        ({"issuanceDate": "2025-01-01T00:00:00Z"}, "/issuanceDate"),
        ({"@context": ["https://www.w3.org/2018/credentials/v1"]}, "/@context"),
        ({"proof": {"type": "DataIntegrityProof"}}, "/proof"),
    ],
)
def test_data_model_violations_name_the_field(
    client: TestClient, changes: dict[str, Any], pointer: str
) -> None:
    credential = unsigned(**changes)
    if changes.get("credentialSubject", 1) is None:
        del credential["credentialSubject"]
    body = problem(issue(client, credential), 400)
    assert "#/credential" + pointer in [e["pointer"] for e in body["errors"]], body


def test_related_resource_with_a_digest_is_accepted(client: TestClient) -> None:
    resource = {"id": "https://example.org/x.png", "digestSRI": "sha384-abc"}
    assert issue(client, unsigned(relatedResource=[resource])).status_code == 201


def test_bad_requests_get_problems_and_the_server_keeps_serving(client: TestClient) -> None:
    post = client.post
    problem(post("/credentials/issue", content=b"{nope", headers=auth() | _JSON), 400)
    problem(post("/credentials/verify", content=b'{"a": 1, "a": 2}', headers=_JSON), 400)
    problem(post("/credentials/verify", content=b"[1]", headers=_JSON), 400)
    problem(post("/credentials/verify", content=b"{}", headers={"content-type": "text/plain"}), 415)
    problem(post("/credentials/verify", content=b"{}"), 415)
    huge = b'{"verifiableCredential": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    problem(post("/credentials/verify", content=huge, headers=_JSON), 413)
    deep = b'{"verifiableCredential": ' + b"[" * 200 + b"]" * 200 + b"}"
    problem(post("/credentials/verify", content=deep, headers=_JSON), 400)
    problem(post("/credentials/verify", json={"verifiableCredential": "text"}), 400)
    problem(post("/credentials/verify", json={}), 400)
    problem(client.get("/nothing/here"), 404)
    problem(client.put("/credentials/issue", json={}), 405)
    # Missing or wrong token: 401, before the body is read.
    problem(post("/credentials/issue", json={"credential": unsigned()}), 401)
    problem(
        post("/credentials/issue", json={"credential": unsigned()}, headers=auth("x" * 26)), 401
    )
    problem(post("/credentials/status", json={}, headers={"Authorization": "Basic abc"}), 401)
    problem(post("/credentials/issue", json={"options": {}}, headers=auth()), 400)
    assert client.get("/health").json()["status"] == "ok"
    assert issue(client, unsigned()).status_code == 201


def test_no_secret_in_any_answer(client: TestClient, issuer_folder: Path) -> None:
    answers = [
        issue(client, unsigned()).text,
        client.get("/openapi.json").text,
        client.post("/credentials/issue", content=b"{", headers=auth() | _JSON).text,
    ]
    for text in answers:
        assert TOKEN not in text and "secretKeyMultibase" not in text and "Traceback" not in text


def test_openapi_names_every_operation(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {
        "/credentials/issue",
        "/credentials/verify",
        "/presentations/verify",
        "/credentials/derive",
        "/credentials/status",
    } <= set(document["paths"])


_JSON = {"content-type": "application/json"}


# --- presentations ---------------------------------------------------------------------------


def test_presentation_challenge_and_domain(client: TestClient, tmp_path: Path) -> None:
    from skillswallet import KeyPair, add_proof, did_from_public_key, verification_method_id

    vc = issue(client, unsigned()).json()["verifiableCredential"]
    key = KeyPair.generate()
    unsigned_vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": did_from_public_key(key.public),
        "verifiableCredential": [vc],
    }
    vp = add_proof(
        unsigned_vp,
        key.signer(verification_method_id(key.public)),
        proof_purpose="authentication",
        challenge="c-123",
        domain="jobs.example",
    )
    body: dict[str, Any] = {
        "verifiablePresentation": vp,
        "options": {"challenge": "c-123", "domain": "jobs.example"},
    }
    response = client.post("/presentations/verify", json=body)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["verified"] is True
    assert report["results"]["presentation"]["challenge"] == {"verified": True}
    assert report["results"]["credentials"][0]["verified"] is True

    body["options"] = {"challenge": "another", "domain": "jobs.example"}
    wrong = client.post("/presentations/verify", json=body)
    assert wrong.status_code == 400 and wrong.json()["verified"] is False
    assert any("CHALLENGE" in p["type"] for p in wrong.json()["problemDetails"])
    # VC API: options.challenge is optional. A verifier that asked for none gets the
    # proof, domain and holder checked; the challenge check is skipped, never passed.
    body["options"] = {"domain": "jobs.example"}
    unasked = client.post("/presentations/verify", json=body)
    assert unasked.status_code == 200, unasked.text
    assert "challenge" not in unasked.json()["results"]["presentation"]
    challenge = [c for c in unasked.json()["checks"] if c["id"] == "challenge"]
    assert [c["status"] for c in challenge] == ["skipped"], challenge
    body["options"] = {"domain": "elsewhere.example"}
    assert client.post("/presentations/verify", json=body).status_code == 400


# --- ecdsa-sd-2023: issue with mandatory pointers, derive, verify ---------------------------


def test_selective_disclosure_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets_in_env(monkeypatch)
    vault = make_issuer_vault(tmp_path, KeyType.P256)
    config = ServerConfig(vault=vault.path)
    with TestClient(create_app(config)) as client:
        credential = unsigned(
            credentialSubject={"id": "did:example:alice", "name": "Alice", "grade": "A"}
        )
        credential["@context"].append("https://www.w3.org/ns/credentials/examples/v2")
        response = issue(
            client, credential, cryptosuite="ecdsa-sd-2023", mandatoryPointers=["/issuer"]
        )
        assert response.status_code == 201, response.text
        base = response.json()["verifiableCredential"]
        assert "credentialStatus" not in base  # no --status-base-url
        derived = client.post(
            "/credentials/derive",
            json={
                "verifiableCredential": base,
                "options": {"selectivePointers": ["/credentialSubject/grade"]},
            },
        )
        assert derived.status_code == 201, derived.text
        disclosed = derived.json()["verifiableCredential"]
        assert disclosed["credentialSubject"]["grade"] == "A"
        assert "name" not in disclosed["credentialSubject"]
        verified = client.post("/credentials/verify", json={"verifiableCredential": disclosed})
        assert verified.status_code == 200, verified.text
        bad = client.post(
            "/credentials/derive",
            json={"verifiableCredential": base, "options": {"selectivePointers": ["/nope"]}},
        )
        assert bad.status_code == 400
        # No status lists configured: status changes are 404.
        change = {"credentialId": base["id"], "credentialStatus": [{"status": "revoked"}]}
        assert client.post("/credentials/status", json=change, headers=auth()).status_code == 404


def test_verify_only_without_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SKILLSWALLET_API_TOKEN", raising=False)
    with TestClient(create_app(ServerConfig())) as client:
        assert client.get("/health").json() == {"status": "ok", "issuing": False}
        response = client.post("/credentials/issue", json={"credential": unsigned()})
        assert problem(response, 403)["title"] == "Issuing disabled"
        assert (
            client.post("/credentials/verify", json={"verifiableCredential": {}}).status_code == 400
        )


def test_a_short_token_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from skillswallet.server.config import ServerConfigError

    monkeypatch.setenv("SKILLSWALLET_API_TOKEN", "short")
    with pytest.raises(ServerConfigError):
        create_app(ServerConfig())


def test_config_travels_through_the_environment(tmp_path: Path) -> None:
    config = ServerConfig(vault=tmp_path / "v.sqlite", status_base_url=BASE, registry="x.sqlite")
    assert ServerConfig.from_env(config.to_env()) == config
    assert TOKEN not in config.to_env() and json.loads(config.to_env())["vault"]


def test_the_employer_page_checks_what_is_pasted_and_keeps_nothing(client: TestClient) -> None:
    from html.parser import HTMLParser

    class Tags(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

    home = client.get("/")
    assert home.status_code == 200 and "<form method=post action=/check " in home.text
    assert "default-src 'none'" in home.headers["content-security-policy"]
    parser = Tags()
    parser.feed(home.text)
    assert "script" not in parser.tags and "link" not in parser.tags

    vc = issue(client, unsigned()).json()["verifiableCredential"]
    good = client.post("/check", data={"document": json.dumps(vc)})  # no token needed
    assert good.status_code == 200 and "<p class='verdict ok'>Verified</p>" in good.text
    forged = dict(vc, validFrom="2020-01-01T00:00:00Z")
    bad = client.post("/check", data={"document": json.dumps(forged)})
    assert bad.status_code == 422 and "<p class='verdict bad'>Not verified: " in bad.text
    hostile = "<script>alert(1)</script>"
    garbage = client.post("/check", data={"document": hostile})
    assert garbage.status_code == 400 and "paste JSON, a compact JWT or an SD-JWT" in garbage.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in garbage.text and hostile not in garbage.text
    wrong_type = client.post("/check", json={"document": "x"})
    problem(wrong_type, 415)


def test_the_employer_page_takes_an_uploaded_badge_image(client: TestClient) -> None:
    from skillswallet.skills.baking import bake

    from .imagekit import PNG

    vc = issue(client, unsigned()).json()["verifiableCredential"]
    baked = bake(PNG, vc)
    shown = client.post("/check", files={"file": ("badge.png", baked, "image/png")})
    assert shown.status_code == 200 and "<p class='verdict ok'>Verified</p>" in shown.text
    empty = client.post("/check", files={"file": ("plain.png", PNG, "image/png")})
    assert empty.status_code == 400 and "carries no Open Badges credential" in empty.text
    pasted = client.post("/check", data={"document": json.dumps(vc)}, files={"x": ("", b"")})
    assert pasted.status_code == 200  # a multipart form with the text pasted, no file
    assert "enctype=multipart/form-data" in client.get("/").text


def test_verify_honours_expected_proof_purpose(client: TestClient) -> None:
    # Data Integrity, Verify Proof: a proof whose proofPurpose is not the verifier's
    # expectedProofPurpose fails (the W3C DI suites send it in options).
    vc = issue(client, unsigned()).json()["verifiableCredential"]

    def check(purpose: Any) -> Any:
        return client.post(
            "/credentials/verify",
            json={"verifiableCredential": vc, "options": {"expectedProofPurpose": purpose}},
        )

    assert check("assertionMethod").status_code == 200
    refused = check("authentication")
    assert refused.status_code == 400 and refused.json()["verified"] is False
    assert "authentication" in json.dumps(refused.json()["problemDetails"])
    assert problem(check(["authentication"]), 400)["detail"]
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    options = schemas["VerifyCredentialRequest"]["properties"]["options"]["properties"]
    assert options["expectedProofPurpose"] == {"type": "string"}


def test_a_credential_verify_request_checks_the_domain_it_names(client: TestClient) -> None:
    vc = issue(client, unsigned()).json()["verifiableCredential"]
    plain = client.post("/credentials/verify", json={"verifiableCredential": vc})
    assert plain.status_code == 200, plain.text
    body = {"verifiableCredential": vc, "options": {"domain": "jobs.example"}}
    named = client.post("/credentials/verify", json=body)
    assert named.status_code == 400 and "domain" in named.text
    wrong = client.post(
        "/credentials/verify", json={"verifiableCredential": vc, "options": {"domain": 7}}
    )
    assert wrong.status_code == 400 and "/options/domain" in wrong.text


def test_the_employer_page_asks_for_the_challenge_and_keeps_what_was_pasted(
    client: TestClient,
) -> None:
    vc = issue(client, unsigned()).json()["verifiableCredential"]
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [vc],
    }
    pasted = client.post("/check", data={"document": json.dumps(vp), "domain": "jobs.example"})
    assert pasted.status_code == 400
    assert "give the request you sent the candidate, or the challenge" in pasted.text
    assert "choosing the file again" not in pasted.text  # the pasted text is still there
    assert escape(json.dumps(vp)) in pasted.text and 'value="jobs.example"' in pasted.text
    uploaded = client.post(
        "/check", files={"file": ("vp.json", json.dumps(vp).encode(), "application/json")}
    )
    assert uploaded.status_code == 400 and "choosing the file again" in uploaded.text


def test_the_employer_page_checks_an_answer_against_the_request_file(
    client: TestClient, tmp_path: Path
) -> None:
    # HR has request.json from 'skillswallet request new': the page takes it as the CLI's
    # 'verify --request' does (its challenge and domain, and what it asked)
    from datetime import UTC, datetime

    from skillswallet.present import SkillRequirement, new_request
    from skillswallet.wallet import Wallet

    from .presentkit import ADVICE, COOKING, school_credential
    from .vaultkit import PASSPHRASE, fast_kdf

    asked = new_request(domain="jobs.example", skills=[SkillRequirement(ADVICE)])
    other = new_request(domain="jobs.example", skills=[SkillRequirement(COOKING)])
    with Wallet.create(tmp_path / "holder.sqlite", PASSPHRASE, kdf=fast_kdf()) as holder:
        me = holder.create_did()
        assert holder.add(school_credential(me, datetime.now(UTC))).status == "stored"
        vp = holder.respond(asked).presentation

    def check(request: dict[str, Any] | bytes) -> Any:
        data = request if isinstance(request, bytes) else json.dumps(request).encode()
        return client.post(
            "/check",
            data={"document": json.dumps(vp)},
            files={"request": ("request.json", data, "application/json")},
        )

    answered = check(asked)
    assert answered.status_code == 200 and "<p class='verdict ok'>Verified</p>" in answered.text
    assert "request.query[0].credentialQuery[0]" in answered.text
    not_asked = check(dict(other, challenge=asked["challenge"]))  # same challenge, other skill
    assert not_asked.status_code == 422 and f"claims no skill {COOKING}" in not_asked.text
    replayed = check(other)  # the answer to another request: another challenge
    assert replayed.status_code == 422 and "challenge" in replayed.text
    broken = check(b"{not json")
    assert broken.status_code == 400 and "the request file:" in broken.text
    malformed = check({"query": []})
    assert malformed.status_code == 400 and "the request file:" in malformed.text
