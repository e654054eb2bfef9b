"""dag_runs.trigger_many, wait and wait_many against a respx router, on both APIs."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import anyio
import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BearerAuth,
    ConflictError,
    InternalServerError,
    NotFoundError,
    RunError,
    RunOk,
    RunResult,
    TriggerRequest,
    WaitTimeoutError,
)
from airflow_client_async._workflows import RUN_ID_PATTERN, new_run_id
from airflow_client_async.models import DAGRun
from airflow_client_async.resources._fan_out import _AdaptiveLimit

from .conftest import API, API_V2, BASE, SleepRecorder, Versioned
from .dag_payloads import body_of, dag_run, error, operation_calls

RUN_ID = re.compile(r"^api__\d{8}T\d{6}\.[0-9a-f]{32}$")

#: Airflow 3.3.2's own pattern for the run ids it makes (airflow/models/dagrun.py); a run
#: id of the client must not look like one of them.
AIRFLOW_RUN_ID = re.compile(
    r"^(?:manual|scheduled|asset_triggered)__(?:\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00)$"
)


def created(api_version: str):  # type: ignore[no-untyped-def]
    def answer(request: httpx.Request) -> httpx.Response:
        body = body_of(request)
        dag_id = request.url.path.split("/")[-2]
        return httpx.Response(
            200,
            json=dag_run(api_version, dag_id, body["dag_run_id"], conf=body.get("conf", {})),
        )

    return answer


def test_client_run_ids_are_accepted_by_airflow_2_and_3() -> None:
    for _ in range(200):
        run_id = new_run_id()
        assert RUN_ID.match(run_id)
        # [scheduler] allowed_run_id_pattern's default, on 2.11.2 and 3.3.2 alike.
        assert RUN_ID_PATTERN.match(run_id)
        assert re.match(r"^[A-Za-z0-9_.~:+-]+$", run_id)
        # Airflow 3 refuses '..' (path traversal) in a run id by default.
        assert ".." not in run_id
        assert not AIRFLOW_RUN_ID.match(run_id)


async def test_every_request_gets_a_result_in_order(versions: Versioned) -> None:
    router = versions.router
    router.post(url__regex=r"/dags/(ok_\d|also)/dagRuns$").mock(
        side_effect=created(versions.api_version)
    )
    router.post("/dags/missing/dagRuns").respond(
        404, json=error(versions.api_version, 404, "DAG not found")
    )
    requests = [
        "ok_1",
        TriggerRequest(dag_id="also", dag_run_id="mine", conf={"x": 1}),
        "missing",
        "ok_2",
    ]
    results = await versions.client.dag_runs.trigger_many(requests, max_concurrency=2)
    assert [r.dag_id for r in results] == ["ok_1", "also", "missing", "ok_2"]
    assert [r.ok for r in results] == [True, True, False, True]
    assert isinstance(results[2], RunError) and isinstance(results[2].error, NotFoundError)
    assert results[1].ok is True
    assert results[1].dag_run_id == "mine"
    assert results[1].run.conf == {"x": 1}
    assert RUN_ID.match(results[0].dag_run_id)
    assert results[0].ok is True and results[0].run.dag_run_id == results[0].dag_run_id
    assert all(r.elapsed >= 0 for r in results)


async def test_triggers_send_the_logical_date_each_api_needs(versions: Versioned) -> None:
    route = versions.router.post("/dags/d/dagRuns").mock(side_effect=created(versions.api_version))
    when = datetime(2030, 1, 1, tzinfo=timezone.utc)
    await versions.client.dag_runs.trigger_many(
        ["d", TriggerRequest(dag_id="d", logical_date=when, note="n")], max_concurrency=1
    )
    bodies = [body_of(c.request) for c in route.calls]
    first, second = sorted(bodies, key=lambda b: "note" in b)
    assert RUN_ID.match(first["dag_run_id"])
    if versions.api_version == "v2":
        # Airflow 3 requires logical_date in the body; null gives a run without one.
        assert first == {"dag_run_id": first["dag_run_id"], "logical_date": None}
    else:
        assert first == {"dag_run_id": first["dag_run_id"]}
    assert second == {
        "dag_run_id": second["dag_run_id"],
        "logical_date": "2030-01-01T00:00:00+00:00",
        "note": "n",
    }


async def test_generated_ids_are_unique(versions: Versioned) -> None:
    versions.router.post("/dags/d/dagRuns").mock(side_effect=created(versions.api_version))
    results = await versions.client.dag_runs.trigger_many(["d"] * 50, max_concurrency=8)
    assert len({r.dag_run_id for r in results}) == 50
    assert all(r.ok for r in results)


async def test_concurrency_is_bounded(versions: Versioned) -> None:
    in_flight = peak = 0
    answer = created(versions.api_version)

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.005)
        in_flight -= 1
        return answer(request)  # type: ignore[no-any-return]

    versions.router.post("/dags/d/dagRuns").mock(side_effect=slow)
    await versions.client.dag_runs.trigger_many(["d"] * 20, max_concurrency=3)
    assert peak == 3


async def test_a_lost_response_is_retried_and_the_409_returns_the_created_run(
    versions: Versioned,
) -> None:
    sent: list[str] = []

    def lost_then_conflict(request: httpx.Request) -> httpx.Response:
        sent.append(body_of(request)["dag_run_id"])
        if len(sent) == 1:
            raise httpx.ReadTimeout("the response never came")
        return httpx.Response(409, json=error(versions.api_version, 409, "already exists"))

    versions.router.post("/dags/d/dagRuns").mock(side_effect=lost_then_conflict)
    get = versions.router.get(url__regex=r"/dags/d/dagRuns/api__").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=dag_run(versions.api_version, "d", request.url.path.rsplit("/", 1)[-1]),
        )
    )
    [result] = await versions.client.dag_runs.trigger_many(["d"])
    assert isinstance(result, RunOk) and result.already_existed
    assert sent[0] == sent[1] == result.dag_run_id == result.run.dag_run_id
    assert get.called


async def test_a_caller_id_that_exists_is_an_error_not_a_success(versions: Versioned) -> None:
    versions.router.post("/dags/d/dagRuns").respond(
        409, json=error(versions.api_version, 409, "exists")
    )
    [result] = await versions.client.dag_runs.trigger_many(
        [TriggerRequest(dag_id="d", dag_run_id="taken")]
    )
    assert isinstance(result, RunError)
    assert isinstance(result.error, ConflictError)
    assert result.ok is False
    # There is no run: reading it raises what went wrong.
    with pytest.raises(ConflictError):
        result.run  # noqa: B018


async def test_a_caller_id_is_not_replayed_after_an_ambiguous_failure(versions: Versioned) -> None:
    route = versions.router.post("/dags/d/dagRuns").mock(side_effect=httpx.ReadTimeout("lost"))
    [result] = await versions.client.dag_runs.trigger_many(
        [TriggerRequest(dag_id="d", dag_run_id="mine")]
    )
    assert not result.ok
    assert route.call_count == 1


async def test_bad_input_fails_before_any_request(versions: Versioned) -> None:
    versions.router.route().respond(200)
    with pytest.raises(ValueError, match="dag_id"):
        await versions.client.dag_runs.trigger_many(["ok", ""])
    with pytest.raises(TypeError):
        await versions.client.dag_runs.trigger_many([42])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="max_concurrency"):
        await versions.client.dag_runs.trigger_many(["ok"], max_concurrency=0)
    assert operation_calls(versions.router) == []


async def test_cancelling_the_caller_cancels_the_requests(versions: Versioned) -> None:
    started = 0

    async def never(request: httpx.Request) -> httpx.Response:
        nonlocal started
        started += 1
        await anyio.sleep(60)
        raise AssertionError("not cancelled")

    versions.router.post("/dags/d/dagRuns").mock(side_effect=never)
    with anyio.move_on_after(0.2) as scope:
        await versions.client.dag_runs.trigger_many(["d"] * 10, max_concurrency=4)
    assert scope.cancelled_caught
    assert started == 4


@pytest.fixture(params=["2.11.2", "3.0.6"])
async def polled(request: pytest.FixtureRequest) -> AsyncIterator[Versioned]:
    """A client of a server without the wait stream: Airflow 2, and 3 before 3.1."""
    release: str = request.param
    api_version = "v1" if release.startswith("2.") else "v2"
    with respx.mock(
        base_url=API if api_version == "v1" else API_V2, using="httpx", assert_all_called=False
    ) as mock:
        mock.get("/version").respond(json={"version": release, "git_version": "test"})
        async with AsyncClient(BASE, auth=BearerAuth("t"), api_version=api_version) as api:  # type: ignore[arg-type]
            yield Versioned(api, mock, api_version)


def _ndjson(*lines: str) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        for line in lines:
            yield f"{line}\n".encode()

    return httpx.Response(200, content=body(), headers={"Content-Type": "application/x-ndjson"})


async def test_wait_polls_until_the_run_ends(polled: Versioned) -> None:
    states = iter(["queued", "running", "running", "success"])
    route = polled.router.get("/dags/d/dagRuns/r").mock(
        side_effect=lambda _: httpx.Response(
            200, json=dag_run(polled.api_version, "d", "r", state=next(states))
        )
    )
    run = await polled.client.dag_runs.wait("d", "r", poll_interval=0.001, max_poll_interval=0.002)
    assert str(run.state) == "success"
    assert route.call_count == 4


async def test_wait_returns_a_failed_run(polled: Versioned) -> None:
    polled.router.get("/dags/d/dagRuns/r").respond(
        json=dag_run(polled.api_version, "d", "r", state="failed")
    )
    assert str((await polled.client.dag_runs.wait("d", "r")).state) == "failed"


async def test_wait_times_out_with_the_last_state(polled: Versioned) -> None:
    polled.router.get("/dags/d/dagRuns/r").respond(
        json=dag_run(polled.api_version, "d", "r", state="running")
    )
    with pytest.raises(WaitTimeoutError) as caught:
        await polled.client.dag_runs.wait("d", "r", timeout=0.05, poll_interval=0.01)
    assert caught.value.last_state == "running"
    assert caught.value.dag_run_id == "r"
    assert isinstance(caught.value.last_seen, DAGRun)
    assert caught.value.last_seen.dag_run_id == "r"
    assert isinstance(caught.value, TimeoutError)


async def test_wait_streams_on_airflow_3_1_and_reads_the_run_once(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    stream = router_v2.get("/dags/d/dagRuns/r/wait").mock(
        return_value=_ndjson('{"state": "queued"}', '{"state": "running"}', '{"state": "success"}')
    )
    get = router_v2.get("/dags/d/dagRuns/r").respond(json=dag_run("v2", "d", "r", state="success"))
    run = await client_v2.dag_runs.wait("d", "r", poll_interval=0.25)
    assert str(run.state) == "success" and run.dag_run_id == "r"
    assert stream.call_count == 1 and get.call_count == 1
    assert stream.calls.last.request.url.params.multi_items() == [("interval", "0.25")]


async def test_wait_polls_when_a_streamed_run_was_queued_again(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get("/dags/d/dagRuns/r/wait").mock(return_value=_ndjson('{"state": "failed"}'))
    states = iter(["queued", "running", "success"])
    get = router_v2.get("/dags/d/dagRuns/r").mock(
        side_effect=lambda _: httpx.Response(200, json=dag_run("v2", "d", "r", state=next(states)))
    )
    run = await client_v2.dag_runs.wait("d", "r", poll_interval=0.001, max_poll_interval=0.001)
    assert str(run.state) == "success"
    assert get.call_count == 3


async def test_a_streamed_wait_times_out_with_the_last_state(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    async def endless(request: httpx.Request) -> httpx.Response:
        async def body() -> AsyncIterator[bytes]:
            yield b'{"state": "running"}\n'
            await anyio.sleep(30)

        return httpx.Response(200, content=body(), headers={"Content-Type": "application/x-ndjson"})

    router_v2.get("/dags/d/dagRuns/r/wait").mock(side_effect=endless)
    get = router_v2.get("/dags/d/dagRuns/r")
    with anyio.fail_after(5), pytest.raises(WaitTimeoutError) as caught:
        await client_v2.dag_runs.wait("d", "r", timeout=0.2)
    assert caught.value.last_state == "running"
    assert caught.value.last_seen is None
    assert str(caught.value) == "DAG run d/r was still running after 0.2 s"
    assert get.call_count == 0


async def test_wait_refuses_bad_intervals(versions: Versioned) -> None:
    with pytest.raises(ValueError, match="positive"):
        await versions.client.dag_runs.wait("d", "r", poll_interval=0)


async def test_wait_many(versions: Versioned) -> None:
    router, api_version = versions.router, versions.api_version
    router.get("/dags/d/dagRuns/a").respond(json=dag_run(api_version, "d", "a", state="success"))
    router.get("/dags/d/dagRuns/b").respond(json=dag_run(api_version, "d", "b", state="running"))
    router.get("/dags/d/dagRuns/gone").respond(
        404, json=error(api_version, 404, "DAGRun not found")
    )
    batch = router.post("/dags/~/dagRuns/list").respond(
        json={"dag_runs": [dag_run(api_version, "d", "b", state="running")], "total_entries": 1}
    )
    failed = RunError(dag_id="d", dag_run_id="never", error=ValueError("x"))
    results: list[RunResult] = await versions.client.dag_runs.wait_many(
        [("d", "a"), ("d", "b"), ("d", "gone"), failed], timeout=0.1, poll_interval=0.01
    )
    assert [r.dag_run_id for r in results] == ["a", "b", "gone", "never"]
    first = results[0]
    assert first.ok is True and str(first.run.state) == "success"
    assert isinstance(results[1].error, WaitTimeoutError)
    assert isinstance(results[2].error, NotFoundError)
    assert results[3] is failed
    sent = json.loads(batch.calls[0].request.content)
    assert sent["dag_ids"] == ["d"] and sent["states"] == ["queued", "running"]
    # The ended runs were read once; the running one only through the batch.
    assert router.routes[1].call_count == 1 and router.routes[2].call_count == 0


async def test_wait_many_takes_what_trigger_many_returns(versions: Versioned) -> None:
    versions.router.post("/dags/d/dagRuns").mock(side_effect=created(versions.api_version))
    versions.router.get(url__regex=r"/dags/d/dagRuns/api__").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=dag_run(
                versions.api_version, "d", request.url.path.rsplit("/", 1)[-1], state="success"
            ),
        )
    )
    versions.router.post("/dags/~/dagRuns/list").respond(json={"dag_runs": [], "total_entries": 0})
    triggered = await versions.client.dag_runs.trigger_many(["d", "d"])
    run = triggered[0].run if triggered[0].ok else None
    assert run is not None
    finished = await versions.client.dag_runs.wait_many([*triggered, run], poll_interval=0.01)
    assert [r.dag_run_id for r in finished] == [
        triggered[0].dag_run_id,
        triggered[1].dag_run_id,
        triggered[0].dag_run_id,
    ]
    assert all(r.ok and str(r.run.state) == "success" for r in finished)


async def test_wait_many_refuses_a_run_without_ids(versions: Versioned) -> None:
    with pytest.raises(ValueError, match="without dag_id"):
        await versions.client.dag_runs.wait_many([DAGRun(dag_id="d", dag_run_id="")])


async def test_wait_many_polls_hundreds_of_runs_in_batches(versions: Versioned) -> None:
    """250 runs over 5 DAGs: each cycle one paged list of the active runs, and one of those
    that ended since they were triggered; no run is read by itself."""
    api_version = versions.api_version
    keys = [(f"dag{n % 5}", f"r{n}") for n in range(250)]
    # Run n ends after (n % 4) + 1 cycles.
    ends_after = {key: (n % 4) + 1 for n, key in enumerate(keys)}
    cycle = {"n": 0, "active pages": 0, "ended pages": 0}
    bounds: list[str] = []

    def listed(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        offset = body.get("page_offset", 0)
        if sorted(body["states"]) == ["queued", "running"]:
            if offset == 0:
                cycle["n"] += 1
            cycle["active pages"] += 1
            state = "running"
            found = [k for k in keys if ends_after[k] > cycle["n"] - 1]
        else:
            assert sorted(body["states"]) == ["failed", "success"]
            bounds.append(body["end_date_gte"])
            cycle["ended pages"] += 1
            state = "success"
            # The latest ends first, as asked.
            assert body["order_by"] == "-end_date"
            found = sorted(
                (k for k in keys if ends_after[k] <= cycle["n"] - 1),
                key=ends_after.__getitem__,
                reverse=True,
            )
        found = [k for k in found if k[0] in body["dag_ids"]]
        page = found[offset : offset + body["page_limit"]]
        runs = [
            dag_run(
                api_version,
                d,
                r,
                state=state,
            )
            for d, r in page
        ]
        return httpx.Response(200, json={"dag_runs": runs, "total_entries": len(found)})

    versions.router.post("/dags/~/dagRuns/list").mock(side_effect=listed)
    final = versions.router.get(url__regex=r"/dags/dag\d/dagRuns/r\d+$").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=dag_run(
                api_version,
                request.url.path.split("/")[-3],
                request.url.path.rsplit("/", 1)[-1],
                state="success",
            ),
        )
    )
    results = await versions.client.dag_runs.wait_many(keys, poll_interval=0.001)
    assert all(r.ok and str(r.run.state) == "success" for r in results)
    assert [(r.dag_id, r.dag_run_id) for r in results] == keys
    assert final.call_count == 0  # the ended runs came in lists too
    # Cycle 1 sees all 250 active (3 pages), then 188, 125, 63 (2, 2, 1 pages), then none.
    assert cycle["n"] == 5
    assert cycle["active pages"] == 3 + 2 + 2 + 1 + 1
    # Cycles 2 to 5 each list the latest ends until the 62 or 63 new ones are found.
    assert cycle["ended pages"] == 1 + 1 + 1 + 1
    # Looked for from a second before the earliest time the runs' records hold.
    first = min(
        moment
        for run in (DAGRun.from_dict(dag_run(api_version, "dag0", "r0", state="running")),)
        for moment in (run.queued_at, run.start_date, run.run_after, run.logical_date)
        if moment is not None
    )
    assert {datetime.fromisoformat(b) for b in bounds} == {first - timedelta(seconds=1)}
    requests = cycle["active pages"] + cycle["ended pages"]
    assert requests / cycle["n"] / len(keys) < 0.015


async def test_wait_many_reads_a_run_the_ended_list_missed(versions: Versioned) -> None:
    """A run absent from both lists (it ended before its logical date) is read by itself."""
    api_version = versions.api_version
    keys = [("d", "r1"), ("d", "r2"), ("d", "r3")]

    def listed(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        runs = []
        if "success" in body["states"]:
            runs = [dag_run(api_version, "d", r, state="success") for r in ("r1", "r2")]
        return httpx.Response(200, json={"dag_runs": runs, "total_entries": len(runs)})

    versions.router.post("/dags/~/dagRuns/list").mock(side_effect=listed)
    final = versions.router.get("/dags/d/dagRuns/r3").respond(
        json=dag_run(api_version, "d", "r3", state="failed")
    )
    given = [DAGRun.from_dict(dag_run(api_version, d, r)) for d, r in keys]
    results = await versions.client.dag_runs.wait_many(given, poll_interval=0.001)
    assert [str(r.run.state) for r in results if r.ok] == ["success", "success", "failed"]
    assert final.call_count == 1


async def test_wait_many_reads_each_run_when_the_ended_list_fails(versions: Versioned) -> None:
    api_version = versions.api_version

    def listed(request: httpx.Request) -> httpx.Response:
        if "success" in json.loads(request.content)["states"]:
            return httpx.Response(400, json=error(api_version, 400, "no such filter"))
        return httpx.Response(200, json={"dag_runs": [], "total_entries": 0})

    versions.router.post("/dags/~/dagRuns/list").mock(side_effect=listed)
    reads = versions.router.get(url__regex=r"/dags/d/dagRuns/r\d$").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=dag_run(api_version, "d", request.url.path.rsplit("/", 1)[-1], state="success"),
        )
    )
    given = [DAGRun.from_dict(dag_run(api_version, "d", f"r{n}")) for n in range(3)]
    results = await versions.client.dag_runs.wait_many(given, poll_interval=0.001)
    assert all(r.ok for r in results) and reads.call_count == 3


async def test_results_reach_on_result_as_they_arrive(versions: Versioned) -> None:
    versions.router.post("/dags/d/dagRuns").mock(side_effect=created(versions.api_version))
    seen: list[RunResult] = []
    triggered = await versions.client.dag_runs.trigger_many(["d"] * 5, on_result=seen.append)
    assert sorted(r.dag_run_id for r in seen) == sorted(r.dag_run_id for r in triggered)
    versions.router.post("/dags/~/dagRuns/list").respond(json={"dag_runs": [], "total_entries": 0})
    versions.router.get(url__regex=r"/dags/d/dagRuns/api__").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=dag_run(
                versions.api_version, "d", request.url.path.rsplit("/", 1)[-1], state="failed"
            ),
        )
    )
    ended: list[RunResult] = []
    failed = RunError(dag_id="d", dag_run_id="never", error=ValueError("x"))
    finished = await versions.client.dag_runs.wait_many(
        [*triggered, failed], poll_interval=0.01, on_result=ended.append
    )
    assert len(ended) == 6 and ended[0] is failed
    assert sorted(map(id, ended)) == sorted(map(id, finished))


async def test_trigger_many_lets_fewer_in_while_the_server_is_overloaded(
    versions: Versioned,
) -> None:
    """The first 16 triggers meet 503 on all three attempts; then far fewer run at once."""
    in_flight = {"now": 0, "peak_after": 0, "answered": 0}

    async def answer(request: httpx.Request) -> httpx.Response:
        in_flight["now"] += 1
        try:
            await anyio.sleep(0.01)
            in_flight["answered"] += 1
            if in_flight["answered"] <= 48:
                return httpx.Response(503, json=error(versions.api_version, 503, "busy"))
            in_flight["peak_after"] = max(in_flight["peak_after"], in_flight["now"])
            return created(versions.api_version)(request)
        finally:
            in_flight["now"] -= 1

    versions.router.post("/dags/d/dagRuns").mock(side_effect=answer)
    results = await versions.client.dag_runs.trigger_many(["d"] * 60, max_concurrency=16)
    failed = [r for r in results if not r.ok]
    assert len(failed) == 16  # three attempts each (the policy's two retries), all 503
    assert all(r.ok for r in results[16:])
    # Halved once to 8 by the first overloaded round, then one more per 8 or so answers.
    assert 1 <= in_flight["peak_after"] <= 12


async def test_a_trigger_answered_first_time_took_one_attempt(versions: Versioned) -> None:
    versions.router.post("/dags/d/dagRuns").mock(side_effect=created(versions.api_version))
    results = await versions.client.dag_runs.trigger_many(["d", "d", "d"])
    assert [r.attempts for r in results] == [1, 1, 1]
    assert all(r.ok and not r.already_existed for r in results)


async def test_a_503_then_a_run_counts_two_attempts(
    versions: Versioned, sleeps: SleepRecorder
) -> None:
    answers = iter(
        [
            httpx.Response(
                503, headers={"Retry-After": "1"}, json=error(versions.api_version, 503, "busy")
            )
        ]
    )
    answer = created(versions.api_version)
    route = versions.router.post("/dags/d/dagRuns").mock(
        side_effect=lambda request: next(answers, None) or answer(request)
    )
    [result] = await versions.client.dag_runs.trigger_many(["d"])
    assert isinstance(result, RunOk)
    assert result.attempts == 2 and route.call_count == 2
    assert not result.already_existed
    assert sleeps.delays == [1.0]


async def test_a_timeout_then_our_409_counts_two_attempts(versions: Versioned) -> None:
    calls = 0

    def lost_then_conflict(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise httpx.ReadTimeout("the response never came")
        return httpx.Response(409, json=error(versions.api_version, 409, "already exists"))

    versions.router.post("/dags/d/dagRuns").mock(side_effect=lost_then_conflict)
    versions.router.get(url__regex=r"/dags/d/dagRuns/api__").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=dag_run(versions.api_version, "d", request.url.path.rsplit("/", 1)[-1]),
        )
    )
    [result] = await versions.client.dag_runs.trigger_many(["d"])
    assert isinstance(result, RunOk)
    assert result.already_existed
    # The timed-out POST counts although no answer came; the GET that read the run does not.
    assert result.attempts == 2


async def test_a_500_after_the_run_was_made_is_replayed_for_our_own_id(
    versions: Versioned, sleeps: SleepRecorder
) -> None:
    """The server made the run, then answered 500: the replay meets our 409 and reads it."""
    made: set[str] = set()

    def made_then_500(request: httpx.Request) -> httpx.Response:
        run_id = json.loads(request.content)["dag_run_id"]
        if run_id in made:
            return httpx.Response(409, json=error(versions.api_version, 409, "already exists"))
        made.add(run_id)
        return httpx.Response(500, json=error(versions.api_version, 500, "pool timeout"))

    route = versions.router.post("/dags/d/dagRuns").mock(side_effect=made_then_500)
    versions.router.get(url__regex=r"/dags/d/dagRuns/api__").mock(
        side_effect=lambda request: httpx.Response(
            200,
            json=dag_run(versions.api_version, "d", request.url.path.rsplit("/", 1)[-1]),
        )
    )
    [result] = await versions.client.dag_runs.trigger_many(["d"])
    assert isinstance(result, RunOk) and result.already_existed
    assert result.attempts == 2 and route.call_count == 2
    assert len(made) == 1 and len(sleeps.delays) == 1


async def test_a_500_is_replayed_within_the_retry_budget_and_only_for_our_ids(
    versions: Versioned,
) -> None:
    failing = httpx.Response(500, json=error(versions.api_version, 500, "boom"))
    versions.router.post("/dags/d/dagRuns").mock(return_value=failing)
    versions.router.post("/dags/mine/dagRuns").mock(return_value=failing)
    generated, given = await versions.client.dag_runs.trigger_many(
        ["d", TriggerRequest(dag_id="mine", dag_run_id="r")]
    )
    # The policy's two retries, spent on 500s: three POSTs, then the 500 is the result.
    assert isinstance(generated, RunError) and generated.attempts == 3
    assert isinstance(generated.error, InternalServerError)
    # A caller's own id is never replayed after a 500: the run may exist.
    assert isinstance(given, RunError) and given.attempts == 1


async def test_a_trigger_that_failed_counts_every_attempt(versions: Versioned) -> None:
    versions.router.post("/dags/d/dagRuns").mock(side_effect=httpx.ConnectError("refused"))
    versions.router.post("/dags/mine/dagRuns").mock(side_effect=httpx.ReadTimeout("lost"))
    generated, given = await versions.client.dag_runs.trigger_many(
        ["d", TriggerRequest(dag_id="mine", dag_run_id="r")]
    )
    assert isinstance(generated, RunError) and generated.attempts == 3  # two retries
    assert generated.error.retries == 2  # type: ignore[attr-defined]
    # A caller's id is not replayed after an ambiguous failure.
    assert isinstance(given, RunError) and given.attempts == 1


async def test_wait_many_keeps_the_trigger_attempts(versions: Versioned) -> None:
    router, api_version = versions.router, versions.api_version
    router.get("/dags/d/dagRuns/a").respond(json=dag_run(api_version, "d", "a", state="success"))
    router.get("/dags/d/dagRuns/b").respond(json=dag_run(api_version, "d", "b", state="running"))
    router.post("/dags/~/dagRuns/list").respond(
        json={"dag_runs": [dag_run(api_version, "d", "b", state="running")], "total_entries": 1}
    )
    triggered_a = RunOk(
        dag_id="d", dag_run_id="a", run=DAGRun(dag_id="d", dag_run_id="a"), attempts=3
    )
    triggered_b = RunOk(
        dag_id="d", dag_run_id="b", run=DAGRun(dag_id="d", dag_run_id="b"), attempts=2
    )
    a, b, pair = await versions.client.dag_runs.wait_many(
        [triggered_a, triggered_b, ("d", "a")], timeout=0.05, poll_interval=0.01
    )
    assert isinstance(a, RunOk) and a.attempts == 3 and str(a.run.state) == "success"
    # A run given twice gets one result, with the trigger's count.
    assert pair is a
    assert isinstance(b, RunError) and isinstance(b.error, WaitTimeoutError)
    assert b.attempts == 2
    [alone] = await versions.client.dag_runs.wait_many([("d", "a")])
    assert alone.attempts == 0


async def test_the_adaptive_limit_hands_each_freed_slot_to_the_first_waiter_alone() -> None:
    limit = _AdaptiveLimit(1)
    order: list[int] = []
    first = await limit.acquire()

    async def waiter(number: int) -> None:
        epoch = await limit.acquire()
        order.append(number)
        limit.release(epoch, overloaded=False)

    async with anyio.create_task_group() as group:
        for number in range(50):
            group.start_soon(waiter, number)
        await anyio.wait_all_tasks_blocked()
        assert len(limit._waiters) == 50
        limit.release(first, overloaded=False)
    assert order == list(range(50))
    assert limit.in_flight == 0 and not limit._waiters


async def test_the_adaptive_limit_passes_on_a_slot_its_cancelled_waiter_was_handed() -> None:
    limit = _AdaptiveLimit(1)
    held = await limit.acquire()
    got: list[str] = []

    async def wait_for_slot(name: str) -> None:
        epoch = await limit.acquire()
        got.append(name)
        limit.release(epoch, overloaded=False)

    async with anyio.create_task_group() as group:
        with anyio.CancelScope() as doomed:
            group.start_soon(wait_for_slot, "cancelled")
            await anyio.wait_all_tasks_blocked()
        group.start_soon(wait_for_slot, "next")
        await anyio.wait_all_tasks_blocked()
        # The slot goes to the first waiter, whose scope is cancelled before it resumes.
        limit.release(held, overloaded=False)
        doomed.cancel()
    assert limit.in_flight == 0 and not limit._waiters
    assert "next" in got


async def test_the_adaptive_limit_halves_once_per_epoch_and_lets_fewer_in() -> None:
    limit = _AdaptiveLimit(8)
    epochs = [await limit.acquire() for _ in range(8)]
    for epoch in epochs[:4]:
        limit.release(epoch, overloaded=True)
    assert limit.limit == 4.0 and limit.epoch == 1
    assert limit.in_flight == 4
    for epoch in epochs[4:]:
        limit.release(epoch, overloaded=False)
    assert 4.0 < limit.limit < 6.0
