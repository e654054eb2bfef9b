"""``client.dag_stats``: the DagStats tag of the API."""

from __future__ import annotations

import builtins
from collections.abc import Sequence

from .._http import query_params
from ..models import DagStatsCollectionItem, DagStatsCollectionSchema
from ._base import Resource, comma_joined

__all__ = ["DagStatsResource"]


class DagStatsResource(Resource):
    """How many runs of each DAG are in each state: list."""

    async def list(self, dag_ids: str | Sequence[str]) -> builtins.list[DagStatsCollectionItem]:
        """Count the runs of some DAGs by state (queued, running, success, failed).

        ``GET /dagStats``

        The server requires ``dag_ids`` and reads it as one comma-separated value, so the
        ids are joined with commas (a repeated parameter would keep only the last id). The
        route does not page: it takes no ``limit``/``offset`` and answers for every id
        given, so this returns a plain list. Unknown DAG ids are left out of the answer.

        Args:
            dag_ids: The DAG ids (a single string is one id).

        Returns:
            One entry per known DAG, each with a count per state.

        Raises:
            ValueError: No id was given, or an id is empty or contains a comma (DAG ids
                cannot, and the server would split it).
        """
        params = query_params(dag_ids=comma_joined("dag_ids", dag_ids, what="DAG id"))
        collection = await self._http.request_model(
            "GET", "/dagStats", DagStatsCollectionSchema, params=params
        )
        return builtins.list(collection.dags or [])
