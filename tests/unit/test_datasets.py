"""client.datasets against a respx router."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import pytest
import respx

from airflow_client_async import AsyncClient, NotFoundError
from airflow_client_async.models import Dataset, DatasetEvent, QueuedEvent

from . import payloads

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
    got = await client.datasets.get(URI)
    assert route.calls.last.request.url.raw_path == f"/api/v1/datasets/{ENCODED}".encode()
    assert isinstance(got, Dataset) and got.uri == URI
    assert [d.dag_id for d in got.consuming_dags or []] == ["consumer"]
    assert got.extra_fields == {"aliases": []}


async def test_list_joins_dag_ids(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/datasets").respond(json={"datasets": [dataset()], "total_entries": 7})
    page = await client.datasets.list(
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
    assert [d.uri async for d in client.datasets.list(uri_pattern="client")] == [URI]
    assert route.call_count == 2


async def test_list_events_filters(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/datasets/events").respond(
        json={"dataset_events": [event()], "total_entries": 1}
    )
    events = [
        e
        async for e in client.datasets.list_events(
            order_by="-timestamp",
            dataset_id=1,
            source_dag_id="producer",
            source_task_id="produce",
            source_run_id="run 1",
            source_map_index=-1,
        )
    ]
    assert len(events) == 1 and isinstance(events[0], DatasetEvent)
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
    created = await client.datasets.create_event(URI, extra={"k": 1})
    assert created.extra == {"k": 1, "from_rest_api": True} and created.created_dagruns == []
    assert json.loads(route.calls.last.request.content) == {"dataset_uri": URI, "extra": {"k": 1}}
    await client.datasets.create_event(URI)
    assert json.loads(route.calls.last.request.content) == {"dataset_uri": URI}
    with pytest.raises(ValueError, match="non-empty"):
        await client.datasets.create_event("")


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
    [found] = await client.datasets.list_queued_events(URI, before=before)
    assert isinstance(found, QueuedEvent) and found.uri == URI
    assert found.created_at == datetime(2024, 5, 1, 12, 0, 1, 638914, tzinfo=timezone.utc)
    assert per_dataset.calls.last.request.url.params["before"] == "2024-05-02T00:00:00+00:00"
    assert await client.datasets.list_dag_queued_events("consumer") == [found]
    assert "before" not in per_dag.calls.last.request.url.params


async def test_an_empty_queue_is_an_empty_list(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"/datasets/queuedEvent/{ENCODED}").respond(404, json=EMPTY_QUEUE)
    router.get("/dags/consumer/datasets/queuedEvent").respond(404, json=EMPTY_QUEUE)
    assert await client.datasets.list_queued_events(URI) == []
    assert await client.datasets.list_dag_queued_events("consumer") == []


async def test_a_404_of_another_kind_still_raises(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/dags/consumer/datasets/queuedEvent").respond(
        404, json={"detail": "The requested URL was not found", "status": 404, "title": "Not Found"}
    )
    with pytest.raises(NotFoundError):
        await client.datasets.list_dag_queued_events("consumer")


async def test_one_queued_event_and_the_deletes(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    one = f"/dags/a%2Fdag/datasets/queuedEvent/{ENCODED}"
    got = router.get(one).respond(json=QUEUED)
    event_ = await client.datasets.get_dag_queued_event("a/dag", URI, before="2024-05-02T00:00:00Z")
    assert event_.dag_id == "consumer"
    assert got.calls.last.request.url.params["before"] == "2024-05-02T00:00:00Z"

    routes = [
        router.delete(one).respond(204),
        router.delete("/dags/a%2Fdag/datasets/queuedEvent").respond(204),
        router.delete(f"/datasets/queuedEvent/{ENCODED}").respond(404, json=EMPTY_QUEUE),
    ]
    await client.datasets.delete_dag_queued_event("a/dag", URI)
    await client.datasets.delete_dag_queued_events("a/dag", before="2024-05-02T00:00:00Z")
    assert routes[1].calls.last.request.url.params["before"] == "2024-05-02T00:00:00Z"
    with pytest.raises(NotFoundError):
        await client.datasets.delete_queued_events(URI)
    assert all(r.called for r in routes)


def test_list_refuses_dag_ids_the_server_would_split(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="DAG id"):
        client.datasets.list(dag_ids=["a,b"])
    with pytest.raises(ValueError, match="DAG id"):
        client.datasets.list(dag_ids=[])
