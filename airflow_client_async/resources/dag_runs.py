"""``client.dag_runs``: the DagRun tag of both APIs.

:class:`DagRunsResource` holds the reads, the trigger and the changes to one run. It is
built from :class:`~._dag_run_changes.DagRunChanges` (clears and bulk changes),
:class:`~._fan_out.DagRunFanOut` (many triggers at once) and
:class:`~._waiting.DagRunWaiting` (waiting for runs to end).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, JsonValue, Missing
from ..models import (
    AssetEvent,
    AssetEventCollection,
    DAGRun,
    DAGRunCollection,
    DagRunState,
    DagRunType,
)
from ._base import OrderBy, checked_filters
from ._dag_run_changes import DagRunBulkUpdate, DagRunChanges
from ._fan_out import DagRunFanOut
from ._ranges import V1_DATES, RunRanges, UpdatedAtRanges
from ._waiting import DagRunWaiting
from .dags import with_identity

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = [
    "DagRunBulkUpdate",
    "DagRunFilters",
    "DagRunListFilters",
    "DagRunsResource",
]

_RUNS = "/dags/{dag_id}/dagRuns"
_RUN = _RUNS + "/{dag_run_id}"


class DagRunFilters(RunRanges, total=False):
    """Which runs a list selects, in the query of :meth:`DagRunsResource.list` or the body
    of :meth:`DagRunsResource.list_batch`.

    The date and duration bounds are those of :class:`~._ranges.RunRanges`. Airflow 2
    takes the ``_gte`` and ``_lte`` bounds of ``logical_date`` (as ``execution_date``),
    ``start_date`` and ``end_date``; the others, and every ``duration_*`` key, are
    Airflow 3 only.

    Keys:
        state: Runs in any of these states.
        conf_contains: Runs whose ``conf``, as JSON text, contains this. Airflow 3 only.
    """

    state: Sequence[DagRunState | str]
    conf_contains: str


class DagRunListFilters(DagRunFilters, UpdatedAtRanges, total=False):
    """The filters of :meth:`DagRunsResource.list`: :class:`DagRunFilters` and these.

    The ``updated_at_*`` bounds are those of :class:`~._ranges.UpdatedAtRanges`. Every
    key below is Airflow 3 only.

    Keys:
        run_type: Runs of any of these types (``manual``, ``scheduled``, ``backfill``, …).
        dag_version: Runs of any of these DAG version numbers.
        bundle_version: Runs of this bundle version.
        run_id_pattern: Runs whose id contains this, case-insensitively (``ILIKE``).
        run_id_prefix_pattern: Runs whose id starts with this.
        triggering_user_name_pattern: Runs triggered by a user whose name contains this.
        triggering_user_name_prefix_pattern: … whose name starts with this.
        dag_id_pattern: Runs of DAGs whose id contains this (with ``dag_id="~"``).
        dag_id_prefix_pattern: Runs of DAGs whose id starts with this.
        partition_key_pattern: Runs whose partition key contains this.
        partition_key_prefix_pattern: Runs whose partition key starts with this.
        consuming_asset_pattern: Runs of DAGs consuming an asset whose name or URI
            contains this.
        partition_date_gte: Runs whose partition date is on or after this date.
        partition_date_lte: Runs whose partition date is on or before this date.
    """

    run_type: Sequence[DagRunType | str]
    dag_version: Sequence[int]
    bundle_version: str
    run_id_pattern: str
    run_id_prefix_pattern: str
    triggering_user_name_pattern: str
    triggering_user_name_prefix_pattern: str
    dag_id_pattern: str
    dag_id_prefix_pattern: str
    partition_key_pattern: str
    partition_key_prefix_pattern: str
    consuming_asset_pattern: str
    partition_date_gte: dt.date | str
    partition_date_lte: dt.date | str


class DagRunsResource(DagRunChanges, DagRunFanOut, DagRunWaiting):
    """DAG runs: list, get, trigger, update, clear, delete, bulk, wait; fan-out over many."""

    namespace = "dag_runs"

    _list = Routes(
        v1=Route("GET", _RUNS, "get_dag_runs", params=V1_DATES),
        v2=Route("GET", _RUNS, "get_dag_runs", unneeded={"fields"}),
    )

    def list(
        self,
        dag_id: str = "~",
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        fields: Sequence[str] | None = None,
        **filters: Unpack[DagRunListFilters],
    ) -> AsyncPaginator[DAGRun]:
        """List the runs of a DAG (or of every DAG with ``"~"``, the default).

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by, ``-`` in front to reverse (Airflow 2: one field).
                ``logical_date`` is sent as ``execution_date`` to Airflow 2.
            fields: Airflow 2: return only these fields of each run (``dag_id`` and
                ``dag_run_id`` are always added). Airflow 3 always returns whole runs.
            **filters: Which runs: see :class:`DagRunListFilters`.

        Returns:
            A paginator of :class:`DAGRun`.

        Raises:
            TypeError: A filter that is not a :class:`DagRunListFilters` key.
            UnsupportedByServerError: Airflow 2 was given a filter only Airflow 3 has.
        """
        query = {
            **checked_filters(filters, DagRunListFilters),
            "fields": with_identity(fields, "dag_id", "dag_run_id"),
        }

        return self._paginate(
            self._list,
            DAGRunCollection,
            lambda c: c.dag_runs,
            path={"dag_id": dag_id},
            query={**query, "order_by": order_by},
            offset=offset,
            limit=limit,
        )

    _list_batch = Routes(
        v1=Route(
            "POST",
            "/dags/~/dagRuns/list",
            "get_dag_runs_batch",
            body={**V1_DATES, "state": "states"},
        ),
        v2=Route("POST", _RUNS + "/list", "get_list_dag_runs_batch", body={"state": "states"}),
    )

    def list_batch(
        self,
        *,
        dag_ids: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
        order_by: str | None = None,
        **filters: Unpack[DagRunFilters],
    ) -> AsyncPaginator[DAGRun]:
        """List runs across DAGs with the filters in a request body (for long id lists).

        The paginator works as for :meth:`list`; the request only reads, so it is retried
        like a ``GET``.

        Args:
            dag_ids: Runs of any of these DAGs (``None``: of every DAG).
            limit: Page size.
            offset: Where to start.
            order_by: A field to sort by, ``-`` in front to reverse (one field on both;
                ``logical_date`` is sent as ``execution_date`` to Airflow 2).
            **filters: Which runs: see :class:`DagRunFilters`.

        Returns:
            A paginator of :class:`DAGRun`.
        """
        body: dict[str, object] = {**checked_filters(filters, DagRunFilters), "dag_ids": dag_ids}

        return self._paginate_body(
            self._list_batch,
            DAGRunCollection,
            lambda c: c.dag_runs,
            path={"dag_id": "~"},
            body={**body, "order_by": order_by},
            offset=offset,
            limit=limit,
        )

    _get = Routes(
        v1=Route("GET", _RUN, "get_dag_run"),
        v2=Route("GET", _RUN, "get_dag_run", unneeded={"fields"}),
    )

    async def get(
        self, dag_id: str, dag_run_id: str, *, fields: Sequence[str] | None = None
    ) -> DAGRun:
        """Get one DAG run.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            fields: Airflow 2: return only these fields (``dag_id`` and ``dag_run_id``
                are always added). Airflow 3 always returns the whole run.

        Raises:
            NotFoundError: No such DAG or run.
        """
        sent = await self._send(
            self._get,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id},
            query={"fields": with_identity(fields, "dag_id", "dag_run_id")},
        )
        return sent.model(DAGRun)

    _trigger = Routes(
        v1=Route("POST", _RUNS, "post_dag_run"),
        v2=Route("POST", _RUNS, "trigger_dag_run"),
    )

    async def trigger(
        self,
        dag_id: str,
        *,
        dag_run_id: Missing[str] = UNSET,
        logical_date: dt.datetime | None = None,
        data_interval_start: Missing[dt.datetime] = UNSET,
        data_interval_end: Missing[dt.datetime] = UNSET,
        conf: Missing[Mapping[str, JsonValue]] = UNSET,
        note: Missing[str | None] = UNSET,
        run_after: Missing[dt.datetime] = UNSET,
        partition_key: Missing[str | None] = UNSET,
        idempotent: bool = False,
    ) -> DAGRun:
        """Trigger a new run of a DAG.

        A run on a paused DAG is created but stays queued until the DAG is unpaused. The
        request is not retried after an ambiguous failure (it might have created the run)
        unless ``idempotent=True``; give a ``dag_run_id`` to make a replay safe, since a
        second create with the same id answers 409.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id (default: made by the server). Airflow accepts
                ``^[A-Za-z0-9_.~:+-]+$`` by default, and Airflow 3 refuses ``..`` in it.
            logical_date: The run's logical date, timezone-aware. ``None``: Airflow 2
                takes the time of the trigger; Airflow 3 creates the run without one (it
                is sent as ``null``, which Airflow 3 requires).
            data_interval_start: Start of the interval the run covers (give both or
                neither on Airflow 3).
            data_interval_end: End of the interval the run covers.
            conf: Configuration passed to the run (``dag_run.conf``).
            note: A note on the run.
            run_after: When the run may start at the earliest. Airflow 3 only.
            partition_key: The partition the run is for. Airflow 3 only.
            idempotent: Allow retrying after an ambiguous failure.

        Raises:
            ConflictError: A run with this id (or logical date) exists.
            NotFoundError: No such DAG.
            BadRequestError: The server refused the fields (Airflow 3: a 422
                :class:`UnprocessableEntityError`, or 400 for a run id it refuses).
            ValueError: A naive datetime.
        """
        _, api_version = await self._route(self._trigger)
        body: dict[str, object] = {
            "dag_run_id": dag_run_id,
            "logical_date": logical_date,
            "data_interval_start": data_interval_start,
            "data_interval_end": data_interval_end,
            "conf": dict(conf) if conf is not UNSET else UNSET,
            "note": note,
            "run_after": run_after,
            "partition_key": partition_key,
        }
        if logical_date is None and api_version == "v1":
            # Airflow 3 requires the key (null: no logical date); Airflow 2 takes the time
            # of the trigger when it is absent.
            body["logical_date"] = UNSET
        sent = await self._send(
            self._trigger, path={"dag_id": dag_id}, body=body, idempotent=idempotent or None
        )
        return sent.model(DAGRun)

    _update = Routes(
        v1=Route("PATCH", _RUN, "update_dag_run_state"),
        v2=Route("PATCH", _RUN, "patch_dag_run"),
    )
    # Airflow 2 sets the note through its own operation; Airflow 3 with the same PATCH.
    _update__note = Routes(
        v1=Route("PATCH", _RUN + "/setNote", "set_dag_run_note"),
        v2=Route("PATCH", _RUN, "patch_dag_run"),
    )

    async def update(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        state: Missing[DagRunState | str] = UNSET,
        note: Missing[str | None] = UNSET,
    ) -> DAGRun:
        """Set a DAG run's state, its note, or both.

        Airflow 3 changes both in one PATCH naming exactly the fields given in
        ``update_mask``. Airflow 2 has an operation for each: with both given, this takes
        two requests, the state first.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            state: ``"queued"``, ``"success"`` or ``"failed"``.
            note: A note (``None`` clears it on Airflow 3).

        Returns:
            The run after the change.

        Raises:
            ValueError: Neither field was given.
            NotFoundError: No such DAG or run.
            BadRequestError: The state is not one the server accepts.
        """
        path = {"dag_id": dag_id, "dag_run_id": dag_run_id}
        _, api_version = await self._route(self._update)
        if api_version == "v2":
            sent = await self._send(self._update, path=path, update={"state": state, "note": note})
            return sent.model(DAGRun)
        if state is UNSET and note is UNSET:
            raise ValueError("give at least one field to update: state, note")
        if state is not UNSET:
            sent = await self._send(self._update, path=path, body={"state": state})
            if note is UNSET:
                return sent.model(DAGRun)
        sent = await self._send(self._update__note, path=path, body={"note": note})
        return sent.model(DAGRun)

    _delete = Routes.both("DELETE", _RUN, "delete_dag_run")

    async def delete(self, dag_id: str, dag_run_id: str) -> None:
        """Delete a DAG run.

        Raises:
            NotFoundError: No such DAG or run.
            ConflictError: Airflow 3 does not delete a running run.
        """
        await self._send(self._delete, path={"dag_id": dag_id, "dag_run_id": dag_run_id})

    _list_upstream_asset_events = Routes(
        v1=Route(
            "GET", _RUN + "/upstreamDatasetEvents", "get_upstream_dataset_events", paged=False
        ),
        v2=Route("GET", _RUN + "/upstreamAssetEvents", "get_upstream_asset_events", paged=False),
    )

    def list_upstream_asset_events(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPaginator[AssetEvent]:
        """List the asset (Airflow 2: dataset) events that triggered an asset-scheduled run.

        The server sends every event at once; ``limit`` and ``offset`` slice the list here.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            limit: Page size (``None``: every event).
            offset: Where to start.

        Returns:
            A paginator of the events.

        Raises:
            NotFoundError: No such DAG or run (when the paginator is first read).
        """
        return self._paginate(
            self._list_upstream_asset_events,
            AssetEventCollection,
            lambda c: c.asset_events,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id},
            offset=offset,
            limit=limit,
        )
