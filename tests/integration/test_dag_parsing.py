"""client.dag_parsing against the real server."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, NotFoundError, PermissionDeniedError


async def test_reparse(client: AsyncClient) -> None:
    token = (await client.dags.get("client_test_fast")).file_token
    assert token
    assert await client.dag_parsing.reparse(token) is None
    # A second request for the same file is accepted too.
    await client.dag_parsing.reparse(token)


async def test_reparse_unknown_token(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.dag_parsing.reparse("not-a-token")
    assert caught.value.title == "File not found"


async def test_viewer_cannot_reparse(client: AsyncClient, viewer: AsyncClient) -> None:
    token = (await client.dags.get("client_test_fast")).file_token
    assert token
    with pytest.raises(PermissionDeniedError):
        await viewer.dag_parsing.reparse(token)
