"""Crash safety and concurrency with real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from skillswallet.wallet import Wallet

from .faults.kill_loop import ROOT, run
from .vaultkit import PASSPHRASE, fast_kdf


def test_kill_9_during_imports_loses_nothing_acknowledged() -> None:
    # A short run here; `python -m tests.faults.kill_loop 300` is the long one.
    summary = run(8, seed=3)
    assert summary["acknowledged"] >= 8
    assert summary["present"] >= summary["acknowledged"]


def test_kill_9_during_bulk_imports_on_workers_loses_nothing_acknowledged() -> None:
    # The first ack comes after a whole bulk call: kills land in later calls, while
    # workers verify and the main process commits.
    summary = run(3, seed=5, bulk=250)
    assert summary["acknowledged"] >= 3 * 250
    assert summary["present"] >= summary["acknowledged"]


def test_two_processes_importing_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "vault.sqlite"
    Wallet.create(path, PASSPHRASE, kdf=fast_kdf()).close()
    env = dict(os.environ, SKILLSWALLET_PASSPHRASE=PASSPHRASE)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.faults.import_worker", str(path), "15", name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
            text=True,
        )
        for name in ("alice", "bob")
    ]
    outputs = [c.communicate(timeout=120) for c in children]
    assert [c.returncode for c in children] == [0, 0], outputs
    acked = {line.split()[1] for out, _ in outputs for line in out.splitlines()}
    assert len(acked) == 30
    with Wallet.open(path, PASSPHRASE) as wallet:
        assert {s.credential_id for s in wallet.credentials()} == acked
