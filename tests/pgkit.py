"""A throw-away PostgreSQL for the tests: ``initdb`` and ``pg_ctl`` from the Debian
``postgresql`` package (or $SKILLSWALLET_PG_BIN) in a temporary directory, listening on a
Unix socket only. ``initdb`` refuses to run as root, so as root the cluster belongs to
the unprivileged user ``nobody`` (run through ``runuser``). Tests that need it skip
when the binaries are absent, unless $SKILLSWALLET_REQUIRE_POSTGRES is set (CI)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .serverproc import free_port

USER = "nobody"


def pg_bin() -> Path | None:
    explicit = os.environ.get("SKILLSWALLET_PG_BIN")
    if explicit:
        return Path(explicit)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", USER, "--", *command]
    return command


@contextmanager
def throwaway_postgres(*, durable: bool = False) -> Iterator[str]:
    """Start a PostgreSQL cluster; yields a connection string; removes it after. Tests
    run it without fsync; ``durable`` (benchmarks) keeps PostgreSQL's defaults."""
    bindir = pg_bin()
    if bindir is None:
        raise FileNotFoundError("no PostgreSQL binaries (initdb, pg_ctl)")
    root = Path(tempfile.mkdtemp(prefix="skillswallet-pg-"))
    data, sockets = root / "data", root / "run"
    sockets.mkdir()
    if os.geteuid() == 0:
        root.chmod(0o755)
        shutil.chown(root, USER)
        shutil.chown(sockets, USER)
    port = free_port()
    run = {"check": True, "capture_output": True, "timeout": 120}
    try:
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                ]
            ),
            **run,  # type: ignore[call-overload]
        )
        options = f"-k {sockets} -p {port} -c listen_addresses='' -c max_connections=60"
        if not durable:
            options += " -c fsync=off -c shared_buffers=32MB"
        subprocess.run(
            _as_owner(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(root / "log"),
                    "-w",
                    "-o",
                    options,
                    "start",
                ]
            ),
            **run,  # type: ignore[call-overload]
        )
        try:
            yield f"postgresql://postgres@/postgres?host={sockets}&port={port}"
        finally:
            subprocess.run(
                _as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                capture_output=True,
                timeout=60,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


def reset(conninfo: str) -> None:
    """Drop the registry's tables and function (each test starts from an empty database)."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            "DROP TABLE IF EXISTS skillswallet_status_entries, skillswallet_status_lists,"
            " skillswallet_schema_migrations"
        )
        conn.execute("DROP FUNCTION IF EXISTS skillswallet_allocate(TEXT, TEXT, BIGINT[])")
