"""Hostile input against the storage and import side, data-driven: each case says how the
hostile input is built, what is done with it, and the exact outcome (typed error or exit
code, a phrase of the message, bounded time, what the vault holds afterwards)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skillswallet import importing
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.multikey import KeyType, PublicKey
from skillswallet.wallet import Wallet

from ..vaultkit import NOW, PASSPHRASE, credential, fast_kdf

V2 = "https://www.w3.org/ns/credentials/v2"


def _presentation(*credentials: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
    }


def _with_key(raw: bytes) -> dict[str, Any]:
    """A credential whose issuer is a did:key with these (invalid) Ed25519 key bytes."""
    vc = credential("Bad key")
    key = PublicKey(KeyType.ED25519, raw)
    vc["issuer"] = did_from_public_key(key)
    vc["proof"]["verificationMethod"] = verification_method_id(key)
    return vc


def _lone_surrogate() -> dict[str, Any]:
    vc = credential("Surrogate")
    vc["name"] = "bad \ud800 name"
    return vc


# -- imports: one hostile item among good ones refuses that item only ----------------------


@dataclass(frozen=True)
class ImportCase:
    id: str
    #: The documents to import; "good" marks where good credentials go.
    build: Callable[[], list[Any]]
    #: The outcome of each credential, in order.
    statuses: list[str]
    #: A phrase of the refusal (or flag) reason of the hostile item.
    phrase: str
    allow_unverified: bool = False
    #: Import on worker processes (the pool path) instead of in-process.
    parallel: bool = False
    #: Replace verify() by one that raises for credentials named "explode".
    verify_raises: bool = False
    max_seconds: float = 10.0
    flags: list[list[str]] = field(default_factory=list)


IMPORT_CASES = [
    ImportCase(
        "presentation-nested-in-presentation",
        lambda: [_presentation(credential("A"), _presentation(credential("B")))],
        ["stored", "refused"],
        "presentation inside a presentation",
    ),
    ImportCase(
        "nested-presentation-refused-even-allow-unverified",
        lambda: [_presentation(_presentation(credential("B")), credential("A"))],
        ["refused", "stored"],
        "presentation inside a presentation",
        allow_unverified=True,
    ),
    ImportCase(
        "did-key-all-zero-point",
        lambda: [credential("A"), _with_key(bytes(32))],
        ["stored", "refused"],
        "",  # verify() reports it as its own failed check, or the import as unverifiable
    ),
    ImportCase(
        "did-key-all-zero-point-allow-unverified",
        lambda: [credential("A"), _with_key(bytes(32))],
        ["stored", "stored"],
        "",
        allow_unverified=True,
        flags=[[], ["unverified"]],
    ),
    ImportCase(
        "did-key-small-order-point-first",
        lambda: [_with_key(b"\x01" + bytes(31)), credential("A")],
        ["refused", "stored"],
        "",
    ),
    ImportCase(
        "lone-surrogate-cannot-be-stored",
        lambda: [_lone_surrogate(), credential("A")],
        ["refused", "stored"],
        "cannot be stored as JSON",
        allow_unverified=True,
    ),
    ImportCase(
        "verifier-raises-unexpectedly",
        lambda: [credential("A"), credential("explode"), credential("C")],
        ["stored", "refused", "stored"],
        "could not be checked (RuntimeError)",
        verify_raises=True,
    ),
    ImportCase(
        "verifier-raises-on-a-worker",
        lambda: [credential("A"), credential("explode"), credential("C")],
        ["stored", "refused", "stored"],
        "could not be checked (RuntimeError)",
        verify_raises=True,
        parallel=True,
    ),
    ImportCase(
        "unpicklable-item-on-the-pool-path",
        lambda: [credential("A"), {"type": ["VerifiableCredential"], "x": lambda: 0}],
        ["stored", "refused"],
        "structure",
        parallel=True,
    ),
    ImportCase(
        "nested-presentation-on-a-worker",
        lambda: [_presentation(credential("A"), _presentation(credential("B"))), credential("C")],
        ["stored", "refused", "stored"],
        "presentation inside a presentation",
        parallel=True,
    ),
]


@pytest.mark.parametrize("case", IMPORT_CASES, ids=lambda c: c.id)
def test_one_hostile_item_never_aborts_an_import(
    case: ImportCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.verify_raises:
        real_verify = importing.verify

        def exploding(document: Any, **kwargs: Any) -> Any:
            if document.get("name") == "explode":
                raise RuntimeError("boom")
            return real_verify(document, **kwargs)

        monkeypatch.setattr(importing, "verify", exploding)
    if case.parallel:
        monkeypatch.setattr(importing, "PARALLEL_MIN", 1)
    documents = case.build()
    wallet = Wallet.create(tmp_path / "v.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW)
    with wallet:
        started = time.monotonic()
        report = wallet.import_credentials(
            documents,
            allow_unverified=case.allow_unverified,
            workers=2 if case.parallel else 1,
        )
        assert time.monotonic() - started < case.max_seconds
        assert [o.status for o in report.outcomes] == case.statuses
        hostile = [o for o in report.outcomes if o.status == "refused" or "unverified" in o.flags]
        assert hostile and all(case.phrase in " ".join(o.reasons) for o in hostile)
        if case.flags:
            assert [o.flags for o in report.outcomes] == case.flags
        stored = {o.record_id for o in report.stored}
        assert {s.id for s in wallet.credentials()} == stored
        wallet._store.check_integrity()
