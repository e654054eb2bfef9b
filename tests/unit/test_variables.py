"""client.variables against a respx router."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, BadRequestError, NotFoundError
from airflow_client_async.models import Variable

from . import payloads


def variable(key: str, value: str = "v", description: str | None = None) -> dict[str, object]:
    return {"description": description, "key": key, "value": value}


async def test_list_pages_and_decodes_values(client: AsyncClient, router: respx.MockRouter) -> None:
    items = [variable(f"k{n}", f"v{n}") for n in range(13)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"total_entries": 13, "variables": items[offset : offset + 10]}
        )

    route = router.get("/variables").mock(side_effect=answer)
    found = [v async for v in client.variables.list(order_by="-key")]
    assert [v.value for v in found] == [f"v{n}" for n in range(13)]
    assert all(isinstance(v, Variable) for v in found)
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "10"]
    assert route.calls.last.request.url.params["order_by"] == "-key"


async def test_get_encodes_the_key_as_one_segment(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/variables/a%2Fb%20c%2B%C3%BC").respond(
        json={**variable("a/b c+ü", "x"), "brand_new": 1}
    )
    got = await client.variables.get("a/b c+ü")
    assert route.calls.last.request.url.raw_path == b"/api/v1/variables/a%2Fb%20c%2B%C3%BC"
    assert (got.key, got.value, got.description) == ("a/b c+ü", "x", None)
    assert got.extra_fields == {"brand_new": 1}


async def test_create_sends_only_what_is_given(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/variables").respond(json={"key": "k", "value": "v"})
    created = await client.variables.create("k", "v")
    assert created.description is None
    assert json.loads(route.calls.last.request.content) == {"key": "k", "value": "v"}
    await client.variables.create("k", "v", description="d")
    assert json.loads(route.calls.last.request.content) == {
        "key": "k",
        "value": "v",
        "description": "d",
    }
    with pytest.raises(ValueError, match="non-empty"):
        await client.variables.create("", "v")


async def test_update_value_names_the_servers_attribute(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.patch("/variables/k").respond(json=variable("k", "new", "d"))
    updated = await client.variables.update("k", value="new")
    assert updated.value == "new"
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["val"]
    assert json.loads(request.content) == {"key": "k", "value": "new"}


async def test_update_description_sends_a_masked_placeholder_value(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.patch("/variables/k").respond(json=variable("k", "kept", "d2"))
    await client.variables.update("k", description="d2")
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["description"]
    assert json.loads(request.content) == {"key": "k", "value": "", "description": "d2"}


async def test_update_both_fields_in_one_mask_parameter(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.patch("/variables/a%2Fb").respond(json=variable("a/b", "v", "d"))
    await client.variables.update("a/b", value="v", description="d")
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["val,description"]
    assert json.loads(request.content) == {"key": "a/b", "value": "v", "description": "d"}


async def test_update_needs_a_field(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="at least one field"):
        await client.variables.update("k")


async def test_errors(client: AsyncClient, router: respx.MockRouter) -> None:
    router.patch("/variables/k").respond(
        400,
        json=payloads.problem(
            400, "Invalid Variable schema", "{'description': ['Field may not be null.']}"
        ),
    )
    with pytest.raises(BadRequestError, match="may not be null"):
        await client.variables.update("k", value="v")
    route = router.delete("/variables/k").respond(
        404, json=payloads.problem(404, "Variable not found")
    )
    with pytest.raises(NotFoundError):
        await client.variables.delete("k")
    assert route.called


async def test_delete(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.delete("/variables/k").respond(204, headers={"content-type": "text/html"})
    assert await client.variables.delete("k") is None
    assert route.called
