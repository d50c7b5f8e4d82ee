"""The command line: one module per command group (``vault``, ``taxonomy``, ``skills``,
``profile``...), the shared printing and input helpers in ``common``, the app in ``app``,
its root group (sections in ``--help``, commands built when they run) in ``root``, the
example of every command's help in ``examples``. Thin: parse, one library call, render.
The library is imported inside the commands, so that start-up stays fast."""

from .app import app, main

__all__ = ["app", "main"]
