"""``client.dag_runs``: the DagRun tag of both APIs, and fan-out and wait helpers."""

from __future__ import annotations

import builtins
import collections
import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal, TypedDict, overload

import anyio
import attrs
import httpx

from .._bulk import BulkResult, OnNonExistence
from .._errors import (
    APITimeoutError,
    ConflictError,
    UnsupportedByServerError,
    WaitTimeoutError,
)
from .._http import Attempt, capture_attempts, invalid_response
from .._operation._render import build_path
from .._pagination import AsyncPaginator, Page
from .._routes import ApiVersion, Route, Routes
from .._streaming import LineStream
from .._types import UNSET, JsonValue, Missing
from .._workflows import (
    TERMINAL_RUN_STATES,
    DagRunResults,
    RunError,
    RunOk,
    RunResult,
    TriggerRequest,
    new_run_id,
)
from ..models import (
    AssetEvent,
    AssetEventCollection,
    ClearPartitionsResult,
    DAGRun,
    DAGRunCollection,
    DagRunState,
    DagRunType,
    TaskInstance,
    TaskInstanceCollection,
    TaskInstanceReferenceCollection,
)
from ._base import DateTimeFilter, OrderBy, Resource, checked_filters
from ._task_instance_changes import read_referenced
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

# Airflow 2 calls the logical date by its older name in filters, and has no _gt/_lt forms.
_V1_DATES = {"logical_date_gte": "execution_date_gte", "logical_date_lte": "execution_date_lte"}
_V1_SORT = {"logical_date": "execution_date", "-logical_date": "-execution_date"}

#: A run as :meth:`DagRunsResource.wait_many` names it: ``(dag_id, dag_run_id)``.
_Key = tuple[str, str]

#: The 0.1 name of :data:`DateTimeFilter`, which ``resources.task_instances`` imports.
DateFilter = DateTimeFilter


class DagRunFilters(TypedDict, total=False):
    """Which runs a list selects, in the query of :meth:`DagRunsResource.list` or the body
    of :meth:`DagRunsResource.list_batch`.

    Date filters take timezone-aware datetimes (both servers refuse naive ones) or ISO
    8601 strings, sent unchanged.

    Keys:
        state: Runs in any of these states.
        logical_date_gte: Runs with a logical date at or after this time (Airflow 2's
            ``execution_date_gte``).
        logical_date_gt: … after this time. Airflow 3 only.
        logical_date_lte: … at or before this time (Airflow 2's ``execution_date_lte``).
        logical_date_lt: … before this time. Airflow 3 only.
        start_date_gte: Runs started at or after this time.
        start_date_gt: … after this time. Airflow 3 only.
        start_date_lte: Runs started at or before this time.
        start_date_lt: … before this time. Airflow 3 only.
        end_date_gte: Runs ended at or after this time.
        end_date_gt: … after this time. Airflow 3 only.
        end_date_lte: Runs ended at or before this time.
        end_date_lt: … before this time. Airflow 3 only.
        run_after_gte: Runs due at or after this time. Airflow 3 only, as are the other
            three ``run_after_*`` forms.
        run_after_gt: Runs due after this time.
        run_after_lte: Runs due at or before this time.
        run_after_lt: Runs due before this time.
        duration_gte: Runs that took at least this many seconds. Airflow 3 only, as are
            the other three ``duration_*`` forms.
        duration_gt: … more than this many seconds.
        duration_lte: … at most this many seconds.
        duration_lt: … less than this many seconds.
        conf_contains: Runs whose ``conf``, as JSON text, contains this. Airflow 3 only.
    """

    state: Sequence[DagRunState | str]
    logical_date_gte: DateTimeFilter
    logical_date_gt: DateTimeFilter
    logical_date_lte: DateTimeFilter
    logical_date_lt: DateTimeFilter
    start_date_gte: DateTimeFilter
    start_date_gt: DateTimeFilter
    start_date_lte: DateTimeFilter
    start_date_lt: DateTimeFilter
    end_date_gte: DateTimeFilter
    end_date_gt: DateTimeFilter
    end_date_lte: DateTimeFilter
    end_date_lt: DateTimeFilter
    run_after_gte: DateTimeFilter
    run_after_gt: DateTimeFilter
    run_after_lte: DateTimeFilter
    run_after_lt: DateTimeFilter
    duration_gte: float
    duration_gt: float
    duration_lte: float
    duration_lt: float
    conf_contains: str


