"""client.dag_stats against the real server."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, BadRequestError

STATES = {"queued", "running", "success", "failed"}


async def test_counts_runs_per_state(client: AsyncClient) -> None:
    got = await client.dag_stats.list(["client_test_fast", "example_bash_operator"])
    by_dag = {d.dag_id: d for d in got}
    assert set(by_dag) == {"client_test_fast", "example_bash_operator"}
    for item in got:
        assert item.stats is not None
        assert {s.state for s in item.stats} == STATES
        assert all(isinstance(s.count, int) and s.count >= 0 for s in item.stats)


async def test_more_ids_than_the_page_cap_come_back_at_once(client: AsyncClient) -> None:
    ids = [dag.dag_id async for dag in client.dags.list(fields=["dag_id"])][:15]
    assert len(ids) == 15
    got = await client.dag_stats.list([i for i in ids if i])
    assert sorted(d.dag_id or "" for d in got) == sorted(i or "" for i in ids)


async def test_unknown_ids_are_left_out(client: AsyncClient) -> None:
    got = await client.dag_stats.list(["client_test_fast", "no_such_dag_anywhere"])
    assert [d.dag_id for d in got] == ["client_test_fast"]


async def test_the_server_refuses_paging_parameters(client: AsyncClient) -> None:
    with pytest.raises(BadRequestError, match="Extra query parameter") as caught:
        await client._http.request_json(
            "GET",
            "/dagStats",
            params=[("dag_ids", "client_test_fast"), ("limit", "1"), ("offset", "0")],
        )
    # The server names them in no fixed order.
    assert "limit" in str(caught.value) and "offset" in str(caught.value)
