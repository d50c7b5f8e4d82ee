"""A child process for fault tests: imports freshly issued credentials one at a time and
prints ``ack <credential id>`` after each import call has returned (i.e. committed).

Usage: python -m tests.faults.import_worker VAULT COUNT PREFIX   (passphrase in
$SKILLSWALLET_PASSPHRASE)
"""

from __future__ import annotations

import os
import sys

from skillswallet.wallet import Wallet

from ..vaultkit import credential


def main() -> int:
    path, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    passphrase = os.environ["SKILLSWALLET_PASSPHRASE"]
    with Wallet.open(path, passphrase, busy_timeout=30) as wallet:
        for i in range(count):
            vc = credential(f"{prefix} {i}")
            outcome = wallet.add(vc)
            if outcome.status != "stored":
                print(f"error {outcome.status} {outcome.reasons}", flush=True)
                return 1
            print(f"ack {vc['id']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
