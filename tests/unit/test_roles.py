"""client.roles against a respx router."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import (
    UNSET,
    AsyncClient,
    ConflictError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async.models import Action, ActionResource, Resource, Role

from .wire import WEB_UI_PAGE, airflow3_root, operation_calls, sent_json, sent_query


def role(name: str, *pairs: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {
        "actions": [{"action": {"name": a}, "resource": {"name": r}} for a, r in pairs],
        "name": name,
        **extra,
    }


async def test_list_pages_past_the_cap_with_order_by(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    roles = [role(f"r{n}", ("can_read", "DAGs")) for n in range(7)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json={"roles": roles[offset : offset + 3], "total_entries": 7})

    route = router.get("/roles").mock(side_effect=answer)
    names = [r.name async for r in client.roles.list(limit=50, order_by="role_id")]
    assert names == [f"r{n}" for n in range(7)]
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "3", "6"]
    assert {c.request.url.params["order_by"] for c in route.calls} == {"role_id"}


async def test_get_decodes_actions_and_keeps_unknown_fields(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/roles/Data%20Team%2F1").respond(
        json=role("Data Team/1", ("can_read", "DAGs"), ("can_edit", "Pools"), colour="blue")
    )
    got = await client.roles.get("Data Team/1")
    assert got.name == "Data Team/1"
    assert got.actions is not None
    assert [(a.action.name, a.resource.name) for a in got.actions if a.action and a.resource] == [
        ("can_read", "DAGs"),
        ("can_edit", "Pools"),
    ]
    assert got.extra_fields == {"colour": "blue"}


async def test_create_sends_pairs_and_models(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.post("/roles").respond(json=role("ops", ("can_read", "DAGs")))
    given = ActionResource(action=Action(name="can_edit"), resource=Resource(name="Pools"))
    created = await client.roles.create("ops", actions=[("can_read", "DAGs"), given])
    assert json.loads(route.calls.last.request.content) == {
        "name": "ops",
        "actions": [
            {"action": {"name": "can_read"}, "resource": {"name": "DAGs"}},
            {"action": {"name": "can_edit"}, "resource": {"name": "Pools"}},
        ],
    }
    assert created.name == "ops"


async def test_create_reads_the_role_back_when_the_server_answers_empty(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    # Airflow 2.11 answers a successful create with {}.
    post = router.post("/roles").respond(json={})
    get = router.get("/roles/ops").respond(json=role("ops"))
    created = await client.roles.create("ops", actions=[])
    assert json.loads(post.calls.last.request.content) == {"name": "ops", "actions": []}
    assert get.called
    assert isinstance(created, Role)
    assert created.name == "ops" and created.actions == []


async def test_create_conflict(client: AsyncClient, router: respx.MockRouter) -> None:
    router.post("/roles").respond(
        409,
        json={
            "detail": "Role with name 'ops' already exists; please update with the PATCH endpoint",
            "status": 409,
            "title": "Conflict",
            "type": "about:blank",
        },
    )
    with pytest.raises(ConflictError, match="already exists"):
        await client.roles.create("ops", actions=[])


@pytest.mark.parametrize(
    "actions",
    [("can_read", "DAGs"), [("can_read",)], [("", "DAGs")], [ActionResource(action=None)]],
)
async def test_create_refuses_malformed_actions_before_io(
    client: AsyncClient, router: respx.MockRouter, actions: Any
) -> None:
    route = router.route().respond(200, json={})
    with pytest.raises((TypeError, ValueError)):
        await client.roles.create("ops", actions=actions)
    assert not route.called


async def test_update_actions_sends_the_current_name_outside_the_mask(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    # Airflow 2 can only add permissions: the role is read first to check none is dropped.
    current = router.get("/roles/ops").respond(json=role("ops"))
    route = router.patch("/roles/ops").respond(json=role("ops", ("can_read", "Pools")))
    await client.roles.update("ops", actions=[("can_read", "Pools")])
    assert current.called
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["actions"]
    assert json.loads(request.content) == {
        "actions": [{"action": {"name": "can_read"}, "resource": {"name": "Pools"}}],
        "name": "ops",
    }


async def test_update_rename(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.patch("/roles/ops").respond(json=role("ops2"))
    renamed = await client.roles.update("ops", new_name="ops2")
    request = route.calls.last.request
    assert request.url.params.get_list("update_mask") == ["name"]
    assert json.loads(request.content) == {"name": "ops2"}
    assert renamed.name == "ops2"


async def test_update_with_nothing_given_fails_before_io(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="at least one field"):
        await client.roles.update("ops", new_name=UNSET)


async def test_delete(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.delete("/roles/a%2Fb").respond(204, headers={"Content-Type": "application/json"})
    assert await client.roles.delete("a/b") is None
    assert route.called


async def test_empty_role_name_fails_before_io(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.route().respond(200, json={})
    with pytest.raises(ValueError, match="role_name"):
        await client.roles.get("")
    with pytest.raises(ValueError, match="name"):
        await client.roles.create("", actions=[])
    assert not route.called


async def test_update_on_airflow_2_refuses_to_drop_a_permission(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/version").respond(json={"version": "2.11.2", "git_version": ""})
    router.get("/roles/ops").respond(json=role("ops", ("can_read", "DAGs"), ("can_read", "Pools")))
    patch = router.patch("/roles/ops").respond(json=role("ops"))
    with pytest.raises(UnsupportedByServerError, match=r"would lose \(can_read, DAGs\)") as caught:
        await client.roles.update("ops", actions=[("can_read", "Pools"), ("can_edit", "Pools")])
    assert caught.value.parameter == "actions"
    assert not patch.called
    # Keeping every current permission is fine: the PATCH adds the new one.
    await client.roles.update(
        "ops", actions=[("can_read", "Pools"), ("can_read", "DAGs"), ("can_edit", "Pools")]
    )
    assert patch.called


# -- Airflow 3: the FAB API ----------------------------------------------------------------

FAB = "/auth/fab/v1"


async def test_every_method_goes_to_the_fab_api_on_airflow_3() -> None:
    async with airflow3_root() as (client, router):
        listed = router.get(f"{FAB}/roles").respond(
            json={"roles": [role("Admin", ("can_read", "DAGs"))], "total_entries": 1}
        )
        names = [r.name async for r in client.roles.list(order_by="-name", limit=10)]
        assert names == ["Admin"]
        assert sent_query(listed.calls.last) == [
            ("limit", "10"),
            ("offset", "0"),
            ("order_by", "-name"),
        ]

        got = router.get(f"{FAB}/roles/Data%20Team%2F1").respond(json=role("Data Team/1"))
        assert (await client.roles.get("Data Team/1")).name == "Data Team/1"
        assert got.called

        created = router.post(f"{FAB}/roles").respond(json=role("ops", ("can_read", "DAGs")))
        role_ = await client.roles.create("ops", actions=[("can_read", "DAGs")])
        assert role_.name == "ops" and role_.actions
        assert sent_json(created.calls.last) == {
            "name": "ops",
            "actions": [{"action": {"name": "can_read"}, "resource": {"name": "DAGs"}}],
        }

        patched = router.patch(f"{FAB}/roles/ops").respond(json=role("ops2", ("can_edit", "Pools")))
        updated = await client.roles.update("ops", new_name="ops2", actions=[("can_edit", "Pools")])
        assert updated.name == "ops2"
        call = patched.calls.last
        # The FAB API reads update_mask as one comma-separated value, and replaces the
        # role's permissions with those given: no read first.
        assert call.request.url.params.get_list("update_mask") == ["name,actions"]
        assert sent_json(call) == {
            "name": "ops2",
            "actions": [{"action": {"name": "can_edit"}, "resource": {"name": "Pools"}}],
        }

        deleted = router.delete(f"{FAB}/roles/ops2").respond(200, json=None)
        assert await client.roles.delete("ops2") is None
        assert deleted.called
        assert not [c for c in router.calls if c.request.url.path.startswith("/api/v2/roles")]


async def test_fab_errors_map_to_the_same_exceptions() -> None:
    async with airflow3_root() as (client, router):
        router.get(f"{FAB}/roles/nope").respond(
            404, json={"detail": "Role with name 'nope' does not exist."}
        )
        router.post(f"{FAB}/roles").respond(
            409,
            json={
                "detail": "Role with name 'ops' already exists; "
                "please update with the PATCH endpoint"
            },
        )
        with pytest.raises(NotFoundError, match="does not exist"):
            await client.roles.get("nope")
        with pytest.raises(ConflictError, match="already exists"):
            await client.roles.create("ops", actions=[])


async def test_a_server_without_the_fab_api_is_unsupported_not_a_success() -> None:
    async with airflow3_root() as (client, router):
        # The simple auth manager's web UI answers any GET there with its page and 200,
        # and other methods with 405.
        router.get(url__regex=r".*/auth/fab/v1/.*").respond(
            200, text=WEB_UI_PAGE, headers={"content-type": "text/html; charset=utf-8"}
        )
        router.route(url__regex=r".*/auth/fab/v1/.*").respond(
            405, json={"detail": "Method Not Allowed"}
        )
        for call in (
            client.roles.list().to_list(),
            client.roles.get("Admin"),
            client.roles.create("ops", actions=[]),
            client.roles.update("ops", new_name="x"),
            client.roles.delete("ops"),
        ):
            with pytest.raises(UnsupportedByServerError, match="has no FAB API") as caught:
                await call
            assert caught.value.method.startswith("roles.")
            assert caught.value.server.release == "3.3.2"
        assert len(operation_calls(router)) == 5
