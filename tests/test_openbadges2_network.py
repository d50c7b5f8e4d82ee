"""Open Badges 2.0 with opt-in network: a hosted assertion fetched from its id and compared
with what was presented, a signed assertion's key fetched from ``verification.creator``
(owned by the issuer, on the issuer's host); nothing fetched off the issuer's host or
without opt-in; the profile says how such a badge was checked. The network is a stand-in
(a dict of URLs) or the local HTTPS test server, never the real one."""

from __future__ import annotations

import copy
import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillswallet.errors import FetchError, SkillsWalletError
from skillswallet.net.fetch import HttpsFetcher
from skillswallet.openbadges2 import verify_openbadge2
from skillswallet.result import CheckId, Status
from skillswallet.skills.evidence import EvidenceLevel
from skillswallet.wallet import Wallet

from .conftest import NOW, invoke_main
from .httpskit import Route, Server, https_server
from .test_openbadges2 import (
    EC_KEY,
    EMAIL,
    ESCO_SKILL,
    ISSUER,
    KEY_ID,
    _check,
    _key_document,
    _write,
    assertion,
    sign,
)

HOSTED_ID = "https://badges.example.org/assertions/123"
CHECKED = "fetched from the issuer's host and matched"


class Web:
    """The network as a dict: URL -> JSON object; every request is recorded."""

    def __init__(self, pages: dict[str, dict[str, Any]] | None = None) -> None:
        self.pages = dict(pages or {})
        self.hits: list[str] = []

    def get_object(self, url: str, what: str, error: type[SkillsWalletError]) -> dict[str, Any]:
        self.hits.append(url)
        if url not in self.pages:
            raise error(f"could not fetch {what} {url}: HTTP 404")
        return copy.deepcopy(self.pages[url])


# --- hosted assertions ----------------------------------------------------------------------------


def test_a_hosted_assertion_served_as_presented_is_verified() -> None:
    web = Web({HOSTED_ID: assertion("hosted")})
    result = verify_openbadge2(assertion("hosted"), fetcher=web, now=NOW)
    assert result.verified, result.checks
    proof = _check(result, CheckId.PROOF)
    assert proof.detail["hostedFetched"] is True and HOSTED_ID in proof.reason
    assert web.hits == [HOSTED_ID]


@pytest.mark.parametrize(
    ("member", "value"),
    [
        ("recipient", {"type": "email", "hashed": False, "identity": "mallory@example.org"}),
        ("issuedOn", "2020-01-01T00:00:00Z"),
        ("evidence", "https://badges.example.org/evidence/9"),
    ],
)
def test_a_hosted_assertion_that_differs_from_its_hosts_copy_fails(member: str, value: Any) -> None:
    presented = assertion("hosted", **{member: value})
    result = verify_openbadge2(presented, fetcher=Web({HOSTED_ID: assertion("hosted")}), now=NOW)
    proof = _check(result, CheckId.PROOF)
    assert proof.status is Status.FAILED and "differs" in proof.reason
    assert proof.detail["differ"] == [member]


def test_a_badge_presented_embedded_and_served_linked_is_the_same() -> None:
    served = assertion("hosted")
    badge = served["badge"]
    served["badge"] = badge["id"]
    web = Web({HOSTED_ID: served, badge["id"]: badge})
    result = verify_openbadge2(assertion("hosted"), fetcher=web, now=NOW)
    assert result.verified, result.checks
    assert web.hits == [HOSTED_ID, badge["id"]]  # the embedded badge checked at its id
    other = dict(served, badge="https://badges.example.org/badges/other")
    result = verify_openbadge2(assertion("hosted"), fetcher=Web({HOSTED_ID: other}), now=NOW)
    assert _check(result, CheckId.PROOF).detail["differ"] == ["badge"]


def test_an_embedded_badge_that_is_not_the_issuers_fails() -> None:
    """A real hosted assertion (its host links the badge) presented with an embedded
    badge whose alignments were made up: they would feed the profile."""
    served = assertion("hosted")
    badge = served["badge"]
    served["badge"] = badge["id"]
    forged = assertion("hosted")
    forged["badge"]["alignment"][0]["targetUrl"] = ESCO_SKILL + "-forged"
    web = Web({HOSTED_ID: served, badge["id"]: badge})
    proof = _check(verify_openbadge2(forged, fetcher=web, now=NOW), CheckId.PROOF)
    assert proof.status is Status.FAILED and "embedded badge differs" in proof.reason


