"""``client.event_logs``: the Event Log tag of both APIs."""

from __future__ import annotations

from collections.abc import Sequence

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from ..models import EventLog, EventLogCollection
from ._base import DateTimeFilter, OrderBy, Resource

__all__ = ["EventLogsResource"]

#: Airflow 2 reads these lists as one comma-separated value; Airflow 3 as repeated keys.
_EVENT_LISTS = {"included_events", "excluded_events"}


class EventLogsResource(Resource):
    """The audit log of what users, the CLI and the scheduler did: list, get."""

    namespace = "event_logs"

    _list = Routes(
        v1=Route("GET", "/eventLogs", "get_event_logs", comma=_EVENT_LISTS),
        v2=Route("GET", "/eventLogs", "get_event_logs"),
    )

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        dag_id: str | None = None,
        task_id: str | None = None,
        run_id: str | None = None,
        map_index: int | None = None,
        try_number: int | None = None,
        event: str | None = None,
        owner: str | None = None,
        before: DateTimeFilter = None,
        after: DateTimeFilter = None,
        included_events: Sequence[str] | None = None,
        excluded_events: Sequence[str] | None = None,
        dag_id_pattern: str | None = None,
        dag_id_prefix_pattern: str | None = None,
        task_id_pattern: str | None = None,
        task_id_prefix_pattern: str | None = None,
        run_id_pattern: str | None = None,
        run_id_prefix_pattern: str | None = None,
        owner_pattern: str | None = None,
        owner_prefix_pattern: str | None = None,
        event_pattern: str | None = None,
        event_prefix_pattern: str | None = None,
    ) -> AsyncPaginator[EventLog]:
        """List event log entries: await for one page, ``async for`` for every entry.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by, ``-`` in front to reverse (e.g.
                ``"-event_log_id"`` for the newest first; the default order is oldest
                first). Airflow 2 takes one field.
            dag_id: Only entries about this DAG.
            task_id: Only entries about this task.
            run_id: Only entries about this DAG run.
            map_index: Only entries about this map index.
            try_number: Only entries about this try.
            event: Only entries of this event (e.g. ``"trigger"``, ``"api.post_dag_run"``).
            owner: Only entries made by this user.
            before: Only entries logged before this time (timezone-aware, or an ISO 8601
                string with an offset: both servers refuse naive times).
            after: Only entries logged after this time (same rules as ``before``).
            included_events: Only entries of any of these events (a string is one event).
            excluded_events: No entries of these events.
            dag_id_pattern: Only DAG ids containing this (SQL ``ILIKE``). Airflow 3
                only, as are the patterns below.
            dag_id_prefix_pattern: Only DAG ids starting with this.
            task_id_pattern: Only task ids containing this.
            task_id_prefix_pattern: Only task ids starting with this.
            run_id_pattern: Only run ids containing this.
            run_id_prefix_pattern: Only run ids starting with this.
            owner_pattern: Only owners containing this.
            owner_prefix_pattern: Only owners starting with this.
            event_pattern: Only events containing this.
            event_prefix_pattern: Only events starting with this.

        Returns:
            A paginator of :class:`EventLog`.

        Raises:
            ValueError: An event list is empty, or (Airflow 2) an event name holds a
                comma.
            UnsupportedByServerError: A pattern on Airflow 2.
        """
        query = {
            "order_by": order_by,
            "dag_id": dag_id,
            "task_id": task_id,
            "run_id": run_id,
            "map_index": map_index,
            "try_number": try_number,
            "event": event,
            "owner": owner,
            "before": before,
            "after": after,
            "included_events": _events(included_events),
            "excluded_events": _events(excluded_events),
            "dag_id_pattern": dag_id_pattern,
            "dag_id_prefix_pattern": dag_id_prefix_pattern,
            "task_id_pattern": task_id_pattern,
            "task_id_prefix_pattern": task_id_prefix_pattern,
            "run_id_pattern": run_id_pattern,
            "run_id_prefix_pattern": run_id_prefix_pattern,
            "owner_pattern": owner_pattern,
            "owner_prefix_pattern": owner_prefix_pattern,
            "event_pattern": event_pattern,
            "event_prefix_pattern": event_prefix_pattern,
        }
        return self._paginate(
            self._list,
            EventLogCollection,
            lambda c: c.event_logs,
            query=query,
            offset=offset,
            limit=limit,
        )

    _get = Routes.both("GET", "/eventLogs/{event_log_id}", "get_event_log")

    async def get(self, event_log_id: int) -> EventLog:
        """Get one event log entry.

        Args:
            event_log_id: The entry's id (:attr:`EventLog.event_log_id`).

        Raises:
            NotFoundError: No such entry.
        """
        sent = await self._send(self._get, path={"event_log_id": event_log_id})
        return sent.model(EventLog)


def _events(names: Sequence[str] | None) -> list[str] | None:
    """A list of event names; a plain string is one name, not a list of letters."""
    if names is None:
        return None
    events = [names] if isinstance(names, str) else list(names)
    if not events:
        raise ValueError("give at least one event name in included_events/excluded_events")
    return events
