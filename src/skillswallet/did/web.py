"""The did:web method (W3C CCG did:web Method Specification): an institution's DID whose
document it publishes on its own web site.

``did:web:example.edu`` is published at ``https://example.edu/.well-known/did.json``;
``did:web:example.edu:dept:x`` at ``https://example.edu/dept/x/did.json``; a port is
written ``%3A`` (``did:web:localhost%3A8443``).

Resolution is offline by default, from a directory that mirrors the site's layout
(``DIR/example.edu/did.json``, ``DIR/example.edu/dept/x/did.json``), and over HTTPS only
with an :class:`~skillswallet.net.HttpsFetcher` the caller made (an allow-list of hosts).
A document whose ``id`` is not the DID asked for is refused.

Key rotation: :func:`add_key` adds a key to a document and keeps the earlier ones, so
credentials signed before still verify (the report names the key that signed).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .. import jsonio
from ..errors import DIDError, DIDNotFoundError, UnsupportedDIDMethodError
from ..net.fetch import HttpsFetcher
from .key import resolve_did_key
from .multikey import PublicKey
from .url import parse_did_url

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST_RE = re.compile(rf"^{_LABEL}(?:\.{_LABEL})*$")
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9._~-]+$")


def did_web(domain: str, path: str | Sequence[str] | None = None) -> str:
    """The did:web DID of ``domain`` (``host`` or ``host:port``) and an optional path
    (``"dept/x"`` or ``["dept", "x"]``)."""
    host, _, port = domain.strip().lower().partition(":")
    if not _HOST_RE.match(host) or len(host) > 253:
        raise DIDError(f"{domain!r} is not a domain name")
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        raise DIDError(f"{domain!r} has an invalid port")
    segments: list[str] = []
    if path:
        segments = [s for s in (path.split("/") if isinstance(path, str) else path) if s]
        for segment in segments:
            if not _SEGMENT_RE.match(segment) or segment in (".", ".."):
                raise DIDError(f"{segment!r} cannot be a did:web path segment")
    return ":".join(["did:web", host + (f"%3A{port}" if port else ""), *segments])


def _parts(did: str) -> tuple[str, list[str]]:
    """(host[:port], path segments) of a did:web DID."""
    parsed = parse_did_url(did)
    if parsed.method != "web":
        raise UnsupportedDIDMethodError(f"not a did:web DID: {parsed.did}")
    first, *segments = parsed.method_specific_id.split(":")
    domain = unquote(first).lower()
    host, _, port = domain.partition(":")
    if not _HOST_RE.match(host) or (port and not port.isdigit()):
        raise DIDError(f"{parsed.did} does not name a valid host")
    for segment in segments:
        if not _SEGMENT_RE.match(segment) or segment in (".", ".."):
            raise DIDError(f"{parsed.did} has an invalid path segment {segment!r}")
    return domain, segments


def did_web_url(did: str) -> str:
    """Where a did:web document is published (did:web spec §3.2.2 "Read")."""
    domain, segments = _parts(did)
    path = "/".join(segments) if segments else ".well-known"
    return f"https://{domain}/{path}/did.json"


def did_web_file(directory: Path | str, did: str) -> Path:
    """Where the document of ``did`` lies in a directory mirroring the web site:
    ``DIR/example.edu/did.json``, ``DIR/example.edu/dept/x/did.json``."""
    domain, segments = _parts(did)
    return Path(directory, domain, *segments, "did.json")


def _method(did: str, number: int, key: PublicKey) -> dict[str, Any]:
    return {
        "id": f"{did}#key-{number}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": key.multibase,
    }


def did_web_document(did: str, keys: Sequence[PublicKey]) -> dict[str, Any]:
    """A DID document for ``did`` with ``keys`` (``#key-1``, ``#key-2``... in order), each
    authorized for assertions (issuing) and authentication."""
    _parts(did)
    if not keys:
        raise DIDError("a did:web document needs at least one key")
    methods = [_method(did, n, key) for n, key in enumerate(keys, start=1)]
    ids = [m["id"] for m in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": list(ids),
        "authentication": list(ids),
    }


def add_key(document: dict[str, Any], key: PublicKey) -> tuple[dict[str, Any], str]:
    """Key rotation: a copy of ``document`` with ``key`` added as the next ``#key-N`` (for
    assertions and authentication) and every earlier key kept, so credentials signed
    before still verify. Returns the document and the new key's id."""
    did = document.get("id")
    if not isinstance(did, str):
        raise DIDError("the DID document has no id")
    methods = [m for m in document.get("verificationMethod", []) if isinstance(m, dict)]
    if any(m.get("publicKeyMultibase") == key.multibase for m in methods):
        raise DIDError("that key is already in the DID document")
    taken = {str(m.get("id", "")) for m in methods}
    number = len(methods) + 1
    while f"{did}#key-{number}" in taken:
        number += 1
    method = _method(did, number, key)
    updated = dict(document)
    updated["verificationMethod"] = [*methods, method]
    for relationship in ("assertionMethod", "authentication"):
        updated[relationship] = [*document.get(relationship, []), method["id"]]
    return updated, str(method["id"])


class WebResolver:
    """Resolves did:web (from ``directory``, then over HTTPS with ``fetcher`` if given)
    and did:key (offline). Documents are kept for the resolver's lifetime, or for
    ``max_age`` seconds when given (a long-running verifier then sees a key that was
    removed from a document, or added to it, within that time)."""

    def __init__(
        self,
        directory: Path | str | None = None,
        fetcher: HttpsFetcher | None = None,
        *,
        max_age: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.fetcher = fetcher
        self.max_age = max_age
        self._clock = clock
        self._documents: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WebResolver(directory={self.directory!r}, fetcher={self.fetcher!r})"

    def resolve(self, did: str) -> dict[str, Any]:
        parsed = parse_did_url(did)
        if parsed.method == "key":
            return resolve_did_key(parsed.did)
        if parsed.method != "web":
            raise UnsupportedDIDMethodError(
                f"DID method {parsed.method!r} is not supported (did:key and did:web are)"
            )
        now = self._clock()
        kept = self._documents.get(parsed.did)
        if kept is not None and (self.max_age is None or now - kept[0] < self.max_age):
            return kept[1]
        found = self._obtain(parsed.did)
        if found.get("id") != parsed.did:
            raise DIDError(
                f"the DID document found for {parsed.did} has the id {found.get('id')!r}; refused"
            )
        with self._lock:
            if len(self._documents) >= 256:
                self._documents.clear()
            self._documents[parsed.did] = (now, found)
        return found

    def _obtain(self, did: str) -> dict[str, Any]:
        reasons = []
        if self.directory is not None:
            path = did_web_file(self.directory, did)
            if path.is_file():
                document = jsonio.read_file(path, what="the DID document", error=DIDError)
                if not isinstance(document, dict):
                    raise DIDError(f"{path} is not a DID document (not a JSON object)")
                return document
            reasons.append(f"{path} does not exist")
        if self.fetcher is not None:
            url = did_web_url(did)
            if self.fetcher.allows(url):
                return self.fetcher.get_object(url, "the DID document", DIDNotFoundError)
            reasons.append(f"the network is not allowed for {url}")
        elif self.directory is None:
            reasons.append("no did:web directory was given and the network is not allowed")
        raise DIDNotFoundError(f"cannot resolve {did}: {'; '.join(reasons)}")
