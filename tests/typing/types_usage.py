"""User-style code annotated with ``airflow_client_async.types``: it must type-check.

Checked by ``mypy --strict`` and ``pyright --strict`` (never run): each ``assert_type``
states the type a user's checker must infer.
"""

from __future__ import annotations

from collections.abc import Sequence

from typing_extensions import Unpack, assert_type

from airflow_client_async import AsyncClient, AsyncPaginator, BulkResult
from airflow_client_async.models import DAGRun
from airflow_client_async.types import (
    DagRunListFilters,
    DagRunsResource,
    DagsResource,
    OnExistence,
    PoolEntity,
    TaskInstancesResource,
    TaskLog,
    TaskLogEvent,
)


def runs_of_etl(
    runs: DagRunsResource, **filters: Unpack[DagRunListFilters]
) -> AsyncPaginator[DAGRun]:
    return runs.list("etl", **filters)


async def namespaces(client: AsyncClient) -> None:
    assert_type(client.dags, DagsResource)
    assert_type(client.dag_runs, DagRunsResource)
    assert_type(client.task_instances, TaskInstancesResource)
    assert_type(runs_of_etl(client.dag_runs, run_type=["manual"]), AsyncPaginator[DAGRun])


async def last_log_events(client: AsyncClient) -> Sequence[TaskLogEvent]:
    log = await client.task_instances.get_log("etl", "run", "extract", 1)
    assert_type(log, TaskLog)
    return log.events


async def make_pools(client: AsyncClient, names: Sequence[str], mode: OnExistence) -> BulkResult:
    pools: list[PoolEntity] = [{"name": name, "slots": 4} for name in names]
    return await client.pools.bulk(create=pools, on_existence=mode)
