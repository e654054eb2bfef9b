"""client.pools against a respx router."""

from __future__ import annotations

import json

import pytest
import respx

from airflow_client_async import UNSET, AsyncClient, BadRequestError, ConflictError
from airflow_client_async.models import Pool

from . import payloads


async def test_create(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.post("/pools").respond(json=payloads.pool("p", slots=3, description="d"))
    pool = await client.pools.create("p", slots=3, description="d")
    assert isinstance(pool, Pool)
    assert pool.slots == 3
    assert json.loads(route.calls.last.request.content) == {
        "name": "p",
        "slots": 3,
        "description": "d",
    }


async def test_create_duplicate(client: AsyncClient, router: respx.MockRouter) -> None:
    router.post("/pools").respond(
        409, json=payloads.problem(409, "Conflict", "Pool: p already exists")
    )
    with pytest.raises(ConflictError, match="already exists"):
        await client.pools.create("p", slots=1)


async def test_update_none_sends_null_and_unset_sends_nothing(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.patch("/pools/p").respond(json=payloads.pool("p", slots=9))
    await client.pools.update("p", slots=9, description=None, include_deferred=UNSET)
    request = route.calls.last.request
    assert json.loads(request.content) == {"slots": 9, "description": None}
    assert request.url.params.get_list("update_mask") == ["slots,description"]


async def test_update_needs_a_field(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="at least one field"):
        await client.pools.update("p")


async def test_list_get_delete(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/pools").respond(
        json={
            "pools": [payloads.pool("default_pool", slots=128), payloads.pool("p")],
            "total_entries": 2,
        }
    )
    assert [p.name async for p in client.pools.list()] == ["default_pool", "p"]
    router.get("/pools/a%2Fb").respond(json=payloads.pool("a/b"))
    assert (await client.pools.get("a/b")).name == "a/b"
    route = router.delete("/pools/default_pool").respond(
        400, json=payloads.problem(400, "Bad Request", "Default Pool can't be deleted")
    )
    with pytest.raises(BadRequestError, match="can't be deleted"):
        await client.pools.delete("default_pool")
    assert route.called