@pytest.mark.parametrize("kind", ["hosted", "signed"])
def test_allowed_origins_are_read_from_the_issuers_own_profile(kind: str) -> None:
    """A forger embeds the issuer's profile with his own host as an allowed origin and
    serves the assertion (or the key) from there: the rules that count are the ones the
    issuer's Profile serves at its id."""
    evil = "https://evil.example/a/1"
    evil_key = "https://evil.example/keys/1"
    forger = EC_KEY
    rules = {"allowedOrigins": ["evil.example"]}
    if kind == "hosted":
        doc = assertion("hosted", id=evil)
        doc["badge"]["issuer"]["verification"] = rules
        value: Any = doc
        pages = {evil: doc}
    else:
        doc = assertion(verification={"type": "SignedBadge", "creator": evil_key})
        doc["badge"]["issuer"]["verification"] = rules
        value = sign(doc, "ES256", forger)
        pages = {evil_key: dict(_key_document(forger), id=evil_key)}
    profile = {k: v for k, v in doc["badge"]["issuer"].items() if k != "verification"}
    web = Web({**pages, ISSUER: profile})  # the issuer's real profile allows no other host
    result = verify_openbadge2(value, fetcher=web, now=NOW)
    assert not result.verified
    assert _check(result, CheckId.PROOF).status is Status.FAILED
    assert "evil.example" in _check(result, CheckId.ISSUER_BINDING).reason
    assert web.hits == [ISSUER]  # the forger's host is never asked
    # when the issuer's own profile does allow that origin, it counts
    web = Web({**pages, ISSUER: {**profile, "verification": rules}})
    assert verify_openbadge2(value, fetcher=web, now=NOW).verified


def test_a_hosted_assertion_its_host_revoked_fails_on_status() -> None:
    revoked = assertion("hosted", revoked=True, revocationReason="awarded in error")
    result = verify_openbadge2(assertion("hosted"), fetcher=Web({HOSTED_ID: revoked}), now=NOW)
    assert not result.verified
    assert _check(result, CheckId.PROOF).status is Status.PASSED
    status = _check(result, CheckId.STATUS)
    assert status.status is Status.FAILED and "awarded in error" in status.reason


def test_a_hosted_assertion_that_cannot_be_fetched_is_inconclusive() -> None:
    result = verify_openbadge2(assertion("hosted"), fetcher=Web(), now=NOW)
    proof = _check(result, CheckId.PROOF)
    assert proof.status is Status.INCONCLUSIVE and "HTTP 404" in proof.reason
    assert not result.verified


def test_nothing_off_the_issuers_host_is_fetched() -> None:
    evil = "https://evil.example/assertions/123"
    web = Web({evil: assertion("hosted", id=evil)})
    result = verify_openbadge2(assertion("hosted", id=evil), fetcher=web, now=NOW)
    proof = _check(result, CheckId.PROOF)
    assert proof.status is Status.FAILED
    assert "not on the issuer's host" in proof.reason and "not fetched" in proof.reason
    assert _check(result, CheckId.ISSUER_BINDING).status is Status.FAILED
    assert web.hits == []


def test_a_linked_badge_is_fetched_for_its_issuer() -> None:
    doc = assertion("hosted")
    badge = doc["badge"]
    doc["badge"] = badge["id"]
    web = Web({HOSTED_ID: doc, badge["id"]: badge})
    result = verify_openbadge2(doc, fetcher=web, now=NOW)
    assert result.verified, result.checks
    assert _check(result, CheckId.ISSUER_BINDING).detail["issuer"] == ISSUER
    # a BadgeClass served from another host than its issuer's does not name the issuer,
    # not even when it says its issuer allows that host (the issuer's profile does not)
    elsewhere = "https://cdn.example.net/badges/welding"
    doc["badge"] = elsewhere
    claimed = copy.deepcopy(badge)
    claimed["issuer"]["verification"] = {"allowedOrigins": ["cdn.example.net"]}
    for served in (badge, claimed):
        web = Web({HOSTED_ID: doc, elsewhere: dict(served, id=elsewhere), ISSUER: badge["issuer"]})
        result = verify_openbadge2(doc, fetcher=web, now=NOW)
        assert _check(result, CheckId.ISSUER_BINDING).status is Status.INCONCLUSIVE
        assert not result.verified


# --- signed assertions: the key from verification.creator ----------------------------------------


def test_a_signed_assertions_key_is_fetched_from_its_creator() -> None:
    web = Web({KEY_ID: _key_document()})
    result = verify_openbadge2(sign(assertion()), fetcher=web, now=NOW)
    assert result.verified, result.checks
    proof = _check(result, CheckId.PROOF)
    assert proof.detail["keyFetched"] is True and KEY_ID in proof.reason
    assert web.hits == [KEY_ID]
    # a pinned key is used first: nothing fetched
    from .test_openbadges2 import _pinned

    web = Web({KEY_ID: _key_document()})
    assert verify_openbadge2(sign(assertion()), keys=[_pinned()], fetcher=web, now=NOW).verified
    assert web.hits == []


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (_key_document(owner="https://other.example.org/issuer"), "owned by"),
        (dict(_key_document(), id="https://badges.example.org/keys/2"), "is not that key"),
        (_key_document(EC_KEY), "does not match"),
        (dict(_key_document(), publicKeyPem="nope"), "not a PEM public key"),
    ],
    ids=["another-owner", "another-id", "another-key", "no-key"],
)
def test_a_fetched_key_that_is_not_the_issuers_fails(document: dict[str, Any], words: str) -> None:
    result = verify_openbadge2(sign(assertion()), fetcher=Web({KEY_ID: document}), now=NOW)
    proof = _check(result, CheckId.PROOF)
    assert proof.status is Status.FAILED and words in proof.reason


