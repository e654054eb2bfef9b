"""client.dag_versions (Airflow 3 only) against a respx router."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, NotFoundError, UnsupportedByServerError
from airflow_client_async.models import DagVersion

from .dag_payloads import answer_version, operation_calls


def version(dag_id: str, number: int) -> dict[str, Any]:
    return {
        "id": f"0193a5c0-0000-7000-8000-{number:012d}",
        "version_number": number,
        "dag_id": dag_id,
        "bundle_name": "dags-folder",
        "bundle_version": None,
        "created_at": "2026-12-01T12:00:00Z",
        "dag_display_name": dag_id,
        "bundle_url": None,
    }


async def test_list_pages_and_filters(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    versions = [version("d", n) for n in range(1, 8)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"dag_versions": versions[offset : offset + 5], "total_entries": 7}
        )

    route = router_v2.get("/dags/d/dagVersions").mock(side_effect=answer)
    got = [
        v
        async for v in client_v2.dag_versions.list(
            "d", order_by="-version_number", bundle_name="dags-folder"
        )
    ]
    assert [v.version_number for v in got] == list(range(1, 8))
    assert all(isinstance(v, DagVersion) for v in got)
    assert got[0].created_at == datetime(2026, 12, 1, 12, tzinfo=timezone.utc)
    params = route.calls.last.request.url.params
    assert params.get_list("order_by") == ["-version_number"]
    assert params["bundle_name"] == "dags-folder"
    assert params["offset"] == "5"


async def test_list_defaults_to_every_dag(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/dags/~/dagVersions").respond(
        json={"dag_versions": [version("a", 1), version("b", 1)], "total_entries": 2}
    )
    page = await client_v2.dag_versions.list(version_number=1)
    assert [v.dag_id for v in page.items] == ["a", "b"]
    assert route.calls.last.request.url.params["version_number"] == "1"


async def test_get(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    router_v2.get("/dags/d/dagVersions/2").respond(json={**version("d", 2), "new": True})
    got = await client_v2.dag_versions.get("d", 2)
    assert (got.dag_id, got.version_number, got.bundle_name) == ("d", 2, "dags-folder")
    assert got.extra_fields == {"new": True}
    router_v2.get("/dags/d/dagVersions/9").respond(
        404,
        json={"detail": "The DagVersion with dag_id: `d` and version_number: `9` was not found"},
    )
    with pytest.raises(NotFoundError, match="version_number: `9`"):
        await client_v2.dag_versions.get("d", 9)


async def test_refused_on_v1(client: AsyncClient, router: respx.MockRouter) -> None:
    answer_version(router)
    router.route().respond(200, json={})
    with pytest.raises(UnsupportedByServerError, match=r"dag_versions\.list.*Airflow 3"):
        await client.dag_versions.list("d")
    with pytest.raises(UnsupportedByServerError, match=r"dag_versions\.get"):
        await client.dag_versions.get("d", 1)
    assert operation_calls(router) == []
