"""The encrypted record store: one SQLite file (WAL, synchronous=FULL), every record
sealed with XChaCha20-Poly1305 under a random data key, the data key wrapped by an
Argon2id passphrase key, and an authenticated manifest that detects deleted, duplicated
or rolled-back records.

File layout (format version 1)::

    PRAGMA application_id = 0x534B5756 ('SKWV'), user_version = format version
    header(id=1, magic, format_version, vault_id, kdf, wrapped_key, checksum)
    records(id, kind, version, seq, dedupe, edges, meta, body)
    manifest(id=1, sealed)

What each part protects:

- ``wrapped_key`` is sealed with associated data = magic, format version, vault id and KDF
  parameters, so a changed header cannot yield the data key. ``checksum`` (SHA-256 of the
  header fields) tells accidental damage apart from a wrong passphrase.
- Each record's ``meta`` and ``body`` are sealed with associated data binding vault id,
  record id, kind, record version, part and format version: a record copied into another
  slot, another vault or another kind does not decrypt.
- The manifest holds the record count and an XOR of keyed hashes (HMAC under a key
  derived from the data key) of every record's id, kind, version, nonces and tags. It is
  sealed and rewritten in the same transaction as every change, so a row deleted,
  duplicated or replaced by an older copy outside skillswallet is detected on open.
  ``edges`` repeats each record's nonces and tags so that check reads 80 bytes a record,
  not the records themselves; a body that does not match its edges fails authentication
  when it is read, because its associated data binds the record version.
- ``dedupe`` is a blind index: HMAC of the canonical content under a derived key, unique
  per kind. It reveals only which records have identical content (none, by construction,
  since duplicates are refused) and nothing about the content itself.

A rollback of the *whole file* to an older copy cannot be detected locally; only an
external record of the latest manifest could.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import (
    CorruptVaultError,
    InsecureVaultError,
    RecordCorruptError,
    RecordNotFoundError,
    UnsupportedVaultVersionError,
    VaultBusyError,
    VaultError,
    VaultExistsError,
    VaultIntegrityError,
    VaultNotFoundError,
    WrongPassphraseError,
    WrongVaultKeyError,
)
from ..safefile import warn_if_readable
from .crypto import (
    KdfCeiling,
    KdfParams,
    derive_key,
    keyed_hash,
    normalize_passphrase,
    open_sealed,
    random_key,
    seal,
    subkey,
    xor_bytes,
)
from .packing import pack, unpack
from .summaries import (
    FACTS,
    FACTS_PART,
    SUMMARIES,
    Entry,
    IndexState,
    SummaryIndex,
    join_meta,
    make_entry,
    split_meta,
)
from .summaries import SCHEMA as SUMMARY_SCHEMA

MAGIC = "skillswallet-vault"
FORMAT_VERSION = 1
APPLICATION_ID = 0x534B5756
SQLITE_MAGIC = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT = 5.0

_SCHEMA = """
CREATE TABLE header (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    magic TEXT NOT NULL,
    format_version INTEGER NOT NULL,
    vault_id BLOB NOT NULL,
    kdf TEXT NOT NULL,
    wrapped_key BLOB NOT NULL,
    checksum BLOB NOT NULL
);
CREATE TABLE records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    dedupe BLOB,
    edges BLOB NOT NULL,
    meta BLOB NOT NULL,
    body BLOB NOT NULL
);
CREATE UNIQUE INDEX records_dedupe ON records(kind, dedupe) WHERE dedupe IS NOT NULL;
CREATE INDEX records_kind ON records(kind, seq);
CREATE TABLE manifest (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB NOT NULL
);
"""


@dataclass(frozen=True)
class SealedRecord:
    """A record sealed for one vault, ready to insert (:meth:`EncryptedStore.seal_record`)."""

    vault_id: bytes
    id: str
    kind: str
    version: int
    dedupe: bytes | None
    edges: bytes
    entry_hash: bytes
    meta: bytes
    body: bytes
    #: The meta's JSON texts for the summary index, without and of its ``facts``
    #: (:func:`~skillswallet.storage.summaries.split_meta`); never stored unsealed.
    summary_text: str
    facts_text: str


@dataclass(frozen=True)
class Record:
    id: str
    kind: str
    version: int
    meta: dict[str, Any]


def _header_aad(format_version: int, vault_id: bytes, kdf_json: str) -> bytes:
    return b"\x00".join([MAGIC.encode(), str(format_version).encode(), vault_id, kdf_json.encode()])


def _header_checksum(
    magic: str, format_version: int, vault_id: bytes, kdf_json: str, wrapped: bytes
) -> bytes:
    h = hashlib.sha256()
    for part in (
        magic.encode(),
        str(format_version).encode(),
        vault_id,
        kdf_json.encode(),
        wrapped,
    ):
        h.update(len(part).to_bytes(4, "big"))
        h.update(part)
    return h.digest()


def _create_private_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise VaultExistsError(f"{path} already exists") from None
    except OSError as exc:
        raise VaultError(f"cannot create {path}: {exc.strerror}") from None
    os.close(fd)


def _check_mode(path: Path) -> None:
    """A vault others may write to is refused; one others may read is used, with a
    warning (its contents are encrypted, but it should be private)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return  # reading it will say what is wrong
    if mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise InsecureVaultError(
            f"{path} may be written by other users (mode {mode:04o}), who could replace "
            f"or damage it; make it private with: chmod 600 {path}"
        )
    warn_if_readable(path, mode)


