"""``client.task_instances``: the Task Instance tag of both APIs."""

from __future__ import annotations

import ast
import builtins
import json
import typing
from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

import anyio
import attrs

from .._bulk import BulkResult, OnNonExistence
from .._converter import format_datetime, parse_datetime
from .._http import invalid_response
from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, JsonValue, Missing
from ..models import (
    TaskFailedDependency,
    TaskInstance,
    TaskInstanceCollection,
    TaskInstanceDependencyCollection,
    TaskInstanceHistory,
    TaskInstanceHistoryCollection,
    TaskInstanceReference,
    TaskInstanceReferenceCollection,
    TaskInstanceState,
    UpdateTaskState,
)
from ._base import DateTimeFilter, OrderBy, Resource, Sent, checked_filters

if TYPE_CHECKING:
    from typing_extensions import Required, Unpack

__all__ = [
    "TaskInstanceChange",
    "TaskInstanceFilters",
    "TaskInstanceKey",
    "TaskInstancesResource",
    "TaskLog",
    "TaskLogEvent",
]

_RUN = "/dags/{dag_id}/dagRuns/{dag_run_id}"
_INSTANCES = _RUN + "/taskInstances"
_INSTANCE = _INSTANCES + "/{task_id}"
_MAPPED = _INSTANCE + "/{map_index}"
_GROUP = _RUN + "/taskGroupInstances/{group_id}"

#: Airflow 2 names the run's logical date ``execution_date`` in its filters.
_V1_DATES = {"logical_date_gte": "execution_date_gte", "logical_date_lte": "execution_date_lte"}

#: Both APIs name the state to set ``new_state`` on the wire.
_NEW_STATE = {"state": "new_state"}

#: States after which a task instance does not run again unless it is cleared.
_FINISHED_STATES = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})

#: The first event of a log read that starts at the beginning: the sources it was read
#: from follow, up to ``::endgroup::``.
_SOURCES_GROUP = "::group::Log message source details"
_END_GROUP = "::endgroup::"

#: The keys of an Airflow 3 log event that :class:`TaskLogEvent` names.
_EVENT_KEYS = frozenset({"event", "timestamp", "level", "logger"})


def _whole_list(route: Route) -> Routes:
    """The same list route on both APIs."""
    return Routes(v1=route, v2=route)


class TaskInstanceFilters(TypedDict, total=False):
    """Filters that :meth:`TaskInstancesResource.list` and ``list_mapped`` share.

    Every date takes a timezone-aware datetime or an ISO 8601 string (sent unchanged); a
    sequence matches any of its values. Airflow 2 takes only ``logical_date_gte``/``_lte``
    (its ``execution_date_*``), the ``start_date``, ``end_date`` and ``updated_at``
    ``_gte``/``_lte`` bounds, ``duration_gte``/``_lte``, ``state``, ``pool``, ``queue``
    and ``executor``; the others are Airflow 3 only, refused on Airflow 2 before anything
    is sent.

    Keys:
        run_after_gte: Instances of runs to run at or after this time (also ``_gt``,
            ``_lte``, ``_lt`` for the other bounds).
        logical_date_gte: Instances of runs with a logical date at or after this time
            (also ``_gt``, ``_lte``, ``_lt``).
        start_date_gte: Instances started at or after this time (also ``_gt``, ``_lte``,
            ``_lt``).
        end_date_gte: Instances ended at or after this time (also ``_gt``, ``_lte``,
            ``_lt``).
        updated_at_gte: Instances updated at or after this time (also ``_gt``, ``_lte``,
            ``_lt``).
        duration_gte: Instances that ran at least this many seconds (also ``_gt``,
            ``_lte``, ``_lt``).
        state: Instances in any of these states (Airflow 2: ``"none"`` for no state yet).
        pool: Instances in any of these pools.
        pool_name_pattern: Instances whose pool contains this (SQL ``ILIKE``).
        pool_name_prefix_pattern: Instances whose pool starts with this.
        queue: Instances in any of these queues.
        queue_name_pattern: Instances whose queue contains this.
        queue_name_prefix_pattern: Instances whose queue starts with this.
        executor: Instances run by any of these executors.
        version_number: Instances of any of these DAG versions.
        try_number: Instances at any of these tries.
        operator: Instances of any of these operator classes.
        operator_name_pattern: Instances whose operator name contains this.
        operator_name_prefix_pattern: Instances whose operator name starts with this.
        map_index: Instances with any of these map indexes.
        rendered_map_index_pattern: Instances whose rendered map index contains this.
        rendered_map_index_prefix_pattern: Instances whose rendered map index starts
            with this.
    """

    run_after_gte: DateTimeFilter
    run_after_gt: DateTimeFilter
    run_after_lte: DateTimeFilter
    run_after_lt: DateTimeFilter
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
    updated_at_gte: DateTimeFilter
    updated_at_gt: DateTimeFilter
    updated_at_lte: DateTimeFilter
    updated_at_lt: DateTimeFilter
    duration_gte: float | None
    duration_gt: float | None
    duration_lte: float | None
    duration_lt: float | None
    state: Sequence[TaskInstanceState | str] | None
    pool: Sequence[str] | None
    pool_name_pattern: str | None
    pool_name_prefix_pattern: str | None
    queue: Sequence[str] | None
    queue_name_pattern: str | None
    queue_name_prefix_pattern: str | None
    executor: Sequence[str] | None
    version_number: Sequence[int] | None
    try_number: Sequence[int] | None
    operator: Sequence[str] | None
    operator_name_pattern: str | None
    operator_name_prefix_pattern: str | None
    map_index: Sequence[int] | None
    rendered_map_index_pattern: str | None
    rendered_map_index_prefix_pattern: str | None


class TaskInstanceKey(TypedDict, total=False):
    """A task instance of a bulk request: its task, map index and (for ``"~"``) run.

    Keys:
        task_id: The task (required).
        map_index: One map index; left out, every map index of the task.
        dag_id: The DAG, when the request's path says ``"~"``.
        dag_run_id: The run, when the request's path says ``"~"``.
    """

    task_id: Required[str]
    map_index: int | None
    dag_id: str | None
    dag_run_id: str | None


class TaskInstanceChange(TaskInstanceKey, total=False):
    """A task instance of a bulk update and what to change in it.

    Keys:
        state: The state to set (``"success"``, ``"failed"`` or ``"skipped"``).
        note: The note to set.
        include_upstream: Also set the state of its upstream tasks.
        include_downstream: Also set the state of its downstream tasks.
        include_future: Also in later runs.
        include_past: Also in earlier runs.
    """

    state: UpdateTaskState | str
    note: str | None
    include_upstream: bool
    include_downstream: bool
    include_future: bool
    include_past: bool


