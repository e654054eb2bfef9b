"""``client.pools``: the Pool tag of both APIs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypedDict

from .._bulk import BulkRequest, BulkResult, OnExistence, OnNonExistence
from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, Missing
from ..models import Pool, PoolCollection
from ._base import OrderBy, Resource

if TYPE_CHECKING:
    from typing_extensions import Required

__all__ = ["PoolEntity", "PoolsResource"]

_POOL = "/pools/{pool_name}"


class PoolEntity(TypedDict, total=False):
    """A pool in a bulk request, keyed as Airflow 3's ``PoolBody``.

    Keys:
        name: The pool's name (required).
        slots: How many slots it has (``-1``: unlimited).
        description: A description.
        include_deferred: Whether deferred tasks take slots.
        team_name: The team owning the pool (servers with ``[core] multi_team`` only).

    Airflow 3.2 and later validate an updated pool as a whole pool: give ``slots`` and
    ``include_deferred`` in updates too (``update_mask`` picks what is written), or the
    whole request is refused with 422.
    """

    name: Required[str]
    slots: int
    description: str | None
    include_deferred: bool
    team_name: str | None


# Airflow 3.2 and later validate a pool PATCH body as a whole pool (name, slots and
# include_deferred required) before the update_mask picks what is written, so the fields not
# being updated go along with values the mask keeps from being written.
_V2_PATCH_PLACEHOLDERS: Mapping[str, object] = {"slots": 0, "include_deferred": False}


def _pool_name(entity: Mapping[str, object]) -> str:
    name = entity.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"a pool of a bulk request needs a non-empty name: {entity!r}")
    return name


class PoolsResource(Resource):
    """Pools: list, get, create, update, delete, bulk."""

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
        """Update a pool; only the fields given change, named in ``update_mask``.

        Airflow 3.2 and later validate the body as a whole pool, so on Airflow 3 it also
        carries the pool's name and placeholders for the fields not given, which the mask
        keeps from being written.

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
        _, api = await self._route(self._update)
        body = {**_V2_PATCH_PLACEHOLDERS, "pool": name} if api == "v2" else None
        sent = await self._send(self._update, path={"pool_name": name}, body=body, update=changes)
        return sent.model(Pool)

    _delete = Routes.both("DELETE", _POOL, "delete_pool")

    async def delete(self, name: str) -> None:
        """Delete a pool.

        Raises:
            NotFoundError: No such pool.
            BadRequestError: The default pool cannot be deleted.
        """
        await self._send(self._delete, path={"pool_name": name})

    # Each action's update_mask came in 3.2; 3.1 answers 422 "Extra inputs are not permitted".
    _bulk__pools = Routes(
        v2=Route("PATCH", "/pools", "bulk_pools", since_fields={"update_mask": (3, 2)})
    )

    async def bulk(
        self,
        *,
        create: Sequence[PoolEntity] = (),
        update: Sequence[PoolEntity] = (),
        delete: Sequence[str] = (),
        on_existence: OnExistence = "fail",
        on_non_existence: OnNonExistence = "fail",
        update_mask: Sequence[str] | None = None,
    ) -> BulkResult:
        """Create, update and delete pools in one request. Airflow 3 only.

        The server answers 200 even when entities failed, and an error refuses its whole
        action: with ``on_existence="fail"``, one pool that exists keeps every pool of the
        create from being created. The result tells each pool's outcome; call
        :meth:`BulkResult.raise_for_errors` to raise if any failed. A pool skipped with
        ``"skip"`` is reported as not applied.

        Args:
            create: Pools to create.
            update: Pools to update, each given whole, ``slots`` and ``include_deferred``
                included (the server validates it as a pool).
            delete: Names of pools to delete.
            on_existence: What a create does to a pool that exists: ``"fail"`` the
                action, ``"skip"`` the pool, or ``"overwrite"`` it.
            on_non_existence: What an update or delete does to a pool that does not
                exist: ``"fail"`` the action or ``"skip"`` the pool.
            update_mask: The fields an update writes (``None``: those given). Airflow
                3.2 and later.

        Returns:
            Every pool's outcome, in the order given.

        Raises:
            ValueError: No pool was given, or one has no name.
            UnsupportedByServerError: The server runs Airflow 2, or ``update_mask`` was
                given to a 3.x before 3.2.
        """
        return await self._bulk(
            self._bulk__pools,
            BulkRequest(
                create=create,
                update=update,
                delete=delete,
                on_existence=on_existence,
                on_non_existence=on_non_existence,
                update_mask=update_mask,
            ),
            _pool_name,
        )
