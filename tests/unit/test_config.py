"""client.config against a respx router."""

from __future__ import annotations

import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    NotFoundError,
    PermissionDeniedError,
    ResponseValidationError,
)
from airflow_client_async.models import Config

from . import payloads
from .conftest import Versioned
from .wire import sent_query

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


# -- both APIs ---------------------------------------------------------------------------


async def test_every_read_on_each_api(versions: Versioned) -> None:
    route = versions.router.get("/config").respond(json=CONFIG)
    config = await versions.client.config.get(section="core")
    assert [s.name for s in config.sections or []] == ["core", "api"]
    assert sent_query(route.calls.last) == [("section", "core")]
    assert route.calls.last.request.headers["accept"] == "application/json"

    one = {"sections": [{"name": "core", "options": [{"key": "executor", "value": "X"}]}]}
    value = versions.router.get("/config/section/core/option/executor").respond(json=one)
    assert await versions.client.config.get_value("core", "executor") == "X"
    assert value.called


async def test_a_value_with_its_source_is_flattened(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    # Airflow 3's spec lets an option's value be [value, source].
    router_v2.get("/config").respond(
        json={
            "sections": [
                {
                    "name": "core",
                    "options": [
                        {"key": "executor", "value": ["LocalExecutor", "env var"]},
                        {"key": "parallelism", "value": "32"},
                    ],
                }
            ]
        }
    )
    config = await client_v2.config.get()
    [core] = config.sections or []
    executor, parallelism = core.options or []
    assert (executor.key, executor.value) == ("executor", "LocalExecutor")
    assert executor.extra_fields == {"source": "env var"}
    assert (parallelism.value, parallelism.extra_fields) == ("32", {})

    router_v2.get("/config/section/core/option/executor").respond(
        json={
            "sections": [
                {"name": "core", "options": [{"key": "executor", "value": ["X", "airflow.cfg"]}]}
            ]
        }
    )
    assert await client_v2.config.get_value("core", "executor") == "X"


async def test_a_body_that_is_no_config_is_refused(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.get("/config").respond(
        json={"sections": [{"name": "core", "options": [{"key": 1, "value": {"a": 1}}]}]}
    )
    with pytest.raises(ResponseValidationError, match="does not fit Config"):
        await client_v2.config.get()


async def test_errors_on_airflow_3(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    router_v2.get("/config").respond(
        403,
        json={
            "detail": "Your Airflow administrator chose not to expose the configuration, most "
            "likely for security reasons."
        },
    )
    with pytest.raises(PermissionDeniedError, match="not to expose"):
        await client_v2.config.get()
    router_v2.get("/config/section/core/option/nope").respond(
        404, json={"detail": "Option [core/nope] not found."}
    )
    with pytest.raises(NotFoundError, match=r"Option \[core/nope\] not found"):
        await client_v2.config.get_value("core", "nope")


async def test_get_text_on_airflow_3(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    text = "[core]\nexecutor = LocalExecutor\n"
    route = router_v2.get("/config").respond(text=text, headers={"content-type": "text/plain"})
    assert await client_v2.config.get_text() == text
    assert route.calls.last.request.headers["accept"] == "text/plain"