def test_a_creator_off_the_issuers_host_is_not_fetched() -> None:
    evil = "https://evil.example/keys/1"
    token = sign(assertion(verification={"type": "SignedBadge", "creator": evil}))
    web = Web({evil: dict(_key_document(), id=evil)})
    result = verify_openbadge2(token, fetcher=web, now=NOW)
    proof = _check(result, CheckId.PROOF)
    assert proof.status is Status.FAILED and "evil.example" in proof.reason
    assert "not on the issuer's host" in proof.reason
    assert web.hits == []


def test_an_unsafe_jws_is_refused_before_any_fetch() -> None:
    web = Web({KEY_ID: _key_document()})
    result = verify_openbadge2(sign(assertion(), "none"), fetcher=web, now=NOW)
    assert _check(result, CheckId.PROOF).status is Status.FAILED
    assert web.hits == []


# --- the real fetcher, against the local HTTPS server --------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with https_server(tmp_path_factory.mktemp("tls")) as running:
        yield running


def test_through_the_https_fetcher(server: Server) -> None:
    issuer = server.url("/issuer")
    doc = assertion("hosted", id=server.url("/assertions/7"))
    doc["badge"]["issuer"]["id"] = issuer
    server.routes["/assertions/7"] = Route(body=json.dumps(doc).encode())
    host = f"localhost:{server.port}"
    fetcher = HttpsFetcher([host], ssl_context=server.client_context, allow_private=True)
    assert verify_openbadge2(doc, fetcher=fetcher, now=NOW).verified
    # the fetcher's limits hold: a private address is refused unless allowed
    strict = HttpsFetcher([host], ssl_context=server.client_context)
    proof = _check(verify_openbadge2(doc, fetcher=strict, now=NOW), CheckId.PROOF)
    assert proof.status is Status.INCONCLUSIVE and "private" in proof.reason
    tiny = HttpsFetcher(
        [host], ssl_context=server.client_context, allow_private=True, max_bytes=100
    )
    proof = _check(verify_openbadge2(doc, fetcher=tiny, now=NOW), CheckId.PROOF)
    assert proof.status is Status.INCONCLUSIVE and "larger than" in proof.reason


# --- the vault, the profile and the command line -------------------------------------------------


def test_import_a_fetched_hosted_badge_counts_and_says_how(wallet: Wallet) -> None:
    (outcome,) = wallet.import_credentials(
        [assertion("hosted")], recipients=[EMAIL], fetcher=Web({HOSTED_ID: assertion("hosted")})
    ).outcomes
    assert outcome.status == "stored" and outcome.flags == ["hosted-fetched"]
    summary, _ = wallet.get(outcome.record_id or "")
    assert summary.verified
    (claim,) = wallet.skill_claims(now=NOW)
    assert (claim.skill, claim.level, claim.checked) == (
        ESCO_SKILL,
        EvidenceLevel.ASSESSED,
        CHECKED,
    )
    skill = wallet.profile(now=NOW).get(ESCO_SKILL)
    assert skill is not None and skill.checked == (CHECKED,)


def test_import_without_opt_in_stays_unverified_and_counts_for_nothing(wallet: Wallet) -> None:
    (outcome,) = wallet.import_credentials([assertion("hosted")], recipients=[EMAIL]).outcomes
    assert outcome.flags[:2] == ["hosted-unverified", "unverified"]
    assert wallet.skill_claims(now=NOW) == []
    # a host serving another assertion: refused, not stored
    other = assertion("hosted", issuedOn="2020-01-01T00:00:00Z")
    (outcome,) = wallet.import_credentials(
        [assertion("hosted")], recipients=[EMAIL], fetcher=Web({HOSTED_ID: other})
    ).outcomes
    assert outcome.status == "refused" and "differs" in outcome.reasons[0]


