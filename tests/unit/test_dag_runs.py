"""client.dag_runs against a respx router."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, ConflictError
from airflow_client_async.models import DAGRun, DagState, TaskInstanceCollection

from . import payloads


async def test_trigger_sends_only_what_was_given(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/d/dagRuns").respond(json=payloads.dag_run("d", "run-1"))
    when = datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    run = await client.dag_runs.trigger(
        "d", dag_run_id="run-1", logical_date=when, conf={"n": 1}, note="hi"
    )
    assert isinstance(run, DAGRun)
    assert run.dag_run_id == "run-1"
    assert run.state is DagState.QUEUED
    assert json.loads(route.calls.last.request.content) == {
        "dag_run_id": "run-1",
        "logical_date": "2024-05-01T12:00:00+02:00",
        "conf": {"n": 1},
        "note": "hi",
    }
    await client.dag_runs.trigger("d")
    assert json.loads(route.calls.last.request.content) == {}


async def test_trigger_duplicate_is_a_conflict(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.post("/dags/d/dagRuns").respond(
        409,
        json=payloads.problem(
            409, "Conflict", "DAGRun with DAG ID: 'd' and DAGRun ID: 'r' already exists"
        ),
        headers={"Content-Type": "application/problem+json"},
    )
    with pytest.raises(ConflictError, match="already exists"):
        await client.dag_runs.trigger("d", dag_run_id="r")


async def test_trigger_refuses_naive_logical_date(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="logical_date is a naive datetime"):
        await client.dag_runs.trigger("d", logical_date=datetime(2024, 1, 1))


async def test_list_defaults_to_every_dag_and_pages(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    runs = [payloads.dag_run("d", f"r{n}") for n in range(12)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"dag_runs": runs[offset : offset + 5], "total_entries": 12}
        )

    route = router.get("/dags/~/dagRuns").mock(side_effect=answer)
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    ids = [
        r.dag_run_id
        async for r in client.dag_runs.list(state=["success", DagState.FAILED], start_date_gte=when)
    ]
    assert ids == [f"r{n}" for n in range(12)]
    params = route.calls.last.request.url.params
    assert params.get_list("state") == ["success", "failed"]
    assert params["start_date_gte"] == "2024-01-01T00:00:00+00:00"
    assert "%2B00%3A00" in str(route.calls.last.request.url)


async def test_list_passes_date_strings_unchanged(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/dags/d/dagRuns").respond(json={"dag_runs": [], "total_entries": 0})
    await client.dag_runs.list("d", execution_date_gte="2024-01-01T00:00:00")
    assert route.calls.last.request.url.params["execution_date_gte"] == "2024-01-01T00:00:00"


async def test_list_batch_pages_through_the_body(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    runs = [payloads.dag_run("d", f"r{n}") for n in range(7)]

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        start, size = body["page_offset"], min(body.get("page_limit", 100), 3)
        return httpx.Response(
            200, json={"dag_runs": runs[start : start + size], "total_entries": 7}
        )

    route = router.post("/dags/~/dagRuns/list").mock(side_effect=answer)
    got = [
        r.dag_run_id
        async for r in client.dag_runs.list_batch(dag_ids=["d"], states=["queued"], limit=3)
    ]
    assert got == [f"r{n}" for n in range(7)]
    assert [json.loads(c.request.content) for c in route.calls] == [
        {"dag_ids": ["d"], "states": ["queued"], "page_offset": n, "page_limit": 3}
        for n in (0, 3, 6)
    ]


async def test_list_batch_is_retried_like_a_read(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/~/dagRuns/list").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json={"dag_runs": [], "total_entries": 0}),
        ]
    )
    page = await client.dag_runs.list_batch()
    assert page.items == []
    assert route.call_count == 2


async def test_run_ids_with_plus_and_colons_are_encoded(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    run_id = "scheduled__2024-01-01T00:00:00+00:00"
    route = router.get(url__regex=r".*").respond(json=payloads.dag_run("d", run_id))
    run = await client.dag_runs.get("d", run_id)
    assert run.dag_run_id == run_id
    assert (
        route.calls.last.request.url.raw_path
        == b"/api/v1/dags/d/dagRuns/scheduled__2024-01-01T00%3A00%3A00%2B00%3A00"
    )


async def test_update_state(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.patch("/dags/d/dagRuns/r").respond(
        json=payloads.dag_run("d", "r", state="failed")
    )
    run = await client.dag_runs.update_state("d", "r", state=DagState.FAILED)
    assert json.loads(route.calls.last.request.content) == {"state": "failed"}
    assert run.state is DagState.FAILED


async def test_clear_dry_run_lists_task_instances(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/d/dagRuns/r/clear").respond(
        json={
            "task_instances": [{"task_id": "t", "dag_id": "d", "state": None}],
            "total_entries": 1,
        }
    )
    result = await client.dag_runs.clear("d", "r")
    assert isinstance(result, TaskInstanceCollection)
    assert json.loads(route.calls.last.request.content) == {"dry_run": True}
    route.respond(json=payloads.dag_run("d", "r", state="queued"))
    cleared = await client.dag_runs.clear("d", "r", dry_run=False)
    assert isinstance(cleared, DAGRun)


async def test_delete_and_note(client: AsyncClient, router: respx.MockRouter) -> None:
    deleted = router.delete("/dags/d/dagRuns/r").respond(204)
    await client.dag_runs.delete("d", "r")
    assert deleted.called
    noted = router.patch("/dags/d/dagRuns/r/setNote").respond(
        json=payloads.dag_run("d", "r", note="n")
    )
    run = await client.dag_runs.set_note("d", "r", "n")
    assert json.loads(noted.calls.last.request.content) == {"note": "n"}
    assert run.note == "n"


async def test_upstream_dataset_events(client: AsyncClient, router: respx.MockRouter) -> None:
    event = {
        "created_dagruns": [
            {"dag_id": "consumer", "dag_run_id": "dataset_triggered__x", "state": "queued"}
        ],
        "dataset_id": 1,
        "dataset_uri": "s3://bucket/key",
        "extra": {"from": "api"},
        "id": 3,
        "source_dag_id": "producer",
        "source_map_index": -1,
        "source_run_id": "manual__1",
        "source_task_id": "produce",
        "timestamp": "2024-05-01T12:00:00.5+00:00",
    }
    router.get("/dags/d/dagRuns/r/upstreamDatasetEvents").respond(
        json={"dataset_events": [event], "total_entries": 1}
    )
    events = await client.dag_runs.list_upstream_dataset_events("d", "r")
    assert events[0].dataset_uri == "s3://bucket/key"
    assert events[0].created_dagruns is not None
    assert events[0].created_dagruns[0].dag_run_id == "dataset_triggered__x"
