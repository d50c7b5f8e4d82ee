"""The service verifying other issuers' credentials, as ``skillswallet verify`` does with
the same options: status lists from a folder (``--status-dir``) or fetched from allowed
hosts (``--allow-network``, kept for a while), did:web issuers, and trust lists
(``--trust``) in the API's reports and on the employer's page. HTTPS is an injected
transport here: nothing touches the network."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from html import unescape
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx")

from starlette.testclient import TestClient

from skillswallet import KeyPair, add_proof, did_from_public_key, verification_method_id
from skillswallet.server import ServerConfig, create_app
from skillswallet.trust.lists import TrustEntry, TrustList, save_trust_list

from .statuskit import REVOCATION, School, make_school

HOST = "school.example"


class Web:
    """A stand-in for the HTTPS connection: URL -> body, and every URL asked for."""

    def __init__(self) -> None:
        self.pages: dict[str, bytes] = {}
        self.asked: list[str] = []

    def __call__(self, url: str, seconds_left: float) -> tuple[int, str | None, bytes]:
        self.asked.append(url)
        body = self.pages.get(url)
        return (200, None, body) if body is not None else (404, None, b"not here")


@pytest.fixture
def school(tmp_path: Path) -> School:
    return make_school(tmp_path / "school")


def _publish(school: School, web: Web) -> None:
    """The school's revocation list as it stands, signed now, at its URL."""
    listed = school.issuer.list_credential(REVOCATION, school.signer, now=datetime.now(UTC))
    web.pages[REVOCATION] = json.dumps(listed).encode()


def _client(config: ServerConfig, web: Web | None = None) -> TestClient:
    return TestClient(create_app(config, transport=web), raise_server_exceptions=False)


def _status_check(report: dict[str, Any]) -> dict[str, Any]:
    return next(c for c in report["checks"] if c["id"] == "status")


def _verify(client: TestClient, credential: dict[str, Any]) -> Any:
    return client.post("/credentials/verify", json={"verifiableCredential": credential})


@pytest.fixture(autouse=True)
def _verify_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SKILLSWALLET_API_TOKEN", raising=False)


def test_without_options_another_issuers_status_is_undecided(school: School) -> None:
    web = Web()
    with _client(ServerConfig(), web) as client:
        response = _verify(client, school.credential(lists=(REVOCATION,)))
    assert response.status_code == 400
    check = _status_check(response.json())
    assert (
        check["status"] == "inconclusive"
        and "not a status list of this service" in (check["reason"])
    )
    assert web.asked == []  # nothing is fetched unless a host is allowed


def test_status_fetched_from_an_allowed_host_and_kept_for_a_while(school: School) -> None:
    web = Web()
    _publish(school, web)
    credential = school.credential(lists=(REVOCATION,))
    config = ServerConfig(allow_network=(HOST,))
    with _client(config, web) as client:
        first = _verify(client, credential)
        assert first.status_code == 200, first.text
        assert _status_check(first.json())["status"] == "passed"
        school.issuer.revoke(credential["id"])
        _publish(school, web)
        # The list fetched a moment ago is used again: one fetch for both checks.
        assert _verify(client, credential).status_code == 200
        assert web.asked == [REVOCATION]
    with _client(ServerConfig(allow_network=(HOST,), status_cache_ttl=0), web) as client:
        revoked = _verify(client, credential)
    assert revoked.status_code == 400
    assert _status_check(revoked.json())["status"] == "failed"
    assert any("Status" in p["title"] for p in revoked.json()["problemDetails"])


def test_a_host_not_allowed_is_not_asked(school: School) -> None:
    web = Web()
    _publish(school, web)
    with _client(ServerConfig(allow_network=("other.example",)), web) as client:
        response = _verify(client, school.credential(lists=(REVOCATION,)))
    assert response.status_code == 400
    check = _status_check(response.json())
    assert check["status"] == "inconclusive" and "allow-list" in check["reason"]
    assert web.asked == []


def test_status_from_a_folder_of_lists(school: School) -> None:
    credential = school.credential(lists=(REVOCATION,))
    school.publish(now=datetime.now(UTC))
    config = ServerConfig(status_dir=school.published)
    with _client(config) as client:
        assert _verify(client, credential).status_code == 200
        school.issuer.revoke(credential["id"])
        school.publish(now=datetime.now(UTC))
        response = _verify(client, credential)
    assert response.status_code == 400 and _status_check(response.json())["status"] == "failed"


def test_a_missing_folder_is_refused_at_start(tmp_path: Path) -> None:
    from skillswallet.server.config import ServerConfigError

    with (
        pytest.raises(ServerConfigError, match="not a folder"),
        _client(ServerConfig(status_dir=tmp_path / "none")),
    ):
        pass


def test_a_did_web_issuer_resolved_over_an_allowed_host() -> None:
    from skillswallet import issue_credential
    from skillswallet.did.web import did_web, did_web_document

    key = KeyPair.generate()
    did = did_web(HOST)
    document = did_web_document(did, [key.public])
    web = Web()
    web.pages[f"https://{HOST}/.well-known/did.json"] = json.dumps(document).encode()
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:alice", "name": "Welding"},
    }
    signed = issue_credential(unsigned, key.signer(document["assertionMethod"][0]))
    with _client(ServerConfig(), web) as client:
        assert _verify(client, signed).status_code == 400  # did:web not resolved offline
    with _client(ServerConfig(allow_network=(HOST,)), web) as client:
        response = _verify(client, signed)
    assert response.status_code == 200, response.text


