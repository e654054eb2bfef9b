"""``client.asset_state_store``: the Asset State Store tag of Airflow 3.3."""

from __future__ import annotations

from .._pagination import AsyncPaginator, Page
from .._routes import Route, Routes
from .._types import JsonValue
from ..models import AssetStateStore, AssetStateStoreCollection
from ._base import Resource
from .assets import AssetsResource

__all__ = ["AssetStateStoreResource"]

_STORE = "/assets/{asset_id}/state-store"
_KEY = "/assets/{asset_id}/state-store/{key}"


class AssetStateStoreResource(Resource):
    """Key-value state kept per asset: list, get, set, delete, clear. Airflow 3.3 and later.

    An asset is named by its id (``int``) or its URI (``str``, looked up as
    :meth:`AssetsResource.get` does). Keys may hold ``/``.
    """

    namespace = "asset_state_store"

    async def _asset_id(self, routes: Routes, asset: object) -> int:
        """The id of ``asset``, once the server is known to have ``routes``."""
        # Resolved first, so that a server without the route refuses before any lookup.
        await self._route(routes)
        if isinstance(asset, str):
            return (await self._namespace("assets", AssetsResource).get(asset)).id
        if isinstance(asset, bool) or not isinstance(asset, int):
            raise TypeError(f"asset is an id (int) or a URI (str), not {type(asset).__name__}")
        return asset

    _list = Routes(v2=Route("GET", _STORE, "list_asset_state_store"))

    def list(
        self, asset: int | str, *, limit: int | None = None, offset: int | None = None
    ) -> AsyncPaginator[AssetStateStore]:
        """List an asset's state entries, by key: await for one page, ``async for`` for all.

        Args:
            asset: The asset's id or URI.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`AssetStateStore`.

        Raises:
            NotFoundError: No such asset.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        resolved: dict[str, object] = {}

        async def asset_id() -> dict[str, object]:
            if not resolved:
                resolved["asset_id"] = await self._asset_id(self._list, asset)
            return resolved

        async def fetch(page_offset: int, page_limit: int | None) -> Page[AssetStateStore]:
            return await self._paginate(
                self._list,
                AssetStateStoreCollection,
                lambda c: c.asset_state_store,
                path=await asset_id(),
                offset=page_offset,
                limit=page_limit,
            )

        return AsyncPaginator(fetch, offset=offset, limit=limit)

    _get = Routes(v2=Route("GET", _KEY, "get_asset_state_store"))

    async def get(self, asset: int | str, key: str) -> AssetStateStore:
        """Get one key of an asset's state store.

        Raises:
            NotFoundError: No such asset, or no such key.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        path = {"asset_id": await self._asset_id(self._get, asset), "key": key}
        sent = await self._send(self._get, path=path)
        return sent.model(AssetStateStore)

    _set = Routes(v2=Route("PUT", _KEY, "set_asset_state_store"))

    async def set(self, asset: int | str, key: str, *, value: JsonValue) -> None:
        """Write one key of an asset's state store, creating or overwriting it.

        Args:
            asset: The asset's id or URI.
            key: The key.
            value: Any JSON but ``null`` (the server refuses it, and values larger than its
                ``[state_store] max_value_storage_bytes``).

        Raises:
            NotFoundError: No such asset.
            UnprocessableEntityError: The server refused the value.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        path = {"asset_id": await self._asset_id(self._set, asset), "key": key}
        await self._send(self._set, path=path, body={"value": value}, idempotent=True)

    _delete = Routes(v2=Route("DELETE", _KEY, "delete_asset_state_store"))

    async def delete(self, asset: int | str, key: str) -> None:
        """Delete one key of an asset's state store; a missing key is not an error.

        Raises:
            NotFoundError: No such asset.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        path = {"asset_id": await self._asset_id(self._delete, asset), "key": key}
        await self._send(self._delete, path=path)

    _clear = Routes(v2=Route("DELETE", _STORE, "clear_asset_state_store"))

    async def clear(self, asset: int | str) -> None:
        """Delete every key of an asset's state store.

        Raises:
            NotFoundError: No such asset.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        await self._send(self._clear, path={"asset_id": await self._asset_id(self._clear, asset)})
