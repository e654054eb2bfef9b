"""client.dag_warnings against the real server (Airflow 2.x or 3.x)."""

from __future__ import annotations

from airflow_client_async import AsyncClient
from airflow_client_async.models import DagWarning


async def test_list_decodes_whatever_the_server_holds(client: AsyncClient) -> None:
    page = await client.dag_warnings.list(limit=5, order_by="-timestamp")
    assert page.total_entries is not None
    assert all(isinstance(w, DagWarning) and w.dag_id for w in page.items)
    everything = await client.dag_warnings.list().to_list()
    assert len(everything) == page.total_entries


async def test_filters_reach_the_server(client: AsyncClient) -> None:
    # None of our DAGs has a warning: the filtered list is an empty page that decodes.
    page = await client.dag_warnings.list(
        dag_id="client_test_fast", warning_type="non-existent pool"
    )
    assert page.items == [] and page.total_entries == 0
    assert not page.has_more
