"""Flip one random bit of a vault file, many times over: every open and every read must
give intact data or a typed VaultError, never another exception.

Usage: python -m tests.faults.bitflip_loop [FLIPS] [SEED]   (default 1500, 11)
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from pathlib import Path

from skillswallet.errors import RecordCorruptError, VaultError
from skillswallet.storage.vault import EncryptedStore

from ..vaultkit import PASSPHRASE, fast_kdf


def run(flips: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.sqlite"
        store = EncryptedStore.create(path, PASSPHRASE, fast_kdf())
        store.put_many(
            [("credential", {"n": i}, {"secret": f"body {i}"}, f"c{i}".encode()) for i in range(20)]
        )
        store.reclaim_space()
        store.close()
        original = path.read_bytes()
        opened = 0
        for _ in range(flips):
            data = bytearray(original)
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            path.write_bytes(bytes(data))
            for suffix in ("-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            try:
                store = EncryptedStore.open(path, PASSPHRASE)
            except VaultError:
                continue
            opened += 1
            try:
                for record in store.records("credential"):
                    if isinstance(record, RecordCorruptError):
                        continue
                    body = store.get(record.id)[1]
                    if body != {"secret": f"body {record.meta['n']}"}:
                        raise AssertionError(f"wrong data read back: {body!r}")
            except VaultError:
                pass
            finally:
                store.close()
        return {"flips": flips, "opened": opened}


if __name__ == "__main__":
    flips = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    print(json.dumps(run(flips, seed)))
