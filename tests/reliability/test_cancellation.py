"""Cancelling requests at random points leaks no connection, no pool slot and no task.

Requests go through ``AsyncClient`` (namespaces, retries, the transport) to a real socket
server that answers each one in a way chosen by its id: slowly, with its head split in two,
with a body dribbled out in chunks, with a 503 that makes the client sleep before a retry,
or after reading a large upload. Each request is cancelled after a random delay by one of
``anyio.move_on_after``, ``CancelScope.cancel()`` from another task, or ``asyncio.timeout``.
The server notes how far it got with each request, so the test knows where the
cancellations landed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator

import anyio
import anyio.abc
import attrs
import httpx
import pytest
import trio

import airflow_client_async as af
from airflow_client_async import AsyncClient, RetryPolicy, TransportKind
from tests.support.wire_server import RawRequest, Responder, WireServer, sleep_then

from .conftest import connections_in_use, idle_connections, wait_until

LIMITS = httpx.Limits(max_connections=16, max_keepalive_connections=8)

KINDS = ("slow-head", "split-head", "slow-body", "retry", "upload")
MECHANISMS = ("move_on_after", "cancel_scope", "asyncio_timeout")

UPLOAD = "u" * 256 * 1024


class PhasedServer:
    """Answers ``/pools/<kind>-<n>`` and ``/variables`` in the way ``<kind>`` names.

    Attributes:
        events: Per request name, when (``time.monotonic()``, the clock the client's
            thread reads too) the server reached each phase: ``received`` (the whole
            request arrived), ``head`` (half the head sent), ``body`` (head sent, body under
            way), ``503`` (a retry asked for) and ``sent``.
    """

    def __init__(self) -> None:
        self.events: dict[str, list[tuple[float, str]]] = defaultdict(list)
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def phase_at(self, name: str, moment: float) -> str:
        """The last phase the server had reached for ``name`` at ``moment``."""
        reached = [phase for when, phase in self.events.get(name, []) if when <= moment]
        return reached[-1] if reached else "not received"

    async def __call__(self, request: RawRequest, responder: Responder) -> None:
        if request.method == "POST":
            name = json.loads(request.body)["key"]
            body = json.dumps({"key": name, "value": "stored"}).encode()
        else:
            name = request.target.rsplit("/", 1)[-1]
            body = json.dumps({"name": name, "slots": 4, "description": "d" * 4000}).encode()
        kind = name.rsplit("-", 1)[0]
        rng = random.Random(name)
        with self._lock:
            self._attempts[name] += 1
            attempt = self._attempts[name]
        events = self.events[name]
        events.append((time.monotonic(), "received"))
        await asyncio.sleep(rng.uniform(0, 0.02))
        if kind == "retry" and attempt == 1:
            await responder.respond(503, [("Retry-After", "0.03")], b"busy")
            events.append((time.monotonic(), "503"))
            return
        if kind == "split-head":
            await responder.send_raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            events.append((time.monotonic(), "head"))
            await asyncio.sleep(rng.uniform(0, 0.03))
            await responder.send_raw(b"Content-Length: %d\r\n\r\n" % len(body))
            events.append((time.monotonic(), "body"))
            await responder.send_raw(body)
        elif kind == "slow-body":
            events.append((time.monotonic(), "body"))
            chunks = [body[i : i + 1000] for i in range(0, len(body), 1000)]
            await responder.stream(
                200, [("Content-Type", "application/json")], chunks, delay=rng.uniform(0, 0.008)
            )
        else:
            await responder.respond(200, [("Content-Type", "application/json")], body)
        events.append((time.monotonic(), "sent"))


@attrs.define
class Tally:
    """What happened to the requests of one run."""

    outcomes: Counter[str] = attrs.Factory(Counter)
    errors: list[str] = attrs.Factory(list)
    #: When each cancelled request noticed its cancellation.
    cancelled: dict[str, float] = attrs.Factory(dict)
    in_retry_sleep: set[str] = attrs.Factory(set)

    def stages(self, server: PhasedServer) -> Counter[str]:
        """Where the cancelled requests were: ``retry sleep`` or the server's phase then."""
        stages: Counter[str] = Counter()
        for name, moment in self.cancelled.items():
            if name in self.in_retry_sleep:
                stages["retry sleep"] += 1
            else:
                stages[server.phase_at(name, moment)] += 1
        return stages


