"""client.backfills (Airflow 3 only) against a respx router."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    ConflictError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async.models import Backfill, DryRunBackfill, ReprocessBehavior

from .dag_payloads import answer_version, body_of, operation_calls

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
END = datetime(2026, 1, 3, tzinfo=timezone.utc)


def backfill(backfill_id: int = 1, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": backfill_id,
        "dag_id": "daily",
        "from_date": "2026-01-01T00:00:00Z",
        "to_date": "2026-01-03T00:00:00Z",
        "dag_run_conf": {},
        "is_paused": False,
        "reprocess_behavior": "none",
        "max_active_runs": 10,
        "created_at": "2026-12-01T12:00:00Z",
        "completed_at": None,
        "updated_at": "2026-12-01T12:00:00Z",
        "dag_display_name": "daily",
    }
    body.update(overrides)
    return body


async def test_create_sends_only_what_was_given(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    route = router_v2.post("/backfills").respond(json=backfill())
    created = await client_v2.backfills.create("daily", from_date=START, to_date=END)
    assert isinstance(created, Backfill)
    assert (created.id, created.dag_id, created.is_paused) == (1, "daily", False)
    assert created.reprocess_behavior is ReprocessBehavior.NONE
    assert created.from_date == START
    assert body_of(route.calls.last.request) == {
        "dag_id": "daily",
        "from_date": "2026-01-01T00:00:00+00:00",
        "to_date": "2026-01-03T00:00:00+00:00",
    }
    await client_v2.backfills.create(
        "daily",
        from_date=START,
        to_date=END,
        run_backwards=True,
        dag_run_conf={"x": 1},
        reprocess_behavior=ReprocessBehavior.FAILED,
        max_active_runs=2,
        run_on_latest_version=None,
    )
    assert body_of(route.calls.last.request) == {
        "dag_id": "daily",
        "from_date": "2026-01-01T00:00:00+00:00",
        "to_date": "2026-01-03T00:00:00+00:00",
        "run_backwards": True,
        "dag_run_conf": {"x": 1},
        "reprocess_behavior": "failed",
        "max_active_runs": 2,
        "run_on_latest_version": None,
    }


async def test_dry_run_lists_the_runs_it_would_create(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    real = router_v2.post("/backfills").respond(json=backfill())
    route = router_v2.post("/backfills/dry_run").respond(
        json={
            "backfills": [
                {"logical_date": "2026-01-01T00:00:00Z", "partition_key": None},
                {"logical_date": "2026-01-02T00:00:00Z", "partition_key": None},
            ],
            "total_entries": 2,
        }
    )
    runs = await client_v2.backfills.create("daily", from_date=START, to_date=END, dry_run=True)
    assert all(isinstance(r, DryRunBackfill) for r in runs)
    assert [r.logical_date for r in runs] == [START, datetime(2026, 1, 2, tzinfo=timezone.utc)]
    # The dry run is its own operation: dry_run is not a body field.
    assert "dry_run" not in body_of(route.calls.last.request)
    assert not real.called


async def test_a_running_backfill_is_a_conflict(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.post("/backfills").respond(
        409, json={"detail": "There is already a running backfill for dag daily"}
    )
    with pytest.raises(ConflictError, match="already a running backfill"):
        await client_v2.backfills.create("daily", from_date=START, to_date=END)
    router_v2.post("/backfills/dry_run").respond(422, json={"detail": "No runs to create"})
    with pytest.raises(UnprocessableEntityError):
        await client_v2.backfills.create("daily", from_date=END, to_date=START, dry_run=True)


async def test_naive_dates_are_refused_before_io(
    client_v2: AsyncClient, router_v2: respx.MockRouter
) -> None:
    router_v2.route().respond(200)
    with pytest.raises(ValueError, match="naive"):
        await client_v2.backfills.create("daily", from_date=datetime(2026, 1, 1), to_date=END)
    assert operation_calls(router_v2) == []


async def test_list_needs_a_dag(client_v2: AsyncClient, router_v2: respx.MockRouter) -> None:
    route = router_v2.get("/backfills").respond(
        json={"backfills": [backfill(1), backfill(2)], "total_entries": 2}
    )
    got = [b.id async for b in client_v2.backfills.list(dag_id="daily", order_by="-id")]
    assert got == [1, 2]
    params = route.calls.last.request.url.params
    assert params["dag_id"] == "daily"
    assert params.get_list("order_by") == ["-id"]


@pytest.mark.parametrize("action", ["pause", "unpause", "cancel"])
async def test_get_and_the_actions(
    client_v2: AsyncClient, router_v2: respx.MockRouter, action: str
) -> None:
    router_v2.get("/backfills/7").respond(json=backfill(7))
    assert (await client_v2.backfills.get(7)).id == 7
    route = router_v2.put(f"/backfills/7/{action}").respond(
        json=backfill(7, is_paused=action != "unpause")
    )
    changed = await getattr(client_v2.backfills, action)(7)
    assert isinstance(changed, Backfill) and changed.is_paused is (action != "unpause")
    assert route.calls.last.request.content == b""
    route.respond(409, json={"detail": "Backfill is already completed."})
    with pytest.raises(ConflictError, match="already completed"):
        await getattr(client_v2.backfills, action)(7)


async def test_refused_on_v1(client: AsyncClient, router: respx.MockRouter) -> None:
    answer_version(router)
    router.route().respond(200, json={})
    with pytest.raises(UnsupportedByServerError, match=r"backfills\.create"):
        await client.backfills.create("daily", from_date=START, to_date=END)
    with pytest.raises(UnsupportedByServerError, match=r"backfills\.create"):
        await client.backfills.create("daily", from_date=START, to_date=END, dry_run=True)
    for action in ("get", "pause", "unpause", "cancel"):
        with pytest.raises(UnsupportedByServerError, match=rf"backfills\.{action}"):
            await getattr(client.backfills, action)(1)
    with pytest.raises(UnsupportedByServerError, match=r"backfills\.list"):
        await client.backfills.list(dag_id="daily")
    assert operation_calls(router) == []
