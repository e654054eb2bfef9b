"""client.connections against the real server (Airflow 2 or 3)."""

from __future__ import annotations

import asyncio
import contextlib
import json

import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedByServerError,
)
from airflow_client_async.models import Connection, ConnectionTest

SECRET = "hunter2-not-for-logs"


async def on_airflow_3(client: AsyncClient) -> bool:
    return (await client.server_version()).api_version == "v2"


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
        # Write-only on Airflow 2; sent back masked on Airflow 3.
        assert got.password == ("***" if await on_airflow_3(client) else None)
        # Both servers mask secret-looking keys of a JSON extra.
        assert got.extra is not None and json.loads(got.extra) == {"token": "***", "timeout": 5}
        assert SECRET not in repr(got) and "extra" not in repr(got)

        # Several fields in one PATCH: the mask must name them all for the server to apply them.
        updated = await client.connections.update(conn_id, host="other.test", port=None)
        assert (updated.host, updated.port) == ("other.test", None)
        assert updated.login == "me" and updated.description == "made by a test"
        assert updated.conn_type == "http"  # Airflow 3's placeholder conn_type is not written

        cleared = await client.connections.update(conn_id, extra=None, password="new-one")
        assert cleared.extra is None and cleared.host == "other.test"

        ids = [c.connection_id async for c in client.connections.list(order_by="-connection_id")]
        assert conn_id in ids
    finally:
        await client.connections.delete(conn_id)
    with pytest.raises(NotFoundError) as caught:
        await client.connections.get(conn_id)
    if not await on_airflow_3(client):
        assert caught.value.title == "Connection not found"


async def test_duplicate_connection_is_a_conflict(client: AsyncClient, unique: str) -> None:
    conn_id = f"client-test-dup-{unique}"
    await client.connections.create(conn_id, conn_type="http", password=SECRET)
    try:
        with pytest.raises(ConflictError) as caught:
            await client.connections.create(conn_id, conn_type="http", password=SECRET)
        if not await on_airflow_3(client):
            assert conn_id in str(caught.value)  # Airflow 3 names no id
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
    if await on_airflow_3(client):
        assert caught.value.status == 422 and "pattern" in str(caught.value)
    else:
        assert "alphanumeric characters, dashes, dots and underscores" in str(caught.value)
    assert SECRET not in str(caught.value)


async def test_a_unicode_id(client: AsyncClient, unique: str) -> None:
    conn_id = f"client-test-{unique}-ünï"
    if await on_airflow_3(client):
        # Airflow 3 takes unicode letters as word characters, end to end.
        await client.connections.create(conn_id, conn_type="http", password=SECRET)
        try:
            assert (await client.connections.get(conn_id)).connection_id == conn_id
        finally:
            await client.connections.delete(conn_id)
        return
    # Airflow 2's id check accepts unicode letters, but its Connection model then drops the
    # id and the insert fails on NOT NULL: a 500 with an HTML page, and nothing stored.
    with pytest.raises(InternalServerError) as caught:
        await client.connections.create(conn_id, conn_type="http", password=SECRET)
    assert caught.value.status == 500
    assert SECRET not in str(caught.value)
    with pytest.raises(NotFoundError):
        await client.connections.get(conn_id)


async def test_a_slash_in_the_id_reaches_no_route(client: AsyncClient, unique: str) -> None:
    # Both servers decode %2F before routing, and connection_id is a single segment.
    with pytest.raises(NotFoundError) as slash:
        await client.connections.get(f"client-test-{unique}/x")
    with pytest.raises(NotFoundError) as space:
        await client.connections.get(f"client-test-{unique} x")
    if not await on_airflow_3(client):
        assert slash.value.title == "Not Found"
        assert space.value.title == "Connection not found"
    else:
        assert "was not found" in str(space.value)


async def test_testing_connections(client: AsyncClient) -> None:
    try:
        passed = await client.connections.test(conn_type="fs", extra={"path": "/"})
    except PermissionDeniedError as exc:
        pytest.skip(f"the server has [core] test_connection off: {exc}")
    assert isinstance(passed, ConnectionTest)
    assert passed.status is True and passed.message
    failed = await client.connections.test(
        conn_type="fs", extra={"path": "/no/such/client-test"}, password=SECRET
    )
    assert failed.status is False
    assert failed.message and "does not exist" in failed.message
    assert SECRET not in repr(failed)
    unknown = await client.connections.test(conn_type="no_such_type", connection_id="ignored")
    assert unknown.status is False and "no_such_type" in (unknown.message or "")
    providers = {p.package_name async for p in client.providers.list()}
    if "apache-airflow-providers-http" in providers:  # the 2.11.2 test server has it
        refused = await client.connections.test(
            conn_type="http", host="127.0.0.1", port=9, login="me", password=SECRET
        )
        assert refused.status is False
        assert refused.message and "Connection refused" in refused.message
        assert SECRET not in repr(refused)