def test_cli_allow_network_fetches_for_open_badges(
    tmp_path: Path,
    cli_vault: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    asked: list[list[str] | None] = []

    def fake(hosts: list[str] | None) -> Web | None:
        asked.append(hosts)
        return Web({HOSTED_ID: assertion("hosted")}) if hosts else None

    for name in ("skillswallet.cli.app", "skillswallet.cli.vault"):
        monkeypatch.setattr(importlib.import_module(name), "badge_fetcher", fake)
    hosted = _write(tmp_path, "hosted.json", json.dumps(assertion("hosted")))
    code, out, _ = invoke_main(monkeypatch, capsys, "verify", hosted)
    assert code == 1 and "issued by a host, not verified offline" in out
    code, out, _ = invoke_main(
        monkeypatch, capsys, "verify", "--allow-network", "badges.example.org", hosted
    )
    assert code == 0 and "fetched from its host" in out
    assert asked == [None, ["badges.example.org"]]
    code, _, err = invoke_main(monkeypatch, capsys, "init")
    assert code == 0, err
    code, out, err = invoke_main(
        monkeypatch,
        capsys,
        "import",
        "--allow-network",
        "badges.example.org",
        "--recipient",
        EMAIL,
        hosted,
    )
    assert code == 0, err + out
    code, out, _ = invoke_main(monkeypatch, capsys, "list", "--json")
    assert [item["flags"] for item in json.loads(out)] == [["hosted-fetched"]]


def test_the_default_fetcher_refuses_what_is_not_allowed() -> None:
    from skillswallet.cli.common import badge_fetcher

    assert badge_fetcher(None) is None and badge_fetcher([]) is None
    fetcher = badge_fetcher(["badges.example.org"])
    assert fetcher is not None
    with pytest.raises(FetchError, match="not on the allow-list"):
        fetcher.get("https://evil.example/a.json")


def test_the_profile_command_says_how_a_fetched_badge_was_checked(
    tmp_path: Path,
    cli_vault: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(
        importlib.import_module("skillswallet.cli.vault"),
        "badge_fetcher",
        lambda hosts: Web({HOSTED_ID: assertion("hosted")}) if hosts else None,
    )
    hosted = _write(tmp_path, "hosted.json", json.dumps(assertion("hosted")))
    assert invoke_main(monkeypatch, capsys, "init")[0] == 0
    args = ("import", "--allow-network", "badges.example.org", "--recipient", EMAIL, hosted)
    assert invoke_main(monkeypatch, capsys, *args)[0] == 0
    code, out, _ = invoke_main(monkeypatch, capsys, "profile", "--json")
    assert code == 0
    (skill,) = json.loads(out)["skills"]
    assert skill["uri"] == ESCO_SKILL and skill["checked"] == [CHECKED]
    code, out, _ = invoke_main(monkeypatch, capsys, "profile")
    assert code == 0 and f"({CHECKED})" in out


def test_a_linked_badge_fetched_from_the_issuers_host_feeds_the_profile(wallet: Wallet) -> None:
    doc = assertion("hosted")
    badge = doc["badge"]
    doc["badge"] = badge["id"]
    web = Web({HOSTED_ID: doc, badge["id"]: badge})
    (outcome,) = wallet.import_credentials([doc], recipients=[EMAIL], fetcher=web).outcomes
    assert outcome.status == "stored" and outcome.skills == [ESCO_SKILL]
    summary, body = wallet.get(outcome.record_id or "")
    assert body == doc  # stored as it came: the badge linked
    assert summary.name == "MIG welding" and summary.issuer == ISSUER
    assert [c.skill for c in wallet.skill_claims(now=NOW)] == [ESCO_SKILL]
    # offline, the same assertion says nothing about its badge, and counts for nothing
    from skillswallet.openbadges2 import badge_class_of

    offline = verify_openbadge2(doc, now=NOW)
    assert badge_class_of(doc, offline) == doc


@pytest.mark.parametrize("badge_linked", [False, True])
def test_an_embedded_issuer_profile_that_is_not_the_issuers_fails(badge_linked: bool) -> None:
    """A real hosted assertion whose host links the issuer, presented with an embedded
    issuer profile that lies about the issuer's name: the report and the vault would say
    'Harvard University' for a welding school's badge."""
    served = assertion("hosted")
    badge = served["badge"]
    profile = dict(badge["issuer"])
    badge["issuer"] = ISSUER
    pages = {HOSTED_ID: served, ISSUER: profile}
    if badge_linked:
        served["badge"] = badge["id"]
        pages[badge["id"]] = badge
    forged = assertion("hosted")
    forged["badge"]["issuer"]["name"] = "Harvard University"
    proof = _check(verify_openbadge2(forged, fetcher=Web(pages), now=NOW), CheckId.PROOF)
    assert proof.status is Status.FAILED and "issuer" in proof.reason
    # the issuer's own profile, embedded as its host serves it, is the same
    result = verify_openbadge2(assertion("hosted"), fetcher=Web(pages), now=NOW)
    assert result.verified, result.checks
    # and one that cannot be fetched to compare decides nothing
    del pages[ISSUER]
    proof = _check(verify_openbadge2(forged, fetcher=Web(pages), now=NOW), CheckId.PROOF)
    assert proof.status is Status.INCONCLUSIVE
