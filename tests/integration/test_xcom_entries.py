"""client.xcom_entries against the real server."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from airflow_client_async import AsyncClient, BadRequestError, NotFoundError
from airflow_client_async.models import XCom, XComCollectionItem

from ._server import ServerInfo

XCOM = "client_test_xcom"
MAPPED = "client_test_mapped"


@pytest.fixture(scope="module")
def runs(server: ServerInfo) -> Iterator[dict[str, str]]:
    """One finished run each of the XCom DAG and the mapped DAG, deleted afterwards."""
    suffix = uuid.uuid4().hex[:8]
    ids = {XCOM: f"client-test-xcom-{suffix}", MAPPED: f"client-test-xcom-{suffix}"}

    async def with_client(start: bool) -> None:
        async with AsyncClient(server.base_url, auth=server.admin.as_tuple()) as api:
            for dag_id, run_id in ids.items():
                if start:
                    await api.dags.unpause(dag_id)
                    await api.dag_runs.trigger(dag_id, dag_run_id=run_id)
                else:
                    await api.dag_runs.delete(dag_id, run_id)
            if start:
                for dag_id, run_id in ids.items():
                    assert (
                        str((await api.dag_runs.wait(dag_id, run_id, timeout=120)).state)
                        == "success"
                    )

    # A loop of its own, in its own thread, so the tests' loops never see this client.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, with_client(True)).result()
    yield ids
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, with_client(False)).result()


async def test_list_entries_of_a_task(client: AsyncClient, runs: dict[str, str]) -> None:
    page = await client.xcom_entries.list(XCOM, runs[XCOM], "push")
    assert page.total_entries == 2
    assert [e.key for e in page.items] == ["answer", "return_value"]
    entry = page.items[0]
    assert isinstance(entry, XComCollectionItem)
    assert (entry.dag_id, entry.task_id, entry.map_index) == (XCOM, "push", -1)
    assert entry.timestamp is not None and entry.timestamp.tzinfo is not None
    # Lists never carry the value, not even as an unknown field.
    assert "value" not in entry.extra_fields
    keyed = await client.xcom_entries.list(XCOM, runs[XCOM], "push", xcom_key="answer")
    assert [e.key for e in keyed.items] == ["answer"]


async def test_list_everywhere_in_pages(client: AsyncClient, runs: dict[str, str]) -> None:
    mine = [
        (e.dag_id, e.task_id, e.map_index, e.key)
        async for e in client.xcom_entries.list(MAPPED, runs[MAPPED], limit=2)
    ]
    assert mine == [
        (MAPPED, "double", 0, "return_value"),
        (MAPPED, "double", 1, "return_value"),
        (MAPPED, "double", 2, "return_value"),
        (MAPPED, "total", -1, "return_value"),
    ]
    first = await client.xcom_entries.list(limit=100)
    assert len(first.items) == 10  # the server's maximum_page_limit
    every = [e async for e in client.xcom_entries.list(xcom_key="answer", limit=100)]
    assert all(e.key == "answer" for e in every)
    assert any(e.dag_id == XCOM for e in every)
    one_index = await client.xcom_entries.list(MAPPED, runs[MAPPED], "double", map_index=1)
    assert [(e.map_index, e.key) for e in one_index.items] == [(1, "return_value")]


async def test_get_value_as_string_and_as_json(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    as_text = await client.xcom_entries.get(XCOM, run_id, "push", "return_value")
    assert isinstance(as_text, XCom)
    assert as_text.value == "{'numbers': [1, 2, 3], 'text': 'client-test'}"
    as_json = await client.xcom_entries.get(XCOM, run_id, "push", "return_value", stringify=False)
    assert as_json.value == {"numbers": [1, 2, 3], "text": "client-test"}
    answer = await client.xcom_entries.get(XCOM, run_id, "push", "answer", stringify=False)
    assert answer.value == 42
    assert (await client.xcom_entries.get(XCOM, run_id, "push", "answer")).value == "42"
    assert answer.key == "answer" and answer.map_index == -1


async def test_get_mapped_value(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[MAPPED]
    doubled = [
        (
            await client.xcom_entries.get(
                MAPPED, run_id, "double", "return_value", map_index=i, stringify=False
            )
        ).value
        for i in range(3)
    ]
    assert doubled == [2, 4, 6]
    total = await client.xcom_entries.get(MAPPED, run_id, "total", "return_value", stringify=False)
    assert total.value == 12
    with pytest.raises(NotFoundError):
        # A mapped task's entries need their map index (the default is -1).
        await client.xcom_entries.get(MAPPED, run_id, "double", "return_value")


async def test_missing_entry_and_disabled_deserialize(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    with pytest.raises(NotFoundError, match="XCom entry not found"):
        await client.xcom_entries.get(XCOM, runs[XCOM], "push", "no-such-key")
    with pytest.raises(BadRequestError, match="deserialization is disabled"):
        await client.xcom_entries.get(XCOM, runs[XCOM], "push", "answer", deserialize=True)


async def test_keys_with_odd_characters_stay_in_their_segment(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    with pytest.raises(NotFoundError, match="XCom entry not found"):
        await client.xcom_entries.get(XCOM, runs[XCOM], "push", "a/b?c#d")
