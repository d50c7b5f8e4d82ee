"""Helpers for the VC API service tests: an issuer vault (cheap KDF) with one DID, a
configuration, and credentials to issue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from skillswallet.did.multikey import KeyType
from skillswallet.wallet import Wallet

from .vaultkit import PASSPHRASE, fast_kdf

TOKEN = "test-token-0123456789abcdef"
BASE = "https://status.school.example/lists"
HOLDER = "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"


@dataclass
class IssuerVault:
    path: Path
    did: str


def make_issuer_vault(folder: Path, key_type: KeyType = KeyType.ED25519) -> IssuerVault:
    path = folder / "issuer.sqlite"
    with Wallet.create(path, PASSPHRASE, kdf=fast_kdf()) as wallet:
        did = wallet.create_did(key_type)
    return IssuerVault(path, did)


def secrets_in_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("SKILLSWALLET_API_TOKEN", TOKEN)


def unsigned(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": ["VerifiableCredential"],
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": HOLDER, "name": "Advising colleagues"},
    }
    doc.update(changes)
    return doc


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
