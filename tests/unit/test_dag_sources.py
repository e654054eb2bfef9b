"""client.dag_sources against a respx router, on both APIs."""

from __future__ import annotations

import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    NotAcceptableError,
    NotFoundError,
    ResponseValidationError,
    UnsupportedByServerError,
)
from airflow_client_async.models import DAGSource

from . import payloads
from .dag_payloads import answer_version, operation_calls

TOKEN = "Ii9vcHQvYWlyZmxvdy9kYWdzL2Zhc3QucHki.8DyhKtPefW8Gn_yHaLk1dr_HYgg"
SOURCE = '"""A DAG."""\n\nwith DAG(dag_id="fast") as dag:  # ünïcode ☃\n    pass\n'


def dag_with_token(router: respx.MockRouter) -> respx.Route:
    return router.get("/dags/fast").respond(json={"dag_id": "fast", "file_token": TOKEN})


async def test_get_on_v1_reads_the_file_token_first(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    dag = dag_with_token(router)
    route = router.get(f"/dagSources/{TOKEN}").respond(json={"content": SOURCE})
    source = await client.dag_sources.get("fast")
    assert isinstance(source, DAGSource)
    assert (source.content, source.dag_id, source.version_number) == (SOURCE, "fast", None)
    # Only the fields needed are asked for.
    assert dag.calls.last.request.url.params.get_list("fields") == ["dag_id", "file_token"]
    assert route.calls.last.request.headers["accept"] == "application/json"


async def test_get_on_v2_is_keyed_by_dag_id(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/dagSources/fast").respond(
        json={"content": SOURCE, "dag_id": "fast", "version_number": 3, "dag_display_name": "F"}
    )
    source = await client_v2.dag_sources.get("fast", version_number=3)
    assert (source.content, source.dag_id, source.version_number) == (SOURCE, "fast", 3)
    assert source.dag_display_name == "F"
    request = route.calls.last.request
    assert dict(request.url.params) == {"version_number": "3"}
    assert request.headers["accept"] == "application/json"
    assert [r.url.path for r in operation_calls(router_v2)] == ["/api/v2/dagSources/fast"]


async def test_get_text_reads_the_plain_form(
    client: AsyncClient,
    router: respx.MockRouter,
    client_v2: AsyncClient,
    router_v2: respx.MockRouter,
) -> None:
    dag_with_token(router)
    # The server names no charset on this text/plain answer.
    v1 = router.get(f"/dagSources/{TOKEN}").respond(
        content=SOURCE.encode(), headers={"content-type": "text/plain"}
    )
    assert await client.dag_sources.get_text("fast") == SOURCE
    assert v1.calls.last.request.headers["accept"] == "text/plain"
    v2 = router_v2.get("/dagSources/fast").respond(
        content=SOURCE.encode(), headers={"content-type": "text/plain"}
    )
    assert await client_v2.dag_sources.get_text("fast") == SOURCE
    assert v2.calls.last.request.headers["accept"] == "text/plain"


async def test_version_number_is_refused_on_v1_before_any_request(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    answer_version(router)
    router.route().respond(200, json={})
    with pytest.raises(UnsupportedByServerError, match="version_number"):
        await client.dag_sources.get("fast", version_number=1)
    with pytest.raises(UnsupportedByServerError, match="version_number"):
        await client.dag_sources.get_text("fast", version_number=1)
    assert operation_calls(router) == []


async def test_get_refuses_a_body_without_content(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/dagSources/fast").respond(json={"source": SOURCE})
    with pytest.raises(ResponseValidationError, match="'content'"):
        await client_v2.dag_sources.get("fast")
    route.respond(json=[SOURCE])
    with pytest.raises(ResponseValidationError):
        await client_v2.dag_sources.get("fast")


async def test_a_dag_without_file_token_is_an_invalid_answer(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/dags/fast").respond(json={"dag_id": "fast"})
    with pytest.raises(ResponseValidationError, match="file_token"):
        await client.dag_sources.get("fast")


async def test_errors(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/dags/a%2Fb").respond(json={"dag_id": "a/b", "file_token": "t"})
    router.get("/dagSources/t").respond(406, text="Not Allowed Accept Header")
    with pytest.raises(NotAcceptableError):
        await client.dag_sources.get("a/b")
    with pytest.raises(ValueError, match="non-empty"):
        await client.dag_sources.get("")
    router.get("/dags/gone").respond(404, json=payloads.problem(404, "DAG not found"))
    with pytest.raises(NotFoundError, match="DAG not found"):
        await client.dag_sources.get_text("gone")


async def test_missing_source_on_v2(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    router_v2.get("/dagSources/gone").respond(
        404, json={"detail": "The source code of the Dag gone, version_number None was not found"}
    )
    with pytest.raises(NotFoundError, match="source code of the Dag gone"):
        await client_v2.dag_sources.get("gone")
