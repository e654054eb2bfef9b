"""client.dag_sources against a respx router."""

from __future__ import annotations

import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    NotAcceptableError,
    NotFoundError,
    ResponseValidationError,
)

from . import payloads

TOKEN = "Ii9vcHQvYWlyZmxvdy9kYWdzL2Zhc3QucHki.8DyhKtPefW8Gn_yHaLk1dr_HYgg"
SOURCE = '"""A DAG."""\n\nwith DAG(dag_id="fast") as dag:  # ünïcode ☃\n    pass\n'


async def test_get_reads_the_json_form(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get(f"/dagSources/{TOKEN}").respond(json={"content": SOURCE})
    assert await client.dag_sources.get(TOKEN) == SOURCE
    assert route.calls.last.request.headers["accept"] == "application/json"


async def test_get_text_reads_the_plain_form(client: AsyncClient, router: respx.MockRouter) -> None:
    # The server names no charset on this text/plain answer.
    route = router.get(f"/dagSources/{TOKEN}").respond(
        content=SOURCE.encode(), headers={"content-type": "text/plain"}
    )
    assert await client.dag_sources.get_text(TOKEN) == SOURCE
    assert route.calls.last.request.headers["accept"] == "text/plain"


async def test_get_refuses_a_body_without_content(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"/dagSources/{TOKEN}").respond(json={"source": SOURCE})
    with pytest.raises(ResponseValidationError, match="'content'"):
        await client.dag_sources.get(TOKEN)
    router.get(f"/dagSources/{TOKEN}").respond(json=[SOURCE])
    with pytest.raises(ResponseValidationError):
        await client.dag_sources.get(TOKEN)


async def test_errors(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/dagSources/a%2Fb").respond(406, text="Not Allowed Accept Header")
    with pytest.raises(NotAcceptableError):
        await client.dag_sources.get("a/b")
    with pytest.raises(ValueError, match="non-empty"):
        await client.dag_sources.get("")
    router.get("/dagSources/gone").respond(404, json=payloads.problem(404, "Dag source not found"))
    with pytest.raises(NotFoundError, match="Dag source not found"):
        await client.dag_sources.get_text("gone")
