"""Where a verifier gets status list credentials from: a :class:`StatusSource`.

- :class:`DirectorySource`: a local directory (the offline default): any JSON file in it
  whose ``id`` is the entry's ``statusListCredential`` is that list;
- :class:`CachedSource`: an in-memory cache with a time to live, in front of another;
- :class:`HttpsSource`: opt-in HTTPS, through a :class:`~skillswallet.net.HttpsFetcher`
  (an allow-list of hosts, size and time limits, no redirects to another host, no
  private addresses);
- :class:`FirstOf`: the first source that has the list.

A source only obtains the document; the verifier checks it (its proof, its issuer).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from .. import jsonio
from ..errors import InvalidJSONError, StatusRetrievalError
from ..net.fetch import HttpsFetcher

#: Status list files a directory may hold before it is refused as not one.
MAX_FILES = 10_000
#: The largest status list file read (a 16 MiB bitstring encodes to about 22 MB).
MAX_LIST_BYTES = 24 * 1024 * 1024


class StatusSource(Protocol):
    """Obtains the status list credential published at a URL."""

    def get(self, url: str) -> dict[str, Any]:
        """The document whose ``id`` is ``url``; :class:`StatusRetrievalError` if it cannot
        be obtained."""
        ...


class DirectorySource:
    """Status list credentials in a local directory (searched with its subdirectories,
    once, on first use; a miss searches again if files were added since)."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._index: dict[str, Path] | None = None
        self._stamp: float | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"DirectorySource({str(self.directory)!r})"

    def get(self, url: str) -> dict[str, Any]:
        with self._lock:
            if self._index is None or (url not in self._index and self._changed()):
                self._index = self._scan()
            path = self._index.get(url)
        if path is None:
            raise StatusRetrievalError(f"no status list {url} in {self.directory}")
        document = _read(path)
        if not isinstance(document, dict) or document.get("id") != url:
            raise StatusRetrievalError(f"{path} no longer holds the status list {url}")
        return document

    def _changed(self) -> bool:
        return self._stamp != self._newest()

    def _newest(self) -> float:
        try:
            return max(
                [self.directory.stat().st_mtime]
                + [p.stat().st_mtime for p in self.directory.rglob("*") if p.is_dir()]
            )
        except OSError:
            return -1.0

    def _scan(self) -> dict[str, Path]:
        if not self.directory.is_dir():
            raise StatusRetrievalError(f"the status directory {self.directory} does not exist")
        self._stamp = self._newest()
        index: dict[str, Path] = {}
        for count, path in enumerate(sorted(self.directory.rglob("*.json"))):
            if count >= MAX_FILES:
                raise StatusRetrievalError(
                    f"{self.directory} holds more than {MAX_FILES:,} JSON files; give the "
                    "directory of the status lists"
                )
            if not path.is_file():
                continue
            try:
                document = _read(path)
            except StatusRetrievalError:
                continue  # not a status list: other JSON files may sit beside them
            found = document.get("id") if isinstance(document, dict) else None
            if isinstance(found, str):
                index.setdefault(found, path)
        return index


def _read(path: Path) -> Any:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_LIST_BYTES + 1)
    except OSError as exc:
        raise StatusRetrievalError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_LIST_BYTES:
        raise StatusRetrievalError(f"{path} is larger than a status list may be")
    try:
        return jsonio.loads(data, max_bytes=MAX_LIST_BYTES)
    except InvalidJSONError as exc:
        raise StatusRetrievalError(f"{path} is not JSON: {exc}") from None


class CachedSource:
    """Keeps what ``inner`` returned for ``ttl`` seconds (at most ``max_entries`` lists).
    A failure is not cached."""

    def __init__(
        self,
        inner: StatusSource,
        ttl: float = 300.0,
        *,
        max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.inner = inner
        self.ttl = ttl
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, url: str) -> dict[str, Any]:
        now = self._clock()
        found = self._entries.get(url)
        if found is not None and now - found[0] < self.ttl:
            return found[1]
        document = self.inner.get(url)
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries.pop(next(iter(self._entries)))
            self._entries[url] = (now, document)
        return document

    def clear(self) -> None:
        self._entries.clear()


class HttpsSource:
    """Status lists fetched over HTTPS (opt-in): only from the fetcher's allowed hosts."""

    def __init__(self, fetcher: HttpsFetcher) -> None:
        self.fetcher = fetcher

    def get(self, url: str) -> dict[str, Any]:
        return self.fetcher.get_object(url, "the status list", StatusRetrievalError)


class FirstOf:
    """The first of ``sources`` that has the list (e.g. a directory, then HTTPS)."""

    def __init__(self, sources: Sequence[StatusSource]) -> None:
        self.sources = tuple(sources)

    def get(self, url: str) -> dict[str, Any]:
        reasons = []
        for source in self.sources:
            try:
                return source.get(url)
            except StatusRetrievalError as exc:
                reasons.append(str(exc))
        raise StatusRetrievalError("; ".join(reasons) or f"no source for the status list {url}")
