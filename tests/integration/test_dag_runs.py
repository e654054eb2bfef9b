"""client.dag_runs against the real server (Airflow 2.x or 3.x)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import anyio
import pytest

from airflow_client_async import (
    APIStatusError,
    AsyncClient,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async._routes import parse_release
from airflow_client_async.models import AssetEvent, DAGRun, DagRunState, TaskInstance

from ._server import ServerInfo

FAST = "client_test_fast"
PAUSED = "example_bash_operator"  # paused at creation: its triggered runs stay queued


def airflow_3(server: ServerInfo) -> bool:
    return server.version.startswith("3.")


def minor(server: ServerInfo) -> tuple[int, int]:
    """``(major, minor)`` of the server's release, e.g. ``(3, 0)``."""
    release = parse_release(server.version)
    assert release is not None, server.version
    return release[:2]


async def test_trigger_a_fast_dag_and_wait_for_it(client: AsyncClient, unique: str) -> None:
    await client.dags.unpause(FAST)
    run_id = f"client-test-{unique}"
    run = await client.dag_runs.trigger(FAST, dag_run_id=run_id, conf={"greeting": "hi"}, note="n1")
    assert isinstance(run, DAGRun)
    assert run.dag_run_id == run_id
    assert run.conf == {"greeting": "hi"}
    assert run.note == "n1"
    assert run.state in (DagRunState.QUEUED, DagRunState.RUNNING)
    done = await client.dag_runs.wait(FAST, run_id, timeout=120)
    assert done.state is DagRunState.SUCCESS
    assert done.end_date is not None and done.start_date is not None
    assert done.end_date >= done.start_date


