"""The real ``skillswallet serve`` (uvicorn, two workers) on a free loopback port:
issue, verify, revoke and see the revocation from either worker, over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
pytest.importorskip("httpx")

import httpx

from .serverkit import BASE, TOKEN, auth, make_issuer_vault, unsigned
from .serverproc import running_server
from .vaultkit import PASSPHRASE


def test_serve_issues_and_verifies_over_http(tmp_path: Path) -> None:
    vault = make_issuer_vault(tmp_path)
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    env = {"SKILLSWALLET_PASSPHRASE": PASSPHRASE, "SKILLSWALLET_API_TOKEN": ""}
    args = [
        "--vault",
        str(vault.path),
        "--workers",
        "2",
        "--status-base-url",
        BASE,
        "--token-file",
        str(token_file),
    ]
    with running_server(args, env) as base, httpx.Client(base_url=base, timeout=30) as http:
        issued = []
        for _ in range(6):
            response = http.post(
                "/credentials/issue", json={"credential": unsigned()}, headers=auth()
            )
            assert response.status_code == 201, response.text
            issued.append(response.json()["verifiableCredential"])
        indices = {vc["credentialStatus"]["statusListIndex"] for vc in issued}
        assert len(indices) == len(issued)
        for vc in issued:
            verified = http.post("/credentials/verify", json={"verifiableCredential": vc})
            assert verified.status_code == 200, verified.text
        revoke = {
            "credentialId": issued[0]["id"],
            "credentialStatus": [{"type": "BitstringStatusListCredential", "status": "revoked"}],
        }
        assert http.post("/credentials/status", json=revoke, headers=auth()).status_code == 200
        # Each of several requests lands on either worker: every one sees the revocation.
        for _ in range(4):
            again = http.post("/credentials/verify", json={"verifiableCredential": issued[0]})
            assert again.status_code == 400
        listed = http.get("/lists/1")
        assert listed.status_code == 200 and listed.json()["id"] == BASE + "/1"
        assert http.post("/credentials/issue", json={}).status_code == 401
        assert (
            http.post(
                "/credentials/verify", content=b"{", headers={"content-type": "application/json"}
            ).status_code
            == 400
        )
        assert http.get("/health").status_code == 200


def test_serve_verifies_with_a_trust_list_and_a_status_folder(tmp_path: Path) -> None:
    from datetime import UTC, datetime
    from html import unescape

    from skillswallet.trust.lists import TrustEntry, TrustList, save_trust_list

    from .statuskit import REVOCATION, make_school

    school = make_school(tmp_path / "school")
    credential = school.credential(lists=(REVOCATION,))
    school.publish(now=datetime.now(UTC))
    trusted = tmp_path / "trusted.json"
    save_trust_list(TrustList("Schools we accept", (TrustEntry(school.did, ("*",)),)), trusted)
    args = ["--trust", str(trusted), "--status-dir", str(school.published)]
    args += ["--allow-network", "status.elsewhere.example"]  # (not asked: lists are local)
    env = {"SKILLSWALLET_API_TOKEN": ""}
    with running_server(args, env) as base, httpx.Client(base_url=base, timeout=30) as http:
        verified = http.post("/credentials/verify", json={"verifiableCredential": credential})
        assert verified.status_code == 200, verified.text
        checks = {c["id"]: c["status"] for c in verified.json()["checks"]}
        assert checks["trust"] == "passed" and checks["status"] == "passed"
        about = unescape(http.get("/").text)
        assert "trust list \u201cSchools we accept\u201d" in about
        assert "copies kept here; those published at status.elsewhere.example" in about


def test_the_core_and_the_cli_never_import_the_server_stack() -> None:
    import subprocess
    import sys

    script = (
        "import sys, skillswallet, skillswallet.cli.app, skillswallet.wallet\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('starlette', 'uvicorn', "
        "'psycopg', 'psycopg_pool', 'httpx') or m.startswith('skillswallet.server')]\n"
        "print(bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