def _trust_file(tmp_path: Path, name: str, issuer: str) -> Path:
    path = tmp_path / f"{name}.json"
    save_trust_list(TrustList(name, (TrustEntry(issuer, ("*",)),)), path)
    return path


def _presentation(credential: dict[str, Any], challenge: str) -> dict[str, Any]:
    holder = KeyPair.generate()
    unsigned = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": did_from_public_key(holder.public),
        "verifiableCredential": [credential],
    }
    signer = holder.signer(verification_method_id(holder.public))
    signed: dict[str, Any] = add_proof(
        unsigned, signer, proof_purpose="authentication", challenge=challenge
    )
    return signed


@pytest.fixture
def trusting(school: School, tmp_path: Path) -> Iterator[tuple[TestClient, Web]]:
    """A verifier trusting the school (and fetching its lists)."""
    web = Web()
    _publish(school, web)
    trusted = _trust_file(tmp_path, "Schools we accept", school.did)
    config = ServerConfig(allow_network=(HOST,), trust=(trusted,))
    with _client(config, web) as client:
        yield client, web


def test_trust_lists_judge_credentials_and_presentations(
    school: School, tmp_path: Path, trusting: tuple[TestClient, Web]
) -> None:
    client, web = trusting
    credential = school.credential(lists=(REVOCATION,))
    response = _verify(client, credential)
    assert response.status_code == 200, response.text
    trust = next(c for c in response.json()["checks"] if c["id"] == "trust")
    assert trust["status"] == "passed" and trust["detail"]["trustedBy"] == "Schools we accept"

    body = {"verifiablePresentation": _presentation(credential, "n-1"), "options": {}}
    body["options"]["challenge"] = "n-1"
    presented = client.post("/presentations/verify", json=body)
    assert presented.status_code == 200, presented.text
    inner = presented.json()["results"]["credentials"][0]
    assert [c["status"] for c in inner["checks"] if c["id"] == "trust"] == ["passed"]

    # Another verifier trusts someone else: the same credential is not verified there.
    others = _trust_file(tmp_path, "Other schools", "did:web:elsewhere.example")
    with _client(ServerConfig(allow_network=(HOST,), trust=(others,)), web) as strict:
        refused = _verify(strict, credential)
        shown = strict.post("/presentations/verify", json=body)
    assert refused.status_code == 400 and shown.status_code == 400
    titles = [p["title"] for p in refused.json()["problemDetails"]]
    assert titles == ["Untrusted issuer"]


def test_the_employer_page_shows_trust_and_status(
    school: School, trusting: tuple[TestClient, Web]
) -> None:
    client, _ = trusting
    home = client.get("/")
    assert "trust list \u201cSchools we accept\u201d" in home.text
    assert "those published at school.example" in home.text
    credential = school.credential(lists=(REVOCATION,))
    page = client.post("/check", data={"document": json.dumps(credential)})
    assert page.status_code == 200 and "<p class='verdict ok'>Verified</p>" in page.text
    text = unescape(page.text)
    assert "is trusted for this skill by 'Schools we accept'" in text  # the trust check
    assert f"not revoked (list {REVOCATION}" in text  # the status check, fetched
    assert "<script" not in page.text


def test_the_page_says_what_it_cannot_check() -> None:
    with _client(ServerConfig()) as client:
        text = unescape(client.get("/").text)
    assert "not checked against a trust list" in text
    assert "Another issuer's status cannot be checked here" in text


def test_the_options_travel_to_the_workers(tmp_path: Path) -> None:
    config = ServerConfig(
        status_dir=tmp_path,
        did_web_dir=tmp_path / "web",
        allow_network=("a.example", "b.example"),
        trust=(tmp_path / "t.json",),
        status_cache_ttl=60,
    )
    assert ServerConfig.from_env(config.to_env()) == config


def test_the_page_checks_a_hosted_open_badge_with_its_host_when_allowed() -> None:
    # An Open Badges 2.0 hosted assertion pasted on the employer's page: offline it is
    # "issued by a host, not verified offline"; with --allow-network for its host, the
    # host's copy is fetched and matched, and a copy that differs fails.
    from .test_openbadges2 import assertion

    hosted = assertion("hosted")
    web = Web()
    web.pages[hosted["id"]] = json.dumps(hosted).encode()
    form = {"document": json.dumps(hosted)}
    with _client(ServerConfig(), web) as offline:
        page = offline.post("/check", data=form)
    assert page.status_code == 422 and not web.asked
    with _client(ServerConfig(allow_network=("badges.example.org",)), web) as online:
        page = online.post("/check", data=form)
        assert page.status_code == 200, unescape(page.text)[-600:]
        assert "fetched" in unescape(page.text) and web.asked == [hosted["id"]]
        changed = {**hosted, "issuedOn": "2020-01-01T00:00:00Z"}
        web.pages[hosted["id"]] = json.dumps(changed).encode()
        differs = online.post("/check", data=form)
    assert differs.status_code == 422
