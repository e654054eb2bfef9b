"""client.pools against the real server (Airflow 2 or 3)."""

from __future__ import annotations

import contextlib

import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnsupportedByServerError,
)


async def on_airflow_3(client: AsyncClient) -> bool:
    return (await client.server_version()).api_version == "v2"


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

        # Two fields in one mask: a comma-joined mask would update nothing on Airflow 3.
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
        if await on_airflow_3(client):
            # Airflow 3: the database's unique-constraint error, which names no pool.
            assert "Unique constraint violation" in str(caught.value)
        else:
            assert name in str(caught.value)
    finally:
        await client.pools.delete(name)


async def test_renaming_a_pool_is_airflow_2_only(client: AsyncClient, unique: str) -> None:
    old, new = f"client-test-old-{unique}", f"client-test-new-{unique}"
    await client.pools.create(old, slots=2)
    try:
        if await on_airflow_3(client):
            with pytest.raises(UnsupportedByServerError, match="new_name"):
                await client.pools.update(old, new_name=new)
            assert (await client.pools.get(old)).name == old
        else:
            renamed = await client.pools.update(old, new_name=new)
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


async def test_list_filters_by_name_on_airflow_3(client: AsyncClient, unique: str) -> None:
    name = f"client-test-filter-{unique}"
    await client.pools.create(name, slots=1)
    try:
        if not await on_airflow_3(client):
            with pytest.raises(UnsupportedByServerError, match="pool_name_pattern"):
                await client.pools.list(pool_name_pattern=unique)
            return
        found = [p.name async for p in client.pools.list(pool_name_pattern=unique)]
        assert found == [name]
    finally:
        await client.pools.delete(name)


async def test_bulk(client: AsyncClient, unique: str) -> None:
    a, b, c = (f"client-test-bulk-{unique}-{n}" for n in "abc")
    if not await on_airflow_3(client):
        with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
            await client.pools.bulk(create=[{"name": a, "slots": 1}])
        return
    try:
        created = await client.pools.bulk(
            create=[{"name": a, "slots": 1}, {"name": b, "slots": 2, "description": "x"}]
        )
        assert created.raise_for_errors().ok
        assert (await client.pools.get(b)).description == "x"

        # One existing pool refuses the whole create; the 200 is reported as a failure.
        refused = await client.pools.bulk(
            create=[{"name": c, "slots": 1}, {"name": a, "slots": 1}], delete=[b]
        )
        assert not refused.ok
        assert [(e.action, e.key, e.ok) for e in refused.entities] == [
            ("create", c, False),
            ("create", a, False),
            ("delete", b, True),
        ]
        assert {e.status_code for e in refused.failed} == {409}
        with pytest.raises(NotFoundError):
            await client.pools.get(c)

        # Airflow 3.2+ validates an updated pool as a whole one: include_deferred goes along.
        whole = {"name": a, "slots": 9, "description": "ignored", "include_deferred": True}
        if ((await client.server_version()).minor or (0, 0)) < (3, 2):
            with pytest.raises(UnsupportedByServerError, match="update_mask"):
                await client.pools.bulk(update=[whole], update_mask=["slots"])
            whole = {"name": a, "slots": 9}
        updated = await client.pools.bulk(
            update=[whole],
            update_mask=["slots"] if "include_deferred" in whole else None,
            delete=[f"client-test-bulk-{unique}-missing"],
            on_non_existence="fail",
        )
        assert [(e.action, e.ok) for e in updated.entities] == [("update", True), ("delete", False)]
        assert updated.failed[0].status_code == 404
        again = await client.pools.get(a)
        assert (again.slots, again.description, again.include_deferred) == (9, None, False)
    finally:
        for name in (a, b, c):
            with contextlib.suppress(NotFoundError):
                await client.pools.delete(name)


async def test_viewer_cannot_write(viewer: AsyncClient, unique: str) -> None:
    assert [p async for p in viewer.pools.list()]
    with pytest.raises(PermissionDeniedError) as caught:
        await viewer.pools.create(f"client-test-viewer-{unique}", slots=1)
    assert caught.value.status == 403
