"""Soak the client: many requests at high concurrency, then report leaks and throughput.

    .venv/bin/python scripts/soak.py --requests 50000 --concurrency 200
    .venv/bin/python scripts/soak.py --requests 3000 --concurrency 100 --json   # what CI runs

A stub Airflow API runs in a process of its own (this script with ``--serve``), so the open
file descriptors and memory measured are the client's alone. The client sends a mix of
GET, list, POST and PATCH calls through its namespaces and one pooled ``AsyncClient``; the
stub answers each with a realistic JSON body. Reported: requests/s, errors, open file
descriptors (at start, after a warm-up, after the run, after ``aclose``), resident memory
(after the warm-up, at each quarter of the run, after it, and the peak), and the most
connections the stub ever saw open at once, which the pool limits must bound.

Exits non-zero when a request failed, the descriptors grew by more than
``--max-fd-growth``, or resident memory grew by more than ``--max-rss-growth-mib``
between the warm-up and the end of the run. Linux only (it reads ``/proc/self``).
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from airflow_client_async import AirflowError, AsyncClient

# -- the stub server (its own process) ---------------------------------------------------------

_POOL = {
    "name": "default_pool",
    "slots": 128,
    "occupied_slots": 3,
    "running_slots": 2,
    "queued_slots": 1,
    "scheduled_slots": 0,
    "open_slots": 125,
    "deferred_slots": 0,
    "description": "Default pool",
    "include_deferred": False,
}
_DAG = {
    "dag_id": "soak_dag",
    "file_token": "c29ha19kYWc.token",
    "dag_display_name": "soak_dag",
    "is_paused": False,
    "is_active": True,
    "fileloc": "/opt/airflow/dags/soak.py",
    "owners": ["airflow"],
    "tags": [{"name": "soak"}],
    "schedule_interval": {"__type": "CronExpression", "value": "0 * * * *"},
    "timetable_description": "At minute 0",
    "next_dagrun": "2024-05-01T01:00:00+00:00",
    "max_active_runs": 16,
    "has_import_errors": False,
}
_VARIABLE = {"key": "soak", "value": "x" * 200, "description": "soak test variable"}


def _answer(method: str, target: str) -> bytes:
    path = target.split("?", 1)[0]
    if path.startswith("/api/v1/pools/"):
        body: Any = _POOL
    elif path == "/api/v1/dags":
        body = {"dags": [dict(_DAG, dag_id=f"soak_dag_{i}") for i in range(5)], "total_entries": 5}
    elif path.startswith("/api/v1/variables"):
        body = _VARIABLE
    else:
        body = {"title": "Not Found", "status": 404}
        data = json.dumps(body).encode()
        return (
            b"HTTP/1.1 404 NOT FOUND\r\nContent-Type: application/problem+json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(data), data)
        )
    data = json.dumps(body).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(data),
        data,
    )


class _Stats:
    def __init__(self) -> None:
        self.open = 0
        self.peak = 0
        self.requests = 0


async def _serve() -> None:
    stats = _Stats()

    async def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        # Counted from its first API request, so that asking for the figures is not counted.
        counted = False
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                if target == "/__stats":
                    figures = {"open": stats.open, "peak": stats.peak, "requests": stats.requests}
                    data = json.dumps(figures).encode()
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(data))
                    writer.write(data)
                    await writer.drain()
                    return
                if not counted:
                    counted = True
                    stats.open += 1
                    stats.peak = max(stats.peak, stats.open)
                stats.requests += 1
                writer.write(_answer(method, target))
                await writer.drain()
        except ConnectionError:
            pass
        finally:
            if counted:
                stats.open -= 1
            writer.close()

    server = await asyncio.start_server(on_connection, "127.0.0.1", 0, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    loop = asyncio.get_running_loop()
    # Serve until the parent closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


# -- measurements -----------------------------------------------------------------------------


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_mib() -> float:
    return _status_kib("VmRSS") / 1024


def peak_rss_mib() -> float:
    return _status_kib("VmHWM") / 1024


async def server_stats(port: int) -> dict[str, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /__stats HTTP/1.1\r\nHost: stub\r\n\r\n")
    await writer.drain()
    response = await reader.read()
    writer.close()
    stats: dict[str, int] = json.loads(response.split(b"\r\n\r\n", 1)[1])
    return stats


# -- the client's workload --------------------------------------------------------------------


async def one_request(client: AsyncClient, n: int) -> None:
    kind = n % 4
    if kind == 0:
        await client.pools.get("default_pool")
    elif kind == 1:
        await client.dags.list(limit=5)
    elif kind == 2:
        await client.variables.create(f"soak_{n}", value="x" * 200, description="soak")
    else:
        await client.variables.update("soak", value="y" * 200)


async def run(args: argparse.Namespace, port: int) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "requests": args.requests,
        "concurrency": args.concurrency,
        "transport": args.transport,
        "max_connections": args.max_connections,
        "max_keepalive_connections": args.max_keepalive,
    }
    gc.collect()
    figures["fds_at_start"] = open_fds()
    limits = httpx.Limits(
        max_connections=args.max_connections, max_keepalive_connections=args.max_keepalive
    )
    client = AsyncClient(
        f"http://127.0.0.1:{port}", transport=args.transport, limits=limits, api_version="v1"
    )
    errors: list[str] = []
    latencies = array.array("d", bytes(8 * args.requests))
    counter = 0
    checkpoints: dict[str, float] = {}
    quarters = {args.requests * q // 4: f"rss_at_{q * 25}pct_mib" for q in (1, 2, 3)}

    async def worker(total: int, record: bool) -> None:
        nonlocal counter
        while counter < total:
            n = counter
            counter += 1
            started = time.perf_counter()
            try:
                await one_request(client, n)
            except AirflowError as exc:
                if len(errors) < 5:
                    errors.append(f"{type(exc).__name__}: {exc}")
                else:
                    errors.append("")
            if record:
                latencies[n] = time.perf_counter() - started
                if n in quarters:
                    checkpoints[quarters[n]] = round(rss_mib(), 1)

    async def swarm(total: int, record: bool) -> None:
        await asyncio.gather(*(worker(total, record) for _ in range(args.concurrency)))

    # Warm up: every pooled connection opened and every code path run once, so that what
    # follows measures growth, not first use.
    warm_up = max(args.concurrency * 5, 500)
    await swarm(warm_up, record=False)
    warm_errors = len(errors)
    gc.collect()
    figures["fds_before"] = open_fds()
    figures["rss_before_mib"] = round(rss_mib(), 1)

    counter = 0
    started = time.perf_counter()
    await swarm(args.requests, record=True)
    elapsed = time.perf_counter() - started
    gc.collect()
    figures["fds_after"] = open_fds()
    figures["rss_after_mib"] = round(rss_mib(), 1)
    figures["rss_peak_mib"] = round(peak_rss_mib(), 1)
    figures.update(checkpoints)
    stats_open = await server_stats(port)
    await client.aclose()
    await asyncio.sleep(0.1)
    gc.collect()
    figures["fds_after_close"] = open_fds()
    stats_closed = await server_stats(port)

    ordered = sorted(latencies)
    figures.update(
        elapsed_s=round(elapsed, 2),
        requests_per_s=round(args.requests / elapsed, 1),
        latency_p50_ms=round(ordered[len(ordered) // 2] * 1000, 2),
        latency_p99_ms=round(ordered[int(len(ordered) * 0.99)] * 1000, 2),
        errors=len(errors),
        warm_up_errors=warm_errors,
        first_errors=[e for e in errors if e][:5],
        server_requests=stats_closed["requests"],
        server_peak_connections=stats_closed["peak"],
        server_open_connections_idle=stats_open["open"],
        server_open_connections_after_close=stats_closed["open"],
        fd_growth=figures["fds_after"] - figures["fds_before"],
        rss_growth_mib=round(figures["rss_after_mib"] - figures["rss_before_mib"], 1),
    )
    return figures


def report(figures: dict[str, Any]) -> str:
    f = figures
    return "\n".join(
        [
            f"soak: {f['requests']} requests at concurrency {f['concurrency']} "
            f"(transport {f['transport']}, max_connections {f['max_connections']}, "
            f"max_keepalive_connections {f['max_keepalive_connections']})",
            f"  throughput   {f['requests_per_s']} req/s over {f['elapsed_s']} s "
            f"(latency p50 {f['latency_p50_ms']} ms, p99 {f['latency_p99_ms']} ms)",
            f"  errors       {f['errors']} (warm-up {f['warm_up_errors']}) {f['first_errors']}",
            f"  open fds     start {f['fds_at_start']}, after warm-up {f['fds_before']}, "
            f"after run {f['fds_after']}, after aclose {f['fds_after_close']}",
            f"  RSS (MiB)    after warm-up {f['rss_before_mib']}, "
            f"25% {f.get('rss_at_25pct_mib')}, 50% {f.get('rss_at_50pct_mib')}, "
            f"75% {f.get('rss_at_75pct_mib')}, after run {f['rss_after_mib']}, "
            f"peak {f['rss_peak_mib']}",
            f"  server       {f['server_requests']} requests, peak {f['server_peak_connections']} "
            f"connections open at once, {f['server_open_connections_idle']} kept idle, "
            f"{f['server_open_connections_after_close']} after aclose",
        ]
    )


def check(figures: dict[str, Any], args: argparse.Namespace) -> list[str]:
    problems = []
    if figures["errors"] or figures["warm_up_errors"]:
        problems.append(f"{figures['errors'] + figures['warm_up_errors']} requests failed")
    if figures["fd_growth"] > args.max_fd_growth:
        problems.append(f"open file descriptors grew by {figures['fd_growth']}")
    if figures["fds_after_close"] > figures["fds_at_start"]:
        problems.append("file descriptors stayed open after aclose")
    if figures["rss_growth_mib"] > args.max_rss_growth_mib:
        problems.append(f"resident memory grew by {figures['rss_growth_mib']} MiB")
    if figures["server_peak_connections"] > args.max_connections:
        problems.append(f"{figures['server_peak_connections']} connections open at once")
    if figures["server_open_connections_after_close"]:
        problems.append("connections still open at the server after aclose")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=200)
    parser.add_argument("--transport", choices=["auto", "aiohttp", "httpx"], default="auto")
    parser.add_argument("--max-connections", type=int, default=100)
    parser.add_argument("--max-keepalive", type=int, default=100)
    parser.add_argument("--max-fd-growth", type=int, default=2)
    parser.add_argument("--max-rss-growth-mib", type=float, default=32.0)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.serve:
        asyncio.run(_serve())
        return 0

    stub = subprocess.Popen(
        [sys.executable, __file__, "--serve"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert stub.stdout is not None
        line = stub.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError(f"the stub server did not start: {line!r}")
        figures = asyncio.run(run(args, int(line.split()[1])))
    finally:
        assert stub.stdin is not None
        stub.stdin.close()
        try:
            stub.wait(10)
        except subprocess.TimeoutExpired:
            stub.kill()
            stub.wait()

    problems = check(figures, args)
    figures["problems"] = problems
    print(json.dumps(figures, indent=2) if args.json else report(figures))
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
