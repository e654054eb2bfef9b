"""``client.xcom_entries``: the XCom tag of both APIs."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import JsonValue
from ..models import XCom, XComCollection
from ._base import DateTimeFilter, OrderBy, Resource, checked_filters

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["XComEntriesResource", "XComFilters"]

_ENTRIES = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/xcomEntries"
_ENTRY = _ENTRIES + "/{xcom_key}"


class XComFilters(TypedDict, total=False):
    """Airflow 3's filters of :meth:`XComEntriesResource.list` (refused on Airflow 2).

    Dates take a timezone-aware datetime or an ISO 8601 string, sent unchanged. Patterns
    match case-insensitively anywhere (SQL ``ILIKE``); prefix patterns match the start,
    case-sensitively.

    Keys:
        xcom_key_pattern: Keys containing this.
        xcom_key_prefix_pattern: Keys starting with this.
        dag_display_name_pattern: DAG display names containing this.
        dag_display_name_prefix_pattern: DAG display names starting with this.
        run_id_pattern: Run ids containing this.
        run_id_prefix_pattern: Run ids starting with this.
        task_id_pattern: Task ids containing this.
        task_id_prefix_pattern: Task ids starting with this.
        map_index_filter: This map index (as ``map_index``, without its ``>= -1`` check).
        logical_date_gte: Entries of runs with a logical date at or after this time (also
            ``_gt``, ``_lte``, ``_lt``).
        run_after_gte: Entries of runs to run at or after this time (also ``_gt``,
            ``_lte``, ``_lt``).
    """

    xcom_key_pattern: str | None
    xcom_key_prefix_pattern: str | None
    dag_display_name_pattern: str | None
    dag_display_name_prefix_pattern: str | None
    run_id_pattern: str | None
    run_id_prefix_pattern: str | None
    task_id_pattern: str | None
    task_id_prefix_pattern: str | None
    map_index_filter: int | None
    logical_date_gte: DateTimeFilter
    logical_date_gt: DateTimeFilter
    logical_date_lte: DateTimeFilter
    logical_date_lt: DateTimeFilter
    run_after_gte: DateTimeFilter
    run_after_gt: DateTimeFilter
    run_after_lte: DateTimeFilter
    run_after_lt: DateTimeFilter


def _path(dag_id: str, dag_run_id: str, task_id: str, key: str) -> dict[str, object]:
    return {"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id, "xcom_key": key}


class XComEntriesResource(Resource):
    """XCom entries of task instances: list, get; create, update, delete on Airflow 3."""

    namespace = "xcom_entries"

    _list = Routes.both("GET", _ENTRIES, "get_xcom_entries")

    def list(
        self,
        dag_id: str = "~",
        dag_run_id: str = "~",
        task_id: str = "~",
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        map_index: int | None = None,
        xcom_key: str | None = None,
        **filters: Unpack[XComFilters],
    ) -> AsyncPaginator[XCom]:
        """List XCom entries: await for one page, ``async for`` for every entry.

        ``"~"`` (the default) for the DAG, the run or the task means all of them. The items
        carry no ``value``; :meth:`get` reads it.

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            dag_run_id: The run id, or ``"~"`` for all runs.
            task_id: The task id, or ``"~"`` for all tasks.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by (``key``, ``dag_id``, ``run_id``, ``task_id``,
                ``map_index``, ``timestamp``), ``-`` in front to reverse. Airflow 3 only.
            map_index: Only the entries of this map index (``-1`` for unmapped tasks).
            xcom_key: Only the entries with this key.
            **filters: Airflow 3's other filters, see :class:`XComFilters`.

        Returns:
            A paginator of :class:`XCom`, ordered by DAG, task, run, map
            index and key unless ``order_by`` says else.

        Raises:
            TypeError: A filter that is not one of :class:`XComFilters`.
            UnsupportedByServerError: An Airflow 3 filter on Airflow 2.
        """
        query = {
            **checked_filters(filters, XComFilters),
            "order_by": order_by,
            "map_index": map_index,
            "xcom_key": xcom_key,
        }
        return self._paginate(
            self._list,
            XComCollection,
            lambda c: c.xcom_entries,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id},
            query=query,
            offset=offset,
            limit=limit,
        )

    _get = Routes.both("GET", _ENTRY, "get_xcom_entry")

    async def get(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        key: str,
        *,
        map_index: int | None = None,
        deserialize: bool | None = None,
        stringify: bool = False,
    ) -> XCom:
        """Get one XCom entry with its value.

        By default the value comes as JSON (a dict, list, number, …, unless the server
        pickles XComs); ``stringify=True`` gets the Python repr of what was pushed as a
        string instead (e.g. ``"{'n': 1}"``). The two servers default differently
        (Airflow 2 to a string, Airflow 3 to JSON), so ``stringify`` is always sent.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            key: The key (``"return_value"`` for a task's return value).
            map_index: The map index, for an instance of a mapped task.
            deserialize: Have a custom XCom backend deserialize the value fully (Airflow
                2 refuses this with 400 unless ``[api] enable_xcom_deserialize_support``
                is on).
            stringify: Send the value as a string rather than as JSON.

        Raises:
            NotFoundError: No such entry.
            BadRequestError: ``deserialize`` was asked for but is disabled on the server.
        """
        sent = await self._send(
            self._get,
            path=_path(dag_id, dag_run_id, task_id, key),
            query={"map_index": map_index, "deserialize": deserialize, "stringify": stringify},
        )
        return sent.model(XCom)

    _create = Routes(v2=Route("POST", _ENTRIES, "create_xcom_entry"))

    async def create(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        key: str,
        *,
        value: JsonValue,
        map_index: int | None = None,
    ) -> XCom:
        """Push an XCom entry. Airflow 3 only.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            key: The key.
            value: The value, any JSON.
            map_index: The map index, for an instance of a mapped task (``None``: -1).

        Returns:
            The entry, its value as JSON.

        Raises:
            ValueError: ``key`` is empty.
            UnsupportedByServerError: Airflow 2.
            NotFoundError: No such DAG, task or run.
            ConflictError: The instance has an entry with this key.
        """
        if not key:
            raise ValueError("key must be a non-empty string")
        body: dict[str, object] = {"key": key, "value": value}
        if map_index is not None:
            body["map_index"] = map_index
        sent = await self._send(
            self._create,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id, "task_id": task_id},
            body=body,
        )
        return sent.model(XCom)

    _update = Routes(v2=Route("PATCH", _ENTRY, "update_xcom_entry"))

    async def update(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        key: str,
        *,
        value: JsonValue,
        map_index: int | None = None,
    ) -> XCom:
        """Replace the value of an XCom entry. Airflow 3 only.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            key: The key.
            value: The new value, any JSON.
            map_index: The map index, for an instance of a mapped task (``None``: -1).

        Returns:
            The entry, its value as JSON.

        Raises:
            UnsupportedByServerError: Airflow 2.
            NotFoundError: No such entry.
        """
        body: dict[str, object] = {"value": value}
        if map_index is not None:
            body["map_index"] = map_index
        sent = await self._send(
            self._update, path=_path(dag_id, dag_run_id, task_id, key), body=body
        )
        return sent.model(XCom)

    _delete = Routes(v2=Route("DELETE", _ENTRY, "delete_xcom_entry"))

    async def delete(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        key: str,
        *,
        map_index: int | None = None,
    ) -> None:
        """Delete an XCom entry. Airflow 3.2+.

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.2.
            NotFoundError: No such entry.
        """
        await self._send(
            self._delete,
            path=_path(dag_id, dag_run_id, task_id, key),
            query={"map_index": map_index},
        )
