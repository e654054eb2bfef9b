"""Slow servers: every attempt ends within its timeout, however the server stalls.

httpx's read timeout bounds each read, so a server that keeps sending a little, often
enough, kept a call waiting for ever. Here each case keeps every single read well within
the timeout and would never end by itself; the attempt must still end in
``APITimeoutError`` within the timeout plus a second, through aiohttp, through httpx's
own transport and on trio, and leave no connection open.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import pytest

from airflow_client_async import APITimeoutError, AsyncClient, RetryPolicy
from tests.support.wire_server import RawHandler, WireServer

from .conftest import PASSWORD, USER, WIRES, run_on, transport_of

pytestmark = pytest.mark.timeout(60)

#: The client's timeout in these tests; every server below stays within it on each read.
TIMEOUT = 1.0

#: How long past the timeout an attempt may take to end.
SLACK = 1.0

#: How long a server holds a connection it never answers on, before it gives up.
HOLD = 4.0


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    return await reader.readuntil(b"\r\n\r\n")


async def _drip(writer: asyncio.StreamWriter, data: bytes, gap: float) -> None:
    deadline = time.monotonic() + HOLD
    for i in range(len(data)):
        if writer.is_closing() or time.monotonic() > deadline:
            return
        writer.write(data[i : i + 1])
        await writer.drain()
        await asyncio.sleep(gap)


async def drip_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
    """A head at once, then a byte of body every 0.3 s."""
    await _read_head(reader)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n")
    await _drip(writer, b'{"dag_id": "' + b"x" * 46 + b'"}', 0.3)


async def drip_head(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
    """The status line and headers a byte every 0.3 s."""
    await _read_head(reader)
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
    await _drip(writer, head, 0.3)


async def endless_103(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
    """``103 Early Hints`` every 0.1 s, never a final response."""
    await _read_head(reader)
    deadline = time.monotonic() + HOLD
    while not writer.is_closing() and time.monotonic() < deadline:
        writer.write(b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
        await writer.drain()
        await asyncio.sleep(0.1)


async def unread_upload(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
    """Read the request head, never the body, and never answer."""
    await _read_head(reader)
    await asyncio.sleep(HOLD)


UPLOAD = "v" * (64 * 1024 * 1024)

Call = Callable[[AsyncClient], Awaitable[object]]

SLOW: list[object] = [
    pytest.param(drip_body, lambda c: c.dag_runs.trigger("etl"), id="drip-body"),
    pytest.param(drip_head, lambda c: c.dag_runs.trigger("etl"), id="drip-head"),
    pytest.param(endless_103, lambda c: c.dag_runs.trigger("etl"), id="endless-103"),
    pytest.param(unread_upload, lambda c: c.variables.create("k", value=UPLOAD), id="unread-64MiB"),
]


def _client(url: str, wire: str, **options: object) -> AsyncClient:
    settings: dict[str, object] = {
        "auth": (USER, PASSWORD),
        "transport": transport_of(wire),
        "timeout": TIMEOUT,
        "max_retries": 0,
    }
    settings.update(options)
    return AsyncClient(url, **settings, api_version="v1")  # type: ignore[arg-type]


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(("handler", "call"), SLOW)
def test_a_stalling_server_times_out_within_the_timeout(
    wire: str, handler: RawHandler, call: Call
) -> None:
    with WireServer(raw_handler=handler) as server:

        async def main() -> float:
            async with _client(server.url, wire) as api:
                # The attempt starts when the request goes to httpx: encoding the 64 MiB
                # body comes before and is no part of it.
                http = api._http.pool.http_client
                send = http.send
                starts: list[float] = []

                async def timed_send(*args: Any, **kwargs: Any) -> httpx.Response:
                    starts.append(time.monotonic())
                    return await send(*args, **kwargs)

                http.send = timed_send  # type: ignore[method-assign]
                with (
                    anyio.fail_after(TIMEOUT + SLACK + 10),
                    pytest.raises(APITimeoutError) as caught,
                ):
                    await call(api)
                elapsed = time.monotonic() - starts[0]
            assert "timed out" in str(caught.value)
            return elapsed

        elapsed = run_on(wire, main)
        print(f"\n{wire}: {handler.__name__} ended after {elapsed:.2f} s")
        assert TIMEOUT * 0.9 <= elapsed <= TIMEOUT + SLACK
        assert server.wait_open_connections_sync(0, within=HOLD + 2) == 0
    assert server.errors == []


@pytest.mark.parametrize("wire", WIRES)
def test_each_retry_is_an_attempt_of_its_own(wire: str) -> None:
    # A GET may be replayed after a timeout: three attempts, each bounded by the timeout.
    with WireServer(raw_handler=drip_body) as server:

        async def main() -> float:
            policy = RetryPolicy(max_retries=2, backoff_initial=0.0, jitter=0.0)
            async with _client(server.url, wire, retry_policy=policy, max_retries=2) as api:
                started = time.monotonic()
                with anyio.fail_after(3 * (TIMEOUT + SLACK) + 5):
                    with pytest.raises(APITimeoutError) as caught:
                        await api.dags.get("etl")
                assert caught.value.retries == 2
                return time.monotonic() - started

        elapsed = run_on(wire, main)
        assert server.accepted_connections == 3
        assert 3 * TIMEOUT * 0.9 <= elapsed <= 3 * TIMEOUT + SLACK
        assert server.wait_open_connections_sync(0, within=HOLD + 2) == 0


@pytest.mark.parametrize("wire", WIRES)
def test_a_trigger_that_timed_out_is_not_sent_again(wire: str) -> None:
    with WireServer(raw_handler=drip_body) as server:

        async def main() -> None:
            async with _client(server.url, wire, max_retries=2) as api:
                with anyio.fail_after(3 * (TIMEOUT + SLACK) + 5):
                    with pytest.raises(APITimeoutError) as caught:
                        await api.dag_runs.trigger("etl")
                assert caught.value.retries == 0

        run_on(wire, main)
        assert server.accepted_connections == 1
        assert server.wait_open_connections_sync(0, within=HOLD + 2) == 0


@pytest.mark.parametrize("wire", WIRES)
def test_a_slow_answer_within_the_deadline_is_read(wire: str) -> None:
    # Each byte 0.013 s apart, all of it within the timeout: the deadline is no shorter.
    async def slow_but_in_time(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int
    ) -> None:
        await _read_head(reader)
        body = b'{"dag_id": "etl", "file_token": "t"}'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body))
        await _drip(writer, body, 0.013)

    with WireServer(raw_handler=slow_but_in_time) as server:

        async def main() -> str:
            async with _client(server.url, wire) as api:
                return (await api.dags.get("etl")).dag_id

        assert run_on(wire, main) == "etl"
