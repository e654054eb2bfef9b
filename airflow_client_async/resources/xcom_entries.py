"""``client.xcom_entries``: the XCom tag of the API."""

from __future__ import annotations

from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from ..models import XCom, XComCollection, XComCollectionItem
from ._base import Resource

__all__ = ["XComEntriesResource"]

_ENTRIES = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries"


class XComEntriesResource(Resource):
    """XCom entries of task instances: list, get (with the value)."""

    def list(
        self,
        dag_id: str = "~",
        dag_run_id: str = "~",
        task_id: str = "~",
        *,
        map_index: int | None = None,
        xcom_key: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> AsyncPaginator[XComCollectionItem]:
        """List XCom entries: await for one page, ``async for`` for every entry.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries``

        ``"~"`` (the default) for the DAG, the run or the task means all of them. The items
        carry no ``value``; :meth:`get` reads it.

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            dag_run_id: The run id, or ``"~"`` for all runs.
            task_id: The task id, or ``"~"`` for all tasks.
            map_index: Only the entries of this map index (``-1`` for unmapped tasks).
            xcom_key: Only the entries with this key.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`XComCollectionItem`, ordered by DAG, task, run, map
            index and key.
        """
        path = build_path(_ENTRIES, dag_id=dag_id, dag_run_id=dag_run_id, task_id=task_id)
        return self._paginate(
            path,
            XComCollection,
            lambda c: c.xcom_entries,
            params=query_params(map_index=map_index, xcom_key=xcom_key),
            offset=offset,
            limit=limit,
        )

    async def get(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        xcom_key: str,
        *,
        map_index: int | None = None,
        deserialize: bool | None = None,
        stringify: bool | None = None,
    ) -> XCom:
        """Get one XCom entry with its value.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries/{xcom_key}``

        By default the server sends the value as a string (the Python repr of what was
        pushed, e.g. ``"{'n': 1}"``); ``stringify=False`` gets it as JSON (a dict, list,
        number, …), unless the server pickles XComs.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            xcom_key: The key (``"return_value"`` for a task's return value).
            map_index: The map index, for an instance of a mapped task.
            deserialize: Have a custom XCom backend deserialize the value fully (the
                server refuses this with 400 unless its
                ``[api] enable_xcom_deserialize_support`` is on).
            stringify: Send the value as a string (the server's default) or as JSON.

        Raises:
            NotFoundError: No such entry.
            BadRequestError: ``deserialize`` was asked for but is disabled on the server.
        """
        path = build_path(
            _ENTRIES + "/{xcom_key}",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            task_id=task_id,
            xcom_key=xcom_key,
        )
        params = query_params(map_index=map_index, deserialize=deserialize, stringify=stringify)
        return await self._http.request_model("GET", path, XCom, params=params)
