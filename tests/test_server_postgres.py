"""The service on the shared PostgreSQL registry: issuing and revoking in process, a
database that goes away (503, nothing written) and returns (served again), and several
``skillswallet serve`` processes issuing at once without a duplicate status index."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette")
pytest.importorskip("psycopg")

import httpx
import psycopg
from starlette.testclient import TestClient

from skillswallet.server import ServerConfig, create_app

from .serverkit import BASE, TOKEN, auth, make_issuer_vault, secrets_in_env, unsigned
from .serverproc import running_server
from .vaultkit import PASSPHRASE

ROLE = "skillswallet_outage"


def _role_url(admin_url: str) -> str:
    """A login role of its own (so that the test can lock it out and let it back in)."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if _role_exists(conn):
            conn.execute(f"DROP OWNED BY {ROLE}")
            conn.execute(f"DROP ROLE {ROLE}")
        conn.execute(f"CREATE ROLE {ROLE} LOGIN")
        conn.execute(f"GRANT ALL ON SCHEMA public TO {ROLE}")
    return admin_url.replace("postgres@", f"{ROLE}@", 1)


def _role_exists(conn: psycopg.Connection[Any]) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (ROLE,)).fetchone() is not None


def _lock_out(admin_url: str, out: bool) -> None:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"ALTER ROLE {ROLE} {'NOLOGIN' if out else 'LOGIN'}")
        if out:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s",
                (ROLE,),
            )


def test_issue_revoke_and_an_outage(
    fresh_postgres: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from skillswallet.status import postgres

    monkeypatch.setattr(postgres, "DEFAULT_TIMEOUT", 1.0)
    secrets_in_env(monkeypatch)
    vault = make_issuer_vault(tmp_path)
    url = _role_url(fresh_postgres)
    config = ServerConfig(vault=vault.path, status_base_url=BASE, registry=url)
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        vc = client.post("/credentials/issue", json={"credential": unsigned()}, headers=auth())
        assert vc.status_code == 201, vc.text
        credential = vc.json()["verifiableCredential"]
        revoke = {"credentialId": credential["id"], "credentialStatus": [{"status": "revoked"}]}
        assert client.post("/credentials/status", json=revoke, headers=auth()).status_code == 200
        verdict = client.post("/credentials/verify", json={"verifiableCredential": credential})
        assert verdict.status_code == 400

        _lock_out(fresh_postgres, True)
        try:
            body = {"credential": unsigned()}
            down = client.post("/credentials/issue", json=body, headers=auth())
            assert down.status_code == 503, down.text
            assert down.json()["title"] == "Service unavailable" and "Retry-After" in down.headers
            assert client.get("/health").status_code == 200  # the process keeps serving
        finally:
            _lock_out(fresh_postgres, False)
        deadline = time.monotonic() + 30
        while True:
            again = client.post(
                "/credentials/issue", json={"credential": unsigned()}, headers=auth()
            )
            if again.status_code == 201 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert again.status_code == 201, again.text
    with psycopg.connect(fresh_postgres) as conn:
        count = conn.execute("SELECT count(*) FROM skillswallet_status_entries").fetchone()
    assert count is not None and count[0] == 2  # the refused one left nothing


def test_several_serve_processes_on_one_postgres(fresh_postgres: str, tmp_path: Path) -> None:
    vault = make_issuer_vault(tmp_path)
    env = {"SKILLSWALLET_PASSPHRASE": PASSPHRASE, "SKILLSWALLET_API_TOKEN": TOKEN}
    args = ["--vault", str(vault.path), "--status-base-url", BASE, "--registry", fresh_postgres]
    with (
        running_server([*args, "--workers", "2"], env) as first,
        running_server(args, env) as second,
    ):

        def issue(n: int) -> str:
            base = (first, second)[n % 2]
            response = httpx.post(
                base + "/credentials/issue",
                json={"credential": unsigned()},
                headers=auth(),
                timeout=60,
            )
            assert response.status_code == 201, response.text
            entry = response.json()["verifiableCredential"]["credentialStatus"]
            return f"{entry['statusListCredential']}#{entry['statusListIndex']}"

        with ThreadPoolExecutor(8) as pool:
            entries = list(pool.map(issue, range(240)))
    assert len(set(entries)) == len(entries) == 240


def test_the_database_stops_mid_request_then_starts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cluster itself is stopped (as a crash would: ``pg_ctl -m immediate``) while an
    issue request is inside its allocation, waiting on the list's lock: that request is
    a 503 problem and leaves nothing; the service keeps answering, issues again once the
    cluster is back, and the database holds exactly the acknowledged allocations."""
    from skillswallet.status import postgres

    from .pgkit import pg_bin, throwaway_cluster

    if pg_bin() is None:
        pytest.skip("PostgreSQL binaries not found (apt-get install postgresql)")
    monkeypatch.setattr(postgres, "DEFAULT_TIMEOUT", 1.0)
    secrets_in_env(monkeypatch)
    vault = make_issuer_vault(tmp_path)
    with throwaway_cluster() as cluster:
        config = ServerConfig(vault=vault.path, status_base_url=BASE, registry=cluster.url)
        with TestClient(create_app(config), raise_server_exceptions=False) as client:

            def issue(credential: dict[str, Any]) -> Any:
                body = {"credential": credential}
                return client.post("/credentials/issue", json=body, headers=auth())

            first = issue(unsigned())
            assert first.status_code == 201, first.text
            stuck = unsigned()
            admin = psycopg.connect(cluster.url)
            admin.execute("SELECT 1 FROM skillswallet_status_lists FOR UPDATE")  # held
            with ThreadPoolExecutor(1) as pool:
                pending = pool.submit(issue, stuck)
                _wait_for_a_lock_wait(cluster.url)
                cluster.stop()  # mid-request: the allocation is waiting for the lock
                down = pending.result(timeout=60)
            admin.close()
            assert down.status_code == 503, down.text
            assert down.headers["content-type"].startswith("application/problem+json")
            assert "nothing was changed" in down.json()["detail"]
            assert "Traceback" not in down.text
            assert issue(unsigned()).status_code == 503  # still down: refused, not hung
            assert client.get("/health").status_code == 200  # the process keeps serving

            cluster.start()
            deadline = time.monotonic() + 30
            while (again := issue(unsigned())).status_code != 201:
                assert time.monotonic() < deadline, again.text
                time.sleep(0.5)
            revived = again.json()["verifiableCredential"]
            verdict = client.post("/credentials/verify", json={"verifiableCredential": revived})
            assert verdict.status_code == 200, verdict.text
        with psycopg.connect(cluster.url) as conn:
            rows = conn.execute("SELECT credential FROM skillswallet_status_entries").fetchall()
            counted = conn.execute("SELECT sum(used) FROM skillswallet_status_lists").fetchone()
    held = {row[0] for row in rows}
    assert held == {first.json()["verifiableCredential"]["id"], revived["id"]}
    assert stuck["id"] not in held and counted == (2,)  # nothing half-written


def _wait_for_a_lock_wait(url: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the issue request never waited for the list's lock")
