"""client.plugins against the real server."""

from __future__ import annotations

from airflow_client_async import AsyncClient


async def test_list_pages_through_the_example_plugins(client: AsyncClient) -> None:
    first = await client.plugins.list(limit=1)
    assert len(first.items) == 1
    assert first.total_entries is not None and first.total_entries >= 2
    plugins = await client.plugins.list(limit=1).to_list()
    assert len(plugins) == first.total_entries
    by_name = {p.name: p for p in plugins}
    listener = by_name["MetadataCollectionPlugin"]
    assert listener.listeners == ["airflow.example_dags.plugins.event_listener"]
    assert listener.hooks == [] and listener.appbuilder_views == []
    assert listener.source is not None and listener.source.endswith("listener_plugin.py")
