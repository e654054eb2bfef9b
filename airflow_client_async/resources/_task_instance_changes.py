"""The changes of ``client.task_instances``: set states and notes, clear, bulk changes.

Airflow 2 answers several of them with references to the instances changed, not the
instances; :func:`read_referenced` reads those, here and for ``client.dag_runs.clear``.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, TypedDict

from .._bulk import BulkRequest, BulkResult, OnNonExistence
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import (
    TaskInstance,
    TaskInstanceCollection,
    TaskInstanceReference,
    TaskInstanceReferenceCollection,
    UpdateTaskState,
)
from ._parts import Part

if TYPE_CHECKING:
    from typing_extensions import Required

    from .task_instances import TaskInstancesResource

__all__ = [
    "TaskInstanceChange",
    "TaskInstanceChanges",
    "TaskInstanceKey",
    "instance_path",
    "read_referenced",
]

_RUN = "/dags/{dag_id}/dagRuns/{dag_run_id}"
_INSTANCES = _RUN + "/taskInstances"
_INSTANCE = _INSTANCES + "/{task_id}"
_MAPPED = _INSTANCE + "/{map_index}"
_GROUP = _RUN + "/taskGroupInstances/{group_id}"

#: Both APIs name the state to set ``new_state`` on the wire.
_NEW_STATE = {"state": "new_state"}


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


class TaskInstanceChanges(Part["TaskInstancesResource"]):
    """``update``, ``update_group``, ``clear`` and ``bulk`` of ``client.task_instances``.

    They build on its ``get`` and ``list_batch``.
    """

    namespace = "task_instances"

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
        path = instance_path(dag_id, dag_run_id, task_id, map_index)
        mapped = map_index is not None
        if dry_run:
            routes = self._update__mapped_dry_run if mapped else self._update__dry_run
        else:
            routes = self._update__mapped if mapped else self._update
        if not dry_run and state is not UNSET and any(flags.values()):
            minor = (await self._server_version()).minor
            if minor is not None and minor < (3, 1):
                return await self._update_with_relatives_v3_0(
                    dag_id, dag_run_id, task_id, map_index, state, note, flags
                )
        sent = await self._send(
            routes, path=path, body=flags, update={"state": state, "note": note}
        )
        return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])

    async def _update_with_relatives_v3_0(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        map_index: int | None,
        state: UpdateTaskState | str,
        note: Missing[str],
        flags: dict[str, bool],
    ) -> builtins.list[TaskInstance]:
        """Airflow 3.0's state change with relatives, answered by the task's own instance.

        3.0 answers with the first instance the change touched, which can be a relative's,
        and writes the note of the same request on that one: the state goes alone, then
        the note (whose answer is the task's instance), or else the instance is read.
        """
        path = instance_path(dag_id, dag_run_id, task_id, map_index)
        routes = self._update if map_index is None else self._update__mapped
        await self._send(routes, path=path, body=flags, update={"state": state})
        if note is not UNSET:
            sent = await self._send(routes, path=path, update={"note": note})
            return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])
        return [await self._whole.get(dag_id, dag_run_id, task_id, map_index=map_index)]

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
        path = instance_path(dag_id, dag_run_id, task_id, map_index)
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
            return await read_referenced(self._whole, references)
        if noted is not None:
            return [noted]
        return [await self._whole.get(dag_id, dag_run_id, task_id, map_index=map_index)]

    _update_group = Routes(
        v2=Route(
            "PATCH",
            _GROUP,
            "patch_task_group_instances",
            body=_NEW_STATE,
            mask=_NEW_STATE,
        ),
    )
    _update_group__dry_run = Routes(
        v2=Route(
            "PATCH",
            _GROUP + "/dry_run",
            "patch_task_group_instances_dry_run",
            body=_NEW_STATE,
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
            return await read_referenced(self._whole, references)
        return builtins.list(sent.model(TaskInstanceCollection).task_instances or [])

    # Each action's update_mask came in 3.2; 3.1 answers 422 "Extra inputs are not permitted".
    _bulk__task_instances = Routes(
        v2=Route("PATCH", _INSTANCES, "bulk_task_instances", since_fields={"update_mask": (3, 2)}),
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
                those given. Airflow 3.2 and later.

        Returns:
            Each entity's outcome; keys are ``"dag_id.dag_run_id.task_id"``, with
            ``"[map_index]"`` appended when the entity names one.

        Raises:
            ValueError: No entity was given.
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.1, or
                ``update_mask`` given to a 3.x before 3.2.
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
            BulkRequest(
                update=changes,
                delete=removals,
                on_non_existence=on_non_existence,
                update_mask=mask,
            ),
            key_of,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id},
            reported_as=reported_as,
        )


def instance_path(
    dag_id: str, dag_run_id: str, task_id: str, map_index: int | None
) -> dict[str, object]:
    """The path values of a task instance (with ``map_index`` for one of a mapped task)."""
    path: dict[str, object] = {"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id}
    if map_index is not None:
        path["map_index"] = map_index
    return path


def _bulk_entity(change: TaskInstanceChange) -> dict[str, object]:
    """A bulk update entity under its wire names (``state`` is ``new_state``)."""
    return {_NEW_STATE.get(name, name): value for name, value in change.items()}


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
