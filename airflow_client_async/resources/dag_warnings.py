"""``client.dag_warnings``: the DagWarning tag of the API."""

from __future__ import annotations

from .._http import query_params
from .._pagination import AsyncPaginator
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
        return self._paginate(
            "/dagWarnings",
            DagWarningCollection,
            lambda c: c.dag_warnings,
            params=query_params(dag_id=dag_id, warning_type=warning_type, order_by=order_by),
            offset=offset,
            limit=limit,
        )
