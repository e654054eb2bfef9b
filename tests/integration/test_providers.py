"""client.providers against the real server (Airflow 2 or 3)."""

from __future__ import annotations

from airflow_client_async import AsyncClient


async def test_list_returns_every_provider_past_the_page_cap(client: AsyncClient) -> None:
    providers = await client.providers.list().to_list()
    names = [p.package_name for p in providers]
    assert "apache-airflow-providers-fab" in names or "apache-airflow-providers-standard" in names
    assert all(p.version and p.description for p in providers)
    assert len(names) == len(set(names))


async def test_limit_and_offset_mean_the_same_on_each_api(client: AsyncClient) -> None:
    everything = await client.providers.list().to_list()
    page = await client.providers.list(limit=2, offset=1)
    assert [p.package_name for p in page.items] == [p.package_name for p in everything[1:3]]
    assert page.total_entries == len(everything)


async def test_airflow_2_ignores_limit_and_offset(client: AsyncClient) -> None:
    # Airflow 2's route takes no paging (the client pages through its whole answer);
    # Airflow 3 pages on the server.
    body = await client.request("GET", "/providers", params={"limit": 1, "offset": 2})
    assert isinstance(body, dict) and isinstance(body["providers"], list)
    total = len(await client.providers.list().to_list())
    if (await client.server_version()).api_version == "v2":
        assert len(body["providers"]) == min(1, max(total - 2, 0))
        assert body["total_entries"] == total
    else:
        assert len(body["providers"]) == body["total_entries"] == total
