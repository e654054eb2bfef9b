"""client.connections against the real server."""

from __future__ import annotations

import json

import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
)
from airflow_client_async.models import Connection

SECRET = "hunter2-not-for-logs"


async def test_connection_crud(client: AsyncClient, unique: str) -> None:
    conn_id = f"client-test.{unique}_conn-1"
    created = await client.connections.create(
        conn_id,
        conn_type="http",
        host="example.test",
        login="me",
        port=8443,
        password=SECRET,
        extra={"token": SECRET, "timeout": 5},
        description="made by a test",
    )
    try:
        assert isinstance(created, Connection)
        assert (created.connection_id, created.conn_type, created.port) == (conn_id, "http", 8443)
        got = await client.connections.get(conn_id)
        assert got.password is None  # write-only on the server
        # The server masks secret-looking keys of a JSON extra.
        assert got.extra is not None and json.loads(got.extra) == {"token": "***", "timeout": 5}
        assert SECRET not in repr(got) and "extra" not in repr(got)

        # Several fields in one PATCH: the mask must name them all for the server to apply them.
        updated = await client.connections.update(conn_id, host="other.test", port=None)
        assert (updated.host, updated.port) == ("other.test", None)
        assert updated.login == "me" and updated.description == "made by a test"

        cleared = await client.connections.update(conn_id, extra=None, password="new-one")
        assert cleared.extra is None and cleared.host == "other.test"

        ids = [c.connection_id async for c in client.connections.list(order_by="-connection_id")]
        assert conn_id in ids
    finally:
        await client.connections.delete(conn_id)
    with pytest.raises(NotFoundError) as caught:
        await client.connections.get(conn_id)
    assert caught.value.title == "Connection not found"


async def test_duplicate_connection_is_a_conflict(client: AsyncClient, unique: str) -> None:
    conn_id = f"client-test-dup-{unique}"
    await client.connections.create(conn_id, conn_type="http", password=SECRET)
    try:
        with pytest.raises(ConflictError) as caught:
            await client.connections.create(conn_id, conn_type="http", password=SECRET)
        assert conn_id in str(caught.value)
        assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)
    finally:
        await client.connections.delete(conn_id)


@pytest.mark.parametrize("suffix", ["with/slash", "with space", "plus+sign"])
async def test_ids_outside_the_servers_alphabet_are_refused(
    client: AsyncClient, unique: str, suffix: str
) -> None:
    conn_id = f"client-test-{unique}-{suffix}"
    with pytest.raises(BadRequestError) as caught:
        await client.connections.create(conn_id, conn_type="http", password=SECRET)
    assert "alphanumeric characters, dashes, dots and underscores" in str(caught.value)
    assert SECRET not in str(caught.value)


async def test_a_unicode_id_passes_validation_then_fails_in_the_database(
    client: AsyncClient, unique: str
) -> None:
    # The id check accepts unicode letters, but the Connection model then drops the id
    # and the insert fails on NOT NULL: a 500 with an HTML page, and nothing stored.
    conn_id = f"client-test-{unique}-ünï"
    with pytest.raises(InternalServerError) as caught:
        await client.connections.create(conn_id, conn_type="http", password=SECRET)
    assert caught.value.status == 500
    assert SECRET not in str(caught.value)
    with pytest.raises(NotFoundError):
        await client.connections.get(conn_id)


async def test_a_slash_in_the_id_reaches_no_route(client: AsyncClient, unique: str) -> None:
    # The server decodes %2F before routing, and connection_id is a single segment.
    with pytest.raises(NotFoundError) as caught:
        await client.connections.get(f"client-test-{unique}/x")
    assert caught.value.title == "Not Found"
    with pytest.raises(NotFoundError) as caught:
        await client.connections.get(f"client-test-{unique} x")
    assert caught.value.title == "Connection not found"


async def test_testing_connections(client: AsyncClient) -> None:
    passed = await client.connections.test(conn_type="fs", extra={"path": "/"})
    assert passed.status is True and passed.message
    failed = await client.connections.test(
        conn_type="http", host="127.0.0.1", port=9, login="me", password=SECRET
    )
    assert failed.status is False
    assert failed.message and "Connection refused" in failed.message
    assert SECRET not in repr(failed)
    unknown = await client.connections.test(conn_type="no_such_type", connection_id="ignored")
    assert unknown.status is False and "no_such_type" in (unknown.message or "")


async def test_viewer_can_neither_read_nor_write(viewer: AsyncClient, unique: str) -> None:
    conn_id = f"client-test-viewer-{unique}"
    with pytest.raises(PermissionDeniedError):
        await viewer.connections.create(conn_id, conn_type="http", password=SECRET)
    with pytest.raises(PermissionDeniedError):
        await viewer.connections.get(conn_id)
    with pytest.raises(PermissionDeniedError):
        await viewer.connections.list()
