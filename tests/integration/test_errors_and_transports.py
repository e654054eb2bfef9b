"""Authentication errors, and the same calls through each transport, on the real server."""

from __future__ import annotations

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
    assert exc.title == "Unauthorized"
    assert exc.detail is None
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
    async with httpx.AsyncClient(auth=server.admin.as_tuple(), timeout=30) as http:
        async with AsyncClient(server.base_url + "/api/v1/", http_client=http) as api:
            assert (await api.dags.get("example_bash_operator")).dag_id == "example_bash_operator"
        assert not http.is_closed


async def test_a_slash_in_a_name_never_reaches_another_endpoint(
    client: AsyncClient, unique: str
) -> None:
    # The body of a create carries any name, but the webserver decodes %2F before routing,
    # so /pools/a%2Fb matches no route: the server answers 404 and nothing else is touched.
    name = f"client-test/{unique}/.."
    await client.pools.create(name, slots=1)
    with pytest.raises(NotFoundError) as caught:
        await client.pools.get(name)
    assert "requested URL was not found" in str(caught.value)
    assert caught.value.response.request.url.raw_path.endswith(
        b"client-test%2F" + unique.encode() + b"%2F.."
    )
