"""``client.dag_warnings``: the DagWarning tag of the API."""

from __future__ import annotations

from .._http import query_params
from .._pagination import AsyncPaginator, Page
from ..models import DagWarning, DagWarningCollection
from ._base import Resource

__all__ = ["DagWarningsResource"]


class DagWarningsResource(Resource):
    """Warnings the scheduler raised about DAGs (e.g. a non-existent pool): list."""

    def list(
        self,
        *,
        dag_id: str | None = None,
        warning_type: str | None = None,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> AsyncPaginator[DagWarning]:
        """List DAG warnings: await for one page, ``async for`` for every warning.

        ``GET /dagWarnings``

        Args:
            dag_id: Only the warnings of this DAG.
            warning_type: Only warnings of this type (e.g. ``"non-existent pool"``).
            order_by: A field to sort by, ``-`` in front to reverse (e.g. ``"-timestamp"``).
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`DagWarning`.
        """

        async def fetch(page_offset: int, page_limit: int | None) -> Page[DagWarning]:
            params = query_params(
                dag_id=dag_id,
                warning_type=warning_type,
                order_by=order_by,
                limit=page_limit,
                offset=page_offset,
            )
            collection = await self._http.request_model(
                "GET", "/dagWarnings", DagWarningCollection, params=params
            )
            return Page(
                items=collection.dag_warnings or [],
                total_entries=collection.total_entries,
                offset=page_offset,
                limit=page_limit,
                raw=collection,
            )

        return AsyncPaginator(fetch, offset=offset, limit=limit)
