"""A keep-alive HTTP/1.1 server on 127.0.0.1 that replays recorded Airflow answers.

It runs in its own process and does as little as it can per request (a raw asyncio
protocol, bodies built once), so the benchmarks measure the clients, not the server.

    python benchmarks/stub_server.py          # prints "listening <port>" once ready

Routes, under ``/api/v1`` (Airflow 2's shapes) and ``/api/v2`` (Airflow 3's); every path
may start with ``/total/<n>``, which makes the DAG list report ``n`` DAGs in all and page
through them:

* ``GET /api/v1/health``, ``GET /api/v2/monitor/health``
* ``GET /api/v{1,2}/version``; ``POST /auth/token``: a JWT for any credentials (the stub
  checks none)
* ``GET /api/v{1,2}/dags?limit=&offset=``: pages of up to 100 DAGs
* ``POST /api/v{1,2}/dags/{dag_id}/dagRuns``: the created run, with the id sent (or one
  made), always queued
* ``GET /api/v{1,2}/dags/{dag_id}/dagRuns/{dag_run_id}``: that run, queued

Simulations keep runs that end by themselves, and count the requests they get:

* ``POST /_sim`` with ``{"key", "api", "seed", "shortest", "longest", "failed_share"}``
  starts one. Below ``/sim/<key>``, the version, token and run routes above are served
  for ``api`` alone (``"v1"`` or ``"v2"``; the other API answers 404) from its own runs:
  the n-th run triggered is queued for a moment, then running, and ends (failed with
  probability ``failed_share``, else success) after a delay drawn uniformly from
  ``[shortest, longest]`` seconds by a generator seeded with ``seed``, in order of
  creation. ``POST /sim/<key>/api/v{1,2}/dags/~/dagRuns/list`` lists them, filtered by
  ``dag_ids`` and ``states`` and paged by ``page_offset``/``page_limit`` (at most 100).
* ``GET /_sim/<key>`` answers its counts (and forgets it with ``?drop=1``).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime
import json
import os
import random
import signal
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import payloads

_PAGE_CAP = 100
_DEFAULT_TOTAL = 100
_TERMINAL = ("success", "failed")
#: How long a simulated run stays queued before it runs (at most a third of its life).
_QUEUED_FOR = 0.2

_HEALTH = {"v1": payloads.health(), "v2": payloads.health_v2()}
_DAGS = {"v1": payloads.dag_fragments(_PAGE_CAP), "v2": payloads.dag_fragments_v2(_PAGE_CAP)}
_VERSION = {
    "v1": payloads.encode({"version": "2.11.2", "git_version": ""}),
    "v2": payloads.encode({"version": "3.3.2", "git_version": None}),
}
_RUN = {"v1": payloads.dag_run, "v2": payloads.dag_run_v2}


def _jwt() -> bytes:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    claims = {"sub": "admin", "exp": int(time.time()) + 30 * 86400}
    token = f"{part({'alg': 'HS512', 'typ': 'JWT'})}.{part(claims)}.c3R1Yg"
    return payloads.encode({"access_token": token})


_TOKEN = _jwt()


def _problem(status: int, title: str) -> bytes:
    return payloads.encode(
        {"detail": None, "status": status, "title": title, "type": "about:blank"}
    )


_NOT_FOUND = _problem(404, "Not Found")

_pages: dict[tuple[str, int, int], bytes] = {}


def _dag_page(api: str, total: int, offset: int, limit: int) -> bytes:
    count = max(0, min(limit, _PAGE_CAP, total - offset))
    key = (api, count, total)
    body = _pages.get(key)
    if body is None:
        body = (
            b'{"dags": ['
            + b", ".join(_DAGS[api][:count])
            + b'], "total_entries": '
            + str(total).encode()
            + b"}"
        )
        _pages[key] = body
    return body


def _run(api: str, dag_id: str, body: bytes) -> bytes:
    sent = json.loads(body) if body else {}
    run_id = sent.get("dag_run_id") or f"manual__{sent.get('logical_date') or 'now'}"
    return json.dumps(_RUN[api](dag_id, run_id)).encode()


def _split(path: str) -> tuple[str, list[str]] | None:
    """``("v1" | "v2", path parts below the API root)``, or ``None`` for no API path."""
    for api in ("v1", "v2"):
        root = f"/api/{api}"
        if path == root or path.startswith(root + "/"):
            return api, [unquote(p) for p in path[len(root) :].split("/")[1:]]
    return None


def route(method: str, target: str, body: bytes) -> tuple[int, bytes]:
    """Answer one request: ``(status, JSON body)``."""
    path, _, query = target.partition("?")
    if path.startswith("/sim/"):
        _, _, key, rest = path.split("/", 3)
        simulation = _simulations.get(key)
        if simulation is None:
            return 404, _NOT_FOUND
        return simulation.route(method, "/" + rest, body)
    if path == "/_sim" and method == "POST":
        return _start_simulation(body)
    if path.startswith("/_sim/") and method == "GET":
        return _simulation_counts(path[len("/_sim/") :], query)
    total = _DEFAULT_TOTAL
    if path.startswith("/total/"):
        _, _, count, rest = path.split("/", 3)
        total, path = int(count), "/" + rest
    if method == "POST" and path == "/auth/token":
        return 201, _TOKEN
    found = _split(path)
    if found is None:
        return 404, _NOT_FOUND
    api, parts = found
    if method == "GET" and parts == ["version"]:
        return 200, _VERSION[api]
    if method == "GET" and parts == (["health"] if api == "v1" else ["monitor", "health"]):
        return 200, _HEALTH[api]
    if parts and parts[0] == "dags":
        if method == "GET" and len(parts) == 1:
            params = dict(parse_qsl(query))
            limit = int(params.get("limit", _PAGE_CAP))
            return 200, _dag_page(api, total, int(params.get("offset", 0)), limit)
        if len(parts) == 3 and parts[2] == "dagRuns" and method == "POST":
            return 200, _run(api, parts[1], body)
        if len(parts) == 4 and parts[2] == "dagRuns" and method == "GET":
            return 200, json.dumps(_RUN[api](parts[1], parts[3])).encode()
    return 404, _NOT_FOUND


# -- simulations ---------------------------------------------------------------------


def _iso(moment: float, api: str) -> str:
    text = datetime.datetime.fromtimestamp(moment, datetime.timezone.utc).isoformat()
    return text.replace("+00:00", "Z") if api == "v2" else text


@dataclass
class _SimulatedRun:
    record: dict[str, Any]
    api: str
    created: float
    starts: float
    ends: float
    final: str
    wall: float
    settled: bool = False  # its final state was sent to the client (a GET or a list)

    def state(self, now: float) -> str:
        if now >= self.ends:
            return self.final
        return "running" if now >= self.starts else "queued"

    def ended_at(self) -> float:
        """When the run ends, as a Unix time (the clock its ``end_date`` is written in)."""
        return self.wall + self.ends - self.created

    def body(self, now: float) -> dict[str, Any]:
        state = self.state(now)
        record = dict(self.record, state=state)
        if state != "queued":
            record["start_date"] = _iso(self.wall + self.starts - self.created, self.api)
        if state in _TERMINAL:
            record["end_date"] = _iso(self.wall + self.ends - self.created, self.api)
            if self.api == "v2":
                record["duration"] = self.ends - self.starts
        return record


class _Simulation:
    """Runs that end by themselves after seeded delays, and the requests made for them."""

    def __init__(
        self, api: str, seed: int, shortest: float, longest: float, failed_share: float
    ) -> None:
        self.api = api
        self.random = random.Random(seed)
        self.shortest, self.longest, self.failed_share = shortest, longest, failed_share
        self.runs: dict[tuple[str, str], _SimulatedRun] = {}
        self.requests: Counter[str] = Counter()
        # Poll cycles of batched lists (their first page), and the runs not yet read in a
        # final state at the start of each: the runs a client was still waiting for.
        self.list_cycles = 0
        self.awaited_at_cycles = 0

    def route(self, method: str, path: str, body: bytes) -> tuple[int, bytes]:
        kind, answer = self._answer(method, path, body)
        self.requests[kind] += 1
        return answer

    def _answer(self, method: str, path: str, body: bytes) -> tuple[str, tuple[int, bytes]]:
        if method == "POST" and path == "/auth/token" and self.api == "v2":
            return "token", (201, _TOKEN)
        found = _split(path)
        if found is None:
            return "other", (404, _NOT_FOUND)
        api, parts = found
        if api != self.api:  # as Airflow 2 answers /api/v2, and Airflow 3 /api/v1
            return "other", (404, _NOT_FOUND)
        if method == "GET" and parts == ["version"]:
            return "version", (200, _VERSION[api])
        if method == "POST" and parts == ["dags", "~", "dagRuns", "list"]:
            return "list", (200, self._list(json.loads(body) if body else {}))
        if len(parts) == 3 and parts[0] == "dags" and parts[2] == "dagRuns" and method == "POST":
            return "trigger", self._trigger(api, parts[1], json.loads(body) if body else {})
        if len(parts) == 4 and parts[0] == "dags" and parts[2] == "dagRuns" and method == "GET":
            run = self.runs.get((parts[1], parts[3]))
            if run is None:
                return "get", (404, _NOT_FOUND)
            now = time.monotonic()
            record = run.body(now)
            if record["state"] in _TERMINAL:
                run.settled = True
            return "get", (200, json.dumps(record).encode())
        return "other", (404, _NOT_FOUND)

    def _trigger(self, api: str, dag_id: str, sent: dict[str, Any]) -> tuple[int, bytes]:
        run_id = sent.get("dag_run_id") or f"manual__{uuid.uuid4().hex}"
        if (dag_id, run_id) in self.runs:
            return 409, _problem(409, "Conflict")
        now = time.monotonic()
        life = self.random.uniform(self.shortest, self.longest)
        final = "failed" if self.random.random() < self.failed_share else "success"
        run = _SimulatedRun(
            record=_RUN[api](dag_id, run_id),
            api=api,
            created=now,
            starts=now + min(_QUEUED_FOR, life / 3),
            ends=now + life,
            final=final,
            wall=time.time(),
        )
        self.runs[dag_id, run_id] = run
        return 200, json.dumps(run.body(now)).encode()

    def _list(self, sent: dict[str, Any]) -> bytes:
        now = time.monotonic()
        dag_ids = sent.get("dag_ids")
        states = sent.get("states")
        offset = int(sent.get("page_offset") or 0)
        limit = min(int(sent.get("page_limit") or _PAGE_CAP), _PAGE_CAP)
        ended_since = sent.get("end_date_gte")
        since = (
            datetime.datetime.fromisoformat(ended_since.replace("Z", "+00:00")).timestamp()
            if ended_since
            else None
        )
        # A poll cycle starts with the first page of the list of active runs; a list of
        # ended runs (final states only) belongs to the cycle before it.
        polls_active = states is None or not set(states) <= set(_TERMINAL)
        if offset == 0 and polls_active:
            self.list_cycles += 1
            self.awaited_at_cycles += sum(1 for run in self.runs.values() if not run.settled)
        chosen = [
            run
            for (dag_id, _), run in self.runs.items()
            if (dag_ids is None or dag_id in dag_ids)
            and (states is None or run.state(now) in states)
            and (since is None or (run.state(now) in _TERMINAL and run.ended_at() >= since))
        ]
        if sent.get("order_by") == "-end_date":
            chosen.sort(key=lambda run: run.ends, reverse=True)
        page = [run.body(now) for run in chosen[offset : offset + limit]]
        for run in chosen[offset : offset + limit]:
            if run.state(now) in _TERMINAL:
                run.settled = True
        return json.dumps({"dag_runs": page, "total_entries": len(chosen)}).encode()

    def counts(self) -> dict[str, Any]:
        finals = Counter(run.final for run in self.runs.values())
        return {
            "requests": dict(self.requests),
            "runs": len(self.runs),
            "final_states": dict(finals),
            "settled": sum(1 for run in self.runs.values() if run.settled),
            "list_cycles": self.list_cycles,
            "awaited_at_cycles": self.awaited_at_cycles,
        }


_simulations: dict[str, _Simulation] = {}


def _start_simulation(body: bytes) -> tuple[int, bytes]:
    sent = json.loads(body)
    key = str(sent["key"])
    if not key or "/" in key or key in _simulations:
        return 409, _problem(409, f"simulation key {key!r} is taken or invalid")
    if sent.get("api") not in _VERSION:
        return 400, _problem(400, "api must be 'v1' or 'v2'")
    _simulations[key] = _Simulation(
        sent["api"],
        int(sent.get("seed", 0)),
        float(sent["shortest"]),
        float(sent["longest"]),
        float(sent.get("failed_share", 0.0)),
    )
    return 201, payloads.encode({"key": key})


def _simulation_counts(key: str, query: str) -> tuple[int, bytes]:
    simulation = _simulations.get(key)
    if simulation is None:
        return 404, _NOT_FOUND
    if dict(parse_qsl(query)).get("drop"):
        del _simulations[key]
    return 200, payloads.encode(simulation.counts())


_REASONS = {
    200: b"OK",
    201: b"CREATED",
    400: b"BAD REQUEST",
    404: b"NOT FOUND",
    409: b"CONFLICT",
}


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
