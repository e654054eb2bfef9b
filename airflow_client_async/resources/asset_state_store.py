"""``client.asset_state_store``: the Asset State Store tag of Airflow 3.3."""

from __future__ import annotations

import datetime
from typing import Any

import attrs

from .._pagination import AsyncPaginator, Page
from .._routes import Route, Routes
from .._types import JsonValue
from ..models._base import Model
from ._base import Resource
from .assets import AssetsResource

__all__ = ["AssetStateEntry", "AssetStateStoreResource", "AssetStateWriter"]

_STORE = "/assets/{asset_id}/state-store"
_KEY = "/assets/{asset_id}/state-store/{key}"


def _no_fields() -> dict[str, JsonValue]:
    return {}


@attrs.frozen(kw_only=True, eq=False, repr=False)
class AssetStateWriter(Model):
    """Who last wrote an entry (Airflow 3.3's ``AssetStateStoreLastUpdatedBy``).

    Attributes:
        kind: ``"api"``, ``"task"``, … (what kind of writer it was).
        dag_id: The writing task's DAG, for a task.
        run_id: Its DAG run.
        task_id: The task.
        map_index: Its map index.
    """

    kind: str | None = None
    dag_id: str | None = None
    run_id: str | None = None
    task_id: str | None = None
    map_index: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_no_fields, repr=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class AssetStateEntry(Model):
    """One key of an asset's state store (Airflow 3.3's ``AssetStateStoreResponse``).

    Attributes:
        key: The key.
        value: Its value, any JSON.
        updated_at: When it was last written.
        last_updated_by: Who wrote it last, when the server knows.
    """

    key: str | None = None
    value: JsonValue = None
    updated_at: datetime.datetime | None = None
    last_updated_by: AssetStateWriter | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_no_fields, repr=False)


@attrs.frozen(kw_only=True, eq=False, repr=False)
class _WireEntry(Model):
    # The converter decodes a field it is told nothing about (Any) as the JSON it is;
    # AssetStateEntry says JsonValue to its users.
    key: str | None = None
    value: Any = None
    updated_at: datetime.datetime | None = None
    last_updated_by: AssetStateWriter | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_no_fields, repr=False)

    def public(self) -> AssetStateEntry:
        return AssetStateEntry(
            key=self.key,
            value=self.value,
            updated_at=self.updated_at,
            last_updated_by=self.last_updated_by,
            extra_fields=self.extra_fields,
        )


@attrs.frozen(kw_only=True, eq=False, repr=False)
class _WireEntries(Model):
    asset_state_store: list[_WireEntry] | None = None
    total_entries: int | None = None
    extra_fields: dict[str, JsonValue] = attrs.field(factory=_no_fields, repr=False)


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
            found = (await AssetsResource(self._http).get(asset)).id
            if found is None:
                raise ValueError(f"the asset of URI {asset!r} has no id")
            return found
        if isinstance(asset, bool) or not isinstance(asset, int):
            raise TypeError(f"asset is an id (int) or a URI (str), not {type(asset).__name__}")
        return asset

    _list = Routes(v2=Route("GET", _STORE, "list_asset_state_store", since=(3, 3)))

    def list(
        self, asset: int | str, *, limit: int | None = None, offset: int | None = None
    ) -> AsyncPaginator[AssetStateEntry]:
        """List an asset's state entries, by key: await for one page, ``async for`` for all.

        Args:
            asset: The asset's id or URI.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.

        Returns:
            A paginator of :class:`AssetStateEntry`.

        Raises:
            NotFoundError: No such asset.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        resolved: dict[str, object] = {}

        async def asset_id() -> dict[str, object]:
            if not resolved:
                resolved["asset_id"] = await self._asset_id(self._list, asset)
            return resolved

        async def fetch(page_offset: int, page_limit: int | None) -> Page[AssetStateEntry]:
            page = await self._paginate(
                self._list,
                _WireEntries,
                lambda c: c.asset_state_store,
                path=await asset_id(),
                offset=page_offset,
                limit=page_limit,
            )
            return Page(
                items=[entry.public() for entry in page.items],
                total_entries=page.total_entries,
                offset=page.offset,
                limit=page.limit,
                raw=page.raw,
            )

        return AsyncPaginator(fetch, offset=offset, limit=limit)

    _get = Routes(v2=Route("GET", _KEY, "get_asset_state_store", since=(3, 3)))

    async def get(self, asset: int | str, key: str) -> AssetStateEntry:
        """Get one key of an asset's state store.

        Raises:
            NotFoundError: No such asset, or no such key.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        path = {"asset_id": await self._asset_id(self._get, asset), "key": key}
        sent = await self._send(self._get, path=path)
        return sent.model(_WireEntry).public()

    _set = Routes(v2=Route("PUT", _KEY, "set_asset_state_store", since=(3, 3)))

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

    _delete = Routes(v2=Route("DELETE", _KEY, "delete_asset_state_store", since=(3, 3)))

    async def delete(self, asset: int | str, key: str) -> None:
        """Delete one key of an asset's state store; a missing key is not an error.

        Raises:
            NotFoundError: No such asset.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        path = {"asset_id": await self._asset_id(self._delete, asset), "key": key}
        await self._send(self._delete, path=path)

    _clear = Routes(v2=Route("DELETE", _STORE, "clear_asset_state_store", since=(3, 3)))

    async def clear(self, asset: int | str) -> None:
        """Delete every key of an asset's state store.

        Raises:
            NotFoundError: No such asset.
            UnsupportedByServerError: The server runs Airflow 2 or a 3.x before 3.3.
        """
        await self._send(self._clear, path={"asset_id": await self._asset_id(self._clear, asset)})
