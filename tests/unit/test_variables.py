"""client.variables against a respx router."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    BulkError,
    ConflictError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async.models import Variable

from . import payloads
from .conftest import Versioned
from .wire import airflow3, operation_calls, sent_json, sent_query


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
    created = await client.variables.create("k", value="v")
    assert created.description is None
    assert json.loads(route.calls.last.request.content) == {"key": "k", "value": "v"}
    await client.variables.create("k", value="v", description="d")
    assert json.loads(route.calls.last.request.content) == {
        "key": "k",
        "value": "v",
        "description": "d",
    }
    with pytest.raises(ValueError, match="non-empty"):
        await client.variables.create("", value="v")


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


# -- both APIs ---------------------------------------------------------------------------


async def test_value_is_keyword_only(client: AsyncClient) -> None:
    with pytest.raises(TypeError):
        await client.variables.create("k", "v")  # type: ignore[misc]


async def test_list_filters_on_each_api(versions: Versioned) -> None:
    route = versions.router.get("/variables").respond(
        json={"variables": [variable("k")], "total_entries": 1}
    )
    await versions.client.variables.list(limit=3, order_by="key")
    assert sent_query(route.calls.last) == [("limit", "3"), ("offset", "0"), ("order_by", "key")]
    if versions.api_version == "v1":
        with pytest.raises(UnsupportedByServerError, match="variable_key_pattern"):
            await versions.client.variables.list(variable_key_pattern="k")
        assert len(operation_calls(versions.router)) == 1
        return
    await versions.client.variables.list(variable_key_pattern="k", variable_key_prefix_pattern="k")
    assert sent_query(route.calls.last) == [
        ("offset", "0"),
        ("variable_key_pattern", "k"),
        ("variable_key_prefix_pattern", "k"),
    ]


async def test_create_on_each_api(versions: Versioned) -> None:
    status = 200 if versions.api_version == "v1" else 201
    answer = {**variable("k", "v"), "is_encrypted": True, "team_name": None}
    route = versions.router.post("/variables").respond(status, json=answer)
    created = await versions.client.variables.create("k", value="v", description=None)
    assert (created.key, created.value) == ("k", "v")
    assert sent_json(route.calls.last) == {"key": "k", "value": "v", "description": None}


async def test_a_second_create_conflicts_on_airflow_3(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.post("/variables").respond(
        409, json={"detail": {"reason": "Unique constraint violation", "message": "k"}}
    )
    with pytest.raises(ConflictError, match="Unique constraint violation"):
        await client_v2.variables.create("k", value="v")


async def test_update_mask_names_and_encoding_per_api(versions: Versioned) -> None:
    route = versions.router.patch("/variables/a%2Fb").respond(json=variable("a/b", "v", "d"))
    await versions.client.variables.update("a/b", value="v", description="d")
    mask = route.calls.last.request.url.params.get_list("update_mask")
    # Airflow 2 applies the mask to its attribute names (val); Airflow 3 reads a repeated
    # key, and a comma-joined one would update nothing.
    assert mask == (
        ["val,description"] if versions.api_version == "v1" else ["value", "description"]
    )
    assert sent_json(route.calls.last) == {"key": "a/b", "value": "v", "description": "d"}

    await versions.client.variables.update("a/b", description="only")
    assert sent_json(route.calls.last) == {"key": "a/b", "value": "", "description": "only"}
    assert route.calls.last.request.url.params.get_list("update_mask") == ["description"]


# -- bulk (Airflow 3) ---------------------------------------------------------------------


async def test_bulk_is_refused_on_airflow_2(client: AsyncClient, router: respx.MockRouter) -> None:
    with pytest.raises(UnsupportedByServerError, match=r"variables\.bulk"):
        await client.variables.bulk(delete=["k"])
    assert not operation_calls(router)


async def test_bulk_wire_and_outcomes(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.patch("/variables").respond(
        json={
            "create": {"success": ["new"], "errors": []},
            "update": {
                "success": [],
                "errors": [
                    {
                        "error": "The variables with these keys: {'ghost'} were not found.",
                        "status_code": 404,
                    }
                ],
            },
        }
    )
    result = await client_v2.variables.bulk(
        create=[{"key": "new", "value": "1"}],
        update=[{"key": "ghost", "value": "2", "description": "d"}],
        update_mask=["description"],
    )
    assert sent_json(route.calls.last) == {
        "actions": [
            {
                "action": "create",
                "entities": [{"key": "new", "value": "1"}],
                "action_on_existence": "fail",
            },
            {
                "action": "update",
                "entities": [{"key": "ghost", "value": "2", "description": "d"}],
                "action_on_non_existence": "fail",
                "update_mask": ["description"],
            },
        ]
    }
    assert [(e.action, e.key, e.ok, e.status_code) for e in result.entities] == [
        ("create", "new", True, None),
        ("update", "ghost", False, 404),
    ]
    assert result.failed[0].error == "The variables with these keys: {'ghost'} were not found."
    with pytest.raises(BulkError, match="update 'ghost': 404"):
        result.raise_for_errors()


async def test_bulk_needs_keys(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    with pytest.raises(ValueError, match="non-empty key"):
        await client_v2.variables.bulk(create=[{"key": "", "value": "v"}])
    assert not operation_calls(router_v2)


async def test_a_bulk_update_mask_needs_airflow_3_2() -> None:
    async with airflow3("3.0.6") as (client, router):
        route = router.patch("/variables").respond(
            json={"delete": {"success": ["k"], "errors": []}}
        )
        with pytest.raises(UnsupportedByServerError, match="update_mask"):
            await client.variables.bulk(update=[{"key": "k", "value": "v"}], update_mask=["value"])
        assert not route.called
        assert (await client.variables.bulk(delete=["k"])).ok
