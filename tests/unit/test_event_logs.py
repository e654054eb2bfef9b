"""client.event_logs against a respx router."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import AsyncClient, NotFoundError, UnsupportedByServerError

from .conftest import Versioned


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


async def test_event_lists_are_comma_joined_on_airflow_2_only(versions: Versioned) -> None:
    route = versions.router.get("/eventLogs").respond(json={"event_logs": [], "total_entries": 0})
    await versions.client.event_logs.list(
        included_events=["cli_scheduler", "trigger"], excluded_events=("a", "b")
    )
    params = route.calls.last.request.url.params
    if versions.api_version == "v1":
        assert params.get_list("included_events") == ["cli_scheduler,trigger"]
        assert params.get_list("excluded_events") == ["a,b"]
    else:
        assert params.get_list("included_events") == ["cli_scheduler", "trigger"]
        assert params.get_list("excluded_events") == ["a", "b"]


async def test_list_sends_airflow_3_patterns_and_sorts(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.get("/eventLogs").respond(json={"event_logs": [], "total_entries": 0})
    await client_v2.event_logs.list(
        order_by=["-dttm", "event"],
        dag_id_pattern="client",
        event_prefix_pattern="api.",
        owner_pattern="adm",
        run_id_prefix_pattern="manual__",
    )
    params = route.calls.last.request.url.params
    assert params.get_list("order_by") == ["-dttm", "event"]
    assert params["dag_id_pattern"] == "client"
    assert params["event_prefix_pattern"] == "api."
    assert params["owner_pattern"] == "adm"
    assert params["run_id_prefix_pattern"] == "manual__"


async def test_list_refuses_airflow_3_patterns_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/version").respond(json={"version": "2.11.2", "git_version": "x"})
    route = router.get("/eventLogs").respond(json={"event_logs": [], "total_entries": 0})
    with pytest.raises(UnsupportedByServerError, match="event_pattern"):
        await client.event_logs.list(event_pattern="api")
    with pytest.raises(UnsupportedByServerError, match="order_by"):
        await client.event_logs.list(order_by=["-dttm", "event"])
    assert not route.called


async def test_list_refuses_naive_dates_and_empty_event_lists(versions: Versioned) -> None:
    route = versions.router.get("/eventLogs").respond(json={"event_logs": []})
    with pytest.raises(ValueError, match="naive"):
        await versions.client.event_logs.list(before=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="included_events"):
        versions.client.event_logs.list(included_events=[])
    assert not route.called


async def test_an_event_name_with_a_comma_is_refused_on_airflow_2(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/eventLogs").respond(json={"event_logs": []})
    # Airflow 2 would read it as two names.
    with pytest.raises(ValueError, match="comma"):
        await client.event_logs.list(excluded_events="a,b")
    assert not route.called


async def test_list_iterates_past_the_cap(versions: Versioned) -> None:
    entries = [entry(n) for n in range(1, 26)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"event_logs": entries[offset : offset + 10], "total_entries": 25}
        )

    versions.router.get("/eventLogs").mock(side_effect=answer)
    ids = [e.event_log_id async for e in versions.client.event_logs.list(limit=100)]
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
    assert got.dag_display_name == "client_test_fast"
    assert got.extra_fields == {}


async def test_get_missing(versions: Versioned) -> None:
    if versions.api_version == "v1":
        body = {"detail": None, "status": 404, "title": "Event Log not found", "type": "x"}
    else:
        body = {"detail": "The Event Log with id: `999` not found"}
    versions.router.get("/eventLogs/999").respond(404, json=body)
    with pytest.raises(NotFoundError, match="not found"):
        await versions.client.event_logs.get(999)
