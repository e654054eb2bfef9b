"""client.datasets against the real server."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from airflow_client_async import AsyncClient, NotFoundError
from airflow_client_async.models import Dataset, DatasetEvent, QueuedEvent

URI = "s3://client-test/dataset"
PRODUCER = "client_test_dataset_producer"
CONSUMER = "client_test_dataset_consumer"


async def test_get_by_uri_with_slashes_and_colon(client: AsyncClient) -> None:
    dataset = await client.datasets.get(URI)
    assert isinstance(dataset, Dataset)
    assert dataset.uri == URI
    assert CONSUMER in [ref.dag_id for ref in dataset.consuming_dags or []]
    assert PRODUCER in [ref.dag_id for ref in dataset.producing_tasks or []]
    assert "aliases" in dataset.extra_fields  # sent by the server, not in the spec
    with pytest.raises(NotFoundError) as caught:
        await client.datasets.get("s3://client-test/no-such-dataset")
    assert caught.value.title == "Dataset not found"


async def test_list_filters(client: AsyncClient) -> None:
    everything = await client.datasets.list(limit=1)
    ours = await client.datasets.list(uri_pattern="CLIENT-TEST/data")
    assert [d.uri for d in ours.items] == [URI]
    # The server counts every dataset in total_entries, whatever the filters.
    assert ours.total_entries == everything.total_entries
    assert [d.uri async for d in client.datasets.list(uri_pattern="client-test")] == [URI]
    by_dag = [d.uri async for d in client.datasets.list(dag_ids=[CONSUMER, "no_such_dag"])]
    assert by_dag == [URI]
    ordered = [d.uri async for d in client.datasets.list(order_by="-uri", limit=3)]
    assert ordered == sorted(ordered, reverse=True) and URI in ordered


@contextlib.asynccontextmanager
async def consumer_paused(client: AsyncClient) -> AsyncIterator[None]:
    """Pause the consumer for the block; restore its state and leave nothing queued."""
    was_paused = bool((await client.dags.get(CONSUMER)).is_paused)
    await client.dags.pause(CONSUMER)
    try:
        with contextlib.suppress(NotFoundError):
            await client.datasets.delete_dag_queued_events(CONSUMER)
        yield
    finally:
        await client.dags.pause(CONSUMER)
        with contextlib.suppress(NotFoundError):
            await client.datasets.delete_dag_queued_events(CONSUMER)
        if not was_paused:
            await client.dags.unpause(CONSUMER)


async def queue_one_event(client: AsyncClient, tag: str) -> QueuedEvent:
    """Leave one event of URI queued for the (then paused) consumer.

    The server queues an event only for an unpaused consumer, and the scheduler turns the
    queue into a run within about half a second; pausing right after the event keeps it
    queued, unless the scheduler was quicker, in which case its run is deleted and the
    attempt made again.
    """
    for attempt in range(8):
        await client.dags.unpause(CONSUMER)
        event = await client.datasets.create_event(URI, extra={"client-test": f"{tag}-{attempt}"})
        await client.dags.pause(CONSUMER)
        with contextlib.suppress(NotFoundError):
            return await client.datasets.get_dag_queued_event(CONSUMER, URI)
        async for seen in client.datasets.list_events(
            dataset_id=event.dataset_id, order_by="-timestamp"
        ):
            if seen.extra == event.extra:
                for run in seen.created_dagruns or []:
                    with contextlib.suppress(NotFoundError):
                        await client.dag_runs.delete(CONSUMER, run.dag_run_id or "")
                break
    raise AssertionError("the scheduler consumed every queued event before the pause")


async def test_create_event_and_read_it_back(client: AsyncClient, unique: str) -> None:
    async with consumer_paused(client):
        event = await client.datasets.create_event(URI, extra={"client-test": unique})
        assert isinstance(event, DatasetEvent)
        assert event.dataset_uri == URI and event.source_dag_id is None
        assert event.extra == {"client-test": unique, "from_rest_api": True}
        assert event.created_dagruns == []
        # A paused consumer gets nothing queued: the server skips paused DAGs.
        assert await client.datasets.list_dag_queued_events(CONSUMER) == []
        assert await client.datasets.list_queued_events(URI) == []

    found = [
        e
        async for e in client.datasets.list_events(
            dataset_id=event.dataset_id, order_by="-timestamp", limit=5
        )
        if e.extra == event.extra
    ]
    assert len(found) == 1 and found[0].timestamp == event.timestamp
    with pytest.raises(NotFoundError):
        await client.datasets.create_event("s3://client-test/no-such-dataset")


async def test_queued_events_per_dag_and_per_dataset(client: AsyncClient, unique: str) -> None:
    async with consumer_paused(client):
        queued = await queue_one_event(client, f"{unique}-a")
        assert (queued.dag_id, queued.uri) == (CONSUMER, URI)
        assert queued.created_at is not None and queued.created_at.tzinfo is not None
        assert await client.datasets.list_dag_queued_events(CONSUMER) == [queued]
        assert queued in await client.datasets.list_queued_events(URI)
        earlier = queued.created_at - timedelta(hours=1)
        assert await client.datasets.list_dag_queued_events(CONSUMER, before=earlier) == []
        with pytest.raises(NotFoundError):
            await client.datasets.get_dag_queued_event(CONSUMER, URI, before=earlier)
        with pytest.raises(NotFoundError):
            await client.datasets.delete_dag_queued_event(CONSUMER, URI, before=earlier)

        await client.datasets.delete_dag_queued_event(CONSUMER, URI)
        assert await client.datasets.list_dag_queued_events(CONSUMER) == []
        with pytest.raises(NotFoundError):
            await client.datasets.delete_dag_queued_event(CONSUMER, URI)

        await queue_one_event(client, f"{unique}-b")
        await client.datasets.delete_queued_events(URI)
        assert await client.datasets.list_queued_events(URI) == []
        with pytest.raises(NotFoundError):
            await client.datasets.delete_queued_events(URI)

        await queue_one_event(client, f"{unique}-c")
        await client.datasets.delete_dag_queued_events(CONSUMER)
        assert await client.datasets.list_dag_queued_events(CONSUMER) == []
        with pytest.raises(NotFoundError):
            await client.datasets.delete_dag_queued_events(CONSUMER)
