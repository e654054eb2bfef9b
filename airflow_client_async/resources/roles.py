"""``client.roles``: Airflow 2's Role tag, and the FAB auth manager's roles on Airflow 3."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import ActionResource, Role, RoleCollection
from ._fab import FabResource

__all__ = ["ActionResourceInput", "RolesResource"]

#: A permission a role grants: an ``(action, resource)`` pair such as
#: ``("can_read", "DAGs")``, or an :class:`ActionResource` read from another role.
ActionResourceInput: TypeAlias = tuple[str, str] | ActionResource

_Pair = tuple[str, str]


def _pair(item: ActionResourceInput) -> _Pair:
    if isinstance(item, ActionResource):
        action = item.action.name if item.action is not None else None
        resource = item.resource.name if item.resource is not None else None
    # Checked at run time too: callers without a type checker pass anything.
    elif isinstance(item, tuple) and len(item) == 2:  # pyright: ignore[reportUnnecessaryIsInstance]
        action, resource = item
    else:
        raise TypeError(
            f"a permission is an (action, resource) pair or an ActionResource, not {item!r}"
        )
    if not isinstance(action, str) or not action:
        raise ValueError(f"a permission needs an action name: {item!r}")
    if not isinstance(resource, str) or not resource:
        raise ValueError(f"a permission needs a resource name: {item!r}")
    return action, resource


def _pairs(actions: Sequence[ActionResourceInput]) -> list[_Pair]:
    if isinstance(actions, (str, tuple)) and actions and isinstance(actions[0], str):
        # One pair given where a sequence of pairs was meant.
        raise TypeError("actions is a sequence of (action, resource) pairs, e.g. [(a, r)]")
    return [_pair(item) for item in actions]


def _actions_body(pairs: Sequence[_Pair]) -> list[dict[str, object]]:
    return [{"action": {"name": a}, "resource": {"name": r}} for a, r in pairs]


def _granted(role: Role) -> set[_Pair]:
    return {
        (a.action.name, a.resource.name)
        for a in role.actions or []
        if a.action is not None
        and a.resource is not None
        and a.action.name is not None
        and a.resource.name is not None
    }


class RolesResource(FabResource):
    """Roles and the permissions they grant: list, get, create, update, delete.

    Airflow 2 serves them in its own API; Airflow 3 only through the FAB auth manager's
    API, which a server has when FabAuthManager is its auth manager (otherwise every
    method raises :class:`UnsupportedByServerError`).
    """

    namespace = "roles"

    _list = Routes(
        v1=Route("GET", "/roles", "get_roles"),
        v2=Route("GET", "/roles", "get_roles", base="fab"),
    )

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: str | None = None,
    ) -> AsyncPaginator[Role]:
        """List roles with their permissions: await for one page, ``async for`` for all.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``"name"`` (the default) or ``"role_id"``; Airflow 3 also takes
                ``"-name"`` (descending), which Airflow 2.11 refuses with 400 though its
                spec allows it.

        Returns:
            A paginator of :class:`Role`.
        """
        return self._paginate(
            self._list,
            RoleCollection,
            lambda c: c.roles,
            query={"order_by": order_by},
            offset=offset,
            limit=limit,
        )

    _get = Routes(
        v1=Route("GET", "/roles/{role_name}", "get_role"),
        v2=Route("GET", "/roles/{name}", "get_role", base="fab"),
    )

    async def get(self, name: str) -> Role:
        """Get one role with its permissions.

        Raises:
            ValueError: ``name`` is empty.
            NotFoundError: No such role.
        """
        sent = await self._send(self._get, path=await self._named(self._get, name))
        return sent.model(Role)

    _create = Routes(
        v1=Route("POST", "/roles", "post_role"),
        v2=Route("POST", "/roles", "create_role", base="fab"),
    )

    async def create(self, name: str, *, actions: Sequence[ActionResourceInput]) -> Role:
        """Create a role granting some permissions.

        Airflow 2.11 answers a successful create with an empty object ``{}``, not the
        role; the role is then read back so that the caller gets what was created.

        Args:
            name: The role's name.
            actions: The permissions it grants, as ``(action, resource)`` pairs, e.g.
                ``[("can_read", "DAGs"), ("can_edit", "Pools")]``, or
                :class:`ActionResource` items; may be empty, but Airflow 2 answers 500
                when the field is missing, so it is always sent.

        Raises:
            ValueError: ``name`` is empty, or a permission lacks a name.
            TypeError: ``actions`` is not a sequence of permissions.
            ConflictError: A role of this name exists.
            BadRequestError: An action or resource does not exist.
        """
        if not name:
            raise ValueError("name must be a non-empty string")
        body = {"name": name, "actions": _actions_body(_pairs(actions))}
        sent = await self._send(self._create, body=body)
        if sent.json() == {}:
            return await self.get(name)
        return sent.model(Role)

    _update = Routes(
        v1=Route(
            "PATCH",
            "/roles/{role_name}",
            "patch_role",
            body={"new_name": "name"},
            mask={"new_name": "name"},
        ),
        v2=Route(
            "PATCH",
            "/roles/{name}",
            "patch_role",
            base="fab",
            body={"new_name": "name"},
            mask={"new_name": "name"},
        ),
    )

    async def update(
        self,
        name: str,
        *,
        new_name: Missing[str] = UNSET,
        actions: Missing[Sequence[ActionResourceInput]] = UNSET,
    ) -> Role:
        """Rename a role or set its permissions; only the fields given change.

        ``actions`` are the role's permissions from now on, on both servers. Airflow 3
        makes the role's permissions exactly these. Airflow 2 can only add permissions
        (its PATCH never takes one away): there the role is read first, and a request
        that would drop one of its permissions is refused (delete the role and create it
        again instead). Both servers require the role's name in the body, so the
        current one is sent when only ``actions`` change (outside ``update_mask``, so it
        changes nothing).

        Args:
            name: The role to update.
            new_name: A new name.
            actions: The role's permissions from now on, as for :meth:`create`.

        Returns:
            The role after the update.

        Raises:
            ValueError: No field was given.
            NotFoundError: No such role.
            BadRequestError: An action or resource does not exist.
            UnsupportedByServerError: On Airflow 2, ``actions`` lacks a permission the
                role has; nothing was changed.
        """
        pairs = _pairs(actions) if actions is not UNSET else None
        changes = {
            "new_name": new_name,
            "actions": _actions_body(pairs) if pairs is not None else UNSET,
        }
        if all(value is UNSET for value in changes.values()):
            raise ValueError("give at least one field to update: new_name, actions")
        path = await self._named(self._update, name)
        _, api = await self._route(self._update)
        if api == "v1" and pairs is not None:
            dropped = _granted(await self.get(name)) - set(pairs)
            if dropped:
                shown = ", ".join(f"({a}, {r})" for a, r in sorted(dropped))
                raise await self._unsupported(
                    self._update,
                    parameter="actions",
                    reason=f"it cannot take permissions away from a role, and {name!r} "
                    f"would lose {shown}; delete the role and create it again instead",
                )
        # The current name goes first: a new_name, sent under the same key, replaces it.
        sent = await self._send(self._update, path=path, body={"name": name}, update=changes)
        return sent.model(Role)

    _delete = Routes(
        v1=Route("DELETE", "/roles/{role_name}", "delete_role"),
        v2=Route("DELETE", "/roles/{name}", "delete_role", base="fab"),
    )

    async def delete(self, name: str) -> None:
        """Delete a role.

        Raises:
            ValueError: ``name`` is empty.
            NotFoundError: No such role.
        """
        await self._send(self._delete, path=await self._named(self._delete, name))
