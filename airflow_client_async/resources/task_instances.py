"""``client.task_instances``: the TaskInstance tag of the API."""

from __future__ import annotations

import ast
import builtins
from collections.abc import AsyncIterator, Sequence
from typing import Any, TypeVar

import anyio
import attrs
import httpx

from .. import _converter
from .._errors import ResponseValidationError, request_path
from .._http import build_path, decode_json, query_params
from .._pagination import AsyncPaginator
from ..models import (
    TaskFailedDependency,
    TaskInstance,
    TaskInstanceCollection,
    TaskInstanceDependencyCollection,
    TaskInstanceHistory,
    TaskInstanceHistoryCollection,
    TaskInstanceReference,
    TaskState,
    UpdateTaskState,
)
from ._base import Resource, json_body
from .dag_runs import DateFilter

__all__ = ["TaskInstancesResource", "TaskLog"]

T = TypeVar("T")

_INSTANCE = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"
_MAPPED = _INSTANCE + "/{map_index}"

#: States after which a task instance does not run again unless it is cleared.
_FINISHED_STATES = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})


@attrs.frozen(kw_only=True)
class TaskLog:
    """One chunk of a task try's log.

    Attributes:
        text: The log text (the texts of every host, joined by newlines).
        continuation_token: Give it back as ``token`` to read only what was written since.
    """

    text: str
    continuation_token: str | None = attrs.field(default=None, repr=False)


