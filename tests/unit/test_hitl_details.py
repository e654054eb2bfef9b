"""client.hitl_details against a respx router: Airflow 3.1+ only."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async.models import HITLDetail, HITLDetailUpdate, HITLUser, TaskInstance

DETAIL = "/dags/d/dagRuns/r/taskInstances/t/-1/hitlDetails"
DAGS = r".*/dags/.*"


def detail(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "task_instance": {
            "id": "0199",
            "task_id": "t",
            "dag_id": "d",
            "dag_run_id": "r",
            "map_index": -1,
            "try_number": 1,
        },
        "options": ["Approve", "Reject"],
        "subject": "Ship it?",
        "body": "Release 1.2",
        "defaults": ["Reject"],
        "multiple": False,
        "params": {"reason": {"value": "", "description": None, "schema": {}}},
        "assigned_users": [{"id": "1", "name": "admin"}],
        "created_at": "2026-01-01T00:00:00Z",
        "responded_by_user": None,
        "responded_at": None,
        "chosen_options": None,
        "params_input": {},
        "response_received": False,
    }
    body.update(overrides)
    return body


async def test_list_sends_every_filter(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get("/dags/~/dagRuns/~/hitlDetails").respond(
        json={"hitl_details": [detail()], "total_entries": 1}
    )
    page = await client_v2.hitl_details.list(
        limit=5,
        order_by=["-created_at", "subject"],
        dag_id_pattern="d",
        task_id="t",
        map_index=-1,
        state=["deferred", "awaiting_input"],
        response_received=False,
        responded_by_user_id=["1", "2"],
        responded_by_user_name=["admin"],
        subject_search="Ship",
        body_search="Release",
        created_at_gte=datetime(2026, 1, 1, tzinfo=timezone.utc),
        created_at_lt="2026-02-01T00:00:00Z",
    )
    assert page.total_entries == 1
    item = page.items[0]
    assert isinstance(item, HITLDetail)
    assert isinstance(item.task_instance, TaskInstance)
    assert item.task_instance.task_id == "t"
    assert item.options == ["Approve", "Reject"]
    assert item.params == {"reason": {"value": "", "description": None, "schema": {}}}
    assert item.assigned_users == [HITLUser(id="1", name="admin")]
    assert item.created_at == datetime(2026, 1, 1, tzinfo=timezone.utc)
    params = route.calls.last.request.url.params
    assert list(params.multi_items()) == [
        ("limit", "5"),
        ("offset", "0"),
        ("order_by", "-created_at"),
        ("order_by", "subject"),
        ("dag_id_pattern", "d"),
        ("task_id", "t"),
        ("map_index", "-1"),
        ("state", "deferred"),
        ("state", "awaiting_input"),
        ("response_received", "false"),
        ("responded_by_user_id", "1"),
        ("responded_by_user_id", "2"),
        ("responded_by_user_name", "admin"),
        ("subject_search", "Ship"),
        ("body_search", "Release"),
        ("created_at_gte", "2026-01-01T00:00:00+00:00"),
        ("created_at_lt", "2026-02-01T00:00:00Z"),
    ]


async def test_list_of_one_run(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get("/dags/d/dagRuns/r/hitlDetails").respond(
        json={"hitl_details": [], "total_entries": 0}
    )
    assert await client_v2.hitl_details.list("d", "r").to_list() == []
    assert route.called


async def test_get_and_get_a_try(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    answered = detail(
        responded_by_user={"id": "1", "name": "admin"},
        responded_at="2026-01-01T00:05:00Z",
        chosen_options=["Approve"],
        params_input={"reason": "tested"},
        response_received=True,
    )
    current = router_v2.get(DETAIL).respond(json=answered)
    got = await client_v2.hitl_details.get("d", "r", "t")
    assert got.response_received is True
    assert got.responded_by_user == HITLUser(id="1", name="admin")
    assert got.chosen_options == ["Approve"] and got.params_input == {"reason": "tested"}
    assert current.called
    mapped = router_v2.get("/dags/d/dagRuns/r/taskInstances/t/2/hitlDetails/tries/1").respond(
        json=detail(
            task_instance={
                "task_id": "t",
                "dag_id": "d",
                "dag_run_id": "r",
                "map_index": 2,
                "try_number": 1,
            }
        )
    )
    earlier = await client_v2.hitl_details.get("d", "r", "t", map_index=2, try_number=1)
    assert earlier.task_instance is not None and earlier.task_instance.try_number == 1
    assert mapped.called


async def test_get_of_an_instance_that_asks_nothing(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get(DETAIL).respond(
        404, json={"detail": "Human-in-the-loop detail does not exist for Task Instance"}
    )
    with pytest.raises(NotFoundError, match="does not exist"):
        await client_v2.hitl_details.get("d", "r", "t")


async def test_update_answers(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.patch(DETAIL).respond(
        json={
            "responded_by": {"id": "1", "name": "admin"},
            "responded_at": "2026-01-01T00:05:00Z",
            "chosen_options": ["Approve"],
            "params_input": {"reason": "ok"},
        }
    )
    answer = await client_v2.hitl_details.update(
        "d", "r", "t", chosen_options=("Approve",), params_input={"reason": "ok"}
    )
    assert isinstance(answer, HITLDetailUpdate)
    assert answer.responded_by == HITLUser(id="1", name="admin")
    assert answer.chosen_options == ["Approve"]
    assert json.loads(route.calls.last.request.content) == {
        "chosen_options": ["Approve"],
        "params_input": {"reason": "ok"},
    }
    await client_v2.hitl_details.update("d", "r", "t", chosen_options=["Reject"])
    assert json.loads(route.calls.last.request.content) == {"chosen_options": ["Reject"]}


async def test_update_errors(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.patch(DETAIL).respond(
        409, json={"detail": "Human-in-the-loop detail has already been updated"}
    )
    with pytest.raises(ConflictError, match="already been updated"):
        await client_v2.hitl_details.update("d", "r", "t", chosen_options=["Approve"])
    route.respond(400, json={"detail": "Invalid options ['Maybe']"})
    with pytest.raises(BadRequestError, match="Invalid options"):
        await client_v2.hitl_details.update("d", "r", "t", chosen_options=["Maybe"])
    calls = route.call_count
    wrongs: list[list[str] | str] = [[], "Approve"]
    for wrong in wrongs:
        with pytest.raises(ValueError, match="chosen_options"):
            await client_v2.hitl_details.update("d", "r", "t", chosen_options=wrong)
    assert route.call_count == calls


CALLS: list[Callable[[AsyncClient], Awaitable[object]]] = [
    lambda api: api.hitl_details.list().to_list(),
    lambda api: api.hitl_details.get("d", "r", "t"),
    lambda api: api.hitl_details.update("d", "r", "t", chosen_options=["a"]),
]


@pytest.mark.parametrize("call", CALLS)
async def test_refused_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, call: Callable[[AsyncClient], Awaitable[object]]
) -> None:
    router.get("/version").respond(json={"version": "2.11.2", "git_version": "x"})
    route = router.route(url__regex=DAGS).respond(json={})
    with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
        await call(client)
    assert not route.called


@pytest.mark.parametrize("call", CALLS)
async def test_refused_before_airflow_3_1(
    client_v2: AsyncClient,
    router_v2: respx.MockRouter,
    call: Callable[[AsyncClient], Awaitable[object]],
) -> None:
    router_v2.get("/version").respond(json={"version": "3.0.6", "git_version": "x"})
    route = router_v2.route(url__regex=DAGS).respond(json={})
    with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.1") as caught:
        await call(client_v2)
    assert caught.value.since == (3, 1)
    assert not route.called


async def test_a_try_needs_airflow_3_2(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    router_v2.get("/version").respond(json={"version": "3.1.0", "git_version": "x"})
    route = router_v2.get(url__regex=DAGS).respond(json=detail())
    with pytest.raises(UnsupportedByServerError, match=r"3\.2"):
        await client_v2.hitl_details.get("d", "r", "t", try_number=1)
    assert not route.called
    await client_v2.hitl_details.get("d", "r", "t")
    assert route.call_count == 1
