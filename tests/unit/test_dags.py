"""client.dags against a respx router."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
import pytest
import respx

from airflow_client_async import UNSET, AsyncClient, NotFoundError
from airflow_client_async.models import DAG, CronExpression, DagState

from . import payloads


def capped_dags(total: int, cap: int):  # type: ignore[no-untyped-def]
    """A server that holds ``total`` DAGs and never returns more than ``cap`` at a time."""
    dags = [payloads.dag(f"dag_{n:03d}") for n in range(total)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params.get("offset", 0))
        limit = min(int(request.url.params.get("limit", 100)), cap)
        return httpx.Response(
            200, json={"dags": dags[offset : offset + limit], "total_entries": total}
        )

    return answer


async def test_list_iterates_every_dag_past_the_server_cap(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/dags").mock(side_effect=capped_dags(23, cap=10))
    ids = [dag.dag_id async for dag in client.dags.list(limit=50)]
    assert ids == [f"dag_{n:03d}" for n in range(23)]
    offsets = [c.request.url.params["offset"] for c in route.calls]
    assert offsets == ["0", "10", "20"]
    assert {c.request.url.params["limit"] for c in route.calls} == {"50"}


async def test_list_awaited_is_one_page_with_filters(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/dags").mock(side_effect=capped_dags(23, cap=10))
    page = await client.dags.list(
        limit=5,
        offset=2,
        tags=["a", "b"],
        paused=False,
        only_active=True,
        order_by="-dag_id",
        fields=["dag_id", "is_paused"],
        dag_id_pattern="dag_%",
    )
    assert [d.dag_id for d in page.items] == ["dag_002", "dag_003", "dag_004", "dag_005", "dag_006"]
    assert page.total_entries == 23
    params = route.calls.last.request.url.params
    assert params.get_list("tags") == ["a", "b"]
    assert params.get_list("fields") == ["dag_id", "is_paused"]
    assert params["paused"] == "false"
    assert params["only_active"] == "true"
    assert params["order_by"] == "-dag_id"
    assert params["dag_id_pattern"] == "dag_%"


async def test_get_decodes_the_dag(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/dags/example_bash_operator").respond(
        json=payloads.dag("example_bash_operator", brand_new_field={"x": 1})
    )
    dag = await client.dags.get("example_bash_operator")
    assert isinstance(dag, DAG)
    assert dag.dag_id == "example_bash_operator"
    assert dag.description is None
    assert isinstance(dag.schedule_interval, CronExpression)
    assert dag.schedule_interval.value == "0 0 * * *"
    assert dag.last_parsed_time == datetime(2024, 5, 1, 12, 0, 0, 123456, tzinfo=timezone.utc)
    assert dag.extra_fields == {"brand_new_field": {"x": 1}}


@pytest.mark.parametrize(
    ("dag_id", "raw_path"),
    [
        ("a/b", "/api/v1/dags/a%2Fb"),
        ("..", "/api/v1/dags/%2E%2E"),
        ("x?y#z", "/api/v1/dags/x%3Fy%23z"),
        ("sp ace+plus", "/api/v1/dags/sp%20ace%2Bplus"),
        ("ünï", "/api/v1/dags/%C3%BCn%C3%AF"),
    ],
)
async def test_dag_ids_stay_in_their_segment(
    client: AsyncClient, router: respx.MockRouter, dag_id: str, raw_path: str
) -> None:
    route = router.get(url__regex=r".*").respond(json=payloads.dag(dag_id))
    await client.dags.get(dag_id)
    assert route.calls.last.request.url.raw_path.decode() == raw_path


async def test_empty_dag_id_fails_before_io(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.route().respond(200)
    with pytest.raises(ValueError, match="dag_id"):
        await client.dags.get("")
    assert not route.called


async def test_get_details(client: AsyncClient, router: respx.MockRouter) -> None:
    body = payloads.dag(
        "d",
        catchup=False,
        concurrency=16,
        dag_run_timeout=None,
        doc_md=None,
        default_view="grid",
        end_date=None,
        is_paused_upon_creation=None,
        last_parsed=None,
        orientation="LR",
        params={
            "x": {
                "__class": "airflow.models.param.Param",
                "value": 1,
                "description": None,
                "schema": {},
            }
        },
        render_template_as_native_obj=False,
        start_date="2021-01-01T00:00:00+00:00",
        template_search_path=None,
        timezone="Timezone('UTC')",
    )
    router.get("/dags/d/details").respond(json=body)
    detail = await client.dags.get_details("d")
    assert detail.catchup is False
    assert detail.params is not None and detail.params["x"]["value"] == 1
    assert detail.start_date == datetime(2021, 1, 1, tzinfo=timezone.utc)


async def test_update_sends_exactly_the_fields_given(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.patch("/dags/d").respond(json=payloads.dag("d", is_paused=False))
    dag = await client.dags.update("d", is_paused=False)
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["is_paused"]
    assert json.loads(request.content) == {"is_paused": False}
    assert dag.is_paused is False


async def test_pause_and_unpause(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.patch("/dags/d").respond(json=payloads.dag("d"))
    await client.dags.pause("d")
    assert json.loads(route.calls.last.request.content) == {"is_paused": True}
    await client.dags.unpause("d")
    assert json.loads(route.calls.last.request.content) == {"is_paused": False}


async def test_update_with_nothing_given_fails_before_io(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="at least one field"):
        await client.dags.update("d", is_paused=UNSET)


async def test_update_many(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.patch("/dags").respond(
        json={"dags": [payloads.dag("a"), payloads.dag("b")], "total_entries": 2}
    )
    collection = await client.dags.update_many("example_%", is_paused=True, tags=["t"])
    request = route.calls.last.request
    assert request.url.params["dag_id_pattern"] == "example_%"
    assert request.url.params["update_mask"] == "is_paused"
    assert request.url.params["tags"] == "t"
    assert json.loads(request.content) == {"is_paused": True}
    assert [d.dag_id for d in collection.dags or []] == ["a", "b"]


async def test_delete(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.delete("/dags/d").respond(204, headers={"Content-Type": "application/json"})
    assert await client.dags.delete("d") is None
    assert route.called


async def test_delete_missing_dag(client: AsyncClient, router: respx.MockRouter) -> None:
    router.delete("/dags/nope").respond(
        404, json=payloads.problem(404, "Dag not found", "Dag with id: 'nope' not found")
    )
    with pytest.raises(NotFoundError, match="Dag with id: 'nope' not found"):
        await client.dags.delete("nope")


async def test_tasks(client: AsyncClient, router: respx.MockRouter) -> None:
    task = {
        "class_ref": {"class_name": "BashOperator", "module_path": "airflow.operators.bash"},
        "task_id": "run_me",
        "task_display_name": "run_me",
        "owner": "airflow",
        "start_date": "2021-01-01T00:00:00+00:00",
        "end_date": None,
        "trigger_rule": "all_success",
        "extra_links": [],
        "depends_on_past": False,
        "is_mapped": False,
        "wait_for_downstream": False,
        "retries": 0.0,
        "queue": "default",
        "executor": None,
        "pool": "default_pool",
        "pool_slots": 1.0,
        "execution_timeout": None,
        "retry_delay": {"__type": "TimeDelta", "days": 0, "seconds": 300, "microseconds": 0},
        "retry_exponential_backoff": False,
        "priority_weight": 1.0,
        "weight_rule": "downstream",
        "ui_color": "#f0ede4",
        "ui_fgcolor": "#000",
        "template_fields": ["bash_command", "env", "cwd"],
        "sub_dag": None,
        "downstream_task_ids": ["also_run_this"],
        "doc_md": None,
    }
    route = router.get("/dags/d/tasks").respond(json={"tasks": [task], "total_entries": 1})
    tasks = await client.dags.list_tasks("d", order_by="task_id")
    assert [t.task_id for t in tasks] == ["run_me"]
    assert route.calls.last.request.url.params["order_by"] == "task_id"
    router.get("/dags/d/tasks/run_me").respond(json=task)
    one = await client.dags.get_task("d", "run_me")
    assert one.downstream_task_ids == ["also_run_this"]
    assert one.retry_delay is not None and one.retry_delay.seconds == 300


async def test_clear_task_instances_is_a_dry_run_unless_told(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/d/clearTaskInstances").respond(
        json={"task_instances": [payloads.task_instance_reference("t1")]}
    )
    refs = await client.dags.clear_task_instances(
        "d", task_ids=["t1"], start_date=datetime(2024, 1, 1, tzinfo=timezone.utc)
    )
    assert [r.task_id for r in refs] == ["t1"]
    assert json.loads(route.calls.last.request.content) == {
        "dry_run": True,
        "task_ids": ["t1"],
        "start_date": "2024-01-01T00:00:00+00:00",
    }
    await client.dags.clear_task_instances("d", dry_run=False, only_failed=False)
    assert json.loads(route.calls.last.request.content) == {"dry_run": False, "only_failed": False}


async def test_clear_task_instances_refuses_naive_dates(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="naive"):
        await client.dags.clear_task_instances("d", start_date=datetime(2024, 1, 1))


async def test_set_task_instances_state(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.post("/dags/d/updateTaskInstancesState").respond(
        json={"task_instances": [payloads.task_instance_reference("t1")]}
    )
    refs = await client.dags.set_task_instances_state(
        "d", task_id="t1", dag_run_id="manual__1", new_state="failed", dry_run=False
    )
    assert refs[0].dag_run_id == "manual__1"
    assert json.loads(route.calls.last.request.content) == {
        "task_id": "t1",
        "new_state": "failed",
        "dry_run": False,
        "dag_run_id": "manual__1",
        "include_upstream": False,
        "include_downstream": False,
        "include_future": False,
        "include_past": False,
    }
    with pytest.raises(ValueError, match="not both"):
        await client.dags.set_task_instances_state(
            "d",
            task_id="t1",
            new_state="failed",
            dag_run_id="r",
            execution_date=datetime(2024, 1, 1, tzinfo=timezone.utc),
        )


async def test_unknown_enum_values_are_kept(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/dags/d/dagRuns/r").respond(json=payloads.dag_run("d", "r", state="paused_forever"))
    run = await client.dag_runs.get("d", "r")
    assert run.state == "paused_forever"
    router.get("/dags/d/dagRuns/s").respond(json=payloads.dag_run("d", "s", state="success"))
    assert (await client.dag_runs.get("d", "s")).state is DagState.SUCCESS
