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
from dataclasses import dataclass
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


@dataclass
class Cluster:
    """A throw-away cluster that a test may stop (as a crash would: ``immediate``) and
    start again, on the same socket and port."""

    url: str
    bindir: Path
    data: Path
    log: Path
    options: str

    def start(self) -> None:
        subprocess.run(
            _as_owner(
                [
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.log),
                    "-w",
                    "-o",
                    self.options,
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def stop(self, mode: str = "immediate") -> None:
        subprocess.run(
            _as_owner([str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop"]),
            capture_output=True,
            timeout=60,
        )


@contextmanager
def throwaway_cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """Start a PostgreSQL cluster; yields it; removes it after. Tests run it without
    fsync; ``durable`` (benchmarks) keeps PostgreSQL's defaults."""
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
            check=True,
            capture_output=True,
            timeout=120,
        )
        options = f"-k {sockets} -p {port} -c listen_addresses='' -c max_connections=60"
        if not durable:
            options += " -c fsync=off -c shared_buffers=32MB"
        url = f"postgresql://postgres@/postgres?host={sockets}&port={port}"
        cluster = Cluster(url, bindir, data, root / "log", options)
        cluster.start()
        try:
            yield cluster
        finally:
            cluster.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextmanager
def throwaway_postgres(*, durable: bool = False) -> Iterator[str]:
    """Start a PostgreSQL cluster; yields a connection string; removes it after."""
    with throwaway_cluster(durable=durable) as cluster:
        yield cluster.url


def reset(conninfo: str) -> None:
    """Drop the registry's tables and function (each test starts from an empty database)."""
    import psycopg

    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            "DROP TABLE IF EXISTS skillswallet_status_entries, skillswallet_status_lists,"
            " skillswallet_schema_migrations"
        )
        conn.execute("DROP FUNCTION IF EXISTS skillswallet_allocate(TEXT, TEXT, BYTEA)")
