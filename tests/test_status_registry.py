"""One test suite for every StatusRegistry backend: SQLite (the default) and PostgreSQL
(the shared registry of several serve processes), including allocation from several
processes at once, and PostgreSQL's schema versions and a database that goes away."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skillswallet.errors import (
    RegistryUnavailableError,
    StatusListFullError,
    StatusRegistryError,
)
from skillswallet.status.bitstring import MIN_ENTRIES
from skillswallet.status.issuer import StatusIssuer
from skillswallet.status.registry import SqliteStatusRegistry, StatusRegistry

LIST = "https://status.example/lists/1"
SUSPEND = "https://status.example/lists/2"
ISSUER = "did:example:school"


def open_backend(spec: str) -> StatusRegistry:
    if spec.startswith("postgresql://"):
        from skillswallet.status.postgres import PostgresStatusRegistry

        return PostgresStatusRegistry(spec)
    return SqliteStatusRegistry(Path(spec))


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a registry lives: a SQLite file, or the test PostgreSQL (emptied)."""
    if request.param == "sqlite":
        return str(tmp_path / "status.sqlite")
    return str(request.getfixturevalue("fresh_postgres"))


@pytest.fixture
def registry(backend: str) -> Iterator[StatusRegistry]:
    opened = open_backend(backend)
    opened.create_list(LIST, "revocation", ISSUER)
    opened.create_list(SUSPEND, "suspension", ISSUER)
    yield opened
    opened.close()  # type: ignore[attr-defined]


def test_lists_are_created_once_and_checked(registry: StatusRegistry) -> None:
    with pytest.raises(StatusRegistryError, match="already"):
        registry.create_list(LIST, "revocation", ISSUER)
    with pytest.raises(StatusRegistryError, match="purpose"):
        registry.create_list("https://status.example/x", "refresh", ISSUER)
    with pytest.raises(StatusRegistryError, match="herd privacy"):
        registry.create_list("https://status.example/x", "revocation", ISSUER, 1024)
    infos = registry.lists()
    assert [(i.url, i.purpose, i.issuer, i.length, i.used) for i in infos] == [
        (LIST, "revocation", ISSUER, MIN_ENTRIES, 0),
        (SUSPEND, "suspension", ISSUER, MIN_ENTRIES, 0),
    ]


def test_allocation_is_stable_unique_and_counted(registry: StatusRegistry) -> None:
    first = registry.allocate(LIST, "urn:uuid:a")
    assert registry.allocate(LIST, "urn:uuid:a") == first
    others = {registry.allocate(LIST, f"urn:uuid:{n}") for n in range(200)}
    assert len(others | {first}) == 201
    assert all(0 <= i < MIN_ENTRIES for i in others)
    assert registry.lists()[0].used == 201
    with pytest.raises(StatusRegistryError, match="no status list"):
        registry.allocate("https://status.example/none", "urn:uuid:a")


def test_values_revocation_and_suspension(registry: StatusRegistry) -> None:
    index = registry.allocate(LIST, "urn:uuid:a")
    suspended = registry.allocate(SUSPEND, "urn:uuid:a")
    assert [a.purpose for a in registry.allocations("urn:uuid:a")] == ["revocation", "suspension"]
    assert registry.set_values(LIST) == {}
    registry.set_value(SUSPEND, "urn:uuid:a", 1)
    assert registry.set_values(SUSPEND) == {suspended: 1}
    registry.set_value(SUSPEND, "urn:uuid:a", 0)
    assert registry.set_values(SUSPEND) == {}
    changed = registry.set_value(LIST, "urn:uuid:a", 1)
    assert (changed.index, changed.value, changed.purpose) == (index, 1, "revocation")
    assert registry.set_values(LIST) == {index: 1}
    with pytest.raises(StatusRegistryError, match="cannot be undone"):
        registry.set_value(LIST, "urn:uuid:a", 0)
    with pytest.raises(StatusRegistryError, match="no entry"):
        registry.set_value(LIST, "urn:uuid:other", 1)
    with pytest.raises(StatusRegistryError):
        registry.set_value(LIST, "urn:uuid:a", 2)
    with pytest.raises(StatusRegistryError, match="no status list"):
        registry.set_values("https://status.example/none")
    assert registry.allocations("urn:uuid:nobody") == []


def test_the_status_issuer_works_over_each_backend(registry: StatusRegistry) -> None:
    issuer = StatusIssuer(registry)
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": ISSUER,
        "credentialSubject": {"name": "x"},
    }
    with_status = issuer.add_status(credential, [LIST, SUSPEND])
    assert len(with_status["credentialStatus"]) == 2
    assert [a.value for a in issuer.revoke(with_status["id"])] == [1]


def test_indices_are_drawn_over_the_whole_list(registry: StatusRegistry) -> None:
    # Not a test of randomness: of indices that are neither in order nor in one corner
    # (all 64 in one half by chance: once in 10^19).
    given = [registry.allocate(LIST, f"urn:uuid:spread-{n}") for n in range(64)]
    assert all(0 <= i < MIN_ENTRIES for i in given) and len(set(given)) == 64
    assert given != sorted(given)
    assert min(given) < MIN_ENTRIES // 2 <= max(given)


