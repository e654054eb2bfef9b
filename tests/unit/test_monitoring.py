"""client.monitoring against a respx router."""

from __future__ import annotations

from datetime import datetime, timezone

import respx

from airflow_client_async import AsyncClient
from airflow_client_async.models import HealthStatus

from .conftest import BASE, Versioned


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


HEALTH_V2 = {
    "metadatabase": {"status": "healthy"},
    "scheduler": {
        "status": "healthy",
        "latest_scheduler_heartbeat": "2026-12-01T10:00:00.123456+00:00",
    },
    "triggerer": {"status": None, "latest_triggerer_heartbeat": None},
    "dag_processor": {
        "status": "healthy",
        "latest_dag_processor_heartbeat": "2026-12-01T10:00:01+00:00",
    },
}


async def test_health_is_asked_without_credentials_on_each_api(versions: Versioned) -> None:
    path = "/health" if versions.api_version == "v1" else "/monitor/health"
    route = versions.router.get(path).respond(json=HEALTH_V2)
    health = await versions.client.monitoring.health()
    assert health.scheduler is not None and health.scheduler.status is HealthStatus.HEALTHY
    assert health.dag_processor is not None and health.dag_processor.status == "healthy"
    assert "authorization" not in route.calls.last.request.headers


async def test_health_on_airflow_3_costs_no_token_exchange() -> None:
    with respx.mock(base_url=BASE, using="httpx", assert_all_called=False) as router:
        route = router.get("/api/v2/monitor/health").respond(json=HEALTH_V2)
        token = router.post("/auth/token").respond(201, json={"access_token": "t"})
        async with AsyncClient(BASE, auth=("admin", "pw"), api_version="v2") as client:
            health = await client.monitoring.health()
        assert health.metadatabase is not None
        assert route.called and not token.called


async def test_version_on_each_api(versions: Versioned) -> None:
    release = "2.11.2" if versions.api_version == "v1" else "3.3.2"
    route = versions.router.get("/version").respond(
        json={"version": release, "git_version": ".release:abc"}
    )
    got = await versions.client.monitoring.version()
    assert (got.version, got.git_version) == (release, ".release:abc")
    sent = route.calls.last.request.headers
    # Airflow 3 answers /version without credentials; Airflow 2 wants them.
    assert ("authorization" in sent) is (versions.api_version == "v1")