async def test_trigger_without_a_logical_date(client: AsyncClient, server: ServerInfo) -> None:
    run = await client.dag_runs.trigger(PAUSED)
    run_id = run.dag_run_id
    assert run_id is not None
    try:
        assert run_id.startswith("manual__")
        if airflow_3(server):
            # Airflow 3 creates the run without a logical date when sent null.
            assert run.logical_date is None
        else:
            # Airflow 2 takes the time of the trigger.
            assert run.logical_date is not None
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_duplicate_run_id_is_a_conflict(
    client: AsyncClient, server: ServerInfo, unique: str
) -> None:
    run_id = f"client-test-dup-{unique}"
    await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
    try:
        with pytest.raises(ConflictError) as caught:
            await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
        if not airflow_3(server):
            # Airflow 3 answers a generic "Unique constraint violation" instead.
            assert run_id in str(caught.value)
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_run_lifecycle_on_a_paused_dag(
    client: AsyncClient, server: ServerInfo, unique: str
) -> None:
    logical = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    run_id = f"client-test-life-{unique}"
    run = await client.dag_runs.trigger(PAUSED, dag_run_id=run_id, logical_date=logical)
    assert run.logical_date == logical
    assert run.state is DagRunState.QUEUED

    got = await client.dag_runs.get(PAUSED, run_id)
    assert got.dag_run_id == run_id
    if airflow_3(server):
        assert got.triggered_by == "rest_api"
    else:
        assert got.external_trigger is True

    partial = await client.dag_runs.get(PAUSED, run_id, fields=["state"])
    assert (partial.dag_id, partial.dag_run_id, partial.state) == (
        PAUSED,
        run_id,
        DagRunState.QUEUED,
    )

    noted = await client.dag_runs.update(PAUSED, run_id, note="a note ✓")
    assert noted.note == "a note ✓"
    failed = await client.dag_runs.update(PAUSED, run_id, state=DagRunState.FAILED)
    assert failed.state is DagRunState.FAILED
    assert failed.note == "a note ✓"
    both = await client.dag_runs.update(PAUSED, run_id, state="success", note="both")
    assert (both.state, both.note) == (DagRunState.SUCCESS, "both")
    assert (await client.dag_runs.get(PAUSED, run_id)).note == "both"

    dry = await client.dag_runs.clear(PAUSED, run_id)
    assert dry and all(isinstance(i, TaskInstance) for i in dry)
    assert {i.task_id for i in dry} >= {"runme_0", "run_after_loop"}
    # A dry run changed nothing.
    assert (await client.dag_runs.get(PAUSED, run_id)).state is DagRunState.SUCCESS
    cleared = await client.dag_runs.clear(PAUSED, run_id, dry_run=False)
    assert isinstance(cleared, DAGRun)
    assert cleared.state is DagRunState.QUEUED

    listed = [r.dag_run_id async for r in client.dag_runs.list(PAUSED, limit=3)]
    assert run_id in listed
    batch = [
        r.dag_run_id
        async for r in client.dag_runs.list_batch(dag_ids=[PAUSED], state=["queued"], limit=2)
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
                logical_date_gte=logical - timedelta(seconds=1),
                logical_date_lte=logical + timedelta(seconds=1),
            )
        ]
        assert around == [run_id]
        across_all = [
            r.dag_run_id
            async for r in client.dag_runs.list(logical_date_gte=logical, logical_date_lte=logical)
        ]
        assert run_id in across_all
        batch = [
            r.dag_run_id
            async for r in client.dag_runs.list_batch(
                dag_ids=[PAUSED], logical_date_gte=logical, logical_date_lte=logical
            )
        ]
        assert batch == [run_id]
        # Airflow 2 sorts by execution_date: the client sends that name there.
        newest = await client.dag_runs.list(
            PAUSED, order_by="-logical_date", logical_date_gte=logical, limit=1
        )
        assert [r.dag_run_id for r in newest.items] == [run_id]
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_airflow_3_filters(client: AsyncClient, server: ServerInfo, unique: str) -> None:
    if not airflow_3(server):
        with pytest.raises(UnsupportedByServerError, match="run_id_pattern"):
            await client.dag_runs.list(PAUSED, run_id_pattern=unique)
        return
    run_id = f"client-test-v3-{unique}"
    await client.dag_runs.trigger(PAUSED, dag_run_id=run_id, conf={"marker": unique})
    try:
        if minor(server) >= (3, 1):
            by_pattern = [r.dag_run_id async for r in client.dag_runs.list(run_id_pattern=unique)]
            assert by_pattern == [run_id]
        else:
            with pytest.raises(UnsupportedByServerError, match="run_id_pattern") as caught:
                await client.dag_runs.list(run_id_pattern=unique)
            assert caught.value.since == (3, 1)
        if minor(server) >= (3, 2):
            by_conf = await client.dag_runs.list(PAUSED, conf_contains=unique, run_type=["manual"])
            assert [r.dag_run_id for r in by_conf.items] == [run_id]
        else:
            with pytest.raises(UnsupportedByServerError, match="conf_contains") as caught:
                await client.dag_runs.list(PAUSED, conf_contains=unique)
            assert caught.value.since == (3, 2)
            manual = [r.dag_run_id async for r in client.dag_runs.list(PAUSED, run_type=["manual"])]
            assert run_id in manual
        sorted_two = await client.dag_runs.list(PAUSED, order_by=["-run_after", "dag_run_id"])
        assert sorted_two.items
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_naive_date_string_is_refused_by_the_server(
    client: AsyncClient, server: ServerInfo
) -> None:
    expected: type[APIStatusError] = InternalServerError if airflow_3(server) else BadRequestError
    with pytest.raises(expected) as caught:
        await client.dag_runs.list(PAUSED, logical_date_gte="2024-01-01T00:00:00")
    if not airflow_3(server):
        assert caught.value.status == 400
        # The server's schema check refuses a date-time without an offset.
        assert "is not a 'date-time'" in (caught.value.detail or "")


@pytest.mark.parametrize(
    "template",
    # Airflow accepts run ids matching ^[A-Za-z0-9_.~:+-]+$ (or its own built-in pattern);
    # Airflow 3.3 also refuses '..' in them (3.0 to 3.2.0 take it, as 2.x does).
    ["manual__2032-01-01T00:00:00+00:00", "client.test~{unique}:a+b", "..{unique}"],
)
async def test_run_ids_with_reserved_characters(
    client: AsyncClient, server: ServerInfo, unique: str, template: str
) -> None:
    run_id = template.format(unique=unique)
    if minor(server) >= (3, 3) and ".." in run_id:
        with pytest.raises(BadRequestError, match=r"\.\."):
            await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
        return
    created = await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
    try:
        assert created.dag_run_id == run_id
        assert (await client.dag_runs.get(PAUSED, run_id)).dag_run_id == run_id
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_a_run_id_the_server_cannot_take(
    client: AsyncClient, server: ServerInfo, unique: str
) -> None:
    run_id = f"with space {unique}/?#%"
    if airflow_3(server):
        with pytest.raises(BadRequestError, match="does not match"):
            await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
        return
    # Airflow 2.11.2 raises AirflowException for a run id outside its pattern, which its API
    # turns into a 500 with the webserver's HTML error page instead of a 400 problem.
    with pytest.raises(InternalServerError) as caught:
        await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
    assert caught.value.status == 500
    assert isinstance(caught.value.body, str) and "<html" in caught.value.body.lower()


