"""``client.variables``: the Variable tag of the API."""

from __future__ import annotations

from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from .._types import UNSET, Missing
from ..models import Variable, VariableCollection
from ._base import Resource, json_body, patch_body

__all__ = ["VariablesResource"]


# The server loads ``value`` into the attribute ``val`` and applies the update_mask to
# the loaded names, so ``update_mask=value`` is refused as "unknown".
_MASK_NAMES = {"value": "val"}


class VariablesResource(Resource):
    """Variables: list, get, create (or overwrite), update, delete."""

    def list(
        self, *, limit: int | None = None, offset: int = 0, order_by: str | None = None
    ) -> AsyncPaginator[Variable]:
        """List variables: await for one page, ``async for`` for every variable.

        ``GET /variables``

        Items carry their ``value``: the server sends it in lists too, although the spec
        says only single variables have one.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: A field to sort by (``key``, ``description``…), ``-`` in front to
                reverse.

        Returns:
            A paginator of :class:`Variable`.
        """
        return self._paginate(
            "/variables",
            VariableCollection,
            lambda c: c.variables,
            params=query_params(order_by=order_by),
            offset=offset,
            limit=limit,
        )

    async def get(self, key: str) -> Variable:
        """Get one variable, with its value.

        ``GET /variables/{variable_key}``

        Any key works, ``/`` included: the route takes the rest of the path as the key.

        Raises:
            NotFoundError: No such variable.
        """
        path = build_path("/variables/{variable_key}", variable_key=key)
        return await self._http.request_model("GET", path, Variable)

    async def create(self, key: str, value: str, *, description: Missing[str] = UNSET) -> Variable:
        """Create a variable, or overwrite the one with this key.

        ``POST /variables``

        Unlike pools or connections, a second create with the same key is no conflict: the
        server replaces the variable, value and description (a create without a
        description leaves the variable with none).

        Args:
            key: The variable's key.
            value: Its value, a string (serialise structured values yourself, e.g. with
                :func:`json.dumps`).
            description: A description. The server refuses ``null`` here.

        Raises:
            BadRequestError: The server refused the fields.
        """
        if not key:
            raise ValueError("key must be a non-empty string")
        body = json_body(key=key, value=value, description=description)
        return await self._http.request_model("POST", "/variables", Variable, json_body=body)

    async def update(
        self,
        key: str,
        *,
        value: Missing[str] = UNSET,
        description: Missing[str] = UNSET,
    ) -> Variable:
        """Update a variable; only the fields given change, named in ``update_mask``.

        ``PATCH /variables/{variable_key}``

        The server validates the body as a whole Variable before it applies the mask: it
        requires ``key`` (equal to the one in the path) and ``value`` in every PATCH. Both
        are therefore always sent; when only the description changes, ``value`` is an
        empty placeholder that the mask keeps the server from writing.

        Args:
            key: The variable to update.
            value: A new value.
            description: A new description (the server refuses ``null``).

        Raises:
            ValueError: No field was given.
            NotFoundError: No such variable.
            BadRequestError: The server refused the fields.
        """
        body, mask = patch_body({"value": value, "description": description}, _MASK_NAMES)
        body = {"key": key, "value": "", **body}
        path = build_path("/variables/{variable_key}", variable_key=key)
        params = query_params(update_mask=mask)
        return await self._http.request_model(
            "PATCH", path, Variable, params=params, json_body=body
        )

    async def delete(self, key: str) -> None:
        """Delete a variable.

        ``DELETE /variables/{variable_key}``

        Raises:
            NotFoundError: No such variable.
        """
        await self._http.request_empty(
            "DELETE", build_path("/variables/{variable_key}", variable_key=key)
        )
