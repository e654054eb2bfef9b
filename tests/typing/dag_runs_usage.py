"""User-style code over client.dags, client.dag_runs and client.backfills: it must type-check.

Checked by ``mypy --strict`` and ``pyright --strict`` (never run): each ``assert_type``
states the type a user's checker must infer.
"""

from __future__ import annotations

from datetime import datetime, timezone

from typing_extensions import assert_type

from airflow_client_async import AsyncClient, RunError, RunOk, RunResult, WaitTimeoutError
from airflow_client_async.models import DAG, Backfill, DAGRun, DryRunBackfill, TaskInstance


async def fan_out(client: AsyncClient) -> list[str]:
    results = await client.dag_runs.trigger_many(["etl"] * 3)
    assert_type(results, list[RunResult])
    states: list[str] = []
    for result in results:
        if result.ok:
            # RunError.run raises, so every checker reads a DAGRun here.
            assert_type(result.run, DAGRun)
            states.append(str(result.run.state))
        if result.ok is True:
            assert_type(result, RunOk)
        if result.ok is False:
            assert_type(result, RunError)
            assert_type(result.error, Exception)
        if isinstance(result, RunError):
            states.append(type(result.error).__name__)
    finished = await client.dag_runs.wait_many(results, timeout=60)
    return states + [str(r.run.state) for r in finished if r.ok]


async def waiting(client: AsyncClient) -> DAGRun | None:
    try:
        return await client.dag_runs.wait("etl", "r", timeout=5)
    except WaitTimeoutError as timed_out:
        assert_type(timed_out.last_seen, DAGRun | None)
        return timed_out.last_seen


async def clears(client: AsyncClient, dry_run: bool) -> None:
    assert_type(await client.dag_runs.clear("etl", "r"), list[TaskInstance])
    assert_type(await client.dag_runs.clear("etl", "r", dry_run=True), list[TaskInstance])
    assert_type(await client.dag_runs.clear("etl", "r", dry_run=False), DAGRun)
    assert_type(
        await client.dag_runs.clear("etl", "r", dry_run=dry_run), list[TaskInstance] | DAGRun
    )
    assert_type(await client.dag_runs.clear_many("etl", dag_runs=["r"]), list[TaskInstance])
    assert_type(
        await client.dag_runs.clear_many("etl", dag_runs=["r"], dry_run=False), list[DAGRun]
    )


async def backfills(client: AsyncClient) -> None:
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    end = datetime(2026, 1, 3, tzinfo=timezone.utc)
    assert_type(await client.backfills.create("etl", from_date=start, to_date=end), Backfill)
    assert_type(
        await client.backfills.create("etl", from_date=start, to_date=end, dry_run=True),
        list[DryRunBackfill],
    )


async def reads(client: AsyncClient) -> None:
    page = await client.dags.list(tags=["etl"], exclude_stale=True, dag_run_state=["failed"])
    for dag in page:
        assert_type(dag, DAG)
    async for run in client.dag_runs.list("etl", logical_date_gte=datetime.now(timezone.utc)):
        assert_type(run, DAGRun)
    async for tag in client.dags.list_tags():
        assert_type(tag, str)
    updated = await client.dags.update_many(is_paused=True, dag_id_pattern="etl_")
    assert_type(updated, list[DAG])
