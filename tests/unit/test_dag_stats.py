"""client.dag_stats against a respx router, on both APIs."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from airflow_client_async import AsyncClient, UnsupportedByServerError

from .conftest import Versioned
from .dag_payloads import answer_version, operation_calls


def stats(dag_id: str, success: int = 0) -> dict[str, Any]:
    counts = {"queued": 0, "running": 0, "success": success, "failed": 0}
    return {"dag_id": dag_id, "stats": [{"count": n, "state": s} for s, n in counts.items()]}


async def test_ids_are_comma_joined_on_v1_and_repeated_on_v2(versions: Versioned) -> None:
    route = versions.router.get("/dagStats").respond(
        json={"dags": [stats("a", 5), stats("b")], "total_entries": 2}
    )
    page = await versions.client.dag_stats.list(dag_ids=["a", "b"])
    request = route.calls.last.request
    # Airflow 3 answers a comma-joined value with no stats at all.
    expected = ["a,b"] if versions.api_version == "v1" else ["a", "b"]
    assert request.url.params.get_list("dag_ids") == expected
    assert "limit" not in request.url.params and "offset" not in request.url.params
    assert page.total_entries == 2
    got = page.items
    assert [d.dag_id for d in got] == ["a", "b"]
    assert got[0].stats is not None
    assert {s.state: s.count for s in got[0].stats} == {
        "queued": 0,
        "running": 0,
        "success": 5,
        "failed": 0,
    }


async def test_the_answer_is_paged_here(versions: Versioned) -> None:
    route = versions.router.get("/dagStats").respond(
        json={"dags": [stats(f"d{n}") for n in range(5)], "total_entries": 5}
    )
    page = await versions.client.dag_stats.list(dag_ids=[f"d{n}" for n in range(5)], limit=2)
    assert [d.dag_id for d in page.items] == ["d0", "d1"] and page.has_more
    every = [d.dag_id async for d in versions.client.dag_stats.list(dag_ids=["d0"], limit=2)]
    assert every == [f"d{n}" for n in range(5)]
    assert all("limit" not in c.request.url.params for c in route.calls)


async def test_a_single_string_is_one_id(versions: Versioned) -> None:
    route = versions.router.get("/dagStats").respond(json={"dags": [], "total_entries": 0})
    assert (await versions.client.dag_stats.list(dag_ids="client_test_fast")).items == []
    assert route.calls.last.request.url.params.get_list("dag_ids") == ["client_test_fast"]


async def test_every_dag_on_v2(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get("/dagStats").respond(
        json={"dags": [stats("a"), stats("b")], "total_entries": 2}
    )
    assert [d.dag_id async for d in client_v2.dag_stats.list()] == ["a", "b"]
    assert "dag_ids" not in route.calls.last.request.url.params


async def test_every_dag_is_refused_on_v1(client: AsyncClient, router: respx.MockRouter) -> None:
    answer_version(router)
    router.route().respond(200, json={"dags": [], "total_entries": 0})
    with pytest.raises(UnsupportedByServerError, match="dag_ids"):
        await client.dag_stats.list()
    assert operation_calls(router) == []


async def test_unknown_states_and_fields_are_kept(versions: Versioned) -> None:
    body = {"dag_id": "a", "stats": [{"count": 1, "state": "up_for_magic", "x": 1}], "y": 2}
    versions.router.get("/dagStats").respond(json={"dags": [body], "total_entries": 1})
    (got,) = await versions.client.dag_stats.list(dag_ids=["a"])
    assert got.extra_fields == {"y": 2}
    assert got.stats is not None and got.stats[0].state == "up_for_magic"
    assert got.stats[0].extra_fields == {"x": 1}


@pytest.mark.parametrize("dag_ids", [[], ["a", ""], ["a,b"]])
async def test_bad_ids_fail_before_io(versions: Versioned, dag_ids: list[str]) -> None:
    versions.router.route().respond(200, json={})
    with pytest.raises(ValueError, match="DAG id"):
        versions.client.dag_stats.list(dag_ids=dag_ids)
    assert operation_calls(versions.router) == []
