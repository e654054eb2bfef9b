"""dag_runs.trigger_many, wait and wait_many against a respx router."""

from __future__ import annotations

import json
import re

import anyio
import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    ConflictError,
    NotFoundError,
    RunResult,
    TriggerRequest,
    WaitTimeoutError,
)

from . import payloads

RUN_ID = re.compile(r"^api__\d{8}T\d{6}\.[0-9a-f]{32}$")


def created(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    dag_id = request.url.path.split("/")[-2]
    return httpx.Response(
        200, json=payloads.dag_run(dag_id, body["dag_run_id"], conf=body.get("conf", {}))
    )


async def test_every_request_gets_a_result_in_order(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.post(url__regex=r"/dags/(ok_\d|also)/dagRuns$").mock(side_effect=created)
    router.post("/dags/missing/dagRuns").respond(404, json=payloads.problem(404, "DAG not found"))
    requests = [
        "ok_1",
        TriggerRequest(dag_id="also", dag_run_id="mine", conf={"x": 1}),
        "missing",
        "ok_2",
    ]
    results = await client.dag_runs.trigger_many(requests, max_concurrency=2)
    assert [r.dag_id for r in results] == ["ok_1", "also", "missing", "ok_2"]
    assert [r.ok for r in results] == [True, True, False, True]
    assert isinstance(results[2].error, NotFoundError)
    assert results[1].dag_run_id == "mine" and results[1].run is not None
    assert results[1].run.conf == {"x": 1}
    assert RUN_ID.match(results[0].dag_run_id)
    assert results[0].run is not None and results[0].run.dag_run_id == results[0].dag_run_id
    assert all(r.elapsed >= 0 for r in results)


async def test_generated_ids_are_unique(client: AsyncClient, router: respx.MockRouter) -> None:
    router.post("/dags/d/dagRuns").mock(side_effect=created)
    results = await client.dag_runs.trigger_many(["d"] * 50, max_concurrency=8)
    assert len({r.dag_run_id for r in results}) == 50


async def test_concurrency_is_bounded(client: AsyncClient, router: respx.MockRouter) -> None:
    in_flight = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.005)
        in_flight -= 1
        return created(request)

    router.post("/dags/d/dagRuns").mock(side_effect=slow)
    await client.dag_runs.trigger_many(["d"] * 20, max_concurrency=3)
    assert peak == 3


async def test_a_lost_response_is_retried_and_the_409_returns_the_created_run(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    sent: list[str] = []

    def lost_then_conflict(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["dag_run_id"])
        if len(sent) == 1:
            raise httpx.ReadTimeout("the response never came")
        return httpx.Response(409, json=payloads.problem(409, "Conflict", "already exists"))

    router.post("/dags/d/dagRuns").mock(side_effect=lost_then_conflict)
    get = router.get(url__regex=r"/dags/d/dagRuns/api__").mock(
        side_effect=lambda request: httpx.Response(
            200, json=payloads.dag_run("d", request.url.path.rsplit("/", 1)[-1])
        )
    )
    [result] = await client.dag_runs.trigger_many(["d"])
    assert result.ok and result.already_existed
    assert sent[0] == sent[1] == result.dag_run_id
    assert get.called


async def test_a_caller_id_that_exists_is_an_error_not_a_success(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.post("/dags/d/dagRuns").respond(409, json=payloads.problem(409, "Conflict", "exists"))
    [result] = await client.dag_runs.trigger_many([TriggerRequest(dag_id="d", dag_run_id="taken")])
    assert isinstance(result.error, ConflictError)
    assert result.run is None


async def test_a_caller_id_is_not_replayed_after_an_ambiguous_failure(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/d/dagRuns").mock(side_effect=httpx.ReadTimeout("lost"))
    [result] = await client.dag_runs.trigger_many([TriggerRequest(dag_id="d", dag_run_id="mine")])
    assert not result.ok
    assert route.call_count == 1


async def test_bad_input_fails_before_any_request(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.route().respond(200)
    with pytest.raises(ValueError, match="dag_id"):
        await client.dag_runs.trigger_many(["ok", ""])
    with pytest.raises(TypeError):
        await client.dag_runs.trigger_many([42])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="max_concurrency"):
        await client.dag_runs.trigger_many(["ok"], max_concurrency=0)
    assert not route.called


async def test_cancelling_the_caller_cancels_the_requests(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    started = 0

    async def never(request: httpx.Request) -> httpx.Response:
        nonlocal started
        started += 1
        await anyio.sleep(60)
        raise AssertionError("not cancelled")

    router.post("/dags/d/dagRuns").mock(side_effect=never)
    with anyio.move_on_after(0.2) as scope:
        await client.dag_runs.trigger_many(["d"] * 10, max_concurrency=4)
    assert scope.cancelled_caught
    assert started == 4


async def test_wait_polls_until_the_run_ends(client: AsyncClient, router: respx.MockRouter) -> None:
    states = iter(["queued", "running", "running", "success"])
    route = router.get("/dags/d/dagRuns/r").mock(
        side_effect=lambda _: httpx.Response(
            200, json=payloads.dag_run("d", "r", state=next(states))
        )
    )
    run = await client.dag_runs.wait("d", "r", poll_interval=0.001, max_poll_interval=0.002)
    assert str(run.state) == "success"
    assert route.call_count == 4


async def test_wait_returns_a_failed_run(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/dags/d/dagRuns/r").respond(json=payloads.dag_run("d", "r", state="failed"))
    assert str((await client.dag_runs.wait("d", "r")).state) == "failed"


async def test_wait_times_out_with_the_last_state(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/dags/d/dagRuns/r").respond(json=payloads.dag_run("d", "r", state="running"))
    with pytest.raises(WaitTimeoutError) as caught:
        await client.dag_runs.wait("d", "r", timeout=0.05, poll_interval=0.01)
    assert caught.value.last_state == "running"
    assert caught.value.dag_run_id == "r"
    assert isinstance(caught.value, TimeoutError)


async def test_wait_many(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/dags/d/dagRuns/a").respond(json=payloads.dag_run("d", "a", state="success"))
    router.get("/dags/d/dagRuns/b").respond(json=payloads.dag_run("d", "b", state="running"))
    router.get("/dags/d/dagRuns/gone").respond(404, json=payloads.problem(404, "DAGRun not found"))
    failed = RunResult(dag_id="d", dag_run_id="never", error=ValueError("x"))
    results = await client.dag_runs.wait_many(
        [("d", "a"), ("d", "b"), ("d", "gone"), failed], timeout=0.1, poll_interval=0.01
    )
    assert [r.dag_run_id for r in results] == ["a", "b", "gone", "never"]
    assert results[0].ok and results[0].run is not None and str(results[0].run.state) == "success"
    assert isinstance(results[1].error, WaitTimeoutError)
    assert isinstance(results[2].error, NotFoundError)
    assert results[3] is failed
