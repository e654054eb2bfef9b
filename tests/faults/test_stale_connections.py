"""A server that closes idle kept-alive connections fails no call, and gets no POST twice.

The server answers each trigger and then closes the connection (with a FIN, or a reset)
without saying so in the response, as a server's idle timeout does; the client's event
loop is busy until then (here a blocking wait), so the closed connection still waits in
its pool, looking alive to anything but the kernel. Each of
100 triggers in a row must succeed, and each must reach the server exactly once.
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import time

import anyio
import pytest

from airflow_client_async import AsyncClient
from tests.support.wire_server import WireServer, _read_request

from .conftest import WIRES, run_on, transport_of

pytestmark = pytest.mark.timeout(120)

TRIGGERS = 100


class ClosingServer:
    """Answers each trigger with its run, then closes the connection by ``how``."""

    def __init__(self, how: str) -> None:
        self.how = how
        self.run_ids: list[str] = []

    async def __call__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: int
    ) -> None:
        request = await _read_request(reader, connection)
        if request is None:
            return
        run_id = json.loads(request.body)["dag_run_id"]
        self.run_ids.append(run_id)
        body = json.dumps({"dag_id": "etl", "dag_run_id": run_id, "state": "queued"}).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        if self.how == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()


def _triggers(wire: str, how: str) -> tuple[list[str], list[str], ClosingServer]:
    handler = ClosingServer(how)
    with WireServer(raw_handler=handler) as server:

        async def main() -> tuple[list[str], list[str]]:
            sent: list[str] = []
            failures: list[str] = []
            async with AsyncClient(
                server.url, transport=transport_of(wire), api_version="v1"
            ) as api:
                with anyio.fail_after(90):
                    for i in range(TRIGGERS):
                        run_id = f"manual__{i}"
                        sent.append(run_id)
                        try:
                            await api.dag_runs.trigger("etl", dag_run_id=run_id)
                        except Exception as exc:
                            failures.append(f"{run_id}: {type(exc).__name__}: {exc}")
                        # The loop is held up (a blocking wait, as busy code would) until the
                        # server has closed the connection: it waits in the pool, closed.
                        server.wait_open_connections_sync(0)
                        time.sleep(0.005)  # noqa: ASYNC251
            return sent, failures

        sent, failures = run_on(wire, main)
        assert server.wait_open_connections_sync(0) == 0
    return sent, failures, handler


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("how", ["close", "reset"])
def test_a_hundred_triggers_after_the_server_closed_idle_connections(wire: str, how: str) -> None:
    sent, failures, server = _triggers(wire, how)
    print(f"\n{wire} ({how}): {len(failures)} failed of {TRIGGERS}")
    assert failures == []
    # Every trigger reached the server exactly once.
    assert sorted(server.run_ids) == sorted(sent)
