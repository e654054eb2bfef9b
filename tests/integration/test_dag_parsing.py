"""client.dag_parsing against the real server (Airflow 2.x or 3.x)."""

from __future__ import annotations

import pytest

from airflow_client_async import (
    AsyncClient,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)

from ._server import ServerInfo

FAST = "client_test_fast"


async def file_token(client: AsyncClient) -> str:
    token = (await client.dags.get(FAST)).file_token
    assert token
    return token


async def test_reparse(client: AsyncClient, server: ServerInfo) -> None:
    token = await file_token(client)
    assert await client.dag_parsing.reparse(token) is None
    if server.version.startswith("3."):
        # Airflow 3 keeps one pending request per file: a second one before the DAG
        # processor takes the first is a 409; once it took it, a new one is accepted.
        try:
            await client.dag_parsing.reparse(token)
            outcome = 201
        except ConflictError as conflict:
            outcome = conflict.status
        assert outcome in (201, 409)
    else:
        # Airflow 2 accepts a second request for the same file too.
        assert await client.dag_parsing.reparse(token) is None


async def test_reparse_unknown_token(client: AsyncClient, server: ServerInfo) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.dag_parsing.reparse("not-a-token")
    if server.version.startswith("3."):
        assert caught.value.status == 404
    else:
        assert caught.value.title == "File not found"


async def test_viewer_cannot_reparse(client: AsyncClient, viewer: AsyncClient) -> None:
    token = await file_token(client)
    with pytest.raises(PermissionDeniedError):
        await viewer.dag_parsing.reparse(token)
