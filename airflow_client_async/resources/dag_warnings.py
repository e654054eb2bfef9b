"""``client.dag_warnings``: the DagWarning tag of both APIs."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from ..models import DagWarning, DagWarningCollection
from ._base import OrderBy, Resource

__all__ = ["DagWarningsResource"]


class DagWarningsResource(Resource):
    """Warnings the scheduler raised about DAGs (e.g. a non-existent pool): list."""

    namespace = "dag_warnings"

    _list = Routes(
        v1=Route("GET", "/dagWarnings", "get_dag_warnings"),
        v2=Route("GET", "/dagWarnings", "list_dag_warnings"),
    )

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        dag_id: str | None = None,
        warning_type: str | None = None,
    ) -> AsyncPaginator[DagWarning]:
        """List DAG warnings: await for one page, ``async for`` for every warning.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by, ``-`` in front to reverse (e.g. ``"-timestamp"``;
                Airflow 2: one field).
            dag_id: Only the warnings of this DAG.
            warning_type: Only warnings of this type (``"non-existent pool"``; Airflow 3
                also has ``"runtime varying value"``).

        Returns:
            A paginator of :class:`DagWarning`.
        """
        query = {"order_by": order_by, "dag_id": dag_id, "warning_type": warning_type}
        return self._paginate(
            self._list,
            DagWarningCollection,
            lambda c: c.dag_warnings,
            query=query,
            offset=offset,
            limit=limit,
        )
