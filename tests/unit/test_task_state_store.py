"""client.task_state_store against a respx router: Airflow 3.3+ only."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    NotFoundError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async.models import TaskStateStore

STORE = "/dags/d/dagRuns/r/taskInstances/t/state-store"
DAGS = r".*/dags/.*"


def stored(key: str, value: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "key": key,
        "value": value,
        "updated_at": "2026-01-01T00:00:00Z",
        "expires_at": None,
    }
    body.update(overrides)
    return body


async def test_list_pages(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    entries = [stored(f"k{n}", n) for n in range(5)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"task_state_store": entries[offset : offset + 2], "total_entries": 5}
        )

    route = router_v2.get(STORE).mock(side_effect=answer)
    got = [(e.key, e.value) async for e in client_v2.task_state_store.list("d", "r", "t")]
    assert got == [(f"k{n}", n) for n in range(5)]
    assert "map_index" not in route.calls.last.request.url.params
    await client_v2.task_state_store.list("d", "r", "t", map_index=3, limit=2)
    assert route.calls.last.request.url.params["map_index"] == "3"
    assert route.calls.last.request.url.params["limit"] == "2"


async def test_get(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get(f"{STORE}/a%2Fb").respond(
        json=stored("a/b", {"cursor": [1, None]}, expires_at="2026-02-01T00:00:00Z")
    )
    entry = await client_v2.task_state_store.get("d", "r", "t", "a/b", map_index=0)
    assert entry == TaskStateStore(
        key="a/b",
        value={"cursor": [1, None]},
        updated_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        expires_at=datetime(2026, 2, 1, tzinfo=timezone.utc),
    )
    assert route.calls.last.request.url.params["map_index"] == "0"
    route.respond(404, json={"detail": "Task state store key 'a/b' not found"})
    with pytest.raises(NotFoundError, match="not found"):
        await client_v2.task_state_store.get("d", "r", "t", "a/b")


async def test_set_sends_the_expiry_only_when_given(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.put(f"{STORE}/k").respond(204)
    await client_v2.task_state_store.set("d", "r", "t", "k", value=[1, 2])
    assert json.loads(route.calls.last.request.content) == {"value": [1, 2]}
    await client_v2.task_state_store.set("d", "r", "t", "k", value="x", expires_at=None)
    assert json.loads(route.calls.last.request.content) == {"value": "x", "expires_at": None}
    when = datetime(2026, 3, 1, tzinfo=timezone(timedelta(hours=1)))
    await client_v2.task_state_store.set("d", "r", "t", "k", value=0, expires_at=when, map_index=1)
    request = route.calls.last.request
    assert json.loads(request.content) == {"value": 0, "expires_at": "2026-03-01T00:00:00+01:00"}
    assert request.url.params["map_index"] == "1"
    await client_v2.task_state_store.set("d", "r", "t", "k", value=False, expires_at="default")
    assert json.loads(route.calls.last.request.content) == {"value": False, "expires_at": "default"}


async def test_set_and_update_refuse_null_and_naive_times(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.route(url__regex=DAGS).respond(204)
    with pytest.raises(ValueError, match="None"):
        await client_v2.task_state_store.set("d", "r", "t", "k", value=None)
    with pytest.raises(ValueError, match="None"):
        await client_v2.task_state_store.update("d", "r", "t", "k", value=None)
    with pytest.raises(ValueError, match="naive"):
        await client_v2.task_state_store.set(
            "d", "r", "t", "k", value=1, expires_at=datetime(2026, 1, 1)
        )
    assert not route.called


async def test_update_delete_and_clear(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    patch = router_v2.patch(f"{STORE}/k").respond(200, json=None)
    await client_v2.task_state_store.update("d", "r", "t", "k", value={"n": 2})
    assert json.loads(patch.calls.last.request.content) == {"value": {"n": 2}}
    assert not patch.calls.last.request.url.params
    delete = router_v2.delete(f"{STORE}/k").respond(204)
    await client_v2.task_state_store.delete("d", "r", "t", "k", map_index=2)
    assert delete.calls.last.request.url.params["map_index"] == "2"
    clear = router_v2.delete(STORE).respond(204)
    await client_v2.task_state_store.clear("d", "r", "t")
    assert not clear.calls.last.request.url.params
    await client_v2.task_state_store.clear("d", "r", "t", all_map_indices=True)
    assert clear.calls.last.request.url.params["all_map_indices"] == "true"


async def test_a_too_large_value_is_unprocessable(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.put(f"{STORE}/k").respond(
        422, json={"detail": [{"type": "value_error", "msg": "value exceeds max_value_storage"}]}
    )
    with pytest.raises(UnprocessableEntityError, match="max_value_storage"):
        await client_v2.task_state_store.set("d", "r", "t", "k", value="x" * 10)


CALLS: list[Callable[[AsyncClient], Awaitable[object]]] = [
    lambda api: api.task_state_store.list("d", "r", "t").to_list(),
    lambda api: api.task_state_store.get("d", "r", "t", "k"),
    lambda api: api.task_state_store.set("d", "r", "t", "k", value=1),
    lambda api: api.task_state_store.update("d", "r", "t", "k", value=1),
    lambda api: api.task_state_store.delete("d", "r", "t", "k"),
    lambda api: api.task_state_store.clear("d", "r", "t"),
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
async def test_refused_before_airflow_3_3(
    client_v2: AsyncClient,
    router_v2: respx.MockRouter,
    call: Callable[[AsyncClient], Awaitable[object]],
) -> None:
    router_v2.get("/version").respond(json={"version": "3.2.1", "git_version": "x"})
    route = router_v2.route(url__regex=DAGS).respond(json={})
    with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.3") as caught:
        await call(client_v2)
    assert caught.value.since == (3, 3)
    assert caught.value.method.startswith("task_state_store.")
    assert not route.called
