"""kill -9 during a loop of imports, many times over. After every kill the vault must
open (integrity intact) and hold every acknowledged import.

Usage: python -m tests.faults.kill_loop [ROUNDS] [BULK]   (default 300 rounds of single
imports; BULK > 1 imports that many a call, on worker processes; prints a JSON summary)
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from skillswallet.wallet import Wallet

from ..vaultkit import PASSPHRASE, fast_kdf

ROOT = Path(__file__).resolve().parents[2]


def run(rounds: int, seed: int = 1, bulk: int = 1) -> dict[str, int]:
    rng = random.Random(seed)
    env = dict(os.environ, SKILLSWALLET_PASSPHRASE=PASSPHRASE)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    acked: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "vault.sqlite"
        Wallet.create(path, PASSPHRASE, kdf=fast_kdf()).close()
        for round_no in range(rounds):
            child = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.faults.import_worker",
                    str(path),
                    "100000",
                    f"r{round_no}",
                    str(bulk),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                cwd=ROOT,
                text=True,
            )
            # Kill at a random moment once imports are under way (python start + KDF first).
            assert child.stdout is not None
            first = child.stdout.readline()
            if first.startswith("ack "):
                acked.add(first.split()[1])
            time.sleep(rng.uniform(0.0, 0.05 if bulk == 1 else 0.4))
            child.send_signal(signal.SIGKILL)
            out, _ = child.communicate()
            acked.update(line.split()[1] for line in out.splitlines() if line.startswith("ack "))
            with Wallet.open(path, PASSPHRASE) as wallet:  # integrity is checked on open
                present = {s.credential_id for s in wallet.credentials()}
            missing = acked - present
            if missing:
                raise AssertionError(f"round {round_no}: acknowledged imports lost: {missing}")
        return {"rounds": rounds, "acknowledged": len(acked), "present": len(present)}


if __name__ == "__main__":
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    print(json.dumps(run(rounds, bulk=int(sys.argv[2]) if len(sys.argv) > 2 else 1)))
