"""client.asset_state_store against a respx router (Airflow 3.3)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    NotFoundError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async.models import AssetStateStore, AssetStateStoreLastUpdatedBy

from .wire import airflow3, operation_calls, sent_json, sent_query

URI = "s3://client-test/dataset"


def entry(key: str, value: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "key": key,
        "value": value,
        "updated_at": "2026-12-01T10:00:00Z",
        "last_updated_by": {
            "kind": "task",
            "dag_id": "producer",
            "run_id": "r1",
            "task_id": "produce",
            "map_index": -1,
        },
    }
    body.update(overrides)
    return body


async def test_get_decodes_any_json_value(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/assets/5/state-store/cursor%2F1").respond(
        json=entry("cursor/1", {"offset": [1, 2], "done": False})
    )
    got = await client_v2.asset_state_store.get(5, "cursor/1")
    assert isinstance(got, AssetStateStore)
    assert (got.key, got.value) == ("cursor/1", {"offset": [1, 2], "done": False})
    assert got.updated_at == datetime(2026, 12, 1, 10, tzinfo=timezone.utc)
    assert got.last_updated_by == AssetStateStoreLastUpdatedBy(
        kind="task", dag_id="producer", run_id="r1", task_id="produce", map_index=-1
    )
    assert route.calls.last.request.url.raw_path == b"/api/v2/assets/5/state-store/cursor%2F1"


async def test_list_pages(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get("/assets/5/state-store")
    route.side_effect = [
        respx.MockResponse(
            json={"asset_state_store": [entry("a", 1), entry("b", None)], "total_entries": 3}
        ),
        respx.MockResponse(
            json={"asset_state_store": [entry("c", "x", last_updated_by=None)], "total_entries": 3}
        ),
    ]
    found = await client_v2.asset_state_store.list(5, limit=2).to_list()
    assert [(e.key, e.value) for e in found] == [("a", 1), ("b", None), ("c", "x")]
    assert found[2].last_updated_by is None
    assert [sent_query(c) for c in route.calls] == [
        [("limit", "2"), ("offset", "0")],
        [("limit", "2"), ("offset", "2")],
    ]


async def test_set_delete_clear(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    put = router_v2.put("/assets/5/state-store/k").respond(204)
    await client_v2.asset_state_store.set(5, "k", value={"n": [1, 2.5, None]})
    assert sent_json(put.calls.last) == {"value": {"n": [1, 2.5, None]}}
    deleted = router_v2.delete("/assets/5/state-store/k").respond(204)
    await client_v2.asset_state_store.delete(5, "k")
    cleared = router_v2.delete("/assets/5/state-store").respond(204)
    await client_v2.asset_state_store.clear(5)
    assert deleted.called and cleared.called


async def test_an_asset_by_uri_is_looked_up(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    lookup = router_v2.get("/assets").respond(
        json={"assets": [{"id": 7, "uri": URI, "name": URI}], "total_entries": 1}
    )
    put = router_v2.put("/assets/7/state-store/k").respond(204)
    await client_v2.asset_state_store.set(URI, "k", value="v")
    assert lookup.called and put.called
    listed = router_v2.get("/assets/7/state-store").respond(
        json={"asset_state_store": [], "total_entries": 0}
    )
    assert await client_v2.asset_state_store.list(URI).to_list() == []
    assert listed.called


async def test_errors(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    router_v2.get("/assets/9/state-store/k").respond(
        404, json={"detail": "Asset with id 9 not found"}
    )
    with pytest.raises(NotFoundError, match="Asset with id 9"):
        await client_v2.asset_state_store.get(9, "k")
    router_v2.put("/assets/5/state-store/k").respond(
        422,
        json={
            "detail": [
                {
                    "type": "value_error",
                    "loc": ["body", "value"],
                    "msg": "Value error, value cannot be null",
                }
            ]
        },
    )
    with pytest.raises(UnprocessableEntityError, match="cannot be null"):
        await client_v2.asset_state_store.set(5, "k", value=None)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.asset_state_store.list(URI).to_list(),
        lambda c: c.asset_state_store.get(URI, "k"),
        lambda c: c.asset_state_store.set(URI, "k", value=1),
        lambda c: c.asset_state_store.delete(URI, "k"),
        lambda c: c.asset_state_store.clear(URI),
    ],
    ids=["list", "get", "set", "delete", "clear"],
)
async def test_refused_before_any_request_on_airflow_2_and_before_3_3(
    client: AsyncClient, router: respx.MockRouter, call: Any
) -> None:
    # Refused before even the URI is looked up.
    with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
        await call(client)
    assert not operation_calls(router)
    async with airflow3("3.2.0") as (older, older_router):
        with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.3") as caught:
            await call(older)
        assert caught.value.since == (3, 3)
        assert not operation_calls(older_router)
