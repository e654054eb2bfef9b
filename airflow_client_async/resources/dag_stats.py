"""``client.dag_stats``: the DagStats tag of both APIs."""

from __future__ import annotations

from collections.abc import Sequence

from .._pagination import AsyncPaginator, Page
from .._routes import Route, Routes
from ..models import DagStats, DagStatsCollection
from ._base import Resource

__all__ = ["DagStatsResource"]


class DagStatsResource(Resource):
    """How many runs of each DAG are in each state: list."""

    namespace = "dag_stats"

    # Neither server pages this list. Airflow 2 reads the ids as one comma-separated
    # value; Airflow 3 reads a repeated key and answers a comma-joined one with nothing.
    _list = Routes(
        v1=Route("GET", "/dagStats", "get_dag_stats", comma={"dag_ids"}, paged=False),
        v2=Route("GET", "/dagStats", "get_dag_stats", paged=False),
    )

    def list(
        self,
        *,
        dag_ids: str | Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPaginator[DagStats]:
        """Count the runs of DAGs by state (queued, running, success, failed).

        The server answers for every id at once; ``limit`` and ``offset`` slice the
        answer here. Unknown DAG ids are left out of it; so are, on Airflow 3, the DAGs
        that have no run (Airflow 2 lists them with zero counts).

        Args:
            dag_ids: The DAG ids (a single string is one id). ``None``: every DAG, which
                only Airflow 3 can do.
            limit: Page size (``None``: every DAG asked for).
            offset: Where to start.

        Returns:
            A paginator of one entry per DAG, each with a count per state.

        Raises:
            ValueError: An empty list of ids, or an id that is empty or contains a comma
                (no DAG id does, and Airflow 2 would split it).
            UnsupportedByServerError: ``dag_ids=None`` on Airflow 2 (when first read).
        """
        ids = _checked_ids(dag_ids)

        async def fetch(page_offset: int, page_limit: int | None) -> Page[DagStats]:
            if ids is None:
                _, api_version = await self._route(self._list)
                if api_version == "v1":
                    raise await self._unsupported(
                        self._list,
                        parameter="dag_ids=None",
                        reason="it counts only the DAGs named in dag_ids",
                    )
            everything = self._paginate(
                self._list,
                DagStatsCollection,
                lambda c: c.dags,
                query={"dag_ids": ids},
                offset=page_offset,
                limit=page_limit,
            )
            return await everything

        return AsyncPaginator(fetch, offset=offset, limit=limit)


def _checked_ids(dag_ids: str | Sequence[str] | None) -> list[str] | None:
    if dag_ids is None:
        return None
    ids = [dag_ids] if isinstance(dag_ids, str) else list(dag_ids)
    if not ids:
        raise ValueError("give at least one DAG id (or None for every DAG on Airflow 3)")
    for dag_id in ids:
        if not dag_id or "," in dag_id:
            raise ValueError(f"not a DAG id: {dag_id!r}")
    return ids
