"""client.dag_stats against the real server (Airflow 2.x or 3.x)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from airflow_client_async import AsyncClient, BadRequestError, UnsupportedByServerError

from ._server import ServerInfo

STATES = {"queued", "running", "success", "failed"}
PAUSED = "example_bash_operator"  # paused at creation: its triggered runs stay queued


def airflow_3(server: ServerInfo) -> bool:
    return server.version.startswith("3.")


@pytest.fixture
async def queued_run(client: AsyncClient, unique: str) -> AsyncIterator[str]:
    """A run of PAUSED, so that the DAG has stats on Airflow 3 too."""
    run_id = f"client-test-stats-{unique}"
    await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
    yield run_id
    await client.dag_runs.delete(PAUSED, run_id)


async def test_counts_runs_per_state(client: AsyncClient, queued_run: str) -> None:
    page = await client.dag_stats.list(dag_ids=[PAUSED, "no_such_dag_anywhere"])
    # Unknown DAG ids are left out.
    assert [d.dag_id for d in page.items] == [PAUSED]
    assert page.total_entries == 1
    (item,) = page.items
    assert item.stats is not None
    assert {s.state for s in item.stats} == STATES
    assert all(isinstance(s.count, int) and s.count >= 0 for s in item.stats)
    assert {s.state: s.count for s in item.stats}["queued"] >= 1


async def test_more_ids_than_the_page_cap_come_back_at_once(
    client: AsyncClient, server: ServerInfo, queued_run: str
) -> None:
    ids = [dag.dag_id async for dag in client.dags.list(fields=["dag_id"])][:15]
    assert len(ids) == 15
    wanted = [i for i in ids if i]
    if PAUSED not in wanted:
        wanted[-1] = PAUSED
    got = [d.dag_id async for d in client.dag_stats.list(dag_ids=wanted)]
    if airflow_3(server):
        # Airflow 3 lists only the DAGs that have runs.
        assert PAUSED in got and set(got) <= set(wanted)
    else:
        # Airflow 2 lists every DAG asked for, with zero counts where it has no run.
        assert sorted(filter(None, got)) == sorted(wanted)
        page = await client.dag_stats.list(dag_ids=wanted, limit=4, offset=2)
        assert len(page.items) == 4 and page.total_entries == 15


async def test_every_dag(client: AsyncClient, server: ServerInfo, queued_run: str) -> None:
    if not airflow_3(server):
        with pytest.raises(UnsupportedByServerError, match="dag_ids"):
            await client.dag_stats.list()
        return
    every = [d.dag_id async for d in client.dag_stats.list(limit=3)]
    assert PAUSED in every and len(every) == len(set(every))


async def test_the_server_takes_no_paging_parameters(
    client: AsyncClient, server: ServerInfo
) -> None:
    if airflow_3(server):
        # Airflow 3 ignores query parameters it does not know.
        page = await client.request(
            "GET", "/dagStats", params={"dag_ids": PAUSED, "limit": 1, "offset": 5}
        )
        assert isinstance(page, dict) and isinstance(page["dags"], list)
        return
    with pytest.raises(BadRequestError, match="Extra query parameter") as caught:
        await client.request(
            "GET", "/dagStats", params={"dag_ids": PAUSED, "limit": 1, "offset": 0}
        )
    # The server names them in no fixed order.
    assert "limit" in str(caught.value) and "offset" in str(caught.value)
