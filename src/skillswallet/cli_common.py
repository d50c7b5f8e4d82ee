"""Shared helpers of the command line: exit codes, error exit, bounded input reading."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

from . import jsonio

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
