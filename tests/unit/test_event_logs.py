"""client.event_logs against a respx router."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, NotFoundError


def entry(event_log_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dag_id": None,
        "event": "cli_scheduler",
        "event_log_id": event_log_id,
        "execution_date": None,
        "extra": '{"host_name": "vm", "full_command": "[\'airflow\', \'scheduler\']"}',
        "map_index": None,
        "owner": "root",
        "run_id": None,
        "task_id": None,
        "try_number": None,
        "when": "2026-11-27T03:45:50.515567+00:00",
    }
    body.update(overrides)
    return body


async def test_list_sends_every_filter(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/eventLogs").respond(json={"event_logs": [], "total_entries": 0})
    await client.event_logs.list(
        limit=3,
        offset=4,
        order_by="-event_log_id",
        dag_id="d",
        task_id="t",
        run_id="r",
        map_index=-1,
        try_number=1,
        event="success",
        owner="airflow",
        before=datetime(2026, 11, 28, tzinfo=timezone(timedelta(hours=2))),
        after="2026-11-27T00:00:00Z",
        included_events=["cli_scheduler", "trigger"],
        excluded_events="api.get_dag",
    )
    request = route.calls.last.request
    assert list(request.url.params.multi_items()) == [
        ("limit", "3"),
        ("offset", "4"),
        ("order_by", "-event_log_id"),
        ("dag_id", "d"),
        ("task_id", "t"),
        ("run_id", "r"),
        ("map_index", "-1"),
        ("try_number", "1"),
        ("event", "success"),
        ("owner", "airflow"),
        ("before", "2026-11-28T00:00:00+02:00"),
        ("after", "2026-11-27T00:00:00Z"),
        ("included_events", "cli_scheduler,trigger"),
        ("excluded_events", "api.get_dag"),
    ]
    # The offset's "+" must reach the server encoded.
    assert b"before=2026-11-28T00%3A00%3A00%2B02%3A00" in request.url.raw_path


async def test_list_refuses_naive_dates_and_empty_event_lists(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="naive"):
        await client.event_logs.list(before=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="included_events"):
        client.event_logs.list(included_events=[])


async def test_list_iterates_past_the_cap(client: AsyncClient, router: respx.MockRouter) -> None:
    entries = [entry(n) for n in range(1, 26)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"event_logs": entries[offset : offset + 10], "total_entries": 25}
        )

    router.get("/eventLogs").mock(side_effect=answer)
    ids = [e.event_log_id async for e in client.event_logs.list(limit=100)]
    assert ids == list(range(1, 26))


async def test_get_decodes_a_task_event(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/eventLogs/42").respond(
        json=entry(
            42,
            dag_id="client_test_fast",
            event="success",
            execution_date="2026-11-27T03:50:11.402990+00:00",
            extra=None,
            map_index=-1,
            owner="airflow",
            run_id="fixture-fast",
            task_id="say_hello",
            try_number=1,
            dag_display_name="client_test_fast",
        )
    )
    got = await client.event_logs.get(42)
    assert got.event_log_id == 42 and got.map_index == -1 and got.try_number == 1
    assert got.execution_date == datetime(2026, 11, 27, 3, 50, 11, 402990, tzinfo=timezone.utc)
    assert got.extra is None
    assert got.extra_fields == {"dag_display_name": "client_test_fast"}


async def test_get_missing(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get("/eventLogs/999").respond(
        404,
        json={"detail": None, "status": 404, "title": "Event Log not found", "type": "x"},
    )
    with pytest.raises(NotFoundError, match="Event Log not found"):
        await client.event_logs.get(999)
