"""``client.monitoring``: the Monitor and Version tags of both APIs."""

from __future__ import annotations

from .._routes import Route, Routes
from ..models import HealthInfo, VersionInfo
from ._base import Resource

__all__ = ["MonitoringResource"]


class MonitoringResource(Resource):
    """The server's health and version."""

    namespace = "monitoring"

    _health = Routes(
        v1=Route("GET", "/health", "get_health"),
        v2=Route("GET", "/monitor/health", "get_health"),
    )

    async def health(self) -> HealthInfo:
        """Get the health of the metadatabase, scheduler, triggerer and DAG processor.

        Both servers answer without authentication, so none is sent: a health check
        works whatever the credentials. A component that is not running (a triggerer,
        a standalone DAG processor) has ``status`` and heartbeat ``None``, or is left
        out. Airflow 3 sends ``status`` as free text rather than ``healthy`` or
        ``unhealthy`` alone; unknown values stay plain strings.
        """
        sent = await self._send(self._health, authenticate=False)
        return sent.model(HealthInfo)

    _version = Routes.both("GET", "/version", "get_version")

    async def version(self) -> VersionInfo:
        """Get the Airflow version of the server.

        ``git_version`` is an empty string (Airflow 2) or ``".release:<sha>"`` (Airflow 3)
        for a release installed from PyPI. Airflow 3 answers without authentication, so
        none is sent there.
        """
        _, api = await self._route(self._version)
        sent = await self._send(self._version, authenticate=api == "v1")
        return sent.model(VersionInfo)
