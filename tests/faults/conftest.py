"""Fixtures for fault injection: an AsyncClient, through each transport, against misbehaving
real socket servers on 127.0.0.1.

Every test runs once with ``transport="aiohttp"`` and once with ``transport="httpx"``. The
client retries at most twice with no backoff, and waits through a recorder rather than a
clock, so the delay it chose (from ``Retry-After``, say) is asserted without being waited.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio
import attrs
import httpx
import pytest

from airflow_client_async import AsyncClient, RetryPolicy
from airflow_client_async._client import TransportKind
from tests.support.wire_server import Handler, WireServer

#: Retries after the first attempt: a GET that keeps failing arrives 1 + 2 times.
RETRIES = 2

#: Small enough to keep the suite fast, large enough for a loaded CI machine.
TIMEOUT = httpx.Timeout(5.0, connect=0.25, read=0.2)

USER, PASSWORD = "admin", "s3cret-pass"

DAG_BODY = (
    b'{"dag_id": "etl", "file_token": "t", "is_paused": false, "tags": [{"name": "nightly"}]}'
)
RUN_BODY = b'{"dag_id": "etl", "dag_run_id": "manual__1", "state": "queued", "conf": {}}'
JSON = ("Content-Type", "application/json")


class SleepRecorder:
    """Stands in for anyio.sleep: records each delay instead of waiting."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture(params=["aiohttp", "httpx"])
def transport(request: pytest.FixtureRequest) -> TransportKind:
    kind: TransportKind = request.param
    return kind


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


ServeFactory = Callable[..., WireServer]


@pytest.fixture
def serve() -> Iterator[ServeFactory]:
    """Start a WireServer with a handler; stop it after the test and check it saw no errors."""
    with contextlib.ExitStack() as stack:
        servers: list[WireServer] = []

        def start(handler: Handler, **kwargs: Any) -> WireServer:
            server = stack.enter_context(WireServer(handler, **kwargs))
            servers.append(server)
            return server

        yield start
        for server in servers:
            assert server.errors == []
            # Clients are closed by now (``connect`` depends on this fixture): none leaked.
            assert server.wait_open_connections_sync(0) == 0


ClientFactory = Callable[..., AsyncClient]


@pytest.fixture
async def connect(
    transport: TransportKind, sleeps: SleepRecorder, serve: ServeFactory
) -> AsyncIterator[ClientFactory]:
    """Build AsyncClients for a URL; each is closed after the test, leaving no connection open.

    Keyword arguments override the client's defaults here (``max_retries``, ``timeout``,
    ``verify``, ``retry_policy``, ``http_client``...).
    """
    clients: list[AsyncClient] = []

    def make(url: str, **overrides: Any) -> AsyncClient:
        options: dict[str, Any] = {
            "auth": (USER, PASSWORD),
            "transport": transport,
            "timeout": TIMEOUT,
            "retry_policy": RetryPolicy(max_retries=RETRIES, backoff_initial=0.0, jitter=0.0),
        }
        options.update(overrides)
        client = AsyncClient(url, **options, api_version="v1")
        client._http = attrs.evolve(client._http, sleep=sleeps)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


#: Where a test without the ``connect`` fixture runs: each transport on asyncio, and
#: httpx's transport on trio.
WIRES = ["aiohttp", "httpx", "trio"]

T = TypeVar("T")


def transport_of(wire: str) -> TransportKind:
    """The client's ``transport=`` for a wire of :data:`WIRES`."""
    return "aiohttp" if wire == "aiohttp" else "httpx"


def run_on(wire: str, main: Callable[[], Awaitable[T]]) -> T:
    """Run ``main`` to its end on the event loop of ``wire`` (trio for ``"trio"``)."""
    return anyio.run(main, backend="trio" if wire == "trio" else "asyncio")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give every fault test without a limit of its own a hard one: a hang fails it."""
    for item in items:
        if item.get_closest_marker("timeout") is None and "tests/faults/" in item.nodeid:
            item.add_marker(pytest.mark.timeout(60))
