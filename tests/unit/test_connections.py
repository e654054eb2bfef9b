"""client.connections against a respx router."""

from __future__ import annotations

import json
from typing import Any

import pytest
import respx

from airflow_client_async import (
    UNSET,
    AsyncClient,
    BadRequestError,
    ConflictError,
    PermissionDeniedError,
)
from airflow_client_async.models import Connection, ConnectionTest

from . import payloads

SECRET = "hunter2-not-for-logs"


def connection(conn_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conn_type": "http",
        "connection_id": conn_id,
        "description": None,
        "extra": '{"token": "***", "timeout": 5}',
        "host": "example.test",
        "login": None,
        "port": None,
        "schema": None,
    }
    body.update(overrides)
    return body


async def test_create_sends_the_fields_given(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.post("/connections").respond(json=connection("c1"))
    created = await client.connections.create(
        "c1",
        conn_type="http",
        host="example.test",
        port=8443,
        password=SECRET,
        extra={"token": SECRET, "timeout": 5},
        description=None,
    )
    assert isinstance(created, Connection)
    assert created.password is None and created.port is None
    body = json.loads(route.calls.last.request.content)
    assert body == {
        "connection_id": "c1",
        "conn_type": "http",
        "host": "example.test",
        "port": 8443,
        "password": SECRET,
        "extra": json.dumps({"token": SECRET, "timeout": 5}),
        "description": None,
    }
    await client.connections.create("c2", conn_type="fs", extra='{"path": "/"}')
    assert json.loads(route.calls.last.request.content) == {
        "connection_id": "c2",
        "conn_type": "fs",
        "extra": '{"path": "/"}',
    }


async def test_secrets_stay_out_of_reprs_and_errors(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/connections/c1").respond(
        json=connection("c1", password=SECRET, extra=json.dumps({"token": SECRET}))
    )
    got = await client.connections.get("c1")
    assert got.password == SECRET  # kept if a server ever sends it, but never printed
    assert SECRET not in repr(got) and SECRET not in str(got)
    router.post("/connections").respond(
        409, json=payloads.problem(409, "Conflict", "Connection already exist. ID: c1")
    )
    with pytest.raises(ConflictError) as caught:
        await client.connections.create("c1", conn_type="http", password=SECRET, extra=SECRET)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)
    router.post("/connections/test").respond(
        400, json=payloads.problem(400, "Bad Request", "{'port': ['Not a valid integer.']}")
    )
    with pytest.raises(BadRequestError) as bad:
        await client.connections.test(conn_type="http", password=SECRET)
    assert SECRET not in str(bad.value) and SECRET not in repr(bad.value)


async def test_update_joins_the_mask_and_sends_nulls(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.patch("/connections/c1").respond(json=connection("c1", host="h"))
    await client.connections.update("c1", host="h", port=None, extra=None, login=UNSET)
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["host,port,extra"]
    assert json.loads(request.content) == {"host": "h", "port": None, "extra": None}
    await client.connections.update("c1", password=SECRET)
    assert route.calls.last.request.url.params["update_mask"] == "password"
    with pytest.raises(ValueError, match="at least one field"):
        await client.connections.update("c1")


async def test_list_get_delete(client: AsyncClient, router: respx.MockRouter) -> None:
    item = {k: v for k, v in connection("c1").items() if k != "extra"}
    route = router.get("/connections").respond(json={"connections": [item], "total_entries": 1})
    page = await client.connections.list(limit=5, order_by="connection_id")
    assert [c.connection_id for c in page.items] == ["c1"] and page.total_entries == 1
    assert route.calls.last.request.url.params["order_by"] == "connection_id"
    router.get("/connections/a%2Fb").respond(json=connection("a/b"))
    assert (await client.connections.get("a/b")).connection_id == "a/b"
    deleted = router.delete("/connections/c%201").respond(204)
    await client.connections.delete("c 1")
    assert deleted.called


async def test_test_sends_a_placeholder_id(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.post("/connections/test").respond(
        json={"message": "Connection successfully tested", "status": True}
    )
    result = await client.connections.test(conn_type="fs", extra={"path": "/"})
    assert isinstance(result, ConnectionTest)
    assert result.status is True and result.message == "Connection successfully tested"
    body = json.loads(route.calls.last.request.content)
    assert body == {"connection_id": "connection-test", "conn_type": "fs", "extra": '{"path": "/"}'}
    await client.connections.test(conn_type="http", connection_id="mine", host="h", port=9)
    assert json.loads(route.calls.last.request.content) == {
        "connection_id": "mine",
        "conn_type": "http",
        "host": "h",
        "port": 9,
    }


async def test_test_disabled_is_a_plain_403(client: AsyncClient, router: respx.MockRouter) -> None:
    router.post("/connections/test").respond(
        403,
        text="Testing connections is disabled in Airflow configuration.",
        headers={"content-type": "text/html; charset=utf-8"},
    )
    with pytest.raises(PermissionDeniedError) as caught:
        await client.connections.test(conn_type="http")
    assert "disabled" in str(caught.value.body)
