"""A keep-alive HTTP/1.1 server on 127.0.0.1 that replays recorded Airflow answers.

It runs in its own process and does as little as it can per request (a raw asyncio
protocol, bodies built once), so the benchmarks measure the clients, not the server.

    python benchmarks/stub_server.py          # prints "listening <port>" once ready

Routes (every path may start with ``/total/<n>``, which makes ``GET /dags`` report ``n``
DAGs in all and page through them):

* ``GET /api/v1/health``
* ``GET /api/v1/dags?limit=&offset=``: pages of up to 100 DAGs
* ``POST /api/v1/dags/{dag_id}/dagRuns``: the created run, with the id sent (or one made)
* ``GET /api/v1/dags/{dag_id}/dagRuns/{dag_run_id}``: that run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from urllib.parse import parse_qsl, unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import payloads

_API = "/api/v1"
_PAGE_CAP = 100
_DEFAULT_TOTAL = 100

_HEALTH = payloads.health()
_DAGS = payloads.dag_fragments(_PAGE_CAP)
_NOT_FOUND = json.dumps(
    {"detail": None, "status": 404, "title": "Not Found", "type": "about:blank"}
).encode()

_pages: dict[tuple[int, int], bytes] = {}


def _dag_page(total: int, offset: int, limit: int) -> bytes:
    count = max(0, min(limit, _PAGE_CAP, total - offset))
    key = (count, total)
    body = _pages.get(key)
    if body is None:
        body = (
            b'{"dags": ['
            + b", ".join(_DAGS[:count])
            + b'], "total_entries": '
            + str(total).encode()
            + b"}"
        )
        _pages[key] = body
    return body


def _run(dag_id: str, body: bytes) -> bytes:
    sent = json.loads(body) if body else {}
    run_id = sent.get("dag_run_id") or f"manual__{sent.get('logical_date', 'now')}"
    return json.dumps(payloads.dag_run(dag_id, run_id)).encode()


def route(method: str, target: str, body: bytes) -> tuple[int, bytes]:
    """Answer one request: ``(status, JSON body)``."""
    path, _, query = target.partition("?")
    total = _DEFAULT_TOTAL
    if path.startswith("/total/"):
        _, _, count, rest = path.split("/", 3)
        total, path = int(count), "/" + rest
    if not path.startswith(_API):
        return 404, _NOT_FOUND
    parts = [unquote(p) for p in path[len(_API) :].split("/")[1:]]
    if method == "GET" and parts == ["health"]:
        return 200, _HEALTH
    if parts and parts[0] == "dags":
        if method == "GET" and len(parts) == 1:
            params = dict(parse_qsl(query))
            limit = int(params.get("limit", _PAGE_CAP))
            return 200, _dag_page(total, int(params.get("offset", 0)), limit)
        if len(parts) == 3 and parts[2] == "dagRuns" and method == "POST":
            return 200, _run(parts[1], body)
        if len(parts) == 4 and parts[2] == "dagRuns" and method == "GET":
            return 200, json.dumps(payloads.dag_run(parts[1], parts[3])).encode()
    return 404, _NOT_FOUND


_REASONS = {200: b"OK", 404: b"NOT FOUND", 400: b"BAD REQUEST"}


class _Protocol(asyncio.Protocol):
    """Reads pipelined HTTP/1.1 requests with a Content-Length body; answers each in turn."""

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1").split("\r\n")
            length = 0
            close = False
            for line in head[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            method, target, _version = head[0].split(" ", 2)
            try:
                status, payload = route(method, target, body)
            except Exception as exc:  # a bad request must not take the server down
                status, payload = 400, json.dumps({"title": str(exc), "status": 400}).encode()
            assert self.transport is not None
            self.transport.write(
                b"HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n%s\r\n"
                % (
                    status,
                    _REASONS.get(status, b"OK"),
                    len(payload),
                    b"Connection: close\r\n" if close else b"",
                )
                + payload
            )
            if close:
                self.transport.close()
                return


async def serve(port: int) -> None:
    """Listen on 127.0.0.1:``port`` (0: any free port), print it, serve until signalled."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Protocol, "127.0.0.1", port, backlog=1024)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--port", type=int, default=0)
    asyncio.run(serve(parser.parse_args().port))


if __name__ == "__main__":
    main()
