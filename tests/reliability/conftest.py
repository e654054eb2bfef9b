"""Shared helpers for the reliability and security suite: pool inspection and waiting.

These tests look inside the client's own pool (aiohttp's connector, httpcore's pool) to
prove that nothing stays checked out, and at a real socket server to prove what reaches it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import anyio
import httpx
import pytest

from airflow_client_async import AsyncClient, TransportKind
from airflow_client_async._transports import AiohttpTransport

#: The transports the client's own pool can send through.
TRANSPORTS: list[TransportKind] = ["aiohttp", "httpx"]


@pytest.fixture(params=TRANSPORTS)
def transport(request: pytest.FixtureRequest) -> TransportKind:
    kind: TransportKind = request.param
    return kind


def own_transport(client: AsyncClient) -> httpx.AsyncBaseTransport:
    """The transport under the client's own httpx client (picked, for ``"auto"``)."""
    inner: httpx.AsyncBaseTransport = client._http.pool.http_client._transport
    picked = getattr(inner, "picked", None)
    return picked if picked is not None else inner


def connections_in_use(client: AsyncClient) -> int:
    """Connections (or pool slots) the client's pool still counts as checked out.

    For aiohttp: connections the connector has handed out plus pool slots still held. For
    httpx: requests queued or in flight plus connections not idle.
    """
    transport = own_transport(client)
    if isinstance(transport, AiohttpTransport):
        state = transport._state
        if state is None:
            return 0
        held = 0
        most = transport._settings.limits.max_connections
        if state.slots is not None and most is not None:
            held = most - state.slots.value
        return len(state.connector._acquired) + held
    if isinstance(transport, httpx.AsyncHTTPTransport):
        pool = transport._pool
        busy = [c for c in pool.connections if not (c.is_idle() or c.is_closed())]
        return len(pool._requests) + len(busy)
    raise TypeError(f"unknown transport {type(transport).__name__}")


def idle_connections(client: AsyncClient) -> int:
    """Open connections the client's pool keeps for reuse."""
    transport = own_transport(client)
    if isinstance(transport, AiohttpTransport):
        state = transport._state
        if state is None:
            return 0
        return sum(p.is_connected() for conns in state.connector._conns.values() for p, _ in conns)
    if isinstance(transport, httpx.AsyncHTTPTransport):
        return sum(c.is_idle() for c in transport._pool.connections)
    raise TypeError(f"unknown transport {type(transport).__name__}")


async def wait_until(predicate: Callable[[], bool], within: float = 5.0) -> bool:
    """Poll ``predicate`` on the running loop (asyncio or trio) until it holds or time is up."""
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() >= deadline:
            return predicate()
        await anyio.sleep(0.01)
    return True
