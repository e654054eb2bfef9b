"""``client.permissions``: Airflow 2's Permission tag, and the FAB auth manager's on Airflow 3."""

from __future__ import annotations

import attrs

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import JsonValue
from ..models import Action, ActionResource, Resource
from ..models._base import Model
from ._fab import FabResource

__all__ = ["PermissionsResource"]


def _no_fields() -> dict[str, JsonValue]:
    return {}


@attrs.frozen(kw_only=True, eq=False, repr=False)
class _Permission(Model):
    """One item of either server's list: Airflow 2 lists actions (``name``), the FAB API
    (action, resource) pairs."""

    name: str | None = None
    action: Action | None = None
    resource: Resource | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_no_fields, repr=False)

    def pair(self) -> ActionResource:
        if self.action is None and self.resource is None:
            # An Airflow 2 item: an action alone, which any resource may pair with.
            return ActionResource(action=Action(name=self.name, extra_fields=self.extra_fields))
        return ActionResource(
            action=self.action, resource=self.resource, extra_fields=self.extra_fields
        )


@attrs.frozen(kw_only=True, eq=False, repr=False)
class _PermissionList(Model):
    actions: list[_Permission] | None = None
    total_entries: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_no_fields, repr=False)


class PermissionsResource(FabResource):
    """The permissions roles can grant: list.

    Airflow 2 serves them in its own API; Airflow 3 only through the FAB auth manager's
    API, which a server has when FabAuthManager is its auth manager (otherwise
    :meth:`list` raises :class:`UnsupportedByServerError`).
    """

    namespace = "permissions"

    _list = Routes(
        v1=Route("GET", "/permissions", "get_permissions"),
        v2=Route("GET", "/permissions", "get_permissions", base="fab"),
    )

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: str | None = None,
    ) -> AsyncPaginator[ActionResource]:
        """List permissions: await for one page, ``async for`` for every permission.

        The two servers list different things. Airflow 3's FAB API lists each
        permission as an (action, resource) pair. Airflow 2 lists the actions alone
        (``can_read``, ``can_edit``, …): each comes as an :class:`ActionResource` whose
        ``resource`` is ``None`` (and whose unknown fields are the action's).

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``"id"`` (the default), ``"action_id"`` or ``"resource_id"``,
                ``-`` in front to reverse. Airflow 3 only.

        Returns:
            A paginator of :class:`ActionResource`.
        """
        return self._paginate(
            self._list,
            _PermissionList,
            lambda c: [item.pair() for item in c.actions or []],
            query={"order_by": order_by},
            offset=offset,
            limit=limit,
        )
