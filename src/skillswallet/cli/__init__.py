"""The command line: one module per command group (``vault``, ``taxonomy``, ``skills``,
``profile``), the shared printing and input helpers in ``common``, the app in ``app``.
Thin: parse, one library call, render."""

from .app import app, main

__all__ = ["app", "main"]
