"""``client.datasets``: the Dataset tag of the API."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .._errors import NotFoundError
from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from .._types import UNSET, Missing
from ..models import (
    Dataset,
    DatasetCollection,
    DatasetEvent,
    DatasetEventCollection,
    QueuedEvent,
    QueuedEventCollection,
)
from ._base import Resource, comma_joined, json_body

__all__ = ["DatasetsResource"]

#: A ``before`` filter: a timezone-aware datetime, or an ISO 8601 string sent as it is.
Before = datetime | str | None

# The title of the 404 the queue endpoints answer when nothing matches.
_EMPTY_QUEUE_TITLE = "Queue event not found"


class DatasetsResource(Resource):
    """Datasets, their events, and the events queued for dataset-scheduled DAGs.

    Queued events are per dataset (``list_queued_events``, ``delete_queued_events``) or
    per DAG (``list_dag_queued_events``, ``delete_dag_queued_events``,
    ``get_dag_queued_event``, ``delete_dag_queued_event``). The server queues an event
    only for consumer DAGs that are active and unpaused, and the scheduler turns a
    complete queue into a DAG run within about a second.
    """

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str | None = None,
        uri_pattern: str | None = None,
        dag_ids: Sequence[str] | None = None,
    ) -> AsyncPaginator[Dataset]:
        """List datasets: await for one page, ``async for`` for every dataset.

        ``GET /datasets``

        With a filter, the server's ``total_entries`` still counts every dataset; the
        paginator stops at the first empty page all the same.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``id``, ``uri``, ``created_at`` or ``updated_at``, ``-`` in front to
                reverse.
            uri_pattern: Only datasets whose URI contains this text (case-insensitive).
            dag_ids: Only datasets that any of these DAGs consume or produce.

        Returns:
            A paginator of :class:`Dataset`.

        Raises:
            ValueError: ``dag_ids`` is empty, or an id is empty or contains a comma (the
                server splits the ids on commas).
        """
        params = query_params(
            order_by=order_by,
            uri_pattern=uri_pattern,
            dag_ids=comma_joined("dag_ids", dag_ids, what="DAG id"),
        )
        return self._paginate(
            "/datasets",
            DatasetCollection,
            lambda c: c.datasets,
            params=params,
            offset=offset,
            limit=limit,
        )

    async def get(self, uri: str) -> Dataset:
        """Get one dataset by its URI.

        ``GET /datasets/{uri}``

        The URI goes into the path fully percent-encoded (``s3%3A%2F%2Fbucket%2Fkey``); the
        server decodes it and its route takes the rest of the path, ``/`` included.

        Raises:
            NotFoundError: No dataset has this URI.
        """
        return await self._http.request_model(
            "GET", build_path("/datasets/{uri}", uri=uri), Dataset
        )

    def list_events(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str | None = None,
        dataset_id: int | None = None,
        source_dag_id: str | None = None,
        source_task_id: str | None = None,
        source_run_id: str | None = None,
        source_map_index: int | None = None,
    ) -> AsyncPaginator[DatasetEvent]:
        """List dataset events: await for one page, ``async for`` for every event.

        ``GET /datasets/events``

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``timestamp`` (the server's default), ``source_dag_id``,
                ``source_task_id``, ``source_run_id`` or ``source_map_index``, ``-`` in
                front to reverse.
            dataset_id: Only events of this dataset (its numeric ``id``).
            source_dag_id: Only events emitted by this DAG.
            source_task_id: Only events emitted by this task.
            source_run_id: Only events emitted by this DAG run.
            source_map_index: Only events emitted by this map index.

        Returns:
            A paginator of :class:`DatasetEvent`.
        """
        params = query_params(
            order_by=order_by,
            dataset_id=dataset_id,
            source_dag_id=source_dag_id,
            source_task_id=source_task_id,
            source_run_id=source_run_id,
            source_map_index=source_map_index,
        )
        return self._paginate(
            "/datasets/events",
            DatasetEventCollection,
            lambda c: c.dataset_events,
            params=params,
            offset=offset,
            limit=limit,
        )

    async def create_event(
        self, dataset_uri: str, *, extra: Missing[Mapping[str, Any] | None] = UNSET
    ) -> DatasetEvent:
        """Record an update of a dataset, as a producing task would.

        ``POST /datasets/events``

        The server adds ``"from_rest_api": true`` to the event's ``extra`` and queues the
        event for every active, unpaused DAG that consumes the dataset.

        Args:
            dataset_uri: The dataset's URI; the dataset must exist.
            extra: Extra information stored with the event.

        Raises:
            NotFoundError: No dataset has this URI.
        """
        if not dataset_uri:
            raise ValueError("dataset_uri must be a non-empty string")
        body = json_body(
            dataset_uri=dataset_uri,
            extra=dict(extra) if extra is not UNSET and extra is not None else extra,
        )
        return await self._http.request_model(
            "POST", "/datasets/events", DatasetEvent, json_body=body
        )

    async def list_queued_events(
        self, uri: str, *, before: Before = None
    ) -> builtins.list[QueuedEvent]:
        """List the events of a dataset queued for the DAGs it schedules.

        ``GET /datasets/queuedEvent/{uri}``

        The server answers 404 when nothing is queued (it does not check that the dataset
        exists); that answer is returned as an empty list.

        Args:
            uri: The dataset's URI.
            before: Only events queued before this time (timezone-aware).
        """
        path = build_path("/datasets/queuedEvent/{uri}", uri=uri)
        return await self._queued_events(path, before)

    async def delete_queued_events(self, uri: str, *, before: Before = None) -> None:
        """Delete the events of a dataset queued for the DAGs it schedules.

        ``DELETE /datasets/queuedEvent/{uri}``

        Args:
            uri: The dataset's URI.
            before: Only events queued before this time (timezone-aware).

        Raises:
            NotFoundError: Nothing was queued (or no dataset has this URI).
        """
        path = build_path("/datasets/queuedEvent/{uri}", uri=uri)
        await self._http.request_empty("DELETE", path, params=query_params(before=before))

    async def list_dag_queued_events(
        self, dag_id: str, *, before: Before = None
    ) -> builtins.list[QueuedEvent]:
        """List the dataset events queued for a DAG's next dataset-triggered run.

        ``GET /dags/{dag_id}/datasets/queuedEvent``

        The server answers 404 when nothing is queued (it does not check that the DAG
        exists); that answer is returned as an empty list.

        Args:
            dag_id: The consuming DAG.
            before: Only events queued before this time (timezone-aware).
        """
        path = build_path("/dags/{dag_id}/datasets/queuedEvent", dag_id=dag_id)
        return await self._queued_events(path, before)

    async def delete_dag_queued_events(self, dag_id: str, *, before: Before = None) -> None:
        """Delete every dataset event queued for a DAG.

        ``DELETE /dags/{dag_id}/datasets/queuedEvent``

        Args:
            dag_id: The consuming DAG.
            before: Only events queued before this time (timezone-aware).

        Raises:
            NotFoundError: Nothing was queued for this DAG (or no such DAG).
        """
        path = build_path("/dags/{dag_id}/datasets/queuedEvent", dag_id=dag_id)
        await self._http.request_empty("DELETE", path, params=query_params(before=before))

    async def get_dag_queued_event(
        self, dag_id: str, uri: str, *, before: Before = None
    ) -> QueuedEvent:
        """Get the event of one dataset queued for a DAG.

        ``GET /dags/{dag_id}/datasets/queuedEvent/{uri}``

        Args:
            dag_id: The consuming DAG.
            uri: The dataset's URI.
            before: Only an event queued before this time (timezone-aware).

        Raises:
            NotFoundError: No event of this dataset is queued for this DAG.
        """
        path = build_path("/dags/{dag_id}/datasets/queuedEvent/{uri}", dag_id=dag_id, uri=uri)
        return await self._http.request_model(
            "GET", path, QueuedEvent, params=query_params(before=before)
        )

    async def delete_dag_queued_event(
        self, dag_id: str, uri: str, *, before: Before = None
    ) -> None:
        """Delete the event of one dataset queued for a DAG.

        ``DELETE /dags/{dag_id}/datasets/queuedEvent/{uri}``

        Args:
            dag_id: The consuming DAG.
            uri: The dataset's URI.
            before: Only an event queued before this time (timezone-aware).

        Raises:
            NotFoundError: No event of this dataset is queued for this DAG.
        """
        path = build_path("/dags/{dag_id}/datasets/queuedEvent/{uri}", dag_id=dag_id, uri=uri)
        await self._http.request_empty("DELETE", path, params=query_params(before=before))

    async def _queued_events(self, path: str, before: Before) -> builtins.list[QueuedEvent]:
        try:
            listing = await self._http.request_model(
                "GET", path, QueuedEventCollection, params=query_params(before=before)
            )
        except NotFoundError as exc:
            # Only the queue's own "nothing matches" 404 means empty; a 404 from a server
            # without these routes (before Airflow 2.9) has another title and propagates.
            if exc.title == _EMPTY_QUEUE_TITLE:
                return []
            raise
        # The server sends queued_events; the spec's own name is datasets.
        events = listing.queued_events if listing.queued_events is not None else listing.datasets
        return builtins.list(events or [])
