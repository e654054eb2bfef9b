"""What the users, roles and permissions namespaces share: Airflow 3's FAB API.

On Airflow 3 these live in the FAB auth manager's own API (``/auth/fab/v1``), which a
server has only when FabAuthManager is its auth manager. With another one (the default
simple auth manager) the server answers a ``GET`` there with its web UI's HTML page and
status 200, and any other method with 405; both become an
:class:`UnsupportedByServerError` here, never a success.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import MethodNotAllowedError, UnsupportedByServerError
from .._operation import SendOptions
from .._routes import Routes
from ._base import Resource, Sent

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["FabResource"]


class FabResource(Resource):
    """A namespace whose Airflow 3 routes are in the FAB auth manager's API."""

    async def _send(self, routes: Routes, **options: Unpack[SendOptions]) -> Sent:
        """Send as :meth:`Resource._send` does, and tell a server without the FAB API.

        Raises:
            UnsupportedByServerError: The server is Airflow 3 without the FAB API.
        """
        route, _ = await self._route(routes)
        try:
            sent = await super()._send(routes, **options)
        except MethodNotAllowedError as exc:
            if route.base != "fab":
                raise
            raise await self._no_fab(routes) from exc
        if route.base == "fab" and _is_html(sent):
            raise await self._no_fab(routes)
        return sent

    async def _named(self, routes: Routes, value: str) -> dict[str, object]:
        """The path values of a route whose one placeholder names the object.

        Airflow 2 and the FAB API name it differently (``{role_name}``, ``{name}``).
        """
        route, _ = await self._route(routes)
        (placeholder,) = route.placeholders
        return {placeholder: value}

    async def _no_fab(self, routes: Routes) -> UnsupportedByServerError:
        return await self._unsupported(
            routes,
            reason="it has no FAB API (/auth/fab/v1): users, roles and permissions need "
            "FabAuthManager as its [core] auth_manager",
        )


def _is_html(sent: Sent) -> bool:
    content_type: str = sent.response.headers.get("content-type", "")
    return content_type.split(";", 1)[0].strip().lower() == "text/html"
