"""``client.pools``: the Pool tag of the API."""

from __future__ import annotations

from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from .._types import UNSET, Missing
from ..models import Pool, PoolCollection
from ._base import Resource, json_body, patch_body

__all__ = ["PoolsResource"]


class PoolsResource(Resource):
    """Pools: list, get, create, update, delete."""

    def list(
        self, *, limit: int | None = None, offset: int = 0, order_by: str | None = None
    ) -> AsyncPaginator[Pool]:
        """List pools: await for one page, ``async for`` for every pool.

        ``GET /pools``

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: A field to sort by, ``-`` in front to reverse.
        """
        return self._paginate(
            "/pools",
            PoolCollection,
            lambda c: c.pools,
            params=query_params(order_by=order_by),
            offset=offset,
            limit=limit,
        )

    async def get(self, pool_name: str) -> Pool:
        """Get one pool.

        ``GET /pools/{pool_name}``

        Raises:
            NotFoundError: No such pool.
        """
        return await self._http.request_model(
            "GET", build_path("/pools/{pool_name}", pool_name=pool_name), Pool
        )

    async def create(
        self,
        name: str,
        *,
        slots: int,
        description: Missing[str | None] = UNSET,
        include_deferred: Missing[bool] = UNSET,
    ) -> Pool:
        """Create a pool.

        ``POST /pools``

        Args:
            name: The pool's name.
            slots: How many slots it has (``-1``: unlimited).
            description: A description.
            include_deferred: Whether deferred tasks take slots.

        Raises:
            ConflictError: A pool of this name exists.
        """
        if not name:
            raise ValueError("name must be a non-empty string")
        body = json_body(
            name=name, slots=slots, description=description, include_deferred=include_deferred
        )
        return await self._http.request_model("POST", "/pools", Pool, json_body=body)

    async def update(
        self,
        pool_name: str,
        *,
        name: Missing[str] = UNSET,
        slots: Missing[int] = UNSET,
        description: Missing[str | None] = UNSET,
        include_deferred: Missing[bool] = UNSET,
    ) -> Pool:
        """Update a pool; only the fields given are sent, named in ``update_mask``.

        ``PATCH /pools/{pool_name}``

        Args:
            pool_name: The pool to update.
            name: A new name.
            slots: A new number of slots.
            description: A new description (``None`` clears it).
            include_deferred: Whether deferred tasks take slots.

        Raises:
            ValueError: No field was given.
            NotFoundError: No such pool.
            ConflictError: Renaming onto an existing pool's name.
        """
        body, mask = patch_body(
            {
                "name": name,
                "slots": slots,
                "description": description,
                "include_deferred": include_deferred,
            }
        )
        path = build_path("/pools/{pool_name}", pool_name=pool_name)
        return await self._http.request_model(
            "PATCH", path, Pool, params=query_params(update_mask=mask), json_body=body
        )

    async def delete(self, pool_name: str) -> None:
        """Delete a pool.

        ``DELETE /pools/{pool_name}``

        Raises:
            NotFoundError: No such pool.
            BadRequestError: The default pool cannot be deleted.
        """
        await self._http.request_empty(
            "DELETE", build_path("/pools/{pool_name}", pool_name=pool_name)
        )
