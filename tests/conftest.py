"""Shared fixtures: paths to the bundled conformance material (copied from
shared/conformance, provenance in tests/conformance/SOURCES.md)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from skillswallet.wallet import Wallet

CONFORMANCE = Path(__file__).parent / "conformance"
EDDSA = CONFORMANCE / "vectors" / "eddsa"
ECDSA = CONFORMANCE / "vectors" / "ecdsa"
INTEROP = CONFORMANCE / "interop"

#: A fixed clock for verification tests.
NOW = datetime(2025, 7, 1, 12, 0, 0, tzinfo=UTC)


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture
def interop_unsigned() -> dict[str, Any]:
    doc: dict[str, Any] = load_json(INTEROP / "ob3-unsigned.json")
    doc["issuer"]["id"] = load_json(INTEROP / "issuer-ed25519.key.json")["did"]
    return doc


def invoke_main(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run the real console entry point; return (exit code, stdout, stderr)."""
    from skillswallet.cli import main

    monkeypatch.setattr("sys.argv", ["skillswallet", *args])
    with pytest.raises(SystemExit) as info:
        main()
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return int(info.value.code or 0), out.out, out.err


@pytest.fixture
def cli_vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault path for CLI tests: the cheapest KDF the vault accepts, the passphrase in
    the environment, and a private taxonomy folder."""
    from skillswallet.storage import crypto

    from .vaultkit import PASSPHRASE

    monkeypatch.setattr(crypto, "DEFAULT_OPS", crypto.OPS_FLOOR)
    monkeypatch.setattr(crypto, "DEFAULT_MEM", crypto.MEM_FLOOR)
    vault = tmp_path / "vault.sqlite"
    monkeypatch.setenv("SKILLSWALLET_VAULT", str(vault))
    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("SKILLSWALLET_TAXONOMY_DIR", str(tmp_path / "taxonomy"))
    return vault


# --- a holder's vault for the presentation tests ---------------------------------------------


@pytest.fixture
def wallet(tmp_path: Path) -> Iterator[Wallet]:
    """A new vault (cheap KDF) whose clock is NOW. (Modules may define their own.)"""
    from .vaultkit import PASSPHRASE, fast_kdf

    with Wallet.create(tmp_path / "v.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW) as w:
        yield w


@pytest.fixture
def me(wallet: Wallet) -> str:
    """The vault's DID (Ed25519)."""
    return wallet.create_did()


@pytest.fixture
def school_id(wallet: Wallet, me: str) -> str:
    """The record id of the school's ecdsa-sd-2023 skill credential about ``me``."""
    from .presentkit import school_credential

    outcome = wallet.add(school_credential(me, NOW))
    assert outcome.status == "stored", outcome.reasons
    assert outcome.record_id is not None
    return outcome.record_id


# --- a throw-away PostgreSQL (tests of the shared status registry) ---------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL started for this test session (skipped without the binaries, unless
    $SKILLSWALLET_REQUIRE_POSTGRES is set, as CI does)."""
    pytest.importorskip("psycopg")
    from .pgkit import pg_bin, throwaway_postgres

    if pg_bin() is None:
        if os.environ.get("SKILLSWALLET_REQUIRE_POSTGRES"):
            pytest.fail("PostgreSQL binaries not found ($SKILLSWALLET_REQUIRE_POSTGRES is set)")
        pytest.skip("PostgreSQL binaries not found (apt-get install postgresql)")
    with throwaway_postgres() as url:
        yield url


@pytest.fixture
def fresh_postgres(postgres_url: str) -> str:
    """The session's PostgreSQL with the registry's tables dropped."""
    from .pgkit import reset

    reset(postgres_url)
    return postgres_url
