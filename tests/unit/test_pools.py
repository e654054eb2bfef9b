"""client.pools against a respx router."""

from __future__ import annotations

import json

import pytest
import respx

from airflow_client_async import (
    UNSET,
    AsyncClient,
    BadRequestError,
    BulkError,
    ConflictError,
    NotFoundError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async.models import Pool

from . import payloads
from .conftest import Versioned
from .wire import airflow3, operation_calls, sent_json, sent_query


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


# -- both APIs ---------------------------------------------------------------------------


async def test_list_sends_the_filters_on_each_api(versions: Versioned) -> None:
    route = versions.router.get("/pools").respond(
        json={"pools": [payloads.pool("p")], "total_entries": 1}
    )
    page = await versions.client.pools.list(limit=5, offset=2, order_by=["-name"])
    assert [p.name for p in page.items] == ["p"] and page.total_entries == 1
    assert sent_query(route.calls.last) == [
        ("limit", "5"),
        ("offset", "2"),
        ("order_by", "-name"),
    ]


async def test_list_pattern_filters_are_airflow_3_only(versions: Versioned) -> None:
    route = versions.router.get("/pools").respond(json={"pools": [], "total_entries": 0})
    if versions.api_version == "v1":
        with pytest.raises(UnsupportedByServerError, match="pool_name_pattern"):
            await versions.client.pools.list(pool_name_pattern="etl")
        assert not operation_calls(versions.router)
        return
    await versions.client.pools.list(pool_name_pattern="etl", pool_name_prefix_pattern="e")
    assert sent_query(route.calls.last) == [
        ("offset", "0"),
        ("pool_name_pattern", "etl"),
        ("pool_name_prefix_pattern", "e"),
    ]


async def test_several_sort_fields_need_airflow_3(versions: Versioned) -> None:
    route = versions.router.get("/pools").respond(json={"pools": [], "total_entries": 0})
    if versions.api_version == "v1":
        with pytest.raises(UnsupportedByServerError, match="order_by"):
            await versions.client.pools.list(order_by=["name", "-slots"])
        assert not operation_calls(versions.router)
        return
    await versions.client.pools.list(order_by=["name", "-slots"])
    assert route.calls.last.request.url.params.get_list("order_by") == ["name", "-slots"]


async def test_create_is_a_success_with_200_or_201(versions: Versioned) -> None:
    status = 200 if versions.api_version == "v1" else 201
    route = versions.router.post("/pools").respond(status, json=payloads.pool("p", slots=2))
    created = await versions.client.pools.create("p", slots=2, include_deferred=True)
    assert isinstance(created, Pool) and created.slots == 2
    assert sent_json(route.calls.last) == {"name": "p", "slots": 2, "include_deferred": True}


async def test_update_mask_is_comma_joined_on_v1_and_repeated_on_v2(versions: Versioned) -> None:
    route = versions.router.patch("/pools/p").respond(json=payloads.pool("p", slots=4))
    await versions.client.pools.update("p", slots=4, description="d")
    call = route.calls.last
    if versions.api_version == "v1":
        assert call.request.url.params.get_list("update_mask") == ["slots,description"]
        assert sent_json(call) == {"slots": 4, "description": "d"}
    else:
        assert call.request.url.params.get_list("update_mask") == ["slots", "description"]
        # Airflow 3.2+ validates the body as a whole pool: the name, and a placeholder for
        # include_deferred that the mask keeps from being written (measured on 3.3.2).
        assert sent_json(call) == {
            "slots": 4,
            "description": "d",
            "pool": "p",
            "include_deferred": False,
        }


async def test_an_airflow_3_update_of_one_field_carries_a_whole_pool(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch("/pools/etl").respond(json=payloads.pool("etl", slots=9))
    await client_v2.pools.update("etl", description=None)
    call = route.calls.last
    assert call.request.url.params.get_list("update_mask") == ["description"]
    assert sent_json(call) == {
        "description": None,
        "pool": "etl",
        "slots": 0,
        "include_deferred": False,
    }


async def test_renaming_is_airflow_2_only(versions: Versioned) -> None:
    route = versions.router.patch("/pools/old").respond(json=payloads.pool("new"))
    if versions.api_version == "v2":
        with pytest.raises(UnsupportedByServerError, match="new_name"):
            await versions.client.pools.update("old", new_name="new")
        assert not operation_calls(versions.router)
        return
    renamed = await versions.client.pools.update("old", new_name="new")
    assert renamed.name == "new"
    assert sent_json(route.calls.last) == {"name": "new"}
    assert route.calls.last.request.url.params["update_mask"] == "name"


async def test_errors_map_to_the_same_exceptions(versions: Versioned) -> None:
    if versions.api_version == "v1":
        conflict = payloads.problem(409, "Conflict", "Pool: p already exists")
        missing = payloads.problem(404, "Pool not found")
    else:
        conflict = {"detail": {"reason": "Unique constraint violation", "message": "p"}}
        missing = {"detail": "The Pool with name: `nope` was not found"}
    versions.router.post("/pools").respond(409, json=conflict)
    versions.router.get("/pools/nope").respond(404, json=missing)
    versions.router.delete("/pools/nope").respond(404, json=missing)
    with pytest.raises(ConflictError):
        await versions.client.pools.create("p", slots=1)
    with pytest.raises(NotFoundError):
        await versions.client.pools.get("nope")
    with pytest.raises(NotFoundError):
        await versions.client.pools.delete("nope")


async def test_a_v2_validation_error_is_a_bad_request(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.post("/pools").respond(
        422,
        json={"detail": [{"type": "int_parsing", "loc": ["body", "slots"], "msg": "bad int"}]},
    )
    with pytest.raises(BadRequestError, match=r"body\.slots: bad int") as caught:
        await client_v2.pools.create("p", slots=-5)
    assert isinstance(caught.value, UnprocessableEntityError)


# -- bulk (Airflow 3) ---------------------------------------------------------------------


async def test_bulk_is_refused_on_airflow_2_before_any_request(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    with pytest.raises(UnsupportedByServerError, match=r"pools\.bulk") as caught:
        await client.pools.bulk(create=[{"name": "p", "slots": 1}])
    assert caught.value.method == "pools.bulk"
    assert not operation_calls(router)


async def test_bulk_sends_every_action_and_reports_each_pool(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.patch("/pools").respond(
        json={
            "create": {"success": ["a", "b"], "errors": []},
            "update": {"success": ["c"], "errors": []},
            "delete": {"success": ["d"], "errors": []},
        }
    )
    result = await client_v2.pools.bulk(
        create=[{"name": "a", "slots": 1}, {"name": "b", "slots": 2, "description": None}],
        update=[{"name": "c", "slots": 3}],
        delete=["d"],
        on_existence="overwrite",
        on_non_existence="skip",
        update_mask=["slots"],
    )
    assert sent_json(route.calls.last) == {
        "actions": [
            {
                "action": "create",
                "entities": [
                    {"name": "a", "slots": 1},
                    {"name": "b", "slots": 2, "description": None},
                ],
                "action_on_existence": "overwrite",
            },
            {
                "action": "update",
                "entities": [{"name": "c", "slots": 3}],
                "action_on_non_existence": "skip",
                "update_mask": ["slots"],
            },
            {"action": "delete", "entities": ["d"], "action_on_non_existence": "skip"},
        ]
    }
    assert result.ok and result.raise_for_errors() is result
    assert [(e.action, e.key, e.ok) for e in result.entities] == [
        ("create", "a", True),
        ("create", "b", True),
        ("update", "c", True),
        ("delete", "d", True),
    ]


async def test_bulk_a_200_whose_pools_failed_is_not_a_success(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    # What Airflow 3.3 answers when one pool of a create exists: the whole action fails.
    router_v2.patch("/pools").respond(
        json={
            "create": {
                "success": [],
                "errors": [
                    {
                        "error": "The pools with these pool names: {'b'} already exist.",
                        "status_code": 409,
                    }
                ],
            },
            "delete": {
                "success": [],
                "errors": [
                    {
                        "error": "The pools with these pool names: {'gone'} were not found.",
                        "status_code": 404,
                    }
                ],
            },
        }
    )
    result = await client_v2.pools.bulk(
        create=[{"name": "a", "slots": 1}, {"name": "b", "slots": 1}], delete=["gone"]
    )
    assert not result.ok and result.succeeded == []
    assert [(e.key, e.status_code) for e in result.failed] == [
        ("a", 409),
        ("b", 409),
        ("gone", 404),
    ]
    with pytest.raises(BulkError, match="3 of 3 bulk entities failed") as caught:
        result.raise_for_errors()
    assert caught.value.result is result


async def test_bulk_needs_entities_with_names(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    with pytest.raises(ValueError, match="at least one entity"):
        await client_v2.pools.bulk()
    with pytest.raises(ValueError, match="non-empty name"):
        await client_v2.pools.bulk(create=[{"name": "", "slots": 1}])
    assert not operation_calls(router_v2)


async def test_a_bulk_update_mask_needs_airflow_3_2() -> None:
    # 3.0 and 3.1 answer it with 422 "Extra inputs are not permitted" (measured on 3.0.6).
    async with airflow3("3.1.0") as (client, router):
        route = router.patch("/pools").respond(json={"update": {"success": ["p"], "errors": []}})
        with pytest.raises(UnsupportedByServerError, match=r"update_mask.*Airflow 3\.2") as caught:
            await client.pools.bulk(update=[{"name": "p", "slots": 1}], update_mask=["slots"])
        assert caught.value.since == (3, 2) and caught.value.parameter == "update_mask"
        assert not route.called
        assert (await client.pools.bulk(update=[{"name": "p", "slots": 1}])).ok