def _fill(backend: str, leave: int) -> None:
    """Give out every index of LIST but ``leave`` (straight in the database)."""
    taken = MIN_ENTRIES - leave
    if backend.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(backend) as conn:
            conn.execute(
                "INSERT INTO skillswallet_status_entries (list, idx, credential)"
                " SELECT 1, i, 'urn:fill:' || i FROM generate_series(%s, %s - 1) i",
                (leave, MIN_ENTRIES),
            )
            conn.execute("UPDATE skillswallet_status_lists SET used = %s WHERE id = 1", (taken,))
        return
    with sqlite3.connect(backend) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)"
            " INSERT INTO entries (list, idx, credential) SELECT 1, i, 'urn:fill:' || i FROM n",
            (leave, MIN_ENTRIES),
        )


def test_a_nearly_full_list_gives_its_last_indices_then_refuses(
    registry: StatusRegistry, backend: str
) -> None:
    _fill(backend, leave=2)
    last = {registry.allocate(LIST, "urn:uuid:x"), registry.allocate(LIST, "urn:uuid:y")}
    assert last == {0, 1}
    with pytest.raises(StatusListFullError):
        registry.allocate(LIST, "urn:uuid:z")
    assert registry.allocate(LIST, "urn:uuid:x") in last  # an earlier one: still its own


def _allocate_many(spec: str, worker: int, count: int, queue: Any) -> None:
    registry = open_backend(spec)
    try:
        queue.put([registry.allocate(LIST, f"urn:w{worker}:{n}") for n in range(count)])
    finally:
        registry.close()  # type: ignore[attr-defined]


@pytest.mark.parametrize("processes", [4])
def test_processes_allocating_at_once_never_collide(
    registry: StatusRegistry, backend: str, processes: int
) -> None:
    count = 750 if backend.startswith("postgresql://") else 150
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [
        context.Process(target=_allocate_many, args=(backend, w, count, queue))
        for w in range(processes)
    ]
    for w in workers:
        w.start()
    results = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(timeout=60)
        assert w.exitcode == 0
    indices = [i for chunk in results for i in chunk]
    assert len(indices) == processes * count
    assert len(set(indices)) == len(indices), "an index was given twice"
    assert registry.lists()[0].used == processes * count


# --- PostgreSQL only ------------------------------------------------------------------------


def test_schema_versions(fresh_postgres: str) -> None:
    import psycopg

    from skillswallet.status.postgres import MIGRATIONS, PostgresStatusRegistry

    with PostgresStatusRegistry(fresh_postgres) as registry:
        assert registry.schema_version() == len(MIGRATIONS)
        assert registry.migrate() == len(MIGRATIONS)  # again: nothing to do
    with psycopg.connect(fresh_postgres) as conn:
        conn.execute("INSERT INTO skillswallet_schema_migrations (version) VALUES (99)")
        columns = {
            row[0]
            for row in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name LIKE 'skillswallet_status_%'"
            )
        }
    # Ids and indices only: never a credential's body.
    assert columns == {
        "id",
        "url",
        "purpose",
        "issuer",
        "length",
        "used",
        "created",
        "list",
        "idx",
        "credential",
        "value",
    }
    with pytest.raises(StatusRegistryError, match="newer"):
        PostgresStatusRegistry(fresh_postgres)


def test_a_version_1_database_is_upgraded_and_keeps_its_entries(fresh_postgres: str) -> None:
    import psycopg

    from skillswallet.status.postgres import MIGRATIONS, PostgresStatusRegistry

    with psycopg.connect(fresh_postgres) as conn:  # as the first release left it
        conn.execute(
            "CREATE TABLE skillswallet_schema_migrations (version INTEGER PRIMARY KEY,"
            " applied TIMESTAMPTZ NOT NULL DEFAULT now())"
        )
        for statement in MIGRATIONS[0]:
            conn.execute(statement)
        conn.execute("INSERT INTO skillswallet_schema_migrations (version) VALUES (1)")
        conn.execute(
            "INSERT INTO skillswallet_status_lists (url, purpose, issuer, length, used)"
            " VALUES (%s, 'revocation', %s, %s, 1)",
            (LIST, ISSUER, MIN_ENTRIES),
        )
        conn.execute(
            "INSERT INTO skillswallet_status_entries (list, idx, credential)"
            " VALUES (1, 7, 'urn:uuid:old')"
        )
    with PostgresStatusRegistry(fresh_postgres) as registry:
        assert registry.schema_version() == len(MIGRATIONS) > 1
        assert registry.allocate(LIST, "urn:uuid:old") == 7  # its own index, as before
        fresh = registry.allocate(LIST, "urn:uuid:new")
        assert fresh != 7 and 0 <= fresh < MIN_ENTRIES
        assert registry.lists()[0].used == 2


def test_a_database_that_goes_away_then_returns(fresh_postgres: str) -> None:
    import psycopg

    from skillswallet.status.postgres import PostgresStatusRegistry

    with PostgresStatusRegistry(fresh_postgres, timeout=2) as registry:
        registry.create_list(LIST, "revocation", ISSUER)
        before = registry.allocate(LIST, "urn:uuid:a")
        # Every connection of the pool is cut (as a restart or a network failure would).
        with psycopg.connect(fresh_postgres, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND datname = current_database()"
            )
        # The pool notices and reconnects: the registry keeps working, nothing lost.
        assert registry.allocate(LIST, "urn:uuid:a") == before
        assert registry.allocate(LIST, "urn:uuid:b") != before


def test_an_unreachable_database_is_unavailable(tmp_path: Path) -> None:
    pytest.importorskip("psycopg")
    from skillswallet.status.postgres import PostgresStatusRegistry

    with pytest.raises(RegistryUnavailableError):
        PostgresStatusRegistry(f"postgresql://postgres@/postgres?host={tmp_path}", timeout=1)
