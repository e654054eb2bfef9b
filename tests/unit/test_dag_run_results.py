"""``dag_runs.wait_for_results``: Airflow 3.1's NDJSON wait stream, read line by line."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BearerAuth,
    DagRunResults,
    ResponseValidationError,
    UnsupportedByServerError,
    WaitTimeoutError,
)

from .conftest import API_V2, BASE

WAIT = "/dags/etl/dagRuns/r.1/wait"


def _ndjson(*lines: str) -> httpx.Response:
    async def body() -> AsyncIterator[bytes]:
        for line in lines:  # one chunk per line, as the server flushes them
            yield f"{line}\n".encode()

    return httpx.Response(200, content=body(), headers={"Content-Type": "application/x-ndjson"})


async def test_the_final_line_gives_state_and_results(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get(WAIT).mock(
        return_value=_ndjson(
            '{"state": "queued"}',
            '{"state": "running"}',
            '{"state": "success", "results": {"load": 42, "fan": [1, 2]}}',
        )
    )
    result = await client_v2.dag_runs.wait_for_results("etl", "r.1", interval=0.5)
    assert result == DagRunResults(
        dag_id="etl", dag_run_id="r.1", state="success", results={"load": 42, "fan": [1, 2]}
    )
    sent = route.calls.last.request
    assert sent.url.params.multi_items() == [("interval", "0.5")]
    assert sent.headers["Accept"] == "application/x-ndjson"
    assert sent.headers["Authorization"] == "Bearer test-token"


async def test_task_ids_are_sent_as_repeated_result_keys(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get(WAIT).mock(return_value=_ndjson('{"state": "failed"}'))
    result = await client_v2.dag_runs.wait_for_results("etl", "r.1", task_ids=["a", "b"])
    assert result.state == "failed"
    assert result.results == {}
    assert route.calls.last.request.url.params.get_list("result") == ["a", "b"]


@pytest.mark.parametrize(
    ("lines", "reason"),
    [
        (['{"state": "running"}'], "ended while the run was running"),
        (["not json"], "not JSON"),
        (['{"status": "success"}'], "has no state"),
        (['{"state": "success", "results": [1]}'], "not an object"),
    ],
)
async def test_a_broken_stream_is_a_validation_error(
    client_v2: AsyncClient, router_v2: respx.MockRouter, lines: list[str], reason: str
) -> None:
    router_v2.get(WAIT).mock(return_value=_ndjson(*lines))
    with pytest.raises(ResponseValidationError, match=reason):
        await client_v2.dag_runs.wait_for_results("etl", "r.1")


async def test_a_run_that_does_not_end_in_time_raises_with_its_last_state() -> None:
    async def endless(request: httpx.Request) -> httpx.Response:
        async def body() -> AsyncIterator[bytes]:
            yield b'{"state": "running"}\n'
            await anyio.sleep(30)

        return httpx.Response(200, content=body(), headers={"Content-Type": "application/x-ndjson"})

    with respx.mock(base_url=API_V2, using="httpx") as mock:
        mock.get("/version").respond(json={"version": "3.1.0"})
        mock.get(WAIT).mock(side_effect=endless)
        async with AsyncClient(BASE, auth=BearerAuth("t")) as client:
            with anyio.fail_after(5):
                with pytest.raises(WaitTimeoutError) as caught:
                    await client.dag_runs.wait_for_results("etl", "r.1", timeout=0.2)
    assert caught.value.last_state == "running"


@pytest.mark.parametrize("version", ["2.11.2", "3.0.6"])
async def test_servers_before_3_1_are_refused_before_sending(version: str) -> None:
    api = "/api/v2" if version.startswith("3") else "/api/v1"
    with respx.mock(base_url=BASE, using="httpx", assert_all_called=False) as mock:
        mock.get("/api/v2/version").respond(404)
        mock.get(f"{api}/version").respond(json={"version": version})
        wait = mock.get("/api/v2" + WAIT)
        async with AsyncClient(BASE, auth=BearerAuth("t")) as client:
            with pytest.raises(UnsupportedByServerError):
                await client.dag_runs.wait_for_results("etl", "r.1")
        assert wait.call_count == 0


@pytest.mark.parametrize("interval", [0, -1.0])
async def test_a_non_positive_interval_is_refused(client_v2: AsyncClient, interval: float) -> None:
    with pytest.raises(ValueError, match="interval"):
        await client_v2.dag_runs.wait_for_results("etl", "r.1", interval=interval)


async def test_one_string_of_task_ids_is_refused(client_v2: AsyncClient) -> None:
    with pytest.raises(ValueError, match="task_ids"):
        await client_v2.dag_runs.wait_for_results("etl", "r.1", task_ids="load")
