"""client.assets against a respx router, on Airflow 2's datasets and Airflow 3's assets."""

from __future__ import annotations

import json
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
from airflow_client_async.models import Asset, AssetAlias, AssetEvent, DAGRun, QueuedEvent

from . import payloads
from .conftest import Versioned
from .wire import airflow3, operation_calls, sent_json, sent_query

URI = "s3://client-test/dataset"
ENCODED = "s3%3A%2F%2Fclient-test%2Fdataset"


def dataset(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "aliases": [],
        "consuming_dags": [
            {
                "created_at": "2024-05-01T12:00:00.035912+00:00",
                "dag_id": "consumer",
                "updated_at": "2024-05-01T12:00:00.035917+00:00",
            }
        ],
        "created_at": "2024-05-01T12:00:00.028464+00:00",
        "extra": {},
        "id": 1,
        "producing_tasks": [
            {
                "created_at": "2024-05-01T12:00:00.037318+00:00",
                "dag_id": "producer",
                "task_id": "produce",
                "updated_at": "2024-05-01T12:00:00.037323+00:00",
            }
        ],
        "updated_at": "2024-05-01T12:00:00.028470+00:00",
        "uri": URI,
    }
    body.update(overrides)
    return body


def event(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "created_dagruns": [
            {
                "dag_id": "consumer",
                "dag_run_id": "dataset_triggered__2024-05-01T12:00:03+00:00",
                "data_interval_end": "2024-05-01T12:00:01+00:00",
                "data_interval_start": "2024-05-01T12:00:01+00:00",
                "end_date": None,
                "logical_date": "2024-05-01T12:00:03+00:00",
                "start_date": None,
                "state": "queued",
            }
        ],
        "dataset_id": 1,
        "dataset_uri": URI,
        "extra": {"from_rest_api": True},
        "id": 3,
        "source_dag_id": None,
        "source_map_index": -1,
        "source_run_id": None,
        "source_task_id": None,
        "timestamp": "2024-05-01T12:00:01.459909+00:00",
    }
    body.update(overrides)
    return body


QUEUED = {"created_at": "2024-05-01T12:00:01.638914+00:00", "dag_id": "consumer", "uri": URI}
EMPTY_QUEUE = payloads.problem(404, "Queue event not found", "Queue event with dag_id: `x`")


