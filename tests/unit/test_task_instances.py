"""client.task_instances against a respx router, on Airflow 2's and Airflow 3's API."""

from __future__ import annotations

import json
import pathlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    ResponseValidationError,
    UnsupportedByServerError,
)
from airflow_client_async.models import (
    TaskInstance,
    TaskInstanceHistory,
    TaskInstanceState,
    UpdateTaskState,
)
from airflow_client_async.resources.task_instances import TaskLog, TaskLogEvent

from . import payloads
from .conftest import Versioned
from .wire import airflow3

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
RUN = "/dags/d/dagRuns/r/taskInstances"
#: Every operation of these tests, and not the version probe that a refusal makes.
DAGS = r".*/dags/.*"


def captured(operation_id: str) -> Any:
    """The body a real Airflow 2.11.2 server sent for ``operation_id``."""
    return json.loads((FIXTURES / f"{operation_id}.json").read_text(encoding="utf-8"))["body"]


def instance(task_id: str = "t", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = dict(captured("get_task_instance"))
    body.update(dag_id="d", dag_run_id="r", task_id=task_id, task_display_name=task_id)
    body.update(overrides)
    return body


def waiting(task_id: str = "t") -> dict[str, Any]:
    """A task instance of a queued run: no state, no dates, no duration yet."""
    return instance(
        task_id,
        state=None,
        duration=None,
        start_date=None,
        end_date=None,
        queued_when=None,
        pid=None,
        hostname="",
        try_number=0,
        rendered_fields={},
    )


def collection(*instances: dict[str, Any]) -> dict[str, Any]:
    return {"task_instances": list(instances), "total_entries": len(instances)}


def log_body(*chunks: tuple[str, str], token: str | None = "tok") -> dict[str, Any]:
    body: dict[str, Any] = {"content": repr(list(chunks))}
    if token is not None:
        body["continuation_token"] = token
    return body


def v2_log(*events: dict[str, Any] | str, token: str | None = "tok") -> dict[str, Any]:
    return {"content": list(events), "continuation_token": token}


SOURCES = [
    {"event": "::group::Log message source details"},
    {"event": "/logs/dag_id=d/run_id=r/task_id=t/attempt=1.log"},
    {"event": "::endgroup::"},
]


def tick(n: int) -> dict[str, Any]:
    return {
        "timestamp": f"2026-01-01T00:00:0{n}.000000Z",
        "event": f"tick {n}",
        "level": "info",
        "logger": "task.stdout",
    }


@pytest.fixture
def probe(router: respx.MockRouter) -> respx.MockRouter:
    """Airflow 2.11.2's version, which a refusal names."""
    router.get("/version").respond(json={"version": "2.11.2", "git_version": "x"})
    return router


@pytest.fixture
def old_v2(router_v2: respx.MockRouter) -> respx.MockRouter:
    """An Airflow 3.0.0 server: routes added in later minors are refused."""
    router_v2.get("/version").respond(json={"version": "3.0.0", "git_version": "x"})
    return router_v2


def body_of(route: respx.Route, call: int = -1) -> Any:
    return json.loads(route.calls[call].request.content)


# -- lists ------------------------------------------------------------------------------


async def test_list_defaults_to_every_run_and_sends_the_filters(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    items = [instance(f"t{n}") for n in range(5)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"task_instances": items[offset : offset + 2], "total_entries": 5}
        )

    route = router.get("/dags/~/dagRuns/~/taskInstances").mock(side_effect=answer)
    since = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=2)))
    ids = [
        t.task_id
        async for t in client.task_instances.list(
            limit=2,
            start_date_gte=since,
            end_date_lte="2024-02-01T00:00:00Z",
            updated_at_gte=since,
            duration_gte=0.5,
            state=[TaskInstanceState.SUCCESS, "none"],
            pool=["p1", "p2"],
            queue=["default"],
            executor=["LocalExecutor"],
        )
    ]
    assert ids == [f"t{n}" for n in range(5)]
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "2", "4"]
    params = route.calls.last.request.url.params
    assert params["limit"] == "2"
    assert params["start_date_gte"] == "2024-01-01T00:00:00+02:00"
    assert "start_date_gte=2024-01-01T00%3A00%3A00%2B02%3A00" in str(route.calls.last.request.url)
    assert params["end_date_lte"] == "2024-02-01T00:00:00Z"
    assert params["duration_gte"] == "0.5"
    assert params.get_list("state") == ["success", "none"]
    assert params.get_list("pool") == ["p1", "p2"]
    assert params["queue"] == "default" and params["executor"] == "LocalExecutor"
    assert "order_by" not in params


async def test_list_names_the_logical_date_per_api(versions: Versioned) -> None:
    route = versions.router.get(RUN).respond(json=collection())
    since = datetime(2024, 1, 1, tzinfo=timezone.utc)
    await versions.client.task_instances.list(
        "d", "r", logical_date_gte=since, logical_date_lte="2024-02-01T00:00:00Z"
    )
    params = route.calls.last.request.url.params
    name = "execution_date" if versions.api_version == "v1" else "logical_date"
    assert params[f"{name}_gte"] == "2024-01-01T00:00:00+00:00"
    assert params[f"{name}_lte"] == "2024-02-01T00:00:00Z"
    other = "logical_date" if versions.api_version == "v1" else "execution_date"
    assert f"{other}_gte" not in params


async def test_list_sends_airflow_3_filters_as_repeated_keys(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get(RUN).respond(json=collection())
    await client_v2.task_instances.list(
        "d",
        "r",
        order_by=["-start_date", "map_index"],
        task_id="t",
        task_group_id="g",
        run_id_prefix_pattern="manual__",
        state=["success", "failed"],
        map_index=[0, 2],
        try_number=[1],
        version_number=[3, 4],
        operator=["BashOperator"],
        run_after_gt="2024-01-01T00:00:00Z",
        duration_lt=9.5,
        pool_name_pattern="pool",
    )
    params = route.calls.last.request.url.params
    assert params.get_list("order_by") == ["-start_date", "map_index"]
    assert params.get_list("state") == ["success", "failed"]
    assert params.get_list("map_index") == ["0", "2"]
    assert params.get_list("version_number") == ["3", "4"]
    assert params["try_number"] == "1" and params["operator"] == "BashOperator"
    assert params["task_id"] == "t" and params["task_group_id"] == "g"
    assert params["run_id_prefix_pattern"] == "manual__"
    assert params["run_after_gt"] == "2024-01-01T00:00:00Z"
    assert params["duration_lt"] == "9.5" and params["pool_name_pattern"] == "pool"


@pytest.mark.parametrize(
    "given",
    [
        {"task_id": "t"},
        {"order_by": "-start_date"},
        {"run_after_gte": "2024-01-01T00:00:00Z"},
        {"start_date_gt": "2024-01-01T00:00:00Z"},
        {"map_index": [1]},
        {"pool_name_pattern": "x"},
    ],
)
async def test_list_refuses_airflow_3_filters_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, probe: respx.MockRouter, given: dict[str, Any]
) -> None:
    route = router.route(url__regex=DAGS).respond(json=collection())
    with pytest.raises(UnsupportedByServerError) as caught:
        await client.task_instances.list("d", "r", **given)
    assert caught.value.parameter == next(iter(given))
    assert caught.value.method == "task_instances.list"
    assert not route.called


