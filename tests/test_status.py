"""Bitstring Status List 1.0: the codec against the spec's examples and Digital Bazaar's
lists, the issuer's registry and lists, and the verifier's STATUS check."""

from __future__ import annotations

import base64
import gzip
import multiprocessing
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from skillswallet import CheckId, Status, issue_credential, verify
from skillswallet.errors import StatusListError, StatusRegistryError, StatusRetrievalError
from skillswallet.status.bitstring import (
    MAX_BITSTRING_BYTES,
    MIN_ENTRIES,
    build_bitstring,
    decode_bitstring,
    encode_bitstring,
)
from skillswallet.status.check import check_status
from skillswallet.status.issuer import list_file_name
from skillswallet.status.registry import SqliteStatusRegistry
from skillswallet.status.sources import CachedSource, DirectorySource, FirstOf

from .conftest import CONFORMANCE, INTEROP, NOW, load_json
from .statuskit import REVOCATION, SUSPENSION, School, make_school

STATUS_LIST = CONFORMANCE / "status-list"


# --- the codec -------------------------------------------------------------------------------


def test_spec_example_encoded_list_decodes_as_recorded() -> None:
    recorded = load_json(STATUS_LIST / "encodedList-decoding.json")
    bits = decode_bitstring(recorded["encodedList"])
    assert len(bits.data) == recorded["uncompressedBytes"] == 16384
    assert bits.bits == recorded["bitLength"] == MIN_ENTRIES
    assert bits.set_indices() == recorded["indicesSet"]
    assert bits.get(94567) == 0
    example = load_json(STATUS_LIST / "bitstring-status-list-credential.example.json")
    assert example["credentialSubject"]["encodedList"] == recorded["encodedList"]


def test_digital_bazaar_list_decodes_with_the_bits_they_set() -> None:
    listed = load_json(INTEROP / "status-list-revocation.json")
    bits = decode_bitstring(listed["credentialSubject"]["encodedList"])
    assert bits.bits == 131_072
    assert bits.set_indices() == [3, 42, 131_071]


def test_encode_decode_round_trip_bit_order() -> None:
    bits = build_bitstring(MIN_ENTRIES, {0: 1, 9: 1, MIN_ENTRIES - 1: 1})
    assert bits.data[0] == 0x80 and bits.data[1] == 0x40 and bits.data[-1] == 0x01
    again = decode_bitstring(encode_bitstring(bits))
    assert again == bits and again.set_indices() == [0, 9, MIN_ENTRIES - 1]
    assert encode_bitstring(bits) == encode_bitstring(bits)  # deterministic


def test_multi_bit_entries_most_significant_first() -> None:
    bits = build_bitstring(MIN_ENTRIES, {5: 2, 6: 3, 7: 1}, status_size=2)
    assert [bits.get(i, 2) for i in (4, 5, 6, 7)] == [0, 2, 3, 1]
    assert bits.entries(2) == MIN_ENTRIES
    with pytest.raises(StatusListError):
        build_bitstring(MIN_ENTRIES, {1: 4}, status_size=2)


