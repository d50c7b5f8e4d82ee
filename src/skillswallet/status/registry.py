"""The issuer's status registry: which status lists exist, which index of which list each
issued credential holds, and each entry's current value. Indices are allocated at random
among the unused ones, persisted, and never given out twice, even when several
processes issue at once.

:class:`StatusRegistry` is the interface; :class:`SqliteStatusRegistry` is the default
(one SQLite file beside the issuer's vault, every allocation one ``BEGIN IMMEDIATE``
transaction). A shared registry (PostgreSQL) can implement the same interface.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import StatusListFullError, StatusRegistryError
from .bitstring import MIN_ENTRIES

#: Status purposes an issuer's list may have (``message`` and ``refresh`` lists are read
#: by the verifier; this issuer writes revocation and suspension lists).
ISSUER_PURPOSES = ("revocation", "suspension")


@dataclass(frozen=True)
class StatusListInfo:
    """One status list of the registry."""

    url: str
    purpose: str
    issuer: str
    length: int
    used: int = 0


@dataclass(frozen=True)
class Allocation:
    """A credential's entry in one list, with its current value (0: not set)."""

    list_url: str
    purpose: str
    index: int
    credential_id: str
    value: int = 0


class StatusRegistry(Protocol):
    """Where an issuer keeps its status lists and allocations."""

    def create_list(self, url: str, purpose: str, issuer: str, length: int = MIN_ENTRIES) -> None:
        """Record a new, empty list (refused if ``url`` is already a list)."""
        ...

    def lists(self) -> list[StatusListInfo]:
        """Every list, oldest first."""
        ...

    def allocate(self, url: str, credential_id: str) -> int:
        """A random unused index of list ``url`` for ``credential_id`` (the same index if
        the credential already has one there), persisted before it is returned."""
        ...

    def allocations(self, credential_id: str) -> list[Allocation]:
        """The credential's entries, in every list."""
        ...

    def set_value(self, url: str, credential_id: str, value: int) -> Allocation:
        """Set the credential's entry in list ``url`` to ``value``."""
        ...

    def set_values(self, url: str) -> dict[int, int]:
        """The entries of list ``url`` whose value is not zero (index -> value)."""
        ...


def check_new_list(purpose: str, length: int) -> None:
    """Refuse a list this issuer cannot keep (every registry checks before creating)."""
    if purpose not in ISSUER_PURPOSES:
        raise StatusRegistryError(
            f"status purpose {purpose!r}: expected one of {', '.join(ISSUER_PURPOSES)}"
        )
    if length < MIN_ENTRIES or length % 8:
        raise StatusRegistryError(
            f"a status list needs at least {MIN_ENTRIES:,} entries (a multiple of 8) "
            "for herd privacy"
        )


