"""``client.event_logs``: the EventLog tag of the API."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from ..models import EventLog, EventLogCollection
from ._base import Resource, comma_joined

__all__ = ["EventLogsResource"]


class EventLogsResource(Resource):
    """The audit log of what users, the CLI and the scheduler did: list, get."""

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int = 0,
        order_by: str | None = None,
        dag_id: str | None = None,
        task_id: str | None = None,
        run_id: str | None = None,
        map_index: int | None = None,
        try_number: int | None = None,
        event: str | None = None,
        owner: str | None = None,
        before: datetime | str | None = None,
        after: datetime | str | None = None,
        included_events: str | Sequence[str] | None = None,
        excluded_events: str | Sequence[str] | None = None,
    ) -> AsyncPaginator[EventLog]:
        """List event log entries: await for one page, ``async for`` for every entry.

        ``GET /eventLogs``

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: A field to sort by, ``-`` in front to reverse (e.g. ``"-event_log_id"``
                for the newest first; the default order is oldest first).
            dag_id: Only entries about this DAG.
            task_id: Only entries about this task.
            run_id: Only entries about this DAG run.
            map_index: Only entries about this map index.
            try_number: Only entries about this try.
            event: Only entries of this event (e.g. ``"trigger"``, ``"api.post_dag_run"``).
            owner: Only entries made by this user.
            before: Only entries logged before this time (timezone-aware, or an ISO 8601
                string with an offset: the server refuses naive times).
            after: Only entries logged after this time (same rules as ``before``).
            included_events: Only entries of any of these events. The server reads one
                comma-separated value, so a sequence is joined with commas.
            excluded_events: No entries of these events (joined the same way).

        Returns:
            A paginator of :class:`EventLog`.
        """
        params = query_params(
            order_by=order_by,
            dag_id=dag_id,
            task_id=task_id,
            run_id=run_id,
            map_index=map_index,
            try_number=try_number,
            event=event,
            owner=owner,
            before=before,
            after=after,
            included_events=comma_joined("included_events", included_events, what="event name"),
            excluded_events=comma_joined("excluded_events", excluded_events, what="event name"),
        )
        return self._paginate(
            "/eventLogs",
            EventLogCollection,
            lambda c: c.event_logs,
            params=params,
            offset=offset,
            limit=limit,
        )

    async def get(self, event_log_id: int) -> EventLog:
        """Get one event log entry.

        ``GET /eventLogs/{event_log_id}``

        Args:
            event_log_id: The entry's id (:attr:`EventLog.event_log_id`).

        Raises:
            NotFoundError: No such entry.
        """
        path = build_path("/eventLogs/{event_log_id}", event_log_id=event_log_id)
        return await self._http.request_model("GET", path, EventLog)
