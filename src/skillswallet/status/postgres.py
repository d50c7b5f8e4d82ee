"""A :class:`~skillswallet.status.registry.StatusRegistry` in PostgreSQL (the
``[postgres]`` extra: psycopg 3 with a connection pool), for several ``serve``
processes, on any number of machines, issuing and revoking against one registry.

Every allocation is one statement, a call of the function ``skillswallet_allocate`` (one
round trip, its own transaction, committed before it returns): the list's row is locked
(``SELECT ... FOR UPDATE``), so allocations of one list are serialized across every
process; the first of the caller's random candidates (drawn with :mod:`secrets`) that is
free is inserted with ``ON CONFLICT DO NOTHING`` (the primary key ``(list, idx)`` refuses
an index given before) and the list's count rises in the same transaction. A credential
that already has an entry gets it back, so a call may be sent again after a broken
connection. A process that dies mid-transaction leaves nothing: the database rolls it
back. Credential bodies are never stored, only their ids.

The schema is versioned (:data:`MIGRATIONS`, applied in order under an advisory lock, so
workers starting together migrate once); a database with a newer schema is refused.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from weakref import WeakKeyDictionary

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from ..errors import RegistryUnavailableError, StatusListFullError, StatusRegistryError
from .bitstring import MIN_ENTRIES
from .registry import Allocation, StatusListInfo, check_new_list

#: Schema versions, each a list of statements; never edit one that has shipped, add one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE skillswallet_status_lists ("
        " id BIGSERIAL PRIMARY KEY,"
        " url TEXT NOT NULL UNIQUE,"
        " purpose TEXT NOT NULL CHECK (purpose IN ('revocation', 'suspension')),"
        " issuer TEXT NOT NULL,"
        " length INTEGER NOT NULL CHECK (length > 0 AND length % 8 = 0),"
        " used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0 AND used <= length),"
        " created TIMESTAMPTZ NOT NULL DEFAULT now())",
        # (list, idx) is the key: an index, once given, is never given again.
        "CREATE TABLE skillswallet_status_entries ("
        " list BIGINT NOT NULL REFERENCES skillswallet_status_lists (id),"
        " idx INTEGER NOT NULL CHECK (idx >= 0),"
        " credential TEXT NOT NULL,"
        " value SMALLINT NOT NULL DEFAULT 0 CHECK (value IN (0, 1)),"
        " PRIMARY KEY (list, idx),"
        " UNIQUE (list, credential))",
        "CREATE INDEX skillswallet_status_entries_credential"
        " ON skillswallet_status_entries (credential)",
        "CREATE INDEX skillswallet_status_entries_set"
        " ON skillswallet_status_entries (list) WHERE value <> 0",
    ),
    # One allocation in one statement (one round trip, its commit included): the list's
    # row locked, the credential's own index if it has one, else the first free one of
    # the random candidates the caller drew (7 random bytes each, reduced modulo the
    # list's length), counted. -1: no such list; -2: the list is full; NULL: no
    # candidate was free.
    (
        "CREATE FUNCTION skillswallet_allocate(p_url TEXT, p_credential TEXT,"
        " p_random BYTEA) RETURNS INTEGER LANGUAGE plpgsql AS $$"
        " DECLARE v_list BIGINT; v_length INTEGER; v_used INTEGER; v_index INTEGER;"
        " BEGIN"
        " SELECT id, length, used INTO v_list, v_length, v_used"
        " FROM skillswallet_status_lists WHERE url = p_url FOR UPDATE;"
        " IF NOT FOUND THEN RETURN -1; END IF;"
        " SELECT idx INTO v_index FROM skillswallet_status_entries"
        " WHERE list = v_list AND credential = p_credential;"
        " IF FOUND THEN RETURN v_index; END IF;"
        " IF v_used >= v_length THEN RETURN -2; END IF;"
        " FOR i IN 0 .. length(p_random) / 7 - 1 LOOP"
        " v_index := (('x' || encode(substring(p_random FROM i * 7 + 1 FOR 7), 'hex'))"
        "::BIT(56)::BIGINT % v_length)::INTEGER;"
        " INSERT INTO skillswallet_status_entries (list, idx, credential)"
        " VALUES (v_list, v_index, p_credential) ON CONFLICT DO NOTHING;"
        " IF FOUND THEN"
        " UPDATE skillswallet_status_lists SET used = used + 1 WHERE id = v_list;"
        " RETURN v_index;"
        " END IF;"
        " END LOOP;"
        " RETURN NULL;"
        " END $$",
    ),
)
#: Random candidates sent with each allocation: a list half full misses all 64 once in
#: 10^19 allocations, one 90 % full once in 850; then one transaction chooses among the
#: free indices themselves.
CANDIDATES = 64
#: Seconds to wait for a connection (at start, and for each request) before the registry
#: is reported unavailable.
DEFAULT_TIMEOUT = 5.0
#: A connection given back to the pool less than this many seconds ago is handed out
#: again without a check; one idle longer is checked first (an empty query, one round
#: trip), so that a restarted database is noticed before a request uses the connection.
FRESH = 1.0
#: The advisory lock key migrations are applied under.
_MIGRATION_LOCK = 0x5B111_5EA1


class PostgresStatusRegistry:
    """The status registry in the PostgreSQL database ``conninfo`` names
    (``postgresql://user@host/db``, or with ``?host=/socket/dir``)."""

    def __init__(
        self,
        conninfo: str,
        *,
        min_size: int = 1,
        max_size: int = 4,
        timeout: float | None = None,
    ) -> None:
        timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        self._last_returned: WeakKeyDictionary[psycopg.Connection[Any], float] = WeakKeyDictionary()
        self._pool = ConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            open=False,
            kwargs={"connect_timeout": max(1, int(timeout)), "autocommit": True},
            # Retries back off (1 s, 2 s, 4 s...) up to this, then start again with the next
            # request: recovery within seconds of the database returning.
            reconnect_timeout=10.0,
            check=self._check,
            name="skillswallet-status",
        )
        try:
            self._pool.open(wait=True, timeout=timeout)
        except PoolTimeout:
            self._pool.close()
            raise RegistryUnavailableError(
                f"cannot reach the status registry {_safe(conninfo)} within {timeout:g} s"
            ) from None
        try:
            self.migrate()
        except BaseException:
            self._pool.close()
            raise

    def close(self) -> None:
        self._pool.close()

    def _check(self, conn: psycopg.Connection[Any]) -> None:
        """Under load a connection comes back within milliseconds: checking it every time
        cost a round trip per request. One idle for longer is checked."""
        returned = self._last_returned.get(conn)
        if returned is None or time.monotonic() - returned > FRESH:
            ConnectionPool.check_connection(conn)

    def __enter__(self) -> PostgresStatusRegistry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self, *, autocommit: bool = False) -> Iterator[psycopg.Connection[Any]]:
        """One transaction (committed when the block ends, rolled back on an error; with
        ``autocommit``, each statement is its own, committed as it returns: for a block of
        one statement, one round trip instead of three); a database that is gone is
        :class:`RegistryUnavailableError`, nothing changed."""
        try:
            with self._pool.connection() as conn:
                try:
                    if autocommit:
                        yield conn
                    else:
                        with conn.transaction():
                            yield conn
                finally:
                    # (not the pool's reset callback: with one, the pool hands every
                    # connection back through a worker thread)
                    self._last_returned[conn] = time.monotonic()
        except (StatusRegistryError, psycopg.errors.IntegrityError):
            raise
        except psycopg.OperationalError as exc:
            raise _ConnectionLost(
                f"the status registry cannot be reached: {type(exc).__name__}"
            ) from None
        except PoolTimeout as exc:
            raise RegistryUnavailableError(
                f"the status registry cannot be reached: {type(exc).__name__}"
            ) from None
        except psycopg.Error as exc:
            raise StatusRegistryError(
                f"the status registry failed: {type(exc).__name__}: {exc.diag.message_primary}"
            ) from None

    def _statement(self, query: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """One statement, its own transaction (one round trip, its commit included), for
        statements that may be sent twice: on a connection that turns out to be broken
        (the database restarted since it was last used), again on the next one. Each
        pooled connection fails at most once, at once; a database that is down gives no
        connection at all, which is not retried."""
        attempts = (self._pool.max_size or 1) + 1
        for attempt in range(1, attempts + 1):
            try:
                with self._transaction(autocommit=True) as conn:
                    return conn.execute(query, params).fetchall()
            except _ConnectionLost:
                if attempt == attempts or self._pool.closed:
                    raise
        raise AssertionError("unreachable")

    def schema_version(self) -> int:
        with self._transaction() as conn:
            return _version(conn)

    def migrate(self) -> int:
        """Bring the schema to the newest version; returns it."""
        with self._transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS skillswallet_schema_migrations ("
                " version INTEGER PRIMARY KEY, applied TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            current = _version(conn)
            if current > len(MIGRATIONS):
                raise StatusRegistryError(
                    f"the status registry's schema is version {current}, newer than this "
                    f"skillswallet knows ({len(MIGRATIONS)}): upgrade skillswallet"
                )
            for version in range(current + 1, len(MIGRATIONS) + 1):
                for statement in MIGRATIONS[version - 1]:
                    conn.execute(statement)
                conn.execute(
                    "INSERT INTO skillswallet_schema_migrations (version) VALUES (%s)", (version,)
                )
            return len(MIGRATIONS)

    def create_list(self, url: str, purpose: str, issuer: str, length: int = MIN_ENTRIES) -> None:
        check_new_list(purpose, length)
        with self._transaction() as conn:
            row = conn.execute(
                "INSERT INTO skillswallet_status_lists (url, purpose, issuer, length)"
                " VALUES (%s, %s, %s, %s) ON CONFLICT (url) DO NOTHING RETURNING id",
                (url, purpose, issuer, length),
            ).fetchone()
            if row is None:
                raise StatusRegistryError(f"the registry already has a status list {url}")

    def lists(self) -> list[StatusListInfo]:
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT url, purpose, issuer, length, used FROM skillswallet_status_lists"
                " ORDER BY id"
            ).fetchall()
        return [StatusListInfo(*row) for row in rows]

    def allocate(self, url: str, credential_id: str) -> int:
        candidates = secrets.token_bytes(7 * CANDIDATES)  # (one bytea: cheap to send)
        # Safe to send twice: a first call that was committed gave this credential its
        # index, which the second returns.
        rows = self._statement(
            "SELECT skillswallet_allocate(%s, %s, %s)", (url, credential_id, candidates)
        )
        found = rows[0][0] if rows else None
        if found == -1:
            raise StatusRegistryError(f"no status list {url} in the registry")
        if found == -2:
            raise StatusListFullError(f"the status list {url} is full; create another")
        if found is not None:
            return int(found)
        return self._allocate_among_free(url, credential_id)

    def _allocate_among_free(self, url: str, credential_id: str) -> int:
        """A nearly full list, where every random candidate was taken: choose among the
        free indices themselves (one transaction, the list's row locked)."""
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT l.id, l.length, l.used, (SELECT e.idx FROM skillswallet_status_entries e"
                " WHERE e.list = l.id AND e.credential = %s)"
                " FROM skillswallet_status_lists l WHERE l.url = %s FOR UPDATE OF l",
                (credential_id, url),
            ).fetchone()
            if row is None:
                raise StatusRegistryError(f"no status list {url} in the registry")
            list_key, length, used, existing = row
            if existing is not None:
                return int(existing)
            if used >= length:
                raise StatusListFullError(
                    f"the status list {url} is full ({length:,} entries); create another"
                )
            free = conn.execute(
                "SELECT i FROM generate_series(0, %s - 1) i WHERE NOT EXISTS (SELECT 1 FROM"
                " skillswallet_status_entries e WHERE e.list = %s AND e.idx = i)"
                " ORDER BY random() LIMIT 1",
                (length, list_key),
            ).fetchone()
            assert free is not None  # used < length under the row lock
            inserted = conn.execute(
                _INSERT, (list_key, free[0], credential_id, list_key)
            ).fetchone()
            assert inserted is not None
            return int(inserted[0])

    def allocations(self, credential_id: str) -> list[Allocation]:
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT l.url, l.purpose, e.idx, e.credential, e.value"
                " FROM skillswallet_status_entries e JOIN skillswallet_status_lists l"
                " ON l.id = e.list WHERE e.credential = %s ORDER BY l.id",
                (credential_id,),
            ).fetchall()
        return [Allocation(*row) for row in rows]

    def set_value(self, url: str, credential_id: str, value: int) -> Allocation:
        if value not in (0, 1):
            raise StatusRegistryError("a revocation or suspension entry is 0 or 1")
        with self._transaction() as conn:
            row = conn.execute(
                "SELECT l.purpose, e.idx, e.value FROM skillswallet_status_entries e"
                " JOIN skillswallet_status_lists l ON l.id = e.list"
                " WHERE l.url = %s AND e.credential = %s FOR UPDATE OF e",
                (url, credential_id),
            ).fetchone()
            if row is None:
                raise StatusRegistryError(f"{credential_id} has no entry in the status list {url}")
            purpose, index, current = row
            if purpose == "revocation" and current and not value:
                raise StatusRegistryError(
                    f"{credential_id} is revoked; revocation cannot be undone"
                )
            conn.execute(
                "UPDATE skillswallet_status_entries SET value = %s WHERE list ="
                " (SELECT id FROM skillswallet_status_lists WHERE url = %s) AND idx = %s",
                (value, url, index),
            )
            return Allocation(url, purpose, int(index), credential_id, value)

    def set_values(self, url: str) -> dict[int, int]:
        # One statement (one round trip): the list, and its set entries if any.
        rows = self._statement(
            "SELECT e.idx, e.value FROM skillswallet_status_lists l"
            " LEFT JOIN skillswallet_status_entries e ON e.list = l.id AND e.value <> 0"
            " WHERE l.url = %s",
            (url,),
        )
        if not rows:
            raise StatusRegistryError(f"no status list {url} in the registry")
        return {int(idx): int(value) for idx, value in rows if idx is not None}


class _ConnectionLost(RegistryUnavailableError):
    """The connection broke (not: no connection could be had in time)."""


#: Insert a candidate index; count it in the list in the same statement (no row, and no
#: count, when the index was given before).
_INSERT = (
    "WITH ins AS (INSERT INTO skillswallet_status_entries (list, idx, credential)"
    " VALUES (%s, %s, %s) ON CONFLICT DO NOTHING RETURNING idx),"
    " counted AS (UPDATE skillswallet_status_lists SET used = used + 1"
    " WHERE id = %s AND EXISTS (SELECT 1 FROM ins))"
    " SELECT idx FROM ins"
)


def _version(conn: psycopg.Connection[Any]) -> int:
    exists = conn.execute(
        "SELECT to_regclass('skillswallet_schema_migrations') IS NOT NULL"
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute("SELECT max(version) FROM skillswallet_schema_migrations").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _safe(conninfo: str) -> str:
    """The connection string without its password, for messages."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "(the configured database)"
    params.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in params.items())