class DagRunListFilters(DagRunFilters, total=False):
    """The filters of :meth:`DagRunsResource.list`: :class:`DagRunFilters` and these.

    Every key below but ``updated_at_gte`` and ``updated_at_lte`` is Airflow 3 only.

    Keys:
        updated_at_gte: Runs updated at or after this time.
        updated_at_gt: … after this time.
        updated_at_lte: Runs updated at or before this time.
        updated_at_lt: … before this time.
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

    updated_at_gte: DateTimeFilter
    updated_at_gt: DateTimeFilter
    updated_at_lte: DateTimeFilter
    updated_at_lt: DateTimeFilter
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


class _DagRunKey(TypedDict):
    dag_run_id: str


class DagRunBulkUpdate(_DagRunKey, total=False):
    """One run to change in :meth:`DagRunsResource.bulk`.

    Keys:
        dag_run_id: The run (required).
        dag_id: Its DAG, when the bulk request's ``dag_id`` is ``"~"``.
        state: The new state: ``"queued"``, ``"success"`` or ``"failed"``.
        note: The new note.
    """

    dag_id: str
    state: DagRunState | str
    note: str | None


def _run_entity(dag_id: str, run: str | tuple[str, str]) -> dict[str, object]:
    """The body of one run named by id (of ``dag_id``) or by ``(dag_id, dag_run_id)``."""
    if isinstance(run, str):
        if dag_id == "~":
            raise ValueError(f"with dag_id '~', name the run {run!r} as (dag_id, dag_run_id)")
        return {"dag_run_id": run}
    run_dag_id, run_id = run
    return {"dag_run_id": run_id, "dag_id": run_dag_id}


class DagRunsResource(Resource):
    """DAG runs: list, get, trigger, update, clear, delete, wait; fan-out over many."""

    namespace = "dag_runs"

    _list = Routes(
        v1=Route("GET", _RUNS, "get_dag_runs", params=_V1_DATES),
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

        async def fetch(page_offset: int, page_limit: int | None) -> Page[DAGRun]:
            _, api_version = await self._route(self._list)
            page = self._paginate(
                self._list,
                DAGRunCollection,
                lambda c: c.dag_runs,
                path={"dag_id": dag_id},
                query={**query, "order_by": _sort_key(order_by, api_version)},
                offset=page_offset,
                limit=page_limit,
            )
            return await page

        return AsyncPaginator(fetch, offset=offset, limit=limit)

    _list_batch = Routes(
        v1=Route(
            "POST",
            "/dags/~/dagRuns/list",
            "get_dag_runs_batch",
            body={**_V1_DATES, "state": "states"},
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

        async def fetch(page_offset: int, page_limit: int | None) -> Page[DAGRun]:
            _, api_version = await self._route(self._list_batch)
            page = self._paginate_body(
                self._list_batch,
                DAGRunCollection,
                lambda c: c.dag_runs,
                path={"dag_id": "~"},
                body={**body, "order_by": _sort_key(order_by, api_version)},
                offset=page_offset,
                limit=page_limit,
            )
            return await page

        return AsyncPaginator(fetch, offset=offset, limit=limit)

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

    _clear = Routes.both("POST", _RUN + "/clear", "clear_dag_run")

    @overload
    async def clear(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        dry_run: Literal[True] = ...,
        only_failed: Missing[bool] = ...,
        only_new: Missing[bool] = ...,
        run_on_latest_version: Missing[bool] = ...,
        note: Missing[str | None] = ...,
    ) -> builtins.list[TaskInstance]: ...

    @overload
    async def clear(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        dry_run: Literal[False],
        only_failed: Missing[bool] = ...,
        only_new: Missing[bool] = ...,
        run_on_latest_version: Missing[bool] = ...,
        note: Missing[str | None] = ...,
    ) -> DAGRun: ...

    @overload
    async def clear(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        dry_run: bool,
        only_failed: Missing[bool] = ...,
        only_new: Missing[bool] = ...,
        run_on_latest_version: Missing[bool] = ...,
        note: Missing[str | None] = ...,
    ) -> builtins.list[TaskInstance] | DAGRun: ...

    async def clear(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        dry_run: bool = True,
        only_failed: Missing[bool] = UNSET,
        only_new: Missing[bool] = UNSET,
        run_on_latest_version: Missing[bool] = UNSET,
        note: Missing[str | None] = UNSET,
    ) -> builtins.list[TaskInstance] | DAGRun:
        """Clear a DAG run: its task instances run again.

        Like both servers, this only previews unless ``dry_run=False`` is given (the
        choice is always sent).

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            dry_run: Only list what would be cleared (the default).
            only_failed: Only the failed task instances. Airflow 3 only.
            only_new: Only tasks new in the latest DAG version. Airflow 3 only.
            run_on_latest_version: Run the cleared tasks on the latest DAG version.
                Airflow 3 only.
            note: A note on the run. Airflow 3 only.

        Returns:
            With ``dry_run=True``, the task instances that would be cleared (on Airflow 2
            each carries only ``task_id``, ``dag_id``, ``dag_run_id`` and
            ``execution_date``; on Airflow 3 a task new in the DAG only ``task_id``);
            otherwise the cleared run.

        Raises:
            NotFoundError: No such DAG or run.
        """
        body = {
            "dry_run": dry_run,
            "only_failed": only_failed,
            "only_new": only_new,
            "run_on_latest_version": run_on_latest_version,
            "note": note,
        }
        path = {"dag_id": dag_id, "dag_run_id": dag_run_id}
        if dry_run:
            sent = await self._send(self._clear, path=path, body=body, idempotent=True)
            if sent.api_version == "v1":
                # Airflow 2 previews with references (no map index, no try): read them.
                collection = sent.model(TaskInstanceReferenceCollection)
                instances = self._client.task_instances
                return await read_referenced(instances, collection.task_instances or [])
            return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])
        sent = await self._send(self._clear, path=path, body=body)
        return sent.model(DAGRun)

    _clear_many = Routes(
        v2=Route("POST", "/dags/{dag_id}/clearDagRuns", "clear_dag_runs", since=(3, 3))
    )

    @overload
    async def clear_many(
        self,
        dag_id: str,
        *,
        dag_runs: Sequence[str | tuple[str, str]] = ...,
        partition_key: Missing[str] = ...,
        partition_date_start: Missing[dt.datetime] = ...,
        partition_date_end: Missing[dt.datetime] = ...,
        dry_run: Literal[True] = ...,
        only_failed: Missing[bool] = ...,
        only_new: Missing[bool] = ...,
        run_on_latest_version: Missing[bool] = ...,
        note: Missing[str | None] = ...,
    ) -> builtins.list[TaskInstance]: ...

    @overload
    async def clear_many(
        self,
        dag_id: str,
        *,
        dag_runs: Sequence[str | tuple[str, str]] = ...,
        partition_key: Missing[str] = ...,
        partition_date_start: Missing[dt.datetime] = ...,
        partition_date_end: Missing[dt.datetime] = ...,
        dry_run: Literal[False],
        only_failed: Missing[bool] = ...,
        only_new: Missing[bool] = ...,
        run_on_latest_version: Missing[bool] = ...,
        note: Missing[str | None] = ...,
    ) -> builtins.list[DAGRun]: ...

    @overload
    async def clear_many(
        self,
        dag_id: str,
        *,
        dag_runs: Sequence[str | tuple[str, str]] = ...,
        partition_key: Missing[str] = ...,
        partition_date_start: Missing[dt.datetime] = ...,
        partition_date_end: Missing[dt.datetime] = ...,
        dry_run: bool,
        only_failed: Missing[bool] = ...,
        only_new: Missing[bool] = ...,
        run_on_latest_version: Missing[bool] = ...,
        note: Missing[str | None] = ...,
    ) -> builtins.list[TaskInstance] | builtins.list[DAGRun]: ...

    async def clear_many(
        self,
        dag_id: str,
        *,
        dag_runs: Sequence[str | tuple[str, str]] = (),
        partition_key: Missing[str] = UNSET,
        partition_date_start: Missing[dt.datetime] = UNSET,
        partition_date_end: Missing[dt.datetime] = UNSET,
        dry_run: bool = True,
        only_failed: Missing[bool] = UNSET,
        only_new: Missing[bool] = UNSET,
        run_on_latest_version: Missing[bool] = UNSET,
        note: Missing[str | None] = UNSET,
    ) -> builtins.list[TaskInstance] | builtins.list[DAGRun]:
        """Clear several runs in one request. Airflow 3.3 and later.

        Name the runs (``dag_runs``) or select them by partition (``partition_key``, or a
        window of ``partition_date_start``/``partition_date_end``): one way, not both.
        Like :meth:`clear`, this only previews unless ``dry_run=False`` is given.

        Args:
            dag_id: The DAG id, or ``"~"`` when runs are named as pairs.
            dag_runs: Run ids of ``dag_id``, or ``(dag_id, dag_run_id)`` pairs.
            partition_key: The runs of this partition key.
            partition_date_start: The runs whose partition date is on or after this.
            partition_date_end: The runs whose partition date is on or before this.
            dry_run: Only list what would be cleared (the default).
            only_failed: Only the failed task instances.
            only_new: Only tasks new in the latest DAG version.
            run_on_latest_version: Run the cleared tasks on the latest DAG version.
            note: A note on each run.

        Returns:
            With ``dry_run=True``, the task instances that would be cleared; otherwise
            the cleared runs.

        Raises:
            ValueError: A run id alone with ``dag_id="~"``.
            UnsupportedByServerError: The server is Airflow 2, or 3 before 3.3.
            UnprocessableEntityError: Both or neither way of choosing runs was given.
        """
        body = {
            "dag_runs": [_run_entity(dag_id, run) for run in dag_runs] or UNSET,
            "partition_key": partition_key,
            "partition_date_start": partition_date_start,
            "partition_date_end": partition_date_end,
            "dry_run": dry_run,
            "only_failed": only_failed,
            "only_new": only_new,
            "run_on_latest_version": run_on_latest_version,
            "note": note,
        }
        path = {"dag_id": dag_id}
        if dry_run:
            sent = await self._send(self._clear_many, path=path, body=body, idempotent=True)
            return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])
        sent = await self._send(self._clear_many, path=path, body=body)
        return builtins.list(sent.model(DAGRunCollection).dag_runs or [])

    _clear_partitions = Routes(
        v2=Route(
            "POST",
            "/dags/{dag_id}/clearPartitions",
            "clear_dag_run_partitions",
            body={"dag_run_id": "run_id"},
            since=(3, 3),
        )
    )

    async def clear_partitions(
        self,
        dag_id: str,
        *,
        partition_key: Missing[str] = UNSET,
        partition_date_start: Missing[dt.datetime] = UNSET,
        partition_date_end: Missing[dt.datetime] = UNSET,
        dag_run_id: Missing[str] = UNSET,
        clear_task_instances: Missing[bool] = UNSET,
        dry_run: bool = True,
    ) -> ClearPartitionsResult:
        """Take runs out of their partitions (their partition fields become empty).

        Airflow 3.3 and later. Select the runs one way: by ``partition_key``, by a window
        of partition dates, or one run by ``dag_run_id``. Like the other clears, this
        only counts what would change unless ``dry_run=False`` is given.

        Args:
            dag_id: The DAG id.
            partition_key: The runs of this partition key.
            partition_date_start: The runs whose partition date is on or after this.
            partition_date_end: The runs whose partition date is on or before this.
            dag_run_id: This run.
            clear_task_instances: Also clear the runs' task instances (default: no).
            dry_run: Only count what would change (the default).

        Returns:
            How many runs and task instances were (or would be) cleared.

        Raises:
            UnsupportedByServerError: The server is Airflow 2, or 3 before 3.3.
            UnprocessableEntityError: Not exactly one way of choosing runs was given.
        """
        body = {
            "partition_key": partition_key,
            "partition_date_start": partition_date_start,
            "partition_date_end": partition_date_end,
            "dag_run_id": dag_run_id,
            "clear_task_instances": clear_task_instances,
            "dry_run": dry_run,
        }
        sent = await self._send(
            self._clear_partitions, path={"dag_id": dag_id}, body=body, idempotent=dry_run
        )
        return sent.model(ClearPartitionsResult)

    _bulk__dag_runs = Routes(v2=Route("PATCH", _RUNS, "bulk_dag_runs", since=(3, 3)))

    async def bulk(
        self,
        dag_id: str,
        *,
        update: Sequence[DagRunBulkUpdate] = (),
        delete: Sequence[str | tuple[str, str]] = (),
        on_non_existence: OnNonExistence = "fail",
        update_mask: Sequence[str] | None = None,
    ) -> BulkResult:
        """Update and delete many runs in one request. Airflow 3.3 and later.

        Airflow 3 creates no run this way (it answers each create with 405): trigger
        them, or use :meth:`trigger_many`. The answer is 200 even when entities failed:
        check :attr:`BulkResult.ok`, or call :meth:`BulkResult.raise_for_errors`. Each
        entity's key is ``"<dag_id>.<dag_run_id>"``.

        Args:
            dag_id: The DAG id, or ``"~"`` when every run names its own DAG.
            update: Runs to change (state, note).
            delete: Runs to delete: ids of ``dag_id``'s runs, or ``(dag_id, dag_run_id)``
                pairs. A running run is not deleted (409).
            on_non_existence: ``"fail"`` (the default) refuses the action when a run does
                not exist; ``"skip"`` leaves such runs out.
            update_mask: The fields an update changes (``None``: those given).

        Returns:
            Every entity's outcome.

        Raises:
            ValueError: No entity was given, or a run id alone with ``dag_id="~"``.
            UnsupportedByServerError: The server is Airflow 2, or 3 before 3.3.
        """
        updates: builtins.list[dict[str, object]] = [dict(entity) for entity in update]
        deletes = [_run_entity(dag_id, run) for run in delete]
        runs: dict[str, tuple[str, str]] = {}
        for entity in [*updates, *deletes]:
            run_dag_id, run_id = str(entity.get("dag_id") or dag_id), str(entity["dag_run_id"])
            if run_dag_id == "~":
                raise ValueError(f"with dag_id '~', give the dag_id of run {run_id!r}")
            # The server reports each run it applied an action to as "<dag_id>.<run_id>".
            runs[f"{run_dag_id}.{run_id}"] = (run_dag_id, run_id)

        def key_of(entity: Mapping[str, object]) -> str:
            return f"{entity.get('dag_id') or dag_id}.{entity['dag_run_id']}"

        def names_run(message: str, key: str) -> bool:
            # Airflow 3 names a run as ('dag', 'run') or as dag_id: `dag` and run_id: `run`.
            run_dag_id, run_id = runs[key]
            return any(
                f"{quote}{run_dag_id}{quote}" in message and f"{quote}{run_id}{quote}" in message
                for quote in ("'", "`", '"')
            )

        return await self._bulk(
            self._bulk__dag_runs,
            key_of,
            path={"dag_id": dag_id},
            create=[],
            update=updates,
            delete=deletes,
            on_existence="fail",
            on_non_existence=on_non_existence,
            update_mask=update_mask,
            key_in_message=names_run,
        )

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

    # -- fan-out and waiting ---------------------------------------------------------

    async def trigger_many(
        self,
        requests: Iterable[str | TriggerRequest],
        *,
        max_concurrency: int = 16,
        on_result: Callable[[RunResult], object] | None = None,
    ) -> builtins.list[RunResult]:
        """Trigger many runs at once with bounded concurrency over the one connection pool.

        Every run without a ``dag_run_id`` gets one made by the client (accepted by
        Airflow 2 and 3), which makes the trigger safe to retry: it is replayed after an
        ambiguous failure (a timeout or reset after sending, a 500, and the statuses of
        the client's retry policy), and a 409 for an id this call sent means the run was
        created by the lost attempt, so it is fetched and returned (``already_existed``).
        A run id given by the caller is not replayed on ambiguous failures, and a 409 for
        it on the first attempt is an error.

        The concurrency adapts to the server: a trigger that met a 429, a 5xx or a
        timeout (on any attempt) halves the number of triggers let in at once, at most
        once per round of requests in flight; each one answered without them lets one
        more in again, a step of ``1/limit``, up to ``max_concurrency``. Retries follow
        the client's retry policy (``Retry-After`` included).

        Never raises half-way: each request gets a :class:`RunOk` with the run or a
        :class:`RunError` with the error, in the order of ``requests``; both count the
        trigger's attempts (``attempts``: 1 when the first ``POST`` was answered, retries
        after timeouts and resets included). Cancelling the caller cancels the requests
        in flight.

        Args:
            requests: DAG ids, or :class:`TriggerRequest` objects with per-run settings.
            max_concurrency: Requests in flight at once.
            on_result: Called with each result as soon as it is known (for progress);
                an exception it raises stops the call.

        Raises:
            ValueError: ``max_concurrency`` is below 1, or a request is malformed (checked
                before anything is sent).
            TypeError: A request is neither a DAG id nor a :class:`TriggerRequest`.
        """
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be one or more")
        prepared: builtins.list[tuple[TriggerRequest, bool]] = []
        for item in requests:
            request = _trigger_request(item)
            build_path("/dags/{dag_id}", dag_id=request.dag_id)  # an empty id fails here
            generated = request.dag_run_id is None
            if generated:
                request = attrs.evolve(request, dag_run_id=new_run_id())
            prepared.append((request, generated))

        results: builtins.list[RunResult | None] = [None] * len(prepared)
        limiter = _AdaptiveLimit(max_concurrency)
        # A 500 may come after the server created the run (a proxy's, or a failure while
        # answering), so it is as ambiguous as a lost response. The retry policy replays
        # only the statuses it names; for an id this call made a replay is safe (a 409
        # settles it), so those triggers go through a pipeline that retries a 500 too,
        # within the same budget and backoff: the namespace of a client that shares this
        # one's pool and differs by that policy alone.
        policy = self._http.retry_policy
        replaying = self._client.with_options(
            retry_policy=attrs.evolve(policy, statuses=policy.statuses | {500})
        ).dag_runs

        async def trigger_one(index: int, request: TriggerRequest, generated: bool) -> None:
            epoch = await limiter.acquire()
            overloaded = True  # a cancelled trigger tells nothing about the server
            try:
                with capture_attempts() as sent:
                    via = replaying if generated else self
                    result = await self._trigger_for_fan_out(request, generated, sent, via)
                overloaded = isinstance(result.error, APITimeoutError) or any(
                    map(_overloaded, sent)
                )
            finally:
                limiter.release(epoch, overloaded=overloaded)
            results[index] = result
            if on_result is not None:
                on_result(result)

        async with anyio.create_task_group() as group:
            for index, (request, generated) in enumerate(prepared):
                group.start_soon(trigger_one, index, request, generated)
        return [result for result in results if result is not None]

    async def _trigger_for_fan_out(
        self,
        request: TriggerRequest,
        generated: bool,
        sent: builtins.list[Attempt],
        via: DagRunsResource,
    ) -> RunResult:
        """Trigger one run through ``via`` (whose pipeline may replay more), and settle it."""
        run_id = request.dag_run_id or ""
        started = time.perf_counter()
        # The POSTs of this trigger among the attempts: not the token or version requests
        # the first call makes, nor the GET after a 409.
        runs_path = build_path(_RUNS, dag_id=request.dag_id)

        def attempts() -> int:
            return sum(1 for a in sent if a.method == "POST" and a.path.endswith(runs_path))

        try:
            try:
                run = await via.trigger(
                    request.dag_id,
                    dag_run_id=run_id,
                    logical_date=request.logical_date,
                    conf=request.conf if request.conf is not None else UNSET,
                    note=request.note if request.note is not None else UNSET,
                    idempotent=generated,
                )
            except ConflictError as conflict:
                # A 409 after our own earlier attempt means that attempt created the run.
                if not (generated or conflict.retries > 0):
                    raise
                existing = await self.get(request.dag_id, run_id)
                return RunOk(
                    dag_id=request.dag_id,
                    dag_run_id=run_id,
                    run=existing,
                    already_existed=True,
                    attempts=attempts(),
                    elapsed=time.perf_counter() - started,
                )
        except Exception as exc:  # one result per request, whatever went wrong
            return RunError(
                dag_id=request.dag_id,
                dag_run_id=run_id,
                error=exc,
                attempts=attempts(),
                elapsed=time.perf_counter() - started,
            )
        return RunOk(
            dag_id=request.dag_id,
            dag_run_id=run_id,
            run=run,
            attempts=attempts(),
            elapsed=time.perf_counter() - started,
        )

    async def wait(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> DAGRun:
        """Wait until a run reaches a terminal state (``success`` or ``failed``).

        On Airflow 3.1 and later the server does the waiting: one streamed request
        (:meth:`wait_for_results`, the server checking the run every ``poll_interval``
        seconds) and one :meth:`get` for the final record. On older servers this polls
        with :meth:`get`, the interval growing by half each time up to
        ``max_poll_interval``. Measured on Airflow 3.3.2
        (``benchmarks/RESULTS-real.md``): about 2 requests per run instead of 4 or more,
        and no later. To wait for many runs, :meth:`wait_many` costs fewer requests still.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            timeout: Give up after this many seconds (``None``: wait as long as it takes).
            poll_interval: Seconds before the second poll; on Airflow 3.1+, between the
                server's checks.
            max_poll_interval: Upper bound of the interval (polling only).

        Returns:
            The run in its final state (check ``run.state``: a failed run is returned, not
            raised).

        Raises:
            WaitTimeoutError: The run had not ended in time; it carries the last state seen
                (``last_seen`` only when polling: the stream sends states, not runs).
            NotFoundError: No such DAG or run.
            ValueError: A poll interval is not positive.
        """
        if poll_interval <= 0 or max_poll_interval <= 0:
            raise ValueError("poll intervals must be positive")
        deadline = None if timeout is None else anyio.current_time() + timeout

        def left() -> float | None:
            return None if deadline is None else max(deadline - anyio.current_time(), 0.0)

        if await self._server_waits():
            try:
                ended = await self.wait_for_results(
                    dag_id, dag_run_id, interval=poll_interval, timeout=left()
                )
            except WaitTimeoutError as exc:
                raise _wait_timeout(dag_id, dag_run_id, timeout, exc.last_state) from None
            with anyio.move_on_after(left()):
                run = await self.get(dag_id, dag_run_id)
                if run.state is not None and str(run.state) in TERMINAL_RUN_STATES:
                    return run
                # Cleared and queued again since it ended: poll for the time left.
            if left() == 0:
                raise _wait_timeout(dag_id, dag_run_id, timeout, ended.state)
        return await self._poll(
            dag_id, dag_run_id, timeout, left(), poll_interval, max_poll_interval
        )

    async def _server_waits(self) -> bool:
        """Whether the server has the wait stream (Airflow 3.1+)."""
        try:
            await self._route(self._wait_for_results)
        except UnsupportedByServerError:
            return False
        return True

    async def _poll(
        self,
        dag_id: str,
        dag_run_id: str,
        timeout: float | None,
        left: float | None,
        poll_interval: float,
        max_poll_interval: float,
    ) -> DAGRun:
        """Poll with :meth:`get` for at most ``left`` seconds of the caller's ``timeout``."""
        last: DAGRun | None = None
        interval = poll_interval
        with anyio.move_on_after(left):
            while True:
                last = await self.get(dag_id, dag_run_id)
                if last.state is not None and str(last.state) in TERMINAL_RUN_STATES:
                    return last
                await anyio.sleep(interval)
                interval = min(interval * 1.5, max_poll_interval)
        raise _wait_timeout(dag_id, dag_run_id, timeout, last)

    _wait_for_results = Routes(
        v2=Route(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/wait",
            "wait_dag_run_until_finished",
            params={"interval": "interval", "task_ids": "result"},
            since=(3, 1),
        )
    )

    async def wait_for_results(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        task_ids: Sequence[str] | None = None,
        interval: float = 1.0,
        timeout: float | None = None,
    ) -> DagRunResults:
        """Wait for a run to end on the server's side, and read its result tasks' values.

        The server checks the run every ``interval`` seconds and streams its state back
        (an experimental endpoint of Airflow 3.1+); the answer ends when the run does.
        Use :meth:`wait` for a run's full record, on any server.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_ids: The tasks whose return values to read; ``None``: those the DAG
                marks as its results.
            interval: Seconds between the server's checks of the run.
            timeout: Give up after this many seconds (``None``: wait as long as it
                takes).

        Returns:
            The final state and the return values (a failed run is returned, not
            raised).

        Raises:
            WaitTimeoutError: The run had not ended in time; it carries the last state
                the server sent.
            UnsupportedByServerError: The server is older than Airflow 3.1.
            NotFoundError: No such DAG or run.
            PermissionDeniedError: ``task_ids`` were given and the caller may not read
                the DAG's XComs.
            ResponseValidationError: A line of the stream is not a state.
            ValueError: ``interval`` is not positive, or ``task_ids`` is a string.
        """
        if not interval > 0:
            raise ValueError("interval must be positive")
        if isinstance(task_ids, str):
            raise ValueError("task_ids takes a sequence of task ids, not one string")
        query: dict[str, object] = {"interval": interval, "task_ids": task_ids}
        path = {"dag_id": dag_id, "dag_run_id": dag_run_id}
        last: str | None = None
        # A line comes every interval; allow the client's read timeout on top of it.
        read = (self._http.timeout or self._http.pool.http_client.timeout).read
        idle = None if read is None else interval + read
        with anyio.move_on_after(timeout):
            async with self._stream(
                self._wait_for_results, path=path, query=query, idle_timeout=idle
            ) as lines:
                async for line in lines:
                    if not line.strip():
                        continue
                    state, results = _wait_line(lines, line)
                    last = state
                    if state in TERMINAL_RUN_STATES or results is not None:
                        return DagRunResults(
                            dag_id=dag_id,
                            dag_run_id=dag_run_id,
                            state=state,
                            results=results or {},
                        )
                raise invalid_response(
                    lines.response,
                    "a line with a final state",
                    f"the stream ended while the run was {last or 'unread'}",
                    b"",
                )
        raise _wait_timeout(dag_id, dag_run_id, timeout, last)

    async def wait_many(
        self,
        runs: Iterable[DAGRun | RunResult | tuple[str, str]],
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        max_concurrency: int = 16,
        on_result: Callable[[RunResult], object] | None = None,
    ) -> builtins.list[RunResult]:
        """Wait for many runs to end, polling them together in batches.

        Each poll cycle lists the runs of the awaited DAGs that are still queued or
        running, in one paged :meth:`list_batch` request for all of them (pages of 100),
        so a cycle costs as many requests as there are pages of active runs, not one per
        run. The awaited runs missing from that list have ended: their final records come
        from one more paged list, of those DAGs' runs in ``success`` or ``failed`` that
        ended since the earliest time their records hold, latest first; it stops once
        every one is found (or after about twice as many runs as it looks for, when other
        runs of the DAGs ended meanwhile). A run it misses, or the only one to look for,
        is read with :meth:`get`. Either way an ended run is never polled again. Should a
        list fail, the runs it was for are read with :meth:`get` instead.

        Never raises half-way: each run gets a :class:`RunOk` with its final state or a
        :class:`RunError` with the error (a :class:`WaitTimeoutError` when ``timeout``
        ran out for it), in order. A :class:`RunError` from :meth:`trigger_many` is passed
        through as it is; the result for a :class:`RunOk` keeps its ``attempts`` (the
        trigger's), the others have 0.

        Args:
            runs: Runs as returned by :meth:`trigger` or :meth:`trigger_many`, or
                ``(dag_id, dag_run_id)`` pairs.
            timeout: Seconds allowed for all of them together.
            poll_interval: Seconds before the second cycle; each interval is half as long
                again as the one before.
            max_poll_interval: Upper bound of the interval.
            max_concurrency: Reads of ended runs in flight at once.
            on_result: Called with each run's result as soon as it is known (for
                progress); an exception it raises stops the call.

        Raises:
            ValueError: ``max_concurrency`` is below 1, a poll interval is not positive,
                or a run has no ids.
        """
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be one or more")
        if poll_interval <= 0 or max_poll_interval <= 0:
            raise ValueError("poll intervals must be positive")
        awaited = _AwaitedRuns(self, runs, max_concurrency, on_result)
        return await awaited.wait(timeout, poll_interval, max_poll_interval)


