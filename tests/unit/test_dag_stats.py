"""client.dag_stats against a respx router."""

from __future__ import annotations

from typing import Any

import pytest
import respx

from airflow_client_async import AsyncClient


def stats(dag_id: str, success: int = 0) -> dict[str, Any]:
    counts = {"queued": 0, "running": 0, "success": success, "failed": 0}
    return {"dag_id": dag_id, "stats": [{"count": n, "state": s} for s, n in counts.items()]}


async def test_ids_are_sent_as_one_comma_separated_value(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/dagStats").respond(
        json={"dags": [stats("a", 5), stats("b")], "total_entries": 2}
    )
    got = await client.dag_stats.list(["a", "b"])
    request = route.calls.last.request
    assert request.url.params.get_list("dag_ids") == ["a,b"]
    assert "limit" not in request.url.params and "offset" not in request.url.params
    assert [d.dag_id for d in got] == ["a", "b"]
    assert got[0].stats is not None
    assert {s.state: s.count for s in got[0].stats} == {
        "queued": 0,
        "running": 0,
        "success": 5,
        "failed": 0,
    }


async def test_a_single_string_is_one_id(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/dagStats").respond(json={"dags": [], "total_entries": 0})
    assert await client.dag_stats.list("client_test_fast") == []
    assert route.calls.last.request.url.params["dag_ids"] == "client_test_fast"


async def test_unknown_states_and_fields_are_kept(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    body = {"dag_id": "a", "stats": [{"count": 1, "state": "up_for_magic", "x": 1}], "y": 2}
    router.get("/dagStats").respond(json={"dags": [body], "total_entries": 1})
    (got,) = await client.dag_stats.list(["a"])
    assert got.extra_fields == {"y": 2}
    assert got.stats is not None and got.stats[0].state == "up_for_magic"
    assert got.stats[0].extra_fields == {"x": 1}


@pytest.mark.parametrize("dag_ids", [[], ["a", ""], ["a,b"]])
async def test_bad_ids_fail_before_io(
    client: AsyncClient, router: respx.MockRouter, dag_ids: list[str]
) -> None:
    route = router.route().respond(200, json={})
    with pytest.raises(ValueError, match="DAG id"):
        await client.dag_stats.list(dag_ids)
    assert not route.called
