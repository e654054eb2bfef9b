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
    BulkError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedByServerError,
)
from airflow_client_async.models import (
    AsyncConnectionTest,
    Connection,
    ConnectionTest,
    ConnectionTestQueued,
)

from . import payloads
from .conftest import Versioned
from .wire import airflow3, operation_calls, sent_json, sent_query

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
    # The same model as get's, on both APIs.
    assert all(isinstance(c, Connection) for c in page.items)
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


# -- both APIs ---------------------------------------------------------------------------


def connection_v2(conn_id: str, **overrides: Any) -> dict[str, Any]:
    """A connection as Airflow 3.3 sends it: password and extra masked, team_name."""
    return {**connection(conn_id, password="***", team_name=None), **overrides}


async def test_create_is_a_success_with_200_or_201(versions: Versioned) -> None:
    v2 = versions.api_version == "v2"
    answer = connection_v2("c1") if v2 else connection("c1")
    route = versions.router.post("/connections").respond(201 if v2 else 200, json=answer)
    created = await versions.client.connections.create(
        "c1", conn_type="http", host="h", schema="s", login="me"
    )
    assert isinstance(created, Connection) and created.connection_id == "c1"
    assert SECRET not in repr(created) and "***" not in repr(created)
    assert sent_json(route.calls.last) == {
        "connection_id": "c1",
        "conn_type": "http",
        "host": "h",
        "schema": "s",
        "login": "me",
    }


async def test_team_name_is_airflow_3_only(versions: Versioned) -> None:
    route = versions.router.post("/connections").respond(201, json=connection_v2("c1"))
    if versions.api_version == "v1":
        with pytest.raises(UnsupportedByServerError, match="team_name"):
            await versions.client.connections.create("c1", conn_type="http", team_name="t")
        assert not operation_calls(versions.router)
        return
    await versions.client.connections.create("c1", conn_type="http", team_name="t")
    assert sent_json(route.calls.last) == {
        "connection_id": "c1",
        "conn_type": "http",
        "team_name": "t",
    }


async def test_list_on_each_api(versions: Versioned) -> None:
    item = connection_v2("c1") if versions.api_version == "v2" else connection("c1")
    route = versions.router.get("/connections").respond(
        json={"connections": [item], "total_entries": 1}
    )
    [got] = await versions.client.connections.list(order_by=["-connection_id"]).to_list()
    assert isinstance(got, Connection) and got.connection_id == "c1"
    assert sent_query(route.calls.last) == [("offset", "0"), ("order_by", "-connection_id")]
    if versions.api_version == "v1":
        with pytest.raises(UnsupportedByServerError, match="connection_id_pattern"):
            await versions.client.connections.list(connection_id_pattern="c")
        return
    assert got.password == "***" and got.team_name is None and got.extra_fields == {}
    await versions.client.connections.list(
        connection_id_pattern="c", connection_id_prefix_pattern="c1"
    )
    assert sent_query(route.calls.last) == [
        ("offset", "0"),
        ("connection_id_pattern", "c"),
        ("connection_id_prefix_pattern", "c1"),
    ]


async def test_update_on_airflow_3_sends_the_body_it_validates(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch("/connections/c1").respond(json=connection_v2("c1", host="h"))
    await client_v2.connections.update("c1", host="h", port=None, extra={"a": 1})
    call = route.calls.last
    # The mask is a repeated key; the id and a conn_type the mask leaves out go along,
    # since Airflow 3 validates the body as a whole connection.
    assert call.request.url.params.get_list("update_mask") == ["host", "port", "extra"]
    assert sent_json(call) == {
        "connection_id": "c1",
        "conn_type": "",
        "host": "h",
        "port": None,
        "extra": '{"a": 1}',
    }
    await client_v2.connections.update("c1", conn_type="postgres", password=SECRET)
    call = route.calls.last
    assert call.request.url.params.get_list("update_mask") == ["conn_type", "password"]
    assert sent_json(call) == {"connection_id": "c1", "conn_type": "postgres", "password": SECRET}


async def test_errors_on_each_api(versions: Versioned) -> None:
    if versions.api_version == "v1":
        missing = payloads.problem(404, "Connection not found")
        disabled: dict[str, Any] = {
            "text": "Testing connections is disabled in Airflow configuration.",
            "headers": {"content-type": "text/html; charset=utf-8"},
        }
    else:
        missing = {"detail": "The Connection with connection_id: `nope` was not found"}
        disabled = {
            "json": {
                "detail": "Testing connections is disabled in Airflow configuration. "
                "Contact your deployment admin to enable it."
            }
        }
    versions.router.get("/connections/nope").respond(404, json=missing)
    versions.router.post("/connections/test").respond(403, **disabled)
    with pytest.raises(NotFoundError):
        await versions.client.connections.get("nope")
    with pytest.raises(PermissionDeniedError, match="disabled"):
        await versions.client.connections.test(conn_type="http", password=SECRET)


async def test_test_sends_the_same_body_on_each_api(versions: Versioned) -> None:
    route = versions.router.post("/connections/test").respond(
        json={"status": False, "message": "refused"}
    )
    result = await versions.client.connections.test(conn_type="http", host="h", port=9)
    assert isinstance(result, ConnectionTest) and result.status is False
    assert sent_json(route.calls.last) == {
        "connection_id": "connection-test",
        "conn_type": "http",
        "host": "h",
        "port": 9,
    }


# -- Airflow 3 only ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.connections.bulk(delete=["c1"]),
        lambda c: c.connections.create_defaults(),
        lambda c: c.connections.enqueue_test("c1", conn_type="http"),
        lambda c: c.connections.get_test_result("token"),
    ],
    ids=["bulk", "create_defaults", "enqueue_test", "get_test_result"],
)
async def test_airflow_3_methods_are_refused_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, call: Any
) -> None:
    with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
        await call(client)
    assert not operation_calls(router)