def _check_files(path: Path, *, exists: bool = True) -> None:
    """The vault must be a regular file (a FIFO would block its reading for ever), and
    nothing may be planted where SQLite keeps its journal files (a symbolic link there is
    refused, naming it, instead of failing deep inside SQLite)."""
    if exists:
        try:
            regular = stat.S_ISREG(os.stat(path).st_mode)
        except OSError as exc:
            raise VaultError(f"cannot read {path}: {exc.strerror}") from None
        if not regular:
            raise VaultError(f"{path} is not a regular file (a directory, device or pipe)")
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        if companion.is_symlink():
            raise VaultError(
                f"{companion} is a symbolic link; SQLite keeps the vault's journal there. "
                f"Remove it (rm {companion}) and try again"
            )


def _check_not_truncated(path: Path) -> None:
    """A file shorter than its header says lost pages (an interrupted copy): SQLite would
    read the rest and pretend nothing happened. Only checkable without a write-ahead log,
    whose frames may hold pages the file does not have yet."""
    wal = Path(f"{path}-wal")
    if wal.exists() and wal.stat().st_size > 0:
        return
    try:
        with open(path, "rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError as exc:
        raise VaultError(f"cannot read {path}: {exc.strerror}") from None
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    if len(header) < 100 or size < page_size * pages:
        raise CorruptVaultError(f"{path} is truncated (part of the file is missing)")


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _write_error(exc: sqlite3.Error) -> VaultError:
    if isinstance(exc, sqlite3.OperationalError) and _is_busy(exc):
        return VaultBusyError("the vault is busy: another process is writing to it; try again")
    text = str(exc).lower()
    if "full" in text:
        return VaultError("could not write to the vault: the disk is full (nothing was changed)")
    return VaultError(f"could not write to the vault ({type(exc).__name__}); nothing was changed")


class EncryptedStore:
    """Low-level encrypted records in one SQLite file. Use :class:`skillswallet.Wallet`
    for the person-facing API; this class knows nothing about credentials."""

    def __init__(self, path: Path, conn: sqlite3.Connection, vault_id: bytes, data_key: bytes):
        self.path = path
        self._conn = conn
        self._summaries = SummaryIndex(conn, data_key, vault_id)
        self.vault_id = vault_id
        self._data_key = data_key
        self._manifest_key = subkey(data_key, "manifest")
        self._dedupe_key = subkey(data_key, "dedupe")

    def __repr__(self) -> str:
        return f"EncryptedStore(path={str(self.path)!r})"

    # -- lifecycle --------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path | str,
        passphrase: str,
        kdf: KdfParams | None = None,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        kdf_ceiling: KdfCeiling | None = None,
    ) -> EncryptedStore:
        """A new vault. KDF parameters above ``kdf_ceiling`` (default SENSITIVE) are
        refused, so that every vault made with the defaults opens with the defaults."""
        path = Path(path)
        passphrase = normalize_passphrase(passphrase)
        params = kdf or KdfParams.new()
        params.check(kdf_ceiling)
        _check_files(path, exists=False)
        passphrase_key = derive_key(passphrase, params, kdf_ceiling)  # slow part first
        _create_private_file(path)
        conn: sqlite3.Connection | None = None
        try:
            conn = cls._connect(path, busy_timeout)
            conn.execute("PRAGMA page_size=8192")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={FORMAT_VERSION}")
            vault_id = os.urandom(16)
            data_key = random_key()
            kdf_json = json.dumps(params.to_json(), sort_keys=True)
            wrapped = seal(
                passphrase_key, data_key, _header_aad(FORMAT_VERSION, vault_id, kdf_json)
            )
            checksum = _header_checksum(MAGIC, FORMAT_VERSION, vault_id, kdf_json, wrapped)
            # New vaults use 8 KiB pages: compressed records of about 1 KB fill them with
            # little waste (the page size cannot change once the file uses WAL).
            conn.executescript(_SCHEMA + SUMMARY_SCHEMA)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO header VALUES (1, ?, ?, ?, ?, ?, ?)",
                (MAGIC, FORMAT_VERSION, vault_id, kdf_json, wrapped, checksum),
            )
            store = cls(path, conn, vault_id, data_key)
            conn.execute(
                "INSERT INTO manifest VALUES (1, ?)", (store._seal_manifest(0, bytes(32)),)
            )
            store._summaries.commit(IndexState(0, bytes(32), {}), (0, bytes(32)))
            conn.execute("COMMIT")
            return store
        except BaseException:
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{path}{suffix}")
            raise

    @staticmethod
    def _connect(path: Path, busy_timeout: float) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        _configure(conn, busy_timeout)
        return conn

    @classmethod
    def open(
        cls,
        path: Path | str,
        passphrase: str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        check_integrity: bool = True,
        kdf_ceiling: KdfCeiling | None = None,
    ) -> EncryptedStore:
        """Open a vault. Its header's KDF parameters are checked against ``kdf_ceiling``
        (default SENSITIVE, the strongest ``init`` makes) before the KDF runs."""
        normalize_passphrase(passphrase)  # refuse an empty one before any work

        def unwrap(params: KdfParams, wrapped: bytes, aad: bytes) -> bytes:
            # before running the KDF: refuse downgrades and denial of service
            params.check(kdf_ceiling)
            nfc = normalize_passphrase(passphrase)
            data_key = open_sealed(derive_key(nfc, params, kdf_ceiling), wrapped, aad)
            if data_key is None and nfc != passphrase:
                # a vault made before passphrases were normalized, with a non-NFC one
                data_key = open_sealed(derive_key(passphrase, params, kdf_ceiling), wrapped, aad)
            if data_key is None:
                raise WrongPassphraseError("wrong passphrase for this vault")
            return data_key

        return cls._open_file(Path(path), unwrap, busy_timeout, check_integrity)

    @classmethod
    def open_with_key(
        cls,
        path: Path | str,
        data_key: bytes,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        check_integrity: bool = True,
    ) -> EncryptedStore:
        """Open a vault with its data key itself (as the unlock agent hands it out), with
        no KDF. A key that does not open this vault's manifest raises
        :class:`WrongVaultKeyError` before any record is read."""
        if len(data_key) != 32:
            raise WrongVaultKeyError("not a vault key")
        store = cls._open_file(Path(path), lambda *_: data_key, busy_timeout, False)
        try:
            if not store._key_opens_manifest():
                raise WrongVaultKeyError("that key does not open this vault")
            if check_integrity:
                store.check_integrity()
                store.refresh_summaries()
        except BaseException:
            store.close()
            raise
        return store

    @classmethod
    def _open_file(
        cls,
        path: Path,
        unwrap: Callable[[KdfParams, bytes, bytes], bytes],
        busy_timeout: float,
        check_integrity: bool,
    ) -> EncryptedStore:
        if not path.exists():
            raise VaultNotFoundError(f"no vault at {path}")
        _check_files(path)
        _check_mode(path)
        try:
            with open(path, "rb") as fh:
                start = fh.read(len(SQLITE_MAGIC))
        except OSError as exc:
            raise VaultError(f"cannot read {path}: {exc.strerror}") from None
        if start != SQLITE_MAGIC:
            raise CorruptVaultError(
                f"{path} is not a skillswallet vault (empty, damaged or foreign)"
            )
        _check_not_truncated(path)
        conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None)
        try:
            store = cls._open_connection(path, conn, unwrap, busy_timeout, check_integrity)
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def _open_connection(
        cls,
        path: Path,
        conn: sqlite3.Connection,
        unwrap: Callable[[KdfParams, bytes, bytes], bytes],
        busy_timeout: float,
        check_integrity: bool,
    ) -> EncryptedStore:
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            if app_id != APPLICATION_ID:
                raise CorruptVaultError(f"{path} is not a skillswallet vault")
            (file_version,) = conn.execute("PRAGMA user_version").fetchone()
            if file_version > FORMAT_VERSION:  # before reading a header that may have changed
                raise UnsupportedVaultVersionError(
                    f"this vault uses format {file_version}, newer than this skillswallet "
                    f"supports ({FORMAT_VERSION}); upgrade skillswallet. The vault was not changed."
                )
            row = conn.execute(
                "SELECT magic, format_version, vault_id, kdf, wrapped_key, checksum FROM header"
            ).fetchall()
        except (sqlite3.DatabaseError, UnicodeDecodeError):
            raise CorruptVaultError(f"{path} is damaged or not a skillswallet vault") from None
        if len(row) != 1:
            raise CorruptVaultError("the vault header is missing or duplicated")
        magic, version, vault_id, kdf_json, wrapped, checksum = row[0]
        if magic != MAGIC:
            raise CorruptVaultError(f"{path} is not a skillswallet vault")
        if not isinstance(version, int):
            raise CorruptVaultError("the vault header is damaged")
        if version > FORMAT_VERSION:
            raise UnsupportedVaultVersionError(
                f"this vault uses format {version}, newer than this skillswallet supports "
                f"({FORMAT_VERSION}); upgrade skillswallet. The vault was not changed."
            )
        if not all(isinstance(v, bytes) for v in (vault_id, wrapped, checksum)) or not isinstance(
            kdf_json, str
        ):
            raise CorruptVaultError("the vault header is damaged")
        if _header_checksum(magic, version, vault_id, kdf_json, wrapped) != checksum:
            raise CorruptVaultError("the vault header is damaged (checksum mismatch)")
        try:
            params = KdfParams.from_json(json.loads(kdf_json))
        except (ValueError, RecursionError):  # (a crafted header can nest JSON deeply)
            raise CorruptVaultError("the vault header is damaged") from None
        data_key = unwrap(params, wrapped, _header_aad(version, vault_id, kdf_json))
        _configure(conn, busy_timeout)
        store = cls(path, conn, vault_id, data_key)
        if check_integrity:
            store.check_integrity()
            store.refresh_summaries()
        return store

    def _key_opens_manifest(self) -> bool:
        row = self._conn.execute("SELECT sealed FROM manifest WHERE id = 1").fetchone()
        if row is None or not isinstance(row[0], bytes):
            return True  # (a missing manifest is reported as such by check_integrity)
        return open_sealed(self._data_key, row[0], self._manifest_aad()) is not None

    def data_key(self) -> bytes:
        """The vault's data key, for the unlock agent only (:mod:`skillswallet.agent`):
        whoever holds it reads and writes the vault without the passphrase."""
        return self._data_key

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._data_key = b""

    # -- passphrase -------------------------------------------------------------------------

    def change_passphrase(
        self,
        new_passphrase: str,
        kdf: KdfParams | None = None,
        *,
        kdf_ceiling: KdfCeiling | None = None,
    ) -> None:
        """Rewrap the data key under a new passphrase: one row, one transaction."""
        new_passphrase = normalize_passphrase(new_passphrase)
        params = kdf or KdfParams.new()
        params.check(kdf_ceiling)
        new_key = derive_key(new_passphrase, params, kdf_ceiling)
        kdf_json = json.dumps(params.to_json(), sort_keys=True)
        wrapped = seal(
            new_key, self._data_key, _header_aad(FORMAT_VERSION, self.vault_id, kdf_json)
        )
        checksum = _header_checksum(MAGIC, FORMAT_VERSION, self.vault_id, kdf_json, wrapped)
        with self._transaction():
            self._conn.execute(
                "UPDATE header SET kdf = ?, wrapped_key = ?, checksum = ? WHERE id = 1",
                (kdf_json, wrapped, checksum),
            )

    # -- manifest ---------------------------------------------------------------------------

    def _manifest_aad(self) -> bytes:
        return b"skw-manifest\x00" + self.vault_id + str(FORMAT_VERSION).encode()

    def _seal_manifest(self, count: int, acc: bytes) -> bytes:
        return seal(self._data_key, count.to_bytes(8, "big") + acc, self._manifest_aad())

    def _read_manifest(self) -> tuple[int, bytes]:
        row = self._conn.execute("SELECT sealed FROM manifest WHERE id = 1").fetchone()
        if row is None or not isinstance(row[0], bytes):
            raise VaultIntegrityError("the vault manifest is missing")
        plain = open_sealed(self._data_key, row[0], self._manifest_aad())
        if plain is None or len(plain) != 40:
            raise VaultIntegrityError("the vault manifest is damaged")
        return int.from_bytes(plain[:8], "big"), plain[8:]

    def _entry_hash(self, record_id: str, kind: str, version: int, edges: bytes) -> bytes:
        return keyed_hash(
            self._manifest_key, record_id.encode(), kind.encode(), str(version).encode(), edges
        )

    def check_integrity(self) -> None:
        """Raise :class:`VaultIntegrityError` if rows were deleted, duplicated or swapped."""
        try:
            # One snapshot for the manifest and the records: another process committing
            # between the two reads must not look like a vault changed behind our back.
            self._conn.execute("BEGIN")
            try:
                count, acc = self._read_manifest()
                seen = 0
                actual = bytes(32)
                for rid, kind, version, edges in self._conn.execute(
                    "SELECT id, kind, version, edges FROM records"
                ):
                    h = self._entry_hash(str(rid), str(kind), int(version), bytes(edges))
                    actual = xor_bytes(actual, h)
                    seen += 1
            finally:
                self._conn.execute("COMMIT")
        except (sqlite3.DatabaseError, UnicodeDecodeError, ValueError, TypeError):
            # (a damaged file can even change a column's type)
            raise CorruptVaultError("the vault file is damaged") from None
        if seen != count or actual != acc:
            raise VaultIntegrityError(
                f"the vault's records do not match its manifest ({seen} present, {count} "
                "expected): records were deleted, duplicated or replaced outside skillswallet"
            )

    # -- transactions -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _write_error(exc) from None
        try:
            yield
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise _write_error(exc) from None
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")
            raise

    # -- records ----------------------------------------------------------------------------

    def _aad(self, record_id: str, kind: str, version: int, part: str) -> bytes:
        return b"\x00".join(
            [
                b"skw-record",
                self.vault_id,
                record_id.encode(),
                kind.encode(),
                str(version).encode(),
                part.encode(),
                str(FORMAT_VERSION).encode(),
            ]
        )

    def dedupe_tag(self, content: bytes) -> bytes:
        return keyed_hash(self._dedupe_key, content)

    def seal_record(
        self,
        kind: str,
        meta: dict[str, Any],
        body: Any,
        dedupe_content: bytes | None = None,
        *,
        encoded_body: bytes | None = None,
    ) -> SealedRecord:
        """Encrypt a new record without touching the database (so batches can be sealed
        in worker processes). ``encoded_body`` skips re-serializing a body already in JSON."""
        record_id = uuid.uuid4().hex
        version = 1
        summary_text, facts_text = split_meta(meta)
        meta_ct = seal(
            self._data_key,
            pack(join_meta(summary_text, facts_text).encode()),
            self._aad(record_id, kind, version, "meta"),
        )
        body_ct = seal(
            self._data_key,
            pack(encoded_body if encoded_body is not None else _encode(body).encode()),
            self._aad(record_id, kind, version, "body"),
        )
        edges = _edges(meta_ct, body_ct)
        return SealedRecord(
            vault_id=self.vault_id,
            id=record_id,
            kind=kind,
            version=version,
            dedupe=self.dedupe_tag(dedupe_content) if dedupe_content is not None else None,
            edges=edges,
            entry_hash=self._entry_hash(record_id, kind, version, edges),
            meta=meta_ct,
            body=body_ct,
            summary_text=summary_text,
            facts_text=facts_text,
        )

    def put_sealed(self, records: Iterable[SealedRecord]) -> list[str | None]:
        """Store sealed records in one transaction. Returns their ids; None where a record
        of the same kind with the same dedupe tag exists already."""
        ids: list[str | None] = []
        with self._transaction():
            count, acc_bytes = self._read_manifest()
            index = self._summaries.current_state((count, acc_bytes))
            entries: list[Entry] = []
            acc = int.from_bytes(acc_bytes, "big")
            (seq,) = self._conn.execute("SELECT coalesce(max(seq), 0) FROM records").fetchone()
            for record in records:
                if record.vault_id != self.vault_id:
                    raise VaultError("a sealed record belongs to another vault")
                # The unique (kind, dedupe) index refuses duplicates: one statement a record.
                cursor = self._conn.execute(
                    "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (kind, dedupe) WHERE dedupe IS NOT NULL DO NOTHING",
                    (
                        record.id,
                        record.kind,
                        record.version,
                        seq + 1,
                        record.dedupe,
                        record.edges,
                        record.meta,
                        record.body,
                    ),
                )
                if cursor.rowcount != 1:
                    ids.append(None)
                    continue
                seq += 1
                acc ^= int.from_bytes(record.entry_hash, "big")
                count += 1
                ids.append(record.id)
                entries.append(
                    make_entry(
                        record.id,
                        record.kind,
                        record.version,
                        seq,
                        record.summary_text,
                        record.facts_text,
                    )
                )
            manifest = (count, acc.to_bytes(32, "big"))
            self._conn.execute(
                "UPDATE manifest SET sealed = ? WHERE id = 1", (self._seal_manifest(*manifest),)
            )
            if index is None or not self._summaries.append(index, entries):
                index = self._rebuild_summaries()
            self._summaries.commit(index, manifest)
        return ids

    def put_many(
        self, items: Iterable[tuple[str, dict[str, Any], Any, bytes | None]]
    ) -> list[str | None]:
        """Seal and store records in one transaction. Each item is (kind, meta, body,
        dedupe content). Returns the new ids; None for duplicates."""
        return self.put_sealed(
            self.seal_record(kind, meta, body, dedupe) for kind, meta, body, dedupe in items
        )

    def put(
        self, kind: str, meta: dict[str, Any], body: Any, dedupe: bytes | None = None
    ) -> str | None:
        return self.put_many([(kind, meta, body, dedupe)])[0]

    def _remove_from_manifest(
        self, record_id: str
    ) -> tuple[str, int, int, int, bytes, IndexState | None]:
        """Inside a transaction: the record's kind, version and seq, the manifest count and
        accumulator with this record's entry taken out, and the summary index's state
        (None when it must be rebuilt)."""
        row = self._conn.execute(
            "SELECT kind, version, seq, edges FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        if row is None:
            raise RecordNotFoundError(f"no record {record_id}")
        kind, version, seq, edges = row
        count, acc = self._read_manifest()
        index = self._summaries.current_state((count, acc))
        acc = xor_bytes(acc, self._entry_hash(record_id, kind, version, bytes(edges)))
        return kind, version, seq, count, acc, index

    def _rebuild_summaries(self) -> IndexState:
        """Inside a transaction: the summary index written anew from the records."""
        rows = self._conn.execute(
            "SELECT id, kind, version, seq, CAST(meta AS BLOB) FROM records ORDER BY seq"
        )

        def entries() -> Iterator[Entry]:
            for rid, kind, version, seq, meta in rows:
                parts = ("null", "null")
                with contextlib.suppress(RecordCorruptError, ValueError):
                    parts = split_meta(self._open(rid, kind, version, "meta", meta))
                yield make_entry(str(rid), str(kind), int(version), int(seq), *parts)

        return self._summaries.rebuild(entries())

    def refresh_summaries(self) -> None:
        """Rebuild the summary index if it does not match the records (a vault written by
        an older skillswallet, or pages changed outside it). Best effort: a vault that
        cannot be written now (busy, read-only) is read without the index meanwhile."""
        with _reading():
            count, acc = self._read_manifest()
            if self._summaries.current_state((count, acc)) is not None:
                return
        if not os.access(self.path, os.W_OK):
            return
        with contextlib.suppress(VaultBusyError), self._transaction():
            manifest = self._read_manifest()
            if self._summaries.current_state(manifest) is None:
                self._summaries.commit(self._rebuild_summaries(), manifest)

    def update_meta(self, record_id: str, meta: dict[str, Any]) -> None:
        """Replace a record's metadata (a new record version; the body is re-sealed too)."""
        with self._transaction():
            kind, version, seq, count, acc, index = self._remove_from_manifest(record_id)
            (old_body,) = self._conn.execute(
                "SELECT CAST(body AS BLOB) FROM records WHERE id = ?", (record_id,)
            ).fetchone()
            body = self._open_text(record_id, kind, version, "body", old_body)
            version += 1
            summary_text, facts_text = split_meta(meta)
            meta_aad = self._aad(record_id, kind, version, "meta")
            meta_ct = seal(
                self._data_key, pack(join_meta(summary_text, facts_text).encode()), meta_aad
            )
            body_ct = seal(
                self._data_key, pack(body.encode()), self._aad(record_id, kind, version, "body")
            )
            edges = _edges(meta_ct, body_ct)
            self._conn.execute(
                "UPDATE records SET version = ?, edges = ?, meta = ?, body = ? WHERE id = ?",
                (version, edges, meta_ct, body_ct, record_id),
            )
            acc = xor_bytes(acc, self._entry_hash(record_id, kind, version, edges))
            self._conn.execute(
                "UPDATE manifest SET sealed = ? WHERE id = 1", (self._seal_manifest(count, acc),)
            )
            entry = make_entry(record_id, kind, version, seq, summary_text, facts_text)
            if index is None or not self._summaries.change(index, kind, seq, entry):
                index = self._rebuild_summaries()
            self._summaries.commit(index, (count, acc))

    def _open_text(self, record_id: Any, kind: Any, version: Any, part: str, sealed: Any) -> str:
        """A sealed part's JSON text; RecordCorruptError when it does not decrypt."""
        plain = None
        # A damaged file can change a column's type: anything but bytes is damage too.
        if isinstance(sealed, bytes) and isinstance(record_id, str) and isinstance(kind, str):
            plain = open_sealed(self._data_key, sealed, self._aad(record_id, kind, version, part))
        try:
            if plain is not None:
                return unpack(plain).decode("utf-8")
        except ValueError:
            pass
        raise RecordCorruptError(
            f"record {record_id} is damaged and cannot be read", str(record_id)
        )

    def _open(self, record_id: Any, kind: Any, version: Any, part: str, sealed: Any) -> Any:
        return json.loads(self._open_text(record_id, kind, version, part, sealed))

    def get(self, record_id: str) -> tuple[Record, Any]:
        with _reading():
            row = self._conn.execute(
                "SELECT kind, version, CAST(meta AS BLOB), CAST(body AS BLOB) "
                "FROM records WHERE id = ?",
                (record_id,),
            ).fetchone()
        if row is None:
            raise RecordNotFoundError(f"no record {record_id}")
        kind, version, meta, body = row
        return (
            Record(record_id, kind, version, self._open(record_id, kind, version, "meta", meta)),
            self._open(record_id, kind, version, "body", body),
        )

    def records(self, kind: str) -> Iterator[Record | RecordCorruptError]:
        """Every record of a kind, in insertion order; a damaged one is yielded as its error
        so one bad record never hides the others. Read from the summary index when it is
        current (a few hundred pages for 100,000 records), else record by record. The
        ``facts`` of a meta are not in it (:meth:`record_facts` reads them)."""
        pages = self._read_index(kind, SUMMARIES)
        if pages is None:
            for found in self._records_one_by_one(kind):
                if isinstance(found, Record):
                    found.meta.pop(FACTS, None)
                yield found
            return
        for entries in pages:
            for rid, rkind, version, _, meta in entries:
                if rkind != kind:
                    continue
                if isinstance(meta, dict):
                    yield Record(rid, kind, version, meta)
                else:
                    yield RecordCorruptError(
                        f"record {rid} is damaged and cannot be read", str(rid)
                    )

    def record_facts(self, kind: str) -> Iterator[tuple[str, Any]]:
        """(id, the meta's ``facts``) of every readable record of a kind, in insertion
        order: what a reader needs that would otherwise parse every whole summary."""
        pages = self._read_index(kind, FACTS_PART)
        if pages is None:
            for found in self._records_one_by_one(kind):
                if isinstance(found, Record):
                    yield found.id, found.meta.get(FACTS)
            return
        for entries in pages:
            for rid, rkind, _, facts in entries:
                if rkind == kind:
                    yield rid, facts

    def _read_index(self, kind: str, part: str) -> Iterator[list[list[Any]]] | None:
        with _reading():
            self._conn.execute("BEGIN")  # one snapshot for the manifest and the pages
            try:
                return self._summaries.read(self._read_manifest(), kind, part)
            finally:
                self._conn.execute("COMMIT")

    def _records_one_by_one(self, kind: str) -> Iterator[Record | RecordCorruptError]:
        with _reading():
            rows = self._conn.execute(
                "SELECT id, version, CAST(meta AS BLOB) FROM records WHERE kind = ? ORDER BY seq",
                (kind,),
            ).fetchall()
        for rid, version, meta in rows:
            try:
                yield Record(rid, kind, version, self._open(rid, kind, version, "meta", meta))
            except RecordCorruptError as exc:
                yield exc

    def damaged(self, kind: str | None = None) -> list[str]:
        """Ids of the records (of a kind, or all) whose metadata or body cannot be
        decrypted: a full scan, one record at a time, for backups and restores."""
        query = "SELECT id, kind, version, CAST(meta AS BLOB), CAST(body AS BLOB) FROM records"
        with _reading():
            ids = [
                row[0]
                for row in self._conn.execute(
                    "SELECT id FROM records"
                    + (" WHERE kind = ?" if kind else "")
                    + " ORDER BY seq",
                    (kind,) if kind else (),
                )
            ]
        found = []
        for rid in ids:
            with _reading():
                row = self._conn.execute(query + " WHERE id = ?", (rid,)).fetchone()
            try:
                _, rkind, version, meta, body = row
                self._open(rid, rkind, version, "meta", meta)
                self._open(rid, rkind, version, "body", body)
            except (RecordCorruptError, ValueError, TypeError):
                found.append(str(rid))
        return found

    def delete(self, record_id: str) -> None:
        """Remove a record for good: row deleted (secure_delete zeroes it), WAL truncated."""
        with self._transaction():
            kind, _, seq, count, acc, index = self._remove_from_manifest(record_id)
            self._conn.execute("DELETE FROM records WHERE id = ?", (record_id,))
            self._conn.execute(
                "UPDATE manifest SET sealed = ? WHERE id = 1",
                (self._seal_manifest(count - 1, acc),),
            )
            if index is None or not self._summaries.change(index, kind, seq, None):
                index = self._rebuild_summaries()
            self._summaries.commit(index, (count - 1, acc))
        self.reclaim_space()

    def reclaim_space(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.execute("VACUUM")
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def count(self, kind: str | None = None) -> int:
        with _reading():
            if kind is None:
                return int(self._conn.execute("SELECT count(*) FROM records").fetchone()[0])
            return int(
                self._conn.execute(
                    "SELECT count(*) FROM records WHERE kind = ?", (kind,)
                ).fetchone()[0]
            )

    # -- backup -----------------------------------------------------------------------------

    def backup(self, destination: Path | str) -> None:
        """A consistent copy (SQLite's backup API) in a new 0600 file; still encrypted."""
        destination = Path(destination)
        _create_private_file(destination)
        try:
            target = sqlite3.connect(destination, isolation_level=None)
            try:
                self._conn.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
            with open(destination, "rb+") as fh:
                os.fsync(fh.fileno())
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(destination)
            if isinstance(exc, sqlite3.Error):
                raise _write_error(exc) from None
            raise


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    """SQLite reports a damaged file as DatabaseError: give callers our typed error."""
    try:
        yield
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        raise CorruptVaultError("the vault file is damaged and this part cannot be read") from None


def _configure(conn: sqlite3.Connection, busy_timeout: float) -> None:
    conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
    conn.execute("PRAGMA synchronous=FULL")  # NORMAL can lose commits on power loss
    conn.execute("PRAGMA secure_delete=ON")  # deleted records are overwritten
    conn.execute("PRAGMA temp_store=MEMORY")  # no temporary files on disk


def _edges(meta_ct: bytes, body_ct: bytes) -> bytes:
    """Nonce (first 24 bytes) and tag (last 16) of both sealed parts."""
    return meta_ct[:24] + meta_ct[-16:] + body_ct[:24] + body_ct[-16:]


def _encode(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
