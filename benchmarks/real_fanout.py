"""Fan-out against real Airflow servers, through a counting (and fault-injecting) proxy.

For each server found (``<state-dir>/<version>/state.json``, as ``scripts/airflow_server.py``
writes it), this measures:

* a clean fan-out: ``trigger_many`` of N runs of a DAG whose runs end at once, then
  ``wait_many``; wall time, the requests the server received (counted by a reverse proxy
  in front of it), and whether every run was created exactly once (the DAG's runs listed
  before and after, straight from the server);
* the same with faults injected by the proxy into the triggers: answered 503 with
  ``Retry-After`` without forwarding, forwarded then answered 500 (the run exists, the
  client sees a 500), forwarded then the connection dropped; with the adaptive limit over
  time and the attempts per run;
* on Airflow 3.1+, ``wait`` (polling with ``GET``) against ``wait_for_results`` (the
  server's stream): the delay from a run's ``end_date`` to the wait returning, and the
  requests each costs.

The runs made are deleted afterwards and the DAG is paused again if it was paused.

    bash benchmarks/run.sh --real                       # writes benchmarks/RESULTS-real.md
    bash benchmarks/run.sh --real --versions 3.3.2 --runs 50 --output -
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime
import json
import os
import random
import re
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import anyio
import httpx
import yarl
from aiohttp import web

from airflow_client_async import AsyncClient, RetryPolicy, RunOk, TriggerRequest
from airflow_client_async.resources import _fan_out as fan_out_module

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_STATE_DIR = ROOT / ".cache" / "airflow-server"
DEFAULT_VERSIONS = ("2.11.2", "3.3.2")
#: DAGs whose runs the scheduler ends without running a task, in order of preference:
#: the test DAG with one EmptyOperator, else an example DAG made of EmptyOperators only.
DAG_CANDIDATES = ("client_test_empty", "example_branch_labels")

_TRIGGER = re.compile(r"^/api/v[12]/dags/[^/~]+/dagRuns$")
_CATEGORIES = (
    ("trigger", "POST", _TRIGGER),
    ("list_batch", "POST", re.compile(r"^/api/v[12]/dags/~/dagRuns/list$")),
    ("wait_stream", "GET", re.compile(r"^/api/v2/dags/[^/]+/dagRuns/[^/]+/wait$")),
    ("get_run", "GET", re.compile(r"^/api/v[12]/dags/[^/]+/dagRuns/[^/]+$")),
    ("token", "POST", re.compile(r"^/auth/token$")),
    ("version", "GET", re.compile(r"^/api/v[12]/version$")),
)
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "proxy-authorization",
    "proxy-authenticate",
    "host",
}


def category(method: str, path: str) -> str:
    for name, wanted, pattern in _CATEGORIES:
        if method == wanted and pattern.match(path):
            return name
    return "other"


# -- the proxy ---------------------------------------------------------------------------


@dataclass
class Faults:
    """What share of the trigger POSTs the proxy spoils, and how."""

    unavailable: float = 0.0  # 503 with Retry-After, not forwarded
    error_after: float = 0.0  # forwarded, then 500
    drop_after: float = 0.0  # forwarded, then the connection closed without an answer
    retry_after: str = "1"
    seed: int = 7

    def describe(self) -> str:
        return (
            f"{self.unavailable:.0%} answered 503 (Retry-After: {self.retry_after} s) unforwarded, "
            f"{self.error_after:.0%} forwarded then answered 500, "
            f"{self.drop_after:.0%} forwarded then the connection dropped"
        )


@dataclass
class Counts:
    """What the proxy saw in one phase."""

    requests: collections.Counter[str] = field(default_factory=collections.Counter)
    statuses: collections.Counter[str] = field(default_factory=collections.Counter)
    faults: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def total(self) -> int:
        return sum(self.requests.values())


class CountingProxy:
    """A reverse proxy on 127.0.0.1 that counts requests by kind and spoils some triggers."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.phase = "setup"
        self.phases: dict[str, Counts] = collections.defaultdict(Counts)
        self.faults = Faults()
        self._rng = random.Random(self.faults.seed)
        self.triggers_in_flight = 0
        self.in_flight_trace: list[tuple[float, int]] = []
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None
        self.url = ""

    def set_faults(self, faults: Faults) -> None:
        self.faults = faults
        self._rng = random.Random(faults.seed)

    async def start(self) -> str:
        # Bodies pass through as the server encoded them.
        self._session = aiohttp.ClientSession(
            auto_decompress=False,
            connector=aiohttp.TCPConnector(limit=64),
            timeout=aiohttp.ClientTimeout(total=None, sock_read=300),
        )
        app = web.Application(client_max_size=64 * 2**20)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def _fault(self) -> str | None:
        roll = self._rng.random()
        f = self.faults
        if roll < f.unavailable:
            return "503"
        if roll < f.unavailable + f.error_after:
            return "500 after forwarding"
        if roll < f.unavailable + f.error_after + f.drop_after:
            return "dropped after forwarding"
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        kind = category(request.method, request.path)
        counts = self.phases[self.phase]
        counts.requests[kind] += 1
        is_trigger = kind == "trigger"
        if is_trigger:
            self.triggers_in_flight += 1
            self.in_flight_trace.append((time.perf_counter(), self.triggers_in_flight))
        try:
            fault = self._fault() if is_trigger else None
            if fault is not None:
                counts.faults[fault] += 1
            if fault == "503":
                counts.statuses[f"{kind} 503 (injected)"] += 1
                return web.json_response(
                    {"detail": "injected: unavailable"},
                    status=503,
                    headers={"Retry-After": self.faults.retry_after},
                )
            return await self._forward(request, kind, counts, fault)
        finally:
            if is_trigger:
                self.triggers_in_flight -= 1
                self.in_flight_trace.append((time.perf_counter(), self.triggers_in_flight))

    async def _forward(
        self, request: web.Request, kind: str, counts: Counts, fault: str | None
    ) -> web.StreamResponse:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        body = await request.read()
        async with self._session.request(
            request.method,
            yarl.URL(self.upstream + request.raw_path, encoded=True),
            headers=headers,
            data=body if body else None,
            allow_redirects=False,
        ) as upstream:
            counts.statuses[f"{kind} {upstream.status}"] += 1
            if fault is not None:
                await upstream.read()
                if fault == "dropped after forwarding":
                    assert request.transport is not None
                    request.transport.close()
                    return web.Response(status=599)  # never reaches the client
                return web.json_response({"detail": "injected: error after the run"}, status=500)
            response = web.StreamResponse(status=upstream.status, reason=upstream.reason)
            for name, value in upstream.headers.items():
                if name.lower() not in _HOP_BY_HOP:
                    response.headers.add(name, value)
            await response.prepare(request)
            # A client that read what it wanted may close a stream before it ends.
            with contextlib.suppress(ConnectionResetError):
                async for chunk in upstream.content.iter_any():
                    await response.write(chunk)
                await response.write_eof()
            return response


