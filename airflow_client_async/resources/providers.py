"""``client.providers``: the Provider tag of both APIs."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from ..models import Provider, ProviderCollection
from ._base import Resource

__all__ = ["ProvidersResource"]


class ProvidersResource(Resource):
    """Provider packages installed on the server: list."""

    namespace = "providers"

    _list = Routes(
        # Airflow 2 takes no limit or offset and answers with every provider at once,
        # whatever its maximum_page_limit.
        v1=Route("GET", "/providers", "get_providers", paged=False),
        v2=Route("GET", "/providers", "get_providers"),
    )

    def list(
        self, *, limit: int | None = None, offset: int | None = None
    ) -> AsyncPaginator[Provider]:
        """List the installed provider packages: await for one page, ``async for`` for all.

        Airflow 2 sends every provider in one answer, which is paged through here, so
        ``limit`` and ``offset`` mean the same on both servers.

        Args:
            limit: Page size (Airflow 3 caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`Provider`, in the server's order (by package name).
        """
        return self._paginate(
            self._list, ProviderCollection, lambda c: c.providers, offset=offset, limit=limit
        )
