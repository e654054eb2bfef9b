"""``client.monitoring``: the Monitoring tag of the API."""

from __future__ import annotations

from ..models import HealthInfo, VersionInfo
from ._base import Resource

__all__ = ["MonitoringResource"]


class MonitoringResource(Resource):
    """The server's health and version."""

    async def health(self) -> HealthInfo:
        """Get the health of the metadatabase, scheduler, triggerer and DAG processor.

        ``GET /health``

        The server answers without authentication. A component that is not running
        (a triggerer, a standalone DAG processor) has ``status`` and heartbeat ``None``.
        """
        return await self._http.request_model("GET", "/health", HealthInfo)

    async def version(self) -> VersionInfo:
        """Get the Airflow version of the server.

        ``GET /version``

        ``git_version`` is an empty string for a release installed from PyPI.
        """
        return await self._http.request_model("GET", "/version", VersionInfo)
