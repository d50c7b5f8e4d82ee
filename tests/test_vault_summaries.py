"""The summary index and compressed records: listing reads pages that always agree with
the records; a vault written before them, a damaged or rolled-back page, and every kind
of change give the same answers as reading record by record."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skillswallet.skills.builders import Skill
from skillswallet.storage.crypto import open_sealed, seal
from skillswallet.storage.packing import pack, unpack
from skillswallet.storage.summaries import PAGE_ENTRIES
from skillswallet.storage.vault import EncryptedStore, Record
from skillswallet.wallet import Wallet

from .vaultkit import PASSPHRASE, credential, fast_kdf

COUNT = PAGE_ENTRIES * 2 + 10  # three pages of one kind


def _meta(i: int) -> dict[str, Any]:
    return {"n": i, "name": f"record {i}", "facts": [i, f"fact {i}"]}


@pytest.fixture()
def store(tmp_path: Path) -> EncryptedStore:
    store = EncryptedStore.create(tmp_path / "v.sqlite", PASSPHRASE, fast_kdf())
    store.put_many(("credential", _meta(i), {"body": i}, None) for i in range(COUNT))
    store.put("key", {"label": "the holder"}, {"secret": "k"})
    return store


def _listing(store: EncryptedStore, kind: str = "credential") -> list[tuple[str, Any]]:
    return [(r.id, r.meta) for r in store.records(kind) if isinstance(r, Record)]


def _one_by_one(store: EncryptedStore, kind: str = "credential") -> list[tuple[str, Any]]:
    out = []
    for r in store._records_one_by_one(kind):
        assert isinstance(r, Record)
        out.append((r.id, {k: v for k, v in r.meta.items() if k != "facts"}))
    return out


def _pages(store: EncryptedStore) -> int:
    (count,) = store._conn.execute("SELECT count(*) FROM summary_pages").fetchone()
    return int(count)


def test_listing_reads_pages_that_match_the_records(store: EncryptedStore) -> None:
    assert _pages(store) == 4  # three of credentials, one of the key
    listing = _listing(store)
    assert [meta["n"] for _, meta in listing] == list(range(COUNT))
    assert listing == _one_by_one(store)
    assert all("facts" not in meta for _, meta in listing)  # read apart:
    assert [f for _, f in store.record_facts("credential")] == [
        [i, f"fact {i}"] for i in range(COUNT)
    ]
    assert [m["label"] for _, m in _listing(store, "key")] == ["the holder"]
    assert list(store.record_facts("key")) == [(_listing(store, "key")[0][0], None)]


def test_every_change_keeps_the_index_in_step(store: EncryptedStore) -> None:
    ids = [rid for rid, _ in _listing(store)]
    store.delete(ids[0])
    store.delete(ids[PAGE_ENTRIES + 3])
    store.update_meta(ids[5], {"n": 500, "facts": ["changed"]})
    for rid in ids[PAGE_ENTRIES * 2 :]:  # empties the last page: it goes
        store.delete(rid)
    store.put("credential", {"n": 999, "facts": "new"}, {"body": 999})
    listing = _listing(store)
    assert listing == _one_by_one(store)
    numbers = [meta["n"] for _, meta in listing]
    assert numbers[:5] == [1, 2, 3, 4, 500] and numbers[-1] == 999
    assert len(numbers) == COUNT - 2 - 10 + 1
    facts = dict(store.record_facts("credential"))
    assert facts[ids[5]] == ["changed"] and "new" in facts.values()
    assert store._summaries.current_state(store._read_manifest()) is not None


def test_a_vault_without_the_index_is_read_and_then_indexed(tmp_path: Path) -> None:
    path = tmp_path / "v.sqlite"
    store = EncryptedStore.create(path, PASSPHRASE, fast_kdf())
    store.put_many(("credential", _meta(i), {"body": i}, None) for i in range(20))
    expected = _listing(store)
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE summary_pages")  # as a vault made before the index
    conn.execute("DROP TABLE summary_state")
    conn.close()
    store = EncryptedStore.open(path, PASSPHRASE, check_integrity=False)
    assert _listing(store) == expected  # read record by record meanwhile
    store.close()
    store = EncryptedStore.open(path, PASSPHRASE)  # opening rebuilds it
    assert _pages(store) == 1 and _listing(store) == expected
    store.close()


def _tamper_page(path: Path, change: Any) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for page, sealed in conn.execute("SELECT page, sealed FROM summary_pages").fetchall():
            conn.execute(
                "UPDATE summary_pages SET sealed = ? WHERE page = ?", (change(sealed), page)
            )
    finally:
        conn.close()


@pytest.mark.parametrize(
    "change",
    [
        lambda sealed: sealed[:40] + bytes([sealed[40] ^ 1]) + sealed[41:],  # inside
        lambda sealed: sealed[:-1] + bytes([sealed[-1] ^ 1]),  # its tag
    ],
    ids=["ciphertext", "tag"],
)
def test_a_damaged_page_is_read_past_and_rebuilt_on_the_next_write(
    store: EncryptedStore, change: Any
) -> None:
    expected = _listing(store)
    path = store.path
    store.close()
    _tamper_page(path, change)
    store = EncryptedStore.open(path, PASSPHRASE)
    assert _listing(store) == expected
    store.put("credential", {"n": -1}, {"body": -1})
    assert _listing(store) == [*expected, (_listing(store)[-1][0], {"n": -1})]
    assert _listing(store) == _one_by_one(store)
    store.close()


def test_a_rolled_back_page_is_not_believed(store: EncryptedStore) -> None:
    (old,) = store._conn.execute("SELECT sealed FROM summary_pages WHERE page = 3").fetchone()
    store.update_meta(_listing(store)[-1][0], {"n": "latest"})
    path = store.path
    store.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE summary_pages SET sealed = ? WHERE page = 3", (old,))
    conn.close()
    store = EncryptedStore.open(path, PASSPHRASE)
    assert _listing(store)[-1][1] == {"n": "latest"}
    store.close()


def test_records_are_compressed_and_older_uncompressed_ones_still_read(
    store: EncryptedStore,
) -> None:
    plain = json.dumps({"name": "Welding " * 40}).encode()
    assert len(pack(plain)) < len(plain) // 4 and unpack(pack(plain)) == plain
    assert unpack(plain) == plain  # JSON written before packing existed
    short = b'{"n":1}'
    assert pack(short) == short  # nothing to gain
    rid = store.put("credential", {"n": "raw"}, {"body": "x" * 500})
    assert rid is not None
    # Rewrite that record's body as an older skillswallet did: JSON sealed as it is.
    row = store._conn.execute("SELECT version FROM records WHERE id = ?", (rid,)).fetchone()
    aad = store._aad(rid, "credential", row[0], "body")
    body = seal(store._data_key, b'{"body":"legacy"}', aad)
    (sealed,) = store._conn.execute("SELECT body FROM records WHERE id = ?", (rid,)).fetchone()
    stored = open_sealed(store._data_key, sealed, aad)
    assert stored is not None and len(stored) < 100  # 500 x's were packed
    store._conn.execute(
        "UPDATE records SET body = ?, edges = substr(edges, 1, 40) || ? WHERE id = ?",
        (body, body[:24] + body[-16:], rid),
    )
    assert store.get(rid)[1] == {"body": "legacy"}


NOW = datetime(2025, 7, 1, tzinfo=UTC)
WELDING = "http://data.europa.eu/esco/skill/abc"


def test_profile_of_records_stored_without_facts_reads_the_credentials(tmp_path: Path) -> None:
    with Wallet.create(tmp_path / "w.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW) as w:
        w.create_did("ed25519")
        w.self_assess([Skill(WELDING, "welding", level="B")])
        w.add(credential("Someone else's"))
        before = w.profile(now=NOW)
        for record in list(w._store.records("credential")):
            assert isinstance(record, Record)
            w._store.update_meta(record.id, record.meta)  # as stored before: no facts
        assert [f for _, f in w._store.record_facts("credential")] == [None, None]
        after = w.profile(now=NOW)
    assert [s.uri for s in before.skills] == [WELDING]
    assert after == before


def test_listed_summaries_share_their_repeated_strings(tmp_path: Path) -> None:
    # A listing of many credentials from one issuer holds the issuer's DID, the types and
    # the dates once (memory of a 100,000-credential listing), not once a summary.
    with Wallet.create(tmp_path / "v.sqlite", PASSPHRASE, kdf=fast_kdf()) as wallet:
        wallet.import_credentials([credential(f"Skill {n}") for n in range(3)])
        first, *rest = list(wallet.credentials())
    assert len(rest) == 2 and len({s.name for s in [first, *rest]}) == 3
    for other in rest:
        assert other.issuer == first.issuer and other.issuer is first.issuer
        assert other.types[0] is first.types[0] and other.valid_from is first.valid_from
        assert first.valid_from is not None
