"""client.task_state_store against the real server: Airflow 3.3+ answers, others refuse."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone

import pytest

from airflow_client_async import AsyncClient, NotFoundError, UnsupportedByServerError

from ._runs import airflow_minor, delete_run, trigger, unpause, wait

XCOM = "client_test_xcom"
MAPPED = "client_test_mapped"


@pytest.fixture
async def runs(client: AsyncClient, unique: str) -> AsyncIterator[dict[str, str]]:
    """On Airflow 3.3+, one finished run each of the XCom and mapped DAGs (else skip)."""
    if await airflow_minor(client) < (3, 3):
        pytest.skip("the task state store needs Airflow 3.3")
    ids = {XCOM: f"client-test-state-{unique}", MAPPED: f"client-test-state-{unique}"}
    for dag_id, run_id in ids.items():
        await unpause(client, dag_id)
        await trigger(client, dag_id, run_id)
    try:
        for dag_id, run_id in ids.items():
            assert await wait(client, dag_id, run_id) == "success"
        yield ids
    finally:
        for dag_id, run_id in ids.items():
            await delete_run(client, dag_id, run_id)


async def test_refused_before_airflow_3_3(client: AsyncClient) -> None:
    if await airflow_minor(client) >= (3, 3):
        pytest.skip("this server has a task state store")
    with pytest.raises(UnsupportedByServerError):
        await client.task_state_store.list("d", "r", "t")
    with pytest.raises(UnsupportedByServerError):
        await client.task_state_store.set("d", "r", "t", "k", value=1)


async def test_keys_of_a_task_instance(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    await client.task_state_store.set(
        XCOM, run_id, "push", "cursor/a", value={"offset": 3, "done": [1, 2]}
    )
    later = datetime.now(timezone.utc) + timedelta(days=1)
    await client.task_state_store.set(XCOM, run_id, "push", "b", value="two", expires_at=later)
    await client.task_state_store.set(XCOM, run_id, "push", "c", value=[1], expires_at=None)

    entries = await client.task_state_store.list(XCOM, run_id, "push", limit=2).to_list()
    assert [(e.key, e.value) for e in entries] == [
        ("b", "two"),
        ("c", [1]),
        ("cursor/a", {"offset": 3, "done": [1, 2]}),
    ]
    b = await client.task_state_store.get(XCOM, run_id, "push", "b")
    assert b.expires_at is not None and abs((b.expires_at - later).total_seconds()) < 1
    assert (await client.task_state_store.get(XCOM, run_id, "push", "c")).expires_at is None

    await client.task_state_store.update(XCOM, run_id, "push", "b", value={"now": "three"})
    updated = await client.task_state_store.get(XCOM, run_id, "push", "b")
    assert updated.value == {"now": "three"}
    assert updated.expires_at == b.expires_at  # an update keeps when it expires

    await client.task_state_store.delete(XCOM, run_id, "push", "b")
    with pytest.raises(NotFoundError):
        await client.task_state_store.get(XCOM, run_id, "push", "b")
    with pytest.raises(NotFoundError):
        await client.task_state_store.update(XCOM, run_id, "push", "b", value=1)
    await client.task_state_store.clear(XCOM, run_id, "push")
    assert await client.task_state_store.list(XCOM, run_id, "push").to_list() == []
    with pytest.raises(NotFoundError):
        await client.task_state_store.set(XCOM, run_id, "no_such_task", "k", value=1)


async def test_keys_of_map_indexes(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[MAPPED]
    for index in range(3):
        await client.task_state_store.set(
            MAPPED, run_id, "double", "seen", value=index, map_index=index
        )
    assert (
        await client.task_state_store.get(MAPPED, run_id, "double", "seen", map_index=2)
    ).value == 2
    one = await client.task_state_store.list(MAPPED, run_id, "double", map_index=1).to_list()
    assert [(e.key, e.value) for e in one] == [("seen", 1)]
    await client.task_state_store.clear(MAPPED, run_id, "double", map_index=0)
    assert await client.task_state_store.list(MAPPED, run_id, "double", map_index=0).to_list() == []
    assert (
        len(await client.task_state_store.list(MAPPED, run_id, "double", map_index=2).to_list())
        == 1
    )
    await client.task_state_store.clear(MAPPED, run_id, "double", all_map_indices=True)
    for index in range(3):
        assert (
            await client.task_state_store.list(MAPPED, run_id, "double", map_index=index).to_list()
            == []
        )
