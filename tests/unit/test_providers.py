"""client.providers against a respx router."""

from __future__ import annotations

import httpx
import respx

from airflow_client_async import AsyncClient
from airflow_client_async.models import Provider

from .conftest import Versioned
from .wire import sent_query

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
    got = await client.providers.list().to_list()
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
    page = await client.providers.list()
    assert page.items == [] and page.total_entries == 0


async def test_limit_and_offset_mean_the_same_on_each_api(versions: Versioned) -> None:
    everything = [
        {"package_name": f"p{n}", "description": "d", "version": "1", "documentation_url": None}
        for n in range(5)
    ]

    def answer(request: httpx.Request) -> httpx.Response:
        if versions.api_version == "v1":
            # Airflow 2 takes no paging and sends every provider.
            return httpx.Response(200, json={"providers": everything, "total_entries": 5})
        offset = int(request.url.params["offset"])
        limit = int(request.url.params.get("limit", 50))
        page = everything[offset : offset + limit]
        return httpx.Response(200, json={"providers": page, "total_entries": 5})

    route = versions.router.get("/providers").mock(side_effect=answer)
    page = await versions.client.providers.list(limit=2, offset=1)
    assert [p.package_name for p in page.items] == ["p1", "p2"] and page.total_entries == 5
    if versions.api_version == "v1":
        assert sent_query(route.calls.last) == []
    else:
        assert sent_query(route.calls.last) == [("limit", "2"), ("offset", "1")]
    names = [p.package_name async for p in versions.client.providers.list(limit=2)]
    assert names == ["p0", "p1", "p2", "p3", "p4"]