async def test_list_refuses_an_unknown_filter(client: AsyncClient) -> None:
    with pytest.raises(TypeError, match="execution_date_gte"):
        client.task_instances.list(execution_date_gte="2024-01-01T00:00:00Z")  # type: ignore[call-arg]


async def test_list_decodes_a_waiting_instance(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"{RUN}").respond(
        json={"task_instances": [waiting("runme_0")], "total_entries": 1, "brand_new": 1}
    )
    page = await client.task_instances.list("d", "r")
    ti = page.items[0]
    assert isinstance(ti, TaskInstance)
    assert ti.state is None and ti.duration is None and ti.start_date is None
    assert ti.try_number == 0 and ti.rendered_fields == {}
    assert page.total_entries == 1


async def test_list_refuses_naive_dates(versions: Versioned) -> None:
    route = versions.router.route(url__regex=DAGS).respond(json=collection())
    with pytest.raises(ValueError, match="naive"):
        await versions.client.task_instances.list(start_date_gte=datetime(2024, 1, 1))
    assert not route.called


async def test_run_ids_with_plus_and_colons_are_encoded(versions: Versioned) -> None:
    run_id = "scheduled__2024-01-01T00:00:00+00:00"
    route = versions.router.get(url__regex=r".*taskInstances.*").respond(json=collection())
    await versions.client.task_instances.list("a/b", run_id)
    prefix = f"/api/{versions.api_version}".encode()
    assert route.calls.last.request.url.raw_path.startswith(
        prefix + b"/dags/a%2Fb/dagRuns/scheduled__2024-01-01T00%3A00%3A00%2B00%3A00/taskInstances?"
    )


async def test_list_batch_pages_through_the_body(versions: Versioned) -> None:
    items = [instance(f"t{n}") for n in range(5)]

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        start, size = body["page_offset"], min(body.get("page_limit", 100), 2)
        return httpx.Response(
            200, json={"task_instances": items[start : start + size], "total_entries": 5}
        )

    route = versions.router.post("/dags/~/dagRuns/~/taskInstances/list").mock(side_effect=answer)
    when = datetime(2024, 5, 1, tzinfo=timezone.utc)
    got = [
        t.task_id
        async for t in versions.client.task_instances.list_batch(
            dag_ids=("d",),
            dag_run_ids=["r"],
            task_ids=["t0", "t1"],
            state=["success", None],
            logical_date_gte=when,
            duration_lte=3,
            pool=["default_pool"],
            limit=2,
        )
    ]
    assert got == [f"t{n}" for n in range(5)]
    date_key = "execution_date_gte" if versions.api_version == "v1" else "logical_date_gte"
    assert [json.loads(c.request.content) for c in route.calls] == [
        {
            "dag_ids": ["d"],
            "dag_run_ids": ["r"],
            "task_ids": ["t0", "t1"],
            "state": ["success", None],
            "pool": ["default_pool"],
            date_key: "2024-05-01T00:00:00+00:00",
            "duration_lte": 3,
            "page_offset": offset,
            "page_limit": 2,
        }
        for offset in (0, 2, 4)
    ]


async def test_list_batch_sends_airflow_3_fields(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.post("/dags/~/dagRuns/~/taskInstances/list").respond(json=collection())
    await client_v2.task_instances.list_batch(
        run_after_lt="2024-01-01T00:00:00Z", duration_gt=0.5, order_by="-start_date"
    )
    assert body_of(route) == {
        "run_after_lt": "2024-01-01T00:00:00Z",
        "duration_gt": 0.5,
        "order_by": "-start_date",
        "page_offset": 0,
    }


@pytest.mark.parametrize(
    "given", [{"order_by": "-start_date"}, {"run_after_gte": "2024-01-01T00:00:00Z"}]
)
async def test_list_batch_refuses_airflow_3_fields_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, probe: respx.MockRouter, given: dict[str, Any]
) -> None:
    route = router.route(url__regex=DAGS).respond(json=collection())
    with pytest.raises(UnsupportedByServerError, match=next(iter(given))):
        await client.task_instances.list_batch(**given)
    assert not route.called


async def test_list_batch_sends_only_the_paging_when_no_filter_is_given(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/~/dagRuns/~/taskInstances/list").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json={"task_instances": [], "total_entries": 0}),
        ]
    )
    page = await client.task_instances.list_batch(offset=4)
    assert page.items == []
    # It only reads, so it is retried like a GET.
    assert route.call_count == 2
    assert json.loads(route.calls.last.request.content) == {"page_offset": 4}


async def test_list_mapped(versions: Versioned) -> None:
    body = captured("get_mapped_task_instances")
    route = versions.router.get(f"{RUN}/double/listMapped").respond(json=body)
    page = await versions.client.task_instances.list_mapped(
        "d", "r", "double", order_by="-map_index", state=["success"], limit=5, offset=1
    )
    assert [t.map_index for t in page.items] == [t["map_index"] for t in body["task_instances"]]
    assert page.items[0].rendered_fields == {
        "op_args": [],
        "op_kwargs": {"item": 1},
        "templates_dict": None,
    }
    params = route.calls.last.request.url.params
    assert params["order_by"] == "-map_index"
    assert params["state"] == "success"
    assert (params["limit"], params["offset"]) == ("5", "1")


async def test_list_mapped_sorts_by_several_fields_on_airflow_3_only(versions: Versioned) -> None:
    route = versions.router.get(f"{RUN}/double/listMapped").respond(json=collection())
    order = ["-state", "map_index"]
    if versions.api_version == "v1":
        with pytest.raises(UnsupportedByServerError, match="order_by"):
            await versions.client.task_instances.list_mapped("d", "r", "double", order_by=order)
        assert not route.called
        return
    await versions.client.task_instances.list_mapped(
        "d", "r", "double", order_by=order, logical_date_gt="2024-01-01T00:00:00Z"
    )
    params = route.calls.last.request.url.params
    assert params.get_list("order_by") == order
    assert params["logical_date_gt"] == "2024-01-01T00:00:00Z"


# -- one instance -----------------------------------------------------------------------


