"""Pausing Python's cyclic garbage collector around bulk reads."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run a block with the cyclic collector off. Parsing thousands of small summaries
    creates containers that all stay alive: every few hundred of them the collector
    walks them all again, which made reading a 10,000-credential profile take twice as
    long. Reference counting still frees what the block drops; the collector resumes
    (if it was on) when the block ends, whatever happens in it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
