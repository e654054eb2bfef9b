"""client.config against a respx router."""

from __future__ import annotations

import pytest
import respx

from airflow_client_async import AsyncClient, NotFoundError, ResponseValidationError
from airflow_client_async.models import Config

from . import payloads

CONFIG = {
    "sections": [
        {
            "name": "core",
            "options": [
                {"key": "executor", "value": "SequentialExecutor"},
                {"key": "fernet_key", "value": "< hidden >"},
            ],
        },
        {"name": "api", "options": [{"key": "maximum_page_limit", "value": "10"}]},
    ]
}


async def test_get_json(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/config").respond(json=CONFIG)
    config = await client.config.get()
    assert isinstance(config, Config)
    assert [s.name for s in config.sections or []] == ["core", "api"]
    request = route.calls.last.request
    assert request.headers["accept"] == "application/json"
    assert "section" not in request.url.params
    await client.config.get(section="core")
    assert route.calls.last.request.url.params["section"] == "core"


async def test_get_text(client: AsyncClient, router: respx.MockRouter) -> None:
    text = "[core]\nexecutor = SequentialExecutor\n\n"
    route = router.get("/config").respond(text=text, headers={"content-type": "text/plain"})
    assert await client.config.get_text(section="core") == text
    request = route.calls.last.request
    assert request.headers["accept"] == "text/plain"
    assert request.url.params["section"] == "core"


async def test_get_text_refuses_json(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/config").respond(json=CONFIG)
    with pytest.raises(ResponseValidationError, match="text/plain"):
        await client.config.get_text()


async def test_get_value(client: AsyncClient, router: respx.MockRouter) -> None:
    one = {"sections": [{"name": "core", "options": [{"key": "executor", "value": "X"}]}]}
    route = router.get("/config/section/core/option/executor").respond(json=one)
    assert await client.config.get_value("core", "executor") == "X"
    assert route.calls.last.request.headers["accept"] == "application/json"
    router.get("/config/section/a%2Fb/option/c%20d").respond(
        json={"sections": [{"name": "a/b", "options": [{"key": "c d", "value": None}]}]}
    )
    assert await client.config.get_value("a/b", "c d") is None


async def test_get_value_not_in_the_answer(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/config/section/core/option/executor").respond(json={"sections": []})
    with pytest.raises(ResponseValidationError, match=r"no option \[core\] executor"):
        await client.config.get_value("core", "executor")


async def test_get_value_missing(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/config/section/core/option/nope").respond(
        404,
        json=payloads.problem(404, "Config not found.", "The option [core/nope] is not found."),
    )
    with pytest.raises(NotFoundError, match="not found"):
        await client.config.get_value("core", "nope")
