"""Large imports verify and seal on worker processes (Linux, fork). They must give
exactly the in-process result, and a worker that dies must be a clear error that loses
nothing already stored."""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from skillswallet import wallet as wallet_module
from skillswallet.errors import ImportWorkerError
from skillswallet.wallet import Wallet

from .vaultkit import NOW, PASSPHRASE, credential, fast_kdf

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="worker processes are used on Linux only"
)


def _mixed_batch() -> list[Any]:
    """Valid, duplicated, tampered, expired and malformed credentials, in one stream."""
    items: list[Any] = []
    for i in range(500):
        vc = credential(f"Skill {i}")
        if i % 10 == 3:
            vc["name"] = "tampered"  # the signature no longer matches
        if i % 10 == 5:
            vc = credential(f"Skill {i}", validUntil="2025-02-01T00:00:00Z")  # expired
        items.append(vc)
        if i % 25 == 0:
            items.append(copy.deepcopy(vc))  # a duplicate in the same stream
    items[100:100] = [{"not": "a credential"}, 42]
    return items


def _import(tmp_path: Path, name: str, items: list[Any], workers: int) -> tuple[Any, Wallet]:
    wallet = Wallet.create(tmp_path / name, PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW)
    return wallet.import_credentials(items, workers=workers, batch_size=200), wallet


def _view(report: Any) -> list[tuple[Any, ...]]:
    return [(o.status, o.credential_id, o.flags, o.reasons) for o in report.outcomes]


def test_worker_processes_give_the_in_process_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pools: list[Any] = []
    real_make_pool = wallet_module._make_pool

    def spy(workers: int | None, context: Any) -> Any:
        pool = real_make_pool(workers, context)
        pools.append(pool)
        return pool

    monkeypatch.setattr(wallet_module, "_make_pool", spy)
    items = _mixed_batch()
    parallel, in_workers = _import(tmp_path, "parallel.sqlite", items, workers=2)
    assert pools and pools[0] is not None  # the worker path really ran
    serial, in_process = _import(tmp_path, "serial.sqlite", items, workers=1)
    assert pools[-1] is None

    assert _view(parallel) == _view(serial)
    statuses = [o.status for o in parallel.outcomes]
    assert statuses.count("duplicate") == 20 and statuses.count("refused") == 52
    assert any("expired" in o.flags for o in parallel.stored)
    stored = {o.credential_id: o.record_id for o in parallel.stored}
    assert len(stored) == len(in_workers.credentials()) == len(in_process.credentials())
    for item in items:
        if isinstance(item, dict) and item.get("id") in stored:
            assert in_workers.get(stored[str(item["id"])])[1] == item
    in_workers.close()
    in_process.close()


def test_a_dead_worker_is_a_clear_error_and_earlier_batches_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_prepare = wallet_module._prepare

    def dies_on_poison(context: Any, credential: Any, now: Any) -> Any:
        if isinstance(credential, dict) and credential.get("name") == "poison":
            os._exit(9)  # as if killed, or out of memory
        return real_prepare(context, credential, now)

    monkeypatch.setattr(wallet_module, "_prepare", dies_on_poison)  # the workers inherit it
    items = [credential(f"Skill {i}") for i in range(700)]
    items[500]["name"] = "poison"  # in the third batch of 200
    path = tmp_path / "vault.sqlite"
    wallet = Wallet.create(path, PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW)
    with pytest.raises(ImportWorkerError, match="worker process died"):
        wallet.import_credentials(items, workers=2, batch_size=200)
    wallet.close()

    with Wallet.open(path, PASSPHRASE) as reopened:
        reopened._store.check_integrity()
        kept = {s.credential_id for s in reopened.credentials()}
        assert kept == {vc["id"] for vc in items[:400]}  # the two batches committed before
