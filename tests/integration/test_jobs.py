"""client.jobs against the real server: Airflow 3 only, refused on Airflow 2."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, UnsupportedByServerError

from ._server import ServerInfo


async def test_the_scheduler_has_a_job(client: AsyncClient, server: ServerInfo) -> None:
    if not server.version.startswith("3."):
        with pytest.raises(UnsupportedByServerError, match=r"jobs\.list"):
            await client.jobs.list()
        return
    schedulers = [j async for j in client.jobs.list(job_type="SchedulerJob", order_by="-id")]
    assert schedulers and all(j.job_type == "SchedulerJob" for j in schedulers)
    ids = [j.id for j in schedulers]
    assert ids == sorted(ids, reverse=True)
    alive = await client.jobs.list(job_type="SchedulerJob", job_state="running", is_alive=True)
    assert alive.items and all(j.state == "running" for j in alive.items)
    assert all(j.latest_heartbeat is not None for j in alive.items)
