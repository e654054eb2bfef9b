"""client.dag_runs against a respx router, on both APIs."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    BearerAuth,
    ConflictError,
    NotFoundError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async.models import ClearPartitionsResult, DAGRun, DagRunState, TaskInstance

from . import payloads
from .conftest import API_V2, BASE, Versioned
from .dag_payloads import (
    answer_version,
    body_of,
    dag_run,
    dag_run_v2,
    error,
    operation_calls,
)

WHEN = datetime(2024, 5, 1, 12, tzinfo=timezone(timedelta(hours=2)))


async def test_trigger_sends_only_what_was_given_on_v1(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/d/dagRuns").respond(json=payloads.dag_run("d", "run-1"))
    run = await client.dag_runs.trigger(
        "d", dag_run_id="run-1", logical_date=WHEN, conf={"n": 1}, note="hi"
    )
    assert isinstance(run, DAGRun)
    assert run.dag_run_id == "run-1"
    assert run.state is DagRunState.QUEUED
    assert body_of(route.calls.last.request) == {
        "dag_run_id": "run-1",
        "logical_date": "2024-05-01T12:00:00+02:00",
        "conf": {"n": 1},
        "note": "hi",
    }
    # Airflow 2 takes the time of the trigger for a logical date it is not sent.
    await client.dag_runs.trigger("d")
    assert body_of(route.calls.last.request) == {}


async def test_trigger_on_v2_always_sends_a_logical_date(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.post("/dags/d/dagRuns").respond(json=dag_run_v2("d", "run-1"))
    run = await client_v2.dag_runs.trigger("d")
    assert run.dag_run_id == "run-1" and run.logical_date is None
    # Airflow 3 requires the key: null means "no logical date" (absent is a 422).
    assert body_of(route.calls.last.request) == {"logical_date": None}
    after = datetime(2030, 1, 1, tzinfo=timezone.utc)
    await client_v2.dag_runs.trigger(
        "d",
        dag_run_id="run-2",
        logical_date=WHEN,
        conf={"n": [1, None]},
        note=None,
        run_after=after,
        partition_key="2030-01",
    )
    assert body_of(route.calls.last.request) == {
        "dag_run_id": "run-2",
        "logical_date": "2024-05-01T12:00:00+02:00",
        "conf": {"n": [1, None]},
        "note": None,
        "run_after": "2030-01-01T00:00:00+00:00",
        "partition_key": "2030-01",
    }


@pytest.mark.parametrize(
    ("keyword", "value"),
    [("run_after", datetime(2030, 1, 1, tzinfo=timezone.utc)), ("partition_key", "p")],
)
async def test_trigger_refuses_v2_fields_on_v1(
    client: AsyncClient, router: respx.MockRouter, keyword: str, value: object
) -> None:
    answer_version(router)
    router.route().respond(200)
    with pytest.raises(UnsupportedByServerError) as caught:
        await client.dag_runs.trigger("d", **{keyword: value})  # type: ignore[arg-type]
    assert caught.value.parameter == keyword
    assert operation_calls(router) == []


async def test_trigger_duplicate_is_a_conflict(versions: Versioned) -> None:
    body = (
        payloads.problem(
            409, "Conflict", "DAGRun with DAG ID: 'd' and DAGRun ID: 'r' already exists"
        )
        if versions.api_version == "v1"
        else {
            "detail": {
                "reason": "Unique constraint violation",
                "statement": "hidden",
                "orig_error": "hidden",
                "message": "Serious error when handling your request. Check logs for more details",
            }
        }
    )
    route = versions.router.post("/dags/d/dagRuns").respond(409, json=body)
    with pytest.raises(ConflictError):
        await versions.client.dag_runs.trigger("d", dag_run_id="r")
    assert route.call_count == 1  # not retried


async def test_trigger_refuses_naive_logical_date(versions: Versioned) -> None:
    versions.router.route().respond(200)
    with pytest.raises(ValueError, match="logical_date is a naive datetime"):
        await versions.client.dag_runs.trigger("d", logical_date=datetime(2024, 1, 1))
    assert operation_calls(versions.router) == []


async def test_a_run_id_airflow_3_refuses_is_a_bad_request(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.post("/dags/d/dagRuns").respond(
        400, json={"detail": "The run_id 'a..b' must not contain '..' to prevent path traversal"}
    )
    with pytest.raises(BadRequestError, match="must not contain"):
        await client_v2.dag_runs.trigger("d", dag_run_id="a..b")


async def test_list_defaults_to_every_dag_and_pages(versions: Versioned) -> None:
    runs = [dag_run(versions.api_version, "d", f"r{n}") for n in range(12)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"dag_runs": runs[offset : offset + 5], "total_entries": 12}
        )

    route = versions.router.get("/dags/~/dagRuns").mock(side_effect=answer)
    when = datetime(2024, 1, 1, tzinfo=timezone.utc)
    ids = [
        r.dag_run_id
        async for r in versions.client.dag_runs.list(
            state=["success", DagRunState.FAILED], start_date_gte=when
        )
    ]
    assert ids == [f"r{n}" for n in range(12)]
    params = route.calls.last.request.url.params
    assert params.get_list("state") == ["success", "failed"]
    assert params["start_date_gte"] == "2024-01-01T00:00:00+00:00"
    assert "%2B00%3A00" in str(route.calls.last.request.url)


async def test_list_names_the_logical_date_by_each_api(versions: Versioned) -> None:
    route = versions.router.get("/dags/d/dagRuns").respond(
        json={"dag_runs": [], "total_entries": 0}
    )
    await versions.client.dag_runs.list(
        "d", logical_date_gte="2024-01-01T00:00:00Z", logical_date_lte=WHEN
    )
    params = route.calls.last.request.url.params
    # Airflow 3 silently ignores execution_date_*; Airflow 2 knows only that name.
    name = "execution_date" if versions.api_version == "v1" else "logical_date"
    other = "logical_date" if versions.api_version == "v1" else "execution_date"
    assert params[f"{name}_gte"] == "2024-01-01T00:00:00Z"  # a string is sent unchanged
    assert params[f"{name}_lte"] == "2024-05-01T12:00:00+02:00"
    assert f"{other}_gte" not in params and f"{other}_lte" not in params


async def test_list_sends_v2_filters(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get("/dags/~/dagRuns").respond(json={"dag_runs": [], "total_entries": 0})
    await client_v2.dag_runs.list(
        order_by=["-run_after", "dag_id"],
        fields=["state"],
        logical_date_gt=WHEN,
        run_after_lt=WHEN,
        duration_gte=1.5,
        conf_contains='"x"',
        run_type=["manual", "backfill"],
        dag_version=[1, 2],
        run_id_pattern="api__",
        dag_id_prefix_pattern="etl",
        partition_date_gte=date(2026, 1, 1),
        updated_at_gt="2026-01-01T00:00:00Z",
    )
    params = route.calls.last.request.url.params
    assert params.get_list("order_by") == ["-run_after", "dag_id"]
    assert "fields" not in params
    assert params["logical_date_gt"] == "2024-05-01T12:00:00+02:00"
    assert params["run_after_lt"] == "2024-05-01T12:00:00+02:00"
    assert params["duration_gte"] == "1.5"
    assert params["conf_contains"] == '"x"'
    assert params.get_list("run_type") == ["manual", "backfill"]
    assert params.get_list("dag_version") == ["1", "2"]
    assert params["run_id_pattern"] == "api__"
    assert params["dag_id_prefix_pattern"] == "etl"
    assert params["partition_date_gte"] == "2026-01-01"
    assert params["updated_at_gt"] == "2026-01-01T00:00:00Z"


@pytest.mark.parametrize(
    "keyword", ["logical_date_gt", "run_after_gte", "duration_lt", "run_id_pattern", "run_type"]
)
async def test_list_refuses_v2_filters_on_v1(
    client: AsyncClient, router: respx.MockRouter, keyword: str
) -> None:
    answer_version(router)
    router.route().respond(200, json={"dag_runs": [], "total_entries": 0})
    value = ["manual"] if keyword == "run_type" else "x"
    with pytest.raises(UnsupportedByServerError) as caught:
        await client.dag_runs.list("d", **{keyword: value})  # type: ignore[arg-type]
    assert caught.value.parameter == keyword
    assert operation_calls(router) == []


async def test_list_and_get_fields_add_the_identity_on_v1(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    listed = router.get("/dags/d/dagRuns").respond(json={"dag_runs": [], "total_entries": 0})
    await client.dag_runs.list("d", fields=["state", "dag_id"])
    assert listed.calls.last.request.url.params.get_list("fields") == [
        "dag_id",
        "dag_run_id",
        "state",
    ]
    got = router.get("/dags/d/dagRuns/r").respond(json={"dag_id": "d", "dag_run_id": "r"})
    run = await client.dag_runs.get("d", "r", fields=["conf"])
    assert (run.dag_id, run.dag_run_id) == ("d", "r")
    assert got.calls.last.request.url.params.get_list("fields") == ["dag_id", "dag_run_id", "conf"]


async def test_get_does_not_send_fields_on_v2(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/dags/d/dagRuns/r").respond(json=dag_run_v2("d", "r"))
    run = await client_v2.dag_runs.get("d", "r", fields=["state"])
    assert run.dag_run_id == "r" and run.state is DagRunState.QUEUED
    assert dict(route.calls.last.request.url.params) == {}


async def test_list_batch_pages_through_the_body(versions: Versioned) -> None:
    runs = [dag_run(versions.api_version, "d", f"r{n}") for n in range(7)]

    def answer(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        start, size = body["page_offset"], min(body.get("page_limit", 100), 3)
        return httpx.Response(
            200, json={"dag_runs": runs[start : start + size], "total_entries": 7}
        )

    # Airflow 2's batch route has ~ in its path; Airflow 3's takes the DAG id "~".
    route = versions.router.post("/dags/~/dagRuns/list").mock(side_effect=answer)
    got = [
        r.dag_run_id
        async for r in versions.client.dag_runs.list_batch(
            dag_ids=("d",), state=["queued"], logical_date_gte=WHEN, order_by="-start_date", limit=3
        )
    ]
    assert got == [f"r{n}" for n in range(7)]
    date_key = "execution_date_gte" if versions.api_version == "v1" else "logical_date_gte"
    assert [body_of(c.request) for c in route.calls] == [
        {
            "dag_ids": ["d"],
            "states": ["queued"],
            date_key: "2024-05-01T12:00:00+02:00",
            "order_by": "-start_date",
            "page_offset": n,
            "page_limit": 3,
        }
        for n in (0, 3, 6)
    ]


async def test_list_batch_refuses_v2_filters_on_v1(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    answer_version(router)
    router.route().respond(200)
    with pytest.raises(UnsupportedByServerError, match="duration_gt"):
        await client.dag_runs.list_batch(duration_gt=3.0)
    assert operation_calls(router) == []


async def test_list_batch_is_retried_like_a_read(versions: Versioned) -> None:
    route = versions.router.post("/dags/~/dagRuns/list").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json={"dag_runs": [], "total_entries": 0}),
        ]
    )
    page = await versions.client.dag_runs.list_batch()
    assert page.items == []
    assert route.call_count == 2
    assert body_of(route.calls.last.request) == {"page_offset": 0}


async def test_run_ids_with_plus_and_colons_are_encoded(versions: Versioned) -> None:
    run_id = "scheduled__2024-01-01T00:00:00+00:00"
    route = versions.router.get(url__regex=r".*/dagRuns/.*").respond(
        json=dag_run(versions.api_version, "d", run_id)
    )
    run = await versions.client.dag_runs.get("d", run_id)
    assert run.dag_run_id == run_id
    assert (
        route.calls.last.request.url.raw_path
        == (
            f"/api/{versions.api_version}/dags/d/dagRuns/"
            "scheduled__2024-01-01T00%3A00%3A00%2B00%3A00"
        ).encode()
    )


async def test_update_state_on_v1(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.patch("/dags/d/dagRuns/r").respond(
        json=payloads.dag_run("d", "r", state="failed")
    )
    run = await client.dag_runs.update("d", "r", state=DagRunState.FAILED)
    assert body_of(route.calls.last.request) == {"state": "failed"}
    assert "update_mask" not in route.calls.last.request.url.params
    assert run.state is DagRunState.FAILED


async def test_update_note_on_v1_uses_set_note(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    noted = router.patch("/dags/d/dagRuns/r/setNote").respond(
        json=payloads.dag_run("d", "r", note="n")
    )
    run = await client.dag_runs.update("d", "r", note="n")
    assert body_of(noted.calls.last.request) == {"note": "n"}
    assert run.note == "n"


async def test_update_both_on_v1_takes_two_requests(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    state = router.patch("/dags/d/dagRuns/r").respond(
        json=payloads.dag_run("d", "r", state="success")
    )
    note = router.patch("/dags/d/dagRuns/r/setNote").respond(
        json=payloads.dag_run("d", "r", state="success", note="done")
    )
    run = await client.dag_runs.update("d", "r", state="success", note="done")
    assert (state.call_count, note.call_count) == (1, 1)
    assert body_of(state.calls.last.request) == {"state": "success"}
    assert body_of(note.calls.last.request) == {"note": "done"}
    assert (run.state, run.note) == (DagRunState.SUCCESS, "done")


async def test_update_on_v2_is_one_patch_with_a_repeated_mask(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch("/dags/d/dagRuns/r").respond(
        json=dag_run_v2("d", "r", state="success", note="done")
    )
    run = await client_v2.dag_runs.update("d", "r", state="success", note="done")
    request = route.calls.last.request
    # A comma-joined mask updates nothing on Airflow 3.
    assert request.url.params.get_list("update_mask") == ["state", "note"]
    assert body_of(request) == {"state": "success", "note": "done"}
    assert (run.state, run.note) == (DagRunState.SUCCESS, "done")
    await client_v2.dag_runs.update("d", "r", note=None)
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["note"]
    assert body_of(request) == {"note": None}
    assert route.call_count == 2


async def test_update_needs_a_field(versions: Versioned) -> None:
    versions.router.route().respond(200)
    with pytest.raises(ValueError, match="at least one field"):
        await versions.client.dag_runs.update("d", "r")
    assert operation_calls(versions.router) == []


async def test_clear_dry_run_lists_task_instances(versions: Versioned) -> None:
    preview = {
        "task_instances": [
            {
                "task_id": "t",
                "dag_id": "d",
                "dag_run_id": "r",
                "map_index": -1,
                "try_number": 1,
                "state": None,
            }
        ],
        "total_entries": 1,
    }
    if versions.api_version == "v1":
        # Airflow 2 previews with references only; the instances are then read in one list.
        references = {
            "task_instances": [
                {"task_id": "t", "dag_id": "d", "dag_run_id": "r", "execution_date": None}
            ]
        }
        route = versions.router.post("/dags/d/dagRuns/r/clear").respond(json=references)
        versions.router.post("/dags/~/dagRuns/~/taskInstances/list").respond(json=preview)
    else:
        route = versions.router.post("/dags/d/dagRuns/r/clear").respond(json=preview)
    would = await versions.client.dag_runs.clear("d", "r")
    assert [(i.task_id, i.dag_run_id) for i in would] == [("t", "r")]
    assert all(isinstance(i, TaskInstance) for i in would)
    # The default differs between the servers' versions, so the choice is always sent.
    assert body_of(route.calls.last.request) == {"dry_run": True}
    route.respond(json=dag_run(versions.api_version, "d", "r", state="queued"))
    cleared = await versions.client.dag_runs.clear("d", "r", dry_run=False)
    assert isinstance(cleared, DAGRun) and cleared.state is DagRunState.QUEUED
    assert body_of(route.calls.last.request) == {"dry_run": False}


async def test_clear_on_v2_takes_its_options(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.post("/dags/d/dagRuns/r/clear").respond(json=dag_run_v2("d", "r"))
    await client_v2.dag_runs.clear(
        "d", "r", dry_run=False, only_failed=True, only_new=False, note="again"
    )
    assert body_of(route.calls.last.request) == {
        "dry_run": False,
        "only_failed": True,
        "only_new": False,
        "note": "again",
    }


async def test_clear_refuses_v2_options_on_v1(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    answer_version(router)
    router.route().respond(200)
    with pytest.raises(UnsupportedByServerError, match="only_failed"):
        await client.dag_runs.clear("d", "r", only_failed=True)
    assert operation_calls(router) == []


async def test_delete(versions: Versioned) -> None:
    deleted = versions.router.delete("/dags/d/dagRuns/r").respond(204)
    assert await versions.client.dag_runs.delete("d", "r") is None
    assert deleted.called


async def test_delete_a_running_run_on_v2(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.delete("/dags/d/dagRuns/r").respond(
        409, json={"detail": "The DagRun with dag_id: `d` and run_id: `r` is running"}
    )
    with pytest.raises(ConflictError, match="is running"):
        await client_v2.dag_runs.delete("d", "r")


async def test_upstream_events_on_v1(client: AsyncClient, router: respx.MockRouter) -> None:
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
    route = router.get("/dags/d/dagRuns/r/upstreamDatasetEvents").respond(
        json={"dataset_events": [event], "total_entries": 1}
    )
    events = await client.dag_runs.list_upstream_asset_events("d", "r")
    assert events.total_entries == 1
    assert events[0].dataset_uri == "s3://bucket/key"
    assert events[0].created_dagruns is not None
    assert events[0].created_dagruns[0].dag_run_id == "dataset_triggered__x"
    assert dict(route.calls.last.request.url.params) == {}


async def test_upstream_events_on_v2(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    event = {
        "id": 3,
        "asset_id": 1,
        "uri": "s3://bucket/key",
        "name": "key",
        "group": "asset",
        "extra": {},
        "source_task_id": "produce",
        "source_dag_id": "producer",
        "source_run_id": "manual__1",
        "source_map_index": -1,
        "created_dagruns": [],
        "timestamp": "2026-12-01T12:00:00Z",
        "partition_key": None,
    }
    router_v2.get("/dags/d/dagRuns/r/upstreamAssetEvents").respond(
        json={"asset_events": [event, {**event, "id": 4}], "total_entries": 2}
    )
    events = [e async for e in client_v2.dag_runs.list_upstream_asset_events("d", "r", limit=1)]
    assert [e.source_run_id for e in events] == ["manual__1", "manual__1"]
    assert [e.id for e in events] == [3, 4]


async def test_unknown_enum_values_are_kept(versions: Versioned) -> None:
    versions.router.get("/dags/d/dagRuns/r").respond(
        json=dag_run(versions.api_version, "d", "r", state="paused_forever")
    )
    run = await versions.client.dag_runs.get("d", "r")
    assert run.state == "paused_forever"
    versions.router.get("/dags/d/dagRuns/s").respond(
        json=dag_run(versions.api_version, "d", "s", state="success")
    )
    assert (await versions.client.dag_runs.get("d", "s")).state is DagRunState.SUCCESS


# -- Airflow 3 only -----------------------------------------------------------------


async def test_clear_many(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    instance = {"task_id": "t", "dag_id": "d", "dag_run_id": "r1", "map_index": -1, "try_number": 1}
    preview = {"task_instances": [instance], "total_entries": 1}
    route = router_v2.post("/dags/d/clearDagRuns").respond(json=preview)
    would = await client_v2.dag_runs.clear_many("d", dag_runs=["r1", ("d", "r2")], only_failed=True)
    assert [i.task_id for i in would] == ["t"]
    assert body_of(route.calls.last.request) == {
        "dag_runs": [{"dag_run_id": "r1"}, {"dag_run_id": "r2", "dag_id": "d"}],
        "dry_run": True,
        "only_failed": True,
    }
    route.respond(json={"dag_runs": [dag_run_v2("d", "r1"), dag_run_v2("d", "r2")]})
    cleared = await client_v2.dag_runs.clear_many("d", partition_key="2026-01", dry_run=False)
    assert [r.dag_run_id for r in cleared] == ["r1", "r2"]
    assert body_of(route.calls.last.request) == {"partition_key": "2026-01", "dry_run": False}


async def test_clear_many_across_dags_needs_pairs(client_v2: AsyncClient) -> None:
    with pytest.raises(ValueError, match=r"\(dag_id, dag_run_id\)"):
        await client_v2.dag_runs.clear_many("~", dag_runs=["r1"])


async def test_clear_many_invalid_selection_is_a_422(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.post("/dags/d/clearDagRuns").respond(
        422, json={"detail": [{"type": "value_error", "loc": ["body"], "msg": "one mode"}]}
    )
    with pytest.raises(UnprocessableEntityError):
        await client_v2.dag_runs.clear_many("d")


async def test_clear_partitions(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.post("/dags/d/clearPartitions").respond(
        json={"dag_runs_cleared": 2, "task_instances_cleared": 5, "dry_run": True}
    )
    result = await client_v2.dag_runs.clear_partitions(
        "d", dag_run_id="r", clear_task_instances=True
    )
    assert isinstance(result, ClearPartitionsResult)
    assert (result.dag_runs_cleared, result.task_instances_cleared, result.dry_run) == (2, 5, True)
    # The body names the run run_id.
    assert body_of(route.calls.last.request) == {
        "run_id": "r",
        "clear_task_instances": True,
        "dry_run": True,
    }
    await client_v2.dag_runs.clear_partitions(
        "d", partition_date_start=datetime(2026, 1, 1, tzinfo=timezone.utc), dry_run=False
    )
    assert body_of(route.calls.last.request) == {
        "partition_date_start": "2026-01-01T00:00:00+00:00",
        "dry_run": False,
    }


async def test_bulk(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.patch("/dags/d/dagRuns").respond(
        json={
            "update": {"success": ["d.r1"], "errors": []},
            "delete": {
                "success": ["d.r3"],
                "errors": [
                    {
                        "error": "The DagRun with dag_id: `d` and run_id: `r4` cannot be "
                        "deleted in running state",
                        "status_code": 409,
                    }
                ],
            },
        }
    )
    result = await client_v2.dag_runs.bulk(
        "d",
        update=[{"dag_run_id": "r1", "state": "failed", "note": "stop"}],
        delete=["r3", ("d", "r4")],
        on_non_existence="skip",
    )
    assert body_of(route.calls.last.request) == {
        "actions": [
            {
                "action": "update",
                "entities": [{"dag_run_id": "r1", "state": "failed", "note": "stop"}],
                "action_on_non_existence": "skip",
            },
            {
                "action": "delete",
                "entities": [{"dag_run_id": "r3"}, {"dag_run_id": "r4", "dag_id": "d"}],
                "action_on_non_existence": "skip",
            },
        ]
    }
    assert not result.ok
    assert [(e.action, e.key, e.ok) for e in result.entities] == [
        ("update", "d.r1", True),
        ("delete", "d.r3", True),
        ("delete", "d.r4", False),
    ]
    assert result.failed[0].status_code == 409


async def test_bulk_names_the_failed_runs(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.patch("/dags/~/dagRuns").respond(
        json={
            "delete": {
                "success": [],
                "errors": [
                    {
                        "error": "The DagRuns with these identifiers: [('b', 'r2')] were not found",
                        "status_code": 404,
                    },
                    {
                        "error": "The DagRun with dag_id: `a` and run_id: `r1` cannot be "
                        "deleted in running state",
                        "status_code": 409,
                    },
                ],
            }
        }
    )
    result = await client_v2.dag_runs.bulk("~", delete=[("a", "r1"), ("b", "r2")])
    assert [(e.key, e.status_code) for e in result.entities] == [("a.r1", 409), ("b.r2", 404)]


async def test_bulk_across_dags_needs_each_dag_id(client_v2: AsyncClient) -> None:
    with pytest.raises(ValueError, match="dag_id"):
        await client_v2.dag_runs.bulk("~", update=[{"dag_run_id": "r", "state": "failed"}])
    with pytest.raises(ValueError, match="at least one entity"):
        await client_v2.dag_runs.bulk("d")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.dag_runs.clear_many("d", dag_runs=["r"]),
        lambda c: c.dag_runs.clear_partitions("d", dag_run_id="r"),
        lambda c: c.dag_runs.bulk("d", delete=["r"]),
    ],
    ids=["clear_many", "clear_partitions", "bulk"],
)
async def test_airflow_3_3_methods_are_refused_on_v1_and_before_3_3(call) -> None:  # type: ignore[no-untyped-def]
    for root, release, auth in (
        (BASE + "/api/v1", "2.11.2", ("admin", "pw")),
        (API_V2, "3.2.0", BearerAuth("t")),
    ):
        with respx.mock(base_url=root, using="httpx", assert_all_called=False) as router:
            answer_version(router, release)
            router.route().respond(200, json={})
            api_version = "v1" if release.startswith("2") else "v2"
            async with AsyncClient(BASE, auth=auth, api_version=api_version) as client:
                with pytest.raises(UnsupportedByServerError) as caught:
                    await call(client)
            assert operation_calls(router) == []
            if api_version == "v2":
                assert caught.value.since == (3, 3)


async def test_error_bodies_of_both_apis_give_the_same_exception(versions: Versioned) -> None:
    versions.router.get("/dags/d/dagRuns/gone").respond(
        404, json=error(versions.api_version, 404, "DAGRun not found")
    )
    with pytest.raises(NotFoundError, match="DAGRun not found"):
        await versions.client.dag_runs.get("d", "gone")


async def test_sorting_by_logical_date_uses_each_apis_name(versions: Versioned) -> None:
    listed = versions.router.get("/dags/d/dagRuns").respond(
        json={"dag_runs": [], "total_entries": 0}
    )
    batch = versions.router.post("/dags/~/dagRuns/list").respond(
        json={"dag_runs": [], "total_entries": 0}
    )
    await versions.client.dag_runs.list("d", order_by="-logical_date")
    await versions.client.dag_runs.list_batch(order_by="logical_date")
    # Airflow 2 sorts by execution_date and refuses logical_date (400).
    name = "execution_date" if versions.api_version == "v1" else "logical_date"
    assert listed.calls.last.request.url.params.get_list("order_by") == [f"-{name}"]
    assert body_of(batch.calls.last.request)["order_by"] == name
    await versions.client.dag_runs.list("d", order_by=["-start_date"])
    assert listed.calls.last.request.url.params.get_list("order_by") == ["-start_date"]
    # Airflow 3 refuses execution_date (400 "Ordering with 'execution_date' is disallowed"):
    # Airflow 2's name is translated the other way too.
    await versions.client.dag_runs.list("d", order_by="-execution_date")
    await versions.client.dag_runs.list_batch(order_by="execution_date")
    assert listed.calls.last.request.url.params.get_list("order_by") == [f"-{name}"]
    assert body_of(batch.calls.last.request)["order_by"] == name