def _encoded(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(gzip.compress(raw)).decode().rstrip("=")


def test_gzip_bomb_is_refused_quickly_and_bounded() -> None:
    bomb = _encoded(bytes(512 * 1024 * 1024))  # 512 MiB of zeros in about 500 KB
    start = time.perf_counter()
    with pytest.raises(StatusListError, match="decompresses to more than"):
        decode_bitstring(bomb)
    assert time.perf_counter() - start < 2.0
    assert decode_bitstring(_encoded(bytes(MAX_BITSTRING_BYTES))).bits == MAX_BITSTRING_BYTES * 8


@pytest.mark.parametrize(
    ("encoded", "message"),
    [
        (42, "not a string"),
        ("zH4sI", "must start with 'u'"),
        ("uH4s=", "without padding"),
        ("u!!!!", "not valid base64url"),
        ("u" + base64.urlsafe_b64encode(b"plain").decode().rstrip("="), "not GZIP"),
        (_encoded(bytes(16384))[:33], "truncated|not valid GZIP"),
        (_encoded(bytes(16384)) + "AAAA", "after its GZIP member|not valid"),
    ],
)
def test_malformed_encoded_lists_are_refused(encoded: Any, message: str) -> None:
    with pytest.raises(StatusListError, match=message):
        decode_bitstring(encoded)


# --- Digital Bazaar's lists verify here -------------------------------------------------------


def test_digital_bazaar_status_credentials_verify_here() -> None:
    source = DirectorySource(INTEROP)
    valid = verify(load_json(INTEROP / "ob3-status-index-7.json"), now=NOW, status=source)
    assert valid.verified, valid.failures
    assert valid.check(CheckId.STATUS).detail["entries"][0]["state"] == "valid"
    revoked = verify(load_json(INTEROP / "ob3-status-index-42.json"), now=NOW, status=source)
    assert not revoked.verified
    check = revoked.check(CheckId.STATUS)
    assert check.status is Status.FAILED and check.reason.startswith("revoked")
    assert check.detail["entries"][0]["state"] == "revoked"


def test_without_a_source_a_status_is_inconclusive_never_passed() -> None:
    result = verify(load_json(INTEROP / "ob3-status-index-7.json"), now=NOW)
    assert result.check(CheckId.STATUS).status is Status.INCONCLUSIVE
    assert not result.verified


# --- issuer and verifier ----------------------------------------------------------------------


@pytest.fixture
def school(tmp_path: Path) -> School:
    return make_school(tmp_path)


def _status(school: School, credential: dict[str, Any]) -> Any:
    return verify(credential, now=NOW, status=DirectorySource(school.published)).check(
        CheckId.STATUS
    )


def test_round_trip_valid_then_revoked(school: School) -> None:
    kept, revoked = school.credential(), school.credential()
    school.publish()
    assert _status(school, kept).status is Status.PASSED
    assert verify(kept, now=NOW, status=DirectorySource(school.published)).verified
    school.issuer.revoke(revoked["id"])
    school.publish()
    check = _status(school, revoked)
    assert check.status is Status.FAILED and "revoked" in check.reason
    assert _status(school, kept).status is Status.PASSED  # only that one


def test_suspend_and_unsuspend(school: School) -> None:
    credential = school.credential()
    school.issuer.suspend(credential["id"])
    school.publish()
    check = _status(school, credential)
    assert check.status is Status.FAILED and check.reason.startswith("suspended")
    school.issuer.unsuspend(credential["id"])
    school.publish()
    assert _status(school, credential).status is Status.PASSED


def test_revocation_cannot_be_undone_and_unknown_ids_are_named(school: School) -> None:
    credential = school.credential(lists=(REVOCATION,))
    school.issuer.revoke(credential["id"])
    with pytest.raises(StatusRegistryError, match="no suspension entry"):
        school.issuer.suspend(credential["id"])
    with pytest.raises(StatusRegistryError, match="cannot be undone"):
        school.issuer.registry.set_value(REVOCATION, credential["id"], 0)
    with pytest.raises(StatusRegistryError, match="no revocation entry"):
        school.issuer.revoke("urn:uuid:never-issued")


def test_entries_are_the_spec_shape_and_indices_distinct(school: School) -> None:
    credential = school.credential()
    entries = credential["credentialStatus"]
    assert [e["statusPurpose"] for e in entries] == ["revocation", "suspension"]
    for entry in entries:
        assert entry["type"] == "BitstringStatusListEntry"
        assert entry["id"] == f"{entry['statusListCredential']}#{entry['statusListIndex']}"
        assert 0 <= int(entry["statusListIndex"]) < MIN_ENTRIES
    indices = {school.credential(lists=(REVOCATION,))["credentialStatus"]["statusListIndex"]}
    indices |= {school.credential(lists=(REVOCATION,))["credentialStatus"]["statusListIndex"]}
    assert len(indices) == 2


def test_published_list_is_a_verifiable_list_credential(school: School) -> None:
    school.credential()
    paths = school.publish()
    assert sorted(p.name for p in paths) == sorted(
        list_file_name(u) for u in (REVOCATION, SUSPENSION)
    )
    listed = load_json(school.published / list_file_name(REVOCATION))
    assert listed["id"] == REVOCATION and listed["issuer"] == school.did
    assert "BitstringStatusListCredential" in listed["type"]
    assert decode_bitstring(listed["credentialSubject"]["encodedList"]).bits == MIN_ENTRIES
    assert verify(listed, now=NOW).verified


def test_registry_refuses_short_lists_and_other_purposes(tmp_path: Path) -> None:
    registry = SqliteStatusRegistry(tmp_path / "r.sqlite")
    with pytest.raises(StatusRegistryError, match="at least 131,072"):
        registry.create_list("https://x.example/1", "revocation", "did:example:x", 1024)
    with pytest.raises(StatusRegistryError, match="status purpose"):
        registry.create_list("https://x.example/1", "refresh", "did:example:x")
    registry.create_list("https://x.example/1", "revocation", "did:example:x")
    with pytest.raises(StatusRegistryError, match="already has"):
        registry.create_list("https://x.example/1", "revocation", "did:example:x")


def test_a_full_list_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from skillswallet.status import registry as module

    monkeypatch.setattr(module, "MIN_ENTRIES", 16)
    registry = SqliteStatusRegistry(tmp_path / "r.sqlite")
    registry.create_list("https://x.example/1", "revocation", "did:example:x", 16)
    got = {registry.allocate("https://x.example/1", f"urn:c:{i}") for i in range(16)}
    assert got == set(range(16))  # the last ones come from the free indices themselves
    assert registry.allocate("https://x.example/1", "urn:c:3") in got  # the same again
    with pytest.raises(StatusRegistryError, match="full"):
        registry.allocate("https://x.example/1", "urn:c:new")


def _allocate_many(path: str, url: str, prefix: str, count: int) -> list[int]:
    registry = SqliteStatusRegistry(path)
    try:
        return [registry.allocate(url, f"{prefix}{i}") for i in range(count)]
    finally:
        registry.close()


def test_two_processes_never_get_the_same_index(tmp_path: Path) -> None:
    path = tmp_path / "r.sqlite"
    url = "https://x.example/1"
    SqliteStatusRegistry(path).create_list(url, "revocation", "did:example:x")
    # Each process allocates 300 while the other does: a lost race (two transactions that
    # both saw an index free) would show as a repeated index or a lost row.
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        first, second = pool.starmap(
            _allocate_many, [(str(path), url, "urn:a:", 300), (str(path), url, "urn:b:", 300)]
        )
    assert len(set(first) | set(second)) == 600
    registry = SqliteStatusRegistry(path)
    assert registry.lists()[0].used == 600


# --- bad input: each a failed or inconclusive check with a reason ----------------------------


def _list_document(school: School, url: str = REVOCATION) -> dict[str, Any]:
    return school.issuer.list_credential(url, school.signer, now=NOW)


def _resigned(school: School, document: dict[str, Any], signer: Any = None) -> dict[str, Any]:
    document = {k: v for k, v in document.items() if k != "proof"}
    signed: dict[str, Any] = issue_credential(document, signer or school.signer, created=NOW)
    return signed


class _Fixed:
    def __init__(self, documents: dict[str, dict[str, Any]]) -> None:
        self.documents = documents

    def get(self, url: str) -> dict[str, Any]:
        if url not in self.documents:
            raise StatusRetrievalError(f"{url} is unreachable")
        return self.documents[url]


def _check(credential: dict[str, Any], documents: dict[str, dict[str, Any]]) -> Any:
    start = time.perf_counter()
    check = verify(credential, now=NOW, status=_Fixed(documents)).check(CheckId.STATUS)
    assert time.perf_counter() - start < 5.0
    return check


def test_bomb_in_a_signed_list_is_inconclusive(school: School) -> None:
    credential = school.credential(lists=(REVOCATION,))
    document = _list_document(school)
    document["credentialSubject"]["encodedList"] = _encoded(bytes(256 * 1024 * 1024))
    check = _check(credential, {REVOCATION: _resigned(school, document)})
    assert check.status is Status.INCONCLUSIVE and "decompresses to more than" in check.reason


def test_too_short_list_is_inconclusive(school: School) -> None:
    credential = school.credential(lists=(REVOCATION,))
    document = _list_document(school)
    document["credentialSubject"]["encodedList"] = encode_bitstring(build_bitstring(1024, {}))
    check = _check(credential, {REVOCATION: _resigned(school, document)})
    assert check.status is Status.INCONCLUSIVE and "herd privacy" in check.reason


def test_index_out_of_range_fails(school: School) -> None:
    unsigned = school.credential(lists=(REVOCATION,))
    del unsigned["proof"]
    unsigned["credentialStatus"]["statusListIndex"] = str(MIN_ENTRIES)
    credential = issue_credential(unsigned, school.signer, created=NOW)
    check = _check(credential, {REVOCATION: _list_document(school)})
    assert check.status is Status.FAILED and "outside the status list" in check.reason


@pytest.mark.parametrize("index", ["-1", "1e3", "0x10", "", "9" * 40, " 7"])
def test_malformed_index_fails(school: School, index: str) -> None:
    unsigned = school.credential(lists=(REVOCATION,))
    del unsigned["proof"]
    unsigned["credentialStatus"]["statusListIndex"] = index
    credential = issue_credential(unsigned, school.signer, created=NOW)
    check = _check(credential, {REVOCATION: _list_document(school)})
    assert check.status is Status.FAILED and "statusListIndex" in check.reason


def test_list_signed_by_another_issuer_is_not_used(school: School, tmp_path: Path) -> None:
    credential = school.credential(lists=(REVOCATION,))
    other = make_school(tmp_path / "other")
    document = _list_document(school)
    document["issuer"] = other.did
    check = _check(credential, {REVOCATION: _resigned(other, document, other.signer)})
    assert check.status is Status.INCONCLUSIVE and "not by the credential's issuer" in check.reason


def test_tampered_list_is_inconclusive_even_after_a_good_one(school: School) -> None:
    credential = school.credential(lists=(REVOCATION,))
    good = _list_document(school)
    assert _check(credential, {REVOCATION: good}).status is Status.PASSED
    forged = _list_document(school)
    forged["credentialSubject"]["encodedList"] = encode_bitstring(
        build_bitstring(MIN_ENTRIES, {1: 1})
    )
    check = _check(credential, {REVOCATION: forged})
    assert check.status is Status.INCONCLUSIVE and "does not verify" in check.reason


def test_unreachable_list_is_inconclusive(school: School) -> None:
    check = _check(school.credential(lists=(REVOCATION,)), {})
    assert check.status is Status.INCONCLUSIVE and "could not be obtained" in check.reason
    missing = verify(
        school.credential(lists=(REVOCATION,)),
        now=NOW,
        status=DirectorySource(school.published / "nowhere"),
    ).check(CheckId.STATUS)
    assert missing.status is Status.INCONCLUSIVE and "does not exist" in missing.reason


def test_expired_list_is_inconclusive(school: School) -> None:
    credential = school.credential(lists=(REVOCATION,))
    stale = school.issuer.list_credential(
        REVOCATION, school.signer, now=NOW - timedelta(days=10), valid_for=timedelta(days=1)
    )
    check = _check(credential, {REVOCATION: stale})
    assert check.status is Status.INCONCLUSIVE and "expired" in check.reason


def test_list_of_another_purpose_or_id_is_inconclusive(school: School) -> None:
    credential = school.credential(lists=(REVOCATION,))
    check = _check(credential, {REVOCATION: _list_document(school, SUSPENSION)})
    assert check.status is Status.INCONCLUSIVE and "another one" in check.reason
    document = _list_document(school)
    document["credentialSubject"]["statusPurpose"] = "suspension"
    check = _check(credential, {REVOCATION: _resigned(school, document)})
    assert check.status is Status.INCONCLUSIVE and "not revocation" in check.reason


def test_unknown_status_type_is_inconclusive(school: School) -> None:
    unsigned = school.credential(lists=(REVOCATION,))
    del unsigned["proof"]
    for kind, words in (
        ("RevocationList2020Status", "'RevocationList2020Status' cannot be checked"),
        # the predecessor's entry is known, but a Bitstring list is not its list
        ("StatusList2021Entry", "is not a StatusList2021Credential"),
    ):
        unsigned["credentialStatus"]["type"] = kind
        check = check_status(
            unsigned,
            "credential",
            _Fixed({REVOCATION: _list_document(school)}),
            lambda _: (Status.PASSED, "verified"),
            now=NOW,
            skew=timedelta(0),
            memo_key=None,
        )
        assert check.status is Status.INCONCLUSIVE and words in check.reason


def test_message_purpose_reports_the_message(school: School) -> None:
    messages = [
        {"status": "0x0", "message": "pending review"},
        {"status": "0x1", "message": "accepted"},
        {"status": "0x2", "message": "rejected"},
        {"status": "0x3", "message": "undefined"},
    ]
    url = "https://school.example/status/message/1"
    unsigned = school.credential(lists=(REVOCATION,))
    del unsigned["proof"]
    unsigned["credentialStatus"] = {
        "id": f"{url}#77",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "message",
        "statusListIndex": "77",
        "statusListCredential": url,
        "statusSize": 2,
        "statusMessage": messages,
    }
    credential = issue_credential(unsigned, school.signer, created=NOW)
    document = _list_document(school)
    document["id"] = url
    document["credentialSubject"]["statusPurpose"] = "message"
    document["credentialSubject"]["encodedList"] = encode_bitstring(
        build_bitstring(MIN_ENTRIES, {77: 2}, status_size=2)
    )
    check = _check(credential, {url: _resigned(school, document)})
    assert check.status is Status.PASSED
    entry = check.detail["entries"][0]
    assert entry["state"] == "message" and entry["message"] == "rejected"
    assert "0x2: rejected" in check.reason


def test_cached_source_keeps_a_list_for_its_ttl(school: School) -> None:
    calls: list[str] = []
    documents = {REVOCATION: _list_document(school)}

    class Counting(_Fixed):
        def get(self, url: str) -> dict[str, Any]:
            calls.append(url)
            return super().get(url)

    clock = [0.0]
    cache = CachedSource(Counting(documents), ttl=60, clock=lambda: clock[0])
    for _ in range(3):
        cache.get(REVOCATION)
    assert len(calls) == 1
    clock[0] = 61.0
    cache.get(REVOCATION)
    assert len(calls) == 2
    with pytest.raises(StatusRetrievalError):
        cache.get("https://elsewhere.example/1")


def test_first_of_sources_and_directory_picks_files_by_id(school: School, tmp_path: Path) -> None:
    school.credential()
    school.publish()
    (school.published / "notes.json").write_text('{"not": "a list"}')
    (school.published / "broken.json").write_text("{")
    renamed = school.published / "renamed-anything.json"
    (school.published / list_file_name(REVOCATION)).rename(renamed)
    source = FirstOf([DirectorySource(tmp_path / "empty"), DirectorySource(school.published)])
    assert source.get(REVOCATION)["id"] == REVOCATION
    with pytest.raises(StatusRetrievalError, match="no status list"):
        source.get("https://school.example/nope")
