"""``client.task_instances``: the Task Instance tag of both APIs.

:class:`TaskInstancesResource` holds the reads: lists, an instance, its tries,
dependencies and links; and the delete. It is built from
:class:`~._task_instance_changes.TaskInstanceChanges` (state and note changes, clears,
bulk changes) and :class:`~._task_logs.TaskLogs` (the logs).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._http import invalid_response
from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from ..models import (
    TaskFailedDependency,
    TaskInstance,
    TaskInstanceCollection,
    TaskInstanceDependencyCollection,
    TaskInstanceHistory,
    TaskInstanceHistoryCollection,
    TaskInstanceState,
)
from ._base import OrderBy, checked_filters
from ._ranges import V1_DATES, RunRanges, UpdatedAtRanges
from ._task_instance_changes import (
    TaskInstanceChange,
    TaskInstanceChanges,
    TaskInstanceKey,
    instance_path,
)
from ._task_logs import TaskLog, TaskLogEvent, TaskLogs

if TYPE_CHECKING:
    from typing_extensions import Unpack

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


def _whole_list(route: Route) -> Routes:
    """The same list route on both APIs."""
    return Routes(v1=route, v2=route)


class TaskInstanceFilters(RunRanges, UpdatedAtRanges, total=False):
    """Filters that :meth:`TaskInstancesResource.list` and ``list_mapped`` share.

    A sequence matches any of its values. The date and duration bounds are those of
    :class:`~._ranges.RunRanges` and :class:`~._ranges.UpdatedAtRanges`. Airflow 2 takes
    only the ``_gte``/``_lte`` bounds of ``logical_date`` (its ``execution_date_*``),
    ``start_date``, ``end_date``, ``updated_at`` and ``duration``, and ``state``,
    ``pool``, ``queue`` and ``executor``; the others are Airflow 3 only, refused on
    Airflow 2 before anything is sent.

    Keys:
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


class TaskInstancesResource(TaskInstanceChanges, TaskLogs):
    """Task instances: list, get, update, clear, delete, bulk, tries, links and logs."""

    namespace = "task_instances"

    _list = Routes(
        v1=Route("GET", _INSTANCES, "get_task_instances", params=V1_DATES),
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
        v1=Route("GET", _INSTANCE + "/listMapped", "get_mapped_task_instances", params=V1_DATES),
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
            body=V1_DATES,
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
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        **ranges: Unpack[RunRanges],
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
            order_by: One field to sort by, ``-`` in front to reverse. Airflow 3 only.
            limit: Page size (Airflow 2 does not cap it at ``maximum_page_limit``).
            offset: Where to start.
            **ranges: Bounds on the instances' (and their runs') dates and on their
                durations: see :class:`~._ranges.RunRanges`. Airflow 2 reads the body's
                durations as integers, cutting off any fraction.

        Returns:
            A paginator of :class:`TaskInstance`.

        Raises:
            TypeError: A range that is not one of :class:`~._ranges.RunRanges`.
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
        body.update(checked_filters(ranges, RunRanges), order_by=order_by)
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
        sent = await self._send(routes, path=instance_path(dag_id, dag_run_id, task_id, map_index))
        return sent.model(TaskInstance)

    _delete = Routes(v2=Route("DELETE", _INSTANCE, "delete_task_instance"))

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
            path=instance_path(dag_id, dag_run_id, task_id, map_index),
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
            path=instance_path(dag_id, dag_run_id, task_id, map_index),
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
        path = {
            **instance_path(dag_id, dag_run_id, task_id, map_index),
            "task_try_number": try_number,
        }
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


def _tries(collection: TaskInstanceHistoryCollection) -> builtins.list[TaskInstanceHistory]:
    # Both servers send task_instances; Airflow 2's spec names it task_instances_history.
    items = collection.task_instances
    if items is None:
        items = collection.task_instances_history
    return builtins.list(items or [])
