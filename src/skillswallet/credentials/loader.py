"""Offline JSON-LD document loading: bundled, SHA-256-pinned contexts and nothing else.

The default :class:`ContextLoader` serves only the contexts shipped inside this package
(see ``contexts/manifest.json`` and ``contexts/PROVENANCE.md``) and refuses every other URL
with :class:`~skillswallet.errors.UnknownContextError`. Callers may add their own contexts,
each pinned by digest. Nothing is ever fetched from the network, and pyld's global loader
is never touched.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any, Protocol

from ..errors import ContextError, UnknownContextError


class DocumentLoader(Protocol):
    """Resolves a context URL to its parsed JSON document, or raises ContextError."""

    def load(self, url: str) -> dict[str, Any]: ...


@functools.cache
def bundled_context_bytes(url: str) -> bytes | None:
    """The exact bytes of a bundled context (for digests of it), or None."""
    root = resources.files("skillswallet.credentials") / "contexts"
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    entry = manifest.get(url)
    return None if entry is None else (root / entry["file"]).read_bytes()


def _read_bundled() -> dict[str, dict[str, Any]]:
    root = resources.files("skillswallet.credentials") / "contexts"
    manifest = json.loads((root / "manifest.json").read_text("utf-8"))
    out: dict[str, dict[str, Any]] = {}
    for url, entry in manifest.items():
        raw = (root / entry["file"]).read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if digest != entry["sha256"]:
            raise ContextError(
                f"bundled context {url!r} does not match its pinned SHA-256 digest "
                "(the installation is damaged)",
                url,
            )
        out[url] = json.loads(raw)
    return out


_BUNDLED: dict[str, dict[str, Any]] | None = None


def bundled_contexts() -> Mapping[str, dict[str, Any]]:
    """The bundled contexts, verified against their pinned digests on first use."""
    global _BUNDLED
    if _BUNDLED is None:
        _BUNDLED = _read_bundled()
    return MappingProxyType(_BUNDLED)


class ContextLoader:
    """A document loader that serves pinned contexts only.

    ``extra`` maps URL -> (raw bytes, expected sha256 hex) for caller-supplied contexts; the
    digest is checked here, once, before the context is ever used.
    """

    def __init__(self, extra: Mapping[str, tuple[bytes, str]] | None = None) -> None:
        self._docs: dict[str, dict[str, Any]] = dict(bundled_contexts())
        self._raw: dict[str, bytes] = {}
        #: The caller's contexts: URL -> the SHA-256 (hex) they are pinned by.
        self.added: dict[str, str] = {}
        for url, (raw, sha256) in (extra or {}).items():
            if hashlib.sha256(raw).hexdigest() != sha256.lower():
                raise ContextError(f"context {url!r} does not match its pinned digest", url)
            try:
                doc = json.loads(raw)
            except ValueError:
                raise ContextError(f"context {url!r} is not valid JSON", url) from None
            if not isinstance(doc, dict) or "@context" not in doc:
                raise ContextError(f"context {url!r} has no top-level @context", url)
            self._docs[url] = doc
            self._raw[url] = raw
            self.added[url] = sha256.lower()
        # pyld's resolved-context cache, private to this loader so that no other loader in
        # the process can ever supply a different document for one of our URLs.
        self.resolved_cache: Any = None
        self._pinned_ids: frozenset[int] | None = None
        # active-context clones reused by the expansion processor (see jsonld._Processor)
        self.clone_memo: Any = None
        self.iri_memo: Any = None
        self.expansion_memos: Any = None  # see credentials.expansion
        # canonical N-Quads of proof configurations, keyed by their content
        self.proof_config_cache: dict[Any, str] = {}

    @property
    def urls(self) -> frozenset[str]:
        """The context URLs this loader knows (bundled and added)."""
        return frozenset(self._docs)

    def load(self, url: str) -> dict[str, Any]:
        """The pinned context at ``url``; unknown URLs raise
        :class:`~skillswallet.errors.ContextError` (never fetched)."""
        doc = self._docs.get(url)
        if doc is None:
            raise UnknownContextError(url)
        return doc

    def raw(self, url: str) -> bytes | None:
        """The exact bytes of a pinned context (a caller's or a bundled one), or None."""
        return self._raw.get(url) or (bundled_context_bytes(url) if url in self._docs else None)

    def __contains__(self, url: object) -> bool:
        return url in self._docs

    def pyld_loader(self, url: str, options: Any = None) -> dict[str, Any]:
        """The callable pyld expects (a RemoteDocument). The ``static`` tag lets pyld keep
        the resolved context in this loader's private cache across calls."""
        return {"contextUrl": None, "documentUrl": url, "document": self.load(url), "tag": "static"}

    def pinned_object_ids(self) -> frozenset[int]:
        """Identities of every JSON object inside the pinned documents. They live as long
        as this loader, so their identity is a safe cache key for embedded contexts."""
        if self._pinned_ids is None:
            ids: set[int] = set()
            stack: list[Any] = list(self._docs.values())
            while stack:
                value = stack.pop()
                if isinstance(value, dict):
                    ids.add(id(value))
                    stack.extend(value.values())
                elif isinstance(value, list):
                    stack.extend(value)
            self._pinned_ids = frozenset(ids)
        return self._pinned_ids


_DEFAULT: ContextLoader | None = None


def default_loader() -> ContextLoader:
    """The shared loader of bundled contexts."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = ContextLoader()
    return _DEFAULT