def sleep_recorder(tally: Tally, names: dict[int, str]) -> Callable[[float], Awaitable[None]]:
    """A retry sleep that notes which request was cancelled while sleeping."""

    async def sleep(delay: float) -> None:
        try:
            await anyio.sleep(delay)
        except anyio.get_cancelled_exc_class():
            # The pipeline runs in the request's own task, whose id names the request.
            tally.in_retry_sleep.add(names[anyio.get_current_task().id])
            raise

    return sleep


async def cancel_after(scope: anyio.CancelScope, delay: float) -> None:
    await anyio.sleep(delay)
    scope.cancel()


async def cancel_randomly(
    api: AsyncClient,
    count: int,
    *,
    mechanisms: tuple[str, ...],
    seed: int,
) -> Tally:
    """Send ``count`` requests, each cancelled after a random delay; return what happened."""
    rng = random.Random(seed)
    tally = Tally()
    names: dict[int, str] = {}
    api._http = attrs.evolve(api._http, sleep=sleep_recorder(tally, names))

    async def one(i: int, group: anyio.abc.TaskGroup) -> None:
        kind = KINDS[i % len(KINDS)]
        mechanism = mechanisms[(i // len(KINDS)) % len(mechanisms)]
        name = f"{kind}-{i}"
        names[anyio.get_current_task().id] = name
        # One in twenty is cancelled at its first checkpoint, before it has a connection.
        delay = 0.0 if rng.random() < 0.05 else rng.uniform(0, 0.05)

        async def call() -> None:
            if kind == "upload":
                await api.variables.create(name, value=UPLOAD)
            else:
                await api.pools.get(name)

        completed = False
        try:
            if mechanism == "move_on_after":
                with anyio.move_on_after(delay):
                    await call()
                    completed = True
            elif mechanism == "cancel_scope":
                scope = anyio.CancelScope()
                group.start_soon(cancel_after, scope, delay)
                with scope:
                    await call()
                    completed = True
            else:
                try:
                    async with asyncio.timeout(delay):  # type: ignore[attr-defined,unused-ignore]
                        await call()
                        completed = True
                except TimeoutError:
                    pass
        except Exception as exc:
            tally.errors.append(f"{name} ({mechanism}): {type(exc).__name__}: {exc}")
            return
        if not completed:
            tally.cancelled[name] = time.monotonic()
        outcome = "completed" if completed else "cancelled"
        tally.outcomes[outcome] += 1
        tally.outcomes[f"{mechanism}: {outcome}"] += 1

    async with anyio.create_task_group() as group:
        for i in range(count):
            group.start_soon(one, i, group)
            # About 25 requests in flight for a pool of 16: some wait for a connection.
            await anyio.sleep(0.0008)
    return tally


def other_tasks() -> set[asyncio.Task[object]]:
    current = asyncio.current_task()
    return {task for task in asyncio.all_tasks() if task is not current}


@pytest.fixture
def phased() -> Iterator[tuple[PhasedServer, WireServer]]:
    handler = PhasedServer()
    with WireServer(handler) as server:
        yield handler, server
    assert server.errors == []


COUNT = 1000
STAGES = ("not received", "received", "head", "body", "sent", "retry sleep")


# Under transport="httpx", httpcore 1.0.9 protects its clean-up with anyio's shield, which
# a native asyncio cancellation (asyncio.timeout, Task.cancel) passes through: a request
# cancelled while its response was being closed left its connection ACTIVE in the pool.
# ReclaimingHTTPTransport closes responses in a task of their own, which no cancellation
# reaches, and takes back the slots of requests cancelled before they were sent.


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout needs Python 3.11")
@pytest.mark.parametrize("transport", ["aiohttp", "httpx"], indirect=False)
async def test_a_thousand_random_cancellations_leak_nothing(
    transport: TransportKind, phased: tuple[PhasedServer, WireServer]
) -> None:
    handler, server = phased
    api = AsyncClient(
        server.url,
        transport=transport,
        limits=LIMITS,
        retry_policy=RetryPolicy(max_retries=2, backoff_initial=0.01),
        api_version="v1",
    )
    try:
        tally = await cancel_randomly(api, COUNT, mechanisms=MECHANISMS, seed=6)
        stages = tally.stages(handler)
        print(f"\n{transport}: {dict(tally.outcomes)}\ncancelled at: {dict(stages)}")

        assert tally.errors == []
        assert tally.outcomes["completed"] + tally.outcomes["cancelled"] == COUNT
        # The random delays really cut requests at every stage, with every mechanism.
        for stage in STAGES:
            assert stages[stage] > 0, (stage, stages)
        for mechanism in MECHANISMS:
            assert tally.outcomes[f"{mechanism}: cancelled"] > 0
            assert tally.outcomes[f"{mechanism}: completed"] > 0

        assert await wait_until(lambda: connections_in_use(api) == 0, 1), connections_in_use(api)
        assert idle_connections(api) <= 8
        assert await wait_until(lambda: server.open_connections <= 8), server.open_connections
        assert await wait_until(lambda: not other_tasks()), other_tasks()

        # The pool still serves requests afterwards.
        pool = await api.pools.get("done-after")
        assert pool.name == "done-after"
    finally:
        await api.aclose()
    assert await server.wait_open_connections(0) == 0
    assert not other_tasks()


@pytest.mark.skipif(sys.version_info < (3, 11), reason="asyncio.timeout needs Python 3.11")
@pytest.mark.parametrize("transport", ["aiohttp", "httpx"], indirect=False)
async def test_cancelling_under_pool_contention_does_not_exhaust_the_pool(
    transport: TransportKind,
) -> None:
    # Two hundred requests compete for four connections and are cancelled at random; if a
    # cancelled request kept its connection, the pool would end up full for good.
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    rng = random.Random(9)
    with WireServer(sleep_then(0.01)) as server:
        api = AsyncClient(
            server.url,
            transport=transport,
            limits=limits,
            timeout=httpx.Timeout(5, pool=0.5),
            max_retries=0,
            api_version="v1",
        )
        try:

            async def one(i: int) -> None:
                delay = rng.uniform(0, 0.03)
                if i % 2:
                    with anyio.move_on_after(delay):
                        await api.pools.get(f"contended-{i}")
                else:
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(delay):  # type: ignore[attr-defined,unused-ignore]
                            await api.pools.get(f"contended-{i}")

            async with anyio.create_task_group() as group:
                for i in range(200):
                    group.start_soon(one, i)
            assert await wait_until(lambda: connections_in_use(api) == 0, 1), connections_in_use(
                api
            )
            await api.pools.get("after")  # an APITimeoutError (PoolTimeout) if the pool is full
        finally:
            await api.aclose()
        assert await server.wait_open_connections(0) == 0


def test_cancelling_under_pool_contention_on_trio_does_not_exhaust_the_pool() -> None:
    # The same contention through httpx's transport on trio, where httpcore's cleanup
    # runs under trio's own cancel scopes.
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=4)
    rng = random.Random(9)
    with WireServer(sleep_then(0.01)) as server:

        async def main() -> None:
            api = AsyncClient(
                server.url,
                limits=limits,
                timeout=httpx.Timeout(5, pool=0.5),
                max_retries=0,
                api_version="v1",
            )
            try:

                async def one(i: int) -> None:
                    with anyio.move_on_after(rng.uniform(0, 0.03)):
                        await api.pools.get(f"contended-{i}")

                async with anyio.create_task_group() as group:
                    for i in range(200):
                        group.start_soon(one, i)
                assert await wait_until(lambda: connections_in_use(api) == 0, 1)
                await api.pools.get("after")
            finally:
                await api.aclose()
            assert await server.wait_open_connections(0) == 0

        trio.run(main)


def test_random_cancellations_on_trio_leak_nothing(
    phased: tuple[PhasedServer, WireServer],
) -> None:
    handler, server = phased
    count = 300

    async def main() -> Tally:
        api = AsyncClient(
            server.url,
            limits=LIMITS,
            retry_policy=RetryPolicy(max_retries=2, backoff_initial=0.01),
            api_version="v1",
        )
        try:
            tally = await cancel_randomly(
                api, count, mechanisms=("move_on_after", "cancel_scope"), seed=7
            )
            assert await wait_until(lambda: connections_in_use(api) == 0), connections_in_use(api)
            assert await wait_until(lambda: server.open_connections <= 8), server.open_connections
            await api.pools.get("done-after")
        finally:
            await api.aclose()
        assert await server.wait_open_connections(0) == 0
        return tally

    tally = trio.run(main)
    stages = tally.stages(handler)
    print(f"\ntrio/httpx: {dict(tally.outcomes)}\ncancelled at: {dict(stages)}")
    assert tally.errors == []
    assert tally.outcomes["cancelled"] > 0 and tally.outcomes["completed"] > 0
    assert len([stage for stage in STAGES if stages[stage]]) >= 4, stages


async def test_cancelling_a_prefetching_paginator_leaks_nothing(transport: TransportKind) -> None:
    async def pages(request: RawRequest, responder: Responder) -> None:
        offset = int(request.target.split("offset=")[1].split("&")[0])
        rng = random.Random(request.target)
        await asyncio.sleep(rng.uniform(0, 0.01))
        dags = [{"dag_id": f"dag-{offset + i}", "file_token": "t"} for i in range(10)]
        body = json.dumps({"dags": dags, "total_entries": 200}).encode()
        await responder.respond(200, [("Content-Type", "application/json")], body)

    rng = random.Random(8)
    with WireServer(pages) as server:
        api = AsyncClient(server.url, transport=transport, limits=LIMITS, api_version="v1")
        read: list[int] = []
        for _ in range(40):
            seen = 0
            with anyio.move_on_after(rng.uniform(0, 0.05)):
                async for _dag in api.dags.list(limit=10).prefetch(4):
                    seen += 1
            read.append(seen)
        assert min(read) < 200 and max(read) > 0
        assert await wait_until(lambda: connections_in_use(api) == 0)
        assert await wait_until(lambda: not other_tasks()), other_tasks()
        await api.aclose()
        assert await server.wait_open_connections(0) == 0
    assert server.errors == []


# -- a closed client ---------------------------------------------------------------------


async def test_a_closed_client_says_so_and_sends_nothing(transport: TransportKind) -> None:
    with WireServer() as server:
        api = AsyncClient(server.url, transport=transport, api_version="v1")
        await api.pools.get("before")
        clone = api.with_options(max_retries=0)
        await api.aclose()

        calls: list[Callable[[], Awaitable[object]]] = [
            lambda: api.pools.get("after"),
            lambda: api.variables.create("k", value="v"),
            lambda: clone.dags.get("shared-pool"),
            lambda: api.dags.list().to_list(),
        ]
        for call in calls:
            with pytest.raises(af.ClientClosedError, match="closed") as caught:
                await call()
            assert isinstance(caught.value, af.AirflowError)
        with pytest.raises(af.ClientClosedError, match="closed"):
            async with api:
                pass
        assert [r.target for r in server.requests] == ["/api/v1/pools/before"]
        assert await server.wait_open_connections(0) == 0


async def test_closing_with_requests_in_flight_ends_each_with_an_error(
    transport: TransportKind,
) -> None:
    async def slow(request: RawRequest, responder: Responder) -> None:
        await asyncio.sleep(0.5)
        await responder.respond(200, [("Content-Type", "application/json")], b"{}")

    with WireServer(slow) as server:
        api = AsyncClient(server.url, transport=transport, api_version="v1")
        outcomes: list[str] = []

        async def one(i: int) -> None:
            try:
                await api.pools.get(f"in-flight-{i}")
            except af.AirflowError as exc:
                outcomes.append(type(exc).__name__)
            else:
                outcomes.append("completed")

        with anyio.fail_after(10):
            async with anyio.create_task_group() as group:
                for i in range(10):
                    group.start_soon(one, i)
                assert await wait_until(lambda: len(server.requests) == 10)
                await api.aclose()
        # Each request ends promptly: finished, or failed with a typed error saying why.
        assert len(outcomes) == 10
        assert set(outcomes) <= {"completed", "ClientClosedError", "APIConnectionError"}
        assert await server.wait_open_connections(0) == 0
        assert await wait_until(lambda: not other_tasks()), other_tasks()
