"""A request whose line is long (a query of many repeated keys) reaches the server whole."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, BearerAuth, TransportKind
from tests.support.wire_server import RawRequest, Responder, WireServer


async def stats(request: RawRequest, responder: Responder) -> None:
    body = b'{"dags": [], "total_entries": 0}'
    await responder.respond(200, [("Content-Type", "application/json")], body)


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
@pytest.mark.parametrize("count", [1, 15, 400])
async def test_a_long_request_line_is_answered(transport: TransportKind, count: int) -> None:
    ids = [f"dag_number_{n:04d}_with_a_long_name" for n in range(count)]
    with WireServer(stats) as server:
        async with AsyncClient(
            server.url, auth=BearerAuth("t"), api_version="v2", transport=transport
        ) as client:
            for _ in range(2):  # the second request reuses the connection
                page = await client.dag_stats.list(dag_ids=ids)
                assert page.items == []
        targets = [r.target for r in server.requests]
    assert len(targets) == 2
    assert all(t.count("dag_ids=") == count for t in targets)
    assert len(targets[0]) > 30 * count
