"""client.event_logs against the real server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_client_async import AsyncClient, BadRequestError, NotFoundError
from airflow_client_async.models import EventLog


async def test_pages_past_the_cap_and_gets_one_by_id(client: AsyncClient) -> None:
    first = await client.event_logs.list(limit=100)
    assert len(first.items) == 10  # the server's maximum_page_limit
    assert first.total_entries is not None and first.total_entries > 20
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


async def test_newest_first_and_filters(client: AsyncClient, unique: str) -> None:
    # Our own request leaves an entry behind: pause a DAG we own.
    since = datetime.now(timezone.utc) - timedelta(seconds=5)
    await client.dags.pause("client_test_fast")
    page = await client.event_logs.list(
        order_by="-event_log_id", dag_id="client_test_fast", owner="admin", after=since
    )
    assert page.items, "the pause left no event"
    events = {e.event for e in page.items}
    assert "api.patch_dag" in events
    assert all(e.dag_id == "client_test_fast" and e.owner == "admin" for e in page.items)
    assert all(e.when is not None and e.when >= since for e in page.items)


async def test_included_and_excluded_events_are_comma_joined(client: AsyncClient) -> None:
    wanted = ["cli_scheduler", "cli_dag_reserialize"]
    both = await client.event_logs.list(included_events=wanted).to_list()
    assert {e.event for e in both} == set(wanted)
    rest = await client.event_logs.list(excluded_events=wanted, limit=10)
    assert rest.items and not {e.event for e in rest.items} & set(wanted)


async def test_before_takes_an_offset(client: AsyncClient) -> None:
    far_east = timezone(timedelta(hours=14))
    page = await client.event_logs.list(before=datetime(2000, 1, 1, tzinfo=far_east))
    assert page.items == [] and page.total_entries == 0


async def test_missing_entry_and_naive_string(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError, match="Event Log not found"):
        await client.event_logs.get(2_000_000_000)
    with pytest.raises(BadRequestError, match="date-time"):
        await client.event_logs.list(after="2026-01-01T00:00:00")