@attrs.frozen(kw_only=True)
class TaskLogEvent:
    """One structured event of an Airflow 3 task log.

    Attributes:
        event: The message.
        timestamp: When it was logged (``None`` for the lines that say where the log was
            read from).
        level: ``"info"``, ``"warning"``, ``"error"``, …
        logger: The logger's name, e.g. ``"task.stdout"``.
        fields: Every other key the server sent (``chan``, ``error_detail``, …).
    """

    event: str
    timestamp: datetime | None = None
    level: str | None = None
    logger: str | None = None
    fields: Mapping[str, JsonValue] = attrs.field(factory=dict[str, JsonValue])

    def render(self) -> str:
        """Return the event as one log line: ``[timestamp] {logger} LEVEL - event k=v``."""
        parts: builtins.list[str] = []
        if self.timestamp is not None:
            parts.append(f"[{format_datetime(self.timestamp)}]")
        if self.logger:
            parts.append(f"{{{self.logger}}}")
        if self.level:
            parts.append(f"{self.level.upper()} -")
        parts.append(self.event)
        parts.extend(f"{key}={_field_text(value)}" for key, value in self.fields.items())
        return " ".join(parts)


@attrs.frozen(kw_only=True)
class TaskLog:
    """One chunk of a task try's log.

    Attributes:
        text: The log text. Airflow 2 sends text (the texts of every host are joined by
            newlines); Airflow 3 sends events, each rendered as one line ending with a
            newline (see :meth:`TaskLogEvent.render`).
        events: Airflow 3's structured events, in order; empty on Airflow 2.
        continuation_token: Give it back as ``token`` to read only what was written since.
            Airflow 3 sends none once the try is no longer running.
    """

    text: str
    events: tuple[TaskLogEvent, ...] = ()
    continuation_token: str | None = attrs.field(default=None, repr=False)


