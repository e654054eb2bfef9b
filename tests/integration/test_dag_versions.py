"""client.dag_versions against the real server: Airflow 3 only, refused on Airflow 2."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, NotFoundError, UnsupportedByServerError
from airflow_client_async.models import DagVersion

from ._server import ServerInfo

FAST = "client_test_fast"


async def test_versions_of_a_dag(client: AsyncClient, server: ServerInfo) -> None:
    if not server.version.startswith("3."):
        with pytest.raises(UnsupportedByServerError, match="Airflow 3"):
            await client.dag_versions.list(FAST)
        with pytest.raises(UnsupportedByServerError, match="Airflow 3"):
            await client.dag_versions.get(FAST, 1)
        return
    versions = [v async for v in client.dag_versions.list(FAST, order_by="version_number")]
    assert versions and all(isinstance(v, DagVersion) and v.dag_id == FAST for v in versions)
    numbers = [v.version_number for v in versions]
    assert numbers == sorted(numbers) and numbers[0] == 1
    latest = versions[-1]
    assert latest.version_number is not None
    got = await client.dag_versions.get(FAST, latest.version_number)
    assert (got.id, got.bundle_name) == (latest.id, latest.bundle_name)
    assert got.created_at is not None and got.created_at.tzinfo is not None
    across = await client.dag_versions.list(version_number=1, limit=5)
    assert across.items and all(v.version_number == 1 for v in across.items)
    with pytest.raises(NotFoundError):
        await client.dag_versions.get(FAST, 10_000)