async def test_get_encodes_the_uri_into_one_segment(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get(f"/datasets/{ENCODED}").respond(json=dataset())
    got = await client.assets.get(URI)
    assert route.calls.last.request.url.raw_path == f"/api/v1/datasets/{ENCODED}".encode()
    assert isinstance(got, Asset) and got.uri == URI
    assert [d.dag_id for d in got.consuming_dags or []] == ["consumer"]
    assert got.aliases == [] and got.extra_fields == {}


async def test_list_joins_dag_ids(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/datasets").respond(json={"datasets": [dataset()], "total_entries": 7})
    page = await client.assets.list(
        limit=5, uri_pattern="client-test", dag_ids=["a", "b"], order_by="-uri"
    )
    assert [d.uri for d in page.items] == [URI] and page.total_entries == 7
    params = route.calls.last.request.url.params
    assert params.get_list("dag_ids") == ["a,b"]
    assert (params["uri_pattern"], params["order_by"], params["limit"]) == (
        "client-test",
        "-uri",
        "5",
    )


async def test_list_stops_on_an_empty_page_despite_total_entries(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    # With a filter the server still counts every dataset.
    route = router.get("/datasets")
    route.side_effect = [
        respx.MockResponse(json={"datasets": [dataset()], "total_entries": 30}),
        respx.MockResponse(json={"datasets": [], "total_entries": 30}),
    ]
    assert [d.uri async for d in client.assets.list(uri_pattern="client")] == [URI]
    assert route.call_count == 2


async def test_list_events_filters(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/datasets/events").respond(
        json={"dataset_events": [event()], "total_entries": 1}
    )
    events = [
        e
        async for e in client.assets.list_events(
            order_by="-timestamp",
            asset_id=1,
            source_dag_id="producer",
            source_task_id="produce",
            source_run_id="run 1",
            source_map_index=-1,
        )
    ]
    assert len(events) == 1 and isinstance(events[0], AssetEvent)
    assert events[0].source_dag_id is None
    runs = events[0].created_dagruns or []
    assert runs[0].dag_run_id == "dataset_triggered__2024-05-01T12:00:03+00:00"
    params = route.calls.last.request.url.params
    assert dict(params) == {
        "offset": "0",
        "order_by": "-timestamp",
        "dataset_id": "1",
        "source_dag_id": "producer",
        "source_task_id": "produce",
        "source_run_id": "run 1",
        "source_map_index": "-1",
    }


async def test_create_event(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.post("/datasets/events").respond(
        json=event(created_dagruns=[], extra={"k": 1, "from_rest_api": True})
    )
    created = await client.assets.create_event(URI, extra={"k": 1})
    assert created.extra == {"k": 1, "from_rest_api": True} and created.created_dagruns == []
    assert json.loads(route.calls.last.request.content) == {"dataset_uri": URI, "extra": {"k": 1}}
    await client.assets.create_event(URI)
    assert json.loads(route.calls.last.request.content) == {"dataset_uri": URI}
    with pytest.raises(ValueError, match="non-empty"):
        await client.assets.create_event("")


async def test_queued_event_lists_read_the_servers_key(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    per_dataset = router.get(f"/datasets/queuedEvent/{ENCODED}").respond(
        json={"queued_events": [QUEUED], "total_entries": 1}
    )
    per_dag = router.get("/dags/consumer/datasets/queuedEvent").respond(
        json={"datasets": [QUEUED], "total_entries": 1}  # the spec's key, read as well
    )
    before = datetime(2024, 5, 2, tzinfo=timezone.utc)
    [found] = await client.assets.list_queued_events(URI, before=before).to_list()
    assert isinstance(found, QueuedEvent) and found.uri == URI
    assert found.created_at == datetime(2024, 5, 1, 12, 0, 1, 638914, tzinfo=timezone.utc)
    assert per_dataset.calls.last.request.url.params["before"] == "2024-05-02T00:00:00+00:00"
    assert await client.assets.list_dag_queued_events("consumer").to_list() == [found]
    assert "before" not in per_dag.calls.last.request.url.params


async def test_an_empty_queue_is_an_empty_list(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"/datasets/queuedEvent/{ENCODED}").respond(404, json=EMPTY_QUEUE)
    router.get("/dags/consumer/datasets/queuedEvent").respond(404, json=EMPTY_QUEUE)
    assert await client.assets.list_queued_events(URI).to_list() == []
    page = await client.assets.list_dag_queued_events("consumer")
    assert page.items == [] and page.total_entries == 0


async def test_a_404_of_another_kind_still_raises(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/dags/consumer/datasets/queuedEvent").respond(
        404, json={"detail": "The requested URL was not found", "status": 404, "title": "Not Found"}
    )
    with pytest.raises(NotFoundError):
        await client.assets.list_dag_queued_events("consumer")


async def test_one_queued_event_and_the_deletes(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    one = f"/dags/a%2Fdag/datasets/queuedEvent/{ENCODED}"
    got = router.get(one).respond(json=QUEUED)
    event_ = await client.assets.get_dag_queued_event("a/dag", URI, before="2024-05-02T00:00:00Z")
    assert event_.dag_id == "consumer"
    assert got.calls.last.request.url.params["before"] == "2024-05-02T00:00:00Z"

    routes = [
        router.delete(one).respond(204),
        router.delete("/dags/a%2Fdag/datasets/queuedEvent").respond(204),
        router.delete(f"/datasets/queuedEvent/{ENCODED}").respond(404, json=EMPTY_QUEUE),
    ]
    await client.assets.delete_dag_queued_event("a/dag", URI)
    await client.assets.delete_dag_queued_events("a/dag", before="2024-05-02T00:00:00Z")
    assert routes[1].calls.last.request.url.params["before"] == "2024-05-02T00:00:00Z"
    with pytest.raises(NotFoundError):
        await client.assets.delete_queued_events(URI)
    assert all(r.called for r in routes)


def test_list_refuses_dag_ids_the_server_would_split(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="DAG id"):
        client.assets.list(dag_ids=["a,b"])
    with pytest.raises(ValueError, match="DAG id"):
        client.assets.list(dag_ids=[])


# -- Airflow 3: assets keyed by id -------------------------------------------------------


def asset(asset_id: int, uri: str = URI, **overrides: Any) -> dict[str, Any]:
    """An asset as Airflow 3.3 sends it."""
    body: dict[str, Any] = {
        "id": asset_id,
        "name": uri,
        "uri": uri,
        "group": "asset",
        "extra": {},
        "created_at": "2026-12-01T10:00:00Z",
        "updated_at": "2026-12-01T10:00:00Z",
        "scheduled_dags": [],
        "producing_tasks": [],
        "consuming_tasks": [],
        "aliases": [],
        "watchers": [],
        "last_asset_event": {"id": None, "timestamp": None},
    }
    body.update(overrides)
    return body


def asset_page(*assets: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    return {"assets": list(assets), "total_entries": len(assets) if total is None else total}


QUEUED_V2 = {
    "dag_id": "consumer",
    "asset_id": 5,
    "created_at": "2026-12-01T10:00:01Z",
    "dag_display_name": "consumer",
}


async def test_get_by_id_on_airflow_3(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get("/assets/5").respond(json=asset(5))
    got = await client_v2.assets.get(5)
    assert isinstance(got, Asset) and (got.id, got.uri) == (5, URI)
    assert got.name == URI and got.group == "asset"
    assert route.call_count == 1 and len(operation_calls(router_v2)) == 1


async def test_get_by_uri_on_airflow_3_pages_a_substring_filter_for_the_exact_uri(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    # uri_pattern is a substring (ILIKE) match: longer URIs come back too.
    route = router_v2.get("/assets")
    route.side_effect = [
        respx.MockResponse(json=asset_page(asset(1, URI + "-2"), total=3)),
        respx.MockResponse(json=asset_page(asset(2, "X" + URI), asset(7, URI), total=3)),
    ]
    got = await client_v2.assets.get(URI)
    assert got.id == 7
    assert [sent_query(c) for c in route.calls] == [
        [("uri_pattern", URI), ("only_active", "false"), ("offset", "0")],
        [("uri_pattern", URI), ("only_active", "false"), ("offset", "1")],
    ]


async def test_a_uri_no_asset_has_is_not_found_on_airflow_3(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get("/assets").respond(json=asset_page(asset(1, URI + "-longer")))
    with pytest.raises(
        NotFoundError, match=r"No asset has the URI 's3://client-test/dataset'"
    ) as caught:
        await client_v2.assets.get(URI)
    assert caught.value.status == 404
    assert caught.value.response.request.url.path == "/api/v2/assets"


async def test_a_uri_shared_by_several_assets_prefers_the_one_named_after_it(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/assets").respond(
        json=asset_page(asset(3, name="other"), asset(4), asset(9, name="third"))
    )
    assert (await client_v2.assets.get(URI)).id == 4
    route.respond(json=asset_page(asset(3, name="other"), asset(9, name="third")))
    with pytest.raises(ValueError, match=r"ids 3, 9\): pass the id"):
        await client_v2.assets.get(URI)


async def test_get_by_id_on_airflow_2_pages_through_the_datasets(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/datasets")
    route.side_effect = [
        respx.MockResponse(json={"datasets": [dataset(id=1, uri="a")], "total_entries": 2}),
        respx.MockResponse(json={"datasets": [dataset(id=8)], "total_entries": 2}),
    ]
    got = await client.assets.get(8)
    assert (got.id, got.uri) == (8, URI)
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "1"]
    assert all("only_active" not in c.request.url.params for c in route.calls)
    route.side_effect = None
    route.respond(json={"datasets": [dataset(id=1)], "total_entries": 1})
    with pytest.raises(NotFoundError, match="No dataset has the id 99"):
        await client.assets.get(99)


@pytest.mark.parametrize("bad", [True, 1.5, None, b"s3://x"])
async def test_an_asset_is_an_id_or_a_uri(versions: Versioned, bad: Any) -> None:
    with pytest.raises(TypeError, match=r"id \(int\) or a URI \(str\)"):
        await versions.client.assets.get(bad)
    with pytest.raises(ValueError, match="non-empty"):
        await versions.client.assets.get("")
    assert not operation_calls(versions.router)


async def test_list_on_each_api(versions: Versioned) -> None:
    v2 = versions.api_version == "v2"
    path = "/assets" if v2 else "/datasets"
    answer = asset_page(asset(5)) if v2 else {"datasets": [dataset()], "total_entries": 1}
    route = versions.router.get(path).respond(json=answer)
    page = await versions.client.assets.list(dag_ids=["a", "b"], uri_pattern="client-test")
    assert [d.uri for d in page.items] == [URI]
    dag_ids = route.calls.last.request.url.params.get_list("dag_ids")
    # Airflow 2 reads one comma-separated value; Airflow 3 a repeated key.
    assert dag_ids == (["a", "b"] if v2 else ["a,b"])
    if not v2:
        for keyword in ("only_active", "name_pattern", "uri_prefix_pattern"):
            with pytest.raises(UnsupportedByServerError, match=keyword):
                await versions.client.assets.list(**{keyword: "x"})
        assert len(operation_calls(versions.router)) == 1
        return
    await versions.client.assets.list(
        only_active=False, name_pattern="n", name_prefix_pattern="p", uri_prefix_pattern="s3"
    )
    assert sent_query(route.calls.last) == [
        ("offset", "0"),
        ("uri_prefix_pattern", "s3"),
        ("name_pattern", "n"),
        ("name_prefix_pattern", "p"),
        ("only_active", "false"),
    ]


async def test_list_events_on_airflow_3(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    event_v2 = {**event(), "asset_id": 5, "uri": URI, "name": URI, "group": "asset"}
    del event_v2["dataset_id"], event_v2["dataset_uri"]
    route = router_v2.get("/assets/events").respond(
        json={"asset_events": [event_v2], "total_entries": 1}
    )
    after = datetime(2026, 12, 1, tzinfo=timezone.utc)
    [found] = await client_v2.assets.list_events(
        asset_id=5, timestamp_gte=after, timestamp_lt="2026-12-02T00:00:00Z", order_by=["-id"]
    ).to_list()
    assert isinstance(found, AssetEvent) and found.asset_id == 5
    assert sent_query(route.calls.last) == [
        ("offset", "0"),
        ("order_by", "-id"),
        ("asset_id", "5"),
        ("timestamp_gte", "2026-12-01T00:00:00+00:00"),
        ("timestamp_lt", "2026-12-02T00:00:00Z"),
    ]


async def test_timestamp_filters_are_airflow_3_only(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/version").respond(json={"version": "2.11.2", "git_version": ""})
    with pytest.raises(UnsupportedByServerError, match="timestamp_gte"):
        await client.assets.list_events(timestamp_gte="2026-12-01T00:00:00Z")
    assert not operation_calls(router)


async def test_create_event_takes_an_id_or_a_uri_on_each_api(versions: Versioned) -> None:
    v2 = versions.api_version == "v2"
    created = {**event(created_dagruns=[]), "asset_id": 5} if v2 else event(created_dagruns=[])
    post = versions.router.post("/assets/events" if v2 else "/datasets/events").respond(
        json=created
    )
    if v2:
        versions.router.get("/assets").respond(json=asset_page(asset(5)))
    else:
        versions.router.get("/datasets").respond(
            json={"datasets": [dataset(id=5)], "total_entries": 1}
        )
    for key in (5, URI):
        got = await versions.client.assets.create_event(key, extra={"k": 1})
        assert isinstance(got, AssetEvent)
        wanted = {"asset_id": 5} if v2 else {"dataset_uri": URI}
        assert sent_json(post.calls.last) == {**wanted, "extra": {"k": 1}}
    # One lookup each way: a URI on Airflow 3, an id on Airflow 2.
    assert len(operation_calls(versions.router)) == 3


async def test_partition_key_is_airflow_3_only(versions: Versioned) -> None:
    post = versions.router.post("/assets/events").respond(json={**event(), "asset_id": 5})
    if versions.api_version == "v1":
        with pytest.raises(UnsupportedByServerError, match="partition_key"):
            await versions.client.assets.create_event(URI, partition_key="2026-12-01")
        assert not operation_calls(versions.router)
        return
    await versions.client.assets.create_event(5, partition_key="2026-12-01")
    assert sent_json(post.calls.last) == {"asset_id": 5, "partition_key": "2026-12-01"}


async def test_queued_events_by_id_on_airflow_3(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    other = {**QUEUED_V2, "dag_id": "second"}
    listed = router_v2.get("/assets/5/queuedEvents").respond(
        json={"queued_events": [QUEUED_V2, other], "total_entries": 2}
    )
    first = await client_v2.assets.list_queued_events(5, limit=1)
    assert [e.dag_id for e in first.items] == ["consumer"] and first.total_entries == 2
    # The server sends the whole list at once; the client pages through it.
    assert "limit" not in listed.calls.last.request.url.params
    assert [e.dag_id async for e in client_v2.assets.list_queued_events(5, limit=1)] == [
        "consumer",
        "second",
    ]
    assert first.items[0].asset_id == 5

    router_v2.get("/assets/6/queuedEvents").respond(json={"queued_events": [], "total_entries": 0})
    assert await client_v2.assets.list_queued_events(6).to_list() == []

    deleted = router_v2.delete("/assets/5/queuedEvents").respond(204)
    await client_v2.assets.delete_queued_events(5, before="2026-12-02T00:00:00Z")
    assert sent_query(deleted.calls.last) == [("before", "2026-12-02T00:00:00Z")]

    one = router_v2.get("/dags/a%2Fdag/assets/5/queuedEvents").respond(json=QUEUED_V2)
    assert (await client_v2.assets.get_dag_queued_event("a/dag", 5)).dag_id == "consumer"
    assert one.called
    gone = router_v2.delete("/dags/a%2Fdag/assets/5/queuedEvents").respond(204)
    await client_v2.assets.delete_dag_queued_event("a/dag", 5)
    assert gone.called

    per_dag = router_v2.get("/dags/consumer/assets/queuedEvents").respond(
        json={"queued_events": [QUEUED_V2], "total_entries": 1}
    )
    assert len(await client_v2.assets.list_dag_queued_events("consumer").to_list()) == 1
    assert per_dag.called
    all_gone = router_v2.delete("/dags/consumer/assets/queuedEvents").respond(204)
    await client_v2.assets.delete_dag_queued_events("consumer")
    assert all_gone.called


async def test_queued_events_by_uri_on_airflow_3_look_the_id_up_once(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    lookup = router_v2.get("/assets").respond(json=asset_page(asset(5)))
    listed = router_v2.get("/assets/5/queuedEvents").respond(
        json={"queued_events": [QUEUED_V2, QUEUED_V2], "total_entries": 2}
    )
    assert len([e async for e in client_v2.assets.list_queued_events(URI, limit=1)]) == 2
    assert lookup.call_count == 1 and listed.call_count == 2
    missing = router_v2.delete("/dags/consumer/assets/5/queuedEvents").respond(
        404,
        json={"detail": "Queued event with dag_id: `consumer` and asset_id: `5` was not found"},
    )
    with pytest.raises(NotFoundError):
        await client_v2.assets.delete_dag_queued_event("consumer", URI)
    assert missing.called


async def test_queued_events_by_id_on_airflow_2_use_the_uri(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/datasets").respond(json={"datasets": [dataset(id=5)], "total_entries": 1})
    one = router.get(f"/dags/consumer/datasets/queuedEvent/{ENCODED}").respond(json=QUEUED)
    assert (await client.assets.get_dag_queued_event("consumer", 5)).uri == URI
    assert one.called


async def test_an_unknown_uri_fails_before_the_queue_is_asked(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get("/assets").respond(json=asset_page())
    queue = router_v2.route(path__regex=r".*queuedEvents").respond(204)
    with pytest.raises(NotFoundError):
        await client_v2.assets.delete_queued_events(URI)
    assert not queue.called


# -- Airflow 3 only ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.assets.list_aliases(),
        lambda c: c.assets.get_alias(1),
        lambda c: c.assets.materialize(URI),
    ],
    ids=["list_aliases", "get_alias", "materialize"],
)
async def test_airflow_3_methods_are_refused_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, call: Any
) -> None:
    with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
        await call(client)
    assert not operation_calls(router)


async def test_aliases(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    alias = {"id": 2, "name": "alias-1", "group": "asset"}
    listed = router_v2.get("/assets/aliases").respond(
        json={"asset_aliases": [alias], "total_entries": 1}
    )
    [got] = await client_v2.assets.list_aliases(name_pattern="alias", order_by="name").to_list()
    assert isinstance(got, AssetAlias) and (got.id, got.name, got.group) == (2, "alias-1", "asset")
    assert sent_query(listed.calls.last) == [
        ("offset", "0"),
        ("order_by", "name"),
        ("name_pattern", "alias"),
    ]
    router_v2.get("/assets/aliases/2").respond(json=alias)
    assert await client_v2.assets.get_alias(2) == got


async def test_materialize(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    run = {
        **payloads.dag_run("producer", "asset_materialization__1"),
        "run_type": "asset_materialization",
    }
    route = router_v2.post("/assets/5/materialize").respond(json=run)
    got = await client_v2.assets.materialize(5)
    assert isinstance(got, DAGRun) and got.dag_id == "producer"
    assert not route.calls.last.request.content  # no settings, no body
    when = datetime(2026, 12, 1, tzinfo=timezone.utc)
    await client_v2.assets.materialize(5, dag_run_id="r1", logical_date=when, conf={"a": 1})
    assert sent_json(route.calls.last) == {
        "dag_run_id": "r1",
        "logical_date": "2026-12-01T00:00:00+00:00",
        "conf": {"a": 1},
    }
    with pytest.raises(ValueError, match="naive"):
        await client_v2.assets.materialize(5, run_after=datetime(2026, 12, 1))
    router_v2.post("/assets/6/materialize").respond(
        409, json={"detail": "More than one Dag materializes asset with ID: 6"}
    )
    with pytest.raises(ConflictError, match="More than one"):
        await client_v2.assets.materialize(6)
    router_v2.post("/assets/7/materialize").respond(
        400, json={"detail": "Dag with dag_id: 'p' does not allow asset materialization runs"}
    )
    with pytest.raises(BadRequestError):
        await client_v2.assets.materialize(7)


async def test_materialize_settings_need_airflow_3_3() -> None:
    async with airflow3("3.2.0") as (client, router):
        route = router.post("/assets/5/materialize").respond(json=payloads.dag_run("p", "r"))
        with pytest.raises(UnsupportedByServerError, match="dag_run_id") as caught:
            await client.assets.materialize(5, dag_run_id="r1")
        assert caught.value.since == (3, 3)
        assert not route.called
        await client.assets.materialize(5)
        assert route.called


async def test_an_id_lookup_on_airflow_2_stops_at_the_page_holding_it(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/datasets").respond(
        json={"datasets": [dataset(id=3), dataset(id=4, uri="b")], "total_entries": 500}
    )
    assert (await client.assets.get(3)).uri == URI
    assert route.call_count == 1


async def test_an_empty_queue_on_airflow_3_0_and_3_1_is_an_empty_list() -> None:
    # 3.0 and 3.1 answer an empty queue list with 404, as Airflow 2 does (measured on 3.0.6).
    async with airflow3("3.0.6") as (client, router):
        router.get("/dags/consumer/assets/queuedEvents").respond(
            404, json={"detail": "Queue event with dag_id: `consumer` was not found"}
        )
        router.get("/assets/5/queuedEvents").respond(
            404, json={"detail": "Queue event with asset_id: `5` was not found"}
        )
        assert await client.assets.list_dag_queued_events("consumer").to_list() == []
        assert await client.assets.list_queued_events(5).to_list() == []
        # A delete that finds nothing is still an error, and so is a missing route.
        router.delete("/assets/5/queuedEvents").respond(
            404, json={"detail": "Queue event with asset_id: `5` was not found"}
        )
        with pytest.raises(NotFoundError):
            await client.assets.delete_queued_events(5)
        router.get("/assets/6/queuedEvents").respond(404, json={"error": "API route not found"})
        with pytest.raises(NotFoundError):
            await client.assets.list_queued_events(6).to_list()
