"""``client.plugins``: the Plugin tag of the API."""

from __future__ import annotations

from .._http import query_params
from .._pagination import AsyncPaginator, Page
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

        async def fetch(page_offset: int, page_limit: int | None) -> Page[PluginCollectionItem]:
            collection = await self._http.request_model(
                "GET",
                "/plugins",
                PluginCollection,
                params=query_params(limit=page_limit, offset=page_offset),
            )
            return Page(
                items=collection.plugins or [],
                total_entries=collection.total_entries,
                offset=page_offset,
                limit=page_limit,
                raw=collection,
            )

        return AsyncPaginator(fetch, offset=offset, limit=limit)
