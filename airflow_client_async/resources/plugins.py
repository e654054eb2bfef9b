"""``client.plugins``: the Plugin tag of the API."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from ..models import PluginCollection, PluginCollectionItem
from ._base import Resource

__all__ = ["PluginsResource"]


class PluginsResource(Resource):
    """Plugins loaded by the webserver: list."""

    def list(
        self, *, limit: int | None = None, offset: int = 0
    ) -> AsyncPaginator[PluginCollectionItem]:
        """List the loaded plugins: await for one page, ``async for`` for every plugin.

        ``GET /plugins``

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`PluginCollectionItem`.
        """
        return self._paginate(
            "/plugins", PluginCollection, lambda c: c.plugins, offset=offset, limit=limit
        )
