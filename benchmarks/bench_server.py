"""The VC API service under load, over loopback: issue and verify requests per second,
latency percentiles and CPU per request, ``skillswallet serve --workers 2``
(eddsa-rdfc-2022, a revocation entry in every credential), on the SQLite registry and on
PostgreSQL, measured in interleaved rounds in one run; then a long run of issues on
PostgreSQL across 4 workers, checked for duplicate status entries in the responses and in
the database.

The load generator is a small asyncio HTTP/1.1 client (keep-alive connections, requests
prepared in advance) in this process: it shares the 2 cores with the workers (and with
PostgreSQL), and its own cost is in every figure. Issue targets: 300/s; verify: 400/s;
PostgreSQL within 20 %.

Run: .venv/bin/python benchmarks/bench_server.py [--rounds N] [--requests N] [--long N]
[--quick]; --rounds 0 --long 100000: the long run alone. PostgreSQL from the Debian
package (tests/pgkit.py starts a throw-away one, fsync on).
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
from contextlib import ExitStack, contextmanager
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


_TICK = os.sysconf("SC_CLK_TCK")


def _processes() -> dict[int, tuple[int, list[str]]]:
    """Every process now: pid -> (parent pid, command line)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        out[int(entry.name)] = (parent, [a.decode(errors="replace") for a in argv if a])
    return out


def _tree(root: int, processes: dict[int, tuple[int, list[str]]]) -> list[int]:
    found, todo = [root], [root]
    while todo:
        parent = todo.pop()
        children = [pid for pid, (ppid, _) in processes.items() if ppid == parent]
        found += children
        todo += children
    return found


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICK


def server_processes(base: str) -> list[int]:
    """The ``serve`` process listening at ``base`` and its workers."""
    port = base.rsplit(":", 1)[1]
    processes = _processes()
    for pid, (_, argv) in processes.items():
        if "serve" in argv and port in argv and "--port" in argv:
            return _tree(pid, processes)
    raise RuntimeError(f"no serve process on port {port}")


def database_processes(conninfo: str) -> list[int]:
    """The PostgreSQL postmaster whose socket ``conninfo`` names, and its children
    (backends, WAL writer, checkpointer...)."""
    import psycopg

    with psycopg.connect(conninfo) as conn:
        row = conn.execute("SELECT pg_postmaster_start_time(), current_setting('data_directory')")
        data = Path(str((row.fetchone() or ("", ""))[1]))
    postmaster = int((data / "postmaster.pid").read_text().split()[0])
    return _tree(postmaster, _processes())


def _figures(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k != "bodies"}


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def _cpu(watched: dict[str, list[int]]) -> dict[str, float]:
    here = os.times()
    return {part: _cpu_seconds(pids) for part, pids in watched.items()} | {
        "load generator": here.user + here.system
    }


def _cpu_per_request(
    watched: dict[str, list[int]], before: dict[str, float], requests: int
) -> dict[str, float]:
    after = _cpu(watched)
    return {part: round((after[part] - before[part]) * 1000 / requests, 3) for part in after}


def compare(
    pg_url: str | None, rounds: int, requests: int, concurrency: int, workers: int
) -> dict[str, Any]:
    """Both services up at once (SQLite registry, and PostgreSQL when ``pg_url``), then
    ``rounds`` rounds of ``requests`` issues then verifies on each, the order flipping
    every round, so a burst of load from elsewhere lands on both. Per backend: the
    median and range of the rounds' requests/s and p99; per round, PostgreSQL / SQLite."""
    backends = {"sqlite": None} | ({"postgres": pg_url} if pg_url else {})
    env = {"SKILLSWALLET_PASSPHRASE": PASSPHRASE, "SKILLSWALLET_API_TOKEN": TOKEN}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in backends}
    entries: dict[str, list[str]] = {name: [] for name in backends}
    with ExitStack() as stack:
        bases = {}
        for name, registry in backends.items():
            vault = stack.enter_context(issuer_vault())
            args = ["--vault", str(vault), "--workers", str(workers), "--status-base-url", BASE]
            if registry:
                args += ["--registry", registry]
            bases[name] = stack.enter_context(running_server(args, env))
            load(bases[name], issue_requests(100), concurrency)  # warm-up: contexts, caches
        # CPU seconds used by each side's processes (after the warm-up: pools are open).
        watched = {name: {"workers": server_processes(bases[name])} for name in backends}
        if pg_url:
            watched["postgres"]["database"] = database_processes(pg_url)
        for n in range(rounds):
            order = list(backends) if n % 2 == 0 else list(reversed(backends))
            for name in order:
                prepared = issue_requests(requests)
                before = _cpu(watched[name])
                issued = load(bases[name], prepared, concurrency)
                issued["cpu_ms_per_request"] = _cpu_per_request(watched[name], before, requests)
                checks = verify_requests(issued["bodies"])
                before = _cpu(watched[name])
                verified = load(bases[name], checks, concurrency)
                verified["cpu_ms_per_request"] = _cpu_per_request(watched[name], before, requests)
                entries[name] += [
                    json.loads(b)["verifiableCredential"]["credentialStatus"]["id"]
                    for b in issued["bodies"]
                ]
                rows[name].append({"issue": _figures(issued), "verify": _figures(verified)})
    out: dict[str, Any] = {}
    for name in backends:
        out[name] = {
            op: {
                "per_second": _spread([r[op]["per_second"] for r in rows[name]]),
                "p50_ms": _spread([r[op]["p50_ms"] for r in rows[name]]),
                "p99_ms": _spread([r[op]["p99_ms"] for r in rows[name]]),
                "cpu_ms_per_request": {
                    part: _spread([r[op]["cpu_ms_per_request"][part] for r in rows[name]])
                    for part in rows[name][0][op]["cpu_ms_per_request"]
                },
                "errors": sum(r[op]["errors"] for r in rows[name]),
            }
            for op in ("issue", "verify")
        }
        out[name]["duplicate_status_entries"] = len(entries[name]) - len(set(entries[name]))
        out[name]["rounds"] = rows[name]
    if pg_url:
        out["postgres_over_sqlite"] = {
            op: _spread(
                [
                    p[op]["per_second"] / s[op]["per_second"]
                    for p, s in zip(rows["postgres"], rows["sqlite"], strict=True)
                ]
            )
            for op in ("issue", "verify")
        }
    return out


