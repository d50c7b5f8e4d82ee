"""What a verifier may read besides the document, as the caller allows it: a folder of
status list credentials, a folder of did:web documents, and HTTPS from named hosts (for
both). One function, so that ``skillswallet verify`` and ``skillswallet serve`` build
them alike from the same options (``--status-dir``, ``--did-web-dir``,
``--allow-network HOST``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..did.resolver import DIDResolver
    from ..status.sources import StatusSource
    from .fetch import HttpsFetcher, Transport


def verifier_inputs(
    status_dir: Path | None,
    did_web_dir: Path | None,
    hosts: Sequence[str] | None,
    *,
    cache_ttl: float | None = None,
    transport: Transport | None = None,
) -> tuple[StatusSource | None, DIDResolver | None]:
    """The status source and DID resolver these options ask for; None for either when
    nothing was given (the offline defaults: a status entry inconclusive, did:key only).
    Status lists come from ``status_dir`` first, then over HTTPS from ``hosts``; with
    ``cache_ttl``, a fetched list and a did:web document are kept that many seconds (a
    long-running verifier fetches each once per period, not once per credential, and
    still sees a revocation or a key change after at most that long). ``transport``
    replaces the HTTPS connection (tests)."""
    if status_dir is None and did_web_dir is None and not hosts:
        return None, None
    from ..did.web import WebResolver
    from ..status.sources import CachedSource, DirectorySource, FirstOf, HttpsSource
    from .fetch import HttpsFetcher

    fetcher = HttpsFetcher(hosts, transport=transport) if hosts else None
    sources: list[StatusSource] = []
    if status_dir is not None:
        sources.append(DirectorySource(status_dir))
    if fetcher is not None:
        fetched: StatusSource = HttpsSource(fetcher)
        sources.append(CachedSource(fetched, cache_ttl) if cache_ttl else fetched)
    source = FirstOf(sources) if sources else None
    resolver = (
        WebResolver(did_web_dir, fetcher, max_age=cache_ttl) if did_web_dir or fetcher else None
    )
    return source, resolver


def badge_fetcher(
    hosts: Sequence[str] | None, *, transport: Transport | None = None
) -> HttpsFetcher | None:
    """What ``--allow-network`` lets an Open Badges 2.0 check fetch (hosted assertions,
    issuer keys, linked BadgeClasses: at most 1 MiB each) over HTTPS from those hosts;
    None (offline) without it."""
    if not hosts:
        return None
    from ..openbadges2 import MAX_JWS_BYTES
    from .fetch import HttpsFetcher

    return HttpsFetcher(hosts, max_bytes=MAX_JWS_BYTES, transport=transport)
