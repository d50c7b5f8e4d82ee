"""Import pyld without paying for its network and HTML stacks.

pyld's package imports every document loader it has and, while importing, builds its
default loader around a ``requests.Session`` (requests and urllib3), imports asyncio for
its aiohttp loader and lxml for reading JSON-LD out of HTML. skillswallet never lets pyld
load a document (every call passes our pinned loader) nor parses HTML, yet a CLI start paid
about 70 ms of its 0.28 s for them. So pyld is imported here with those deferred:

- ``lxml.html`` and ``asyncio`` through the standard library's :class:`LazyLoader`: real
  modules, executed on their first attribute access;
- pyld's default document loader built on its first use, by pyld's own factory (the
  requests loader, else aiohttp, as pyld chooses), so code elsewhere in the process that
  calls pyld without a loader sees what it always saw.

Only the importing thread is affected, and only while pyld is imported; a module another
import already loaded is used as it is.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

#: Modules pyld's import would execute only to build its default loader.
_REFUSED = frozenset({"requests", "aiohttp"})
#: Modules pyld's import names but we never use: loaded on first attribute access.
_LAZY = frozenset({"lxml.html", "asyncio"})


class _DeferringFinder(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if threading.get_ident() != self.thread:
            return None
        if fullname in _REFUSED:
            # pyld catches this and falls back; the real loader is made on first use.
            raise ModuleNotFoundError(f"deferred while importing pyld: {fullname}", name=fullname)
        if fullname in _LAZY:
            spec = importlib.machinery.PathFinder.find_spec(fullname, path)
            if spec is not None and spec.loader is not None:
                spec.loader = importlib.util.LazyLoader(spec.loader)
            return spec
        return None


class _DefaultLoaderOnFirstUse:
    """Stands for pyld's default document loader until something calls it."""

    def __call__(self, url: str, options: Any = None) -> Any:
        jsonld: Any = sys.modules["pyld.jsonld"]
        try:
            real = jsonld.requests_document_loader()
        except ImportError:
            try:
                real = jsonld.aiohttp_document_loader()
            except (ImportError, SyntaxError):
                real = jsonld.dummy_document_loader()
        if jsonld._default_document_loader is self:
            jsonld._default_document_loader = real
        return real(url, options)


def import_pyld() -> Any:
    """Return ``pyld.jsonld``, importing pyld with its unused stacks deferred."""
    if "pyld.jsonld" in sys.modules:
        return sys.modules["pyld.jsonld"]
    requests_loaded = "requests" in sys.modules
    finder = _DeferringFinder()
    sys.meta_path.insert(0, finder)
    try:
        jsonld: Any = importlib.import_module("pyld.jsonld")
    finally:
        sys.meta_path.remove(finder)
    if not requests_loaded:
        jsonld._default_document_loader = _DefaultLoaderOnFirstUse()
    return jsonld
