"""client.permissions against a respx router."""

from __future__ import annotations

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, UnsupportedByServerError
from airflow_client_async.models import Action, ActionResource, Resource

from .wire import WEB_UI_PAGE, airflow3_root, sent_query

NAMES = ["can_edit", "can_read", "can_create", "can_delete", "menu_access"]


async def test_list_pages_past_the_cap(client: AsyncClient, router: respx.MockRouter) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        items = [{"name": n} for n in NAMES[offset : offset + 2]]
        return httpx.Response(200, json={"actions": items, "total_entries": len(NAMES)})

    route = router.get("/permissions").mock(side_effect=answer)
    permissions = await client.permissions.list(limit=2).to_list()
    # Airflow 2 lists actions alone: each is a permission without a resource.
    assert all(isinstance(p, ActionResource) and p.resource is None for p in permissions)
    assert [p.action.name for p in permissions if p.action] == NAMES
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "2", "4"]
    assert {c.request.url.params["limit"] for c in route.calls} == {"2"}


async def test_one_page_keeps_unknown_fields(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/permissions").respond(
        json={"actions": [{"name": "can_read", "id": 2}], "total_entries": 5, "next": None}
    )
    page = await client.permissions.list(offset=1)
    assert page.total_entries == 5
    [permission] = page.items
    assert permission.action is not None and permission.action.extra_fields == {"id": 2}
    assert page.raw is not None and page.raw.extra_fields  # type: ignore[attr-defined] == {"next": None}


async def test_order_by_is_airflow_3_only(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/version").respond(json={"version": "2.11.2", "git_version": ""})
    with pytest.raises(UnsupportedByServerError, match="order_by"):
        await client.permissions.list(order_by="id")


async def test_the_fab_api_lists_action_resource_pairs() -> None:
    async with airflow3_root() as (client, router):
        route = router.get("/auth/fab/v1/permissions").respond(
            json={
                "actions": [
                    {"action": {"name": "can_read"}, "resource": {"name": "DAGs"}},
                    {"action": {"name": "can_edit"}, "resource": {"name": "Pools"}, "id": 3},
                ],
                "total_entries": 2,
            }
        )
        found = await client.permissions.list(order_by="-resource_id", limit=5).to_list()
        assert found == [
            ActionResource(action=Action(name="can_read"), resource=Resource(name="DAGs")),
            ActionResource(
                action=Action(name="can_edit"),
                resource=Resource(name="Pools"),
                extra_fields={"id": 3},
            ),
        ]
        assert sent_query(route.calls.last) == [
            ("limit", "5"),
            ("offset", "0"),
            ("order_by", "-resource_id"),
        ]


async def test_a_server_without_the_fab_api_is_unsupported() -> None:
    async with airflow3_root() as (client, router):
        router.get("/auth/fab/v1/permissions").respond(
            200, text=WEB_UI_PAGE, headers={"content-type": "text/html"}
        )
        with pytest.raises(UnsupportedByServerError, match="has no FAB API"):
            await client.permissions.list()
