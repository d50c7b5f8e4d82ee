"""The encrypted store: format, faults and tampering. Each fault gives a typed error and
never damages what is already stored."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from skillswallet.errors import (
    CorruptVaultError,
    KDFParameterError,
    RecordCorruptError,
    UnsupportedVaultVersionError,
    VaultBusyError,
    VaultError,
    VaultExistsError,
    VaultIntegrityError,
    VaultNotFoundError,
    WrongPassphraseError,
)
from skillswallet.storage import crypto, vault
from skillswallet.storage.crypto import KdfParams
from skillswallet.storage.vault import EncryptedStore

from .faults.bitflip_loop import run as run_bitflips
from .vaultkit import PASSPHRASE, fast_kdf


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "vault.sqlite"
    store = EncryptedStore.create(path, PASSPHRASE, fast_kdf())
    store.put_many(
        [("credential", {"n": i}, {"secret": f"body {i}"}, f"c{i}".encode()) for i in range(3)]
    )
    store.close()
    return path


def _sql(path: Path, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return conn.execute(statement, params).fetchall()
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_round_trip_and_files_are_private(store_path: Path) -> None:
    store = EncryptedStore.open(store_path, PASSPHRASE)
    records = [r for r in store.records("credential")]
    assert [r.meta for r in records] == [{"n": 0}, {"n": 1}, {"n": 2}]  # type: ignore[union-attr]
    assert store.get(records[1].id)[1] == {"secret": "body 1"}  # type: ignore[union-attr]
    for suffix in ("", "-wal", "-shm"):
        p = Path(f"{store_path}{suffix}")
        if p.exists():
            assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    journal = store._conn.execute("PRAGMA journal_mode").fetchone()[0]
    sync = store._conn.execute("PRAGMA synchronous").fetchone()[0]
    assert (journal, sync) == ("wal", 2)  # WAL and FULL
    store.close()


def test_nothing_is_stored_in_clear(store_path: Path) -> None:
    raw = b"".join(
        Path(f"{store_path}{s}").read_bytes()
        for s in ("", "-wal")
        if Path(f"{store_path}{s}").exists()
    )
    assert b"body 1" not in raw and b'"n"' not in raw


def test_wrong_passphrase_is_distinct_and_pays_the_full_kdf(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = vault.derive_key

    def counting(passphrase: str, params: KdfParams, *ceiling: Any) -> bytes:
        calls.append(params)
        return real(passphrase, params, *ceiling)

    monkeypatch.setattr(vault, "derive_key", counting)
    for _ in range(3):
        with pytest.raises(WrongPassphraseError) as info:
            EncryptedStore.open(store_path, "not it")
        assert "not it" not in str(info.value)
    assert len(calls) == 3 and all(p.memlimit >= crypto.MEM_FLOOR for p in calls)
    assert not isinstance(WrongPassphraseError("x"), CorruptVaultError)


@pytest.mark.parametrize("column", ["vault_id", "kdf", "wrapped_key", "checksum"])
def test_header_bit_flip_is_corruption(store_path: Path, column: str) -> None:
    (value,) = _sql(store_path, f"SELECT {column} FROM header")[0]
    if isinstance(value, str):
        flipped: Any = value.replace('"', "'", 1)
    else:
        flipped = bytes([value[0] ^ 1]) + value[1:]
    _sql(store_path, f"UPDATE header SET {column} = ?", (flipped,))
    with pytest.raises(CorruptVaultError):
        EncryptedStore.open(store_path, PASSPHRASE)


def _rewrite_header(path: Path, **fields: Any) -> None:
    magic, version, vault_id, kdf, wrapped = _sql(
        path, "SELECT magic, format_version, vault_id, kdf, wrapped_key FROM header"
    )[0]
    values = {
        "magic": magic,
        "format_version": version,
        "vault_id": vault_id,
        "kdf": kdf,
        "wrapped_key": wrapped,
    }
    values.update(fields)
    checksum = vault._header_checksum(
        values["magic"],
        values["format_version"],
        values["vault_id"],
        values["kdf"],
        values["wrapped_key"],
    )
    _sql(
        path,
        "UPDATE header SET magic=?, format_version=?, vault_id=?, kdf=?, wrapped_key=?, checksum=?",
        (
            values["magic"],
            values["format_version"],
            values["vault_id"],
            values["kdf"],
            values["wrapped_key"],
            checksum,
        ),
    )


def test_tampered_header_with_fixed_checksum_cannot_unwrap(store_path: Path) -> None:
    (kdf,) = _sql(store_path, "SELECT kdf FROM header")[0]
    params = json.loads(kdf)
    params["opslimit"] += 1  # still within bounds, but not what the key was wrapped with
    _rewrite_header(store_path, kdf=json.dumps(params, sort_keys=True))
    with pytest.raises(WrongPassphraseError):
        EncryptedStore.open(store_path, PASSPHRASE)


@pytest.mark.parametrize(
    "change", [{"opslimit": 1}, {"memlimit": 8192}, {"memlimit": 64 * 2**30}, {"name": "scrypt"}]
)
def test_kdf_parameters_out_of_bounds_refused_before_running(
    store_path: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, Any]
) -> None:
    (kdf,) = _sql(store_path, "SELECT kdf FROM header")[0]
    params = json.loads(kdf) | change
    _rewrite_header(store_path, kdf=json.dumps(params, sort_keys=True))

    def must_not_run(*_: Any) -> bytes:
        raise AssertionError("the KDF ran on out-of-bounds parameters")

    monkeypatch.setattr(vault, "derive_key", must_not_run)
    with pytest.raises(KDFParameterError):
        EncryptedStore.open(store_path, PASSPHRASE)


def test_creating_with_weak_parameters_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KDFParameterError):
        EncryptedStore.create(tmp_path / "v", PASSPHRASE, KdfParams(1, 2**20, os.urandom(16)))
    assert not (tmp_path / "v").exists()


def test_newer_file_format_is_refused_before_reading_the_header(store_path: Path) -> None:
    _sql(store_path, f"PRAGMA user_version = {vault.FORMAT_VERSION + 1}")
    _sql(store_path, "DROP TABLE header")  # a future format may lay its header out differently
    before = _digest(store_path)
    with pytest.raises(UnsupportedVaultVersionError, match="newer"):
        EncryptedStore.open(store_path, PASSPHRASE)
    assert _digest(store_path) == before


def test_newer_format_is_refused_and_never_rewritten(store_path: Path) -> None:
    _rewrite_header(store_path, format_version=vault.FORMAT_VERSION + 1)
    before = _digest(store_path)
    with pytest.raises(UnsupportedVaultVersionError):
        EncryptedStore.open(store_path, PASSPHRASE)
    assert _digest(store_path) == before


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, not a vault", os.urandom(4096), b"SQLite format 3\x00" + os.urandom(100)],
    ids=["empty", "text", "random", "sqlite-magic-garbage"],
)
def test_foreign_and_damaged_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "x.sqlite"
    path.write_bytes(content)
    with pytest.raises(CorruptVaultError):
        EncryptedStore.open(path, PASSPHRASE)


def test_another_apps_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    _sql(path, "CREATE TABLE t (x)")
    with pytest.raises(CorruptVaultError, match="not a skillswallet vault"):
        EncryptedStore.open(path, PASSPHRASE)


def test_truncated_vault(store_path: Path) -> None:
    data = store_path.read_bytes()
    for cut in (100, len(data) // 2, len(data) - 1):
        store_path.write_bytes(data[:cut])
        for suffix in ("-wal", "-shm"):
            Path(f"{store_path}{suffix}").unlink(missing_ok=True)
        with pytest.raises(VaultError):
            EncryptedStore.open(store_path, PASSPHRASE)


def test_random_bit_flips_anywhere_give_typed_errors_or_intact_data() -> None:
    # A short run here; `python -m tests.faults.bitflip_loop 1500` is the long one. The loop
    # raises on any exception that is not a VaultError and on any wrong data read back.
    summary = run_bitflips(120, seed=7)
    assert summary["opened"] > 0  # some flips land in slack space: those reads are checked


def test_damaged_record_does_not_hide_the_others(store_path: Path) -> None:
    rows = _sql(store_path, "SELECT id, body FROM records ORDER BY seq")
    rid, body = rows[1]
    damaged = body[:30] + bytes([body[30] ^ 0xFF]) + body[31:]  # inside the ciphertext
    _sql(store_path, "UPDATE records SET body = ? WHERE id = ?", (damaged, rid))
    store = EncryptedStore.open(store_path, PASSPHRASE)
    with pytest.raises(RecordCorruptError):
        store.get(rid)
    assert store.get(rows[0][0])[1] == {"secret": "body 0"}
    assert store.get(rows[2][0])[1] == {"secret": "body 2"}
    store.close()


def test_record_swapped_into_another_slot_does_not_decrypt(store_path: Path) -> None:
    rows = _sql(store_path, "SELECT id, meta, body FROM records ORDER BY seq")
    (a, meta_a, body_a), (b, meta_b, body_b) = rows[0], rows[1]
    _sql(store_path, "UPDATE records SET meta = ?, body = ? WHERE id = ?", (meta_b, body_b, a))
    _sql(store_path, "UPDATE records SET meta = ?, body = ? WHERE id = ?", (meta_a, body_a, b))
    store = EncryptedStore.open(store_path, PASSPHRASE)
    with pytest.raises(RecordCorruptError):
        store.get(a)
    # Listing reads the summary index (written by us, intact); the full scan finds both.
    assert sorted(store.damaged()) == sorted([a, b])
    store.close()


def test_record_swapped_with_its_edges_fails_the_manifest(store_path: Path) -> None:
    rows = _sql(store_path, "SELECT id, edges, meta, body FROM records ORDER BY seq")
    (a, *parts_a), (b, *parts_b) = rows[0], rows[1]
    _sql(store_path, "UPDATE records SET edges = ?, meta = ?, body = ? WHERE id = ?", (*parts_b, a))
    _sql(store_path, "UPDATE records SET edges = ?, meta = ?, body = ? WHERE id = ?", (*parts_a, b))
    with pytest.raises(VaultIntegrityError):
        EncryptedStore.open(store_path, PASSPHRASE)


def test_record_from_another_vault_does_not_decrypt(tmp_path: Path, store_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    EncryptedStore.create(other, PASSPHRASE, fast_kdf()).close()
    row = _sql(store_path, "SELECT * FROM records LIMIT 1")[0]
    _sql(other, "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tuple(row))
    with pytest.raises(VaultIntegrityError):
        EncryptedStore.open(other, PASSPHRASE)
    store = EncryptedStore.open(other, PASSPHRASE, check_integrity=False)
    with pytest.raises(RecordCorruptError):
        store.get(row[0])
    store.close()


def test_deleted_row_is_detected(store_path: Path) -> None:
    _sql(store_path, "DELETE FROM records WHERE seq = 2")
    with pytest.raises(VaultIntegrityError, match="2 present, 3 expected"):
        EncryptedStore.open(store_path, PASSPHRASE)


def test_duplicated_row_is_detected(store_path: Path) -> None:
    row = list(_sql(store_path, "SELECT * FROM records LIMIT 1")[0])
    row[0] = "f" * 32
    row[4] = None
    _sql(store_path, "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tuple(row))
    with pytest.raises(VaultIntegrityError):
        EncryptedStore.open(store_path, PASSPHRASE)


def test_rolled_back_record_is_detected(store_path: Path) -> None:
    store = EncryptedStore.open(store_path, PASSPHRASE)
    rid = next(iter(store.records("credential"))).id  # type: ignore[union-attr]
    old = _sql(store_path, "SELECT version, edges, meta, body FROM records WHERE id = ?", (rid,))[0]
    store.update_meta(rid, {"n": 99})
    store.close()
    _sql(
        store_path,
        "UPDATE records SET version = ?, edges = ?, meta = ?, body = ? WHERE id = ?",
        (*old, rid),
    )
    with pytest.raises(VaultIntegrityError):
        EncryptedStore.open(store_path, PASSPHRASE)


def test_create_refuses_to_overwrite(store_path: Path) -> None:
    before = _digest(store_path)
    with pytest.raises(VaultExistsError):
        EncryptedStore.create(store_path, PASSPHRASE, fast_kdf())
    assert _digest(store_path) == before


def test_missing_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFoundError):
        EncryptedStore.open(tmp_path / "nope.sqlite", PASSPHRASE)


def test_passphrase_change_is_atomic_and_exclusive(store_path: Path) -> None:
    store = EncryptedStore.open(store_path, PASSPHRASE)
    store.change_passphrase("new passphrase", fast_kdf())
    store.close()
    with pytest.raises(WrongPassphraseError):
        EncryptedStore.open(store_path, PASSPHRASE)
    store = EncryptedStore.open(store_path, "new passphrase")
    assert store.count("credential") == 3
    store.close()


def test_second_writer_gets_busy_error_in_bounded_time(store_path: Path) -> None:
    import time

    holder = sqlite3.connect(store_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    store = EncryptedStore.open(store_path, PASSPHRASE, busy_timeout=0.3)
    start = time.monotonic()
    with pytest.raises(VaultBusyError, match="busy"):
        store.put("credential", {"n": 9}, {}, b"c9")
    assert time.monotonic() - start < 5
    holder.execute("ROLLBACK")
    holder.close()
    assert store.put("credential", {"n": 9}, {}, b"c9") is not None
    store.close()


def test_disk_full_keeps_old_state_and_leaves_no_temp_files(store_path: Path) -> None:
    store = EncryptedStore.open(store_path, PASSPHRASE)
    (pages,) = store._conn.execute("PRAGMA page_count").fetchone()
    store._conn.execute(f"PRAGMA max_page_count = {pages + 1}")
    big = {"blob": base64.b64encode(os.urandom(150_000)).decode()}  # incompressible
    with pytest.raises(VaultError, match="disk is full"):
        store.put_many([("credential", {"n": 10 + i}, big, None) for i in range(5)])
    assert store.count("credential") == 3
    store.check_integrity()
    store.close()
    leftovers = {p.name for p in store_path.parent.iterdir()} - {
        store_path.name,
        f"{store_path.name}-wal",
        f"{store_path.name}-shm",
    }
    assert not leftovers
    reopened = EncryptedStore.open(store_path, PASSPHRASE)
    assert reopened.count("credential") == 3
    reopened.close()


def test_delete_really_removes_the_ciphertext(store_path: Path) -> None:
    store = EncryptedStore.open(store_path, PASSPHRASE)
    record = next(iter(store.records("credential")))
    (body,) = store._conn.execute("SELECT body FROM records WHERE id = ?", (record.id,)).fetchone()  # type: ignore[union-attr]
    store.delete(record.id)  # type: ignore[union-attr]
    store.close()
    raw = b"".join(
        Path(f"{store_path}{s}").read_bytes()
        for s in ("", "-wal")
        if Path(f"{store_path}{s}").exists()
    )
    assert bytes(body)[24:64] not in raw
    reopened = EncryptedStore.open(store_path, PASSPHRASE)
    assert reopened.count("credential") == 2
    reopened.close()


def test_dedupe_refuses_identical_content(store_path: Path) -> None:
    store = EncryptedStore.open(store_path, PASSPHRASE)
    assert store.put("credential", {"n": 0}, {}, b"c0") is None
    assert store.put("key", {"n": 0}, {}, b"c0") is not None  # per kind
    store.close()


def test_backup_restores_with_the_passphrase(store_path: Path, tmp_path: Path) -> None:
    store = EncryptedStore.open(store_path, PASSPHRASE)
    backup = tmp_path / "backup.skw"
    store.backup(backup)
    store.close()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert b"body 1" not in backup.read_bytes()


class _FailingConnection:
    """Wraps a connection and fails every INSERT with an I/O error, as a dying disk would."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith("INSERT"):
            raise sqlite3.OperationalError("disk I/O error")
        return self._conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_io_error_during_a_write_keeps_the_old_state(store_path: Path) -> None:
    store = EncryptedStore.open(store_path, PASSPHRASE)
    real = store._conn
    store._conn = _FailingConnection(real)  # type: ignore[assignment]
    with pytest.raises(VaultError, match="nothing was changed"):
        store.put_many([("credential", {"n": 7}, {"x": 1}, b"c7")])
    store._conn = real
    assert store.count("credential") == 3
    store.check_integrity()
    assert store.put("credential", {"n": 7}, {"x": 1}, b"c7") is not None
    store.close()


