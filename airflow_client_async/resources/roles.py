"""``client.roles``: the Role tag of the API (deprecated upstream)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from .._types import UNSET, Missing
from ..models import ActionResource, Role, RoleCollection
from ._base import Resource, json_body, patch_body

__all__ = ["ActionResourceInput", "RolesResource"]

#: A permission a role grants: an ``(action, resource)`` pair such as
#: ``("can_read", "DAGs")``, or an :class:`ActionResource` read from another role.
ActionResourceInput: TypeAlias = tuple[str, str] | ActionResource


def _action_resource(item: ActionResourceInput) -> dict[str, Any]:
    if isinstance(item, ActionResource):
        action = item.action.name if item.action is not None else None
        resource = item.resource.name if item.resource is not None else None
    elif isinstance(item, tuple) and len(item) == 2:
        action, resource = item
    else:
        raise TypeError(
            f"a permission is an (action, resource) pair or an ActionResource, not {item!r}"
        )
    if not isinstance(action, str) or not action:
        raise ValueError(f"a permission needs an action name: {item!r}")
    if not isinstance(resource, str) or not resource:
        raise ValueError(f"a permission needs a resource name: {item!r}")
    return {"action": {"name": action}, "resource": {"name": resource}}


def _actions_body(actions: Sequence[ActionResourceInput]) -> list[dict[str, Any]]:
    if isinstance(actions, (str, tuple)) and actions and isinstance(actions[0], str):
        # One pair given where a sequence of pairs was meant.
        raise TypeError("actions is a sequence of (action, resource) pairs, e.g. [(a, r)]")
    return [_action_resource(item) for item in actions]


class RolesResource(Resource):
    """Roles and the permissions they grant: list, get, create, update, delete.

    Deprecated upstream: these endpoints belong to the FAB auth manager and are gone from
    Airflow 3's API.
    """

    def list(
        self, *, limit: int | None = None, offset: int = 0, order_by: str | None = None
    ) -> AsyncPaginator[Role]:
        """List roles with their permissions: await for one page, ``async for`` for all.

        ``GET /roles``

        Deprecated upstream (FAB auth manager only).

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``"name"`` (the default) or ``"role_id"``. Airflow 2.11 refuses a
                descending order (``"-name"``) with 400, though the spec allows it.

        Returns:
            A paginator of :class:`Role`.
        """
        return self._paginate(
            "/roles",
            RoleCollection,
            lambda c: c.roles,
            params=query_params(order_by=order_by),
            offset=offset,
            limit=limit,
        )

    async def get(self, role_name: str) -> Role:
        """Get one role with its permissions.

        ``GET /roles/{role_name}``

        Deprecated upstream (FAB auth manager only).

        Raises:
            NotFoundError: No such role.
        """
        return await self._http.request_model(
            "GET", build_path("/roles/{role_name}", role_name=role_name), Role
        )

    async def create(self, name: str, *, actions: Sequence[ActionResourceInput]) -> Role:
        """Create a role granting some permissions.

        ``POST /roles``

        Deprecated upstream (FAB auth manager only). Airflow 2.11 answers a successful
        create with an empty object ``{}``, not the role; the role is then read back with
        ``GET /roles/{role_name}`` so that the caller gets what was created.

        Args:
            name: The role's name.
            actions: The permissions it grants, as ``(action, resource)`` pairs, e.g.
                ``[("can_read", "DAGs"), ("can_edit", "Pools")]``, or
                :class:`ActionResource` items; may be empty, but the server answers 500
                when the field is missing, so it is always sent.

        Raises:
            ConflictError: A role of this name exists.
            BadRequestError: An action or resource does not exist.
        """
        if not name:
            raise ValueError("name must be a non-empty string")
        body = json_body(name=name, actions=_actions_body(actions))
        created = await self._http.request_model("POST", "/roles", Role, json_body=body)
        if created.name is None:
            return await self.get(name)
        return created

    async def update(
        self,
        role_name: str,
        *,
        name: Missing[str] = UNSET,
        actions: Missing[Sequence[ActionResourceInput]] = UNSET,
    ) -> Role:
        """Rename a role or grant it more permissions; only the fields given are changed.

        ``PATCH /roles/{role_name}``

        Deprecated upstream (FAB auth manager only). The server adds the permissions in
        ``actions`` to those the role has and never takes one away: to drop permissions,
        delete the role and create it again. It also requires ``name`` in the body even
        when only ``actions`` is updated, so the current name is sent then (outside
        ``update_mask``, so it changes nothing).

        Args:
            role_name: The role to update.
            name: A new name.
            actions: Permissions to add, as for :meth:`create`.

        Returns:
            The role after the update.

        Raises:
            ValueError: No field was given.
            NotFoundError: No such role.
            BadRequestError: An action or resource does not exist.
        """
        body, mask = patch_body(
            {
                "name": name,
                "actions": _actions_body(actions) if actions is not UNSET else UNSET,
            }
        )
        body.setdefault("name", role_name)
        path = build_path("/roles/{role_name}", role_name=role_name)
        return await self._http.request_model(
            "PATCH", path, Role, params=query_params(update_mask=mask), json_body=body
        )

    async def delete(self, role_name: str) -> None:
        """Delete a role.

        ``DELETE /roles/{role_name}``

        Deprecated upstream (FAB auth manager only).

        Raises:
            NotFoundError: No such role.
        """
        await self._http.request_empty(
            "DELETE", build_path("/roles/{role_name}", role_name=role_name)
        )
