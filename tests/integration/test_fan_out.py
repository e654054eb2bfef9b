"""Fan-out and waiting on the real server (Airflow 2.x or 3.x)."""

from __future__ import annotations

import time

from airflow_client_async import AsyncClient, RunOk, TriggerRequest
from airflow_client_async._http import capture_responses

PAUSED = "example_bash_operator"  # runs triggered here stay queued: creation alone is checked
FAST = "client_test_fast"


async def test_trigger_many_creates_exactly_fifty_runs(client: AsyncClient, unique: str) -> None:
    requests = [TriggerRequest(dag_id=PAUSED, conf={"batch": unique, "n": n}) for n in range(50)]
    started = time.perf_counter()
    results = await client.dag_runs.trigger_many(requests, max_concurrency=8)
    elapsed = time.perf_counter() - started
    try:
        assert all(r.ok for r in results), [r.error for r in results if not r.ok]
        ids = [r.dag_run_id for r in results]
        assert len(set(ids)) == 50
        # Each result holds the run the server created under the id the client made.
        assert [r.run.dag_run_id for r in results if isinstance(r, RunOk)] == ids
        listed = {
            run.dag_run_id
            async for run in client.dag_runs.list(PAUSED, limit=100)
            if run.conf and run.conf.get("batch") == unique
        }
        assert listed == set(ids)
        print(f"trigger_many: 50 runs in {elapsed:.2f} s ({50 / elapsed:.1f} runs/s)")
    finally:
        for result in results:
            if result.ok:
                await client.dag_runs.delete(PAUSED, result.dag_run_id)


async def test_trigger_many_then_wait_many(client: AsyncClient) -> None:
    await client.dags.unpause(FAST)
    triggered = await client.dag_runs.trigger_many([FAST] * 2)
    assert all(r.ok for r in triggered), [r.error for r in triggered if not r.ok]
    finished = await client.dag_runs.wait_many(triggered, timeout=120, poll_interval=0.5)
    assert [r.dag_run_id for r in finished] == [r.dag_run_id for r in triggered]
    assert all(r.ok and str(r.run.state) == "success" for r in finished)


async def test_wait_many_reads_ended_runs_in_one_list(client: AsyncClient) -> None:
    """Runs that ended before the wait are read from one list of ended runs, not one by one.

    The server must take the list's filters (terminal states, ``end_date_gte``) and its
    order (``-end_date``): were it to refuse them, the runs would be read one by one.
    """
    await client.dags.unpause(FAST)
    triggered = await client.dag_runs.trigger_many([FAST] * 3)
    assert all(r.ok for r in triggered), [r.error for r in triggered if not r.ok]
    await client.dag_runs.wait_many(triggered, timeout=120, poll_interval=0.5)
    with capture_responses() as seen:
        # Given the trigger's answers again: the records say queued, but the runs ended.
        finished = await client.dag_runs.wait_many(triggered, timeout=60, poll_interval=0.5)
    assert all(r.ok and str(r.run.state) == "success" for r in finished)
    assert [r.run.dag_run_id for r in finished if isinstance(r, RunOk)] == [
        r.dag_run_id for r in triggered
    ]
    sent = [(r.request.method, r.request.url.path, r.status_code) for r in seen]
    reads = [s for s in sent if s[0] == "GET"]
    lists = [s for s in sent if s[0] == "POST" and s[1].endswith("/dagRuns/list")]
    assert reads == [], sent
    assert len(lists) == 2 and all(status == 200 for _, _, status in lists), sent
