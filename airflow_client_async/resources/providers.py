"""``client.providers``: the Provider tag of the API."""

from __future__ import annotations

import builtins

from ..models import Provider, ProviderCollection
from ._base import Resource

__all__ = ["ProvidersResource"]


class ProvidersResource(Resource):
    """Provider packages installed on the webserver: list."""

    async def list(self) -> builtins.list[Provider]:
        """List every installed provider package.

        ``GET /providers``

        The route does not page: it takes no ``limit`` or ``offset`` and answers with every
        provider at once, whatever the server's ``maximum_page_limit``, so this returns a
        plain list rather than a paginator.

        Returns:
            The providers, in the server's order (by package name).
        """
        collection = await self._http.request_model("GET", "/providers", ProviderCollection)
        return builtins.list(collection.providers or [])