async def test_bulk_wire_and_partial_failure(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch("/connections").respond(
        json={
            "create": {
                "success": [],
                "errors": [
                    {
                        "error": "The connections with these connection_ids: {'c2'} already exist.",
                        "status_code": 409,
                    }
                ],
            },
            "delete": {"success": ["old"], "errors": []},
        }
    )
    result = await client_v2.connections.bulk(
        create=[
            {"connection_id": "c1", "conn_type": "http", "extra": {"timeout": 5}},
            {"connection_id": "c2", "conn_type": "fs", "password": SECRET},
        ],
        delete=["old"],
        on_existence="fail",
    )
    assert sent_json(route.calls.last) == {
        "actions": [
            {
                "action": "create",
                "entities": [
                    {"connection_id": "c1", "conn_type": "http", "extra": '{"timeout": 5}'},
                    {"connection_id": "c2", "conn_type": "fs", "password": SECRET},
                ],
                "action_on_existence": "fail",
            },
            {"action": "delete", "entities": ["old"], "action_on_non_existence": "fail"},
        ]
    }
    assert [(e.action, e.key, e.ok, e.status_code) for e in result.entities] == [
        ("create", "c1", False, 409),
        ("create", "c2", False, 409),
        ("delete", "old", True, None),
    ]
    with pytest.raises(BulkError) as caught:
        result.raise_for_errors()
    assert SECRET not in str(caught.value)


async def test_bulk_updates_carry_no_mask(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch("/connections").respond(
        json={"update": {"success": ["c1"], "errors": []}}
    )
    result = await client_v2.connections.bulk(
        update=[{"connection_id": "c1", "conn_type": "http", "host": "h"}], on_non_existence="skip"
    )
    assert result.ok
    assert sent_json(route.calls.last) == {
        "actions": [
            {
                "action": "update",
                "entities": [{"connection_id": "c1", "conn_type": "http", "host": "h"}],
                "action_on_non_existence": "skip",
            }
        ]
    }
    with pytest.raises(ValueError, match="connection_id"):
        await client_v2.connections.bulk(create=[{"connection_id": "", "conn_type": "http"}])


async def test_create_defaults(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.post("/connections/defaults").respond(204)
    assert await client_v2.connections.create_defaults() is None
    assert route.called and not route.calls.last.request.content


async def test_enqueue_test_and_poll_by_header(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    token = "tok-very-secret-123"
    queued = router_v2.post("/connections/enqueue-test").respond(
        202, json={"token": token, "connection_id": "c1", "state": "pending"}
    )
    got = await client_v2.connections.enqueue_test(
        "c1", conn_type="http", host="h", extra={"x": 1}, commit_on_success=True, queue="q"
    )
    assert isinstance(got, ConnectionTestQueued)
    assert (got.token, got.connection_id, got.state) == (token, "c1", "pending")
    assert token not in repr(got)
    assert sent_json(queued.calls.last) == {
        "connection_id": "c1",
        "conn_type": "http",
        "host": "h",
        "extra": '{"x": 1}',
        "commit_on_success": True,
        "queue": "q",
    }

    polled = router_v2.get("/connections/enqueue-test").respond(
        json={
            "token": token,
            "connection_id": "c1",
            "state": "success",
            "result_message": "Connection successfully tested",
            "created_at": "2026-12-01T10:00:00Z",
        }
    )
    status = await client_v2.connections.get_test_result(token)
    assert isinstance(status, AsyncConnectionTest)
    assert (status.state, status.result_message) == ("success", "Connection successfully tested")
    assert status.created_at is not None and status.created_at.tzinfo is not None
    request = polled.calls.last.request
    assert request.headers["airflow-connection-test-token"] == token
    assert token not in str(request.url)
    with pytest.raises(ValueError, match="token"):
        await client_v2.connections.get_test_result("")


async def test_the_async_test_needs_airflow_3_3() -> None:
    async with airflow3("3.2.0") as (client, router):
        with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.3") as caught:
            await client.connections.enqueue_test("c1", conn_type="http")
        assert caught.value.since == (3, 3)
        with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.3"):
            await client.connections.get_test_result("t")
        assert not operation_calls(router)
