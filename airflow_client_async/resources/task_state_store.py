"""``client.task_state_store``: Airflow 3.3's key/value state kept per task instance."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, JsonValue, Missing
from ..models import TaskStateStore, TaskStateStoreCollection
from ._base import Resource

__all__ = ["TaskStateStoreResource"]

_STORE = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/state-store"
_KEY = _STORE + "/{key}"


def _scope(dag_id: str, dag_run_id: str, task_id: str) -> dict[str, object]:
    return {"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id}


class TaskStateStoreResource(Resource):
    """A task instance's state store (Airflow 3.3+): list, get, set, update, delete, clear.

    Every method takes ``map_index`` for one instance of a mapped task (``None``: the
    server's default, ``-1``, an unmapped task).
    """

    namespace = "task_state_store"

    _list = Routes(v2=Route("GET", _STORE, "list_task_state_store"))

    def list(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        map_index: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPaginator[TaskStateStore]:
        """List the keys of a task instance's state store, in key order.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for an instance of a mapped task.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`TaskStateStore`.

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.3.
        """
        return self._paginate(
            self._list,
            TaskStateStoreCollection,
            lambda c: c.task_state_store,
            path=_scope(dag_id, dag_run_id, task_id),
            query={"map_index": map_index},
            offset=offset,
            limit=limit,
        )

    _get = Routes(v2=Route("GET", _KEY, "get_task_state_store"))

    async def get(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        key: str,
        *,
        map_index: int | None = None,
    ) -> TaskStateStore:
        """Get one key of a task instance's state store.

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.3.
            NotFoundError: No such key.
        """
        sent = await self._send(
            self._get,
            path={**_scope(dag_id, dag_run_id, task_id), "key": key},
            query={"map_index": map_index},
        )
        return sent.model(TaskStateStore)

    _set = Routes(v2=Route("PUT", _KEY, "set_task_state_store"))

    async def set(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        key: str,
        *,
        value: JsonValue,
        expires_at: Missing[datetime | Literal["default"] | None] = UNSET,
        map_index: int | None = None,
    ) -> None:
        """Create or overwrite a key of a task instance's state store.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            key: The key.
            value: Its value: any JSON but ``null``.
            expires_at: When it expires: a timezone-aware datetime, ``None`` for never,
                or ``"default"`` (also when left unset) for the server's
                ``[state_store] default_retention_days``.
            map_index: The map index, for an instance of a mapped task.

        Raises:
            ValueError: ``value`` is ``None``.
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.3.
            NotFoundError: No such task instance.
            UnprocessableEntityError: The value is too large for the server.
        """
        if value is None:
            raise ValueError("value cannot be None: the state store keeps no nulls")
        await self._send(
            self._set,
            path={**_scope(dag_id, dag_run_id, task_id), "key": key},
            query={"map_index": map_index},
            body={"value": value, "expires_at": expires_at},
        )

    _update = Routes(v2=Route("PATCH", _KEY, "patch_task_state_store"))

    async def update(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        key: str,
        *,
        value: JsonValue,
        map_index: int | None = None,
    ) -> None:
        """Change the value of an existing key, keeping when it expires.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            key: The key.
            value: Its new value: any JSON but ``null``.
            map_index: The map index, for an instance of a mapped task.

        Raises:
            ValueError: ``value`` is ``None``.
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.3.
            NotFoundError: No such task instance or key.
        """
        if value is None:
            raise ValueError("value cannot be None: the state store keeps no nulls")
        await self._send(
            self._update,
            path={**_scope(dag_id, dag_run_id, task_id), "key": key},
            query={"map_index": map_index},
            body={"value": value},
        )

    _delete = Routes(v2=Route("DELETE", _KEY, "delete_task_state_store"))

    async def delete(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        key: str,
        *,
        map_index: int | None = None,
    ) -> None:
        """Delete one key (nothing happens when there is no such key).

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.3.
            NotFoundError: No such task instance.
        """
        await self._send(
            self._delete,
            path={**_scope(dag_id, dag_run_id, task_id), "key": key},
            query={"map_index": map_index},
        )

    _clear = Routes(v2=Route("DELETE", _STORE, "clear_task_state_store"))

    async def clear(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        map_index: int | None = None,
        all_map_indices: bool | None = None,
    ) -> None:
        """Delete every key of a task instance's state store.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index, for an instance of a mapped task.
            all_map_indices: Clear every map index of the task (``map_index`` is then
                ignored).

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.3.
            NotFoundError: No such task instance.
        """
        await self._send(
            self._clear,
            path=_scope(dag_id, dag_run_id, task_id),
            query={"map_index": map_index, "all_map_indices": all_map_indices},
        )
