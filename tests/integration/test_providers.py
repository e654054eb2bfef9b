"""client.providers against the real server."""

from __future__ import annotations

from airflow_client_async import AsyncClient


async def test_list_returns_every_provider_past_the_page_cap(client: AsyncClient) -> None:
    providers = await client.providers.list()
    names = [p.package_name for p in providers]
    assert "apache-airflow-providers-fab" in names
    assert all(p.version and p.description for p in providers)


async def test_the_route_ignores_limit_and_offset(client: AsyncClient) -> None:
    # The spec gives get_providers no paging parameters, and the server answers with
    # every provider, total_entries included, whatever limit and offset say.
    body = await client._http.request_json(
        "GET", "/providers", params=[("limit", "1"), ("offset", "2")]
    )
    assert len(body["providers"]) == body["total_entries"] == len(await client.providers.list())
