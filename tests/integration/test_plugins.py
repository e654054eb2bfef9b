"""client.plugins against the real server (Airflow 2 or 3)."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncClient, UnsupportedByServerError


async def test_list_pages_through_the_plugins(client: AsyncClient) -> None:
    first = await client.plugins.list(limit=1)
    assert first.total_entries is not None
    plugins = await client.plugins.list(limit=1).to_list()
    assert len(plugins) == first.total_entries
    if (await client.server_version()).api_version == "v2":
        # Airflow 3 loads no example plugins; whatever it lists is well formed.
        assert all(p.name and p.source for p in plugins)
        return
    assert len(first.items) == 1 and first.total_entries >= 2
    by_name = {p.name: p for p in plugins}
    listener = by_name["MetadataCollectionPlugin"]
    assert listener.listeners == ["airflow.example_dags.plugins.event_listener"]
    assert listener.hooks == [] and listener.appbuilder_views == []
    assert listener.source is not None and listener.source.endswith("listener_plugin.py")


async def test_import_errors(client: AsyncClient) -> None:
    server = await client.server_version()
    if server.api_version == "v1" or (server.minor or (0, 0)) < (3, 1):
        with pytest.raises(UnsupportedByServerError):
            await client.plugins.list_import_errors()
        return
    errors = await client.plugins.list_import_errors().to_list()
    page = await client.plugins.list_import_errors(limit=1)
    assert page.total_entries == len(errors)
    assert all(e.source and e.error for e in errors)
