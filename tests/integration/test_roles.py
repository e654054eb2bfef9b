"""client.roles against the real server: Airflow 2's own API, Airflow 3's FAB API."""

from __future__ import annotations

import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedByServerError,
)
from airflow_client_async.models import Role


async def on_airflow_3(client: AsyncClient) -> bool:
    return (await client.server_version()).api_version == "v2"


async def need_fab(client: AsyncClient) -> None:
    """Skip on an Airflow 3 whose auth manager is not FAB's (see the test at the end)."""
    try:
        await client.roles.list(limit=1)
    except UnsupportedByServerError as exc:
        pytest.skip(f"no FAB API on this server: {exc}")


def pairs(role: Role) -> set[tuple[str | None, str | None]]:
    return {
        (a.action.name if a.action else None, a.resource.name if a.resource else None)
        for a in role.actions or []
    }


async def test_role_lifecycle(client: AsyncClient, unique: str) -> None:
    await need_fab(client)
    name, renamed = f"client-test-role-{unique}", f"client-test-role-{unique}-renamed"
    created = await client.roles.create(name, actions=[("can_read", "DAGs"), ("can_read", "Pools")])
    try:
        # Airflow 2 answers {} to the POST and the client reads the role back.
        assert created.name == name
        assert pairs(created) == {("can_read", "DAGs"), ("can_read", "Pools")}
        assert pairs(await client.roles.get(name)) == pairs(created)

        with pytest.raises(ConflictError, match="already exists"):
            await client.roles.create(name, actions=[])

        # actions are the role's permissions from now on, on both servers.
        grown = await client.roles.update(
            name, actions=[("can_read", "DAGs"), ("can_read", "Pools"), ("can_edit", "Pools")]
        )
        assert grown.name == name
        assert pairs(grown) == {("can_read", "DAGs"), ("can_read", "Pools"), ("can_edit", "Pools")}

        if await on_airflow_3(client):
            shrunk = await client.roles.update(name, actions=[("can_read", "DAGs")])
            assert pairs(shrunk) == {("can_read", "DAGs")}
            assert pairs(await client.roles.get(name)) == {("can_read", "DAGs")}
        else:
            # Airflow 2 cannot take a permission away: refused, and nothing changed.
            with pytest.raises(UnsupportedByServerError, match="cannot take permissions away"):
                await client.roles.update(name, actions=[("can_read", "DAGs")])
            assert len(pairs(await client.roles.get(name))) == 3

        moved = await client.roles.update(name, new_name=renamed)
        assert moved.name == renamed
        assert pairs(moved) == pairs(await client.roles.get(renamed))
        with pytest.raises(NotFoundError):
            await client.roles.get(name)
        name = renamed
    finally:
        await client.roles.delete(name)
    with pytest.raises(NotFoundError):
        await client.roles.get(name)


async def test_create_with_an_unknown_action_is_a_bad_request(
    client: AsyncClient, unique: str
) -> None:
    await need_fab(client)
    with pytest.raises(BadRequestError, match="can_fly"):
        await client.roles.create(f"client-test-role-{unique}", actions=[("can_fly", "DAGs")])


async def test_create_with_no_actions_and_a_model_copied_from_another_role(
    client: AsyncClient, unique: str
) -> None:
    await need_fab(client)
    viewer = await client.roles.get("Viewer")
    assert viewer.actions
    name = f"client-test-role-{unique}"
    empty = await client.roles.create(name, actions=[])
    try:
        assert empty.name == name and empty.actions == []
        grown = await client.roles.update(name, actions=viewer.actions[:2])
        assert pairs(grown) == pairs(Role(name=name, actions=viewer.actions[:2]))
    finally:
        await client.roles.delete(name)


async def test_list_pages_past_one_page(client: AsyncClient) -> None:
    await need_fab(client)
    first = await client.roles.list(limit=2)
    assert len(first.items) == 2
    assert first.total_entries is not None and first.total_entries >= 5
    names = [r.name async for r in client.roles.list(limit=2, order_by="name")]
    assert {"Admin", "Op", "Public", "User", "Viewer"} <= set(names)
    assert names == sorted(names)


async def test_descending_order(client: AsyncClient) -> None:
    await need_fab(client)
    if await on_airflow_3(client):
        names = [r.name async for r in client.roles.list(order_by="-name")]
        assert names == sorted(names, key=lambda n: n or "", reverse=True)
    else:
        # The spec allows "-name"; Airflow 2.11 checks order_by before stripping the "-".
        with pytest.raises(BadRequestError, match="-name"):
            await client.roles.list(order_by="-name")
    assert (await client.roles.list(order_by="role_id")).items[0].name == "Admin"


async def test_viewer_cannot_read_roles(client: AsyncClient, viewer: AsyncClient) -> None:
    await need_fab(client)
    with pytest.raises(PermissionDeniedError):
        await viewer.roles.get("Viewer")


async def test_without_the_fab_api_every_method_is_unsupported(client: AsyncClient) -> None:
    # Airflow 3 with the simple auth manager answers GETs under /auth/fab/v1 with its web
    # UI's page and 200, and other methods with 405: never taken for a success.
    try:
        await client.roles.list(limit=1)
    except UnsupportedByServerError:
        pass
    else:
        pytest.skip("this server has users and roles (Airflow 2, or Airflow 3 with FAB)")
    assert await on_airflow_3(client)
    for call in (
        client.roles.list().to_list(),
        client.roles.get("Admin"),
        client.roles.create("client-test-role-never", actions=[]),
        client.roles.update("Admin", new_name="client-test-role-never"),
        client.roles.delete("client-test-role-never"),
    ):
        with pytest.raises(UnsupportedByServerError, match="has no FAB API"):
            await call
