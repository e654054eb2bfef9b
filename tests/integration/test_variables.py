"""client.variables against the real server (Airflow 2 or 3)."""

from __future__ import annotations

import contextlib

import pytest

from airflow_client_async import (
    AsyncClient,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedByServerError,
)
from airflow_client_async.models import Variable


async def on_airflow_3(client: AsyncClient) -> bool:
    return (await client.server_version()).api_version == "v2"


@pytest.mark.parametrize(
    "suffix", ["plain", "with/slash", "with space", "plus+sign", "ünïcode☃", "a/../b"]
)
async def test_variable_crud(client: AsyncClient, unique: str, suffix: str) -> None:
    key = f"client-test {unique} {suffix}"
    created = await client.variables.create(key, value="v1", description="made by a test")
    try:
        assert (created.key, created.value) == (key, "v1")
        got = await client.variables.get(key)
        assert isinstance(got, Variable)
        assert (got.key, got.value, got.description) == (key, "v1", "made by a test")

        updated = await client.variables.update(key, value="v2")
        assert updated.value == "v2" and updated.description == "made by a test"

        described = await client.variables.update(key, description="changed")
        assert described.description == "changed"
        assert described.value == "v2"  # the placeholder value was not written

        both = await client.variables.update(key, value="v3", description="both")
        assert (both.value, both.description) == ("v3", "both")
        assert (await client.variables.get(key)).value == "v3"
    finally:
        await client.variables.delete(key)
    with pytest.raises(NotFoundError):
        await client.variables.get(key)


async def test_a_slash_in_the_key_reaches_exactly_that_variable(
    client: AsyncClient, unique: str
) -> None:
    parent, child = f"client-test-{unique}", f"client-test-{unique}/child"
    await client.variables.create(parent, value="parent")
    await client.variables.create(child, value="child")
    try:
        assert (await client.variables.get(child)).value == "child"
        await client.variables.delete(child)
        with pytest.raises(NotFoundError):
            await client.variables.get(child)
        assert (await client.variables.get(parent)).value == "parent"
    finally:
        for key in (parent, child):
            with contextlib.suppress(NotFoundError):
                await client.variables.delete(key)


async def test_a_second_create_overwrites_on_airflow_2_and_conflicts_on_airflow_3(
    client: AsyncClient, unique: str
) -> None:
    key = f"client-test-dup-{unique}"
    await client.variables.create(key, value="first", description="kept")
    try:
        if await on_airflow_3(client):
            with pytest.raises(ConflictError):
                await client.variables.create(key, value="second")
            again = await client.variables.get(key)
            assert (again.value, again.description) == ("first", "kept")
            return
        second = await client.variables.create(key, value="second")
        assert second.value == "second"
        again = await client.variables.get(key)
        # An overwrite replaces the whole variable: no description given, none kept.
        assert again.value == "second" and again.description is None
    finally:
        await client.variables.delete(key)


async def test_list_pages_and_carries_values(client: AsyncClient, unique: str) -> None:
    keys = [f"client-test-list-{unique}-{n:02d}" for n in range(12)]
    for n, key in enumerate(keys):
        await client.variables.create(key, value=f"value {n}")
    try:
        first = await client.variables.list(limit=50, order_by="key")
        if not await on_airflow_3(client):
            assert len(first.items) == 10  # the 2.11.2 test server's page cap
        assert 0 < len(first.items) <= 50
        seen = {v.key: v.value async for v in client.variables.list(order_by="-key")}
        assert {k: seen.get(k) for k in keys} == {k: f"value {n}" for n, k in enumerate(keys)}
    finally:
        for key in keys:
            await client.variables.delete(key)


async def test_missing_variable(client: AsyncClient, unique: str) -> None:
    key = f"client-test-missing-{unique}"
    with pytest.raises(NotFoundError):
        await client.variables.update(key, value="x")
    with pytest.raises(NotFoundError):
        await client.variables.delete(key)


async def test_viewer_cannot_write(viewer: AsyncClient, unique: str) -> None:
    with pytest.raises(PermissionDeniedError):
        await viewer.variables.create(f"client-test-viewer-{unique}", value="x")


async def test_listed_variables_carry_their_value(client: AsyncClient, unique: str) -> None:
    # The spec correction variable_list_items_carry_value: list items are full variables.
    key = f"client-test-listed-{unique}"
    await client.variables.create(key, value="listed value")
    try:
        listed = {v.key: v async for v in client.variables.list()}
        assert listed[key].value == "listed value"
        assert "value" not in listed[key].extra_fields
    finally:
        await client.variables.delete(key)


async def test_bulk(client: AsyncClient, unique: str) -> None:
    keys = [f"client-test-bulk-{unique}-{n}" for n in range(3)]
    if not await on_airflow_3(client):
        with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
            await client.variables.bulk(delete=keys)
        return
    try:
        created = await client.variables.bulk(
            create=[{"key": k, "value": f"v{n}"} for n, k in enumerate(keys[:2])]
        )
        assert created.raise_for_errors().ok
        # A key that exists fails the whole create, though the server answers 200.
        masked = ((await client.server_version()).minor or (0, 0)) >= (3, 2)
        if not masked:
            with pytest.raises(UnsupportedByServerError, match="update_mask"):
                await client.variables.bulk(delete=keys, update_mask=["value"])
        clash = await client.variables.bulk(
            create=[{"key": keys[2], "value": "x"}, {"key": keys[0], "value": "x"}],
            update=[
                {"key": keys[1], "value": "new", "description": "d"}
                if masked
                else {"key": keys[1], "value": "new"}
            ],
            update_mask=["value"] if masked else None,
        )
        assert [(e.action, e.ok) for e in clash.entities] == [
            ("create", False),
            ("create", False),
            ("update", True),
        ]
        assert {e.status_code for e in clash.failed} == {409}
        got = await client.variables.get(keys[1])
        assert (got.value, got.description) == ("new", None)  # only the masked field
        with pytest.raises(NotFoundError):
            await client.variables.get(keys[2])
        skipped = await client.variables.bulk(
            create=[{"key": keys[0], "value": "x"}], on_existence="skip", delete=keys[:2]
        )
        assert [(e.action, e.ok) for e in skipped.entities] == [
            ("create", False),  # skipped: reported as not applied
            ("delete", True),
            ("delete", True),
        ]
        assert skipped.failed[0].status_code is None
    finally:
        for key in keys:
            with contextlib.suppress(NotFoundError):
                await client.variables.delete(key)