# -- the servers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    version: str
    base_url: str
    auth: tuple[str, str]


def find_servers(state_dir: Path, versions: tuple[str, ...]) -> tuple[list[Server], list[str]]:
    """The servers whose state file exists and that answer; and why the others were left."""
    found, missing = [], []
    for version in versions:
        path = state_dir / version / "state.json"
        if not path.is_file():
            missing.append(f"{version}: no {path}")
            continue
        state = json.loads(path.read_text())
        base_url = state["base_url"]
        api = "v1" if version.startswith("2.") else "v2"
        admin = state["admin"]
        try:
            answer = httpx.get(
                f"{base_url}/api/{api}/version",
                auth=(admin["username"], admin["password"]),
                timeout=10,
            )
            answer.raise_for_status()
        except httpx.HTTPError as exc:
            missing.append(f"{version}: {base_url} does not answer ({type(exc).__name__}: {exc})")
            continue
        found.append(Server(version, base_url, (admin["username"], admin["password"])))
    return found, missing


async def choose_dag(client: AsyncClient, wanted: str | None) -> str:
    for dag_id in (wanted,) if wanted else DAG_CANDIDATES:
        try:
            await client.dags.get(dag_id)
        except Exception:  # the next candidate
            continue
        return dag_id
    raise SystemExit(f"none of the DAGs {(wanted,) if wanted else DAG_CANDIDATES} is on the server")


