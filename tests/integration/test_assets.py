"""client.assets against the real server: Airflow 2's datasets, Airflow 3's assets.

The test DAGs ``client_test_dataset_producer`` and ``client_test_dataset_consumer`` are
joined by one asset, ``s3://client-test/dataset``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from airflow_client_async import AsyncClient, NotFoundError, UnsupportedByServerError
from airflow_client_async.models import Asset, AssetEvent, QueuedEvent

URI = "s3://client-test/dataset"
PRODUCER = "client_test_dataset_producer"
CONSUMER = "client_test_dataset_consumer"


async def on_airflow_3(client: AsyncClient) -> bool:
    return (await client.server_version()).api_version == "v2"


async def set_paused(client: AsyncClient, dag_id: str, paused: bool) -> bool:
    """Pause or unpause a DAG; return whether it was paused before."""
    before = await client.request("GET", "/dags/{dag_id}", path_params={"dag_id": dag_id})
    assert isinstance(before, dict)
    await client.request(
        "PATCH",
        "/dags/{dag_id}",
        path_params={"dag_id": dag_id},
        params={"update_mask": "is_paused"},
        json={"is_paused": paused},
    )
    return bool(before["is_paused"])


async def test_get_by_uri_and_by_id(client: AsyncClient) -> None:
    dataset = await client.assets.get(URI)
    assert isinstance(dataset, Asset)
    assert dataset.uri == URI and dataset.id is not None
    producers = [ref.dag_id for ref in dataset.producing_tasks or []]
    assert PRODUCER in producers
    # Filled from consuming_dags on Airflow 2 and 3.0 (3.1 renamed it scheduled_dags).
    consumers = [ref.dag_id for ref in dataset.scheduled_dags or []]
    if await on_airflow_3(client):
        assert dataset.name == URI
    else:
        # Sent by Airflow 2 beyond its spec; typed from Airflow 3's schema.
        assert dataset.aliases == [] and "aliases" not in dataset.extra_fields
    assert CONSUMER in consumers

    # The other key: an id on Airflow 2 (paged for), a URI on Airflow 3 (looked up).
    by_id = await client.assets.get(dataset.id)
    assert (by_id.id, by_id.uri) == (dataset.id, URI)

    with pytest.raises(NotFoundError) as caught:
        await client.assets.get("s3://client-test/no-such-dataset")
    if not await on_airflow_3(client):
        assert caught.value.title == "Dataset not found"
    with pytest.raises(NotFoundError):
        await client.assets.get(2_000_000_000)


async def test_list_filters(client: AsyncClient) -> None:
    everything = await client.assets.list(limit=1)
    ours = await client.assets.list(uri_pattern="CLIENT-TEST/data")
    assert [d.uri for d in ours.items] == [URI]
    if not await on_airflow_3(client):
        # Airflow 2 counts every dataset in total_entries, whatever the filters.
        assert ours.total_entries == everything.total_entries
    else:
        assert ours.total_entries == 1
    assert [d.uri async for d in client.assets.list(uri_pattern="client-test")] == [URI]
    by_dag = [d.uri async for d in client.assets.list(dag_ids=[CONSUMER, "no_such_dag"])]
    assert by_dag == [URI]
    ordered = [d.uri async for d in client.assets.list(order_by="-uri", limit=3)]
    assert ordered == sorted(ordered, reverse=True) and URI in ordered


@contextlib.asynccontextmanager
async def consumer_paused(client: AsyncClient) -> AsyncIterator[None]:
    """Pause the consumer for the block; restore its state and leave nothing queued."""
    was_paused = await set_paused(client, CONSUMER, True)
    await delete_triggered_runs(client)
    try:
        with contextlib.suppress(NotFoundError):
            await client.assets.delete_dag_queued_events(CONSUMER)
        yield
    finally:
        await set_paused(client, CONSUMER, True)
        with contextlib.suppress(NotFoundError):
            await client.assets.delete_dag_queued_events(CONSUMER)
        await delete_triggered_runs(client)
        if not was_paused:
            await set_paused(client, CONSUMER, False)


async def queue_one_event(client: AsyncClient, tag: str) -> QueuedEvent:
    """Leave one event of URI queued for the (then paused) consumer.

    The server queues an event only for an unpaused consumer, and the scheduler turns the
    queue into a run within about half a second; pausing right after the event keeps it
    queued, unless the scheduler was quicker, in which case its runs are deleted and the
    attempt made again. (The runs are found through the consumer's runs, not the event's
    created_dagruns: Airflow 3.3.2 answers GET /assets/events with 500 while such a run
    has not started.)
    """
    for attempt in range(8):
        await set_paused(client, CONSUMER, False)
        await client.assets.create_event(URI, extra={"client-test": f"{tag}-{attempt}"})
        await set_paused(client, CONSUMER, True)
        with contextlib.suppress(NotFoundError):
            return await client.assets.get_dag_queued_event(CONSUMER, URI)
        await delete_triggered_runs(client)
    raise AssertionError("the scheduler consumed every queued event before the pause")


async def delete_triggered_runs(client: AsyncClient) -> None:
    """Delete the consumer's runs that an asset event triggered.

    A run queued while the consumer is paused never starts, and Airflow 3.3.2 answers
    GET /assets/events with 500 while any event's run has not started.
    """
    runs = await client.request("GET", "/dags/{dag_id}/dagRuns", path_params={"dag_id": CONSUMER})
    assert isinstance(runs, dict) and isinstance(runs["dag_runs"], list)
    for run in runs["dag_runs"]:
        assert isinstance(run, dict)
        if run.get("run_type") in ("dataset_triggered", "asset_triggered"):
            with contextlib.suppress(NotFoundError):
                await client.request(
                    "DELETE",
                    "/dags/{dag_id}/dagRuns/{run_id}",
                    path_params={"dag_id": CONSUMER, "run_id": run["dag_run_id"]},
                )


def _asset_id(event: AssetEvent) -> int:
    # Filled from dataset_id on Airflow 2.
    found = event.asset_id
    assert isinstance(found, int)
    return found


async def test_create_event_and_read_it_back(client: AsyncClient, unique: str) -> None:
    asset_id = (await client.assets.get(URI)).id
    assert asset_id is not None
    async with consumer_paused(client):
        event = await client.assets.create_event(URI, extra={"client-test": unique})
        assert isinstance(event, AssetEvent)
        assert _asset_id(event) == asset_id and event.source_dag_id is None
        assert event.extra == {"client-test": unique, "from_rest_api": True}
        assert event.created_dagruns == []
        # A paused consumer gets nothing queued: the server skips paused DAGs.
        assert await client.assets.list_dag_queued_events(CONSUMER).to_list() == []
        assert await client.assets.list_queued_events(URI).to_list() == []
        # The same asset by id.
        by_id = await client.assets.create_event(asset_id, extra={"client-test": unique})
        assert _asset_id(by_id) == asset_id

    found = [
        e
        async for e in client.assets.list_events(asset_id=asset_id, order_by="-timestamp", limit=5)
        if e.extra == event.extra
    ]
    assert len(found) == 2 and event.timestamp in {e.timestamp for e in found}
    with pytest.raises(NotFoundError):
        await client.assets.create_event("s3://client-test/no-such-dataset")


async def test_queued_events_per_dag_and_per_asset(client: AsyncClient, unique: str) -> None:
    asset_id = (await client.assets.get(URI)).id
    assert asset_id is not None
    async with consumer_paused(client):
        queued = await queue_one_event(client, f"{unique}-a")
        assert queued.dag_id == CONSUMER
        if await on_airflow_3(client):
            assert queued.asset_id == asset_id
        else:
            assert queued.uri == URI
        assert queued.created_at is not None and queued.created_at.tzinfo is not None
        assert await client.assets.list_dag_queued_events(CONSUMER).to_list() == [queued]
        assert queued in await client.assets.list_queued_events(URI).to_list()
        assert queued in await client.assets.list_queued_events(asset_id).to_list()
        earlier = queued.created_at - timedelta(hours=1)
        assert await client.assets.list_dag_queued_events(CONSUMER, before=earlier).to_list() == []
        with pytest.raises(NotFoundError):
            await client.assets.get_dag_queued_event(CONSUMER, URI, before=earlier)
        with pytest.raises(NotFoundError):
            await client.assets.delete_dag_queued_event(CONSUMER, URI, before=earlier)

        await client.assets.delete_dag_queued_event(CONSUMER, asset_id)
        assert await client.assets.list_dag_queued_events(CONSUMER).to_list() == []
        with pytest.raises(NotFoundError):
            await client.assets.delete_dag_queued_event(CONSUMER, URI)

        await queue_one_event(client, f"{unique}-b")
        await client.assets.delete_queued_events(URI)
        assert await client.assets.list_queued_events(URI).to_list() == []
        with pytest.raises(NotFoundError):
            await client.assets.delete_queued_events(asset_id)

        await queue_one_event(client, f"{unique}-c")
        await client.assets.delete_dag_queued_events(CONSUMER)
        assert await client.assets.list_dag_queued_events(CONSUMER).to_list() == []
        with pytest.raises(NotFoundError):
            await client.assets.delete_dag_queued_events(CONSUMER)


async def test_aliases(client: AsyncClient) -> None:
    if not await on_airflow_3(client):
        with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
            await client.assets.list_aliases()
        return
    aliases = await client.assets.list_aliases().to_list()
    for alias in aliases[:3]:
        assert alias.id is not None
        assert await client.assets.get_alias(alias.id) == alias
    with pytest.raises(NotFoundError):
        await client.assets.get_alias(2_000_000_000)


async def test_materialize(client: AsyncClient, unique: str) -> None:
    if not await on_airflow_3(client):
        with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
            await client.assets.materialize(URI)
        return
    minor = (await client.server_version()).minor or (0, 0)
    if minor < (3, 3):
        # Before 3.3 the route takes no run settings; they are refused, not ignored.
        with pytest.raises(UnsupportedByServerError, match="dag_run_id"):
            await client.assets.materialize(URI, dag_run_id=f"client-test-{unique}")
        run = await client.assets.materialize(URI)
    else:
        run = await client.assets.materialize(URI, dag_run_id=f"client-test-{unique}")
        assert run.dag_run_id == f"client-test-{unique}"
    try:
        assert run.dag_id == PRODUCER and run.dag_run_id
        # 3.0 records a materialization as a manual run (measured on 3.0.6).
        kinds = (
            {"asset_materialization"} if minor >= (3, 3) else {"asset_materialization", "manual"}
        )
        assert run.run_type in kinds
    finally:
        await client.request(
            "DELETE",
            "/dags/{dag_id}/dagRuns/{run_id}",
            path_params={"dag_id": PRODUCER, "run_id": run.dag_run_id},
        )


async def test_the_asset_state_store(client: AsyncClient, unique: str) -> None:
    server = await client.server_version()
    if server.api_version == "v1" or (server.minor or (0, 0)) < (3, 3):
        with pytest.raises(UnsupportedByServerError):
            await client.asset_state_store.get(URI, "k")
        return
    key = f"client-test/{unique}"
    await client.asset_state_store.set(URI, key, value={"offset": 3, "names": ["a", "b"]})
    try:
        got = await client.asset_state_store.get(URI, key)
        assert (got.key, got.value) == (key, {"offset": 3, "names": ["a", "b"]})
        assert got.updated_at is not None and got.updated_at.tzinfo is not None
        assert key in [e.key async for e in client.asset_state_store.list(URI)]
        await client.asset_state_store.set(URI, key, value=4)
        assert (await client.asset_state_store.get(URI, key)).value == 4
    finally:
        await client.asset_state_store.delete(URI, key)
    with pytest.raises(NotFoundError):
        await client.asset_state_store.get(URI, key)
    await client.asset_state_store.delete(URI, key)  # a missing key is no error

    await client.asset_state_store.set(URI, f"{key}-1", value="one")
    await client.asset_state_store.set(URI, f"{key}-2", value="two")
    await client.asset_state_store.clear(URI)
    assert await client.asset_state_store.list(URI).to_list() == []
