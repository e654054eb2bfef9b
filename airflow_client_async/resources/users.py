"""``client.users``: the User tag of the API (deprecated upstream)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from .._types import UNSET, Missing
from ..models import User, UserCollection, UserCollectionItem
from ._base import Resource, json_body, patch_body

__all__ = ["UsersResource"]

#: Fields the server's user schema requires in every PATCH body, whatever ``update_mask``
#: says; the values of those not being updated are taken from the user as it is.
_REQUIRED_IN_PATCH = ("username", "email", "first_name", "last_name")


def _roles_body(roles: Sequence[str]) -> list[dict[str, str]]:
    if isinstance(roles, str):
        raise TypeError("roles is a sequence of role names, e.g. ['Viewer']")
    return [{"name": role} for role in roles]


class UsersResource(Resource):
    """Users of the webserver: list, get, create, update, delete.

    Deprecated upstream: these endpoints belong to the FAB auth manager and are gone from
    Airflow 3's API. Passwords are only ever sent, never shown: the server does not
    return them and no ``repr`` or error of this client contains one.
    """

    def list(
        self, *, limit: int | None = None, offset: int = 0, order_by: str | None = None
    ) -> AsyncPaginator[UserCollectionItem]:
        """List users: await for one page, ``async for`` for every user.

        ``GET /users``

        Deprecated upstream (FAB auth manager only).

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``"id"`` (the default), ``"first_name"``, ``"last_name"`` or
                ``"email"``. Airflow 2.11 refuses ``"username"`` and any descending order
                (``"-id"``) with 400, though the spec allows them.

        Returns:
            A paginator of :class:`UserCollectionItem`.
        """
        return self._paginate(
            "/users",
            UserCollection,
            lambda c: c.users,
            params=query_params(order_by=order_by),
            offset=offset,
            limit=limit,
        )

    async def get(self, username: str) -> UserCollectionItem:
        """Get one user.

        ``GET /users/{username}``

        Deprecated upstream (FAB auth manager only).

        Raises:
            NotFoundError: No such user.
        """
        return await self._http.request_model(
            "GET", build_path("/users/{username}", username=username), UserCollectionItem
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

        ``POST /users``

        Deprecated upstream (FAB auth manager only).

        Args:
            username: The login name.
            password: The password (sent, never shown).
            email: The e-mail address; the server requires it to be unique.
            first_name: The first name (may be empty).
            last_name: The last name (may be empty).
            roles: Names of the roles to give the user. Left out, the server gives the
                auth manager's registration role (``AUTH_USER_REGISTRATION_ROLE``); when
                that role does not exist, Airflow 2.11 answers 500 ("Failed to add user").

        Raises:
            ConflictError: The username or the e-mail address is taken.
            BadRequestError: A role does not exist.
            InternalServerError: No roles were given and the server has no usable
                registration role.
        """
        if not username:
            raise ValueError("username must be a non-empty string")
        body = json_body(
            username=username,
            password=password,
            email=email,
            first_name=first_name,
            last_name=last_name,
            roles=_roles_body(roles) if roles is not UNSET else UNSET,
        )
        return await self._http.request_model("POST", "/users", User, json_body=body)

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
    ) -> UserCollectionItem:
        """Update a user; only the fields given change, named in ``update_mask``.

        ``PATCH /users/{username}``

        Deprecated upstream (FAB auth manager only). Airflow 2.11 validates the body as a
        whole user and answers 400 unless it holds ``username``, ``email``,
        ``first_name`` and ``last_name``, even when ``update_mask`` names other fields.
        When some of those are not being updated, the user is read first
        (``GET /users/{username}``) and their current values fill the body; being outside
        ``update_mask``, they change nothing. Airflow 2.11 also keeps the old password
        when one PATCH sets both ``password`` and ``roles``, so then the password is sent
        in a PATCH of its own first, and the other fields in a second one (if that one
        fails, the password has already changed).

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
            NotFoundError: No such user.
            ConflictError: The new username or e-mail address is taken.
            BadRequestError: A role does not exist.
        """
        fields: dict[str, Any] = {
            "username": new_username,
            "password": password,
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "roles": _roles_body(roles) if roles is not UNSET else UNSET,
        }
        body, mask = patch_body(fields)
        mask_names = mask.split(",")
        path = build_path("/users/{username}", username=username)
        missing = [name for name in _REQUIRED_IN_PATCH if name not in body]
        separate_password = "password" in body and "roles" in body
        if missing or separate_password:
            current = await self.get(username)
            for name in missing:
                body[name] = getattr(current, name)
            if separate_password:
                # Airflow 2.11 keeps the old password when the same PATCH also sets roles.
                password_body = {name: getattr(current, name) for name in _REQUIRED_IN_PATCH}
                password_body["password"] = body.pop("password")
                mask_names.remove("password")
                await self._http.request_json(
                    "PATCH",
                    path,
                    params=query_params(update_mask="password"),
                    json_body=password_body,
                )
        return await self._http.request_model(
            "PATCH",
            path,
            UserCollectionItem,
            params=query_params(update_mask=",".join(mask_names)),
            json_body=body,
        )

    async def delete(self, username: str) -> None:
        """Delete a user.

        ``DELETE /users/{username}``

        Deprecated upstream (FAB auth manager only).

        Raises:
            NotFoundError: No such user.
        """
        await self._http.request_empty("DELETE", build_path("/users/{username}", username=username))
