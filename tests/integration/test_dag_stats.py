"""client.dag_stats against the real server (Airflow 2.x or 3.x)."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, BadRequestError, UnsupportedByServerError

from ._server import ServerInfo

STATES = {"queued", "running", "success", "failed"}


def airflow_3(server: ServerInfo) -> bool:
    return server.version.startswith("3.")


async def test_counts_runs_per_state(client: AsyncClient) -> None:
    page = await client.dag_stats.list(dag_ids=["client_test_fast", "example_bash_operator"])
    by_dag = {d.dag_id: d for d in page.items}
    assert set(by_dag) == {"client_test_fast", "example_bash_operator"}
    assert page.total_entries == 2
    for item in page.items:
        assert item.stats is not None
        assert {s.state for s in item.stats} == STATES
        assert all(isinstance(s.count, int) and s.count >= 0 for s in item.stats)


async def test_more_ids_than_the_page_cap_come_back_at_once(client: AsyncClient) -> None:
    ids = [dag.dag_id async for dag in client.dags.list(fields=["dag_id"])][:15]
    assert len(ids) == 15
    wanted = [i for i in ids if i]
    got = [d.dag_id async for d in client.dag_stats.list(dag_ids=wanted)]
    assert sorted(filter(None, got)) == sorted(wanted)
    page = await client.dag_stats.list(dag_ids=wanted, limit=4, offset=2)
    assert len(page.items) == 4 and page.total_entries == 15


async def test_unknown_ids_are_left_out(client: AsyncClient) -> None:
    page = await client.dag_stats.list(dag_ids=["client_test_fast", "no_such_dag_anywhere"])
    assert [d.dag_id for d in page.items] == ["client_test_fast"]


async def test_every_dag(client: AsyncClient, server: ServerInfo) -> None:
    if not airflow_3(server):
        with pytest.raises(UnsupportedByServerError, match="dag_ids"):
            await client.dag_stats.list()
        return
    every = {d.dag_id async for d in client.dag_stats.list()}
    assert {"client_test_fast", "example_bash_operator"} <= every


async def test_the_server_takes_no_paging_parameters(
    client: AsyncClient, server: ServerInfo
) -> None:
    if airflow_3(server):
        # Airflow 3 ignores query parameters it does not know.
        page = await client.request(
            "GET", "/dagStats", params={"dag_ids": "client_test_fast", "limit": 1, "offset": 5}
        )
        assert isinstance(page, dict) and page["total_entries"] == 1
        return
    with pytest.raises(BadRequestError, match="Extra query parameter") as caught:
        await client.request(
            "GET", "/dagStats", params={"dag_ids": "client_test_fast", "limit": 1, "offset": 0}
        )
    # The server names them in no fixed order.
    assert "limit" in str(caught.value) and "offset" in str(caught.value)
