"""client.users against the real server: Airflow 2's own API, Airflow 3's FAB API."""

from __future__ import annotations

import pytest

from airflow_client_async import (
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async.models import User

from ._server import ServerInfo


async def on_airflow_3(client: AsyncClient) -> bool:
    return (await client.server_version()).api_version == "v2"


async def need_fab(client: AsyncClient) -> None:
    """Skip on an Airflow 3 whose auth manager is not FAB's (see the test at the end)."""
    try:
        await client.users.list(limit=1)
    except UnsupportedByServerError as exc:
        pytest.skip(f"no FAB API on this server: {exc}")


def role_names(user: User) -> set[str | None]:
    return {r.name for r in user.roles or [] if r is not None}


async def test_user_lifecycle(client: AsyncClient, server: ServerInfo, unique: str) -> None:
    await need_fab(client)
    username, password = f"client-test-user-{unique}", f"pw-{unique}-first"
    created = await client.users.create(
        username,
        password=password,
        email=f"{username}@example.com",
        first_name="Ada",
        last_name="Lovelace",
        roles=["Viewer"],
    )
    try:
        assert isinstance(created, User)
        assert created.username == username and created.active is True
        assert role_names(created) == {"Viewer"}
        assert password not in repr(created)

        got = await client.users.get(username)
        assert isinstance(got, User)
        assert (got.email, got.first_name, got.last_name) == (
            f"{username}@example.com",
            "Ada",
            "Lovelace",
        )
        assert got.created_on is not None and got.created_on.tzinfo is not None

        with pytest.raises(ConflictError, match="already exists"):
            await client.users.create(
                username, password="x", email="other@example.com", first_name="X", last_name="Y"
            )

        # Only first_name is named (Airflow 2 still needs the other fields in the body).
        renamed = await client.users.update(username, first_name="Augusta")
        assert (renamed.first_name, renamed.last_name) == ("Augusta", "Lovelace")
        assert renamed.email == f"{username}@example.com"

        # One PATCH with both would keep the old password on Airflow 2.11; the client
        # sends the password on its own there, so the new one works and the old one does not.
        new_password = f"pw-{unique}-second"
        both = await client.users.update(username, password=new_password, roles=["Viewer", "Op"])
        assert role_names(both) == {"Viewer", "Op"}
        async with AsyncClient(server.base_url, auth=(username, new_password)) as as_user:
            assert await as_user.pools.list(limit=1).to_list()
        async with AsyncClient(server.base_url, auth=(username, password)) as old:
            with pytest.raises(AuthenticationError):
                await old.pools.list(limit=1)
    finally:
        await client.users.delete(username)
    with pytest.raises(NotFoundError):
        await client.users.get(username)


async def test_list_pages_and_orders(client: AsyncClient, server: ServerInfo) -> None:
    await need_fab(client)
    first = await client.users.list(limit=1, order_by="email")
    assert len(first.items) == 1 and first.total_entries is not None
    names = [u.username async for u in client.users.list(limit=1)]
    assert len(names) == first.total_entries
    assert {server.admin.username, server.viewer.username} <= set(names)


async def test_ordering_by_username_and_descending(client: AsyncClient) -> None:
    await need_fab(client)
    if await on_airflow_3(client):
        names = [u.username async for u in client.users.list(order_by="-username")]
        assert names == sorted(names, key=lambda n: n or "", reverse=True)
        return
    # The spec lets order_by name any field; Airflow 2.11 allows a fixed few, ascending only.
    for order_by in ("username", "-id"):
        with pytest.raises(BadRequestError, match="disallowed"):
            await client.users.list(order_by=order_by)


async def test_server_sends_fail_login_count_not_failed_login_count(
    client: AsyncClient, server: ServerInfo
) -> None:
    await need_fab(client)
    admin_name = server.admin.username
    if await on_airflow_3(client):
        body = await client.request(
            "GET",
            "/auth/fab/v1/users/{username}",
            path_params={"username": admin_name},
            api_root=False,
        )
    else:
        body = await client.request(
            "GET", "/users/{username}", path_params={"username": admin_name}
        )
    assert isinstance(body, dict)
    assert "fail_login_count" in body and "failed_login_count" not in body
    admin = await client.users.get(admin_name)
    # The spec correction user_fail_login_count declares the server's key.
    assert admin.fail_login_count == body["fail_login_count"]
    assert "fail_login_count" not in admin.extra_fields


async def test_create_without_roles_fails_on_these_servers(
    client: AsyncClient, unique: str
) -> None:
    await need_fab(client)
    # With no roles the server falls back to its AUTH_USER_REGISTRATION_ROLE, which neither
    # test server finds: both answer 500 instead of creating the user.
    username = f"client-test-user-{unique}"
    message = (
        "Default registration role is not configured"
        if await on_airflow_3(client)
        else "Failed to add user"
    )
    with pytest.raises(InternalServerError, match=message):
        await client.users.create(
            username, password="x", email=f"{username}@example.com", first_name="A", last_name="B"
        )
    with pytest.raises(NotFoundError):
        await client.users.get(username)


async def test_create_with_an_unknown_role_is_a_bad_request(
    client: AsyncClient, unique: str
) -> None:
    await need_fab(client)
    username = f"client-test-user-{unique}"
    with pytest.raises(BadRequestError, match="Unknown roles"):
        await client.users.create(
            username,
            password="x",
            email=f"{username}@example.com",
            first_name="A",
            last_name="B",
            roles=["no-such-role"],
        )


async def test_without_the_fab_api_every_method_is_unsupported(client: AsyncClient) -> None:
    try:
        await client.users.list(limit=1)
    except UnsupportedByServerError:
        pass
    else:
        pytest.skip("this server has users and roles (Airflow 2, or Airflow 3 with FAB)")
    assert await on_airflow_3(client)
    for call in (
        client.users.list().to_list(),
        client.users.get("admin"),
        client.users.create(
            "client-test-never", password="x", email="e@x", first_name="A", last_name="B"
        ),
        client.users.update("admin", email="e@x"),
        client.users.delete("client-test-never"),
    ):
        with pytest.raises(UnsupportedByServerError, match="has no FAB API"):
            await call