class TaskInstancesResource(Resource):
    """Task instances: list, get, update, clear, delete, bulk, tries, links and logs."""

    namespace = "task_instances"

    _list = Routes(
        v1=Route("GET", _INSTANCES, "get_task_instances", params=_V1_DATES),
        v2=Route("GET", _INSTANCES, "get_task_instances"),
    )

    def list(
        self,
        dag_id: str = "~",
        dag_run_id: str = "~",
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        task_id: str | None = None,
        task_display_name_pattern: str | None = None,
        task_display_name_prefix_pattern: str | None = None,
        task_group_id: str | None = None,
        dag_id_pattern: str | None = None,
        dag_id_prefix_pattern: str | None = None,
        run_id_pattern: str | None = None,
        run_id_prefix_pattern: str | None = None,
        **filters: Unpack[TaskInstanceFilters],
    ) -> AsyncPaginator[TaskInstance]:
        """List task instances: await for one page, ``async for`` for every instance.

        ``"~"`` (the default) for the DAG or the run means all of them; Airflow 3 needs a
        DAG id when a run id is given.

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            dag_run_id: The run id, or ``"~"`` for all runs.
            limit: Page size (Airflow 2.11.2 does not cap it at ``maximum_page_limit``
                here; Airflow 3 does).
            offset: Where to start.
            order_by: Fields to sort by, ``-`` in front to reverse. Airflow 3 only.
            task_id: Only this task. Airflow 3 only.
            task_display_name_pattern: Only tasks whose display name contains this (SQL
                ``ILIKE``). Airflow 3 only, as are the patterns below.
            task_display_name_prefix_pattern: Only display names starting with this.
            task_group_id: Only the tasks of this task group.
            dag_id_pattern: Only DAG ids containing this.
            dag_id_prefix_pattern: Only DAG ids starting with this.
            run_id_pattern: Only run ids containing this.
            run_id_prefix_pattern: Only run ids starting with this.
            **filters: See :class:`TaskInstanceFilters`.

        Returns:
            A paginator of :class:`TaskInstance`.

        Raises:
            TypeError: A filter that is not one of :class:`TaskInstanceFilters`.
            UnsupportedByServerError: A filter Airflow 2 lacks, on Airflow 2.
        """
        query = {
            **checked_filters(filters, TaskInstanceFilters),
            "order_by": order_by,
            "task_id": task_id,
            "task_display_name_pattern": task_display_name_pattern,
            "task_display_name_prefix_pattern": task_display_name_prefix_pattern,
            "task_group_id": task_group_id,
            "dag_id_pattern": dag_id_pattern,
            "dag_id_prefix_pattern": dag_id_prefix_pattern,
            "run_id_pattern": run_id_pattern,
            "run_id_prefix_pattern": run_id_prefix_pattern,
        }
        return self._paginate(
            self._list,
            TaskInstanceCollection,
            lambda c: c.task_instances,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id},
            query=query,
            offset=offset,
            limit=limit,
        )

    _list_mapped = Routes(
        v1=Route("GET", _INSTANCE + "/listMapped", "get_mapped_task_instances", params=_V1_DATES),
        v2=Route("GET", _INSTANCE + "/listMapped", "get_mapped_task_instances"),
    )

    def list_mapped(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        **filters: Unpack[TaskInstanceFilters],
    ) -> AsyncPaginator[TaskInstance]:
        """List the instances of a mapped task, by map index unless ``order_by`` says else.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The mapped task's id.
            limit: Page size.
            offset: Where to start.
            order_by: ``state``, ``duration``, ``start_date``, ``end_date``, ``map_index``,
                … (``-`` in front to reverse; Airflow 2: one field).
            **filters: See :class:`TaskInstanceFilters`.

        Returns:
            A paginator of :class:`TaskInstance`.

        Raises:
            NotFoundError: No such DAG, run or task.
        """
        query = {**checked_filters(filters, TaskInstanceFilters), "order_by": order_by}
        return self._paginate(
            self._list_mapped,
            TaskInstanceCollection,
            lambda c: c.task_instances,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id},
            query=query,
            offset=offset,
            limit=limit,
        )

    _list_batch = Routes(
        v1=Route(
            "POST",
            "/dags/~/dagRuns/~/taskInstances/list",
            "get_task_instances_batch",
            body=_V1_DATES,
        ),
        v2=Route("POST", _INSTANCES + "/list", "get_task_instances_batch"),
    )

    def list_batch(
        self,
        *,
        dag_ids: Sequence[str] | None = None,
        dag_run_ids: Sequence[str] | None = None,
        task_ids: Sequence[str] | None = None,
        state: Sequence[TaskInstanceState | str | None] | None = None,
        pool: Sequence[str] | None = None,
        queue: Sequence[str] | None = None,
        executor: Sequence[str] | None = None,
        run_after_gte: DateTimeFilter = None,
        run_after_gt: DateTimeFilter = None,
        run_after_lte: DateTimeFilter = None,
        run_after_lt: DateTimeFilter = None,
        logical_date_gte: DateTimeFilter = None,
        logical_date_gt: DateTimeFilter = None,
        logical_date_lte: DateTimeFilter = None,
        logical_date_lt: DateTimeFilter = None,
        start_date_gte: DateTimeFilter = None,
        start_date_gt: DateTimeFilter = None,
        start_date_lte: DateTimeFilter = None,
        start_date_lt: DateTimeFilter = None,
        end_date_gte: DateTimeFilter = None,
        end_date_gt: DateTimeFilter = None,
        end_date_lte: DateTimeFilter = None,
        end_date_lt: DateTimeFilter = None,
        duration_gte: float | None = None,
        duration_gt: float | None = None,
        duration_lte: float | None = None,
        duration_lt: float | None = None,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPaginator[TaskInstance]:
        """List task instances across DAGs and runs, with the filters sent in the body.

        Paging uses the body's ``page_offset``/``page_limit``; the paginator works as for
        :meth:`list`. The request only reads, so it is retried like a GET. Airflow 2 takes
        the ``_gte``/``_lte`` bounds of ``logical_date``, ``start_date``, ``end_date`` and
        ``duration`` only, and no ``order_by``; the rest is refused there before anything
        is sent.

        Args:
            dag_ids: Instances of any of these DAGs.
            dag_run_ids: Instances of any of these runs.
            task_ids: Instances of any of these tasks.
            state: Instances in any of these states (``None`` for no state yet).
            pool: Instances in any of these pools.
            queue: Instances in any of these queues.
            executor: Instances run by any of these executors.
            run_after_gte: Instances of runs to run at or after this time (and ``_gt``,
                ``_lte``, ``_lt`` for the other bounds, as for every range below).
            run_after_gt: See ``run_after_gte``.
            run_after_lte: See ``run_after_gte``.
            run_after_lt: See ``run_after_gte``.
            logical_date_gte: Instances of runs with a logical date at or after this time.
            logical_date_gt: See ``logical_date_gte``.
            logical_date_lte: See ``logical_date_gte``.
            logical_date_lt: See ``logical_date_gte``.
            start_date_gte: Instances started at or after this time.
            start_date_gt: See ``start_date_gte``.
            start_date_lte: See ``start_date_gte``.
            start_date_lt: See ``start_date_gte``.
            end_date_gte: Instances ended at or after this time.
            end_date_gt: See ``end_date_gte``.
            end_date_lte: See ``end_date_gte``.
            end_date_lt: See ``end_date_gte``.
            duration_gte: Instances that ran at least this many seconds. Airflow 2 reads
                the body's durations as integers, cutting off any fraction.
            duration_gt: See ``duration_gte``.
            duration_lte: Instances that ran at most this many seconds.
            duration_lt: See ``duration_lte``.
            order_by: One field to sort by, ``-`` in front to reverse. Airflow 3 only.
            limit: Page size (Airflow 2 does not cap it at ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`TaskInstance`.
        """
        lists = {
            "dag_ids": dag_ids,
            "dag_run_ids": dag_run_ids,
            "task_ids": task_ids,
            "state": state,
            "pool": pool,
            "queue": queue,
            "executor": executor,
        }
        body: dict[str, object] = {
            name: builtins.list(values) for name, values in lists.items() if values is not None
        }
        body.update(
            run_after_gte=run_after_gte,
            run_after_gt=run_after_gt,
            run_after_lte=run_after_lte,
            run_after_lt=run_after_lt,
            logical_date_gte=logical_date_gte,
            logical_date_gt=logical_date_gt,
            logical_date_lte=logical_date_lte,
            logical_date_lt=logical_date_lt,
            start_date_gte=start_date_gte,
            start_date_gt=start_date_gt,
            start_date_lte=start_date_lte,
            start_date_lt=start_date_lt,
            end_date_gte=end_date_gte,
            end_date_gt=end_date_gt,
            end_date_lte=end_date_lte,
            end_date_lt=end_date_lt,
            duration_gte=duration_gte,
            duration_gt=duration_gt,
            duration_lte=duration_lte,
            duration_lt=duration_lt,
            order_by=order_by,
        )
        return self._paginate_body(
            self._list_batch,
            TaskInstanceCollection,
            lambda c: c.task_instances,
            path={"dag_id": "~", "dag_run_id": "~"},
            body=body,
            offset=offset,
            limit=limit,
        )

    _get = Routes.both("GET", _INSTANCE, "get_task_instance")
    _get__mapped = Routes.both("GET", _MAPPED, "get_mapped_task_instance")

    async def get(
        self, dag_id: str, dag_run_id: str, task_id: str, *, map_index: int | None = None
    ) -> TaskInstance:
        """Get one task instance.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for an instance of a mapped task.

        Raises:
            NotFoundError: No such instance, or the task is mapped and no ``map_index``
                was given.
        """
        routes = self._get if map_index is None else self._get__mapped
        sent = await self._send(routes, path=_ids(dag_id, dag_run_id, task_id, map_index))
        return sent.model(TaskInstance)

    _update = Routes(
        v1=Route("PATCH", _INSTANCE, "patch_task_instance", body=_NEW_STATE),
        v2=Route("PATCH", _INSTANCE, "patch_task_instance", body=_NEW_STATE, mask=_NEW_STATE),
    )
    _update__mapped = Routes(
        v1=Route("PATCH", _MAPPED, "patch_mapped_task_instance", body=_NEW_STATE),
        v2=Route(
            "PATCH", _MAPPED, "patch_task_instance_by_map_index", body=_NEW_STATE, mask=_NEW_STATE
        ),
    )
    _update__dry_run = Routes(
        v2=Route(
            "PATCH",
            _INSTANCE + "/dry_run",
            "patch_task_instance_dry_run",
            body=_NEW_STATE,
            mask=_NEW_STATE,
        ),
    )
    _update__mapped_dry_run = Routes(
        v2=Route(
            "PATCH",
            _MAPPED + "/dry_run",
            "patch_task_instance_dry_run_by_map_index",
            body=_NEW_STATE,
            mask=_NEW_STATE,
        ),
    )
    _update__note = Routes(
        v1=Route("PATCH", _INSTANCE + "/setNote", "set_task_instance_note"),
    )
    _update__mapped_note = Routes(
        v1=Route("PATCH", _MAPPED + "/setNote", "set_mapped_task_instance_note"),
    )
    _update__related = Routes(
        v1=Route(
            "POST",
            "/dags/{dag_id}/updateTaskInstancesState",
            "post_set_task_instances_state",
            body=_NEW_STATE,
        ),
    )

    async def update(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        map_index: int | None = None,
        state: Missing[UpdateTaskState | str] = UNSET,
        note: Missing[str] = UNSET,
        dry_run: bool = False,
        include_upstream: bool = False,
        include_downstream: bool = False,
        include_future: bool = False,
        include_past: bool = False,
    ) -> builtins.list[TaskInstance]:
        """Set a task instance's state, its note, or both, and return what changed.

        The two servers' defaults differ (Airflow 2 dry-runs unless told, Airflow 3
        applies), so ``dry_run`` is always sent as given: by default the change is made.

        On Airflow 2 this takes several requests: the state change (through
        ``updateTaskInstancesState`` when an ``include_*`` flag is set), the note, then
        reading the instances changed, which Airflow 2 answers only by reference. A dry
        run there sends no note. On Airflow 3 it is one request; with ``include_*`` flags
        its answer lists only the instances of this task, although the state of the
        related ones changes too (a dry run lists them all). Airflow 3.0 answers such a
        change with one of the instances it touched, and puts a note sent with it on that
        one: there the state goes first, then the note or a read of the task's instance.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for one instance of a mapped task. Without it,
                Airflow 3 changes every map index of a mapped task.
            state: ``"success"``, ``"failed"`` or ``"skipped"``.
            note: A note (at most 1000 characters; ``""`` clears it on Airflow 3).
            dry_run: Only return what would change.
            include_upstream: Also set the state of the upstream tasks.
            include_downstream: Also set the state of the downstream tasks.
            include_future: Also in later runs.
            include_past: Also in earlier runs.

        Returns:
            The task instances changed (or that would be), as they are afterwards.

        Raises:
            ValueError: Neither ``state`` nor ``note`` was given.
            UnsupportedByServerError: Airflow 2 with ``map_index`` and an ``include_*``
                flag: it can only change all the map indexes of a task with its relatives.
            NotFoundError: No such DAG, task or instance.
            ConflictError: Airflow 3: the instance is already in that state.
            BadRequestError: The state is not one the server accepts.
        """
        if state is UNSET and note is UNSET:
            raise ValueError("give state, note or both")
        flags = {
            "include_upstream": include_upstream,
            "include_downstream": include_downstream,
            "include_future": include_future,
            "include_past": include_past,
        }
        _, api_version = await self._route(self._update)
        if api_version == "v1":
            return await self._update_v1(
                dag_id, dag_run_id, task_id, map_index, state, note, dry_run, flags
            )
        path = _ids(dag_id, dag_run_id, task_id, map_index)
        mapped = map_index is not None
        if dry_run:
            routes = self._update__mapped_dry_run if mapped else self._update__dry_run
        else:
            routes = self._update__mapped if mapped else self._update
        if not dry_run and state is not UNSET and any(flags.values()):
            minor = (await self._server_version()).minor
            if minor is not None and minor < (3, 1):
                return await self._update_with_relatives_v3_0(
                    path, state, note, flags, mapped=mapped
                )
        sent = await self._send(
            routes, path=path, body=flags, update={"state": state, "note": note}
        )
        return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])

    async def _update_with_relatives_v3_0(
        self,
        path: dict[str, object],
        state: UpdateTaskState | str,
        note: Missing[str],
        flags: dict[str, bool],
        *,
        mapped: bool,
    ) -> builtins.list[TaskInstance]:
        """Airflow 3.0's state change with relatives, answered by the task's own instance.

        3.0 answers with the first instance the change touched, which can be a relative's,
        and writes the note of the same request on that one: the state goes alone, then
        the note (whose answer is the task's instance), or else the instance is read.
        """
        routes = self._update__mapped if mapped else self._update
        await self._send(routes, path=path, body=flags, update={"state": state})
        if note is not UNSET:
            sent = await self._send(routes, path=path, update={"note": note})
            return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])
        read = self._get__mapped if mapped else self._get
        return [(await self._send(read, path=path)).model(TaskInstance)]

    async def _update_v1(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        map_index: int | None,
        state: Missing[UpdateTaskState | str],
        note: Missing[str],
        dry_run: bool,
        flags: Mapping[str, bool],
    ) -> builtins.list[TaskInstance]:
        """Airflow 2's ``update``: the state, then the note, then read what changed."""
        path = _ids(dag_id, dag_run_id, task_id, map_index)
        mapped = map_index is not None
        references: builtins.list[TaskInstanceReference] | None = None
        if state is not UNSET and any(flags.values()):
            if mapped:
                raise await self._unsupported(
                    self._update,
                    parameter="map_index with include_* flags",
                    reason="Airflow 2 sets the state of a task's relatives for every map index",
                )
            body = {
                "task_id": task_id,
                "dag_run_id": dag_run_id,
                "state": state,
                "dry_run": dry_run,
                **flags,
            }
            sent = await self._send(self._update__related, path=path, body=body)
            references = sent.model(TaskInstanceReferenceCollection).task_instances or []
        elif state is not UNSET:
            # The answer is a reference (or, after a real change, {}): read the instance.
            routes = self._update__mapped if mapped else self._update
            await self._send(routes, path=path, body={"dry_run": dry_run, "state": state})
        noted: TaskInstance | None = None
        if note is not UNSET and not dry_run:
            routes = self._update__mapped_note if mapped else self._update__note
            noted = (await self._send(routes, path=path, body={"note": note})).model(TaskInstance)
        if references is not None:
            return await read_referenced(self, references)
        if noted is not None:
            return [noted]
        return [await self.get(dag_id, dag_run_id, task_id, map_index=map_index)]

    _update_group = Routes(
        v2=Route(
            "PATCH",
            _GROUP,
            "patch_task_group_instances",
            body=_NEW_STATE,
            mask=_NEW_STATE,
            since=(3, 3),
        ),
    )
    _update_group__dry_run = Routes(
        v2=Route(
            "PATCH",
            _GROUP + "/dry_run",
            "patch_task_group_instances_dry_run",
            body=_NEW_STATE,
            since=(3, 3),
        ),
    )

    async def update_group(
        self,
        dag_id: str,
        dag_run_id: str,
        group_id: str,
        *,
        state: Missing[UpdateTaskState | str] = UNSET,
        note: Missing[str] = UNSET,
        dry_run: bool = False,
        include_upstream: bool = False,
        include_downstream: bool = False,
        include_future: bool = False,
        include_past: bool = False,
    ) -> builtins.list[TaskInstance]:
        """Set the state or note of every task instance of a task group. Airflow 3.3+.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            group_id: The task group's id.
            state: ``"success"``, ``"failed"`` or ``"skipped"``.
            note: A note for each instance of the group.
            dry_run: Only return the instances the state change would touch (a note is
                not previewed).
            include_upstream: Also set the state of the group's upstream tasks.
            include_downstream: Also set the state of its downstream tasks.
            include_future: Also in later runs.
            include_past: Also in earlier runs.

        Returns:
            The task instances changed (or that would be).

        Raises:
            ValueError: Neither ``state`` nor ``note`` was given.
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.3.
            NotFoundError: No such DAG, group, or no instance of the group in the run.
            ConflictError: Every instance of the group is already in that state.
        """
        if state is UNSET and note is UNSET:
            raise ValueError("give state, note or both")
        flags = {
            "include_upstream": include_upstream,
            "include_downstream": include_downstream,
            "include_future": include_future,
            "include_past": include_past,
        }
        path = {"dag_id": dag_id, "dag_run_id": dag_run_id, "group_id": group_id}
        if dry_run:
            # The preview takes no update_mask: it reads the body's fields as they are.
            body = {**flags, "state": state, "note": note}
            sent = await self._send(self._update_group__dry_run, path=path, body=body)
        else:
            sent = await self._send(
                self._update_group, path=path, body=flags, update={"state": state, "note": note}
            )
        return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])

    _clear = Routes.both("POST", "/dags/{dag_id}/clearTaskInstances", "post_clear_task_instances")

    async def clear(
        self,
        dag_id: str,
        *,
        dry_run: bool = True,
        task_ids: Missing[Sequence[str | tuple[str, int]]] = UNSET,
        dag_run_id: Missing[str | None] = UNSET,
        start_date: Missing[datetime | str] = UNSET,
        end_date: Missing[datetime | str] = UNSET,
        only_failed: Missing[bool] = UNSET,
        only_running: Missing[bool] = UNSET,
        reset_dag_runs: Missing[bool] = UNSET,
        include_upstream: Missing[bool] = UNSET,
        include_downstream: Missing[bool] = UNSET,
        include_future: Missing[bool] = UNSET,
        include_past: Missing[bool] = UNSET,
        include_subdags: Missing[bool] = UNSET,
        include_parentdag: Missing[bool] = UNSET,
        run_on_latest_version: Missing[bool | None] = UNSET,
        prevent_running_task: Missing[bool] = UNSET,
        note: Missing[str | None] = UNSET,
    ) -> builtins.list[TaskInstance]:
        """Clear task instances of a DAG so the scheduler runs them again.

        Like both servers, this is a dry run unless ``dry_run=False`` is given: it then
        only lists what would be cleared. ``dry_run`` is always sent; the other arguments
        left unset take the server's defaults (``only_failed`` is ``True`` on both;
        ``reset_dag_runs`` is ``True`` on Airflow 3 only). Airflow 2 answers with
        references, so the instances are then read with one batch list.

        Args:
            dag_id: The DAG id.
            dag_run_id: Only this run.
            dry_run: Only list what would be cleared (the default).
            task_ids: Only these tasks; Airflow 3 also takes ``(task_id, map_index)``
                pairs for single map indexes.
            start_date: Only runs with a logical date from this time.
            end_date: Only runs with a logical date up to this time.
            only_failed: Only failed task instances.
            only_running: Only running task instances.
            reset_dag_runs: Set the runs of the cleared instances back to queued.
            include_upstream: Also the upstream tasks.
            include_downstream: Also the downstream tasks.
            include_future: Also the task instances of later runs.
            include_past: Also the task instances of earlier runs.
            include_subdags: Also tasks of sub-DAGs and ExternalTaskMarker targets.
                Airflow 2 only.
            include_parentdag: Also tasks of the parent DAG of a sub-DAG. Airflow 2 only.
            run_on_latest_version: Run the cleared instances on the DAG's latest bundle
                version. Airflow 3 only.
            prevent_running_task: Refuse (409) to clear a running instance. Airflow 3
                only.
            note: A note for each cleared instance. Airflow 3 only.

        Returns:
            The task instances cleared (or that would be).

        Raises:
            UnsupportedByServerError: A field the server's API lacks, or map-index pairs
                in ``task_ids`` on Airflow 2.
            NotFoundError: No such DAG or run.
        """
        _, api_version = await self._route(self._clear)
        if (
            api_version == "v1"
            and task_ids is not UNSET
            and any(not isinstance(task, str) for task in task_ids)
        ):
            raise await self._unsupported(
                self._clear,
                parameter="task_ids with map indexes",
                reason="Airflow 2 clears every map index of the tasks it is given",
            )
        body = {
            "dry_run": dry_run,
            "task_ids": (
                [t if isinstance(t, str) else builtins.list(t) for t in task_ids]
                if task_ids is not UNSET
                else UNSET
            ),
            "dag_run_id": dag_run_id,
            "start_date": start_date,
            "end_date": end_date,
            "only_failed": only_failed,
            "only_running": only_running,
            "reset_dag_runs": reset_dag_runs,
            "include_upstream": include_upstream,
            "include_downstream": include_downstream,
            "include_future": include_future,
            "include_past": include_past,
            "include_subdags": include_subdags,
            "include_parentdag": include_parentdag,
            "run_on_latest_version": run_on_latest_version,
            "prevent_running_task": prevent_running_task,
            "note": note,
        }
        sent = await self._send(self._clear, path={"dag_id": dag_id}, body=body)
        if sent.api_version == "v1":
            references = sent.model(TaskInstanceReferenceCollection).task_instances or []
            return await read_referenced(self, references)
        return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])

    _delete = Routes(v2=Route("DELETE", _INSTANCE, "delete_task_instance", since=(3, 1)))

    async def delete(
        self, dag_id: str, dag_run_id: str, task_id: str, *, map_index: int | None = None
    ) -> None:
        """Delete a task instance. Airflow 3.1+.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for one instance of a mapped task.

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.1.
            NotFoundError: No such instance.
        """
        await self._send(
            self._delete,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id},
            query={"map_index": map_index},
        )

    # Named as a variant of bulk: _bulk is Resource's helper that sends bulk requests.
    _bulk__task_instances = Routes(
        v2=Route("PATCH", _INSTANCES, "bulk_task_instances", since=(3, 1)),
    )

    async def bulk(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        update: Sequence[TaskInstanceChange] = (),
        delete: Sequence[str | TaskInstanceKey] = (),
        on_non_existence: OnNonExistence = "fail",
        update_mask: Sequence[str] | None = None,
    ) -> BulkResult:
        """Update and delete task instances of a run in one request. Airflow 3.1+.

        Airflow 3 has no bulk create of task instances. An entity without ``map_index``
        stands for every map index of its task; it succeeded when the server changed at
        least one of them. With ``"~"`` for the DAG or the run, every entity must name its
        ``dag_id`` and ``dag_run_id`` (the server refuses the others, one by one).

        Args:
            dag_id: The DAG id, or ``"~"``.
            dag_run_id: The run id, or ``"~"``.
            update: The instances to change, each with what to change.
            delete: The instances to delete: task ids, or keys with a map index.
            on_non_existence: What a missing instance does: ``"fail"`` the action, or
                ``"skip"`` it.
            update_mask: The fields an update changes (``state``, ``note``); ``None``:
                those given.

        Returns:
            Each entity's outcome; keys are ``"dag_id.dag_run_id.task_id"``, with
            ``"[map_index]"`` appended when the entity names one.

        Raises:
            ValueError: No entity was given.
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.1.
        """

        def key_of(entity: Mapping[str, object]) -> str:
            key = ".".join(
                (
                    str(entity.get("dag_id") or dag_id),
                    str(entity.get("dag_run_id") or dag_run_id),
                    str(entity["task_id"]),
                )
            )
            map_index = entity.get("map_index")
            return key if map_index is None else f"{key}[{map_index}]"

        def reported_as(done: str, key: str) -> bool:
            # The server reports each map index it changed: "d.r.t[0]", "d.r.t[1]", ...
            return done.startswith(key + "[") and done.endswith("]")

        changes = [_bulk_entity(change) for change in update]
        # A bare task id is sent as an entity so that its key is reported like the others'.
        removals: builtins.list[Mapping[str, object]] = [
            {"task_id": entity} if isinstance(entity, str) else dict(entity) for entity in delete
        ]
        mask = None
        if update_mask is not None:
            mask = [_NEW_STATE.get(name, name) for name in update_mask]
        return await self._bulk(
            self._bulk__task_instances,
            key_of,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id},
            create=(),
            update=changes,
            delete=removals,
            on_existence="fail",
            on_non_existence=on_non_existence,
            update_mask=mask,
            reported_as=reported_as,
        )

    _list_dependencies = _whole_list(
        Route("GET", _INSTANCE + "/dependencies", "get_task_instance_dependencies", paged=False)
    )
    _list_dependencies__mapped = Routes(
        v1=Route(
            "GET",
            _MAPPED + "/dependencies",
            "get_mapped_task_instance_dependencies",
            paged=False,
        ),
        v2=Route(
            "GET",
            _MAPPED + "/dependencies",
            "get_task_instance_dependencies_by_map_index",
            paged=False,
        ),
    )

    def list_dependencies(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        map_index: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPaginator[TaskFailedDependency]:
        """List what keeps a task instance from being scheduled (empty when nothing does).

        Both servers send the whole list at once; the paginator pages through it.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for an instance of a mapped task.
            limit: Page size.
            offset: Where to start.

        Raises:
            NotFoundError: No such instance.
        """
        routes = self._list_dependencies if map_index is None else self._list_dependencies__mapped
        return self._paginate(
            routes,
            TaskInstanceDependencyCollection,
            lambda c: c.dependencies,
            path=_ids(dag_id, dag_run_id, task_id, map_index),
            offset=offset,
            limit=limit,
        )

    _list_tries = _whole_list(
        Route("GET", _INSTANCE + "/tries", "get_task_instance_tries", paged=False)
    )
    _list_tries__mapped = _whole_list(
        Route("GET", _MAPPED + "/tries", "get_mapped_task_instance_tries", paged=False)
    )

    def list_tries(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        map_index: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPaginator[TaskInstanceHistory]:
        """List every try of a task instance, oldest first.

        Airflow 2 ignores the ``limit``, ``offset`` and ``order_by`` its spec declares
        here and Airflow 3 takes none: both send every try, and the paginator pages
        through them.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for an instance of a mapped task.
            limit: Page size.
            offset: Where to start.

        Raises:
            NotFoundError: No such DAG or instance.
        """
        routes = self._list_tries if map_index is None else self._list_tries__mapped
        return self._paginate(
            routes,
            TaskInstanceHistoryCollection,
            _tries,
            path=_ids(dag_id, dag_run_id, task_id, map_index),
            offset=offset,
            limit=limit,
        )

    _get_try = Routes.both(
        "GET", _INSTANCE + "/tries/{task_try_number}", "get_task_instance_try_details"
    )
    _get_try__mapped = Routes.both(
        "GET", _MAPPED + "/tries/{task_try_number}", "get_mapped_task_instance_try_details"
    )

    async def get_try(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
    ) -> TaskInstanceHistory:
        """Get one try of a task instance.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.

        Raises:
            NotFoundError: No such instance or try.
        """
        routes = self._get_try if map_index is None else self._get_try__mapped
        path = {**_ids(dag_id, dag_run_id, task_id, map_index), "task_try_number": try_number}
        sent = await self._send(routes, path=path)
        return sent.model(TaskInstanceHistory)

    _get_extra_links = Routes.both("GET", _INSTANCE + "/links", "get_extra_links")

    async def get_extra_links(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        map_index: int | None = None,
        try_number: int | None = None,
    ) -> dict[str, str | None]:
        """Get a task instance's extra links (e.g. to an external system's job page).

        Airflow 2 answers a plain ``{name: url}`` object, not the list its spec declares
        (both shapes are read); Airflow 3 puts the same object under ``extra_links``.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for an instance of a mapped task.
            try_number: The try whose links to build. Airflow 3 only.

        Returns:
            Link name → URL, or ``None`` when the link has no target.

        Raises:
            NotFoundError: No such DAG, task or instance.
        """
        sent = await self._send(
            self._get_extra_links,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id},
            query={"map_index": map_index, "try_number": try_number},
        )
        data = sent.json()
        if isinstance(data, dict):
            declared = data.get("extra_links")
            if sent.api_version == "v2" and isinstance(declared, dict):
                data = declared
            elif isinstance(declared, builtins.list) and len(data) == 1:
                # The list of {name, href} objects Airflow 2's spec declares.
                data = {
                    str(link.get("name")): link.get("href")
                    for link in declared
                    if isinstance(link, dict)
                }
        links: dict[str, str | None] = {}
        for name, url in data.items() if isinstance(data, dict) else ():
            if url is not None and not isinstance(url, str):
                break
            links[name] = url
        else:
            if isinstance(data, dict):
                return links
        raise invalid_response(
            sent.response, "extra links", "expected extra links: an object of URLs"
        )

    _get_log = Routes(
        v1=Route("GET", _INSTANCE + "/logs/{task_try_number}", "get_log"),
        v2=Route("GET", _INSTANCE + "/logs/{try_number}", "get_log"),
    )

    async def get_log(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
        full_content: bool | None = None,
        token: str | None = None,
    ) -> TaskLog:
        """Read a chunk of a task try's log, with a token to read on from.

        The first read starts with a ``::group::Log message source details`` block
        saying where the log was read from. Giving the returned ``continuation_token``
        back as ``token`` reads only what was written since; :meth:`follow_log` does that
        in a loop. Airflow 3 sends structured events (kept in :attr:`TaskLog.events`,
        rendered into :attr:`TaskLog.text`); Airflow 2 sends text.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            full_content: Ask log handlers that read in fragments for the whole log.
            token: A ``continuation_token`` from an earlier read.

        Returns:
            The log and the token to continue from.

        Raises:
            NotFoundError: No such instance.
            BadRequestError: The token was not made by this server.
        """
        sent = await self._send(
            self._get_log,
            path=_log_path(dag_id, dag_run_id, task_id, try_number),
            query={"map_index": map_index, "full_content": full_content, "token": token},
        )
        return _task_log(sent)

    _get_log_text = Routes(
        v1=Route("GET", _INSTANCE + "/logs/{task_try_number}"),
        v2=Route("GET", _INSTANCE + "/logs/{try_number}"),
    )

    async def get_log_text(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
        full_content: bool | None = None,
    ) -> str:
        """Read a task try's log as text.

        Airflow 2 sends its plain text (each host's name on a line of its own before
        that host's text). Airflow 3 has no text form (it answers ``text/plain`` with
        406): its events are read as JSON and each rendered as one line.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            full_content: Ask log handlers that read in fragments for the whole log.

        Raises:
            NotFoundError: No such instance.
        """
        _, api_version = await self._route(self._get_log_text)
        sent = await self._send(
            self._get_log_text,
            path=_log_path(dag_id, dag_run_id, task_id, try_number),
            query={"map_index": map_index, "full_content": full_content},
            accept="text/plain" if api_version == "v1" else "application/json",
        )
        return sent.text() if sent.api_version == "v1" else _task_log(sent).text

    _follow_log = Routes(
        v1=Route("GET", _INSTANCE + "/logs/{task_try_number}"),
        v2=Route("GET", _INSTANCE + "/logs/{try_number}"),
    )

    async def follow_log(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
        poll_interval: float = 1.0,
    ) -> AsyncIterator[str]:
        """Yield a task try's log text as it is written, until the try ends.

        Each round gets the instance, then reads the log on from the last continuation
        token, so no text is yielded twice. It stops after the read that follows the
        instance reaching ``success``, ``failed``, ``skipped``, ``upstream_failed`` or
        ``removed`` (or ``up_for_retry``, or a later try), so the last chunk holds
        everything the try wrote before it ended. Until the try begins, only the instance
        is read. Airflow 3 sends no token while the try is not running (queued, say); the
        next read then starts over, and what was yielded already is skipped.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try to follow (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            poll_interval: Seconds between reads while the try runs.

        Yields:
            Each new, non-empty piece of text, in order.

        Raises:
            ValueError: ``poll_interval`` is negative.
            NotFoundError: No such instance.
        """
        if poll_interval < 0:
            raise ValueError("poll_interval must be zero or more")
        _, api_version = await self._route(self._follow_log)
        seen = _SeenEvents()
        token: str | None = None
        while True:
            instance = await self.get(dag_id, dag_run_id, task_id, map_index=map_index)
            ended = _try_ended(instance, try_number)
            if (instance.try_number or 0) < try_number:
                # The try has not begun: Airflow 3 has no log for it yet (404), Airflow 2
                # an empty one. An instance that ended so (skipped, say) never runs it.
                if ended:
                    return
                await anyio.sleep(poll_interval)
                continue
            chunk = await self.get_log(
                dag_id, dag_run_id, task_id, try_number, map_index=map_index, token=token
            )
            if api_version == "v1":
                text = chunk.text
                token = chunk.continuation_token or token
            else:
                text = "".join(
                    e.render() + "\n" for e in seen.new(chunk.events, continued=token is not None)
                )
                token = chunk.continuation_token
            if text:
                yield text
            if ended:
                return
            await anyio.sleep(poll_interval)

    _stream_log = Routes(v2=Route("GET", _INSTANCE + "/logs/{try_number}"))

    async def stream_log(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
    ) -> AsyncIterator[TaskLogEvent]:
        """Yield a task try's log events from one streamed answer, as the server reads them.

        Airflow 3 answers ``Accept: application/x-ndjson`` with one JSON event per line and
        keeps the answer open while the try runs, ending it with the log. Each line is
        read and decoded as it arrives, in bounded memory (a line is capped by the
        client's ``max_response_size``). For a try that has not begun, the server sends
        what it says about the instance's state and ends. Use :meth:`follow_log` for the
        same on Airflow 2 (as text, by polling).

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.

        Yields:
            Each event, in order.

        Raises:
            UnsupportedByServerError: The server runs Airflow 2 (nothing was sent).
            NotFoundError: No such instance.
            ResponseValidationError: A line is not JSON.
        """
        async with self._stream(
            self._stream_log,
            path=_log_path(dag_id, dag_run_id, task_id, try_number),
            query={"map_index": map_index},
        ) as lines:
            async for line in lines:
                if line.strip():
                    yield _log_event(lines.json(line))

    _get_external_log_url = Routes(
        v2=Route(
            "GET",
            _INSTANCE + "/externalLogUrl/{try_number}",
            "get_external_log_url",
            since=(3, 1),
        ),
    )

    async def get_external_log_url(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        try_number: int,
        *,
        map_index: int | None = None,
    ) -> str:
        """Get the URL of a try's log in an external system (Elasticsearch, …). Airflow 3.1+.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.1.
            BadRequestError: The server's log handler has no external links.
            NotFoundError: No such instance.
        """
        sent = await self._send(
            self._get_external_log_url,
            path=_log_path(dag_id, dag_run_id, task_id, try_number),
            query={"map_index": map_index},
        )
        data = sent.json()
        url = data.get("url") if isinstance(data, dict) else None
        if not isinstance(url, str):
            raise invalid_response(sent.response, "ExternalLogUrlResponse", "the answer has no url")
        return url


def _ids(dag_id: str, dag_run_id: str, task_id: str, map_index: int | None) -> dict[str, object]:
    path: dict[str, object] = {"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id}
    if map_index is not None:
        path["map_index"] = map_index
    return path


def _log_path(dag_id: str, dag_run_id: str, task_id: str, try_number: int) -> dict[str, object]:
    # Airflow 2 names the try's placeholder task_try_number, Airflow 3 try_number.
    return {
        "dag_id": dag_id,
        "dag_run_id": dag_run_id,
        "task_id": task_id,
        "task_try_number": try_number,
        "try_number": try_number,
    }


def _bulk_entity(change: TaskInstanceChange) -> dict[str, object]:
    """A bulk update entity under its wire names (``state`` is ``new_state``)."""
    return {_NEW_STATE.get(name, name): value for name, value in change.items()}


def _try_ended(instance: TaskInstance, try_number: int) -> bool:
    state = str(instance.state) if instance.state is not None else None
    if state in _FINISHED_STATES:
        return True
    current = instance.try_number
    # A retry gives the instance a new try number; the followed try has then ended.
    return current > try_number or (current == try_number and state == "up_for_retry")


def _tries(collection: TaskInstanceHistoryCollection) -> builtins.list[TaskInstanceHistory]:
    # Both servers send task_instances; Airflow 2's spec names it task_instances_history.
    items = collection.task_instances
    if items is None:
        items = collection.task_instances_history
    return builtins.list(items or [])


def _task_log(sent: Sent) -> TaskLog:
    """The :class:`TaskLog` of a JSON log answer of either API."""
    data = sent.json()
    if not isinstance(data, dict):
        raise invalid_response(
            sent.response, "a log object", f"expected a log object, got a JSON {_kind(data)}"
        )
    token = data.get("continuation_token")
    token = token if isinstance(token, str) else None
    content = data.get("content")
    if sent.api_version == "v1":
        return TaskLog(text=_v1_log_text(content), continuation_token=token)
    if not isinstance(content, builtins.list):
        raise invalid_response(sent.response, "a log object", "the log's content is not a list")
    events = tuple(_log_event(item) for item in content)
    return TaskLog(
        text="".join(event.render() + "\n" for event in events),
        events=events,
        continuation_token=token,
    )


def _log_event(item: JsonValue) -> TaskLogEvent:
    """One event of Airflow 3's ``content`` (a line of text when it could not parse it)."""
    if not isinstance(item, dict):
        return TaskLogEvent(event=item if isinstance(item, str) else json.dumps(item))
    fields = {key: value for key, value in item.items() if key not in _EVENT_KEYS}
    event, level, logger = item.get("event"), item.get("level"), item.get("logger")
    timestamp: datetime | None = None
    raw_time = item.get("timestamp")
    if isinstance(raw_time, str):
        try:
            timestamp = parse_datetime(raw_time)
        except ValueError:
            fields["timestamp"] = raw_time
    elif raw_time is not None:
        fields["timestamp"] = raw_time
    for name, value in (("level", level), ("logger", logger)):
        if value is not None and not isinstance(value, str):
            fields[name] = value
    return TaskLogEvent(
        event=event if isinstance(event, str) else ("" if event is None else json.dumps(event)),
        timestamp=timestamp,
        level=level if isinstance(level, str) else None,
        logger=logger if isinstance(logger, str) else None,
        fields=fields,
    )


def _field_text(value: JsonValue) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _kind(value: JsonValue) -> str:
    return "array" if isinstance(value, builtins.list) else type(value).__name__


def _v1_log_text(content: JsonValue) -> str:
    """Turn Airflow 2's ``content`` into text.

    Airflow 2 sends the Python repr of a list of ``(host, text)`` tuples. It is read with
    :func:`ast.literal_eval`, which evaluates literals only; any other shape is kept whole.
    """
    if content is None:
        return ""
    chunks: object = content
    if isinstance(content, str):
        try:
            chunks = ast.literal_eval(content)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return content
    texts = _host_texts(chunks)
    if texts is not None:
        return "\n".join(texts)
    return content if isinstance(content, str) else json.dumps(content)


def _host_texts(chunks: object) -> builtins.list[str] | None:
    """The texts of a list of ``(host, text)`` pairs; ``None`` for any other shape."""
    if not isinstance(chunks, (builtins.list, tuple)):
        return None
    texts: builtins.list[str] = []
    for chunk in typing.cast("Sequence[object]", chunks):
        if not isinstance(chunk, (builtins.list, tuple)):
            return None
        pair = typing.cast("Sequence[object]", chunk)
        if len(pair) != 2 or not isinstance(pair[1], str):
            return None
        texts.append(pair[1])
    return texts


@attrs.define
class _SeenEvents:
    """What a follower of an Airflow 3 log has yielded, to skip it when a read starts over.

    A read without a token starts with the source details group, then every event the
    try has logged; a read with one sends only the events after those it counted. Airflow
    3.0.6 and 3.1 send every event again on a read with a token (their log handler counts
    the events but drops its skip over them), so a continued read that starts with the
    events yielded already is cut after them.
    """

    header: bool = False
    body: builtins.list[TaskLogEvent] = attrs.field(factory=builtins.list[TaskLogEvent])

    def new(
        self, events: Sequence[TaskLogEvent], *, continued: bool
    ) -> builtins.list[TaskLogEvent]:
        """The events of one read that were not yielded before."""
        if continued:
            seen = len(self.body)
            fresh = builtins.list(events)
            # Each event carries its timestamp: new events do not repeat the old ones.
            if seen and fresh[:seen] == self.body:
                fresh = fresh[seen:]
            self.body += fresh
            return fresh
        header, body = _split_sources(events)
        out = [] if self.header else header
        self.header = self.header or bool(header)
        out += body[len(self.body) :]
        if len(body) > len(self.body):
            self.body = body
        return out


def _split_sources(
    events: Sequence[TaskLogEvent],
) -> tuple[builtins.list[TaskLogEvent], builtins.list[TaskLogEvent]]:
    """Split a read from the start into its source details group and the log's events."""
    if not events or events[0].event != _SOURCES_GROUP:
        return [], builtins.list(events)
    for index, event in enumerate(events):
        if event.event == _END_GROUP:
            return builtins.list(events[: index + 1]), builtins.list(events[index + 1 :])
    return builtins.list(events), []


async def read_referenced(
    instances: TaskInstancesResource, references: Sequence[TaskInstanceReference]
) -> builtins.list[TaskInstance]:
    """Read the instances Airflow 2 answered with references to, in their order."""
    if not references:
        return []
    order: dict[tuple[str, str, str], int] = {}
    for number, reference in enumerate(references):
        order.setdefault((reference.dag_id, reference.dag_run_id, reference.task_id), number)
    found = instances.list_batch(
        dag_ids=sorted({r.dag_id for r in references}),
        dag_run_ids=sorted({r.dag_run_id for r in references}),
        task_ids=sorted({r.task_id for r in references}),
    )
    wanted = [ti async for ti in found if (ti.dag_id, ti.dag_run_id, ti.task_id) in order]
    return sorted(
        wanted,
        key=lambda ti: (
            order[(ti.dag_id, ti.dag_run_id, ti.task_id)],
            ti.map_index,
        ),
    )