async def run_ids(client: AsyncClient, dag_id: str) -> collections.Counter[str]:
    return collections.Counter([run.dag_run_id or "" async for run in client.dag_runs.list(dag_id)])


async def delete_runs(client: AsyncClient, dag_id: str, ids: list[str]) -> int:
    limiter = anyio.CapacityLimiter(8)
    deleted = 0

    async def one(run_id: str) -> None:
        nonlocal deleted
        async with limiter:
            with contextlib.suppress(Exception):
                await client.dag_runs.delete(dag_id, run_id)
                deleted += 1

    async with anyio.create_task_group() as group:
        for run_id in ids:
            group.start_soon(one, run_id)
    return deleted


# -- the adaptive limit, observed --------------------------------------------------------


@contextlib.contextmanager
def traced_limit() -> Iterator[list[tuple[float, float, int]]]:
    """Record ``(time, limit, in_flight)`` each time a fan-out trigger releases its slot."""
    trace: list[tuple[float, float, int]] = []
    original = fan_out_module._AdaptiveLimit

    class Traced(original):  # type: ignore[misc, valid-type]
        def release(self, epoch: int, *, overloaded: bool) -> None:
            super().release(epoch, overloaded=overloaded)
            trace.append((time.perf_counter(), self.limit, self.in_flight))

    fan_out_module._AdaptiveLimit = Traced  # type: ignore[misc]
    try:
        yield trace
    finally:
        fan_out_module._AdaptiveLimit = original  # type: ignore[misc]


# -- one fan-out -------------------------------------------------------------------------


@dataclass
class FanOut:
    title: str
    runs: int
    trigger_s: float = 0.0
    wait_s: float = 0.0
    trigger_counts: Counts = field(default_factory=Counts)
    wait_counts: Counts = field(default_factory=Counts)
    trigger_errors: int = 0
    wait_errors: int = 0
    error_kinds: collections.Counter[str] = field(default_factory=collections.Counter)
    states: collections.Counter[str] = field(default_factory=collections.Counter)
    attempts: collections.Counter[int] = field(default_factory=collections.Counter)
    already_existed: int = 0
    new_ours: int = 0
    ours_once: int = 0
    ours_missing: int = 0
    ours_duplicated: int = 0
    errors_with_run: int = 0
    new_others: int = 0
    concurrency: int = 16
    statuses: str = ""
    limit_trace: list[tuple[float, float, int]] = field(default_factory=list)
    limit_ceiling: int = 16
    in_flight_trace: list[tuple[float, int]] = field(default_factory=list)
    started: float = 0.0
    faults: Faults | None = None
    max_retries: int = 2
    deleted: int = 0

    ok_missing: int = 0

    @property
    def exactly_once(self) -> bool:
        """No id made twice, and every run reported as obtained is there once."""
        return self.ours_duplicated == 0 and self.ok_missing == 0

    def created(self) -> str:
        verdict = "exactly once" if self.exactly_once else "**not exactly once**"
        text = (
            f"{self.new_ours} new runs with our ids, {self.ours_once} ids once, "
            f"{self.ours_duplicated} twice or more, {self.ours_missing} missing "
            f"({self.ok_missing} of them reported obtained) — {verdict}"
        )
        if self.errors_with_run:
            text += f"; {self.errors_with_run} reported as errors although their run exists"
        if self.new_others:
            text += f"; {self.new_others} other new runs (the scheduler's)"
        return text