def test_stronger_kdf_than_init_makes_needs_an_explicit_ceiling(tmp_path: Path) -> None:
    path = tmp_path / "strong.sqlite"
    stronger = KdfParams(crypto.OPS_CEILING + 1, crypto.MEM_FLOOR, os.urandom(16))
    with pytest.raises(KDFParameterError, match="above the ceiling"):
        EncryptedStore.create(path, PASSPHRASE, stronger)
    assert not path.exists()
    ceiling = crypto.KdfCeiling(crypto.OPS_CEILING + 1, crypto.MEM_CEILING)
    EncryptedStore.create(path, PASSPHRASE, stronger, kdf_ceiling=ceiling).close()
    with pytest.raises(KDFParameterError, match="above the ceiling"):
        EncryptedStore.open(path, PASSPHRASE)
    EncryptedStore.open(path, PASSPHRASE, kdf_ceiling=ceiling).close()
    with pytest.raises(KDFParameterError):
        crypto.KdfCeiling(crypto.OPS_MAX + 1, crypto.MEM_CEILING)  # a ceiling has a limit too


def test_passphrases_are_nfc_normalized_and_never_empty(
    tmp_path: Path, store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillswallet.errors import InvalidPassphraseError

    nfd = "unicodedata caf\u0065\u0301"  # 'é' as e + combining accent
    nfc = "unicodedata caf\u00e9"
    EncryptedStore.create(tmp_path / "a", nfd, fast_kdf()).close()
    EncryptedStore.open(tmp_path / "a", nfc).close()  # the same passphrase, typed elsewhere
    # A vault made before normalization, with the raw non-NFC form, still opens with it.
    with monkeypatch.context() as patch:
        patch.setattr(vault, "normalize_passphrase", lambda p: p)
        EncryptedStore.create(tmp_path / "old", nfd, fast_kdf()).close()
    EncryptedStore.open(tmp_path / "old", nfd).close()
    for action in (
        lambda: EncryptedStore.create(tmp_path / "b", "", fast_kdf()),
        lambda: EncryptedStore.open(store_path, ""),
        lambda: EncryptedStore.open(store_path, PASSPHRASE).change_passphrase(""),
    ):
        with pytest.raises(InvalidPassphraseError, match="empty"):
            action()
    assert not (tmp_path / "b").exists()