class SqliteStatusRegistry:
    """The default :class:`StatusRegistry`: one SQLite file (WAL; created 0600)."""

    def __init__(self, path: Path | str, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        try:
            if not self.path.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                self.path.touch(mode=0o600)
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            with self._write() as conn:
                for statement in _SCHEMA:
                    conn.execute(statement)
        except sqlite3.Error as exc:
            raise StatusRegistryError(
                f"cannot use the status registry {self.path}: {exc}"
            ) from None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SqliteStatusRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE): two processes never
        both read the used indices and then write the same one."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StatusRegistryError(
                f"the status registry {self.path} is busy or unusable: {exc}"
            ) from None
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def create_list(self, url: str, purpose: str, issuer: str, length: int = MIN_ENTRIES) -> None:
        check_new_list(purpose, length)
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM lists WHERE url = ?", (url,)).fetchone():
                raise StatusRegistryError(f"the registry already has a status list {url}")
            conn.execute(
                "INSERT INTO lists (url, purpose, issuer, length) VALUES (?, ?, ?, ?)",
                (url, purpose, issuer, length),
            )

    def lists(self) -> list[StatusListInfo]:
        rows = self._conn.execute(
            "SELECT url, purpose, issuer, length, "
            "(SELECT COUNT(*) FROM entries e WHERE e.list = l.rowid) FROM lists l ORDER BY rowid"
        ).fetchall()
        return [StatusListInfo(*row) for row in rows]

    def _list(self, conn: sqlite3.Connection, url: str) -> tuple[int, str, int]:
        row = conn.execute(
            "SELECT rowid, purpose, length FROM lists WHERE url = ?", (url,)
        ).fetchone()
        if row is None:
            raise StatusRegistryError(f"no status list {url} in the registry {self.path}")
        return int(row[0]), str(row[1]), int(row[2])

    def allocate(self, url: str, credential_id: str) -> int:
        with self._write() as conn:
            list_key, _, length = self._list(conn, url)
            found = _entry(conn, list_key, credential_id)
            if found is not None:
                return int(found[0])
            used = conn.execute(
                "SELECT COUNT(*) FROM entries WHERE list = ?", (list_key,)
            ).fetchone()[0]
            if used >= length:
                raise StatusListFullError(
                    f"the status list {url} is full ({length:,} entries); create another"
                )
            return _insert_random(conn, list_key, length, credential_id)

    def allocate_many(self, url: str, credential_ids: list[str]) -> list[int]:
        """:meth:`allocate` for many credentials in one transaction (one disk sync, where
        a batch of 100,000 would otherwise wait for 100,000): an index each, in order."""
        with self._write() as conn:
            list_key, _, length = self._list(conn, url)
            used = conn.execute(
                "SELECT COUNT(*) FROM entries WHERE list = ?", (list_key,)
            ).fetchone()[0]
            out = []
            for credential_id in credential_ids:
                found = _entry(conn, list_key, credential_id)
                if found is not None:
                    out.append(int(found[0]))
                    continue
                if used >= length:
                    raise StatusRegistryError(
                        f"the status list {url} is full ({length:,} entries); create another"
                    )
                out.append(_insert_random(conn, list_key, length, credential_id))
                used += 1
            return out

    def allocations(self, credential_id: str) -> list[Allocation]:
        rows = self._conn.execute(
            "SELECT l.url, l.purpose, e.idx, e.credential, e.value FROM entries e "
            "JOIN lists l ON l.rowid = e.list WHERE e.credential = ? ORDER BY l.rowid",
            (credential_id,),
        ).fetchall()
        return [Allocation(*row) for row in rows]

    def set_value(self, url: str, credential_id: str, value: int) -> Allocation:
        if value not in (0, 1):
            raise StatusRegistryError("a revocation or suspension entry is 0 or 1")
        with self._write() as conn:
            list_key, purpose, _ = self._list(conn, url)
            row = _entry(conn, list_key, credential_id)
            if row is None:
                raise StatusRegistryError(f"{credential_id} has no entry in the status list {url}")
            if purpose == "revocation" and row[1] and not value:
                raise StatusRegistryError(
                    f"{credential_id} is revoked; revocation cannot be undone"
                )
            conn.execute(
                "UPDATE entries SET value = ? WHERE list = ? AND idx = ?", (value, list_key, row[0])
            )
            return Allocation(url, purpose, int(row[0]), credential_id, value)

    def set_values(self, url: str) -> dict[int, int]:
        list_key, _, _ = self._list(self._conn, url)
        return {
            int(idx): int(value)
            for idx, value in self._conn.execute(
                "SELECT idx, value FROM entries WHERE list = ? AND value != 0", (list_key,)
            )
        }


def _insert_random(conn: sqlite3.Connection, list_key: int, length: int, credential_id: str) -> int:
    """Give ``credential_id`` a random unused index of the list (not full)."""
    for _ in range(64):
        index = secrets.randbelow(length)
        inserted = conn.execute(
            "INSERT OR IGNORE INTO entries (list, idx, credential) VALUES (?, ?, ?)",
            (list_key, index, credential_id),
        )
        if inserted.rowcount == 1:
            return index
    # A nearly full list: choose among the free indices themselves.
    taken = {row[0] for row in conn.execute("SELECT idx FROM entries WHERE list = ?", (list_key,))}
    free = [i for i in range(length) if i not in taken]
    index = free[secrets.randbelow(len(free))]
    conn.execute(
        "INSERT INTO entries (list, idx, credential) VALUES (?, ?, ?)",
        (list_key, index, credential_id),
    )
    return index


def _entry(conn: sqlite3.Connection, list_key: int, credential_id: str) -> tuple[int, int] | None:
    """(index, value) of the credential's entry in a list, or None."""
    row = conn.execute(
        "SELECT idx, value FROM entries WHERE list = ? AND credential = ?",
        (list_key, credential_id),
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]))


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS lists (url TEXT NOT NULL UNIQUE, purpose TEXT NOT NULL, "
    "issuer TEXT NOT NULL, length INTEGER NOT NULL)",
    # (list, idx) is the key: an index, once given, is never given again.
    "CREATE TABLE IF NOT EXISTS entries (list INTEGER NOT NULL, idx INTEGER NOT NULL, "
    "credential TEXT NOT NULL, value INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (list, idx), "
    "UNIQUE (list, credential)) WITHOUT ROWID",
)
