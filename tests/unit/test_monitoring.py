"""client.monitoring against a respx router."""

from __future__ import annotations

from datetime import datetime, timezone

import respx

from airflow_client_async import AsyncClient
from airflow_client_async.models import HealthStatus


async def test_health_with_null_components(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/health").respond(
        json={
            "dag_processor": {"latest_dag_processor_heartbeat": None, "status": None},
            "metadatabase": {"status": "healthy"},
            "scheduler": {
                "latest_scheduler_heartbeat": "2024-05-01T12:00:00.397337+00:00",
                "status": "unhealthy",
            },
            "triggerer": {"latest_triggerer_heartbeat": None, "status": None},
            "executor": {"status": "sideways"},
        }
    )
    health = await client.monitoring.health()
    assert health.metadatabase is not None
    assert health.metadatabase.status is HealthStatus.HEALTHY
    assert health.scheduler is not None
    assert health.scheduler.status is HealthStatus.UNHEALTHY
    assert health.scheduler.latest_scheduler_heartbeat == datetime(
        2024, 5, 1, 12, 0, 0, 397337, tzinfo=timezone.utc
    )
    assert health.triggerer is not None and health.triggerer.status is None
    assert health.dag_processor is not None and health.dag_processor.status is None
    assert health.extra_fields == {"executor": {"status": "sideways"}}


async def test_health_with_absent_components(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/health").respond(json={"metadatabase": {"status": "healthy"}})
    health = await client.monitoring.health()
    assert health.scheduler is None and health.triggerer is None


async def test_version(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/version").respond(json={"git_version": "", "version": "2.11.2"})
    version = await client.monitoring.version()
    assert (version.version, version.git_version) == ("2.11.2", "")
    router.get("/version").respond(json={"git_version": None, "version": "2.9.0"})
    assert (await client.monitoring.version()).git_version is None
    assert route.called
