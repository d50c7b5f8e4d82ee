"""The VC API service under load, over loopback: issue and verify requests per second
and latency percentiles, ``skillswallet serve --workers 2`` (eddsa-rdfc-2022, a
revocation entry in every credential), on the SQLite registry and on PostgreSQL; then a
long run of issues on PostgreSQL checked for duplicate status indices.

The load generator is a small asyncio HTTP/1.1 client (keep-alive connections, requests
prepared in advance) in this process: it shares the 2 cores with the workers, and its
own cost is in every figure. Issue targets: 300/s; verify: 400/s; PostgreSQL within 20 %.

Run: .venv/bin/python benchmarks/bench_server.py [--requests N] [--long N] [--quick]
PostgreSQL from the Debian package (tests/pgkit.py starts a throw-away one).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from tests.pgkit import pg_bin, reset, throwaway_postgres  # noqa: E402
from tests.serverproc import running_server  # noqa: E402

from skillswallet.storage.crypto import MEM_FLOOR, OPS_FLOOR, KdfParams  # noqa: E402
from skillswallet.tour import skill_badge  # noqa: E402
from skillswallet.wallet import Wallet  # noqa: E402

TOKEN = "bench-token-" + uuid.uuid4().hex
PASSPHRASE = "bench passphrase"
BASE = "https://status.bench.example/lists"
HOLDER = "did:key:z6Mko9hTggMwjSTEaJaPUfE6tqcy2xvU6BnNq3e3o8qVBiyH"


def _request(path: str, body: bytes, token: bool) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
    )
    if token:
        head += f"Authorization: Bearer {TOKEN}\r\n"
    return (head + "\r\n").encode() + body


async def _connection(
    host: str,
    port: int,
    queue: list[bytes],
    latencies: list[float],
    bodies: list[bytes],
    statuses: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while queue:
            request = queue.pop()
            start = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = await reader.readexactly(length)
            latencies.append(time.perf_counter() - start)
            statuses.append(int(head.split(b" ", 2)[1]))
            bodies.append(body)
    finally:
        writer.close()


def load(base: str, requests: list[bytes], concurrency: int) -> dict[str, Any]:
    """Send every request over ``concurrency`` keep-alive connections; the figures."""
    host, port = base.removeprefix("http://").split(":")
    queue = list(reversed(requests))
    latencies: list[float] = []
    bodies: list[bytes] = []
    statuses: list[int] = []

    async def main() -> float:
        start = time.perf_counter()
        await asyncio.gather(
            *(
                _connection(host, int(port), queue, latencies, bodies, statuses)
                for _ in range(concurrency)
            )
        )
        return time.perf_counter() - start

    elapsed = asyncio.run(main())
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "per_second": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 2),
        "errors": sum(1 for s in statuses if s >= 300),
        "bodies": bodies,
    }


def issue_requests(count: int) -> list[bytes]:
    out = []
    for _ in range(count):
        credential = skill_badge("did:placeholder", HOLDER, valid_from="2025-01-01T00:00:00Z")
        del credential["issuer"]  # the service sets its own
        out.append(
            _request("/credentials/issue", json.dumps({"credential": credential}).encode(), True)
        )
    return out


def verify_requests(issued: list[bytes]) -> list[bytes]:
    out = []
    for body in issued:
        vc = json.loads(body)["verifiableCredential"]
        out.append(
            _request(
                "/credentials/verify", json.dumps({"verifiableCredential": vc}).encode(), False
            )
        )
    return out


@contextmanager
def issuer_vault() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="skillswallet-bench-") as folder:
        path = Path(folder) / "issuer.sqlite"
        with Wallet.create(path, PASSPHRASE, kdf=KdfParams.new(OPS_FLOOR, MEM_FLOOR)) as wallet:
            wallet.create_did()
        yield path


def measure(registry: str | None, requests: int, concurrency: int, workers: int) -> dict[str, Any]:
    with issuer_vault() as vault:
        args = ["--vault", str(vault), "--workers", str(workers), "--status-base-url", BASE]
        if registry:
            args += ["--registry", registry]
        env = {"SKILLSWALLET_PASSPHRASE": PASSPHRASE, "SKILLSWALLET_API_TOKEN": TOKEN}
        with running_server(args, env) as base:
            load(base, issue_requests(50), concurrency)  # warm-up: contexts, caches
            issued = load(base, issue_requests(requests), concurrency)
            verified = load(base, verify_requests(issued["bodies"]), concurrency)
    entries = [
        json.loads(b)["verifiableCredential"]["credentialStatus"]["id"] for b in issued["bodies"]
    ]
    return {
        "issue": {k: v for k, v in issued.items() if k != "bodies"},
        "verify": {k: v for k, v in verified.items() if k != "bodies"},
        "duplicate_status_entries": len(entries) - len(set(entries)),
    }


def long_run(registry: str, count: int, concurrency: int, workers: int) -> dict[str, Any]:
    with issuer_vault() as vault:
        args = [
            "--vault",
            str(vault),
            "--workers",
            str(workers),
            "--status-base-url",
            BASE,
            "--registry",
            registry,
        ]
        env = {"SKILLSWALLET_PASSPHRASE": PASSPHRASE, "SKILLSWALLET_API_TOKEN": TOKEN}
        with running_server(args, env) as base:
            issued = load(base, issue_requests(count), concurrency)
    entries = [
        json.loads(b)["verifiableCredential"]["credentialStatus"]["id"] for b in issued["bodies"]
    ]
    return {
        "issue": {k: v for k, v in issued.items() if k != "bodies"},
        "duplicate_status_entries": len(entries) - len(set(entries)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--long", type=int, default=20000, help="issues of the long run (0: none)")
    parser.add_argument("--long-workers", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="300 requests, long run of 1,000")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.long = 300, 1000
    report: dict[str, Any] = {
        "settings": {k: v for k, v in vars(args).items()},
        "load_before": os.getloadavg(),
    }
    report["sqlite"] = measure(None, args.requests, args.concurrency, args.workers)
    if pg_bin() is not None:
        with throwaway_postgres(durable=True) as url:
            report["postgres"] = measure(url, args.requests, args.concurrency, args.workers)
            if args.long:
                reset(url)
                report["postgres_long"] = long_run(
                    url, args.long, args.concurrency, args.long_workers
                )
    report["load_after"] = os.getloadavg()
    sqlite, pg = report["sqlite"], report.get("postgres")
    report["targets"] = {
        "issue >= 300/s (sqlite)": sqlite["issue"]["per_second"] >= 300,
        "verify >= 400/s (sqlite)": sqlite["verify"]["per_second"] >= 400,
    }
    if pg:
        for op in ("issue", "verify"):
            report["targets"][f"{op} on postgres within 20 %"] = (
                pg[op]["per_second"] >= 0.8 * sqlite[op]["per_second"]
            )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
