"""client.monitoring against the real server (Airflow 2 or 3)."""

from __future__ import annotations

from airflow_client_async import AsyncClient
from airflow_client_async.models import HealthInfo, HealthStatus, VersionInfo

from ._server import ServerInfo


async def test_health(client: AsyncClient) -> None:
    health = await client.monitoring.health()
    assert isinstance(health, HealthInfo)
    assert health.metadatabase is not None
    assert health.metadatabase.status is HealthStatus.HEALTHY
    assert health.scheduler is not None
    assert health.scheduler.status is HealthStatus.HEALTHY
    heartbeat = health.scheduler.latest_scheduler_heartbeat
    assert heartbeat is not None and heartbeat.tzinfo is not None
    if (await client.server_version()).api_version == "v2":
        # The Airflow 3 server runs a standalone DAG processor.
        assert health.dag_processor is not None
        assert health.dag_processor.status is HealthStatus.HEALTHY
        return
    # No triggerer or standalone DAG processor runs here: the server sends nulls.
    assert health.triggerer is not None and health.triggerer.status is None
    assert health.triggerer.latest_triggerer_heartbeat is None
    assert health.dag_processor is not None and health.dag_processor.status is None


async def test_health_needs_no_credentials(server: ServerInfo) -> None:
    async with AsyncClient(server.base_url) as anonymous:
        health = await anonymous.monitoring.health()
    assert health.metadatabase is not None


async def test_health_works_with_wrong_credentials(server: ServerInfo) -> None:
    # No credentials are sent for health: wrong ones (on Airflow 3: a failing token
    # exchange) cannot spoil a health check.
    async with AsyncClient(server.base_url, auth=("nobody", "wrong")) as wrong:
        health = await wrong.monitoring.health()
    assert health.metadatabase is not None


async def test_version(client: AsyncClient, server: ServerInfo) -> None:
    version = await client.monitoring.version()
    assert isinstance(version, VersionInfo)
    assert version.version == server.version
    if (await client.server_version()).api_version == "v2":
        # ".release:<sha>" for 3.3.2 from PyPI; 3.0.6's wheel reports a dev build.
        assert version.git_version and version.git_version.startswith(".")
    else:
        assert version.version == "2.11.2"
        assert version.git_version == ""  # a release installed from PyPI
