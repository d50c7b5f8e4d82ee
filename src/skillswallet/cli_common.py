"""Shared helpers of the command line: exit codes, error exit, bounded input reading."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, NoReturn

import typer

from . import jsonio
from .importing import iter_credentials

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def read_input(path: str) -> bytes:
    """Read a file (or stdin for ``-``), never more than the JSON size bound plus one byte,
    so an oversized input is refused by the parser instead of filling memory."""
    if path == "-":
        return sys.stdin.buffer.read(jsonio.MAX_BYTES + 1)
    try:
        with open(path, "rb") as fh:
            return fh.read(jsonio.MAX_BYTES + 1)
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror}")


#: Parsed import files stay in memory while their input adds up to no more than this;
#: beyond it, files are parsed again one at a time as the import reaches them.
KEEP_PARSED_BYTES = 32 * 1024 * 1024

_NOT_KEPT = object()


class ImportFiles:
    """The input of ``import FILE...``. Every file is read and parsed up front, so a bad
    one stops the import before anything is stored, and its credentials are counted for
    the progress bar. Memory stays bounded: beyond :data:`KEEP_PARSED_BYTES` of input the
    parsed documents are dropped, and read again one at a time while importing."""

    def __init__(self, paths: list[str]) -> None:
        self._paths = paths
        self._kept: dict[int, Any] = {}
        self.total = 0
        size = 0
        for index, path in enumerate(paths):
            raw = read_input(path)
            document = jsonio.loads(raw)
            self.total += sum(1 for _ in iter_credentials(document))
            size += len(raw)
            if path == "-" or size <= KEEP_PARSED_BYTES:  # stdin cannot be read twice
                self._kept[index] = document

    def documents(self) -> Iterator[Any]:
        for index, path in enumerate(self._paths):
            document = self._kept.pop(index, _NOT_KEPT)  # released as the import goes
            yield jsonio.loads(read_input(path)) if document is _NOT_KEPT else document