async def fan_out(
    server: Server,
    direct: AsyncClient,
    proxy: CountingProxy,
    dag_id: str,
    runs: int,
    *,
    title: str,
    faults: Faults | None,
    policy: RetryPolicy,
    concurrency: int,
    timeout: float,
) -> FanOut:
    result = FanOut(
        title=title,
        runs=runs,
        faults=faults,
        max_retries=policy.max_retries,
        concurrency=concurrency,
        limit_ceiling=concurrency,
        statuses=", ".join(map(str, sorted(policy.statuses))),
    )
    before = await run_ids(direct, dag_id)
    proxy.set_faults(faults or Faults())
    proxy.in_flight_trace = []
    async with AsyncClient(proxy.url, auth=server.auth, retry_policy=policy) as client:
        proxy.phase = f"{title}: setup"
        await client.server_version()
        if server.version.startswith("3."):
            # The token is fetched once per client; not part of what the fan-out costs.
            await client.dags.get(dag_id)
        requests = [TriggerRequest(dag_id=dag_id) for _ in range(runs)]
        proxy.phase = f"{title}: trigger"
        with traced_limit() as trace:
            result.started = time.perf_counter()
            triggered = await client.dag_runs.trigger_many(requests, max_concurrency=concurrency)
            result.trigger_s = time.perf_counter() - result.started
        proxy.set_faults(Faults())
        result.limit_trace = trace
        result.in_flight_trace = list(proxy.in_flight_trace)
        proxy.phase = f"{title}: wait"
        began = time.perf_counter()
        finished = await client.dag_runs.wait_many(triggered, timeout=timeout)
        result.wait_s = time.perf_counter() - began
        proxy.phase = "setup"
    result.trigger_counts = proxy.phases[f"{title}: trigger"]
    result.wait_counts = proxy.phases[f"{title}: wait"]
    for item in triggered:
        result.attempts[item.attempts] += 1
        if isinstance(item, RunOk):
            result.already_existed += item.already_existed
        else:
            result.trigger_errors += 1
            result.error_kinds[f"trigger: {type(item.error).__name__}"] += 1
    passed_through = {id(item) for item in triggered}
    for item in finished:
        if isinstance(item, RunOk):
            result.states[str(item.run.state)] += 1
        elif id(item) not in passed_through:
            result.wait_errors += 1
            result.error_kinds[f"wait: {type(item.error).__name__}"] += 1
    after = await run_ids(direct, dag_id)
    ours = {r.dag_run_id for r in triggered}
    new = after - before
    result.new_ours = sum(count for run_id, count in new.items() if run_id in ours)
    result.ours_once = sum(1 for run_id in ours if after[run_id] == 1)
    result.ours_missing = sum(1 for run_id in ours if after[run_id] == 0)
    result.ours_duplicated = sum(1 for run_id in ours if after[run_id] > 1)
    result.ok_missing = sum(1 for r in triggered if r.ok and after[r.dag_run_id] != 1)
    result.errors_with_run = sum(1 for r in triggered if not r.ok and after[r.dag_run_id] == 1)
    others = [run_id for run_id in new if run_id not in ours]
    result.new_others = len(others)
    # Ours, and any the scheduler made meanwhile for the unpaused DAG.
    result.deleted = await delete_runs(direct, dag_id, [*ours, *others])
    return result


# -- wait: polling against the stream -----------------------------------------------------


@dataclass
class WaitVariant:
    name: str
    latencies: list[float] = field(default_factory=list)
    requests: Counts = field(default_factory=Counts)
    runs: int = 0
    errors: int = 0


