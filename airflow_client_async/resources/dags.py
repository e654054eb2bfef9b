"""``client.dags``: the DAG tag of the API."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from .._types import UNSET, Missing
from ..models import (
    DAG,
    DAGCollection,
    DAGDetail,
    Task,
    TaskCollection,
    TaskInstanceReference,
    TaskInstanceReferenceCollection,
    UpdateTaskState,
)
from ._base import Resource, json_body, patch_body

__all__ = ["DagsResource"]


class DagsResource(Resource):
    """DAGs: list, get, details, pause and unpause, delete, tasks, clear, set task state."""

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str | None = None,
        tags: Sequence[str] | None = None,
        only_active: bool | None = None,
        paused: bool | None = None,
        fields: Sequence[str] | None = None,
        dag_id_pattern: str | None = None,
    ) -> AsyncPaginator[DAG]:
        """List DAGs: await for one page, ``async for`` for every DAG.

        ``GET /dags``

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: A field to sort by, ``-`` in front to reverse (e.g. ``"-dag_id"``).
            tags: Only DAGs with any of these tags.
            only_active: Only active DAGs (the server's default is ``True``).
            paused: Only paused (``True``) or unpaused (``False``) DAGs.
            fields: Return only these fields of each DAG.
            dag_id_pattern: Only DAGs whose id matches this SQL ``LIKE`` pattern.

        Returns:
            A paginator of :class:`DAG`.
        """
        params = query_params(
            order_by=order_by,
            tags=tags,
            only_active=only_active,
            paused=paused,
            fields=fields,
            dag_id_pattern=dag_id_pattern,
        )
        return self._paginate(
            "/dags", DAGCollection, lambda c: c.dags, params=params, offset=offset, limit=limit
        )

    async def get(self, dag_id: str, *, fields: Sequence[str] | None = None) -> DAG:
        """Get one DAG.

        ``GET /dags/{dag_id}``

        Args:
            dag_id: The DAG id.
            fields: Return only these fields.

        Raises:
            NotFoundError: No such DAG.
        """
        path = build_path("/dags/{dag_id}", dag_id=dag_id)
        return await self._http.request_model("GET", path, DAG, params=query_params(fields=fields))

    async def get_details(self, dag_id: str, *, fields: Sequence[str] | None = None) -> DAGDetail:
        """Get a DAG with the details its file declares (schedule, params, owners, …).

        ``GET /dags/{dag_id}/details``

        Args:
            dag_id: The DAG id.
            fields: Return only these fields.

        Raises:
            NotFoundError: No such DAG.
        """
        path = build_path("/dags/{dag_id}/details", dag_id=dag_id)
        return await self._http.request_model(
            "GET", path, DAGDetail, params=query_params(fields=fields)
        )

    async def update(self, dag_id: str, *, is_paused: Missing[bool] = UNSET) -> DAG:
        """Update a DAG; only the fields given are sent, named in ``update_mask``.

        ``PATCH /dags/{dag_id}``

        Args:
            dag_id: The DAG id.
            is_paused: Pause (``True``) or unpause (``False``) the DAG.

        Raises:
            ValueError: No field was given.
            NotFoundError: No such DAG.
        """
        body, mask = patch_body({"is_paused": is_paused})
        path = build_path("/dags/{dag_id}", dag_id=dag_id)
        return await self._http.request_model(
            "PATCH", path, DAG, params=query_params(update_mask=mask), json_body=body
        )

    async def pause(self, dag_id: str) -> DAG:
        """Pause a DAG (``update(dag_id, is_paused=True)``).

        ``PATCH /dags/{dag_id}?update_mask=is_paused``
        """
        return await self.update(dag_id, is_paused=True)

    async def unpause(self, dag_id: str) -> DAG:
        """Unpause a DAG (``update(dag_id, is_paused=False)``).

        ``PATCH /dags/{dag_id}?update_mask=is_paused``
        """
        return await self.update(dag_id, is_paused=False)

    async def update_many(
        self,
        dag_id_pattern: str,
        *,
        is_paused: bool,
        tags: Sequence[str] | None = None,
        only_active: bool | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> DAGCollection:
        """Pause or unpause every DAG whose id matches a pattern.

        ``PATCH /dags``

        Args:
            dag_id_pattern: SQL ``LIKE`` pattern of the DAG ids to update (``"%"`` for all).
            is_paused: The new paused state.
            tags: Only DAGs with any of these tags.
            only_active: Only active DAGs (the server's default is ``True``).
            limit: Update at most this many DAGs (the server caps it at its page limit).
            offset: Skip this many matching DAGs.

        Returns:
            The updated DAGs.
        """
        body, mask = patch_body({"is_paused": is_paused})
        params = query_params(
            dag_id_pattern=dag_id_pattern,
            update_mask=mask,
            tags=tags,
            only_active=only_active,
            limit=limit,
            offset=offset,
        )
        return await self._http.request_model(
            "PATCH", "/dags", DAGCollection, params=params, json_body=body
        )

    async def delete(self, dag_id: str) -> None:
        """Delete a DAG and all its metadata (runs, task instances, …).

        ``DELETE /dags/{dag_id}``

        Raises:
            NotFoundError: No such DAG.
            ConflictError: The DAG has running task instances.
        """
        await self._http.request_empty("DELETE", build_path("/dags/{dag_id}", dag_id=dag_id))

    async def list_tasks(self, dag_id: str, *, order_by: str | None = None) -> builtins.list[Task]:
        """List the tasks of a DAG.

        ``GET /dags/{dag_id}/tasks``

        Args:
            dag_id: The DAG id.
            order_by: A task field to sort by, ``-`` in front to reverse.
        """
        path = build_path("/dags/{dag_id}/tasks", dag_id=dag_id)
        collection = await self._http.request_model(
            "GET", path, TaskCollection, params=query_params(order_by=order_by)
        )
        return list(collection.tasks or [])

    async def get_task(self, dag_id: str, task_id: str) -> Task:
        """Get one task of a DAG.

        ``GET /dags/{dag_id}/tasks/{task_id}``

        Raises:
            NotFoundError: No such DAG or task.
        """
        path = build_path("/dags/{dag_id}/tasks/{task_id}", dag_id=dag_id, task_id=task_id)
        return await self._http.request_model("GET", path, Task)

    async def clear_task_instances(
        self,
        dag_id: str,
        *,
        dry_run: bool = True,
        task_ids: Missing[Sequence[str]] = UNSET,
        dag_run_id: Missing[str | None] = UNSET,
        start_date: Missing[datetime] = UNSET,
        end_date: Missing[datetime] = UNSET,
        only_failed: Missing[bool] = UNSET,
        only_running: Missing[bool] = UNSET,
        reset_dag_runs: Missing[bool] = UNSET,
        include_upstream: Missing[bool] = UNSET,
        include_downstream: Missing[bool] = UNSET,
        include_future: Missing[bool] = UNSET,
        include_past: Missing[bool] = UNSET,
        include_subdags: Missing[bool] = UNSET,
        include_parentdag: Missing[bool] = UNSET,
    ) -> builtins.list[TaskInstanceReference]:
        """Clear task instances of a DAG so the scheduler runs them again.

        ``POST /dags/{dag_id}/clearTaskInstances``

        Like the server, this is a dry run unless ``dry_run=False`` is given: it then only
        lists what would be cleared. Arguments left unset take the server's defaults
        (``only_failed`` is ``True`` there).

        Args:
            dag_id: The DAG id.
            dry_run: Only list what would be cleared (the default).
            task_ids: Only these tasks.
            dag_run_id: Only this run.
            start_date: Only runs with a logical date from this time (timezone-aware).
            end_date: Only runs with a logical date up to this time (timezone-aware).
            only_failed: Only failed task instances.
            only_running: Only running task instances.
            reset_dag_runs: Set the cleared runs back to running.
            include_upstream: Also the upstream tasks.
            include_downstream: Also the downstream tasks.
            include_future: Also the task instances of later runs.
            include_past: Also the task instances of earlier runs.
            include_subdags: Also tasks of sub-DAGs and ExternalTaskMarker targets.
            include_parentdag: Also tasks of the parent DAG of a sub-DAG.

        Returns:
            The task instances cleared (or that would be).
        """
        body = json_body(
            dry_run=dry_run,
            task_ids=list(task_ids) if task_ids is not UNSET else UNSET,
            dag_run_id=dag_run_id,
            start_date=start_date,
            end_date=end_date,
            only_failed=only_failed,
            only_running=only_running,
            reset_dag_runs=reset_dag_runs,
            include_upstream=include_upstream,
            include_downstream=include_downstream,
            include_future=include_future,
            include_past=include_past,
            include_subdags=include_subdags,
            include_parentdag=include_parentdag,
        )
        path = build_path("/dags/{dag_id}/clearTaskInstances", dag_id=dag_id)
        collection = await self._http.request_model(
            "POST", path, TaskInstanceReferenceCollection, json_body=body
        )
        return list(collection.task_instances or [])

    async def set_task_instances_state(
        self,
        dag_id: str,
        *,
        task_id: str,
        new_state: UpdateTaskState | str,
        dry_run: bool = True,
        dag_run_id: Missing[str] = UNSET,
        execution_date: Missing[datetime] = UNSET,
        include_upstream: bool = False,
        include_downstream: bool = False,
        include_future: bool = False,
        include_past: bool = False,
    ) -> builtins.list[TaskInstanceReference]:
        """Set the state of a task's instances (and, optionally, its relatives').

        ``POST /dags/{dag_id}/updateTaskInstancesState``

        Like the server, this is a dry run unless ``dry_run=False`` is given. Name the run
        by ``dag_run_id`` or ``execution_date``, not both. The four ``include_*`` flags are
        always sent: the server requires them although the spec does not say so.

        Args:
            dag_id: The DAG id.
            task_id: The task id.
            new_state: ``"success"``, ``"failed"`` or ``"skipped"``.
            dry_run: Only list what would change (the default).
            dag_run_id: The run.
            execution_date: The run's logical date (timezone-aware).
            include_upstream: Also the upstream tasks.
            include_downstream: Also the downstream tasks.
            include_future: Also later runs.
            include_past: Also earlier runs.

        Returns:
            The task instances changed (or that would be).
        """
        if dag_run_id is not UNSET and execution_date is not UNSET:
            raise ValueError("give dag_run_id or execution_date, not both")
        body = json_body(
            task_id=task_id,
            new_state=new_state,
            dry_run=dry_run,
            dag_run_id=dag_run_id,
            execution_date=execution_date,
            include_upstream=include_upstream,
            include_downstream=include_downstream,
            include_future=include_future,
            include_past=include_past,
        )
        path = build_path("/dags/{dag_id}/updateTaskInstancesState", dag_id=dag_id)
        collection = await self._http.request_model(
            "POST", path, TaskInstanceReferenceCollection, json_body=body
        )
        return list(collection.task_instances or [])
