"""client.dag_runs against the real server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import anyio
import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
)
from airflow_client_async.models import DAGRun, DagState, TaskInstanceCollection

FAST = "client_test_fast"
PAUSED = "example_bash_operator"  # paused at creation: its triggered runs stay queued


async def test_trigger_a_fast_dag_and_wait_for_it(client: AsyncClient, unique: str) -> None:
    await client.dags.unpause(FAST)
    run_id = f"client-test-{unique}"
    run = await client.dag_runs.trigger(FAST, dag_run_id=run_id, conf={"greeting": "hi"}, note="n1")
    assert isinstance(run, DAGRun)
    assert run.dag_run_id == run_id
    assert run.conf == {"greeting": "hi"}
    assert run.note == "n1"
    assert run.state in (DagState.QUEUED, DagState.RUNNING)
    done = await client.dag_runs.wait(FAST, run_id, timeout=120)
    assert done.state is DagState.SUCCESS
    assert done.end_date is not None and done.start_date is not None
    assert done.end_date >= done.start_date


async def test_duplicate_run_id_is_a_conflict(client: AsyncClient, unique: str) -> None:
    run_id = f"client-test-dup-{unique}"
    await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
    try:
        with pytest.raises(ConflictError) as caught:
            await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
        assert run_id in str(caught.value)
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_run_lifecycle_on_a_paused_dag(client: AsyncClient, unique: str) -> None:
    logical = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    run_id = f"client-test-life-{unique}"
    run = await client.dag_runs.trigger(PAUSED, dag_run_id=run_id, logical_date=logical)
    assert run.logical_date == logical
    assert run.state is DagState.QUEUED

    got = await client.dag_runs.get(PAUSED, run_id)
    assert got.dag_run_id == run_id and got.external_trigger is True

    noted = await client.dag_runs.set_note(PAUSED, run_id, "a note ✓")
    assert noted.note == "a note ✓"

    failed = await client.dag_runs.update_state(PAUSED, run_id, state=DagState.FAILED)
    assert failed.state is DagState.FAILED

    dry = await client.dag_runs.clear(PAUSED, run_id)
    assert isinstance(dry, TaskInstanceCollection)
    assert dry.task_instances
    cleared = await client.dag_runs.clear(PAUSED, run_id, dry_run=False)
    assert isinstance(cleared, DAGRun)
    assert cleared.state is DagState.QUEUED

    listed = [r.dag_run_id async for r in client.dag_runs.list(PAUSED, limit=3)]
    assert run_id in listed
    batch = [
        r.dag_run_id
        async for r in client.dag_runs.list_batch(dag_ids=[PAUSED], states=["queued"], limit=2)
    ]
    assert run_id in batch

    await client.dag_runs.delete(PAUSED, run_id)
    with pytest.raises(NotFoundError):
        await client.dag_runs.get(PAUSED, run_id)


async def test_list_filters_by_timezone_aware_dates(client: AsyncClient, unique: str) -> None:
    run_id = f"client-test-dates-{unique}"
    logical = datetime(2031, 6, 1, 12, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    await client.dag_runs.trigger(PAUSED, dag_run_id=run_id, logical_date=logical)
    try:
        around = [
            r.dag_run_id
            async for r in client.dag_runs.list(
                PAUSED,
                execution_date_gte=logical - timedelta(seconds=1),
                execution_date_lte=logical + timedelta(seconds=1),
            )
        ]
        assert around == [run_id]
        across_all = [
            r.dag_run_id
            async for r in client.dag_runs.list(
                execution_date_gte=logical, execution_date_lte=logical
            )
        ]
        assert run_id in across_all
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_naive_date_string_is_a_bad_request(client: AsyncClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        await client.dag_runs.list(PAUSED, execution_date_gte="2024-01-01T00:00:00")
    assert caught.value.status == 400
    # The server's schema check refuses a date-time without an offset.
    assert "is not a 'date-time'" in (caught.value.detail or "")


@pytest.mark.parametrize(
    "template",
    # Airflow accepts run ids matching ^[A-Za-z0-9_.~:+-]+$ (or its own built-in pattern).
    ["manual__2032-01-01T00:00:00+00:00", "client.test~{unique}:a+b", "..{unique}"],
)
async def test_run_ids_with_reserved_characters(
    client: AsyncClient, unique: str, template: str
) -> None:
    run_id = template.format(unique=unique)
    created = await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
    try:
        assert created.dag_run_id == run_id
        assert (await client.dag_runs.get(PAUSED, run_id)).dag_run_id == run_id
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_a_run_id_the_server_cannot_take_is_a_500_html_page(
    client: AsyncClient, unique: str
) -> None:
    # Airflow 2.11.2 raises AirflowException for a run id outside its pattern, which its API
    # turns into a 500 with the webserver's HTML error page instead of a 400 problem.
    with pytest.raises(InternalServerError) as caught:
        await client.dag_runs.trigger(PAUSED, dag_run_id=f"with space {unique}/?#%")
    assert caught.value.status == 500
    assert isinstance(caught.value.body, str) and "<html" in caught.value.body.lower()


async def test_dataset_triggered_run_has_upstream_events(client: AsyncClient, unique: str) -> None:
    producer, consumer = "client_test_dataset_producer", "client_test_dataset_consumer"
    await client.dags.unpause(consumer)
    await client.dags.unpause(producer)
    run_id = f"client-test-produce-{unique}"
    await client.dag_runs.trigger(producer, dag_run_id=run_id)
    assert (await client.dag_runs.wait(producer, run_id, timeout=120)).state is DagState.SUCCESS
    for _ in range(60):
        runs = [
            r async for r in client.dag_runs.list(consumer, order_by="-execution_date", limit=5)
        ]
        triggered = [r for r in runs if str(r.run_type) == "dataset_triggered"]
        if triggered:
            events = await client.dag_runs.list_upstream_dataset_events(
                consumer, triggered[0].dag_run_id or ""
            )
            if any(e.source_run_id == run_id for e in events):
                break
        await anyio.sleep(1)
    else:
        raise AssertionError("the consumer run never showed the producer's dataset event")
    event = next(e for e in events if e.source_run_id == run_id)
    assert event.dataset_uri == "s3://client-test/dataset"
    assert event.source_dag_id == producer
    # The spec correction basic_dag_run_id: created runs carry dag_run_id, not run_id.
    created = [r.dag_run_id for r in event.created_dagruns or [] if r is not None]
    assert triggered[0].dag_run_id in created
