"""client.xcom_entries against the real server (Airflow 2.x or 3.x).

Where the two servers answer differently, the expectation for each is written out under
``if major == 2`` / ``else``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    MethodNotAllowedError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async.models import XCom

from ._runs import airflow_major, airflow_minor, delete_runs, start_runs
from ._server import ServerInfo

XCOM = "client_test_xcom"
MAPPED = "client_test_mapped"
RETURNED = {"numbers": [1, 2, 3], "text": "client-test"}


@pytest.fixture(scope="module")
def runs(server: ServerInfo) -> Iterator[dict[str, str]]:
    """One finished run each of the XCom DAG and the mapped DAG, deleted afterwards."""
    ids = start_runs(server, "client-test-xcom", [XCOM, MAPPED])
    yield ids
    delete_runs(server, ids)


async def test_list_entries_of_a_task(client: AsyncClient, runs: dict[str, str]) -> None:
    page = await client.xcom_entries.list(XCOM, runs[XCOM], "push")
    assert page.total_entries == 2
    assert [e.key for e in page.items] == ["answer", "return_value"]
    entry = page.items[0]
    assert isinstance(entry, XCom)
    assert (entry.dag_id, entry.task_id, entry.map_index) == (XCOM, "push", -1)
    assert entry.timestamp is not None and entry.timestamp.tzinfo is not None
    # Lists never carry the value, not even as an unknown field.
    assert "value" not in entry.extra_fields
    keyed = await client.xcom_entries.list(XCOM, runs[XCOM], "push", xcom_key="answer")
    assert [e.key for e in keyed.items] == ["answer"]


async def test_list_everywhere_in_pages(
    client: AsyncClient, server: ServerInfo, runs: dict[str, str]
) -> None:
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
    assert first.total_entries is not None and len(first.items) <= 100
    if await airflow_major(client) == 2:
        # The test server's maximum_page_limit is 10.
        assert len(first.items) == min(first.total_entries, 10)
    every = [e async for e in client.xcom_entries.list(xcom_key="answer", limit=100)]
    assert all(e.key == "answer" for e in every)
    assert any(e.dag_id == XCOM for e in every)
    one_index = await client.xcom_entries.list(MAPPED, runs[MAPPED], "double", map_index=1)
    assert [(e.map_index, e.key) for e in one_index.items] == [(1, "return_value")]


async def test_airflow_3_filters(client: AsyncClient, runs: dict[str, str]) -> None:
    if await airflow_major(client) == 2:
        with pytest.raises(UnsupportedByServerError, match="xcom_key_prefix_pattern"):
            await client.xcom_entries.list(xcom_key_prefix_pattern="ans")
        return
    minor = await airflow_minor(client)
    if minor >= (3, 3):
        page = await client.xcom_entries.list(
            "~", runs[XCOM], xcom_key_prefix_pattern="ans", order_by="-timestamp"
        )
        assert {(e.dag_id, e.key) for e in page.items} == {(XCOM, "answer")}
        return
    # The prefix patterns and order_by came in 3.3, the substring patterns in 3.1.
    with pytest.raises(UnsupportedByServerError, match="xcom_key_prefix_pattern") as caught:
        await client.xcom_entries.list("~", runs[XCOM], xcom_key_prefix_pattern="ans")
    assert caught.value.since == (3, 3)
    with pytest.raises(UnsupportedByServerError, match="order_by") as caught:
        await client.xcom_entries.list("~", runs[XCOM], order_by="-timestamp")
    assert caught.value.since == (3, 3)
    if minor >= (3, 1):
        page = await client.xcom_entries.list("~", runs[XCOM], xcom_key_pattern="nswe")
    else:
        with pytest.raises(UnsupportedByServerError, match="xcom_key_pattern") as caught:
            await client.xcom_entries.list("~", runs[XCOM], xcom_key_pattern="nswe")
        assert caught.value.since == (3, 1)
        # Airflow 3.0 matches the exact key, across DAGs with "~".
        page = await client.xcom_entries.list("~", runs[XCOM], xcom_key="answer")
    assert {(e.dag_id, e.key) for e in page.items} == {(XCOM, "answer")}


async def test_get_value_as_json_and_as_a_string(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    # JSON by default on both, although Airflow 2's own default is a string.
    as_json = await client.xcom_entries.get(XCOM, run_id, "push", "return_value")
    assert isinstance(as_json, XCom)
    assert as_json.value == RETURNED
    as_text = await client.xcom_entries.get(XCOM, run_id, "push", "return_value", stringify=True)
    # The repr of what was pushed; Airflow 3 rebuilds the dict from JSON, keys in any order.
    assert isinstance(as_text.value, str)
    assert ast.literal_eval(as_text.value) == RETURNED
    answer = await client.xcom_entries.get(XCOM, run_id, "push", "answer")
    assert answer.value == 42
    assert (
        await client.xcom_entries.get(XCOM, run_id, "push", "answer", stringify=True)
    ).value == "42"
    assert answer.key == "answer" and answer.map_index == -1


async def test_get_mapped_value(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[MAPPED]
    doubled = [
        (await client.xcom_entries.get(MAPPED, run_id, "double", "return_value", map_index=i)).value
        for i in range(3)
    ]
    assert doubled == [2, 4, 6]
    total = await client.xcom_entries.get(MAPPED, run_id, "total", "return_value")
    assert total.value == 12
    with pytest.raises(NotFoundError):
        # A mapped task's entries need their map index (the default is -1).
        await client.xcom_entries.get(MAPPED, run_id, "double", "return_value")


async def test_missing_entry_and_deserialize(client: AsyncClient, runs: dict[str, str]) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        await client.xcom_entries.get(XCOM, runs[XCOM], "push", "no-such-key")
    if await airflow_minor(client) < (3, 1):
        # Airflow 2 and 3.0 refuse unless [api] enable_xcom_deserialize_support is on.
        with pytest.raises(BadRequestError, match="deserialization is disabled"):
            await client.xcom_entries.get(XCOM, runs[XCOM], "push", "answer", deserialize=True)
    else:
        got = await client.xcom_entries.get(XCOM, runs[XCOM], "push", "answer", deserialize=True)
        assert got.value in (42, "42")


async def test_keys_with_odd_characters_stay_in_their_segment(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        await client.xcom_entries.get(XCOM, runs[XCOM], "push", "a/b?c#d")


async def test_create_update_and_delete(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    key = "client/test ✓"
    if await airflow_major(client) == 2:
        for call in (
            client.xcom_entries.create(XCOM, run_id, "push", key, value=1),
            client.xcom_entries.update(XCOM, run_id, "push", key, value=1),
            client.xcom_entries.delete(XCOM, run_id, "push", key),
        ):
            with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
                await call
        return
    created = await client.xcom_entries.create(XCOM, run_id, "push", key, value={"n": [1, None]})
    if await airflow_minor(client) < (3, 1):
        # Airflow 3.0 keeps a value written through the API as its JSON text, and answers
        # with that text; an update encodes it twice (measured on 3.0.6).
        assert (created.key, created.value) == (key, '{"n": [1, null]}')
        with pytest.raises(ConflictError, match="already exists"):
            await client.xcom_entries.create(XCOM, run_id, "push", key, value=2)
        # Its update and get routes are /{xcom_key}, which a key with "/" does not fit.
        with pytest.raises(MethodNotAllowedError):
            await client.xcom_entries.update(XCOM, run_id, "push", key, value="two")
        plain = "client-test-plain"
        await client.xcom_entries.create(XCOM, run_id, "push", plain, value=1)
        updated = await client.xcom_entries.update(XCOM, run_id, "push", plain, value="two")
        assert updated.value == '"\\"two\\""'
        got = await client.xcom_entries.get(XCOM, run_id, "push", plain)
        assert got.value == updated.value
        with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.2"):
            await client.xcom_entries.delete(XCOM, run_id, "push", key)
        return
    assert (created.key, created.value) == (key, {"n": [1, None]})
    with pytest.raises(ConflictError, match="already exists"):
        await client.xcom_entries.create(XCOM, run_id, "push", key, value=2)
    updated = await client.xcom_entries.update(XCOM, run_id, "push", key, value="two")
    assert updated.value == "two"
    assert (await client.xcom_entries.get(XCOM, run_id, "push", key)).value == "two"
    if await airflow_minor(client) < (3, 2):
        with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.2"):
            await client.xcom_entries.delete(XCOM, run_id, "push", key)
        return
    await client.xcom_entries.delete(XCOM, run_id, "push", key)
    with pytest.raises(NotFoundError):
        await client.xcom_entries.get(XCOM, run_id, "push", key)
