"""client.plugins against a respx router."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, UnsupportedByServerError
from airflow_client_async.models import AppBuilderView, FastAPIApp, PluginImportError

from .wire import airflow3, operation_calls, sent_query


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
    assert got.appbuilder_views == [AppBuilderView(name="v", category="c", view="x.y")]
    assert got.source == "$PLUGINS_FOLDER/listener_plugin.py"
    assert got.extra_fields == {"priority_weight_strategies": ["x.Y"]}


async def test_list_on_airflow_3(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    body = {
        "name": "p",
        "macros": [],
        "flask_blueprints": [],
        "fastapi_apps": [{"app": "x", "url_prefix": "/x", "name": "x"}],
        "fastapi_root_middlewares": [],
        "external_views": [],
        "react_apps": [],
        "appbuilder_views": [],
        "appbuilder_menu_items": [],
        "global_operator_extra_links": [],
        "operator_extra_links": [],
        "source": "$PLUGINS_FOLDER/p.py",
        "listeners": [],
        "timetables": [],
    }
    route = router_v2.get("/plugins").respond(json={"plugins": [body], "total_entries": 1})
    [got] = await client_v2.plugins.list(limit=10).to_list()
    assert (got.name, got.source) == ("p", "$PLUGINS_FOLDER/p.py")
    assert got.fastapi_apps == [FastAPIApp(app="x", url_prefix="/x", name="x")]
    assert sent_query(route.calls.last) == [("limit", "10"), ("offset", "0")]


async def test_import_errors_are_paged_here(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    errors = [{"source": f"$PLUGINS_FOLDER/bad{n}.py", "error": "SyntaxError"} for n in range(3)]
    route = router_v2.get("/plugins/importErrors").respond(
        json={"import_errors": errors, "total_entries": 3}
    )
    page = await client_v2.plugins.list_import_errors(limit=2, offset=1)
    assert all(isinstance(e, PluginImportError) for e in page.items)
    assert [e.source for e in page.items] == ["$PLUGINS_FOLDER/bad1.py", "$PLUGINS_FOLDER/bad2.py"]
    assert page.total_entries == 3
    # The route takes no paging: nothing but the request itself is sent.
    assert sent_query(route.calls.last) == []
    assert len(await client_v2.plugins.list_import_errors().to_list()) == 3


async def test_import_errors_need_airflow_3_1(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
        await client.plugins.list_import_errors()
    assert not operation_calls(router)
    async with airflow3("3.0.6") as (older, older_router):
        with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.1"):
            await older.plugins.list_import_errors()
        assert not operation_calls(older_router)