class _AwaitedRuns:
    """The runs one :meth:`DagRunsResource.wait_many` call waits for, and their results.

    Attributes:
        dag_runs: The namespace that reads the runs.
        results: A result for each run given, in their order (``None`` while awaited).
        pending: The runs still awaited, each with its places in ``results``.
        attempts: The trigger attempts of the runs given as ``trigger_many``'s results,
            kept in theirs.
        last_seen: The last record of each run: the trigger's answer or a poll's.
        started: When the wait began (``time.perf_counter``).
        limiter: Bounds the reads of single runs in flight.
        on_result: Called with each result as soon as it is known.
    """

    def __init__(
        self,
        dag_runs: DagRunsResource,
        runs: Iterable[DAGRun | RunResult | tuple[str, str]],
        max_concurrency: int,
        on_result: Callable[[RunResult], object] | None,
    ) -> None:
        """Take the runs in; a :class:`RunError` among them is a result already.

        Raises:
            ValueError: A run has no ids.
        """
        self.dag_runs = dag_runs
        self.on_result = on_result
        items = builtins.list(runs)
        self.results: builtins.list[RunResult | None] = [None] * len(items)
        self.pending: dict[_Key, builtins.list[int]] = {}
        self.attempts: dict[_Key, int] = {}
        for index, item in enumerate(items):
            if isinstance(item, RunError):
                self.results[index] = item
                if on_result is not None:
                    on_result(item)
                continue
            if isinstance(item, RunOk):
                key = (item.dag_id, item.dag_run_id)
                self.attempts[key] = max(self.attempts.get(key, 0), item.attempts)
            elif isinstance(item, DAGRun):
                if not item.dag_id or not item.dag_run_id:
                    raise ValueError(f"a DAGRun without dag_id or dag_run_id: {item!r}")
                key = (item.dag_id, item.dag_run_id)
            else:
                key = (item[0], item[1])
            self.pending.setdefault(key, []).append(index)
        self.started = time.perf_counter()
        self.limiter = anyio.CapacityLimiter(max_concurrency)
        self.last_seen: dict[_Key, DAGRun] = {
            (item.dag_id, item.dag_run_id): item.run if isinstance(item, RunOk) else item
            for item in items
            if isinstance(item, (RunOk, DAGRun))
        }

    async def wait(
        self, timeout: float | None, poll_interval: float, max_poll_interval: float
    ) -> builtins.list[RunResult]:
        """Poll until every run has a result or ``timeout`` runs out; return the results."""
        interval = poll_interval
        with anyio.move_on_after(timeout):
            while self.pending:
                await self.poll()
                if not self.pending:
                    break
                await anyio.sleep(interval)
                interval = min(interval * 1.5, max_poll_interval)
        for key in builtins.list(self.pending):
            last = self.last_seen.get(key)
            self.settle(key, self.failed(key, _wait_timeout(*key, timeout, last)))
        return [result for result in self.results if result is not None]

    async def poll(self) -> None:
        """One cycle: list the active runs, then settle those that are not among them."""
        dag_ids = sorted({dag_id for dag_id, _ in self.pending})
        try:
            active = {
                (run.dag_id or "", run.dag_run_id or ""): run
                async for run in self.dag_runs.list_batch(
                    dag_ids=dag_ids, state=_ACTIVE_RUN_STATES, limit=_BATCH_PAGE
                )
            }
        except Exception:  # the cycle goes on with one read per run
            ended = builtins.list(self.pending)
        else:
            self.last_seen.update((key, run) for key, run in active.items() if key in self.pending)
            ended = [key for key in self.pending if key not in active]
            await self.read_ended_together(ended)
        async with anyio.create_task_group() as group:
            for key in ended:
                if key in self.pending:
                    group.start_soon(self.read_final, key)

    async def read_ended_together(self, ended: Sequence[_Key]) -> None:
        """Settle the ended runs that one list of recently ended runs holds."""
        found = ((key, _ended_after(self.last_seen.get(key))) for key in ended)
        bounds = {key: bound for key, bound in found if bound is not None}
        if len(bounds) < 2:  # one read each costs no more
            return
        wanted = set(bounds)
        since = min(bounds.values())
        # Other runs of the same DAGs may have ended meanwhile; past this many items,
        # the reads one by one are the cheaper way.
        budget = 2 * len(wanted) + _BATCH_PAGE
        listed = self.dag_runs.list_batch(
            dag_ids=sorted({dag_id for dag_id, _ in wanted}),
            state=tuple(sorted(TERMINAL_RUN_STATES)),
            end_date_gte=since - _END_SLACK,
            # The latest ends first: the runs that just ended are on the first page,
            # and a run ending meanwhile pushes the others down, never past a page.
            order_by="-end_date",
            limit=_BATCH_PAGE,
        )
        try:
            async with contextlib.aclosing(listed.__aiter__()) as runs:
                async for run in runs:
                    key = (run.dag_id or "", run.dag_run_id or "")
                    if key in wanted and key in self.pending:
                        wanted.discard(key)
                        self.finished(key, run)
                    budget -= 1
                    if not wanted or budget <= 0:
                        break
        except Exception:  # the runs left are read one by one
            return

    async def read_final(self, key: _Key) -> None:
        """Read one run by itself, and settle it if it has ended."""
        try:
            async with self.limiter:
                run = await self.dag_runs.get(*key)
        except Exception as exc:  # one result per run, whatever went wrong
            self.settle(key, self.failed(key, exc))
            return
        self.last_seen[key] = run
        if run.state is not None and str(run.state) in TERMINAL_RUN_STATES:
            self.finished(key, run)

    def finished(self, key: _Key, run: DAGRun) -> None:
        """Settle a run that has ended, with its final record."""
        ok = RunOk(
            dag_id=key[0],
            dag_run_id=key[1],
            run=run,
            attempts=self.attempts.get(key, 0),
            elapsed=time.perf_counter() - self.started,
        )
        self.settle(key, ok)

    def failed(self, key: _Key, error: Exception) -> RunError:
        """The result of a run that could not be awaited."""
        return RunError(
            dag_id=key[0],
            dag_run_id=key[1],
            error=error,
            attempts=self.attempts.get(key, 0),
            elapsed=time.perf_counter() - self.started,
        )

    def settle(self, key: _Key, result: RunResult) -> None:
        """Give a run its result in each of its places, and stop awaiting it."""
        for index in self.pending.pop(key, []):
            self.results[index] = result
            if self.on_result is not None:
                self.on_result(result)


