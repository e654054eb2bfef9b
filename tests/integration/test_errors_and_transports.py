"""Authentication errors, and the same calls through each transport, on the real server."""

from __future__ import annotations

import contextlib

import httpx
import pytest

from airflow_client_async import AsyncClient, AuthenticationError, NotFoundError, TransportKind

from ._server import ServerInfo


async def test_wrong_password_is_an_authentication_error(server: ServerInfo) -> None:
    async with AsyncClient(server.base_url, auth=(server.admin.username, "wrong")) as api:
        with pytest.raises(AuthenticationError) as caught:
            await api.pools.get("default_pool")
    exc = caught.value
    assert exc.status == 401
    if server.api_version == "v1":
        assert exc.title == "Unauthorized"
        assert exc.detail is None
    else:
        # Airflow 3 refuses the token exchange; its errors carry only a detail.
        assert exc.response.request.url.path == "/auth/token"
        assert exc.detail == "Invalid credentials"
    assert "wrong" not in str(exc) and "wrong" not in repr(exc)


async def test_no_credentials_is_an_authentication_error(server: ServerInfo) -> None:
    async with AsyncClient(server.base_url) as api:
        with pytest.raises(AuthenticationError):
            await api.dags.get("example_bash_operator")


@pytest.mark.parametrize("transport", ["aiohttp", "httpx"])
async def test_each_transport_against_the_real_server(
    server: ServerInfo, transport: TransportKind, unique: str
) -> None:
    async with AsyncClient(
        server.base_url, auth=server.admin.as_tuple(), transport=transport
    ) as api:
        ids = [d.dag_id async for d in api.dags.list(limit=100)]
        assert len(ids) > 10
        name = f"client-test {transport} {unique} ü..?#%+"
        await api.pools.create(name, slots=2)
        try:
            assert (await api.pools.get(name)).name == name
        finally:
            await api.pools.delete(name)


async def test_an_injected_http_client(server: ServerInfo) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        # A base URL that names the API root works as well as the server's root.
        api_root = f"{server.base_url}/api/{server.api_version}/"
        async with AsyncClient(api_root, http_client=http, auth=server.admin.as_tuple()) as api:
            assert (await api.dags.get("example_bash_operator")).dag_id == "example_bash_operator"
        assert not http.is_closed


async def test_a_slash_in_a_name_never_reaches_another_endpoint(
    client: AsyncClient, server: ServerInfo, unique: str
) -> None:
    name = f"client-test/{unique}/.."
    await client.pools.create(name, slots=1)
    try:
        if server.api_version == "v1":
            # The webserver decodes %2F before routing, so /pools/a%2Fb matches no route:
            # the server answers 404 and nothing else is touched.
            with pytest.raises(NotFoundError) as caught:
                await client.pools.get(name)
            assert "requested URL was not found" in str(caught.value)
            sent = caught.value.response.request
        else:
            # Airflow 3 routes the rest of the path to the pool's name: the same pool.
            raw = await client.with_raw_response(client.pools.get, name)
            assert raw.parsed.name == name
            sent = raw.http_response.request
            with pytest.raises(NotFoundError):
                await client.pools.get(f"client-test/{unique}")
        assert sent.url.raw_path.endswith(b"client-test%2F" + unique.encode() + b"%2F..")
    finally:
        with contextlib.suppress(NotFoundError):
            await client.pools.delete(name)
