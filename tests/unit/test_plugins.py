"""client.plugins against a respx router."""

from __future__ import annotations

from typing import Any

import httpx
import respx

from airflow_client_async import AsyncClient


def plugin(name: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "appbuilder_menu_items": [],
        "appbuilder_views": [],
        "executors": [],
        "flask_blueprints": [],
        "global_operator_extra_links": [],
        "hooks": [],
        "listeners": [],
        "macros": [],
        "name": name,
        "operator_extra_links": [],
        "source": None,
        "ti_deps": [],
        "timetables": [],
    }
    body.update(overrides)
    return body


async def test_list_iterates_every_page(client: AsyncClient, router: respx.MockRouter) -> None:
    plugins = [plugin(f"p{n}") for n in range(3)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        limit = int(request.url.params["limit"])
        return httpx.Response(
            200, json={"plugins": plugins[offset : offset + limit], "total_entries": 3}
        )

    route = router.get("/plugins").mock(side_effect=answer)
    assert [p.name async for p in client.plugins.list(limit=2)] == ["p0", "p1", "p2"]
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "2"]


async def test_list_decodes_a_plugin(client: AsyncClient, router: respx.MockRouter) -> None:
    body = plugin(
        "MetadataCollectionPlugin",
        listeners=["airflow.example_dags.plugins.event_listener"],
        appbuilder_views=[{"name": "v", "category": "c", "view": "x.y"}],
        source="$PLUGINS_FOLDER/listener_plugin.py",
        priority_weight_strategies=["x.Y"],
    )
    router.get("/plugins").respond(json={"plugins": [body], "total_entries": 1})
    page = await client.plugins.list()
    got = page.items[0]
    assert got.listeners == ["airflow.example_dags.plugins.event_listener"]
    assert got.appbuilder_views == [{"name": "v", "category": "c", "view": "x.y"}]
    assert got.source == "$PLUGINS_FOLDER/listener_plugin.py"
    assert got.extra_fields == {"priority_weight_strategies": ["x.Y"]}
