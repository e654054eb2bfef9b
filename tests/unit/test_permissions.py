"""client.permissions against a respx router."""

from __future__ import annotations

import httpx
import respx

from airflow_client_async import AsyncClient
from airflow_client_async.models import Action

NAMES = ["can_edit", "can_read", "can_create", "can_delete", "menu_access"]


async def test_list_pages_past_the_cap(client: AsyncClient, router: respx.MockRouter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        items = [{"name": n} for n in NAMES[offset : offset + 2]]
        return httpx.Response(200, json={"actions": items, "total_entries": len(NAMES)})

    route = router.get("/permissions").mock(side_effect=answer)
    actions = await client.permissions.list(limit=2).to_list()
    assert all(isinstance(a, Action) for a in actions)
    assert [a.name for a in actions] == NAMES
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "2", "4"]
    assert {c.request.url.params["limit"] for c in route.calls} == {"2"}


async def test_one_page_keeps_unknown_fields(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/permissions").respond(
        json={"actions": [{"name": "can_read", "id": 2}], "total_entries": 5, "next": None}
    )
    page = await client.permissions.list(offset=1)
    assert page.total_entries == 5
    assert page.items[0].extra_fields == {"id": 2}
    assert page.raw.extra_fields == {"next": None}
