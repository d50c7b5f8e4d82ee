"""The opt-in HTTPS fetcher (status lists, did:web documents), against a local TLS server
on the loopback address: allowed only when a test says so (``allow_private``)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from skillswallet import CheckId, KeyPair, Status, issue_credential, verify
from skillswallet.did.web import WebResolver, did_web, did_web_document, did_web_url
from skillswallet.errors import DIDNotFoundError, FetchError, StatusRetrievalError
from skillswallet.net.fetch import HttpsFetcher, _public
from skillswallet.status.sources import HttpsSource

from .conftest import NOW
from .httpskit import Route, Server, https_server
from .statuskit import REVOCATION, make_school


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with https_server(tmp_path_factory.mktemp("tls")) as running:
        yield running


def _fetcher(server: Server, **options: object) -> HttpsFetcher:
    options.setdefault("allow_private", True)
    return HttpsFetcher(
        [f"localhost:{server.port}"],
        ssl_context=server.client_context,
        **options,  # type: ignore[arg-type]
    )


def test_fetches_json_from_an_allowed_host(server: Server) -> None:
    server.routes["/a.json"] = Route(body=b'{"id": "a"}')
    assert _fetcher(server).get_json(server.url("/a.json")) == {"id": "a"}


def test_private_address_is_refused_unless_allowed(server: Server) -> None:
    server.routes["/a.json"] = Route(body=b'{"id": "a"}')
    before = len(server.hits)
    with pytest.raises(FetchError, match="private, loopback or reserved"):
        _fetcher(server, allow_private=False).get(server.url("/a.json"))
    assert len(server.hits) == before  # refused before connecting


def test_host_not_on_the_allow_list_is_refused(server: Server) -> None:
    fetcher = HttpsFetcher(["status.example.edu"], allow_private=True)
    with pytest.raises(FetchError, match="not on the allow-list"):
        fetcher.get(server.url("/a.json"))
    with pytest.raises(FetchError, match="only https"):
        fetcher.get("http://status.example.edu/a.json")


def test_redirect_to_another_host_is_not_followed(server: Server) -> None:
    server.routes["/a.json"] = Route(body=b'{"id": "a"}')
    server.routes["/same"] = Route(302, headers={"Location": "/a.json"})
    server.routes["/away"] = Route(302, headers={"Location": server.url("/a.json", "127.0.0.1")})
    fetcher = _fetcher(server)
    assert fetcher.get_json(server.url("/same")) == {"id": "a"}
    with pytest.raises(FetchError, match="another host"):
        fetcher.get(server.url("/away"))
    server.routes["/loop"] = Route(302, headers={"Location": "/loop"})
    with pytest.raises(FetchError, match="redirects"):
        fetcher.get(server.url("/loop"))


def test_size_and_time_limits(server: Server) -> None:
    server.routes["/big"] = Route(body=b"[" + b"0," * 100_000 + b"0]")
    with pytest.raises(FetchError, match="larger than"):
        _fetcher(server, max_bytes=10_000).get(server.url("/big"))
    server.routes["/slow"] = Route(body=b"{}", delay=3.0)
    start = time.perf_counter()
    with pytest.raises(FetchError):
        _fetcher(server, timeout=0.5).get(server.url("/slow"))
    assert time.perf_counter() - start < 2.5


def test_a_host_that_drips_its_answer_is_cut_at_the_time_limit(server: Server) -> None:
    # one byte every 0.1 s: no single read waits long enough to time out, the whole
    # answer takes 4 s; the fetch must end at its 1 s limit, not when the host is done
    server.routes["/drip"] = Route(body=b'{"id": "' + b"a" * 30 + b'"}', drip=0.1)
    start = time.perf_counter()
    with pytest.raises(FetchError, match="longer than"):
        _fetcher(server, timeout=1.0).get(server.url("/drip"))
    assert time.perf_counter() - start < 2.0


@pytest.mark.parametrize(
    "location", ["https://[::1/x", "https://a.example:99999/x", "https://a.example:port/x"]
)
def test_a_redirect_to_an_unreadable_address_is_a_fetch_error(location: str) -> None:
    def transport(url: str, seconds_left: float) -> tuple[int, str | None, bytes]:
        return 302, location, b""

    with pytest.raises(FetchError):
        HttpsFetcher(["a.example"], transport=transport).get("https://a.example/start")
    with pytest.raises(FetchError):
        HttpsFetcher(["a.example"], transport=transport).get(location)


def test_errors_and_non_json_are_fetch_errors(server: Server) -> None:
    server.routes["/html"] = Route(body=b"<html>")
    with pytest.raises(FetchError, match="did not return JSON"):
        _fetcher(server).get_json(server.url("/html"))
    with pytest.raises(FetchError, match="HTTP 404"):
        _fetcher(server).get(server.url("/missing"))


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("224.0.0.1", False),
        ("93.184.216.34", True),
        ("2606:4700::1", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert _public(address) is public


def test_status_list_over_https(server: Server, tmp_path: Path) -> None:
    school = make_school(tmp_path)
    credential = school.credential(lists=(REVOCATION,))
    listed = school.issuer.list_credential(REVOCATION, school.signer, now=NOW)
    # The list's id is its https URL; here the local server stands in for that host.
    url = server.url("/status/1")
    listed_here = json.loads(json.dumps(listed).replace(REVOCATION, url))
    del listed_here["proof"]
    signed = issue_credential(listed_here, school.signer, created=NOW)
    server.routes["/status/1"] = Route(body=json.dumps(signed).encode())
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    unsigned = json.loads(json.dumps(unsigned).replace(REVOCATION, url))
    moved = issue_credential(unsigned, school.signer, created=NOW)
    result = verify(moved, now=NOW, status=HttpsSource(_fetcher(server)))
    assert result.check(CheckId.STATUS).status is Status.PASSED, result.failures
    refused = verify(moved, now=NOW, status=HttpsSource(_fetcher(server, allow_private=False)))
    check = refused.check(CheckId.STATUS)
    assert check.status is Status.INCONCLUSIVE and "private" in check.reason
    with pytest.raises(StatusRetrievalError, match="HTTP 404"):
        HttpsSource(_fetcher(server)).get(server.url("/status/none"))


def test_did_web_over_https(server: Server) -> None:
    did = did_web(f"localhost:{server.port}")
    assert did_web_url(did) == server.url("/.well-known/did.json")
    document = did_web_document(did, [KeyPair.generate().public])
    server.routes["/.well-known/did.json"] = Route(body=json.dumps(document).encode())
    assert WebResolver(fetcher=_fetcher(server)).resolve(did) == document
    with pytest.raises(DIDNotFoundError, match="private"):
        WebResolver(fetcher=_fetcher(server, allow_private=False)).resolve(did)
    with pytest.raises(DIDNotFoundError, match="network is not allowed"):
        WebResolver(fetcher=HttpsFetcher(["elsewhere.example"])).resolve(did)


def test_an_injected_transport_keeps_the_rules() -> None:
    pages = {
        "https://a.example/big": (200, None, b"x" * 11),
        "https://a.example/away": (302, "https://b.example/x", b""),
        "https://a.example/ok": (200, None, b'{"id": 1}'),
    }
    asked: list[str] = []

    def transport(url: str, seconds_left: float) -> tuple[int, str | None, bytes]:
        asked.append(url)
        assert seconds_left > 0
        return pages[url]

    fetcher = HttpsFetcher(["a.example"], max_bytes=10, transport=transport)
    assert fetcher.get_json("https://a.example/ok") == {"id": 1}
    with pytest.raises(FetchError, match="larger than 10 bytes"):
        fetcher.get("https://a.example/big")
    with pytest.raises(FetchError, match="another host"):
        fetcher.get("https://a.example/away")
    with pytest.raises(FetchError, match="allow-list"):
        fetcher.get("https://b.example/x")
    assert "https://b.example/x" not in asked
