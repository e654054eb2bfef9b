"""Answers for the wrong request: a connection framed ambiguously is never reused.

Each server answers its first request with a response whose framing two parsers could
read differently, with a second, smuggled response hidden where one of them would take it
for the start of the next answer; or it sends a response unasked while the connection
idles in the pool. Every later call must get its own answer (``next-2``, ``next-3``...),
never the smuggled one, and never one shifted by one, through aiohttp, httpx's own
transport and on trio.
"""

from __future__ import annotations

import asyncio
import json

import anyio
import pytest

from airflow_client_async import AirflowError, AsyncClient
from tests.support.wire_server import RawHandler, WireServer, _read_request

from .conftest import WIRES, run_on, transport_of

pytestmark = pytest.mark.timeout(60)

SMUGGLED_BODY = b'{"dag_id": "smuggled", "file_token": "t"}'
SMUGGLED = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(SMUGGLED_BODY),
    SMUGGLED_BODY,
)


def _answer(number: int) -> bytes:
    body = json.dumps({"dag_id": f"next-{number}", "file_token": "t"}).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )


AMBIGUOUS_FIRST = {
    "te-and-cl": (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        b"Content-Length: %d\r\n\r\n0\r\n\r\n%s" % (5 + len(SMUGGLED), SMUGGLED)
    ),
    "204-with-a-body": b"HTTP/1.1 204 No Content\r\n\r\n" + SMUGGLED,
    "304-with-a-body": b"HTTP/1.1 304 Not Modified\r\n\r\n" + SMUGGLED,
    "head-with-a-body": b"HTTP/1.1 200 OK\r\nContent-Length: 22\r\n\r\n" + SMUGGLED_BODY + SMUGGLED,
    "longer-than-its-length": (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        + SMUGGLED
    ),
    "bad-status-line": b"HTTP/1.1 2OO OK\r\nContent-Length: 2\r\n\r\n{}" + SMUGGLED,
    "bad-header-line": b"HTTP/1.1 200 OK\r\nX Y: z\r\nContent-Length: 2\r\n\r\n{}" + SMUGGLED,
}


class Script:
    """Answers request ``n`` (over all connections) with ``next-n``, the first one with ``first``.

    With ``unsolicited``, the first connection then sends :data:`SMUGGLED` unasked, once
    the client holds it idle in its pool.
    """

    def __init__(self, first: bytes | None, *, unsolicited: bool = False) -> None:
        self.first = first
        self.unsolicited = unsolicited
        self.count = 0
        self.connections: list[int] = []

    async def __call__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: int
    ) -> None:
        while True:
            request = await _read_request(reader, connection)
            if request is None:
                return
            self.count += 1
            self.connections.append(connection)
            if self.count == 1 and self.first is not None:
                writer.write(self.first)
            else:
                writer.write(_answer(self.count))
            await writer.drain()
            if self.count == 1 and self.unsolicited:
                await asyncio.sleep(0.05)
                writer.write(SMUGGLED)
                await writer.drain()


async def _three_calls(api: AsyncClient, case: str) -> list[str]:
    seen: list[str] = []
    for number in (1, 2, 3):
        try:
            if number == 1 and case == "head-with-a-body":
                await api._http.request("HEAD", "/dags/etl")
                seen.append("head")
            elif number == 1 and case in {"204-with-a-body", "304-with-a-body"}:
                await api.variables.delete("k")
                seen.append("deleted")
            else:
                seen.append((await api.dags.get("etl")).dag_id)
        except AirflowError as exc:
            seen.append(type(exc).__name__)
        await anyio.sleep(0.2)  # the unsolicited answer arrives while the connection idles
    return seen


def _check(wire: str, handler: RawHandler, case: str) -> list[str]:
    with WireServer(raw_handler=handler) as server:

        async def main() -> list[str]:
            async with AsyncClient(
                server.url, transport=transport_of(wire), max_retries=0, api_version="v1"
            ) as api:
                with anyio.fail_after(20):
                    return await _three_calls(api, case)

        seen = run_on(wire, main)
        assert server.wait_open_connections_sync(0) == 0
    assert server.errors == []
    return seen


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("case", list(AMBIGUOUS_FIRST))
def test_an_ambiguous_response_never_answers_a_later_request(wire: str, case: str) -> None:
    script = Script(AMBIGUOUS_FIRST[case])
    seen = _check(wire, script, case)
    print(f"\n{wire} {case}: {seen}")
    assert "smuggled" not in seen
    assert seen[1:] == ["next-2", "next-3"]
    # The connection that carried the ambiguous answer carried nothing after it.
    assert script.connections[1] != script.connections[0]


@pytest.mark.parametrize("wire", WIRES)
def test_a_response_sent_unasked_to_an_idle_connection_answers_nothing(wire: str) -> None:
    script = Script(None, unsolicited=True)
    seen = _check(wire, script, "unsolicited")
    assert seen == ["next-1", "next-2", "next-3"]
    assert script.connections[1] != script.connections[0]


@pytest.mark.parametrize("wire", WIRES)
def test_clean_responses_keep_their_connection(wire: str) -> None:
    # The guard costs nothing when the server behaves: one connection for every call.
    script = Script(None)
    seen = _check(wire, script, "clean")
    assert seen == ["next-1", "next-2", "next-3"]
    assert script.connections == [0, 0, 0]
