"""The streaming path: long bodies bounded per chunk, lines bounded in size, cancellation safe.

``_streaming.stream_lines`` reads NDJSON from raw socket servers through each transport and
on trio: a stream may last longer than the timeout as long as each chunk comes within it,
a stall or an endless line ends it with a typed error, and leaving it early (cancelled,
or on an error) leaves no connection open.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time

import anyio
import pytest

from airflow_client_async import (
    APIStatusError,
    APITimeoutError,
    AsyncClient,
    ResponseTooLargeError,
)
from airflow_client_async._streaming import stream_lines
from tests.support.wire_server import RawHandler, WireServer

from .conftest import WIRES, run_on, transport_of

pytestmark = pytest.mark.timeout(60)

TIMEOUT = 0.5
RECORDS = [json.dumps({"n": i, "event": "x" * 20}).encode() for i in range(12)]


def ndjson(
    parts: list[bytes], gap: float, *, encoding: str | None = None, status: int = 200
) -> RawHandler:
    """A chunked NDJSON answer, one part at a time, ``gap`` seconds apart."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = f"HTTP/1.1 {status} OK\r\nContent-Type: application/x-ndjson\r\n"
        head += "Transfer-Encoding: chunked\r\n"
        if encoding:
            head += f"Content-Encoding: {encoding}\r\n"
        writer.write(head.encode() + b"\r\n")
        for part in parts:
            await asyncio.sleep(gap)
            if writer.is_closing():
                return
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        # Keep the connection: a clean stream leaves it reusable.
        with_eof = await reader.read()
        assert with_eof == b""

    return handler


def _client(url: str, wire: str, **options: object) -> AsyncClient:
    settings: dict[str, object] = {"transport": transport_of(wire), "timeout": TIMEOUT}
    settings.update(options)
    return AsyncClient(url, max_retries=0, **settings, api_version="v1")  # type: ignore[arg-type]


async def _read(api: AsyncClient) -> list[bytes]:
    async with stream_lines(api._http, "GET", "/stream") as lines:
        return [line async for line in lines]


def _run(wire: str, handler: RawHandler, **options: object) -> list[bytes]:
    with WireServer(raw_handler=handler) as server:

        async def main() -> list[bytes]:
            async with _client(server.url, wire, **options) as api:
                with anyio.fail_after(30):
                    return await _read(api)

        try:
            return run_on(wire, main)
        finally:
            assert server.wait_open_connections_sync(0) == 0


@pytest.mark.parametrize("wire", WIRES)
def test_a_stream_may_outlast_the_timeout_while_each_chunk_is_in_time(wire: str) -> None:
    # Twelve lines 0.1 s apart, split across chunk boundaries: 1.2 s in all, over twice
    # the 0.5 s timeout that bounds each chunk.
    body = b"\n".join(RECORDS) + b"\n"
    parts = [body[i : i + 37] for i in range(0, len(body), 37)]
    started = time.monotonic()
    lines = _run(wire, ndjson(parts, 1.2 / len(parts)))
    assert time.monotonic() - started > 2 * TIMEOUT
    assert lines == RECORDS


@pytest.mark.parametrize("wire", WIRES)
def test_a_stalled_stream_times_out_after_the_idle_timeout(wire: str) -> None:
    # One line, then nothing for 2 s: four times the 0.5 s idle timeout.
    with WireServer(raw_handler=ndjson([RECORDS[0] + b"\n", RECORDS[1] + b"\n"], 2.0)) as server:

        async def main() -> tuple[list[bytes], float]:
            seen: list[bytes] = []

            async def read(api: AsyncClient) -> None:
                async with stream_lines(api._http, "GET", "/stream") as lines:
                    async for line in lines:
                        seen.append(line)

            async with _client(server.url, wire) as api:
                started = time.monotonic()
                with pytest.raises(APITimeoutError, match="GET /stream timed out"):
                    await read(api)
                return seen, time.monotonic() - started

        seen, elapsed = run_on(wire, main)
        assert seen == []
        assert TIMEOUT * 0.9 < elapsed < TIMEOUT + 1.0
        assert server.wait_open_connections_sync(0) == 0


@pytest.mark.parametrize("wire", WIRES)
def test_an_endless_line_is_refused_at_the_cap(wire: str) -> None:
    parts = [b"x" * 4096] * 64  # 256 KiB without a newline
    with pytest.raises(ResponseTooLargeError):
        _run(wire, ndjson(parts, 0.0), max_response_size=64 * 1024)


@pytest.mark.parametrize("wire", WIRES)
def test_a_gzip_stream_is_decoded_as_it_arrives(wire: str) -> None:
    body = gzip.compress(b"\n".join(RECORDS))
    parts = [body[i : i + 16] for i in range(0, len(body), 16)]
    assert _run(wire, ndjson(parts, 0.0, encoding="gzip")) == RECORDS


@pytest.mark.parametrize("wire", WIRES)
def test_an_error_status_is_its_typed_error(wire: str) -> None:
    problem = json.dumps({"title": "Not Found", "detail": "no such run"}).encode()
    with pytest.raises(APIStatusError) as caught:
        _run(wire, ndjson([problem], 0.0, status=404))
    assert (caught.value.status, caught.value.detail) == (404, "no such run")


@pytest.mark.parametrize("wire", WIRES)
def test_a_stalled_head_times_out_within_the_deadline(wire: str) -> None:
    async def drip_head(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n":
            if writer.is_closing():
                return
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(0.1)

    started = time.monotonic()
    with pytest.raises(APITimeoutError, match=r"no answer within 0\.5 s"):
        _run(wire, drip_head)
    assert time.monotonic() - started < TIMEOUT + 1.5


@pytest.mark.parametrize("wire", WIRES)
def test_leaving_a_stream_early_closes_its_connection(wire: str) -> None:
    endless = [line + b"\n" for line in RECORDS] * 1000
    with WireServer(raw_handler=ndjson(endless, 0.01)) as server:

        async def main() -> list[bytes]:
            seen: list[bytes] = []
            async with _client(server.url, wire) as api:
                with anyio.move_on_after(0.3):
                    async with stream_lines(api._http, "GET", "/stream") as lines:
                        async for line in lines:
                            seen.append(line)
                # The connection was dropped at once, not returned half-read.
                assert await server.wait_open_connections(0) == 0
                async with stream_lines(api._http, "GET", "/stream") as lines:
                    async for line in lines:
                        seen.append(line)
                        break
            return seen

        seen = run_on(wire, main)
        assert seen and set(seen) <= set(RECORDS)
        assert server.wait_open_connections_sync(0) == 0