async def test_asset_triggered_run_has_upstream_events(
    client: AsyncClient, server: ServerInfo, unique: str
) -> None:
    producer, consumer = "client_test_dataset_producer", "client_test_dataset_consumer"
    await client.dags.unpause(consumer)
    await client.dags.unpause(producer)
    run_id = f"client-test-produce-{unique}"
    await client.dag_runs.trigger(producer, dag_run_id=run_id)
    assert (await client.dag_runs.wait(producer, run_id, timeout=120)).state is DagRunState.SUCCESS
    run_type = "asset_triggered" if airflow_3(server) else "dataset_triggered"
    events: list[AssetEvent] = []
    for _ in range(60):
        runs = [r async for r in client.dag_runs.list(consumer, order_by="-start_date", limit=5)]
        triggered = [r for r in runs if str(r.run_type) == run_type]
        consumer_run = triggered[0].dag_run_id if triggered else None
        if consumer_run is not None:
            events = await client.dag_runs.list_upstream_asset_events(
                consumer, consumer_run
            ).to_list()
            if any(e.source_run_id == run_id for e in events):
                break
        await anyio.sleep(1)
    else:
        raise AssertionError("the consumer run never showed the producer's event")
    event = next(e for e in events if e.source_run_id == run_id)
    if airflow_3(server):
        assert event.uri == "s3://client-test/dataset"
    else:
        assert event.dataset_uri == "s3://client-test/dataset"
    assert event.source_dag_id == producer
    created = [r.dag_run_id for r in event.created_dagruns or [] if r is not None]
    if not airflow_3(server):
        # The spec correction basic_dag_run_id: created runs carry dag_run_id, not run_id.
        assert triggered[0].dag_run_id in created


async def test_airflow_3_3_run_operations(
    client: AsyncClient, server: ServerInfo, unique: str
) -> None:
    release = parse_release(server.version)
    if release is None or release[:2] < (3, 3):
        with pytest.raises(UnsupportedByServerError):
            await client.dag_runs.clear_many(PAUSED, dag_runs=["r"])
        with pytest.raises(UnsupportedByServerError):
            await client.dag_runs.bulk(PAUSED, delete=["r"])
        with pytest.raises(UnsupportedByServerError):
            await client.dag_runs.clear_partitions(PAUSED, dag_run_id="r")
        return
    ids = [f"client-test-bulk-{unique}-{n}" for n in range(3)]
    for run_id in ids:
        await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
    try:
        would = await client.dag_runs.clear_many(PAUSED, dag_runs=ids[:2])
        assert {i.dag_run_id for i in would} == set(ids[:2])
        result = await client.dag_runs.bulk(
            PAUSED,
            update=[
                {"dag_run_id": ids[0], "state": "failed", "note": "bulk"},
                {"dag_run_id": ids[1], "state": "success"},
            ],
        )
        assert result.ok, result.failed
        assert [e.key for e in result.entities] == [f"{PAUSED}.{ids[0]}", f"{PAUSED}.{ids[1]}"]
        assert (await client.dag_runs.get(PAUSED, ids[0])).note == "bulk"
        cleared = await client.dag_runs.clear_many(PAUSED, dag_runs=ids[:2], dry_run=False)
        assert {r.dag_run_id for r in cleared} == set(ids[:2])
        counted = await client.dag_runs.clear_partitions(PAUSED, dag_run_id=ids[2])
        assert counted.dry_run is True
        missing = await client.dag_runs.bulk(PAUSED, delete=[f"no-such-run-{unique}"])
        assert not missing.ok and missing.failed[0].status_code == 404
    finally:
        deleted = await client.dag_runs.bulk(PAUSED, delete=ids, on_non_existence="skip")
        assert deleted.ok, deleted.failed


async def test_wait_for_results_streams_until_the_run_ends(
    client: AsyncClient, server: ServerInfo, unique: str
) -> None:
    release = parse_release(server.version)
    if release is None or release[:2] < (3, 1):
        with pytest.raises(UnsupportedByServerError):
            await client.dag_runs.wait_for_results("client_test_xcom", "r")
        return
    await client.dags.unpause("client_test_xcom")
    run_id = f"client-test-results-{unique}"
    await client.dag_runs.trigger("client_test_xcom", dag_run_id=run_id)
    done = await client.dag_runs.wait_for_results(
        "client_test_xcom", run_id, task_ids=["push"], interval=0.5, timeout=120
    )
    assert done.state == "success"
    assert done.results == {"push": {"numbers": [1, 2, 3], "text": "client-test"}}
    with pytest.raises(NotFoundError):
        await client.dag_runs.wait_for_results("client_test_xcom", f"no-such-run-{unique}")