class _AdaptiveLimit:
    """How many triggers may be in flight: halved on overload, grown back by ``1/limit``.

    A halving applies once per epoch: the triggers that started before it (and met the
    same overload) do not halve it again. Waiters queue in order, and a freed slot is
    handed to the first of them alone, so a release costs the same however many wait.
    """

    def __init__(self, ceiling: int) -> None:
        self.ceiling = ceiling
        self.limit = float(ceiling)
        #: Slots taken, by triggers running and by waiters a slot was handed to.
        self.in_flight = 0
        self.epoch = 0
        self._waiters: collections.deque[anyio.Event] = collections.deque()

    def _free(self) -> bool:
        return self.in_flight < max(int(self.limit), 1)

    async def acquire(self) -> int:
        if self._free() and not self._waiters:
            self.in_flight += 1
            return self.epoch
        handed = anyio.Event()
        self._waiters.append(handed)
        try:
            await handed.wait()
        except BaseException:
            if handed.is_set():  # the slot came with the cancellation: pass it on
                self.in_flight -= 1
                self._hand_over()
            else:
                self._waiters.remove(handed)
            raise
        return self.epoch

    def release(self, epoch: int, *, overloaded: bool) -> None:
        self.in_flight -= 1
        if overloaded:
            if epoch == self.epoch:
                self.limit = max(self.limit / 2, 1.0)
                self.epoch += 1
        else:
            self.limit = min(self.limit + 1 / self.limit, float(self.ceiling))
        self._hand_over()

    def _hand_over(self) -> None:
        while self._waiters and self._free():
            self.in_flight += 1
            self._waiters.popleft().set()


