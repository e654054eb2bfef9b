"""client.dag_parsing against a respx router."""

from __future__ import annotations

import pytest
import respx

from airflow_client_async import AsyncClient, NotFoundError

from . import payloads

TOKEN = "Ii9vcHQvYWlyZmxvdy9kYWdzL2Zhc3QucHki.8DyhKtPefW8Gn_yHaLk1dr_HYgg"


async def test_reparse_puts_and_ignores_the_empty_body(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.put(f"/parseDagFile/{TOKEN}").respond(
        201, content=b"", headers={"content-type": "text/html; charset=utf-8"}
    )
    assert await client.dag_parsing.reparse(TOKEN) is None
    request = route.calls.last.request
    assert request.method == "PUT" and request.content == b""


async def test_reparse_unknown_token(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.put("/parseDagFile/x%2Fy").respond(
        404, json=payloads.problem(404, "File not found")
    )
    with pytest.raises(NotFoundError, match="File not found"):
        await client.dag_parsing.reparse("x/y")
    assert route.call_count == 1  # a 404 is not retried