async def wait_comparison(
    server: Server,
    direct: AsyncClient,
    proxy: CountingProxy,
    dag_id: str,
    runs: int,
    rounds: int,
) -> list[WaitVariant]:
    """Each round triggers ``runs`` runs per variant and waits for each with the variant."""
    variants = {
        "GET polling, 1 s growing by half to 10 s (`wait`'s defaults on older servers)": {
            "poll": {"poll_interval": 1.0, "max_poll_interval": 10.0}
        },
        "GET polling every 0.5 s": {"poll": {"poll_interval": 0.5, "max_poll_interval": 0.5}},
        "`wait` on 3.1+: the stream, checked every 1 s, then one GET": {"wait": {}},
        "`wait_for_results`, stream checked every 0.5 s": {"stream": {"interval": 0.5}},
    }
    results = {name: WaitVariant(name) for name in variants}
    made: list[str] = []
    proxy.set_faults(Faults())
    async with AsyncClient(proxy.url, auth=server.auth) as client:
        await client.dags.get(dag_id)
        for index in range(rounds):
            names = list(variants)
            names = names[index % len(names) :] + names[: index % len(names)]
            for name in names:
                [(how, options)] = variants[name].items()
                proxy.phase = "setup"
                triggered = await client.dag_runs.trigger_many([dag_id] * runs)
                made += [r.dag_run_id for r in triggered]
                proxy.phase = f"wait: {name}"
                returned: dict[str, datetime.datetime] = {}

                async def one(
                    run_id: str,
                    how: str = how,
                    options: dict[str, float] = options,
                    variant: WaitVariant = results[name],
                    returned: dict[str, datetime.datetime] = returned,
                ) -> None:
                    try:
                        if how == "poll":
                            # The polling loop ``wait`` runs on servers without the stream.
                            await client.dag_runs._poll(
                                dag_id,
                                run_id,
                                300,
                                300,
                                options["poll_interval"],
                                options["max_poll_interval"],
                            )
                        elif how == "wait":
                            await client.dag_runs.wait(dag_id, run_id, timeout=300)
                        else:
                            await client.dag_runs.wait_for_results(
                                dag_id, run_id, timeout=300, **options
                            )
                    except Exception:
                        variant.errors += 1
                        return
                    returned[run_id] = datetime.datetime.now(datetime.timezone.utc)

                async with anyio.create_task_group() as group:
                    for item in triggered:
                        if item.ok:
                            group.start_soon(one, item.dag_run_id)
                proxy.phase = "setup"
                for run_id, at in returned.items():
                    run = await direct.dag_runs.get(dag_id, run_id)
                    if run.end_date is not None:
                        results[name].latencies.append((at - run.end_date).total_seconds())
                results[name].runs += len(triggered)
    for name, variant in results.items():
        variant.requests = proxy.phases[f"wait: {name}"]
    await delete_runs(direct, dag_id, made)
    return list(results.values())


# -- one server --------------------------------------------------------------------------


@dataclass
class ServerReport:
    server: Server
    release: str
    dag_id: str
    fan_outs: list[FanOut]
    waits: list[WaitVariant] | None
    took: float


async def measure(server: Server, args: argparse.Namespace) -> ServerReport:
    began = time.perf_counter()
    proxy = CountingProxy(server.base_url)
    await proxy.start()
    try:
        async with AsyncClient(server.base_url, auth=server.auth) as direct:
            release = (await direct.server_version()).release or server.version
            dag_id = await choose_dag(direct, args.dag)
            initial = await run_ids(direct, dag_id)
            was_paused = (await direct.dags.get(dag_id)).is_paused
            if was_paused:
                await direct.dags.update(dag_id, is_paused=False)
            try:
                fan_outs = []
                runs = (
                    ("clean", None, RetryPolicy()),
                    # trigger_many replays a 500 for its own ids by itself; a larger budget
                    # than the default two retries, since 30% of the triggers are spoiled.
                    (
                        "faults",
                        Faults(unavailable=0.15, error_after=0.10, drop_after=0.05),
                        RetryPolicy(max_retries=5),
                    ),
                )
                for title, faults, policy in runs:
                    print(
                        f"[{server.version}] {args.runs} runs of {dag_id}, {title}", file=sys.stderr
                    )
                    fan_outs.append(
                        await fan_out(
                            server,
                            direct,
                            proxy,
                            dag_id,
                            args.runs,
                            title=title,
                            faults=faults,
                            policy=policy,
                            concurrency=args.concurrency,
                            timeout=args.timeout,
                        )
                    )
                waits = None
                minor = (await direct.server_version()).minor
                if minor is not None and minor >= (3, 1) and args.wait_runs > 0:
                    print(f"[{server.version}] wait: polling against the stream", file=sys.stderr)
                    waits = await wait_comparison(
                        server, direct, proxy, dag_id, args.wait_runs, args.wait_rounds
                    )
            finally:
                if was_paused:
                    await direct.dags.update(dag_id, is_paused=True)
                # A scheduled DAG gets runs of its own while unpaused, again after each
                # deletion: those are ours to remove too.
                made = [
                    run_id
                    for run_id in await run_ids(direct, dag_id)
                    if run_id not in initial and run_id.startswith("scheduled__")
                ]
                await delete_runs(direct, dag_id, made)
    finally:
        await proxy.stop()
    return ServerReport(server, release, dag_id, fan_outs, waits, time.perf_counter() - began)


# -- the report --------------------------------------------------------------------------