#: The states a run is polled in while awaited: the ones it leaves by itself.
_ACTIVE_RUN_STATES = ("queued", "running")
#: Runs per page of a wait_many poll (both servers take 100 by default).
_BATCH_PAGE = 100
#: How much earlier than a run's first known time wait_many looks for its end.
_END_SLACK = dt.timedelta(seconds=1)


def _ended_after(run: DAGRun | None) -> dt.datetime | None:
    """A time the run cannot have ended before, from its record, or ``None``.

    The earliest of its queue, start, due and logical times: a manual trigger's logical
    date is the time of the trigger on Airflow 2. A run whose end comes before it (a
    logical date given in the future) is missed by the list and read by itself.
    """
    if run is None:
        return None
    known = [
        moment
        for moment in (run.queued_at, run.start_date, run.run_after, run.logical_date)
        if moment is not None
    ]
    return min(known) if known else None


def _sort_key(order_by: OrderBy, api_version: ApiVersion) -> OrderBy:
    """``order_by`` with ``logical_date`` under Airflow 2's name, ``execution_date``."""
    if api_version == "v2" or order_by is None:
        return order_by
    if isinstance(order_by, str):
        return _V1_SORT.get(order_by, order_by)
    return [_V1_SORT.get(key, key) for key in order_by]


