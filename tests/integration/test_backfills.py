"""client.backfills against the real server: Airflow 3 only, refused on Airflow 2."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_client_async import (
    AsyncClient,
    NotFoundError,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async.models import Backfill, ReprocessBehavior

from ._server import ServerInfo

#: A daily example DAG of Airflow 3 (runs of a cancelled backfill are failed, not run).
DAILY = "tutorial"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)
END = datetime(2025, 1, 3, tzinfo=timezone.utc)


async def test_backfill_lifecycle(client: AsyncClient, server: ServerInfo) -> None:
    if not server.version.startswith("3."):
        with pytest.raises(UnsupportedByServerError, match=r"backfills\.create"):
            await client.backfills.create(DAILY, from_date=START, to_date=END, dry_run=True)
        with pytest.raises(UnsupportedByServerError, match=r"backfills\.list"):
            await client.backfills.list(dag_id=DAILY)
        return
    every_date = [START + timedelta(days=n) for n in range(3)]
    again = await client.backfills.create(
        DAILY,
        from_date=START,
        to_date=END,
        reprocess_behavior=ReprocessBehavior.COMPLETED,
        dry_run=True,
    )
    assert sorted(run.logical_date for run in again if run.logical_date) == every_date
    # By default a date that has a run already (an earlier backfill's) is left out.
    had_runs = {
        run.logical_date
        async for run in client.dag_runs.list(DAILY, logical_date_gte=START, logical_date_lte=END)
    }
    preview = await client.backfills.create(DAILY, from_date=START, to_date=END, dry_run=True)
    dates = sorted(run.logical_date for run in preview if run.logical_date)
    assert dates == [d for d in every_date if d not in had_runs]

    backfill = await client.backfills.create(
        DAILY,
        from_date=START,
        to_date=END,
        max_active_runs=1,
        reprocess_behavior=ReprocessBehavior.NONE,
        dag_run_conf={"from": "client-test"},
    )
    assert isinstance(backfill, Backfill)
    assert backfill.id is not None and backfill.dag_id == DAILY
    assert backfill.dag_run_conf == {"from": "client-test"}
    try:
        assert (await client.backfills.pause(backfill.id)).is_paused is True
        assert (await client.backfills.unpause(backfill.id)).is_paused is False
        listed = [b.id async for b in client.backfills.list(dag_id=DAILY)]
        assert backfill.id in listed
    finally:
        cancelled = await client.backfills.cancel(backfill.id)
    assert cancelled.completed_at is not None
    assert (await client.backfills.get(backfill.id)).completed_at is not None


async def test_backfill_errors(client: AsyncClient, server: ServerInfo) -> None:
    if not server.version.startswith("3."):
        with pytest.raises(UnsupportedByServerError):
            await client.backfills.get(1)
        return
    with pytest.raises(NotFoundError):
        await client.backfills.get(10_000_000)
    # A DAG without a schedule cannot be backfilled.
    with pytest.raises(UnprocessableEntityError):
        await client.backfills.create(
            "client_test_fast", from_date=START, to_date=END, dry_run=True
        )
