"""``client.users``: Airflow 2's User tag, and the FAB auth manager's users on Airflow 3."""

from __future__ import annotations

from collections.abc import Sequence

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import User, UserCollection
from ._fab import FabResource

__all__ = ["UsersResource"]

_USER = "/users/{username}"

#: Fields Airflow 2's user schema requires in every PATCH body, whatever ``update_mask``
#: says; the values of those not being updated are taken from the user as it is.
_REQUIRED_IN_V1_PATCH = ("username", "email", "first_name", "last_name")


def _roles_body(roles: Sequence[str]) -> list[dict[str, str]]:
    if isinstance(roles, str):
        raise TypeError("roles is a sequence of role names, e.g. ['Viewer']")
    return [{"name": role} for role in roles]


class UsersResource(FabResource):
    """Users: list, get, create, update, delete.

    Airflow 2 serves them in its own API; Airflow 3 only through the FAB auth manager's
    API, which a server has when FabAuthManager is its auth manager (otherwise every
    method raises :class:`UnsupportedByServerError`). Passwords are only ever sent, never
    shown: the servers do not return them and no ``repr`` or error of this client
    contains one.
    """

    namespace = "users"

    _list = Routes(
        v1=Route("GET", "/users", "get_users"),
        v2=Route("GET", "/users", "get_users", base="fab"),
    )

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: str | None = None,
    ) -> AsyncPaginator[User]:
        """List users: await for one page, ``async for`` for every user.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``"id"`` (the default), ``"first_name"``, ``"last_name"`` or
                ``"email"``; Airflow 3 also takes ``"username"``, ``"active"`` and a
                ``-`` in front (descending), which Airflow 2.11 refuses with 400 though
                its spec allows them.

        Returns:
            A paginator of :class:`User`.
        """
        return self._paginate(
            self._list,
            UserCollection,
            lambda c: c.users,
            query={"order_by": order_by},
            offset=offset,
            limit=limit,
        )

    _get = Routes(
        v1=Route("GET", _USER, "get_user"),
        v2=Route("GET", _USER, "get_user", base="fab"),
    )

    async def get(self, username: str) -> User:
        """Get one user.

        Raises:
            ValueError: ``username`` is empty.
            NotFoundError: No such user.
        """
        sent = await self._send(self._get, path={"username": username})
        return sent.model(User)

    _create = Routes(
        v1=Route("POST", "/users", "post_user"),
        v2=Route("POST", "/users", "create_user", base="fab"),
    )

    async def create(
        self,
        username: str,
        *,
        password: str,
        email: str,
        first_name: str,
        last_name: str,
        roles: Missing[Sequence[str]] = UNSET,
    ) -> User:
        """Create a user.

        Args:
            username: The login name.
            password: The password (sent, never shown).
            email: The e-mail address; the servers require it to be unique.
            first_name: The first name (Airflow 3 refuses an empty one).
            last_name: The last name (Airflow 3 refuses an empty one).
            roles: Names of the roles to give the user. Left out, the server gives the
                auth manager's registration role (``AUTH_USER_REGISTRATION_ROLE``); when
                that role does not exist, the server answers 500.

        Raises:
            ValueError: ``username`` is empty.
            TypeError: ``roles`` is a string.
            ConflictError: The username or the e-mail address is taken.
            BadRequestError: A role does not exist, or a field is invalid.
            InternalServerError: No roles were given and the server has no usable
                registration role.
        """
        if not username:
            raise ValueError("username must be a non-empty string")
        body = {
            "username": username,
            "password": password,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "roles": _roles_body(roles) if roles is not UNSET else UNSET,
        }
        sent = await self._send(self._create, body=body)
        return sent.model(User)

    _update = Routes(
        v1=Route(
            "PATCH",
            _USER,
            "patch_user",
            body={"new_username": "username"},
            mask={"new_username": "username"},
        ),
        v2=Route(
            "PATCH",
            _USER,
            "update_user",
            base="fab",
            body={"new_username": "username"},
            mask={"new_username": "username"},
        ),
    )

    async def update(
        self,
        username: str,
        *,
        new_username: Missing[str] = UNSET,
        password: Missing[str] = UNSET,
        email: Missing[str] = UNSET,
        first_name: Missing[str] = UNSET,
        last_name: Missing[str] = UNSET,
        roles: Missing[Sequence[str]] = UNSET,
    ) -> User:
        """Update a user; only the fields given change, named in ``update_mask``.

        On Airflow 3 this is one PATCH of the fields given. Airflow 2.11 validates the
        body as a whole user and answers 400 unless it holds ``username``, ``email``,
        ``first_name`` and ``last_name``, even when ``update_mask`` names other fields:
        when some of those are not being updated, the user is read first and their
        current values fill the body (outside ``update_mask``, they change nothing).
        Airflow 2.11 also keeps the old password when one PATCH sets both ``password``
        and ``roles``, so there the password is sent in a PATCH of its own first, and
        the other fields in a second one (if that one fails, the password has already
        changed).

        Args:
            username: The user to update.
            new_username: A new login name.
            password: A new password (sent, never shown).
            email: A new e-mail address.
            first_name: A new first name.
            last_name: A new last name.
            roles: The user's roles from now on, by name (replaces the current ones).

        Raises:
            ValueError: No field was given.
            TypeError: ``roles`` is a string.
            NotFoundError: No such user.
            ConflictError: The new username or e-mail address is taken.
            BadRequestError: A role does not exist.
        """
        changes: dict[str, object] = {
            "new_username": new_username,
            "password": password,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "roles": _roles_body(roles) if roles is not UNSET else UNSET,
        }
        given = {name: value for name, value in changes.items() if value is not UNSET}
        if not given:
            raise ValueError(f"give at least one field to update: {', '.join(changes)}")
        path = {"username": username}
        _, api = await self._route(self._update)
        if api == "v2":
            sent = await self._send(self._update, path=path, update=given)
            return sent.model(User)
        named = {"username" if name == "new_username" else name for name in given}
        missing = [name for name in _REQUIRED_IN_V1_PATCH if name not in named]
        separate_password = "password" in given and "roles" in given
        body: dict[str, object] = {}
        if missing or separate_password:
            current = await self.get(username)
            body = {name: getattr(current, name) for name in missing}
            if separate_password:
                # Airflow 2.11 keeps the old password when the same PATCH also sets roles.
                required = {name: getattr(current, name) for name in _REQUIRED_IN_V1_PATCH}
                await self._send(
                    self._update, path=path, body=required, update={"password": given["password"]}
                )
                del given["password"]
        sent = await self._send(self._update, path=path, body=body, update=given)
        return sent.model(User)

    _delete = Routes(
        v1=Route("DELETE", _USER, "delete_user"),
        v2=Route("DELETE", _USER, "delete_user", base="fab"),
    )

    async def delete(self, username: str) -> None:
        """Delete a user.

        Raises:
            ValueError: ``username`` is empty.
            NotFoundError: No such user.
        """
        await self._send(self._delete, path={"username": username})
