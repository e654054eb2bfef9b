"""client.dag_sources against the real server (Airflow 2.x or 3.x)."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, NotFoundError, UnsupportedByServerError
from airflow_client_async.models import DAGSource

from ._server import ServerInfo

FAST = "client_test_fast"


def airflow_3(server: ServerInfo) -> bool:
    return server.version.startswith("3.")


async def test_source_in_both_forms(client: AsyncClient, server: ServerInfo) -> None:
    source = await client.dag_sources.get(FAST)
    assert isinstance(source, DAGSource)
    assert source.dag_id == FAST
    assert source.content is not None and 'dag_id="client_test_fast"' in source.content
    assert source.content == (server.dags_folder / "client_test_fast.py").read_text()
    assert await client.dag_sources.get_text(FAST) == source.content
    if airflow_3(server):
        # Airflow 3 tells which version of the DAG the code is, and serves that version.
        assert source.version_number is not None
        again = await client.dag_sources.get(FAST, version_number=source.version_number)
        assert again.content == source.content
    else:
        assert source.version_number is None
        with pytest.raises(UnsupportedByServerError, match="version_number"):
            await client.dag_sources.get(FAST, version_number=1)


async def test_unknown_dag(client: AsyncClient, server: ServerInfo) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.dag_sources.get("no_such_dag")
    if airflow_3(server):
        assert "no_such_dag" in str(caught.value)
    else:
        # Airflow 2 fails on the DAG, read first for its file token.
        assert caught.value.title == "DAG not found"
    with pytest.raises(NotFoundError):
        await client.dag_sources.get_text("no_such_dag")
