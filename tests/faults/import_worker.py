"""A child process for fault tests: imports freshly issued credentials, one at a time or
in bulk calls (which verify on worker processes), and prints ``ack <credential id>`` for
each one once its import call has returned (i.e. committed).

Usage: python -m tests.faults.import_worker VAULT COUNT PREFIX [BULK]   (passphrase in
$SKILLSWALLET_PASSPHRASE; BULK credentials a call, default 1)
"""

from __future__ import annotations

import os
import sys

from skillswallet.wallet import Wallet

from ..vaultkit import credential


def main() -> int:
    path, count, prefix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    bulk = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    passphrase = os.environ["SKILLSWALLET_PASSPHRASE"]
    with Wallet.open(path, passphrase, busy_timeout=30) as wallet:
        for start in range(0, count, bulk):
            batch = [credential(f"{prefix} {i}") for i in range(start, start + bulk)]
            report = wallet.import_credentials(batch, workers=2 if bulk > 1 else 1)
            for vc, outcome in zip(batch, report.outcomes, strict=True):
                if outcome.status != "stored":
                    print(f"error {outcome.status} {outcome.reasons}", flush=True)
                    return 1
                print(f"ack {vc['id']}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
