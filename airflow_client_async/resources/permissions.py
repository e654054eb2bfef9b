"""``client.permissions``: the Permission tag of the API (deprecated upstream)."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from ..models import Action, ActionCollection
from ._base import Resource

__all__ = ["PermissionsResource"]


class PermissionsResource(Resource):
    """Permission actions (``can_read``, ``can_edit``, …): list.

    Deprecated upstream: the endpoint belongs to the FAB auth manager and is gone from
    Airflow 3's API.
    """

    def list(self, *, limit: int | None = None, offset: int = 0) -> AsyncPaginator[Action]:
        """List the permission actions roles can grant: await for one page, ``async for`` for all.

        ``GET /permissions``

        Deprecated upstream (FAB auth manager only).

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`Action`.
        """
        return self._paginate(
            "/permissions", ActionCollection, lambda c: c.actions, offset=offset, limit=limit
        )
