"""``client.variables``: the Variable tag of both APIs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict

from .._bulk import BulkRequest, BulkResult, OnExistence, OnNonExistence
from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import Variable, VariableCollection
from ._base import OrderBy, Resource

if TYPE_CHECKING:
    from typing_extensions import Required

__all__ = ["VariableEntity", "VariablesResource"]

_VARIABLE = "/variables/{variable_key}"


class VariableEntity(TypedDict, total=False):
    """A variable in a bulk request, keyed as Airflow 3's ``VariableBody``.

    Keys:
        key: The variable's key (required).
        value: Its value (required by the server, in updates too).
        description: A description.
        team_name: The team owning the variable (servers with ``[core] multi_team`` only).
    """

    key: Required[str]
    value: Required[str]
    description: str | None
    team_name: str | None


def _variable_key(entity: Mapping[str, object]) -> str:
    key = entity.get("key")
    if not isinstance(key, str) or not key:
        raise ValueError(f"a variable of a bulk request needs a non-empty key: {entity!r}")
    return key


class VariablesResource(Resource):
    """Variables: list, get, create (or overwrite), update, delete, bulk."""

    namespace = "variables"

    _list = Routes.both("GET", "/variables", "get_variables")

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        variable_key_pattern: str | None = None,
        variable_key_prefix_pattern: str | None = None,
    ) -> AsyncPaginator[Variable]:
        """List variables, with their values: await for one page, ``async for`` for all.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by (``key``, ``description``…), ``-`` in front to
                reverse (Airflow 2: one field).
            variable_key_pattern: Only keys containing this, case-insensitively (SQL
                ``ILIKE``). Airflow 3 only.
            variable_key_prefix_pattern: Only keys starting with this. Airflow 3 only.

        Returns:
            A paginator of :class:`Variable`.
        """
        query = {
            "order_by": order_by,
            "variable_key_pattern": variable_key_pattern,
            "variable_key_prefix_pattern": variable_key_prefix_pattern,
        }
        return self._paginate(
            self._list,
            VariableCollection,
            lambda c: c.variables,
            query=query,
            offset=offset,
            limit=limit,
        )

    _get = Routes.both("GET", _VARIABLE, "get_variable")

    async def get(self, key: str) -> Variable:
        """Get one variable, with its value.

        Any key works, ``/`` included: it is percent-encoded into one path segment.

        Raises:
            NotFoundError: No such variable.
        """
        sent = await self._send(self._get, path={"variable_key": key})
        return sent.model(Variable)

    _create = Routes(
        v1=Route("POST", "/variables", "post_variables"),
        v2=Route("POST", "/variables", "post_variable"),
    )

    async def create(
        self, key: str, *, value: str, description: Missing[str | None] = UNSET
    ) -> Variable:
        """Create a variable, or overwrite the one with this key (Airflow 2).

        On Airflow 2 a second create with the same key replaces the variable, value and
        description; Airflow 3 answers it with a 409 :class:`ConflictError`.

        Args:
            key: The variable's key.
            value: Its value, a string (serialise structured values yourself, e.g. with
                :func:`json.dumps`).
            description: A description (Airflow 2 refuses ``null``).

        Raises:
            ValueError: ``key`` is empty.
            ConflictError: Airflow 3 has a variable with this key.
            BadRequestError: The server refused the fields.
        """
        if not key:
            raise ValueError("key must be a non-empty string")
        body = {"key": key, "value": value, "description": description}
        sent = await self._send(self._create, body=body)
        return sent.model(Variable)

    _update = Routes(
        # Airflow 2 loads ``value`` into the attribute ``val`` and applies the mask to the
        # loaded names, so ``update_mask=value`` is refused as unknown there.
        v1=Route("PATCH", _VARIABLE, "patch_variable", mask={"value": "val"}),
        v2=Route("PATCH", _VARIABLE, "patch_variable"),
    )

    async def update(
        self,
        key: str,
        *,
        value: Missing[str] = UNSET,
        description: Missing[str | None] = UNSET,
    ) -> Variable:
        """Update a variable; only the fields given change, named in ``update_mask``.

        Both servers validate the body as a whole variable before applying the mask, and
        require ``key`` (equal to the one in the path) and ``value`` in every PATCH. Both
        are therefore always sent; when only the description changes, ``value`` is an
        empty placeholder that the mask keeps the server from writing.

        Args:
            key: The variable to update.
            value: A new value.
            description: A new description (Airflow 2 refuses ``null``).

        Raises:
            ValueError: No field was given.
            NotFoundError: No such variable.
            BadRequestError: The server refused the fields.
        """
        changes = {"value": value, "description": description}
        body = {"key": key, "value": ""}
        sent = await self._send(self._update, path={"variable_key": key}, body=body, update=changes)
        return sent.model(Variable)

    _delete = Routes.both("DELETE", _VARIABLE, "delete_variable")

    async def delete(self, key: str) -> None:
        """Delete a variable.

        Raises:
            NotFoundError: No such variable.
        """
        await self._send(self._delete, path={"variable_key": key})

    # Each action's update_mask came in 3.2; 3.1 answers 422 "Extra inputs are not permitted".
    _bulk__variables = Routes(
        v2=Route("PATCH", "/variables", "bulk_variables", since_fields={"update_mask": (3, 2)})
    )

    async def bulk(
        self,
        *,
        create: Sequence[VariableEntity] = (),
        update: Sequence[VariableEntity] = (),
        delete: Sequence[str] = (),
        on_existence: OnExistence = "fail",
        on_non_existence: OnNonExistence = "fail",
        update_mask: Sequence[str] | None = None,
    ) -> BulkResult:
        """Create, update and delete variables in one request. Airflow 3 only.

        The server answers 200 even when entities failed, and an error refuses its whole
        action: with ``on_existence="fail"``, one key that exists keeps every variable of
        the create from being created. The result tells each variable's outcome; call
        :meth:`BulkResult.raise_for_errors` to raise if any failed. A variable skipped with
        ``"skip"`` is reported as not applied.

        Args:
            create: Variables to create.
            update: Variables to update, each with its ``value`` (the server requires it).
            delete: Keys of variables to delete.
            on_existence: What a create does to a key that exists: ``"fail"`` the action,
                ``"skip"`` the variable, or ``"overwrite"`` it.
            on_non_existence: What an update or delete does to a key that does not exist:
                ``"fail"`` the action or ``"skip"`` the variable.
            update_mask: The fields an update writes (``None``: those given). Airflow
                3.2 and later.

        Returns:
            Every variable's outcome, in the order given.

        Raises:
            ValueError: No variable was given, or one has no key.
            UnsupportedByServerError: The server runs Airflow 2, or ``update_mask`` was
                given to a 3.x before 3.2.
        """
        return await self._bulk(
            self._bulk__variables,
            BulkRequest(
                create=create,
                update=update,
                delete=delete,
                on_existence=on_existence,
                on_non_existence=on_non_existence,
                update_mask=update_mask,
            ),
            _variable_key,
        )
