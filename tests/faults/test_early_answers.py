"""An error answer sent while the body is still uploading is kept, with its status.

The server reads the request head, answers at once (``413``, ``401``) and closes the
connection with most of the upload unread, which resets it; or it waits a second, not
reading, before closing. The client must report the answer, not the reset that follows.
"""

from __future__ import annotations

import asyncio
import json

import anyio
import pytest

from airflow_client_async import APIStatusError, AsyncClient, AuthenticationError
from tests.support.wire_server import RawHandler, WireServer

from .conftest import WIRES, run_on, transport_of

pytestmark = pytest.mark.timeout(60)

UPLOAD = "v" * (8 * 1024 * 1024)


def answer_early(status: int, reason: str, linger: float) -> RawHandler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        body = json.dumps({"title": reason, "status": status}).encode()
        writer.write(
            b"HTTP/1.1 %d %s\r\nContent-Type: application/problem+json\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s"
            % (status, reason.encode(), len(body), body)
        )
        await writer.drain()
        await asyncio.sleep(linger)

    return handler


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("linger", [0.0, 1.0], ids=["close-at-once", "linger"])
@pytest.mark.parametrize(
    ("status", "reason", "error"),
    [(413, "Payload Too Large", APIStatusError), (401, "Unauthorized", AuthenticationError)],
    ids=["413", "401"],
)
def test_an_answer_during_the_upload_keeps_its_status(
    wire: str, linger: float, status: int, reason: str, error: type[APIStatusError]
) -> None:
    with WireServer(raw_handler=answer_early(status, reason, linger)) as server:

        async def main() -> APIStatusError:
            async with AsyncClient(
                server.url, transport=transport_of(wire), timeout=10, api_version="v1"
            ) as api:
                with anyio.fail_after(20), pytest.raises(error) as caught:
                    await api.variables.create("k", value=UPLOAD)
            return caught.value

        raised = run_on(wire, main)
        assert type(raised) is error
        assert (raised.status, raised.title) == (status, reason)
        assert server.accepted_connections == 1  # a POST: never sent again
        assert server.wait_open_connections_sync(0) == 0