class TaskInstancesResource(Resource):
    """Task instances: list, get, set state, notes, dependencies, tries, links and logs."""

    def list(
        self,
        dag_id: str = "~",
        dag_run_id: str = "~",
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
        duration_gte: float | None = None,
        duration_lte: float | None = None,
        state: Sequence[TaskState | str] | None = None,
        pool: Sequence[str] | None = None,
        queue: Sequence[str] | None = None,
        executor: Sequence[str] | None = None,
    ) -> AsyncPaginator[TaskInstance]:
        """List the task instances of a run: await for one page, ``async for`` for all.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances``

        ``"~"`` (the default) for the DAG or the run means all of them. Date filters take
        timezone-aware datetimes or ISO 8601 strings, which are sent unchanged. The server
        has no ``order_by`` here (it refuses the parameter).

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            dag_run_id: The run id, or ``"~"`` for all runs.
            limit: Page size (default 100; Airflow 2.11.2 does not cap it at its
                ``maximum_page_limit`` here).
            offset: Where to start.
            execution_date_gte: Instances of runs with a logical date at or after this time.
            execution_date_lte: Instances of runs with a logical date at or before this time.
            start_date_gte: Instances started at or after this time.
            start_date_lte: Instances started at or before this time.
            end_date_gte: Instances ended at or after this time.
            end_date_lte: Instances ended at or before this time.
            updated_at_gte: Instances updated at or after this time.
            updated_at_lte: Instances updated at or before this time.
            duration_gte: Instances that ran at least this many seconds.
            duration_lte: Instances that ran at most this many seconds.
            state: Instances in any of these states (``"none"`` for no state yet).
            pool: Instances in any of these pools.
            queue: Instances in any of these queues.
            executor: Instances run by any of these executors.

        Returns:
            A paginator of :class:`TaskInstance`.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
        )
        filters = query_params(
            execution_date_gte=execution_date_gte,
            execution_date_lte=execution_date_lte,
            start_date_gte=start_date_gte,
            start_date_lte=start_date_lte,
            end_date_gte=end_date_gte,
            end_date_lte=end_date_lte,
            updated_at_gte=updated_at_gte,
            updated_at_lte=updated_at_lte,
            duration_gte=duration_gte,
            duration_lte=duration_lte,
            state=state,
            pool=pool,
            queue=queue,
            executor=executor,
        )
        return self._paginate(
            path,
            TaskInstanceCollection,
            lambda c: c.task_instances,
            params=filters,
            offset=offset,
            limit=limit,
        )

    def list_batch(
        self,
        *,
        dag_ids: Sequence[str] | None = None,
        dag_run_ids: Sequence[str] | None = None,
        task_ids: Sequence[str] | None = None,
        execution_date_gte: DateFilter = None,
        execution_date_lte: DateFilter = None,
        start_date_gte: DateFilter = None,
        start_date_lte: DateFilter = None,
        end_date_gte: DateFilter = None,
        end_date_lte: DateFilter = None,
        duration_gte: int | None = None,
        duration_lte: int | None = None,
        state: Sequence[TaskState | str | None] | None = None,
        pool: Sequence[str] | None = None,
        queue: Sequence[str] | None = None,
        executor: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> AsyncPaginator[TaskInstance]:
        """List task instances across DAGs and runs with filters sent in the body.

        ``POST /dags/~/dagRuns/~/taskInstances/list``

        Paging uses the body's ``page_offset``/``page_limit``; the paginator works as for
        :meth:`list`. The request only reads, so it is retried like a GET.

        Args:
            dag_ids: Instances of any of these DAGs.
            dag_run_ids: Instances of any of these runs.
            task_ids: Instances of any of these tasks.
            execution_date_gte: Instances of runs with a logical date at or after this time.
            execution_date_lte: Instances of runs with a logical date at or before this time.
            start_date_gte: Instances started at or after this time.
            start_date_lte: Instances started at or before this time.
            end_date_gte: Instances ended at or after this time.
            end_date_lte: Instances ended at or before this time.
            duration_gte: Instances that ran at least this many whole seconds. The server
                reads the body's durations as integers, cutting off any fraction.
            duration_lte: Instances that ran at most this many whole seconds.
            state: Instances in any of these states (``None`` for no state yet).
            pool: Instances in any of these pools.
            queue: Instances in any of these queues.
            executor: Instances run by any of these executors.
            limit: Page size (default 100; not capped at ``maximum_page_limit``).
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
        scalars = {
            "execution_date_gte": execution_date_gte,
            "execution_date_lte": execution_date_lte,
            "start_date_gte": start_date_gte,
            "start_date_lte": start_date_lte,
            "end_date_gte": end_date_gte,
            "end_date_lte": end_date_lte,
            "duration_gte": duration_gte,
            "duration_lte": duration_lte,
        }
        given: dict[str, Any] = {
            name: builtins.list(values) for name, values in lists.items() if values is not None
        }
        given.update({name: value for name, value in scalars.items() if value is not None})
        return self._paginate_body(
            "/dags/~/dagRuns/~/taskInstances/list",
            TaskInstanceCollection,
            lambda c: c.task_instances,
            body=given,
            offset=offset,
            limit=limit,
        )

    async def get(self, dag_id: str, dag_run_id: str, task_id: str) -> TaskInstance:
        """Get one task instance of an unmapped task.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}``

        Raises:
            NotFoundError: No such instance, or the task is mapped (use :meth:`get_mapped`).
        """
        path = build_path(_INSTANCE, dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id)
        return await self._http.request_model("GET", path, TaskInstance)

    async def get_mapped(
        self, dag_id: str, dag_run_id: str, task_id: str, map_index: int
    ) -> TaskInstance:
        """Get one instance of a mapped task.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}``

        Raises:
            NotFoundError: No such instance.
        """
        path = build_path(
            _MAPPED, dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id, map_index=map_index
        )
        return await self._http.request_model("GET", path, TaskInstance)

    def list_mapped(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
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
        duration_gte: float | None = None,
        duration_lte: float | None = None,
        state: Sequence[TaskState | str] | None = None,
        pool: Sequence[str] | None = None,
        queue: Sequence[str] | None = None,
        executor: Sequence[str] | None = None,
        order_by: str | None = None,
    ) -> AsyncPaginator[TaskInstance]:
        """List the instances of a mapped task, by map index unless ``order_by`` says else.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/listMapped``

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The mapped task's id.
            limit: Page size (default 100; Airflow 2.11.2 does not cap it at its
                ``maximum_page_limit`` here).
            offset: Where to start.
            execution_date_gte: Instances of runs with a logical date at or after this time.
            execution_date_lte: Instances of runs with a logical date at or before this time.
            start_date_gte: Instances started at or after this time.
            start_date_lte: Instances started at or before this time.
            end_date_gte: Instances ended at or after this time.
            end_date_lte: Instances ended at or before this time.
            updated_at_gte: Instances updated at or after this time.
            updated_at_lte: Instances updated at or before this time.
            duration_gte: Instances that ran at least this many seconds.
            duration_lte: Instances that ran at most this many seconds.
            state: Instances in any of these states.
            pool: Instances in any of these pools.
            queue: Instances in any of these queues.
            executor: Instances run by any of these executors.
            order_by: ``state``, ``duration``, ``start_date``, ``end_date`` (``-`` in front
                to reverse) or ``-map_index``.

        Returns:
            A paginator of :class:`TaskInstance`.

        Raises:
            NotFoundError: No such DAG, run or task.
        """
        path = build_path(
            _INSTANCE + "/listMapped", dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id
        )
        filters = query_params(
            execution_date_gte=execution_date_gte,
            execution_date_lte=execution_date_lte,
            start_date_gte=start_date_gte,
            start_date_lte=start_date_lte,
            end_date_gte=end_date_gte,
            end_date_lte=end_date_lte,
            updated_at_gte=updated_at_gte,
            updated_at_lte=updated_at_lte,
            duration_gte=duration_gte,
            duration_lte=duration_lte,
            state=state,
            pool=pool,
            queue=queue,
            executor=executor,
            order_by=order_by,
        )
        return self._paginate(
            path,
            TaskInstanceCollection,
            lambda c: c.task_instances,
            params=filters,
            offset=offset,
            limit=limit,
        )

    async def set_state(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        new_state: UpdateTaskState | str,
        dry_run: bool = True,
    ) -> TaskInstanceReference:
        """Set the state of one task instance of an unmapped task.

        ``PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}``

        Like the server, this is a dry run unless ``dry_run=False`` is given. To change
        related instances too, see ``client.dags.set_task_instances_state``.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            new_state: ``"success"``, ``"failed"`` or ``"skipped"``.
            dry_run: Only check that the instance exists (the default).

        Returns:
            The instance changed (or that would be). Airflow 2.11.2 answers a real change
            with an empty object; the reference then holds the ids that were sent, and no
            ``execution_date``.

        Raises:
            NotFoundError: No such DAG, task or instance.
            BadRequestError: The state is not one the server accepts.
        """
        path = build_path(_INSTANCE, dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id)
        reference = await self._http.request_model(
            "PATCH",
            path,
            TaskInstanceReference,
            json_body=json_body(dry_run=dry_run, new_state=new_state),
        )
        return _with_ids(reference, dag_id, dag_run_id, task_id)

    async def set_mapped_state(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        map_index: int,
        *,
        new_state: UpdateTaskState | str,
        dry_run: bool = True,
    ) -> TaskInstanceReference:
        """Set the state of one instance of a mapped task.

        ``PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}``

        Like the server, this is a dry run unless ``dry_run=False`` is given.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The mapped task's id.
            map_index: The instance's map index.
            new_state: ``"success"``, ``"failed"`` or ``"skipped"``.
            dry_run: Only check that the instance exists (the default).

        Returns:
            The instance changed (or that would be); after a real change, as for
            :meth:`set_state`, only the ids that were sent.

        Raises:
            NotFoundError: No such DAG, task or instance.
            BadRequestError: The state is not one the server accepts.
        """
        path = build_path(
            _MAPPED, dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id, map_index=map_index
        )
        reference = await self._http.request_model(
            "PATCH",
            path,
            TaskInstanceReference,
            json_body=json_body(dry_run=dry_run, new_state=new_state),
        )
        return _with_ids(reference, dag_id, dag_run_id, task_id)

    async def set_note(self, dag_id: str, dag_run_id: str, task_id: str, note: str) -> TaskInstance:
        """Set the note of a task instance of an unmapped task.

        ``PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/setNote``

        Raises:
            NotFoundError: No such instance, or the task is mapped.
            BadRequestError: The note is longer than 1000 characters.
        """
        path = build_path(
            _INSTANCE + "/setNote", dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id
        )
        return await self._http.request_model(
            "PATCH", path, TaskInstance, json_body=json_body(note=note)
        )

    async def set_mapped_note(
        self, dag_id: str, dag_run_id: str, task_id: str, map_index: int, note: str
    ) -> TaskInstance:
        """Set the note of one instance of a mapped task.

        ``PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}/setNote``

        Raises:
            NotFoundError: No such instance.
            BadRequestError: The note is longer than 1000 characters.
        """
        path = build_path(
            _MAPPED + "/setNote",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            task_id=task_id,
            map_index=map_index,
        )
        return await self._http.request_model(
            "PATCH", path, TaskInstance, json_body=json_body(note=note)
        )

    async def get_dependencies(
        self, dag_id: str, dag_run_id: str, task_id: str
    ) -> builtins.list[TaskFailedDependency]:
        """List what keeps a task instance from being scheduled (empty when nothing does).

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/dependencies``

        Raises:
            NotFoundError: No such instance.
        """
        path = build_path(
            _INSTANCE + "/dependencies", dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id
        )
        collection = await self._http.request_model("GET", path, TaskInstanceDependencyCollection)
        return builtins.list(collection.dependencies or [])

    async def get_mapped_dependencies(
        self, dag_id: str, dag_run_id: str, task_id: str, map_index: int
    ) -> builtins.list[TaskFailedDependency]:
        """List what keeps one instance of a mapped task from being scheduled.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}/dependencies``

        Raises:
            NotFoundError: No such instance.
        """
        path = build_path(
            _MAPPED + "/dependencies",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            task_id=task_id,
            map_index=map_index,
        )
        collection = await self._http.request_model("GET", path, TaskInstanceDependencyCollection)
        return builtins.list(collection.dependencies or [])

    async def list_tries(
        self, dag_id: str, dag_run_id: str, task_id: str
    ) -> builtins.list[TaskInstanceHistory]:
        """List every try of a task instance of an unmapped task, oldest first.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries``

        The spec declares ``limit``, ``offset`` and ``order_by`` here, but the server
        ignores them and always answers with every try, so none is offered.

        Raises:
            NotFoundError: No such DAG.
        """
        path = build_path(
            _INSTANCE + "/tries", dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id
        )
        return _tries(await self._http.request_model("GET", path, TaskInstanceHistoryCollection))

    async def list_mapped_tries(
        self, dag_id: str, dag_run_id: str, task_id: str, map_index: int
    ) -> builtins.list[TaskInstanceHistory]:
        """List every try of one instance of a mapped task, oldest first.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}/tries``

        As for :meth:`list_tries`, the server always answers with every try.
        """
        path = build_path(
            _MAPPED + "/tries",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            task_id=task_id,
            map_index=map_index,
        )
        return _tries(await self._http.request_model("GET", path, TaskInstanceHistoryCollection))

    async def get_try(
        self, dag_id: str, dag_run_id: str, task_id: str, task_try_number: int
    ) -> TaskInstanceHistory:
        """Get one try of a task instance of an unmapped task.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries/{task_try_number}``

        Raises:
            NotFoundError: No such instance or try.
        """
        path = build_path(
            _INSTANCE + "/tries/{task_try_number}",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            task_id=task_id,
            task_try_number=task_try_number,
        )
        return await self._http.request_model("GET", path, TaskInstanceHistory)

    async def get_mapped_try(
        self, dag_id: str, dag_run_id: str, task_id: str, map_index: int, task_try_number: int
    ) -> TaskInstanceHistory:
        """Get one try of one instance of a mapped task.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/{map_index}/tries/{task_try_number}``

        Raises:
            NotFoundError: No such instance or try.
        """  # noqa: E501
        path = build_path(
            _MAPPED + "/tries/{task_try_number}",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            task_id=task_id,
            map_index=map_index,
            task_try_number=task_try_number,
        )
        return await self._http.request_model("GET", path, TaskInstanceHistory)

    async def get_extra_links(
        self, dag_id: str, dag_run_id: str, task_id: str, *, map_index: int | None = None
    ) -> dict[str, str | None]:
        """Get a task instance's extra links (e.g. to an external system's job page).

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/links``

        The server answers a plain ``{name: url}`` object (``null`` for a link without a
        target), not the ExtraLinkCollection the spec declares; both shapes are read.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for an instance of a mapped task.

        Returns:
            Link name → URL, or ``None`` when the link has no target.

        Raises:
            NotFoundError: No such DAG, task or instance.
        """
        path = build_path(
            _INSTANCE + "/links", dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id
        )
        response = await self._http.request("GET", path, params=query_params(map_index=map_index))
        data = decode_json(response)
        declared = data.get("extra_links") if isinstance(data, dict) else None
        if isinstance(declared, builtins.list) and len(data) == 1:
            data = {
                link.get("name"): link.get("href") for link in declared if isinstance(link, dict)
            }
        return _structure(response, data, dict[str, str | None], "extra links")

    async def get_log(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        task_try_number: int,
        *,
        map_index: int | None = None,
        full_content: bool | None = None,
        token: str | None = None,
    ) -> TaskLog:
        """Read a chunk of a task try's log, as text with a continuation token.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}``

        The first read starts with a ``::group::Log message source details`` block (and,
        while the task runs, lines such as ``*** Could not read served logs``); the text is
        kept as the server sent it. Giving the returned ``continuation_token`` back as
        ``token`` reads only what was written since. :meth:`follow_log` does that in a loop.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            task_try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            full_content: Ask log handlers that read in fragments for the whole log.
            token: A ``continuation_token`` from an earlier read.

        Returns:
            The text and the token to continue from.

        Raises:
            NotFoundError: No such instance.
            BadRequestError: The token was not made by this server.
        """
        path = build_path(
            _INSTANCE + "/logs/{task_try_number}",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            task_id=task_id,
            task_try_number=task_try_number,
        )
        params = query_params(map_index=map_index, full_content=full_content, token=token)
        response = await self._http.request("GET", path, params=params)
        data = decode_json(response)
        if not isinstance(data, dict):
            raise _invalid(response, "a log object", f"got a JSON {type(data).__name__}")
        token_out = data.get("continuation_token")
        return TaskLog(
            text=_log_text(data.get("content")),
            continuation_token=token_out if isinstance(token_out, str) else None,
        )

    async def get_log_text(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        task_try_number: int,
        *,
        map_index: int | None = None,
        full_content: bool | None = None,
    ) -> str:
        """Read a task try's whole log as the server's plain text.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/logs/{task_try_number}``
        (``Accept: text/plain``)

        The server puts each host's name on a line of its own before that host's text.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            task_try_number: The try (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            full_content: Ask log handlers that read in fragments for the whole log.

        Raises:
            NotFoundError: No such instance.
        """
        path = build_path(
            _INSTANCE + "/logs/{task_try_number}",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            task_id=task_id,
            task_try_number=task_try_number,
        )
        params = query_params(map_index=map_index, full_content=full_content)
        return await self._http.request_text("GET", path, params=params)

    async def follow_log(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        task_try_number: int,
        *,
        map_index: int | None = None,
        poll_interval: float = 1.0,
    ) -> AsyncIterator[str]:
        """Yield a task try's log text as it is written, until the try ends.

        Reads ``GET .../logs/{task_try_number}`` with the continuation token, so no text is
        yielded twice, and ``GET`` the instance before each read. It stops after the read
        that follows the instance reaching ``success``, ``failed``, ``skipped``,
        ``upstream_failed`` or ``removed`` (or ``up_for_retry``, or a later try), so the
        last chunk holds everything the try wrote before it ended.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            task_try_number: The try to follow (the first is 1).
            map_index: The map index, for an instance of a mapped task.
            poll_interval: Seconds between reads while the try runs.

        Yields:
            Each new, non-empty piece of text, in order.

        Raises:
            NotFoundError: No such instance.
        """
        if poll_interval < 0:
            raise ValueError("poll_interval must be zero or more")
        token: str | None = None
        while True:
            if map_index is None:
                instance = await self.get(dag_id, dag_run_id, task_id)
            else:
                instance = await self.get_mapped(dag_id, dag_run_id, task_id, map_index)
            ended = _try_ended(instance, task_try_number)
            chunk = await self.get_log(
                dag_id, dag_run_id, task_id, task_try_number, map_index=map_index, token=token
            )
            if chunk.text:
                yield chunk.text
            if chunk.continuation_token:
                token = chunk.continuation_token
            if ended:
                return
            await anyio.sleep(poll_interval)


