"""Small waits shared by the integration tests."""

from __future__ import annotations

import anyio

from airflow_client_async import AsyncClient
from airflow_client_async.models import DAGRun

TERMINAL_STATES = {"success", "failed"}


async def wait_for_run(
    client: AsyncClient, dag_id: str, dag_run_id: str, *, timeout: float = 120.0
) -> DAGRun:
    """Poll a run until it ends; fail the test with the last state seen if it does not."""
    run = await client.dag_runs.get(dag_id, dag_run_id)
    with anyio.move_on_after(timeout):
        while str(run.state) not in TERMINAL_STATES:
            await anyio.sleep(1.0)
            run = await client.dag_runs.get(dag_id, dag_run_id)
        return run
    raise AssertionError(f"{dag_id}/{dag_run_id} still {run.state} after {timeout} s")
