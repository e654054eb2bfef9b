"""client.dag_warnings against a respx router, on both APIs."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, UnsupportedByServerError

from .conftest import Versioned
from .dag_payloads import answer_version, operation_calls

WARNING = {
    "dag_id": "etl",
    "message": "Dag 'etl' references non-existent pools: ['gpu']",
    "timestamp": "2026-11-27T03:45:46.175428+00:00",
    "warning_type": "non-existent pool",
}


async def test_list_sends_filters_and_decodes(versions: Versioned) -> None:
    route = versions.router.get("/dagWarnings").respond(
        json={"dag_warnings": [WARNING, {**WARNING, "timestamp": None}], "total_entries": 2}
    )
    page = await versions.client.dag_warnings.list(
        dag_id="etl", warning_type="non-existent pool", order_by="-timestamp", limit=5, offset=0
    )
    params = route.calls.last.request.url.params
    assert dict(params) == {
        "dag_id": "etl",
        "warning_type": "non-existent pool",
        "order_by": "-timestamp",
        "limit": "5",
        "offset": "0",
    }
    assert page.total_entries == 2
    first = page.items[0]
    assert first.warning_type == "non-existent pool"
    assert first.timestamp == datetime(2026, 11, 27, 3, 45, 46, 175428, tzinfo=timezone.utc)
    assert page.items[1].timestamp is None


async def test_v2_sorts_by_several_fields(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/dagWarnings").respond(json={"dag_warnings": [], "total_entries": 0})
    await client_v2.dag_warnings.list(order_by=["dag_id", "-timestamp"])
    assert route.calls.last.request.url.params.get_list("order_by") == ["dag_id", "-timestamp"]


async def test_v1_sorts_by_one_field(client: AsyncClient, router: respx.MockRouter) -> None:
    answer_version(router)
    router.route().respond(200)
    with pytest.raises(UnsupportedByServerError, match="order_by"):
        await client.dag_warnings.list(order_by=["dag_id", "-timestamp"])
    assert operation_calls(router) == []


async def test_empty_list(versions: Versioned) -> None:
    route = versions.router.get("/dagWarnings").respond(
        json={"dag_warnings": [], "total_entries": 0}
    )
    page = await versions.client.dag_warnings.list()
    assert page.items == [] and page.total_entries == 0 and not page.has_more
    assert [w async for w in versions.client.dag_warnings.list()] == []
    assert "dag_id" not in route.calls.last.request.url.params


async def test_iterates_every_page(versions: Versioned) -> None:
    warnings = [{**WARNING, "dag_id": f"d{n}"} for n in range(12)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"dag_warnings": warnings[offset : offset + 10], "total_entries": 12}
        )

    versions.router.get("/dagWarnings").mock(side_effect=answer)
    got = [w.dag_id async for w in versions.client.dag_warnings.list()]
    assert got == [f"d{n}" for n in range(12)]