def _with_ids(
    reference: TaskInstanceReference, dag_id: str, dag_run_id: str, task_id: str
) -> TaskInstanceReference:
    if reference.task_id is not None:
        return reference
    return attrs.evolve(reference, dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id)


def _try_ended(instance: TaskInstance, try_number: int) -> bool:
    state = str(instance.state) if instance.state is not None else None
    if state in _FINISHED_STATES:
        return True
    current = instance.try_number
    if current is None:
        return False
    # A retry gives the instance a new try number; the followed try has then ended.
    return current > try_number or (current == try_number and state == "up_for_retry")


def _log_text(content: Any) -> str:
    """Turn the JSON log's ``content`` into text.

    Airflow sends the Python repr of a list of ``(host, text)`` tuples. It is read with
    :func:`ast.literal_eval`, which evaluates literals only; any other shape is kept whole.
    """
    if content is None:
        return ""
    chunks: Any = content
    if isinstance(content, str):
        try:
            chunks = ast.literal_eval(content)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return content
    if isinstance(chunks, (builtins.list, tuple)) and all(
        isinstance(chunk, (builtins.list, tuple)) and len(chunk) == 2 and isinstance(chunk[1], str)
        for chunk in chunks
    ):
        return "\n".join(chunk[1] for chunk in chunks)
    return content if isinstance(content, str) else str(content)


def _tries(collection: TaskInstanceHistoryCollection) -> builtins.list[TaskInstanceHistory]:
    # The server sends task_instances; the spec's own name is task_instances_history.
    items = collection.task_instances
    if items is None:
        items = collection.task_instances_history
    return builtins.list(items or [])


def _structure(response: httpx.Response, data: Any, cls: type[T], expected: str) -> T:
    try:
        return _converter.structure(data, cls)
    except Exception as exc:
        # Whatever the converter raised, the caller gets one typed error with the body.
        raise _invalid(response, expected, str(exc)) from exc


def _invalid(response: httpx.Response, expected: str, reason: str) -> ResponseValidationError:
    request = response.request
    return ResponseValidationError(
        f"{request.method} {request_path(request)}: expected {expected}: {reason}",
        response=response,
        body=response.content,
        expected=expected,
    )
