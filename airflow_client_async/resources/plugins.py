"""``client.plugins``: the Plugin tag of both APIs."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from ..models import Plugin, PluginCollection, PluginImportError, PluginImportErrorCollection
from ._base import Resource

__all__ = ["PluginsResource"]


class PluginsResource(Resource):
    """Plugins loaded by the server: list, and (Airflow 3.1+) the ones that failed to load."""

    namespace = "plugins"

    _list = Routes.both("GET", "/plugins", "get_plugins")

    def list(
        self, *, limit: int | None = None, offset: int | None = None
    ) -> AsyncPaginator[Plugin]:
        """List the loaded plugins: await for one page, ``async for`` for every plugin.

        Airflow 3 describes a plugin with other fields (``fastapi_apps``,
        ``react_apps``, …), which are ``None`` on Airflow 2.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`Plugin`.
        """
        return self._paginate(
            self._list, PluginCollection, lambda c: c.plugins, offset=offset, limit=limit
        )

    _list_import_errors = Routes(
        v2=Route("GET", "/plugins/importErrors", "import_errors", paged=False)
    )

    def list_import_errors(
        self, *, limit: int | None = None, offset: int | None = None
    ) -> AsyncPaginator[PluginImportError]:
        """List the plugins that failed to load. Airflow 3.1 and later.

        The server sends the whole list at once; ``limit`` and ``offset`` page through it
        here.

        Args:
            limit: Page size.
            offset: Where to start.

        Returns:
            A paginator of :class:`PluginImportError`.

        Raises:
            UnsupportedByServerError: The server runs Airflow 2 or 3.0.
        """
        return self._paginate(
            self._list_import_errors,
            PluginImportErrorCollection,
            lambda c: c.import_errors,
            offset=offset,
            limit=limit,
        )