def long_run(registry: str, count: int, concurrency: int, workers: int) -> dict[str, Any]:
    """``count`` issues across ``workers`` on PostgreSQL; the status entries the responses
    carry, checked for duplicates and against what the database holds."""
    prepared = issue_requests(count)
    with issuer_vault() as vault:
        args = ["--vault", str(vault), "--workers", str(workers), "--status-base-url", BASE]
        args += ["--registry", registry]
        env = {"SKILLSWALLET_PASSPHRASE": PASSPHRASE, "SKILLSWALLET_API_TOKEN": TOKEN}
        with running_server(args, env) as base:
            load_before = os.getloadavg()
            issued = load(base, prepared, concurrency)
            load_after = os.getloadavg()
    given = []
    for body in issued["bodies"]:
        entry = json.loads(body)["verifiableCredential"]["credentialStatus"]
        given.append((entry["statusListCredential"], int(entry["statusListIndex"])))
    return {
        "issue": _figures(issued),
        "load_during": [load_before, load_after],
        "responses": len(given),
        "duplicate_status_entries": len(given) - len(set(given)),
        "database": check_registry(registry, set(given)),
    }


def check_registry(conninfo: str, given: set[tuple[str, int]]) -> dict[str, Any]:
    """What the database holds after the run: entries, distinct (list, index) pairs and
    credentials, each list's count against its entries, and whether the entries are
    exactly those the responses carried."""
    import psycopg

    with psycopg.connect(conninfo) as conn:
        entries, pairs, credentials = conn.execute(
            "SELECT count(*), count(DISTINCT (list, idx)), count(DISTINCT credential)"
            " FROM skillswallet_status_entries"
        ).fetchone() or (0, 0, 0)
        miscounted = conn.execute(
            "SELECT count(*) FROM skillswallet_status_lists l WHERE l.used <> (SELECT"
            " count(*) FROM skillswallet_status_entries e WHERE e.list = l.id)"
        ).fetchone()
        stored = {
            (url, int(idx))
            for url, idx in conn.execute(
                "SELECT l.url, e.idx FROM skillswallet_status_entries e"
                " JOIN skillswallet_status_lists l ON l.id = e.list"
            )
        }
    return {
        "entries": entries,
        "distinct_list_index_pairs": pairs,
        "distinct_credentials": credentials,
        "lists_whose_count_differs": miscounted[0] if miscounted else None,
        "same_as_responses": stored == given,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1500, help="issues per round")
    parser.add_argument("--rounds", type=int, default=6, help="0: only the long run")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--long", type=int, default=20000, help="issues of the long run (0: none)")
    parser.add_argument("--long-workers", type=int, default=4)
    parser.add_argument("--quick", action="store_true", help="2 rounds of 300, long run of 1,000")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.rounds, args.long = 300, 2, 1000
    report: dict[str, Any] = {
        "settings": {k: v for k, v in vars(args).items()},
        "load_before": os.getloadavg(),
    }
    with ExitStack() as stack:
        url = stack.enter_context(throwaway_postgres(durable=True)) if pg_bin() else None
        if args.rounds:
            report |= compare(url, args.rounds, args.requests, args.concurrency, args.workers)
            report["load_after_compare"] = os.getloadavg()
        if url and args.long:
            reset(url)
            report["postgres_long"] = long_run(url, args.long, args.concurrency, args.long_workers)
    report["load_after"] = os.getloadavg()
    sqlite, ratio = report.get("sqlite"), report.get("postgres_over_sqlite")
    report["targets"] = {}
    if sqlite:
        report["targets"] |= {
            "issue >= 300/s (sqlite, median of rounds)": sqlite["issue"]["per_second"]["median"]
            >= 300,
            "verify >= 400/s (sqlite, median of rounds)": sqlite["verify"]["per_second"]["median"]
            >= 400,
        }
    if ratio:
        for op in ("issue", "verify"):
            report["targets"][f"{op} on postgres within 20 % (median of round ratios)"] = (
                ratio[op]["median"] >= 0.8
            )
    long = report.get("postgres_long")
    if long:
        database = long["database"]
        report["targets"]["long run: no collision, no reuse, every entry in the database"] = (
            long["issue"]["errors"] == 0
            and long["duplicate_status_entries"] == 0
            and database["entries"] == database["distinct_list_index_pairs"] == long["responses"]
            and database["lists_whose_count_differs"] == 0
            and database["same_as_responses"]
        )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
