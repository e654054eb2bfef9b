"""client.config against the real server (which exposes its configuration)."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, NotFoundError
from airflow_client_async.models import Config


async def on_airflow_3(client: AsyncClient) -> bool:
    return (await client.server_version()).api_version == "v2"


async def test_get_json(client: AsyncClient) -> None:
    config = await client.config.get()
    assert isinstance(config, Config)
    sections = {s.name: {o.key: o.value for o in s.options or []} for s in config.sections or []}
    assert {"core", "api", "scheduler", "database"} <= set(sections)
    if await on_airflow_3(client):
        assert sections["core"]["executor"]
    else:
        assert "webserver" in sections
        assert sections["core"]["executor"] == "SequentialExecutor"
        assert sections["api"]["maximum_page_limit"] == "10"

    core = await client.config.get(section="core")
    assert [s.name for s in core.sections or []] == ["core"]
    with pytest.raises(NotFoundError) as caught:
        await client.config.get(section="no_such_section")
    if await on_airflow_3(client):
        assert caught.value.detail == "Section no_such_section not found."
    else:
        assert caught.value.detail == "section=no_such_section not found."


async def test_get_text(client: AsyncClient) -> None:
    core = await client.config.get_text(section="core")
    assert core.startswith("[core]\n")
    assert "\nexecutor = " in core
    assert "[api]" not in core
    everything = await client.config.get_text()
    assert "[core]\n" in everything and "[api]\n" in everything


async def test_get_value(client: AsyncClient) -> None:
    executor = await client.config.get_value("core", "executor")
    sections = {s.name: s for s in (await client.config.get(section="core")).sections or []}
    listed = {o.key: o.value for o in sections["core"].options or []}
    assert executor == listed["executor"]
    if not await on_airflow_3(client):
        assert executor == "SequentialExecutor"
        assert await client.config.get_value("api", "maximum_page_limit") == "10"
    # Sensitive options are masked by the server.
    assert await client.config.get_value("database", "sql_alchemy_conn") == "< hidden >"
    with pytest.raises(NotFoundError):
        await client.config.get_value("core", "no_such_option")