def _overloaded(attempt: Attempt) -> bool:
    """Whether an attempt met a sign of an overloaded server: 429, a 5xx or a timeout."""
    status = attempt.status
    if status is not None:
        return status == 429 or status >= 500
    return isinstance(attempt.error, httpx.TimeoutException)


def _wait_timeout(
    dag_id: str, dag_run_id: str, timeout: float | None, last: DAGRun | str | None
) -> WaitTimeoutError:
    """The error of a wait that ran out of time, with the run or state last seen."""
    if isinstance(last, DAGRun):
        state = str(last.state) if last.state is not None else None
        run: DAGRun | None = last
    else:
        state, run = last, None
    return WaitTimeoutError(
        f"DAG run {dag_id}/{dag_run_id} was still {state or 'unread'} after {timeout} s",
        dag_id=dag_id,
        dag_run_id=dag_run_id,
        last_state=state,
        last_seen=run,
    )


def _trigger_request(item: object) -> TriggerRequest:
    if isinstance(item, str):
        return TriggerRequest(dag_id=item)
    if isinstance(item, TriggerRequest):
        return item
    raise TypeError(f"expected a DAG id or a TriggerRequest, got {item!r}")


def _wait_line(lines: LineStream, line: bytes) -> tuple[str, dict[str, JsonValue] | None]:
    """The state and (once the run ended) the results of one line of the wait stream."""
    value = lines.json(line)
    state = value.get("state") if isinstance(value, dict) else None
    if not isinstance(state, str):
        raise invalid_response(lines.response, '{"state": ...}', "a line has no state", line)
    results = value.get("results") if isinstance(value, dict) else None
    if results is not None and not isinstance(results, dict):
        raise invalid_response(
            lines.response, '{"results": {...}}', "the results are not an object", line
        )
    return state, results
