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
