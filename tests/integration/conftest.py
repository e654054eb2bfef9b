"""The integration suite: every test here talks to the real Airflow server.

``scripts/airflow_server.py start`` starts it; without it these tests are skipped, unless
``AIRFLOW_CLIENT_REQUIRE_SERVER=1`` (set by ``scripts/test.sh``) makes a missing server a
failure.
"""

from __future__ import annotations

import os
import pathlib
import uuid
from collections.abc import AsyncIterator
from typing import cast

import pytest

from airflow_client_async import AsyncClient, TransportKind

from ._server import ServerInfo, ServerNotStartedError, load_server

HERE = pathlib.Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in pathlib.Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def server() -> ServerInfo:
    if TRANSPORT not in ("auto", "aiohttp", "httpx"):
        pytest.fail(f"AIRFLOW_CLIENT_TRANSPORT must be auto, aiohttp or httpx, not {TRANSPORT!r}")
    try:
        return load_server()
    except ServerNotStartedError as exc:
        if os.environ.get("AIRFLOW_CLIENT_REQUIRE_SERVER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


#: The transport the suite's clients send through: ``AIRFLOW_CLIENT_TRANSPORT`` (``auto``,
#: ``aiohttp`` or ``httpx``), so the same suite runs over each (scripts/test.sh does both).
TRANSPORT = cast(TransportKind, os.environ.get("AIRFLOW_CLIENT_TRANSPORT", "auto"))


@pytest.fixture
async def client(server: ServerInfo) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        server.base_url, auth=server.admin.as_tuple(), transport=TRANSPORT
    ) as api:
        yield api


@pytest.fixture
async def viewer(server: ServerInfo) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(
        server.base_url, auth=server.viewer.as_tuple(), transport=TRANSPORT
    ) as api:
        yield api


@pytest.fixture
def unique() -> str:
    """A short random suffix so that tests never collide with each other's objects."""
    return uuid.uuid4().hex[:8]
