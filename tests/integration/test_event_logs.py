"""client.event_logs against the real server (Airflow 2.x or 3.x).

Where the two servers answer differently, the expectation for each is written out under
``if major == 2`` / ``else``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_client_async import (
    APIStatusError,
    AsyncClient,
    BadRequestError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async.models import EventLog

from ._runs import airflow_major, airflow_minor, pause


async def test_pages_past_the_cap_and_gets_one_by_id(client: AsyncClient) -> None:
    first = await client.event_logs.list(limit=100)
    assert first.total_entries is not None and first.total_entries > 20
    assert len(first.items) <= 100
    if await airflow_major(client) == 2:
        # The test server's maximum_page_limit is 10.
        assert len(first.items) == min(first.total_entries, 10)
    seen: list[EventLog] = []
    async for entry in client.event_logs.list(limit=100):
        seen.append(entry)
        if len(seen) == 25:
            break
    ids = [e.event_log_id for e in seen]
    assert len(set(ids)) == 25 and ids == sorted(i or 0 for i in ids)

    wanted = seen[-1]
    assert wanted.event_log_id is not None
    got = await client.event_logs.get(wanted.event_log_id)
    assert got == wanted
    assert got.when is not None and got.when.tzinfo is not None


async def test_newest_first_and_filters(client: AsyncClient) -> None:
    # Our own request leaves an entry behind: pause a DAG we own.
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    await pause(client, "client_test_fast")
    page = await client.event_logs.list(
        order_by="-event_log_id", dag_id="client_test_fast", owner="admin", after=since
    )
    assert page.items, "the pause left no event"
    events = {e.event for e in page.items}
    # Airflow 2 names API events after the operation with an "api." prefix; Airflow 3
    # after the endpoint's function.
    assert ("api.patch_dag" if await airflow_major(client) == 2 else "patch_dag") in events
    assert all(e.dag_id == "client_test_fast" and e.owner == "admin" for e in page.items)
    assert all(e.when is not None and e.when >= since for e in page.items)


async def test_included_and_excluded_events(client: AsyncClient) -> None:
    # Two event names the server has logged, whatever it is: Airflow 2 reads these lists
    # comma-joined, Airflow 3 as repeated keys, and both must select the same entries.
    names: list[str] = []
    async for entry in client.event_logs.list(limit=100):
        if entry.event and entry.event not in names:
            names.append(entry.event)
        if len(names) == 2:
            break
    assert len(names) == 2
    both = await client.event_logs.list(included_events=names).to_list()
    assert both and {e.event for e in both} == set(names)
    rest = await client.event_logs.list(excluded_events=names, limit=10)
    assert rest.items and not {e.event for e in rest.items} & set(names)


async def test_airflow_3_patterns(client: AsyncClient) -> None:
    if await airflow_major(client) == 2:
        with pytest.raises(UnsupportedByServerError, match="event_prefix_pattern"):
            await client.event_logs.list(event_prefix_pattern="patch")
        return
    await pause(client, "client_test_fast")
    minor = await airflow_minor(client)
    if minor >= (3, 3):
        page = await client.event_logs.list(
            event_prefix_pattern="patch_", dag_id_pattern="test_fast", order_by=["-dttm", "id"]
        )
        assert page.items
        assert all(e.event and e.event.startswith("patch_") for e in page.items)
        assert all(e.dag_id and "test_fast" in e.dag_id for e in page.items)
        return
    with pytest.raises(UnsupportedByServerError, match="event_prefix_pattern") as caught:
        await client.event_logs.list(event_prefix_pattern="patch_")
    assert caught.value.since == (3, 3)
    if minor >= (3, 1):
        # The substring patterns came first.
        page = await client.event_logs.list(
            event_pattern="patch_", dag_id_pattern="test_fast", order_by=["-dttm", "id"]
        )
        assert page.items
        assert all(e.event and "patch_" in e.event for e in page.items)
        assert all(e.dag_id and "test_fast" in e.dag_id for e in page.items)
        return
    with pytest.raises(UnsupportedByServerError, match="dag_id_pattern") as caught:
        await client.event_logs.list(dag_id_pattern="test_fast")
    assert caught.value.since == (3, 1)
    # Airflow 3.0 filters on exact values only; the pause above is among them.
    page = await client.event_logs.list(dag_id="client_test_fast", order_by=["-dttm", "id"])
    assert page.items and all(e.dag_id == "client_test_fast" for e in page.items)
    assert any(e.event and e.event.startswith("patch_") for e in page.items)


async def test_before_takes_an_offset(client: AsyncClient) -> None:
    far_east = timezone(timedelta(hours=14))
    page = await client.event_logs.list(before=datetime(2000, 1, 1, tzinfo=far_east))
    assert page.items == [] and page.total_entries == 0


async def test_missing_entry_and_naive_string(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError, match="not found"):
        await client.event_logs.get(2_000_000_000)
    # A naive datetime object is refused before anything is sent; a string goes as it is.
    if await airflow_major(client) == 2:
        with pytest.raises(BadRequestError, match="date-time"):
            await client.event_logs.list(after="2026-01-01T00:00:00")
    else:
        # Airflow 3 takes the naive string into its query and fails there.
        with pytest.raises(APIStatusError) as caught:
            await client.event_logs.list(after="2026-01-01T00:00:00")
        assert caught.value.status_code == 500
