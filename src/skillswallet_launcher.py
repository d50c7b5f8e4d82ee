"""The ``skillswallet`` console script.

It lives outside the ``skillswallet`` package so that it runs before that package's
imports (about 50 ms for the command line; a command loads what it needs when it runs,
see ``skillswallet.cli.root``): Ctrl-C during start-up ends the command quietly
with exit code 130, never with a ``KeyboardInterrupt`` traceback. Once the command line
is loaded, Ctrl-C is a ``KeyboardInterrupt`` again, which the commands clean up after
(and :func:`skillswallet.cli.main` turns into exit code 130).
"""

from __future__ import annotations

import os
import signal
from types import FrameType

EXIT_INTERRUPTED = 130


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    os._exit(EXIT_INTERRUPTED)  # nothing has happened yet: nothing to flush or clean up


def main() -> None:
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.default_int_handler:  # (an ignored SIGINT stays ignored)
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    from skillswallet.cli import main as run

    signal.signal(signal.SIGINT, previous)
    run()
