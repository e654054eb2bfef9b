"""client.users against a respx router."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async.models import User

from .wire import WEB_UI_PAGE, airflow3_root, operation_calls, sent_json, sent_query

SECRET = "hunter2-very-secret"


def user(username: str, **overrides: Any) -> dict[str, Any]:
    """A user as Airflow 2.11 sends it: naive datetimes, ``fail_login_count``, nulls."""
    body: dict[str, Any] = {
        "active": True,
        "changed_on": "2026-11-27T03:45:44.904515",
        "created_on": "2026-11-27T03:45:44.904510",
        "email": f"{username}@example.com",
        "fail_login_count": None,
        "first_name": "Ada",
        "last_login": None,
        "last_name": "Lovelace",
        "login_count": None,
        "roles": [{"name": "Viewer"}],
        "username": username,
    }
    body.update(overrides)
    return body


async def test_list_pages_with_order_by(client: AsyncClient, router: respx.MockRouter) -> None:
    users = [user(f"u{n}") for n in range(3)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json={"users": users[offset : offset + 2], "total_entries": 3})

    route = router.get("/users").mock(side_effect=answer)
    found = await client.users.list(order_by="email").to_list()
    assert [u.username for u in found] == ["u0", "u1", "u2"]
    assert all(isinstance(u, User) for u in found)
    assert route.calls.last.request.url.params["order_by"] == "email"
    assert "limit" not in route.calls[0].request.url.params


async def test_get_decodes_what_the_server_sends(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/users/ada%40lab").respond(
        json=user("ada@lab", fail_login_count=3, last_login="2026-11-27T03:50:22.076300")
    )
    got = await client.users.get("ada@lab")
    # The same model as create's (and list's).
    assert isinstance(got, User)
    assert got.roles is not None and [r.name for r in got.roles if r] == ["Viewer"]
    assert got.created_on == datetime(2026, 11, 27, 3, 45, 44, 904510, tzinfo=timezone.utc)
    assert got.login_count is None
    # The server's name for the spec's failed_login_count, kept rather than dropped.
    assert got.fail_login_count == 3
    assert got.extra_fields == {}


async def test_create_sends_roles_by_name_and_hides_the_password(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/users").respond(json=user("ada", roles=[{"name": "Op"}]))
    created = await client.users.create(
        "ada",
        password=SECRET,
        email="ada@example.com",
        first_name="Ada",
        last_name="",
        roles=["Op", "Viewer"],
    )
    assert json.loads(route.calls.last.request.content) == {
        "username": "ada",
        "password": SECRET,
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "",
        "roles": [{"name": "Op"}, {"name": "Viewer"}],
    }
    assert isinstance(created, User)
    assert SECRET not in repr(created)


async def test_create_without_roles_leaves_them_out(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/users").respond(
        500,
        json={
            "detail": "Failed to add user `ada`.",
            "status": 500,
            "title": "Internal Server Error",
            "type": "about:blank",
        },
    )
    with pytest.raises(InternalServerError) as caught:
        await client.users.create(
            "ada", password=SECRET, email="a@example.com", first_name="A", last_name="L"
        )
    assert "roles" not in json.loads(route.calls.last.request.content)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


async def test_create_refuses_a_string_for_roles(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.route().respond(200, json={})
    with pytest.raises(TypeError, match="sequence of role names"):
        await client.users.create(
            "ada", password="p", email="e", first_name="f", last_name="l", roles="Viewer"
        )
    assert not route.called


async def test_update_fills_the_required_fields_from_the_current_user(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    get = router.get("/users/ada").respond(json=user("ada"))
    patch = router.patch("/users/ada").respond(json=user("ada", first_name="Augusta"))
    updated = await client.users.update("ada", first_name="Augusta")
    assert get.call_count == 1
    request = patch.calls.last.request
    assert request.url.params.get_list("update_mask") == ["first_name"]
    assert json.loads(request.content) == {
        "first_name": "Augusta",
        "username": "ada",
        "email": "ada@example.com",
        "last_name": "Lovelace",
    }
    assert updated.first_name == "Augusta"


async def test_update_sends_a_new_password_apart_from_roles(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/users/ada").respond(json=user("ada"))
    patch = router.patch("/users/ada").respond(json=user("ada", roles=[{"name": "Op"}]))
    updated = await client.users.update("ada", password=SECRET, roles=["Op"], last_name="L")
    first, second = (call.request for call in patch.calls)
    assert first.url.params.get_list("update_mask") == ["password"]
    assert json.loads(first.content) == {
        "username": "ada",
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "password": SECRET,
    }
    assert second.url.params.get_list("update_mask") == ["last_name,roles"]
    assert json.loads(second.content) == {
        "last_name": "L",
        "roles": [{"name": "Op"}],
        "username": "ada",
        "email": "ada@example.com",
        "first_name": "Ada",
    }
    assert updated.roles is not None and updated.roles[0] is not None
    assert updated.roles[0].name == "Op"


async def test_update_of_every_required_field_reads_nothing(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    get = router.get("/users/ada").respond(json=user("ada"))
    patch = router.patch("/users/ada").respond(json=user("bea"))
    await client.users.update(
        "ada", new_username="bea", email="bea@example.com", first_name="Bea", last_name="B"
    )
    assert not get.called
    request = patch.calls.last.request
    assert request.url.params.get_list("update_mask") == ["username,email,first_name,last_name"]
    assert json.loads(request.content)["username"] == "bea"


async def test_update_errors_never_show_the_password(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/users/ada").respond(json=user("ada"))
    router.patch("/users/ada").respond(
        400,
        json={
            "detail": "{'password': ['Field may not be null.']}",
            "status": 400,
            "title": "Bad Request",
            "type": "about:blank",
        },
    )
    with pytest.raises(BadRequestError) as caught:
        await client.users.update("ada", password=SECRET)
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


async def test_update_with_nothing_given_fails_before_io(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.route().respond(200, json={})
    with pytest.raises(ValueError, match="at least one field") as caught:
        await client.users.update("ada")
    assert SECRET not in str(caught.value)
    assert not route.called


async def test_delete_encodes_the_username(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.delete(url__regex=r".*").respond(
        204, headers={"Content-Type": "application/json"}
    )
    assert await client.users.delete("a/b c") is None
    assert route.calls.last.request.url.raw_path == b"/api/v1/users/a%2Fb%20c"


async def test_empty_username_fails_before_io(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.route().respond(200, json={})
    with pytest.raises(ValueError, match="username"):
        await client.users.get("")
    with pytest.raises(ValueError, match="username"):
        await client.users.create("", password="p", email="e", first_name="f", last_name="l")
    assert not route.called


# -- Airflow 3: the FAB API ----------------------------------------------------------------

FAB = "/auth/fab/v1"


def fab_user(username: str, **overrides: Any) -> dict[str, Any]:
    """A user as the FAB API of Airflow 3 sends it (datetimes with an offset)."""
    return user(
        username,
        created_on="2026-12-01T10:00:00Z",
        changed_on="2026-12-01T10:00:00Z",
        **overrides,
    )


async def test_every_method_goes_to_the_fab_api_on_airflow_3() -> None:
    async with airflow3_root() as (client, router):
        listed = router.get(f"{FAB}/users").respond(
            json={"users": [fab_user("admin")], "total_entries": 1}
        )
        [admin] = await client.users.list(order_by="-username").to_list()
        assert isinstance(admin, User) and admin.username == "admin"
        assert sent_query(listed.calls.last) == [("offset", "0"), ("order_by", "-username")]

        router.get(f"{FAB}/users/ada%40lab").respond(json=fab_user("ada@lab"))
        got = await client.users.get("ada@lab")
        assert isinstance(got, User) and got.created_on is not None

        created = router.post(f"{FAB}/users").respond(json=fab_user("ada"))
        made = await client.users.create(
            "ada", password=SECRET, email="a@x", first_name="Ada", last_name="L", roles=["Op"]
        )
        assert isinstance(made, User) and SECRET not in repr(made)
        assert sent_json(created.calls.last) == {
            "username": "ada",
            "password": SECRET,
            "email": "a@x",
            "first_name": "Ada",
            "last_name": "L",
            "roles": [{"name": "Op"}],
        }

        patched = router.patch(f"{FAB}/users/ada").respond(json=fab_user("bea"))
        updated = await client.users.update(
            "ada", new_username="bea", password=SECRET, roles=["Op", "Viewer"]
        )
        assert updated.username == "bea"
        # One PATCH of exactly the fields given: the FAB API needs no others, and sets a
        # password and roles together. Its update_mask is one comma-separated value.
        assert patched.call_count == 1
        call = patched.calls.last
        assert call.request.url.params.get_list("update_mask") == ["username,password,roles"]
        assert sent_json(call) == {
            "username": "bea",
            "password": SECRET,
            "roles": [{"name": "Op"}, {"name": "Viewer"}],
        }

        deleted = router.delete(f"{FAB}/users/bea").respond(204)
        assert await client.users.delete("bea") is None
        assert deleted.called
        assert not [c for c in router.calls if c.request.url.path.startswith("/api/v2/users")]


async def test_fab_errors_map_to_the_same_exceptions() -> None:
    async with airflow3_root() as (client, router):
        router.get(f"{FAB}/users/nope").respond(
            404, json={"detail": "The User with username `nope` was not found"}
        )
        router.post(f"{FAB}/users").respond(
            409, json={"detail": "Username `ada` already exists. Use PATCH to update."}
        )
        router.patch(f"{FAB}/users/ada").respond(
            422,
            json={
                "detail": [
                    {
                        "type": "string_too_short",
                        "loc": ["body", "first_name"],
                        "msg": "String should have at least 1 character",
                    }
                ]
            },
        )
        with pytest.raises(NotFoundError, match="was not found"):
            await client.users.get("nope")
        with pytest.raises(ConflictError, match="already exists") as conflict:
            await client.users.create(
                "ada", password=SECRET, email="e", first_name="f", last_name="l"
            )
        assert SECRET not in str(conflict.value)
        with pytest.raises(BadRequestError, match=r"body\.first_name") as bad:
            await client.users.update("ada", first_name="", password=SECRET)
        assert isinstance(bad.value, UnprocessableEntityError)
        assert SECRET not in str(bad.value) and SECRET not in repr(bad.value)


async def test_a_server_without_the_fab_api_is_unsupported_not_a_success() -> None:
    async with airflow3_root() as (client, router):
        router.get(url__regex=r".*/auth/fab/v1/.*").respond(
            200, text=WEB_UI_PAGE, headers={"content-type": "text/html; charset=utf-8"}
        )
        router.route(url__regex=r".*/auth/fab/v1/.*").respond(
            405, json={"detail": "Method Not Allowed"}
        )
        for call in (
            client.users.list().to_list(),
            client.users.get("admin"),
            client.users.create("ada", password=SECRET, email="e", first_name="f", last_name="l"),
            client.users.update("admin", email="e"),
            client.users.delete("ada"),
        ):
            with pytest.raises(UnsupportedByServerError, match="has no FAB API") as caught:
                await call
            assert caught.value.method.startswith("users.")
            assert SECRET not in str(caught.value)
        assert len(operation_calls(router)) == 5
