"""``client.pools``: the Pool tag of both APIs."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import Pool, PoolCollection
from ._base import OrderBy, Resource

__all__ = ["PoolsResource"]

_POOL = "/pools/{pool_name}"


class PoolsResource(Resource):
    """Pools: list, get, create, update, delete."""

    namespace = "pools"

    _list = Routes.both("GET", "/pools", "get_pools")

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        pool_name_pattern: str | None = None,
        pool_name_prefix_pattern: str | None = None,
    ) -> AsyncPaginator[Pool]:
        """List pools: await for one page, ``async for`` for every pool.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by, ``-`` in front to reverse (Airflow 2: one field).
            pool_name_pattern: Only pools whose name contains this, case-insensitively
                (SQL ``ILIKE``, ``%`` and ``_`` as wildcards). Airflow 3 only.
            pool_name_prefix_pattern: Only pools whose name starts with this. Airflow 3
                only.

        Returns:
            A paginator of :class:`Pool`.
        """
        query = {
            "order_by": order_by,
            "pool_name_pattern": pool_name_pattern,
            "pool_name_prefix_pattern": pool_name_prefix_pattern,
        }
        return self._paginate(
            self._list, PoolCollection, lambda c: c.pools, query=query, offset=offset, limit=limit
        )

    _get = Routes.both("GET", _POOL, "get_pool")

    async def get(self, name: str) -> Pool:
        """Get one pool.

        Raises:
            NotFoundError: No such pool.
        """
        sent = await self._send(self._get, path={"pool_name": name})
        return sent.model(Pool)

    _create = Routes.both("POST", "/pools", "post_pool")

    async def create(
        self,
        name: str,
        *,
        slots: int,
        description: Missing[str | None] = UNSET,
        include_deferred: Missing[bool] = UNSET,
    ) -> Pool:
        """Create a pool.

        Args:
            name: The pool's name.
            slots: How many slots it has (``-1``: unlimited).
            description: A description.
            include_deferred: Whether deferred tasks take slots.

        Raises:
            ValueError: ``name`` is empty.
            ConflictError: A pool of this name exists.
        """
        if not name:
            raise ValueError("name must be a non-empty string")
        body = {
            "name": name,
            "slots": slots,
            "description": description,
            "include_deferred": include_deferred,
        }
        sent = await self._send(self._create, body=body)
        return sent.model(Pool)

    _update = Routes(
        v1=Route(
            "PATCH", _POOL, "patch_pool", body={"new_name": "name"}, mask={"new_name": "name"}
        ),
        # Airflow 3 answers 400 to a body whose pool name (key "pool") differs from the path.
        v2=Route("PATCH", _POOL, "patch_pool", body={"new_name": None}),
    )

    async def update(
        self,
        name: str,
        *,
        new_name: Missing[str] = UNSET,
        slots: Missing[int] = UNSET,
        description: Missing[str | None] = UNSET,
        include_deferred: Missing[bool] = UNSET,
    ) -> Pool:
        """Update a pool; only the fields given are sent, named in ``update_mask``.

        Args:
            name: The pool to update.
            new_name: Rename it (Airflow 2 only: Airflow 3 cannot rename a pool).
            slots: A new number of slots.
            description: A new description (``None`` clears it).
            include_deferred: Whether deferred tasks take slots.

        Raises:
            ValueError: No field was given.
            NotFoundError: No such pool.
            ConflictError: Renaming onto an existing pool's name.
        """
        changes = {
            "new_name": new_name,
            "slots": slots,
            "description": description,
            "include_deferred": include_deferred,
        }
        sent = await self._send(self._update, path={"pool_name": name}, update=changes)
        return sent.model(Pool)

    _delete = Routes.both("DELETE", _POOL, "delete_pool")

    async def delete(self, name: str) -> None:
        """Delete a pool.

        Raises:
            NotFoundError: No such pool.
            BadRequestError: The default pool cannot be deleted.
        """
        await self._send(self._delete, path={"pool_name": name})