async def test_list_filters_by_id_on_airflow_3(client: AsyncClient, unique: str) -> None:
    conn_id = f"client-test-filter-{unique}"
    await client.connections.create(conn_id, conn_type="http")
    try:
        if not await on_airflow_3(client):
            with pytest.raises(UnsupportedByServerError, match="connection_id_pattern"):
                await client.connections.list(connection_id_pattern=unique)
            return
        found = [
            c.connection_id async for c in client.connections.list(connection_id_pattern=unique)
        ]
        assert found == [conn_id]
    finally:
        await client.connections.delete(conn_id)


async def test_bulk(client: AsyncClient, unique: str) -> None:
    ids = [f"client-test-bulk-{unique}-{n}" for n in range(3)]
    if not await on_airflow_3(client):
        with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
            await client.connections.bulk(delete=ids)
        return
    try:
        created = await client.connections.bulk(
            create=[
                {"connection_id": ids[0], "conn_type": "http", "extra": {"timeout": 5}},
                {"connection_id": ids[1], "conn_type": "fs", "password": SECRET},
            ]
        )
        assert created.raise_for_errors().ok
        assert json.loads((await client.connections.get(ids[0])).extra or "{}") == {"timeout": 5}
        clash = await client.connections.bulk(
            create=[
                {"connection_id": ids[2], "conn_type": "http"},
                {"connection_id": ids[1], "conn_type": "http"},
            ],
            update=[{"connection_id": ids[0], "conn_type": "http", "host": "h"}],
        )
        assert [(e.action, e.ok) for e in clash.entities] == [
            ("create", False),
            ("create", False),
            ("update", True),
        ]
        assert {e.status_code for e in clash.failed} == {409}
        assert SECRET not in repr(clash)
        assert (await client.connections.get(ids[0])).host == "h"
    finally:
        for conn_id in ids:
            with contextlib.suppress(NotFoundError):
                await client.connections.delete(conn_id)


async def test_default_connections(client: AsyncClient) -> None:
    if not await on_airflow_3(client):
        with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
            await client.connections.create_defaults()
        return
    await client.connections.create_defaults()
    # Airflow's defaults include airflow_db; creating them again keeps what exists.
    assert (await client.connections.get("airflow_db")).conn_type
    await client.connections.create_defaults()


async def test_a_queued_connection_test(client: AsyncClient, unique: str) -> None:
    server = await client.server_version()
    if server.api_version == "v1" or (server.minor or (0, 0)) < (3, 3):
        with pytest.raises(UnsupportedByServerError):
            await client.connections.enqueue_test(f"client-test-q-{unique}", conn_type="fs")
        return
    try:
        queued = await client.connections.enqueue_test(
            f"client-test-q-{unique}", conn_type="fs", extra={"path": "/"}
        )
    except PermissionDeniedError as exc:
        pytest.skip(f"the server has [core] test_connection off: {exc}")
    assert queued.connection_id == f"client-test-q-{unique}" and queued.token
    assert queued.token not in repr(queued)
    status = await client.connections.get_test_result(queued.token)
    assert status.connection_id == queued.connection_id
    assert status.created_at is not None and status.created_at.tzinfo is not None
    # A worker picks the test up when one runs; the state is known either way.
    for _ in range(20):
        if status.state not in ("pending", "queued", "running"):
            break
        await asyncio.sleep(1)
        status = await client.connections.get_test_result(queued.token)
    assert status.state
    with pytest.raises(NotFoundError):
        await client.connections.get_test_result(f"no-such-token-{unique}")


async def test_viewer_can_neither_read_nor_write(viewer: AsyncClient, unique: str) -> None:
    conn_id = f"client-test-viewer-{unique}"
    with pytest.raises(PermissionDeniedError):
        await viewer.connections.create(conn_id, conn_type="http", password=SECRET)
    with pytest.raises(PermissionDeniedError):
        await viewer.connections.get(conn_id)
    with pytest.raises(PermissionDeniedError):
        await viewer.connections.list()
