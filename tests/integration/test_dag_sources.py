"""client.dag_sources against the real server."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, NotFoundError

from ._server import ServerInfo

FAST = "client_test_fast"


async def test_source_in_both_forms(client: AsyncClient, server: ServerInfo) -> None:
    token = (await client.dags.get(FAST)).file_token
    assert token
    source = await client.dag_sources.get(token)
    assert 'dag_id="client_test_fast"' in source
    assert source == (server.dags_folder / "client_test_fast.py").read_text()
    assert await client.dag_sources.get_text(token) == source


async def test_unknown_token(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.dag_sources.get("not-a-token")
    assert caught.value.title == "Dag source not found"
    with pytest.raises(NotFoundError):
        await client.dag_sources.get_text("not-a-token")
