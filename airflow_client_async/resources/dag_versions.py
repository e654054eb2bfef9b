"""``client.dag_versions``: the DagVersion tag of Airflow 3 (the versions of a DAG's code)."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from ..models import DagVersion, DAGVersionCollection
from ._base import OrderBy, Resource

__all__ = ["DagVersionsResource"]

_VERSIONS = "/dags/{dag_id}/dagVersions"


class DagVersionsResource(Resource):
    """The versions of DAGs: list, get. Airflow 3 only."""

    namespace = "dag_versions"

    _list = Routes(v2=Route("GET", _VERSIONS, "get_dag_versions"))

    def list(
        self,
        dag_id: str = "~",
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        version_number: int | None = None,
        bundle_name: str | None = None,
        bundle_version: str | None = None,
    ) -> AsyncPaginator[DagVersion]:
        """List the versions of a DAG (of every DAG with ``"~"``, the default).

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            limit: Page size.
            offset: Where to start.
            order_by: ``id``, ``version_number``, ``bundle_name`` or ``bundle_version``,
                ``-`` in front to reverse; several may be given.
            version_number: Only this version number.
            bundle_name: Only versions from this bundle.
            bundle_version: Only versions of this bundle version.

        Returns:
            A paginator of :class:`DagVersion`.

        Raises:
            UnsupportedByServerError: The server is Airflow 2 (when first read).
            NotFoundError: No such DAG (when first read).
        """
        query = {
            "order_by": order_by,
            "version_number": version_number,
            "bundle_name": bundle_name,
            "bundle_version": bundle_version,
        }
        return self._paginate(
            self._list,
            DAGVersionCollection,
            lambda c: c.dag_versions,
            path={"dag_id": dag_id},
            query=query,
            offset=offset,
            limit=limit,
        )

    _get = Routes(v2=Route("GET", _VERSIONS + "/{version_number}", "get_dag_version"))

    async def get(self, dag_id: str, version_number: int) -> DagVersion:
        """Get one version of a DAG.

        Raises:
            UnsupportedByServerError: The server is Airflow 2.
            NotFoundError: No such DAG or version.
        """
        sent = await self._send(
            self._get, path={"dag_id": dag_id, "version_number": version_number}
        )
        return sent.model(DagVersion)
