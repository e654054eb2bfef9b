"""client.jobs (Airflow 3 only) against a respx router."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
import respx

from airflow_client_async import AsyncClient, UnsupportedByServerError
from airflow_client_async.models import Job

from .dag_payloads import answer_version, operation_calls

SCHEDULER = {
    "id": 1,
    "dag_id": None,
    "state": "running",
    "job_type": "SchedulerJob",
    "start_date": "2026-12-01T12:00:00Z",
    "end_date": None,
    "latest_heartbeat": "2026-12-01T12:05:00Z",
    "executor_class": "LocalExecutor",
    "hostname": "airflow-1",
    "unixname": "airflow",
    "dag_display_name": None,
}


async def test_list_sends_filters_and_decodes(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/jobs").respond(json={"jobs": [SCHEDULER], "total_entries": 1})
    since = datetime(2026, 12, 1, tzinfo=timezone.utc)
    page = await client_v2.jobs.list(
        job_type="SchedulerJob",
        job_state="running",
        hostname="airflow-1",
        executor_class="LocalExecutor",
        is_alive=True,
        start_date_gte=since,
        end_date_lt="2027-01-01T00:00:00Z",
        order_by=["-latest_heartbeat"],
        limit=10,
    )
    (job,) = page.items
    assert isinstance(job, Job)
    assert (job.id, job.job_type, job.state) == (1, "SchedulerJob", "running")
    assert job.latest_heartbeat == datetime(2026, 12, 1, 12, 5, tzinfo=timezone.utc)
    assert job.dag_display_name is None and job.extra_fields == {}
    params = route.calls.last.request.url.params
    assert dict(params) == {
        "job_type": "SchedulerJob",
        "job_state": "running",
        "hostname": "airflow-1",
        "executor_class": "LocalExecutor",
        "is_alive": "true",
        "start_date_gte": "2026-12-01T00:00:00+00:00",
        "end_date_lt": "2027-01-01T00:00:00Z",
        "order_by": "-latest_heartbeat",
        "limit": "10",
        "offset": "0",
    }


async def test_refused_on_v1(client: AsyncClient, router: respx.MockRouter) -> None:
    answer_version(router)
    router.route().respond(200, json={})
    with pytest.raises(UnsupportedByServerError, match=r"jobs\.list"):
        await client.jobs.list()
    assert operation_calls(router) == []