async def test_get_decodes_a_real_instance(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(f"{RUN}/t").respond(json=instance("t", brand_new_field={"x": 1}))
    ti = await client.task_instances.get("d", "r", "t")
    assert ti.state is TaskInstanceState.SUCCESS
    assert ti.executor is None and ti.note is None and ti.sla_miss is None
    assert ti.start_date is not None and ti.start_date.tzinfo is not None
    assert ti.extra_fields == {"brand_new_field": {"x": 1}}


async def test_get_of_a_mapped_task_is_not_found(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"{RUN}/double").respond(
        404,
        json=payloads.problem(
            404,
            "Task instance not found",
            "Task instance is mapped, add the map_index value to the URL",
        ),
        headers={"Content-Type": "application/problem+json"},
    )
    with pytest.raises(NotFoundError, match="add the map_index"):
        await client.task_instances.get("d", "r", "double")


async def test_v2_not_found_is_the_same_error(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get(f"{RUN}/nope").respond(
        404, json={"detail": "The Task Instance with dag_id: `d` ... was not found"}
    )
    with pytest.raises(NotFoundError, match="was not found"):
        await client_v2.task_instances.get("d", "r", "nope")


@pytest.mark.parametrize(
    ("task_id", "raw"),
    [
        ("group.task", b"group.task"),
        ("a/b", b"a%2Fb"),
        ("..", b"%2E%2E"),
        ("x?y#z", b"x%3Fy%23z"),
    ],
)
async def test_task_ids_stay_in_their_segment(
    versions: Versioned, task_id: str, raw: bytes
) -> None:
    route = versions.router.get(url__regex=r".*taskInstances.*").respond(json=instance(task_id))
    await versions.client.task_instances.get("d", "r", task_id)
    prefix = f"/api/{versions.api_version}".encode()
    assert route.calls.last.request.url.raw_path == prefix + RUN.encode() + b"/" + raw


async def test_empty_ids_fail_before_io(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.route(url__regex=DAGS).respond(200)
    with pytest.raises(ValueError, match="task_id"):
        await client.task_instances.get("d", "r", "")
    with pytest.raises(ValueError, match="dag_run_id"):
        await client.task_instances.get_log("d", "", "t", 1)
    with pytest.raises(TypeError, match="map_index"):
        await client.task_instances.get("d", "r", "t", map_index=True)
    assert not route.called


async def test_get_mapped(versions: Versioned) -> None:
    route = versions.router.get(f"{RUN}/double/2").respond(json=instance("double", map_index=2))
    ti = await versions.client.task_instances.get("d", "r", "double", map_index=2)
    assert ti.map_index == 2
    assert route.called


# -- update: state and notes -------------------------------------------------------------


async def test_update_on_airflow_2_patches_then_reads_the_instance(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    # Airflow 2.11.2 dumps the changed instances (a list) with a one-object schema: {}.
    patch = router.patch(f"{RUN}/t").respond(json={})
    read = router.get(f"{RUN}/t").respond(json=instance("t", state="failed"))
    changed = await client.task_instances.update("d", "r", "t", state="failed")
    assert [(ti.task_id, ti.state) for ti in changed] == [("t", TaskInstanceState.FAILED)]
    # Applied by default, and always said so: Airflow 2's own default is a dry run.
    assert body_of(patch) == {"dry_run": False, "new_state": "failed"}
    assert not patch.calls.last.request.url.params
    assert read.call_count == 1


async def test_update_dry_run_on_airflow_2(client: AsyncClient, router: respx.MockRouter) -> None:
    patch = router.patch(f"{RUN}/double/1").respond(
        json=payloads.task_instance_reference("double", "r")
    )
    router.get(f"{RUN}/double/1").respond(json=instance("double", map_index=1))
    changed = await client.task_instances.update(
        "d", "r", "double", map_index=1, state=UpdateTaskState.SKIPPED, dry_run=True, note="x"
    )
    assert body_of(patch) == {"dry_run": True, "new_state": "skipped"}
    assert [ti.map_index for ti in changed] == [1]
    # A dry run sends no note: Airflow 2 cannot preview one.
    assert [c.request.method for c in router.calls] == ["PATCH", "GET"]


async def test_update_note_on_airflow_2(client: AsyncClient, router: respx.MockRouter) -> None:
    plain = router.patch(f"{RUN}/t/setNote").respond(json=instance("t", note="checked ✓"))
    changed = await client.task_instances.update("d", "r", "t", note="checked ✓")
    assert [ti.note for ti in changed] == ["checked ✓"]
    assert body_of(plain) == {"note": "checked ✓"}
    mapped = router.patch(f"{RUN}/double/0/setNote").respond(
        json=instance("double", map_index=0, note="")
    )
    changed = await client.task_instances.update("d", "r", "double", map_index=0, note="")
    assert [ti.note for ti in changed] == [""]
    assert body_of(mapped) == {"note": ""}
    assert len(router.calls) == 2


async def test_update_state_and_note_on_airflow_2_takes_two_requests(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    patch = router.patch(f"{RUN}/t").respond(json={})
    note = router.patch(f"{RUN}/t/setNote").respond(json=instance("t", state="success", note="ok"))
    changed = await client.task_instances.update("d", "r", "t", state="success", note="ok")
    assert [(ti.state, ti.note) for ti in changed] == [(TaskInstanceState.SUCCESS, "ok")]
    assert [c.request.url.path for c in router.calls] == [
        f"/api/v1{RUN}/t",
        f"/api/v1{RUN}/t/setNote",
    ]
    assert body_of(patch) == {"dry_run": False, "new_state": "success"}
    assert body_of(note) == {"note": "ok"}


async def test_update_with_relatives_on_airflow_2_reads_every_changed_instance(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    post = router.post("/dags/d/updateTaskInstancesState").respond(
        json={
            "task_instances": [
                payloads.task_instance_reference("t", "r"),
                payloads.task_instance_reference("down", "r"),
            ]
        }
    )
    batch = router.post("/dags/~/dagRuns/~/taskInstances/list").respond(
        json=collection(
            instance("down", state="success"),
            instance("other", state="failed"),
            instance("t", state="success"),
        )
    )
    changed = await client.task_instances.update(
        "d", "r", "t", state="success", include_downstream=True
    )
    assert [ti.task_id for ti in changed] == ["t", "down"]
    assert body_of(post) == {
        "task_id": "t",
        "dag_run_id": "r",
        "new_state": "success",
        "dry_run": False,
        "include_upstream": False,
        "include_downstream": True,
        "include_future": False,
        "include_past": False,
    }
    assert body_of(batch) == {
        "dag_ids": ["d"],
        "dag_run_ids": ["r"],
        "task_ids": ["down", "t"],
        "page_offset": 0,
    }


async def test_update_of_one_map_index_with_relatives_is_refused_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, probe: respx.MockRouter
) -> None:
    route = router.route(url__regex=DAGS).respond(json={})
    with pytest.raises(UnsupportedByServerError, match="map_index") as caught:
        await client.task_instances.update(
            "d", "r", "t", map_index=1, state="success", include_past=True
        )
    assert caught.value.method == "task_instances.update"
    assert not route.called


async def test_update_state_refused(client: AsyncClient, router: respx.MockRouter) -> None:
    router.patch(f"{RUN}/t").respond(
        400,
        json=payloads.problem(
            400, "Bad Request", "{'new_state': ['Must be one of: success, failed, skipped.']}"
        ),
    )
    with pytest.raises(BadRequestError, match="new_state"):
        await client.task_instances.update("d", "r", "t", state="running")


@pytest.mark.parametrize(
    ("map_index", "dry_run", "path"),
    [
        (None, False, f"{RUN}/t"),
        (None, True, f"{RUN}/t/dry_run"),
        (3, False, f"{RUN}/t/3"),
        (3, True, f"{RUN}/t/3/dry_run"),
    ],
)
async def test_update_on_airflow_3_is_one_patch(
    client_v2: AsyncClient,
    router_v2: respx.MockRouter,
    map_index: int | None,
    dry_run: bool,
    path: str,
) -> None:
    route = router_v2.patch(path).respond(json=collection(instance("t", state="failed")))
    changed = await client_v2.task_instances.update(
        "d", "r", "t", map_index=map_index, state="failed", note="n", dry_run=dry_run
    )
    assert [ti.state for ti in changed] == [TaskInstanceState.FAILED]
    request = route.calls.last.request
    # A repeated update_mask: a comma-joined one would change nothing.
    assert request.url.params.get_list("update_mask") == ["new_state", "note"]
    assert "map_index" not in request.url.params
    assert body_of(route) == {
        "new_state": "failed",
        "note": "n",
        "include_upstream": False,
        "include_downstream": False,
        "include_future": False,
        "include_past": False,
    }
    assert [c.request.method for c in router_v2.calls if c.request.method != "GET"] == ["PATCH"]


async def test_update_note_only_on_airflow_3(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch(f"{RUN}/t").respond(json=collection(instance("t", note="hi")))
    await client_v2.task_instances.update("d", "r", "t", note="hi", include_upstream=True)
    assert route.calls.last.request.url.params.get_list("update_mask") == ["note"]
    assert body_of(route)["include_upstream"] is True
    assert "new_state" not in body_of(route)


async def test_update_with_relatives_on_airflow_3_0_answers_the_task_itself(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    # 3.0.6 answers a change with relatives with the first instance it touched.
    router_v2.get("/version").respond(json={"version": "3.0.6", "git_version": "x"})
    patch = router_v2.patch(f"{RUN}/t").respond(json=collection(instance("last", state="success")))
    read = router_v2.get(f"{RUN}/t").respond(json=instance("t", state="success"))
    changed = await client_v2.task_instances.update(
        "d", "r", "t", state="success", include_downstream=True
    )
    assert [(ti.task_id, ti.state) for ti in changed] == [("t", TaskInstanceState.SUCCESS)]
    assert patch.calls.last.request.url.params.get_list("update_mask") == ["new_state"]
    assert body_of(patch)["include_downstream"] is True
    assert read.call_count == 1


async def test_update_with_relatives_and_a_note_on_airflow_3_0_sends_the_note_apart(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    # 3.0.6 would write a note sent with the state on the relative it answers with.
    router_v2.get("/version").respond(json={"version": "3.0.6", "git_version": "x"})
    patch = router_v2.patch(f"{RUN}/t").mock(
        side_effect=[
            httpx.Response(200, json=collection(instance("last", state="success"))),
            httpx.Response(200, json=collection(instance("t", state="success", note="n"))),
        ]
    )
    changed = await client_v2.task_instances.update(
        "d", "r", "t", state="success", note="n", include_upstream=True
    )
    assert [(ti.task_id, ti.note) for ti in changed] == [("t", "n")]
    masks = [c.request.url.params.get_list("update_mask") for c in patch.calls]
    assert masks == [["new_state"], ["note"]]
    assert "note" not in body_of(patch, 0) and "new_state" not in body_of(patch, 1)


async def test_update_with_relatives_on_airflow_3_1_is_one_patch(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get("/version").respond(json={"version": "3.1.0", "git_version": "x"})
    patch = router_v2.patch(f"{RUN}/t").respond(
        json=collection(instance("t", state="success", note="n"))
    )
    changed = await client_v2.task_instances.update(
        "d", "r", "t", state="success", note="n", include_downstream=True
    )
    assert [ti.task_id for ti in changed] == ["t"]
    assert patch.calls.last.request.url.params.get_list("update_mask") == ["new_state", "note"]
    assert [c.request.method for c in router_v2.calls if c.request.method != "GET"] == ["PATCH"]


async def test_update_to_the_same_state_is_a_conflict_on_airflow_3(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.patch(f"{RUN}/t").respond(
        409, json={"detail": "Task id t is already in success state"}
    )
    with pytest.raises(ConflictError, match="already in success"):
        await client_v2.task_instances.update("d", "r", "t", state="success")


async def test_update_needs_a_state_or_a_note(versions: Versioned) -> None:
    route = versions.router.route(url__regex=DAGS).respond(json={})
    with pytest.raises(ValueError, match="state, note"):
        await versions.client.task_instances.update("d", "r", "t", dry_run=True)
    assert not route.called


# -- update_group --------------------------------------------------------------------------


async def test_update_group(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    real = router_v2.patch("/dags/d/dagRuns/r/taskGroupInstances/g%2Fx").respond(
        json=collection(instance("g.a"), instance("g.b"))
    )
    changed = await client_v2.task_instances.update_group("d", "r", "g/x", state="failed")
    assert [ti.task_id for ti in changed] == ["g.a", "g.b"]
    assert real.calls.last.request.url.params.get_list("update_mask") == ["new_state"]
    assert body_of(real) == {
        "new_state": "failed",
        "include_upstream": False,
        "include_downstream": False,
        "include_future": False,
        "include_past": False,
    }
    dry = router_v2.patch("/dags/d/dagRuns/r/taskGroupInstances/g/dry_run").respond(
        json=collection(instance("g.a"))
    )
    await client_v2.task_instances.update_group(
        "d", "r", "g", state="success", dry_run=True, include_downstream=True
    )
    # The preview takes no update_mask.
    assert not dry.calls.last.request.url.params
    assert body_of(dry)["new_state"] == "success"
    assert body_of(dry)["include_downstream"] is True


async def test_update_group_needs_airflow_3_3(
    client: AsyncClient,
    router: respx.MockRouter,
    probe: respx.MockRouter,
    client_v2: AsyncClient,
    old_v2: respx.MockRouter,
) -> None:
    v1 = router.route(url__regex=DAGS).respond(json={})
    with pytest.raises(UnsupportedByServerError, match="Airflow 3"):
        await client.task_instances.update_group("d", "r", "g", state="failed")
    assert not v1.called
    old_v2.get("/version").respond(json={"version": "3.2.0"})
    v2 = old_v2.patch(url__regex=r".*taskGroupInstances.*").respond(json=collection())
    with pytest.raises(UnsupportedByServerError, match=r"3\.3") as caught:
        await client_v2.task_instances.update_group("d", "r", "g", state="failed")
    assert caught.value.since == (3, 3)
    assert not v2.called


# -- clear ---------------------------------------------------------------------------------


async def test_clear_is_a_dry_run_unless_told(versions: Versioned) -> None:
    if versions.api_version == "v1":
        answer = {"task_instances": [payloads.task_instance_reference("t", "r")]}
    else:
        answer = collection(instance("t"))
    clear = versions.router.post("/dags/d/clearTaskInstances").respond(json=answer)
    versions.router.post("/dags/~/dagRuns/~/taskInstances/list").respond(
        json=collection(instance("t"), instance("u"))
    )
    cleared = await versions.client.task_instances.clear("d", task_ids=["t"], only_failed=False)
    assert [ti.task_id for ti in cleared] == ["t"]
    assert isinstance(cleared[0], TaskInstance)
    assert body_of(clear) == {"dry_run": True, "task_ids": ["t"], "only_failed": False}
    await versions.client.task_instances.clear("d", dry_run=False, dag_run_id="r")
    assert body_of(clear) == {"dry_run": False, "dag_run_id": "r"}


async def test_clear_on_airflow_2_reads_the_referenced_instances(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.post("/dags/d/clearTaskInstances").respond(
        json={
            "task_instances": [
                payloads.task_instance_reference("b", "r1"),
                payloads.task_instance_reference("a", "r2"),
            ]
        }
    )
    batch = router.post("/dags/~/dagRuns/~/taskInstances/list").respond(
        json=collection(
            instance("a", dag_run_id="r2"),
            instance("b", dag_run_id="r2"),
            instance("b", dag_run_id="r1"),
        )
    )
    cleared = await client.task_instances.clear("d", include_subdags=True)
    assert [(ti.task_id, ti.dag_run_id) for ti in cleared] == [("b", "r1"), ("a", "r2")]
    assert body_of(batch) == {
        "dag_ids": ["d"],
        "dag_run_ids": ["r1", "r2"],
        "task_ids": ["a", "b"],
        "page_offset": 0,
    }


async def test_clear_of_nothing_reads_nothing(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.post("/dags/d/clearTaskInstances").respond(json={"task_instances": []})
    assert await client.task_instances.clear("d") == []
    assert len(router.calls) == 1


async def test_clear_map_indexes_and_airflow_3_fields(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    clear = router_v2.post("/dags/d/clearTaskInstances").respond(json=collection())
    await client_v2.task_instances.clear(
        "d",
        task_ids=["t", ("double", 2)],
        note="rerun",
        prevent_running_task=True,
        run_on_latest_version=None,
        start_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
    )
    assert body_of(clear) == {
        "dry_run": True,
        "task_ids": ["t", ["double", 2]],
        "note": "rerun",
        "prevent_running_task": True,
        "run_on_latest_version": None,
        "start_date": "2024-01-01T00:00:00+00:00",
    }


async def test_clear_refuses_what_each_api_lacks(
    client: AsyncClient,
    router: respx.MockRouter,
    probe: respx.MockRouter,
    client_v2: AsyncClient,
    router_v2: respx.MockRouter,
) -> None:
    v1 = router.route(url__regex=DAGS).respond(json={"task_instances": []})
    with pytest.raises(UnsupportedByServerError, match="map indexes"):
        await client.task_instances.clear("d", task_ids=[("double", 1)])
    with pytest.raises(UnsupportedByServerError, match="note"):
        await client.task_instances.clear("d", note="x")
    with pytest.raises(ValueError, match="naive"):
        await client.task_instances.clear("d", end_date=datetime(2024, 1, 1))
    assert not v1.called
    v2 = router_v2.post("/dags/d/clearTaskInstances").respond(json=collection())
    with pytest.raises(UnsupportedByServerError, match="include_subdags"):
        await client_v2.task_instances.clear("d", include_subdags=True)
    assert not v2.called


# -- delete and bulk (Airflow 3) -------------------------------------------------------------


async def test_delete(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.delete(f"{RUN}/t").respond(200, json=None)
    await client_v2.task_instances.delete("d", "r", "t")
    assert route.call_count == 1
    assert not route.calls.last.request.url.params
    await client_v2.task_instances.delete("d", "r", "t", map_index=4)
    assert route.calls.last.request.url.params["map_index"] == "4"


async def test_airflow_3_1_methods_are_refused_on_airflow_2_and_3_0(
    client: AsyncClient,
    router: respx.MockRouter,
    probe: respx.MockRouter,
    client_v2: AsyncClient,
    old_v2: respx.MockRouter,
) -> None:
    v1 = router.route(url__regex=DAGS).respond(json={})
    v2 = old_v2.route(url__regex=r".*/dags/.*").respond(json={})
    calls: list[Callable[[AsyncClient], Awaitable[object]]] = [
        lambda api: api.task_instances.delete("d", "r", "t"),
        lambda api: api.task_instances.bulk("d", "r", delete=["t"]),
        lambda api: api.task_instances.get_external_log_url("d", "r", "t", 1),
    ]
    for call in calls:
        with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
            await call(client)
        with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.1") as caught:
            await call(client_v2)
        assert caught.value.since == (3, 1)
    assert not v1.called and not v2.called


async def test_bulk_reports_each_entity(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch(RUN).respond(
        json={
            "update": {"success": ["d.r.t[-1]", "d.r.double[0]", "d.r.double[1]"], "errors": []},
            "delete": {
                "success": [],
                "errors": [
                    {
                        "error": "The task instances with these identifiers: "
                        "[{'dag_id': 'd', 'dag_run_id': 'r', 'task_id': 'gone', 'map_index': 3}]"
                        " were not found",
                        "status_code": 404,
                    }
                ],
            },
        }
    )
    result = await client_v2.task_instances.bulk(
        "d",
        "r",
        update=[
            {"task_id": "t", "map_index": -1, "state": "success"},
            {"task_id": "double", "state": UpdateTaskState.FAILED, "include_downstream": True},
        ],
        delete=[{"task_id": "gone", "map_index": 3}],
        update_mask=["state"],
    )
    assert [(e.action, e.key, e.ok) for e in result.entities] == [
        ("update", "d.r.t[-1]", True),
        ("update", "d.r.double", True),
        ("delete", "d.r.gone[3]", False),
    ]
    assert result.failed[0].status_code == 404
    assert not result.ok
    assert body_of(route) == {
        "actions": [
            {
                "action": "update",
                "entities": [
                    {"task_id": "t", "map_index": -1, "new_state": "success"},
                    {"task_id": "double", "new_state": "failed", "include_downstream": True},
                ],
                "action_on_non_existence": "fail",
                "update_mask": ["new_state"],
            },
            {
                "action": "delete",
                "entities": [{"task_id": "gone", "map_index": 3}],
                "action_on_non_existence": "fail",
            },
        ]
    }


async def test_bulk_entities_across_runs(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch("/dags/~/dagRuns/~/taskInstances").respond(
        json={"delete": {"success": ["x.y.t[-1]"], "errors": []}}
    )
    result = await client_v2.task_instances.bulk(
        "~",
        "~",
        delete=[{"task_id": "t", "dag_id": "x", "dag_run_id": "y"}, "bare"],
        on_non_existence="skip",
    )
    assert [(e.key, e.ok) for e in result.entities] == [("x.y.t", True), ("~.~.bare", False)]
    assert body_of(route)["actions"][0] == {
        "action": "delete",
        "entities": [{"task_id": "t", "dag_id": "x", "dag_run_id": "y"}, {"task_id": "bare"}],
        "action_on_non_existence": "skip",
    }


async def test_bulk_needs_an_entity(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.patch(RUN).respond(json={})
    with pytest.raises(ValueError, match="at least one entity"):
        await client_v2.task_instances.bulk("d", "r")
    assert not route.called


# -- dependencies and tries -------------------------------------------------------------


async def test_dependencies(versions: Versioned) -> None:
    blocking = {
        "dependencies": [
            {
                "name": "Dagrun Running",
                "reason": "Task instance's dagrun was not in the 'running' state but in the "
                "state 'queued'.",
            },
            {"name": "Trigger Rule", "reason": None},
        ]
    }
    route = versions.router.get(f"{RUN}/t/dependencies").respond(json=blocking)
    page = await versions.client.task_instances.list_dependencies("d", "r", "t")
    assert [d.name for d in page.items] == ["Dagrun Running", "Trigger Rule"]
    assert page.items[1].reason is None
    assert page.total_entries == 2
    # The server sends the whole list: paging happens here, without limit or offset.
    second = await versions.client.task_instances.list_dependencies("d", "r", "t", offset=1)
    assert [d.name for d in second.items] == ["Trigger Rule"]
    assert not route.calls.last.request.url.params
    versions.router.get(f"{RUN}/double/3/dependencies").respond(
        json=captured("get_task_instance_dependencies")
    )
    mapped = versions.client.task_instances.list_dependencies("d", "r", "double", map_index=3)
    assert await mapped.to_list() == []


async def test_tries_are_read_from_the_key_the_server_sends(versions: Versioned) -> None:
    body = captured("get_task_instance_tries")
    assert "task_instances" in body and "task_instances_history" not in body
    route = versions.router.get(f"{RUN}/t/tries").respond(json=body)
    tries = await versions.client.task_instances.list_tries("d", "r", "t").to_list()
    assert [t.try_number for t in tries] == [1]
    assert isinstance(tries[0], TaskInstanceHistory)
    assert tries[0].state is TaskInstanceState.SUCCESS
    assert not route.calls.last.request.url.params


async def test_tries_under_the_declared_key_and_mapped(versions: Versioned) -> None:
    history = captured("get_task_instance_try_details")
    route = versions.router.get(f"{RUN}/double/2/tries").respond(
        json={
            "task_instances_history": [
                {**history, "try_number": 1, "state": "failed"},
                {**history, "try_number": 2, "state": "running", "end_date": None},
            ],
            "total_entries": 2,
        }
    )
    page = await versions.client.task_instances.list_tries("d", "r", "double", map_index=2)
    assert [(t.try_number, t.state) for t in page.items] == [
        (1, TaskInstanceState.FAILED),
        (2, TaskInstanceState.RUNNING),
    ]
    assert page.items[1].end_date is None
    assert page.total_entries == 2
    assert not route.calls.last.request.url.params
    last = await versions.client.task_instances.list_tries(
        "d", "r", "double", map_index=2, offset=1, limit=1
    )
    assert [t.try_number for t in last.items] == [2]
    assert not route.calls.last.request.url.params


async def test_tries_of_the_wrong_shape(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(f"{RUN}/t/tries").respond(json=[1, 2])
    with pytest.raises(ResponseValidationError, match="tries"):
        await client.task_instances.list_tries("d", "r", "t")
    router.get(f"{RUN}/t/tries").respond(json={"task_instances": [{"try_number": "many"}]})
    with pytest.raises(ResponseValidationError) as caught:
        await client.task_instances.list_tries("d", "r", "t")
    assert b"many" in caught.value.body


async def test_try_details(versions: Versioned) -> None:
    body = captured("get_task_instance_try_details")
    plain = versions.router.get(f"{RUN}/t/tries/1").respond(json=body)
    detail = await versions.client.task_instances.get_try("d", "r", "t", 1)
    assert detail.try_number == body["try_number"]
    assert detail.hostname == body["hostname"]
    assert plain.called and not plain.calls.last.request.url.params
    mapped = versions.router.get(f"{RUN}/double/2/tries/3").respond(json={**body, "map_index": 2})
    detail = await versions.client.task_instances.get_try("d", "r", "double", 3, map_index=2)
    assert detail.map_index == 2
    assert mapped.called


# -- extra links ------------------------------------------------------------------------


async def test_extra_links_are_a_plain_object(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get(f"{RUN}/t/links").respond(
        json={"External DAG": "/dags/parent/grid?execution_date=2024", "Empty": None}
    )
    links = await client.task_instances.get_extra_links("d", "r", "t")
    assert links == {"External DAG": "/dags/parent/grid?execution_date=2024", "Empty": None}
    assert not route.calls.last.request.url.params
    await client.task_instances.get_extra_links("d", "r", "t", map_index=2)
    assert route.calls.last.request.url.params["map_index"] == "2"
    router.get(f"{RUN}/u/links").respond(json=captured("get_extra_links"))
    assert await client.task_instances.get_extra_links("d", "r", "u") == {}


async def test_extra_links_in_the_declared_shape(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"{RUN}/t/links").respond(
        json={"extra_links": [{"name": "Job", "href": "https://x/1", "class_ref": None}]}
    )
    assert await client.task_instances.get_extra_links("d", "r", "t") == {"Job": "https://x/1"}


async def test_extra_links_on_airflow_3(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get(f"{RUN}/t/links").respond(
        json={"extra_links": {"Job": "https://x/1", "Empty": None}, "total_entries": 2}
    )
    links = await client_v2.task_instances.get_extra_links("d", "r", "t", try_number=2)
    assert links == {"Job": "https://x/1", "Empty": None}
    assert route.calls.last.request.url.params["try_number"] == "2"


async def test_extra_links_of_a_try_are_refused_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter, probe: respx.MockRouter
) -> None:
    route = router.route(url__regex=DAGS).respond(json={})
    with pytest.raises(UnsupportedByServerError, match="try_number"):
        await client.task_instances.get_extra_links("d", "r", "t", try_number=1)
    assert not route.called


@pytest.mark.parametrize("body", [["a"], {"name": {"href": "x"}}])
async def test_extra_links_of_the_wrong_shape(versions: Versioned, body: Any) -> None:
    versions.router.get(f"{RUN}/t/links").respond(json=body)
    with pytest.raises(ResponseValidationError, match="extra links"):
        await versions.client.task_instances.get_extra_links("d", "r", "t")


# -- logs on Airflow 2 --------------------------------------------------------------------


async def test_get_log_unpacks_the_repr_of_host_chunks(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    body = captured("get_log")
    route = router.get(f"{RUN}/t/logs/1").respond(json=body)
    log = await client.task_instances.get_log("d", "r", "t", 1)
    assert isinstance(log, TaskLog)
    assert log.text.startswith(" INFO - ::group::Log message source details\n")
    assert "client-test says hello" in log.text
    assert not log.text.startswith("[(")
    assert log.events == ()
    assert log.continuation_token == body["continuation_token"]
    assert body["continuation_token"] not in repr(log)
    request = route.calls.last.request
    assert request.headers["Accept"] == "application/json"
    assert not request.url.params


async def test_get_log_sends_token_map_index_and_full_content(versions: Versioned) -> None:
    answer = (
        log_body(("vm", "\n[2024] INFO - more"), token="next.sig")
        if versions.api_version == "v1"
        else v2_log({"event": "\n[2024] INFO - more"}, token="next.sig")
    )
    route = versions.router.get(f"{RUN}/double/logs/2").respond(json=answer)
    log = await versions.client.task_instances.get_log(
        "d", "r", "double", 2, map_index=1, full_content=True, token="eyJsb2dfcG9zIjo1fQ.sig"
    )
    assert log.text.rstrip("\n") == "\n[2024] INFO - more"
    assert log.continuation_token == "next.sig"
    params = route.calls.last.request.url.params
    assert params["map_index"] == "1"
    assert params["full_content"] == "true"
    assert params["token"] == "eyJsb2dfcG9zIjo1fQ.sig"


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (repr([("host-a", "first"), ("host-b", "second")]), "first\nsecond"),
        (repr([("", " INFO - ::group::x\n")]), " INFO - ::group::x\n"),
        ("[]", ""),
        (None, ""),
        # Not literals: kept as sent, never evaluated.
        ("__import__('os').system('echo hacked')", "__import__('os').system('echo hacked')"),
        ("plain log text\nline 2", "plain log text\nline 2"),
        ("[('vm', 'cut off", "[('vm', 'cut off"),
        ("{'unexpected': 'shape'}", "{'unexpected': 'shape'}"),
        ("[('vm', 3)]", "[('vm', 3)]"),
    ],
)
async def test_log_content_shapes(
    client: AsyncClient, router: respx.MockRouter, content: str | None, text: str
) -> None:
    router.get(f"{RUN}/t/logs/1").respond(json={"content": content})
    log = await client.task_instances.get_log("d", "r", "t", 1)
    assert log.text == text
    assert log.continuation_token is None


async def test_log_that_is_not_an_object(versions: Versioned) -> None:
    versions.router.get(f"{RUN}/t/logs/1").respond(json=["a"])
    with pytest.raises(ResponseValidationError, match="log"):
        await versions.client.task_instances.get_log("d", "r", "t", 1)


async def test_get_log_text_asks_for_plain_text(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    text = "vm\n INFO - ::group::Log message source details\n INFO - ::endgroup::\nhello\n"
    route = router.get(f"{RUN}/t/logs/3").respond(
        text=text, headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    assert await client.task_instances.get_log_text("d", "r", "t", 3, map_index=0) == text
    request = route.calls.last.request
    assert request.headers["Accept"] == "text/plain"
    assert request.url.params["map_index"] == "0"
    route.respond(json={"content": "x"})
    with pytest.raises(ResponseValidationError, match="text/plain"):
        await client.task_instances.get_log_text("d", "r", "t", 3)


# -- logs on Airflow 3 --------------------------------------------------------------------


async def test_get_log_keeps_airflow_3_events_and_renders_them(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get(f"{RUN}/t/logs/1").respond(
        json=v2_log(
            *SOURCES,
            tick(1),
            {
                "timestamp": "2026-01-01T00:00:02Z",
                "event": "Task failed",
                "level": "error",
                "logger": "airflow.task",
                "error_detail": [{"exc_type": "ValueError", "exc_value": "bad"}],
                "chan": "stderr",
            },
            "a line the server could not parse",
            token=None,
        )
    )
    log = await client_v2.task_instances.get_log("d", "r", "t", 1)
    assert route.calls.last.request.headers["Accept"] == "application/json"
    assert log.continuation_token is None
    assert [e.event for e in log.events][:3] == [s["event"] for s in SOURCES]
    failed = log.events[4]
    assert failed == TaskLogEvent(
        event="Task failed",
        timestamp=datetime(2026, 1, 1, 0, 0, 2, tzinfo=timezone.utc),
        level="error",
        logger="airflow.task",
        fields={"error_detail": [{"exc_type": "ValueError", "exc_value": "bad"}], "chan": "stderr"},
    )
    assert log.text.splitlines() == [
        "::group::Log message source details",
        "/logs/dag_id=d/run_id=r/task_id=t/attempt=1.log",
        "::endgroup::",
        "[2026-01-01T00:00:01+00:00] {task.stdout} INFO - tick 1",
        "[2026-01-01T00:00:02+00:00] {airflow.task} ERROR - Task failed "
        'error_detail=[{"exc_type": "ValueError", "exc_value": "bad"}] chan=stderr',
        "a line the server could not parse",
    ]
    assert log.text.endswith("\n")


async def test_get_log_keeps_an_odd_timestamp_as_a_field(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get(f"{RUN}/t/logs/1").respond(
        json=v2_log({"event": "e", "timestamp": "yesterday", "level": 3})
    )
    log = await client_v2.task_instances.get_log("d", "r", "t", 1)
    assert log.events[0].timestamp is None and log.events[0].level is None
    assert log.events[0].fields == {"timestamp": "yesterday", "level": 3}
    router_v2.get(f"{RUN}/t/logs/1").respond(json={"content": "not a list"})
    with pytest.raises(ResponseValidationError, match="not a list"):
        await client_v2.task_instances.get_log("d", "r", "t", 1)


async def test_get_log_text_renders_airflow_3_events(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    # Airflow 3 answers text/plain with 406: the text is made from its JSON events.
    route = router_v2.get(f"{RUN}/t/logs/2").respond(json=v2_log(*SOURCES, tick(1), tick(2)))
    text = await client_v2.task_instances.get_log_text("d", "r", "t", 2, full_content=True)
    assert text.endswith("INFO - tick 1\n[2026-01-01T00:00:02+00:00] {task.stdout} INFO - tick 2\n")
    request = route.calls.last.request
    assert request.headers["Accept"] == "application/json"
    assert request.url.params["full_content"] == "true"


async def test_external_log_url(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get(f"{RUN}/t/externalLogUrl/2").respond(json={"url": "https://es/1"})
    url = await client_v2.task_instances.get_external_log_url("d", "r", "t", 2, map_index=1)
    assert url == "https://es/1"
    assert route.calls.last.request.url.params["map_index"] == "1"
    route.respond(json={"link": "x"})
    with pytest.raises(ResponseValidationError, match="no url"):
        await client_v2.task_instances.get_external_log_url("d", "r", "t", 2)


# -- following a log --------------------------------------------------------------------


class Story:
    """Answers instance reads and log reads from scripted lists, recording the order."""

    def __init__(
        self, states: Sequence[tuple[str | None, int]], logs: list[dict[str, Any]]
    ) -> None:
        self.states = list(states)
        self.logs = list(logs)
        self.events: list[str] = []
        self.tokens: list[str | None] = []

    def instance(self, request: httpx.Request) -> httpx.Response:
        state, try_number = self.states.pop(0)
        self.events.append(f"get:{state}")
        return httpx.Response(200, json=instance("t", state=state, try_number=try_number))

    def log(self, request: httpx.Request) -> httpx.Response:
        self.events.append("log")
        self.tokens.append(request.url.params.get("token"))
        return httpx.Response(200, json=self.logs.pop(0))


async def test_follow_log_yields_new_text_until_the_task_ends(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    story = Story(
        states=[("queued", 1), ("running", 1), ("running", 1), ("success", 1)],
        logs=[
            log_body(("", " INFO - ::group::Log message source details\n"), token="t1"),
            log_body(("vm", "tick 1\ntick 2"), token="t2"),
            log_body(("vm", ""), token="t3"),
            log_body(("vm", "\ntick 3\nDone"), token="t4"),
        ],
    )
    router.get(f"{RUN}/t").mock(side_effect=story.instance)
    router.get(f"{RUN}/t/logs/1").mock(side_effect=story.log)
    chunks = [
        chunk async for chunk in client.task_instances.follow_log("d", "r", "t", 1, poll_interval=0)
    ]
    assert chunks == [
        " INFO - ::group::Log message source details\n",
        "tick 1\ntick 2",
        "\ntick 3\nDone",
    ]
    assert story.tokens == [None, "t1", "t2", "t3"]
    # The state is read before each log read, so the last read follows the end.
    assert story.events == [
        "get:queued",
        "log",
        "get:running",
        "log",
        "get:running",
        "log",
        "get:success",
        "log",
    ]


async def test_follow_log_on_airflow_3_skips_what_a_fresh_read_repeats(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    # Airflow 3 gives no token while the try is not running: the next read starts over,
    # with the source details and every event again.
    story = Story(
        states=[
            ("queued", 1),
            ("running", 1),
            ("running", 1),
            ("up_for_reschedule", 1),
            ("running", 1),
            ("success", 1),
        ],
        logs=[
            v2_log(*SOURCES, token=None),
            v2_log(*SOURCES, tick(1), token="t1"),
            v2_log(tick(2), token="t2"),
            v2_log(token=None),
            v2_log(*SOURCES, tick(1), tick(2), tick(3), token="t3"),
            v2_log(tick(4), token=None),
        ],
    )
    router_v2.get(f"{RUN}/t").mock(side_effect=story.instance)
    router_v2.get(f"{RUN}/t/logs/1").mock(side_effect=story.log)
    chunks = [
        chunk
        async for chunk in client_v2.task_instances.follow_log("d", "r", "t", 1, poll_interval=0)
    ]
    whole = "".join(chunks)
    assert whole.count("::group::Log message source details") == 1
    assert [line.rsplit(" ", 1)[-1] for line in whole.splitlines() if "tick" in line] == [
        "1",
        "2",
        "3",
        "4",
    ]
    assert story.tokens == [None, None, "t1", "t2", None, "t3"]
    assert all(chunk.endswith("\n") for chunk in chunks)


async def test_follow_log_skips_what_a_continued_read_repeats(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    # Airflow 3.0.6 answers a read with a token with every event again, less the source
    # details (measured); a later minor sends only the new ones.
    router_v2.get("/version").respond(json={"version": "3.0.6", "git_version": "x"})
    story = Story(
        states=[("running", 1), ("running", 1), ("running", 1), ("success", 1)],
        logs=[
            v2_log(*SOURCES, tick(1), token="t1"),
            v2_log(tick(1), tick(2), token="t2"),
            v2_log(tick(1), tick(2), token="t3"),
            v2_log(tick(1), tick(2), tick(3), token="t4"),
        ],
    )
    router_v2.get(f"{RUN}/t").mock(side_effect=story.instance)
    router_v2.get(f"{RUN}/t/logs/1").mock(side_effect=story.log)
    chunks = [
        chunk
        async for chunk in client_v2.task_instances.follow_log("d", "r", "t", 1, poll_interval=0)
    ]
    whole = "".join(chunks)
    assert whole.count("::group::Log message source details") == 1
    assert [line for line in whole.splitlines() if "tick" in line] == [
        "[2026-01-01T00:00:01+00:00] {task.stdout} INFO - tick 1",
        "[2026-01-01T00:00:02+00:00] {task.stdout} INFO - tick 2",
        "[2026-01-01T00:00:03+00:00] {task.stdout} INFO - tick 3",
    ]
    # The read that brought nothing new yielded nothing.
    assert len(chunks) == 3
    assert story.tokens == [None, "t1", "t2", "t3"]


@pytest.mark.parametrize(
    ("try_number", "states"),
    [
        (1, [("failed", 1)]),
        (1, [("running", 1), ("up_for_retry", 1)]),
        (1, [("running", 1), ("queued", 2)]),
        (1, [(None, 0), ("scheduled", 1), ("upstream_failed", 1)]),
        (2, [("up_for_retry", 1), ("running", 2), ("removed", 2)]),
        # A try that never comes: the instance finished on an earlier one.
        (3, [("success", 2)]),
    ],
)
async def test_follow_log_stops_when_the_try_ends(
    client: AsyncClient,
    router: respx.MockRouter,
    try_number: int,
    states: list[tuple[str | None, int]],
) -> None:
    # The log is read only once the followed try has begun.
    reads = sum(1 for _, current in states if current >= try_number)
    story = Story(states=states, logs=[log_body(("vm", f"line {n}")) for n in range(reads)])
    router.get(f"{RUN}/t").mock(side_effect=story.instance)
    router.get(f"{RUN}/t/logs/{try_number}").mock(side_effect=story.log)
    chunks = [
        c
        async for c in client.task_instances.follow_log("d", "r", "t", try_number, poll_interval=0)
    ]
    assert chunks == [f"line {n}" for n in range(reads)]
    assert story.states == []


async def test_follow_log_of_a_mapped_instance(versions: Versioned) -> None:
    if versions.api_version == "v1":
        logs = [log_body(), log_body(("", "x"))]
    else:
        logs = [v2_log(token="a"), v2_log({"event": "x"}, token=None)]
    story = Story(states=[("running", 1), ("success", 1)], logs=logs)
    got = versions.router.get(f"{RUN}/double/4").mock(side_effect=story.instance)
    read = versions.router.get(f"{RUN}/double/logs/1").mock(side_effect=story.log)
    chunks = [
        c
        async for c in versions.client.task_instances.follow_log(
            "d", "r", "double", 1, map_index=4, poll_interval=0
        )
    ]
    assert [c.rstrip("\n") for c in chunks] == ["x"]
    assert got.call_count == 2
    assert {c.request.url.params["map_index"] for c in read.calls} == {"4"}


async def test_follow_log_refuses_a_negative_interval(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        async for _ in client.task_instances.follow_log("d", "r", "t", 1, poll_interval=-1):
            pass


async def test_stream_log_yields_each_ndjson_event_as_it_arrives(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b'{"event": "::group::Log message source details", "sources": ["f"]}\n'
        yield b'{"timestamp": "2026-01-02T03:04:05Z", "level": "info", "event": "ti'
        yield b'ck 1", "logger": "task.stdout"}\n\n'
        yield b'{"event": "tick 2", "chan": "stdout"}'

    route = router_v2.get(f"{RUN}/t/logs/2").mock(
        return_value=httpx.Response(
            200, content=body(), headers={"Content-Type": "application/x-ndjson"}
        )
    )
    events = [e async for e in client_v2.task_instances.stream_log("d", "r", "t", 2, map_index=3)]
    assert [e.event for e in events] == ["::group::Log message source details", "tick 1", "tick 2"]
    assert events[0].fields == {"sources": ["f"]}
    assert events[1].level == "info" and events[1].logger == "task.stdout"
    assert events[1].timestamp is not None and events[1].timestamp.year == 2026
    assert events[2].fields == {"chan": "stdout"}
    sent = route.calls.last.request
    assert sent.headers["Accept"] == "application/x-ndjson"
    assert sent.url.params["map_index"] == "3"


async def test_stream_log_refuses_a_line_that_is_not_json(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    async def body() -> AsyncIterator[bytes]:
        yield b'{"event": "a"}\nnot json\n'

    router_v2.get(f"{RUN}/t/logs/1").respond(
        200, content=body(), headers={"Content-Type": "application/x-ndjson"}
    )
    seen: list[str] = []

    async def read() -> None:
        async for event in client_v2.task_instances.stream_log("d", "r", "t", 1):
            seen.append(event.event)

    with pytest.raises(ResponseValidationError, match="not JSON"):
        await read()
    assert seen == ["a"]


async def test_stream_log_is_refused_on_airflow_2(client: AsyncClient) -> None:
    with pytest.raises(UnsupportedByServerError, match="stream_log"):
        async for _ in client.task_instances.stream_log("d", "r", "t", 1):
            pass


@pytest.mark.parametrize(("release", "refused"), [("3.1.8", True), ("3.2.2", False)])
async def test_bulk_update_mask_is_refused_before_3_2(release: str, refused: bool) -> None:
    # Airflow 3.1.8 answers 422 "update_mask: Extra inputs are not permitted" for a mask in
    # a bulk action; it came in 3.2.
    async with airflow3(release) as (client, router):
        route = router.patch("/dags/d/dagRuns/r/taskInstances").respond(
            json={"update": {"success": ["d.r.t"], "errors": []}}
        )
        change = [{"task_id": "t", "state": "success"}]
        if refused:
            with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.2") as caught:
                await client.task_instances.bulk("d", "r", update=change, update_mask=["state"])
            assert caught.value.parameter == "update_mask"
            assert route.call_count == 0
        else:
            await client.task_instances.bulk("d", "r", update=change, update_mask=["state"])
            assert route.call_count == 1
        # Without a mask the same update goes out on both.
        result = await client.task_instances.bulk("d", "r", update=change)
        assert [e.ok for e in result.entities] == [True]
