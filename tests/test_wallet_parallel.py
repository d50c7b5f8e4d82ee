"""Large imports verify and seal on worker processes (Linux, fork). They must give
exactly the in-process result, and a worker that dies must be a clear error that loses
nothing already stored."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from skillswallet import importing
from skillswallet.errors import ImportWorkerError
from skillswallet.wallet import Wallet

from .faults.kill_loop import ROOT
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
    real_make_pool = importing._make_pool

    def spy(workers: int | None, context: Any) -> Any:
        pool = real_make_pool(workers, context)
        pools.append(pool)
        return pool

    monkeypatch.setattr(importing, "_make_pool", spy)
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


def test_imports_in_two_threads_keep_to_their_own_vaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each import's workers get that import's vault keys: an embedding app may import
    # into two vaults at once (each wallet used by the thread that opened it). Both
    # imports are held just before starting their workers, so that neither can rely on
    # the order in which they got there.
    barrier = threading.Barrier(2, timeout=60)
    real_executor = importing.ProcessPoolExecutor

    def together(*args: Any, **kwargs: Any) -> Any:
        barrier.wait()
        return real_executor(*args, **kwargs)

    monkeypatch.setattr(importing, "ProcessPoolExecutor", together)
    batches = {name: [credential(f"{name} {i}") for i in range(300)] for name in ("a", "b")}
    stored: dict[str, int] = {}

    def run(name: str) -> None:
        with Wallet.create(tmp_path / name, PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW) as w:
            stored[name] = len(w.import_credentials(batches[name], workers=2).stored)

    threads = [threading.Thread(target=run, args=(name,)) for name in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert stored == {"a": 300, "b": 300}
    for name, batch in batches.items():
        with Wallet.open(tmp_path / name, PASSPHRASE) as wallet:
            wallet._store.check_integrity()
            assert {s.credential_id for s in wallet.credentials()} == {vc["id"] for vc in batch}


def test_a_dead_worker_is_a_clear_error_and_earlier_batches_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_prepare = importing.prepare

    def dies_on_poison(context: Any, credential: Any, now: Any) -> Any:
        if isinstance(credential, dict) and credential.get("name") == "poison":
            os._exit(9)  # as if killed, or out of memory
        return real_prepare(context, credential, now)

    monkeypatch.setattr(importing, "prepare", dies_on_poison)  # the workers inherit it
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


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has exited


def _stalled_import(path: Path) -> subprocess.Popen[str]:
    """A child process whose parallel import is under way (its workers exist) and stalls."""
    env = dict(os.environ, SKILLSWALLET_PASSPHRASE=PASSPHRASE)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.stalled_import", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's job would be
    )
    assert child.stdout is not None
    assert child.stdout.readline().startswith("ready")
    return child


def _wait_gone(workers: set[int]) -> list[int]:
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    lingering = [pid for pid in workers if _alive(pid)]
    for pid in lingering:  # do not leave them behind if the test fails
        os.kill(pid, signal.SIGKILL)
    return lingering


def test_killing_an_import_leaves_no_worker_holding_the_keys(tmp_path: Path) -> None:
    path = tmp_path / "vault.sqlite"
    Wallet.create(path, PASSPHRASE, kdf=fast_kdf()).close()
    child = _stalled_import(path)
    try:
        workers = _children(child.pid)
        assert len(workers) >= 2  # the import's worker processes (they hold the data key)
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert not _wait_gone(workers)


def test_ctrl_c_stops_an_import_quietly(tmp_path: Path) -> None:
    # Ctrl-C reaches the whole process group, the workers included: they must leave the
    # interruption to the importing process, not die printing tracebacks.
    path = tmp_path / "vault.sqlite"
    Wallet.create(path, PASSPHRASE, kdf=fast_kdf()).close()
    child = _stalled_import(path)
    workers = _children(child.pid)
    time.sleep(0.3)  # the workers are idle now, waiting for work
    os.killpg(child.pid, signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130
    assert err == ""
    assert not _wait_gone(workers)
    with Wallet.open(path, PASSPHRASE) as wallet:
        wallet._store.check_integrity()


def test_workers_follow_the_cpus_this_process_may_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process pinned to one CPU (taskset, a container's cpuset) verifies in-process
    # instead of starting workers that would only take turns on that CPU.
    pools: list[Any] = []
    real_make_pool = importing._make_pool
    monkeypatch.setattr(
        importing, "_make_pool", lambda w, c: pools.append(real_make_pool(w, c)) or pools[-1]
    )
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    wallet = Wallet.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW)
    report = wallet.import_credentials([credential(f"Skill {i}") for i in range(250)])
    wallet.close()
    assert len(report.stored) == 250 and pools == [None]


_STORED = re.compile(r"interrupted: (\d+) credential\(s\) stored")


def test_sigint_and_sigterm_end_a_large_import_at_once_and_say_what_was_stored(
    tmp_path: Path,
) -> None:
    # The command line, a real process: a signal at any moment of a large parallel import
    # ends it within a second or two, says how many credentials it stored (exactly what
    # the vault holds), and leaves no worker process behind.
    template = tmp_path / "empty.sqlite"
    Wallet.create(template, PASSPHRASE, kdf=fast_kdf()).close()
    source = tmp_path / "many.json"
    source.write_text(json.dumps([credential(f"Skill {i}") for i in range(1000)]))
    env = dict(os.environ, SKILLSWALLET_PASSPHRASE=PASSPHRASE)
    moments = [(signal.SIGINT, 0.0), (signal.SIGTERM, 0.1), (signal.SIGINT, 0.6)]
    moments.append((signal.SIGTERM, 1.2))
    for number, (signum, delay) in enumerate(moments):
        vault = tmp_path / f"vault{number}.sqlite"
        shutil.copyfile(template, vault)
        vault.chmod(0o600)
        command = ["import", "--vault", str(vault), *[str(source)] * 12]
        child = subprocess.Popen(
            [sys.executable, "-c", "from skillswallet.cli import main; main()", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
            start_new_session=True,  # its own process group, as a terminal's job would be
        )
        deadline = time.monotonic() + 15
        while len(workers := _children(child.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(workers) >= 2, "the import never started its workers"
        time.sleep(delay)
        os.killpg(child.pid, signum)
        sent = time.monotonic()
        try:
            _, err = child.communicate(timeout=10)
        finally:
            child.kill()
            lingering = _wait_gone(workers)
        assert time.monotonic() - sent < 3, (signum, delay)
        assert child.returncode == 128 + signum, err
        assert "Traceback" not in err
        match = _STORED.search(err)
        assert match, err
        assert not lingering
        with Wallet.open(vault, PASSPHRASE) as wallet:
            wallet._store.check_integrity()
            assert len(wallet.credentials()) == int(match.group(1))
