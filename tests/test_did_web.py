"""did:web: identifiers, where documents live, a vault identity with key rotation, and
resolution from a directory mirroring the web site (bad documents refused)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skillswallet import CheckId, Status, verify
from skillswallet.did.key import did_from_public_key
from skillswallet.did.keys import KeyPair
from skillswallet.did.web import (
    WebResolver,
    add_key,
    did_web,
    did_web_document,
    did_web_file,
    did_web_url,
)
from skillswallet.errors import DIDError, DIDNotFoundError, UnsupportedDIDMethodError
from skillswallet.tour import skill_badge
from skillswallet.wallet import Wallet

from .conftest import NOW
from .vaultkit import HOLDER_DID, PASSPHRASE, fast_kdf


@pytest.mark.parametrize(
    ("domain", "path", "did"),
    [
        ("example.edu", None, "did:web:example.edu"),
        ("Example.EDU", "dept/x", "did:web:example.edu:dept:x"),
        ("localhost:8443", ["a"], "did:web:localhost%3A8443:a"),
    ],
)
def test_did_web_from_domain_and_path(domain: str, path: Any, did: str) -> None:
    assert did_web(domain, path) == did


@pytest.mark.parametrize(
    ("domain", "path"),
    [("exa mple.edu", None), ("-x.edu", None), ("x.edu:99999", None), ("x.edu", "a/../b")],
)
def test_bad_domains_and_paths_are_refused(domain: str, path: Any) -> None:
    with pytest.raises(DIDError):
        did_web(domain, path)


@pytest.mark.parametrize(
    ("did", "url", "file"),
    [  # the did:web spec's examples (§3.2.2)
        (
            "did:web:w3c-ccg.github.io",
            "https://w3c-ccg.github.io/.well-known/did.json",
            "w3c-ccg.github.io/did.json",
        ),
        (
            "did:web:w3c-ccg.github.io:user:alice",
            "https://w3c-ccg.github.io/user/alice/did.json",
            "w3c-ccg.github.io/user/alice/did.json",
        ),
        (
            "did:web:example.com%3A3000:user:alice",
            "https://example.com:3000/user/alice/did.json",
            "example.com:3000/user/alice/did.json",
        ),
    ],
)
def test_where_a_document_lives(did: str, url: str, file: str, tmp_path: Path) -> None:
    assert did_web_url(did) == url
    assert did_web_file(tmp_path, did) == tmp_path / file


@pytest.mark.parametrize("did", ["did:web:x.edu:..:etc", "did:web:x.edu:a%2Fb", "did:web:%2E%2E"])
def test_dids_that_would_leave_the_directory_are_refused(did: str, tmp_path: Path) -> None:
    with pytest.raises(DIDError):
        did_web_file(tmp_path, did)
    with pytest.raises(DIDError):
        WebResolver(tmp_path).resolve(did)


def _write(directory: Path, did: str, document: dict[str, Any]) -> None:
    path = did_web_file(directory, did)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


@pytest.fixture
def wallet(tmp_path: Path) -> Any:
    with Wallet.create(
        tmp_path / "vault.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW
    ) as opened:
        yield opened


def _issue(wallet: Wallet, did: str) -> dict[str, Any]:
    unsigned = skill_badge(did, HOLDER_DID, valid_from="2025-01-01T00:00:00Z")
    return wallet.issue(unsigned, did)


def test_vault_identity_signs_and_verifies_from_a_directory(wallet: Wallet, tmp_path: Path) -> None:
    did = wallet.create_did_web("school.example", "faculty/it")
    document = wallet.did_web_document(did)
    assert document["id"] == did and document["assertionMethod"] == [f"{did}#key-1"]
    site = tmp_path / "site"
    _write(site, did, document)
    credential = _issue(wallet, did)
    assert credential["proof"]["verificationMethod"] == f"{did}#key-1"
    result = verify(credential, now=NOW, resolver=WebResolver(site))
    assert result.verified, result.failures
    assert f"{did}#key-1" in result.check(CheckId.ISSUER_BINDING).reason
    offline = verify(credential, now=NOW)  # did:key only by default
    assert offline.check(CheckId.PROOF).status is Status.INCONCLUSIVE


def test_key_rotation_keeps_old_credentials_verifying(wallet: Wallet, tmp_path: Path) -> None:
    did = wallet.create_did_web("school.example")
    old = _issue(wallet, did)
    assert wallet.add_did_web_key(did) == f"{did}#key-2"
    new = _issue(wallet, did)
    assert new["proof"]["verificationMethod"] == f"{did}#key-2"
    site = tmp_path / "site"
    _write(site, did, wallet.did_web_document(did))
    for credential, key in ((old, "key-1"), (new, "key-2")):
        result = verify(credential, now=NOW, resolver=WebResolver(site))
        assert result.verified, result.failures
        assert result.check(CheckId.ISSUER_BINDING).reason.endswith(f"{did}#{key}")
    # Before the new document is published, the new key is not known: not verified.
    stale = tmp_path / "stale"
    document = wallet.did_web_document(did)
    document["verificationMethod"] = document["verificationMethod"][:1]
    document["assertionMethod"] = document["assertionMethod"][:1]
    _write(stale, did, document)
    assert not verify(new, now=NOW, resolver=WebResolver(stale)).verified


def test_add_key_to_a_document() -> None:
    first, second = KeyPair.generate().public, KeyPair.generate().public
    document = did_web_document("did:web:x.edu", [first])
    rotated, key_id = add_key(document, second)
    assert key_id == "did:web:x.edu#key-2"
    assert [m["publicKeyMultibase"] for m in rotated["verificationMethod"]] == [
        first.multibase,
        second.multibase,
    ]
    assert rotated["assertionMethod"] == ["did:web:x.edu#key-1", key_id]
    assert len(document["verificationMethod"]) == 1  # the input is left alone
    with pytest.raises(DIDError, match="already"):
        add_key(rotated, second)


def test_document_whose_id_does_not_match_is_refused(wallet: Wallet, tmp_path: Path) -> None:
    did = wallet.create_did_web("school.example")
    credential = _issue(wallet, did)
    document = wallet.did_web_document(did)
    forged = json.loads(json.dumps(document).replace(did, "did:web:evil.example"))
    site = tmp_path / "site"
    _write(site, did, forged)
    with pytest.raises(DIDError, match="has the id"):
        WebResolver(site).resolve(did)
    check = verify(credential, now=NOW, resolver=WebResolver(site)).check(CheckId.PROOF)
    assert check.status is Status.FAILED and "refused" in check.reason


def test_missing_document_is_inconclusive(wallet: Wallet, tmp_path: Path) -> None:
    did = wallet.create_did_web("school.example")
    credential = _issue(wallet, did)
    with pytest.raises(DIDNotFoundError, match="does not exist"):
        WebResolver(tmp_path).resolve(did)
    check = verify(credential, now=NOW, resolver=WebResolver(tmp_path)).check(CheckId.PROOF)
    assert check.status is Status.INCONCLUSIVE and "does not exist" in check.reason
    with pytest.raises(DIDNotFoundError, match="network is not allowed"):
        WebResolver().resolve(did)


def test_web_resolver_resolves_did_key_and_refuses_other_methods() -> None:
    did = did_from_public_key(KeyPair.generate().public)
    assert WebResolver().resolve(did)["id"] == did
    with pytest.raises(UnsupportedDIDMethodError):
        WebResolver().resolve("did:example:123")


def test_vault_did_web_mistakes_are_named(wallet: Wallet) -> None:
    did = wallet.create_did_web("school.example")
    with pytest.raises(Exception, match="already in the vault"):
        wallet.create_did_web("school.example")
    with pytest.raises(Exception, match="no did:web identity"):
        wallet.did_web_document("did:web:other.example")
    with pytest.raises(Exception, match="no key #key-9"):
        wallet.signer(f"{did}#key-9")
    assert wallet.web_dids() == [did]


def test_a_long_running_resolver_sees_a_changed_document_after_max_age(tmp_path: Path) -> None:
    did = "did:web:school.example"
    first, second = KeyPair.generate(), KeyPair.generate()
    _write(tmp_path, did, did_web_document(did, [first.public]))
    ticks = [0.0]
    resolver = WebResolver(tmp_path, max_age=60, clock=lambda: ticks[0])
    kept = WebResolver(tmp_path)  # (a one-shot verifier's: for its lifetime)
    before = resolver.resolve(did)
    assert kept.resolve(did) == before
    _write(tmp_path, did, did_web_document(did, [second.public]))  # the key was replaced
    ticks[0] = 59.0
    assert resolver.resolve(did) == before
    ticks[0] = 61.0
    after = resolver.resolve(did)
    assert after != before and after == did_web_document(did, [second.public])
    assert kept.resolve(did) == before
