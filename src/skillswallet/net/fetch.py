"""An opt-in HTTPS fetcher for small JSON documents (status lists, did:web documents).

Nothing is fetched unless the caller builds a :class:`HttpsFetcher` naming the hosts it
allows. Each fetch: HTTPS only; the host must be on the allow-list; its addresses are
resolved once and every one must be public (no loopback, private, link-local,
multicast or reserved address, unless ``allow_private`` is set, for tests), and the
connection goes to the address that was checked (no DNS rebinding between check and
use); the certificate is checked for the host name; a redirect is followed only to the
same host (at most 3); the body is read to at most ``max_bytes`` and the whole fetch
takes at most ``timeout`` seconds. A ``transport`` given in place of the connection
(tests: no network) is held to the same allow-list, redirect and size rules.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import os
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin, urlsplit

from .. import jsonio
from ..errors import FetchError, InvalidJSONError, SkillsWalletError

MAX_REDIRECTS = 3

#: One GET: (url, seconds left) -> (HTTP status, Location header or None, body).
Transport = Callable[[str, float], tuple[int, str | None, bytes]]


class HttpsFetcher:
    """Fetches from ``allow_hosts`` only (host names, or ``host:port``)."""

    def __init__(
        self,
        allow_hosts: Iterable[str],
        *,
        max_bytes: int = 24 * 1024 * 1024,
        timeout: float = 10.0,
        allow_private: bool = False,
        ssl_context: ssl.SSLContext | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.allow_hosts = frozenset(h.lower() for h in allow_hosts)
        self._transport = transport
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.allow_private = allow_private
        self._context = ssl_context or ssl.create_default_context()

    def __repr__(self) -> str:
        return f"HttpsFetcher(allow_hosts={sorted(self.allow_hosts)!r})"

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme == "https" and _host_key(parts) in self.allow_hosts

    def get_json(self, url: str) -> Any:
        """GET ``url`` and parse its body as strict JSON (:func:`skillswallet.jsonio.loads`)."""
        body = self.get(url)
        try:
            return jsonio.loads(body, max_bytes=self.max_bytes)
        except InvalidJSONError as exc:
            raise FetchError(f"{url} did not return JSON: {exc}") from None

    def get_object(self, url: str, what: str, error: type[SkillsWalletError]) -> dict[str, Any]:
        """GET ``url`` as a JSON object; any failure is ``error`` naming ``what``."""
        try:
            document = self.get_json(url)
        except FetchError as exc:
            raise error(f"could not fetch {what} {url}: {exc}") from None
        if not isinstance(document, dict):
            raise error(f"{url} is not {what} (not a JSON object)")
        return document

    def get(self, url: str) -> bytes:
        deadline = time.monotonic() + self.timeout
        first_host: str | None = None
        for _ in range(MAX_REDIRECTS + 1):
            try:  # (a redirect's Location is the host's to write)
                parts = urlsplit(url)
                host = _host_key(parts)
            except ValueError:
                raise FetchError(f"not a URL that can be fetched: {url[:120]!r}") from None
            if parts.scheme != "https":
                raise FetchError(f"only https URLs are fetched, not {url[:120]!r}")
            if first_host is None:
                first_host = host
            elif host != first_host:
                raise FetchError(f"redirected to another host ({host}); not followed")
            if host not in self.allow_hosts:
                raise FetchError(f"the host {host} is not on the allow-list")
            if self._transport is not None:
                status, location, body = self._transport(url, deadline - time.monotonic())
                if len(body) > self.max_bytes:
                    raise FetchError(f"{url} is larger than {self.max_bytes:,} bytes")
            else:
                status, location, body = self._once(
                    parts.hostname or "", parts.port or 443, url, deadline
                )
            if status in (301, 302, 303, 307, 308):
                if not location:
                    raise FetchError(f"{url} redirected without a Location")
                try:
                    url = urljoin(url, location)
                except ValueError:
                    raise FetchError(f"{url} redirected to {location[:120]!r}") from None
                continue
            if status != 200:
                raise FetchError(f"{url} answered HTTP {status}")
            return body
        raise FetchError(f"more than {MAX_REDIRECTS} redirects")

    def _once(
        self, hostname: str, port: int, url: str, deadline: float
    ) -> tuple[int, str | None, bytes]:
        address = self._checked_address(hostname, port)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"{url}: took longer than {self.timeout:g} s")
        connection = _PinnedHTTPSConnection(hostname, address, port, remaining, self._context)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        # Each read waits at most the time left, but a host sending a byte at a time never
        # lets one wait that long: at the deadline the connection is shut, whatever it is
        # doing (the TLS handshake, the headers, the body).
        watchdog = threading.Timer(remaining, connection.cut)
        watchdog.daemon = True
        watchdog.start()
        try:
            connection.request(
                "GET",
                target,
                headers={
                    "Accept": "application/json, application/ld+json",
                    "User-Agent": "skillswallet",
                },
            )
            response = connection.getresponse()
            body = bytearray()
            while True:
                if time.monotonic() > deadline:
                    raise FetchError(f"{url}: took longer than {self.timeout:g} s")
                chunk = response.read(65536)
                if not chunk:
                    break
                body += chunk
                if len(body) > self.max_bytes:
                    raise FetchError(f"{url} is larger than {self.max_bytes:,} bytes")
            return response.status, response.getheader("Location"), bytes(body)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            if time.monotonic() >= deadline:
                raise FetchError(f"{url}: took longer than {self.timeout:g} s") from None
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
        finally:
            watchdog.cancel()
            connection.release()

    def _checked_address(self, hostname: str, port: int) -> str:
        try:
            infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise FetchError(f"cannot resolve {hostname}: {exc}") from None
        addresses = [str(info[4][0]) for info in infos]
        if not addresses:
            raise FetchError(f"{hostname} has no address")
        if not self.allow_private:
            for address in addresses:
                if not _public(address):
                    raise FetchError(
                        f"{hostname} resolves to {address}, a private, loopback or reserved "
                        "address; refused"
                    )
        return addresses[0]


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def _host_key(parts: Any) -> str:
    host = (parts.hostname or "").lower()
    return host if parts.port in (None, 443) else f"{host}:{parts.port}"


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to an address that was checked, verifying the certificate for the host."""

    def __init__(
        self, host: str, address: str, port: int, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    #: A second descriptor of the connection's socket, for cut() from another thread
    #: (shutting a socket down acts on the connection, whichever descriptor is used; the
    #: TLS wrapping detaches the first one during its handshake).
    _handle: socket.socket | None = None
    _cut = False

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self._handle = socket.socket(fileno=os.dup(sock.fileno()))
        if self._cut:  # (the deadline passed while connecting)
            self.cut()
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)

    def cut(self) -> None:
        """End the connection now, from another thread: a read blocked on it returns."""
        self._cut = True
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.shutdown(socket.SHUT_RDWR)

    def release(self) -> None:
        """Close the connection and the second descriptor (not in close(): http.client
        closes a connection whose response is still being read)."""
        self.close()
        if self._handle is not None:
            self._handle.close()
