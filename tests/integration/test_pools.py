"""client.pools against the real server."""

from __future__ import annotations

import contextlib

import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)


@pytest.mark.parametrize("suffix", ["plain", "with space", "ünïcode☃", "plus+sign"])
async def test_pool_crud(client: AsyncClient, unique: str, suffix: str) -> None:
    name = f"client-test {unique} {suffix}"
    created = await client.pools.create(name, slots=3, description="made by a test")
    try:
        assert created.name == name and created.slots == 3
        assert (await client.pools.get(name)).description == "made by a test"

        updated = await client.pools.update(name, slots=7)
        assert updated.slots == 7
        assert updated.description == "made by a test"  # not named, so not touched

        cleared = await client.pools.update(name, description=None)
        assert cleared.description is None and cleared.slots == 7

        both = await client.pools.update(name, slots=4, description="both fields")
        assert (both.slots, both.description) == (4, "both fields")
        again = await client.pools.get(name)
        assert (again.slots, again.description) == (4, "both fields")

        names = [p.name async for p in client.pools.list(limit=2)]
        assert name in names and "default_pool" in names
    finally:
        await client.pools.delete(name)
    with pytest.raises(NotFoundError):
        await client.pools.get(name)


async def test_duplicate_pool_is_a_conflict(client: AsyncClient, unique: str) -> None:
    name = f"client-test-dup-{unique}"
    await client.pools.create(name, slots=1)
    try:
        with pytest.raises(ConflictError) as caught:
            await client.pools.create(name, slots=1)
        assert name in str(caught.value)
    finally:
        await client.pools.delete(name)


async def test_renaming_a_pool(client: AsyncClient, unique: str) -> None:
    old, new = f"client-test-old-{unique}", f"client-test-new-{unique}"
    await client.pools.create(old, slots=2)
    try:
        renamed = await client.pools.update(old, name=new)
        assert renamed.name == new
    finally:
        for name in (old, new):
            with contextlib.suppress(NotFoundError):
                await client.pools.delete(name)


async def test_default_pool_slots_can_change_and_it_cannot_be_deleted(
    client: AsyncClient,
) -> None:
    before = await client.pools.get("default_pool")
    assert before.slots is not None
    try:
        assert (await client.pools.update("default_pool", slots=before.slots + 1)).slots == (
            before.slots + 1
        )
    finally:
        await client.pools.update("default_pool", slots=before.slots)
    with pytest.raises(BadRequestError):
        await client.pools.delete("default_pool")


async def test_viewer_cannot_write(viewer: AsyncClient, unique: str) -> None:
    assert [p async for p in viewer.pools.list()]
    with pytest.raises(PermissionDeniedError) as caught:
        await viewer.pools.create(f"client-test-viewer-{unique}", slots=1)
    assert caught.value.status == 403
