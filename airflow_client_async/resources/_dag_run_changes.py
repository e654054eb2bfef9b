"""The clears and bulk changes of ``client.dag_runs``: many task instances or runs at once."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Literal, TypedDict, overload

from .._bulk import BulkRequest, BulkResult, OnNonExistence
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import (
    ClearPartitionsResult,
    DAGRun,
    DAGRunCollection,
    DagRunState,
    TaskInstance,
    TaskInstanceCollection,
    TaskInstanceReferenceCollection,
)
from ._parts import Part
from ._task_instance_changes import read_referenced
from .task_instances import TaskInstancesResource

if TYPE_CHECKING:
    from .dag_runs import DagRunsResource

__all__ = ["DagRunBulkUpdate", "DagRunChanges"]

_RUNS = "/dags/{dag_id}/dagRuns"
_RUN = _RUNS + "/{dag_run_id}"


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


class DagRunChanges(Part["DagRunsResource"]):
    """``clear``, ``clear_many``, ``clear_partitions`` and ``bulk`` of ``client.dag_runs``."""

    namespace = "dag_runs"

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
                instances = self._namespace("task_instances", TaskInstancesResource)
                return await read_referenced(instances, collection.task_instances or [])
            return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])
        sent = await self._send(self._clear, path=path, body=body)
        return sent.model(DAGRun)

    _clear_many = Routes(v2=Route("POST", "/dags/{dag_id}/clearDagRuns", "clear_dag_runs"))

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

    _bulk__dag_runs = Routes(v2=Route("PATCH", _RUNS, "bulk_dag_runs"))

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
            BulkRequest(
                update=updates,
                delete=deletes,
                on_non_existence=on_non_existence,
                update_mask=update_mask,
            ),
            key_of,
            path={"dag_id": dag_id},
            key_in_message=names_run,
        )
