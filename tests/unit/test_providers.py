"""client.providers against a respx router."""

from __future__ import annotations

import respx

from airflow_client_async import AsyncClient
from airflow_client_async.models import Provider

PROVIDERS = [
    {
        "description": "Common SQL Provider https://en.wikipedia.org/wiki/SQL",
        "package_name": "apache-airflow-providers-common-sql",
        "version": "2.4.0",
    },
    {"description": None, "package_name": "acme-airflow-provider", "version": "0.1.0", "x": 1},
]


async def test_list_returns_every_provider_from_one_request(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/providers").respond(json={"providers": PROVIDERS, "total_entries": 2})
    got = await client.providers.list()
    assert route.call_count == 1
    assert not route.calls.last.request.url.params
    assert all(isinstance(p, Provider) for p in got)
    assert [(p.package_name, p.version) for p in got] == [
        ("apache-airflow-providers-common-sql", "2.4.0"),
        ("acme-airflow-provider", "0.1.0"),
    ]
    assert got[1].description is None
    assert got[1].extra_fields == {"x": 1}


async def test_list_without_total_entries(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/providers").respond(json={"providers": []})
    assert await client.providers.list() == []