def _table(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    return lines + ["| " + " | ".join(row) + " |" for row in rows[1:]]


def _requests(counts: Counts) -> str:
    parts = [f"{name} {n}" for name, n in sorted(counts.requests.items(), key=lambda x: -x[1])]
    return f"{counts.total} ({', '.join(parts)})" if parts else "0"


def _limit_timeline(f: FanOut, step: float = 1.0) -> str:
    """The adaptive limit at the end of each second of the trigger phase."""
    if not f.limit_trace:
        return "n/a"
    points = []
    next_at = f.started + step
    last = float(f.limit_ceiling)
    for at, limit, _ in f.limit_trace:
        while at >= next_at:
            points.append(last)
            next_at += step
        last = limit
    points.append(last)
    return " → ".join(f"{p:.1f}" for p in points)


def _peak_in_flight(f: FanOut, step: float = 1.0) -> str:
    """The most triggers the server had in flight at once, second by second."""
    if not f.in_flight_trace:
        return "n/a"
    peaks: dict[int, int] = collections.defaultdict(int)
    for at, n in f.in_flight_trace:
        slot = int((at - f.started) // step)
        peaks[slot] = max(peaks[slot], n)
    return " ".join(str(peaks.get(i, 0)) for i in range(max(peaks) + 1))


def render(reports: list[ServerReport], skipped: list[str], args: argparse.Namespace) -> str:
    now = datetime.datetime.now(datetime.timezone.utc)
    command = os.environ.get("BENCHMARK_COMMAND") or " ".join(sys.argv)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [
        "# Fan-out against real Airflow servers",
        "",
        f"Command: `{command}` — {now:%Y-%m-%d %H:%M} UTC. "
        f"{os.cpu_count()} logical cores, shared; load average at the end {load}.",
        "",
        "Each server is reached through `benchmarks/real_fanout.py`'s reverse proxy (aiohttp, "
        "127.0.0.1), which counts the requests it forwards and, in the fault run, spoils some "
        "trigger POSTs. Runs are listed (straight from the server, uncounted) before and after "
        "each fan-out: *exactly once* means no id of ours twice and every run reported "
        "obtained there once (a trigger reported as an error may have made its run or not). "
        "The runs made are deleted afterwards. Both servers cap pages at 10 items "
        "(`[api] maximum_page_limit`), so `wait_many`'s batch list of 100 reads 10 a page.",
    ]
    if skipped:
        lines += ["", "Not measured: " + "; ".join(skipped) + "."]
    for report in reports:
        s = report.server
        lines += [
            "",
            f"## Airflow {report.release}",
            "",
            f"DAG `{report.dag_id}` (EmptyOperator tasks only: the scheduler ends the runs "
            f"without running anything), unpaused for the run; {report.took:.0f} s in all.",
            "",
        ]
        rows = [
            [
                "fan-out",
                "runs",
                "trigger_many",
                "wait_many",
                "total",
                "requests (trigger phase)",
                "requests (wait phase)",
                "requests / run",
                "errors",
                "final states",
                "runs on the server",
            ]
        ]
        for f in report.fan_outs:
            total = f.trigger_counts.total + f.wait_counts.total
            rows.append(
                [
                    f.title,
                    str(f.runs),
                    f"{f.trigger_s:.1f} s",
                    f"{f.wait_s:.1f} s",
                    f"{f.trigger_s + f.wait_s:.1f} s",
                    _requests(f.trigger_counts),
                    _requests(f.wait_counts),
                    f"{total / f.runs:.2f}",
                    str(f.trigger_errors + f.wait_errors)
                    + (
                        f" ({', '.join(f'{k} {n}' for k, n in f.error_kinds.items())})"
                        if f.error_kinds
                        else ""
                    ),
                    ", ".join(f"{k} {n}" for k, n in sorted(f.states.items())),
                    f.created(),
                ]
            )
        lines += _table(rows)
        for f in report.fan_outs:
            if f.faults is None:
                continue
            statuses = ", ".join(
                f"{k} {n}"
                for k, n in sorted(f.trigger_counts.statuses.items())
                if k.startswith("trigger")
            )
            lows = [limit for _, limit, _ in f.limit_trace]
            lines += [
                "",
                f"Fault run ({s.version}): {f.faults.describe()} (seeded); retry policy "
                f"`max_retries={f.max_retries}`, statuses retried {f.statuses} (and a 500, "
                "which `trigger_many` replays for the ids it made). Injected: "
                + ", ".join(f"{k} {n}" for k, n in sorted(f.trigger_counts.faults.items()))
                + f". Trigger answers from the server: {statuses}.",
                "",
                "- attempts per run: "
                + ", ".join(f"{a}: {n}" for a, n in sorted(f.attempts.items()))
                + f"; `already_existed` (a 409 for our id after a spoiled attempt, then GET): "
                f"{f.already_existed}",
                f"- adaptive limit (ceiling {f.limit_ceiling}), minimum {min(lows):.1f}, at the "
                f"end of each second: {_limit_timeline(f)}"
                if lows
                else "- adaptive limit: n/a",
                f"- triggers in flight at the server, peak per second: {_peak_in_flight(f)}",
            ]
        clean = next((f for f in report.fan_outs if f.faults is None), None)
        if clean is not None:
            lines += [
                "",
                f"Clean run ({s.version}): default retry policy (statuses retried "
                f"{clean.statuses}, and a 500 for our ids), "
                f"`max_concurrency={clean.concurrency}`; attempts per run "
                + ", ".join(f"{a}: {n}" for a, n in sorted(clean.attempts.items()))
                + f"; peak triggers in flight per second: {_peak_in_flight(clean)}.",
            ]
        if report.waits:
            lines += [
                "",
                f"### Waiting for one run: `wait` against `wait_for_results` ({s.version})",
                "",
                f"{args.wait_rounds} rounds; each round triggers {args.wait_runs} runs per variant "
                "(in a rotating order) and waits for each run with its own call, all at once. "
                "Delay: from the run's `end_date` (server clock, same machine) to the call "
                "returning. Requests: those the waits sent (the triggers not counted).",
                "",
            ]
            rows = [
                [
                    "variant",
                    "runs",
                    "delay median",
                    "delay p90",
                    "delay max",
                    "requests",
                    "requests / run",
                    "errors",
                ]
            ]
            for w in report.waits:
                lat = sorted(w.latencies)
                p90 = lat[min(len(lat) - 1, int(0.9 * len(lat)))] if lat else float("nan")
                rows.append(
                    [
                        w.name,
                        str(w.runs),
                        f"{statistics.median(lat):.2f} s" if lat else "n/a",
                        f"{p90:.2f} s",
                        f"{max(lat):.2f} s" if lat else "n/a",
                        _requests(w.requests),
                        f"{w.requests.total / w.runs:.2f}" if w.runs else "n/a",
                        str(w.errors),
                    ]
                )
            lines += _table(rows)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    parser.add_argument("--versions", default=",".join(DEFAULT_VERSIONS))
    parser.add_argument("--dag", help=f"the DAG to run (default: the first of {DAG_CANDIDATES})")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16, help="trigger_many's ceiling")
    parser.add_argument("--timeout", type=float, default=300.0, help="wait_many's timeout")
    # Fewer than 16 at once: 16 concurrent requests exhaust 3.3.2's database pool (above).
    parser.add_argument("--wait-runs", type=int, default=8)
    parser.add_argument("--wait-rounds", type=int, default=3)
    parser.add_argument("--output", help="Markdown file ('-': stdout)")
    args = parser.parse_args(argv)

    versions = tuple(v for v in args.versions.split(",") if v)
    servers, skipped = find_servers(args.state_dir, versions)
    for reason in skipped:
        print(f"skipped {reason}", file=sys.stderr)
    if not servers:
        print(
            f"no Airflow server is running for {', '.join(versions)} (state dir {args.state_dir}); "
            "start them with scripts/airflow_server.py, or pass --state-dir",
            file=sys.stderr,
        )
        return 2
    reports = [asyncio.run(measure(server, args)) for server in servers]
    text = render(reports, skipped, args)
    if args.output == "-":
        print(text)
    else:
        output = Path(args.output) if args.output else HERE / "RESULTS-real.md"
        output.write_text(text)
        print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
