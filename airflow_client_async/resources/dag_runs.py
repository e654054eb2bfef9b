"""``client.dag_runs``: the DAGRun tag of the API."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .._http import build_path, query_params
from .._pagination import AsyncPaginator, Page
from .._types import UNSET, Missing
from ..models import (
    DAGRun,
    DAGRunCollection,
    DagState,
    DatasetEvent,
    DatasetEventCollection,
    TaskInstanceCollection,
)
from ._base import Resource, json_body

__all__ = ["DagRunsResource"]

#: A date filter: a timezone-aware datetime, or an ISO 8601 string sent as it is.
DateFilter = datetime | str | None


class DagRunsResource(Resource):
    """DAG runs: list, batch list, get, trigger, update state, clear, delete, note."""

    def list(
        self,
        dag_id: str = "~",
        *,
        limit: int | None = None,
        offset: int = 0,
        execution_date_gte: DateFilter = None,
        execution_date_lte: DateFilter = None,
        start_date_gte: DateFilter = None,
        start_date_lte: DateFilter = None,
        end_date_gte: DateFilter = None,
        end_date_lte: DateFilter = None,
        updated_at_gte: DateFilter = None,
        updated_at_lte: DateFilter = None,
        state: Sequence[DagState | str] | None = None,
        order_by: str | None = None,
        fields: Sequence[str] | None = None,
    ) -> AsyncPaginator[DAGRun]:
        """List the runs of a DAG (or of every DAG with ``"~"``, the default).

        ``GET /dags/{dag_id}/dagRuns``

        Date filters take timezone-aware datetimes (Airflow refuses naive ones) or ISO 8601
        strings, which are sent unchanged.

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            execution_date_gte: Runs with a logical date at or after this time.
            execution_date_lte: Runs with a logical date at or before this time.
            start_date_gte: Runs started at or after this time.
            start_date_lte: Runs started at or before this time.
            end_date_gte: Runs ended at or after this time.
            end_date_lte: Runs ended at or before this time.
            updated_at_gte: Runs updated at or after this time.
            updated_at_lte: Runs updated at or before this time.
            state: Runs in any of these states.
            order_by: A field to sort by, ``-`` in front to reverse.
            fields: Return only these fields of each run.

        Returns:
            A paginator of :class:`DAGRun`.
        """
        path = build_path("/dags/{dag_id}/dagRuns", dag_id=dag_id)

        async def fetch(page_offset: int, page_limit: int | None) -> Page[DAGRun]:
            params = query_params(
                limit=page_limit,
                offset=page_offset,
                execution_date_gte=execution_date_gte,
                execution_date_lte=execution_date_lte,
                start_date_gte=start_date_gte,
                start_date_lte=start_date_lte,
                end_date_gte=end_date_gte,
                end_date_lte=end_date_lte,
                updated_at_gte=updated_at_gte,
                updated_at_lte=updated_at_lte,
                state=state,
                order_by=order_by,
                fields=fields,
            )
            collection = await self._http.request_model(
                "GET", path, DAGRunCollection, params=params
            )
            return Page(
                items=collection.dag_runs or [],
                total_entries=collection.total_entries,
                offset=page_offset,
                limit=page_limit,
                raw=collection,
            )

        return AsyncPaginator(fetch, offset=offset, limit=limit)

    def list_batch(
        self,
        *,
        dag_ids: Sequence[str] | None = None,
        states: Sequence[DagState | str] | None = None,
        execution_date_gte: datetime | None = None,
        execution_date_lte: datetime | None = None,
        start_date_gte: datetime | None = None,
        start_date_lte: datetime | None = None,
        end_date_gte: datetime | None = None,
        end_date_lte: datetime | None = None,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> AsyncPaginator[DAGRun]:
        """List runs across DAGs with filters sent in the body (for long lists of DAG ids).

        ``POST /dags/~/dagRuns/list``

        Paging uses the body's ``page_offset``/``page_limit``; the paginator works as for
        :meth:`list`. The request only reads, so it is retried like a GET.

        Args:
            dag_ids: Runs of any of these DAGs.
            states: Runs in any of these states.
            execution_date_gte: Runs with a logical date at or after this time.
            execution_date_lte: Runs with a logical date at or before this time.
            start_date_gte: Runs started at or after this time.
            start_date_lte: Runs started at or before this time.
            end_date_gte: Runs ended at or after this time.
            end_date_lte: Runs ended at or before this time.
            order_by: A field to sort by, ``-`` in front to reverse.
            limit: Page size.
            offset: Where to start.
        """
        filters: dict[str, Any] = {
            "dag_ids": list(dag_ids) if dag_ids is not None else None,
            "states": list(states) if states is not None else None,
            "execution_date_gte": execution_date_gte,
            "execution_date_lte": execution_date_lte,
            "start_date_gte": start_date_gte,
            "start_date_lte": start_date_lte,
            "end_date_gte": end_date_gte,
            "end_date_lte": end_date_lte,
            "order_by": order_by,
        }
        given = {name: value for name, value in filters.items() if value is not None}

        async def fetch(page_offset: int, page_limit: int | None) -> Page[DAGRun]:
            body = json_body(
                **given,
                page_offset=page_offset,
                page_limit=page_limit if page_limit is not None else UNSET,
            )
            collection = await self._http.request_model(
                "POST", "/dags/~/dagRuns/list", DAGRunCollection, json_body=body, idempotent=True
            )
            return Page(
                items=collection.dag_runs or [],
                total_entries=collection.total_entries,
                offset=page_offset,
                limit=page_limit,
                raw=collection,
            )

        return AsyncPaginator(fetch, offset=offset, limit=limit)

    async def get(
        self, dag_id: str, dag_run_id: str, *, fields: Sequence[str] | None = None
    ) -> DAGRun:
        """Get one DAG run.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}``

        Raises:
            NotFoundError: No such DAG or run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}", dag_id=dag_id, dag_run_id=dag_run_id
        )
        return await self._http.request_model(
            "GET", path, DAGRun, params=query_params(fields=fields)
        )

    async def trigger(
        self,
        dag_id: str,
        *,
        dag_run_id: Missing[str] = UNSET,
        logical_date: Missing[datetime] = UNSET,
        data_interval_start: Missing[datetime] = UNSET,
        data_interval_end: Missing[datetime] = UNSET,
        conf: Missing[Mapping[str, Any]] = UNSET,
        note: Missing[str | None] = UNSET,
        idempotent: bool = False,
    ) -> DAGRun:
        """Trigger a new run of a DAG.

        ``POST /dags/{dag_id}/dagRuns``

        A run on a paused DAG is created but stays queued until the DAG is unpaused. The
        request is not retried after an ambiguous failure (it might have created the run)
        unless ``idempotent=True``; give a ``dag_run_id`` to make a replay safe, since a
        second create with the same id answers 409.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id (default: made by the server from the logical date).
            logical_date: The run's logical date, timezone-aware (default: now).
            data_interval_start: Start of the interval the run covers.
            data_interval_end: End of the interval the run covers.
            conf: Configuration passed to the run (``dag_run.conf``).
            note: A note on the run.
            idempotent: Allow retrying after an ambiguous failure.

        Raises:
            ConflictError: A run with this id (or logical date) exists.
            NotFoundError: No such DAG.
            BadRequestError: The server refused the fields.
        """
        body = json_body(
            dag_run_id=dag_run_id,
            logical_date=logical_date,
            data_interval_start=data_interval_start,
            data_interval_end=data_interval_end,
            conf=dict(conf) if conf is not UNSET else UNSET,
            note=note,
        )
        path = build_path("/dags/{dag_id}/dagRuns", dag_id=dag_id)
        return await self._http.request_model(
            "POST", path, DAGRun, json_body=body, idempotent=idempotent or None
        )

    async def update_state(self, dag_id: str, dag_run_id: str, *, state: DagState | str) -> DAGRun:
        """Set a DAG run's state (``"success"``, ``"failed"`` or ``"queued"``).

        ``PATCH /dags/{dag_id}/dagRuns/{dag_run_id}``

        Raises:
            NotFoundError: No such DAG or run.
            BadRequestError: The state is not one the server accepts.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}", dag_id=dag_id, dag_run_id=dag_run_id
        )
        return await self._http.request_model(
            "PATCH", path, DAGRun, json_body=json_body(state=state)
        )

    async def clear(
        self, dag_id: str, dag_run_id: str, *, dry_run: bool = True
    ) -> DAGRun | TaskInstanceCollection:
        """Clear a DAG run: its task instances run again.

        ``POST /dags/{dag_id}/dagRuns/{dag_run_id}/clear``

        Like the server, this is a dry run unless ``dry_run=False`` is given.

        Returns:
            With ``dry_run=True``, the task instances that would be cleared; otherwise the
            cleared run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}/clear", dag_id=dag_id, dag_run_id=dag_run_id
        )
        body = json_body(dry_run=dry_run)
        if dry_run:
            return await self._http.request_model(
                "POST", path, TaskInstanceCollection, json_body=body, idempotent=True
            )
        return await self._http.request_model("POST", path, DAGRun, json_body=body)

    async def delete(self, dag_id: str, dag_run_id: str) -> None:
        """Delete a DAG run.

        ``DELETE /dags/{dag_id}/dagRuns/{dag_run_id}``

        Raises:
            NotFoundError: No such DAG or run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}", dag_id=dag_id, dag_run_id=dag_run_id
        )
        await self._http.request_empty("DELETE", path)

    async def set_note(self, dag_id: str, dag_run_id: str, note: str) -> DAGRun:
        """Set the note of a DAG run.

        ``PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/setNote``

        Raises:
            NotFoundError: No such DAG or run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", dag_id=dag_id, dag_run_id=dag_run_id
        )
        return await self._http.request_model("PATCH", path, DAGRun, json_body=json_body(note=note))

    async def list_upstream_dataset_events(
        self, dag_id: str, dag_run_id: str
    ) -> builtins.list[DatasetEvent]:
        """List the dataset events that triggered a dataset-scheduled run.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents``

        Raises:
            NotFoundError: No such DAG or run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
        )
        collection = await self._http.request_model("GET", path, DatasetEventCollection)
        return builtins.list(collection.dataset_events or [])
