"""A child process for fault tests: starts a parallel import (its first batch goes to the
worker processes), prints ``ready <pid>``, then stalls reading its input for ever, so
that a test can kill or interrupt it in the middle of an import. On Ctrl-C (SIGINT) it
exits with 130 and prints nothing, as the command line does.

Usage: python -m tests.faults.stalled_import VAULT   (passphrase in
$SKILLSWALLET_PASSPHRASE)
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from typing import Any

from skillswallet.wallet import Wallet

from ..vaultkit import NOW, credential


def _input() -> Iterator[Any]:
    for i in range(250):
        yield credential(f"Skill {i}")
    print(f"ready {os.getpid()}", flush=True)
    while True:
        time.sleep(60)


def main() -> int:
    with Wallet.open(sys.argv[1], os.environ["SKILLSWALLET_PASSPHRASE"], clock=lambda: NOW) as w:
        try:
            w.import_credentials(_input(), batch_size=250, workers=2)
        except KeyboardInterrupt:
            return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
