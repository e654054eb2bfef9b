"""``client.assets``: Airflow 3's Asset tag, and Airflow 2's Dataset tag before it.

Airflow 2 keys a dataset by its URI; Airflow 3 keys an asset by an integer id. The methods
that name one asset take either (an ``int`` is an id, a ``str`` a URI) and translate: on
Airflow 3 a URI is looked up with the list's ``uri_pattern`` filter (a substring match)
and then compared exactly; on Airflow 2 an id is looked up by paging through the datasets.
"""

from __future__ import annotations

import builtins
import datetime
from collections.abc import Awaitable, Callable, Mapping, Sequence

import httpx

from .._errors import APIStatusError, NotFoundError, status_error_from_response
from .._pagination import AsyncPaginator, Page
from .._routes import ApiVersion, Route, Routes
from .._types import UNSET, JsonValue, Missing
from ..models import (
    Asset,
    AssetAlias,
    AssetAliasCollection,
    AssetCollection,
    AssetEvent,
    AssetEventCollection,
    DAGRun,
    QueuedEvent,
    QueuedEventCollection,
)
from ._base import DateTimeFilter, OrderBy, Resource, Sent

__all__ = ["AssetsResource"]

# Airflow 2 and Airflow 3.0/3.1 answer a queue list that holds nothing with a 404 (3.2 and
# later with an empty list): Airflow 2's has this title, Airflow 3's a detail that starts so.
_EMPTY_QUEUE_TITLE = "Queue event not found"
_EMPTY_QUEUE_DETAIL = "Queue event with "
# The run settings materialize takes from Airflow 3.3 on, in the order of its keywords.
_RUN_SETTINGS = (
    "dag_run_id",
    "logical_date",
    "data_interval_start",
    "data_interval_end",
    "run_after",
    "conf",
    "note",
    "partition_key",
)


def _empty_queue(error: NotFoundError) -> bool:
    """Whether a 404 is a queue list's "nothing is queued", not a missing route."""
    return error.title == _EMPTY_QUEUE_TITLE or (error.detail or "").startswith(_EMPTY_QUEUE_DETAIL)


_QUEUED_V1 = "/datasets/queuedEvent/{uri}"
_QUEUED_V2 = "/assets/{asset_id}/queuedEvents"
_DAG_QUEUED_V1 = "/dags/{dag_id}/datasets/queuedEvent"
_DAG_QUEUED_V2 = "/dags/{dag_id}/assets/queuedEvents"
_DAG_QUEUED_ONE_V1 = "/dags/{dag_id}/datasets/queuedEvent/{uri}"
_DAG_QUEUED_ONE_V2 = "/dags/{dag_id}/assets/{asset_id}/queuedEvents"


def _queued(collection: QueuedEventCollection) -> builtins.list[QueuedEvent]:
    # The model fills queued_events from Airflow 2's spec key (datasets).
    return collection.queued_events or []


def _checked_asset(asset: object) -> int | str:
    if isinstance(asset, bool) or not isinstance(asset, (int, str)):
        raise TypeError(f"asset is an id (int) or a URI (str), not {type(asset).__name__}")
    if isinstance(asset, str) and not asset:
        raise ValueError("asset must be a non-empty URI or an id")
    return asset


def _not_found(sent: Sent, detail: str) -> APIStatusError:
    """The 404 a server would answer for a missing asset, for a lookup that found none.

    The lookup's own answer was a 200 list; the error carries its request so that the
    message names what was asked.
    """
    response = httpx.Response(404, json={"detail": detail}, request=sent.response.request)
    return status_error_from_response(response, response.content)


class AssetsResource(Resource):
    """Assets (Airflow 2: datasets), their events, and events queued for the DAGs they schedule.

    Queued events are per asset (``list_queued_events``, ``delete_queued_events``) or per
    DAG (``list_dag_queued_events``, ``delete_dag_queued_events``,
    ``get_dag_queued_event``, ``delete_dag_queued_event``). The server queues an event
    only for consumer DAGs that are active and unpaused, and the scheduler turns a
    complete queue into a DAG run within about a second.
    """

    namespace = "assets"

    _list = Routes(
        v1=Route("GET", "/datasets", "get_datasets", comma={"dag_ids"}),
        v2=Route("GET", "/assets", "get_assets"),
    )

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        uri_pattern: str | None = None,
        uri_prefix_pattern: str | None = None,
        name_pattern: str | None = None,
        name_prefix_pattern: str | None = None,
        dag_ids: Sequence[str] | None = None,
        only_active: bool | None = None,
    ) -> AsyncPaginator[Asset]:
        """List assets: await for one page, ``async for`` for every asset.

        With a filter, Airflow 2's ``total_entries`` still counts every dataset; the
        paginator stops at the first empty page all the same.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``id``, ``uri``, ``created_at``, ``updated_at`` (Airflow 3 also
                ``name``), ``-`` in front to reverse (Airflow 2: one field).
            uri_pattern: Only assets whose URI contains this, case-insensitively.
            uri_prefix_pattern: Only URIs starting with this. Airflow 3.3 only.
            name_pattern: Only assets whose name contains this. Airflow 3 only.
            name_prefix_pattern: Only names starting with this. Airflow 3.3 only.
            dag_ids: Only assets that any of these DAGs consume or produce.
            only_active: ``False`` lists inactive assets too (the server's default is
                ``True``). Airflow 3 only.

        Returns:
            A paginator of :class:`Asset` (Airflow 3's fields such as ``name`` and
            ``group`` are ``None`` on Airflow 2).

        Raises:
            ValueError: ``dag_ids`` is empty, or an id is empty or holds a comma (both
                servers split the ids on commas).
        """
        if dag_ids is not None:
            if isinstance(dag_ids, str):
                raise TypeError("dag_ids is a sequence of DAG ids, e.g. ['a']")
            if not dag_ids or any(not d or "," in d for d in dag_ids):
                raise ValueError(f"dag_ids needs DAG ids, none empty or with a comma: {dag_ids!r}")
        query = {
            "order_by": order_by,
            "uri_pattern": uri_pattern,
            "uri_prefix_pattern": uri_prefix_pattern,
            "name_pattern": name_pattern,
            "name_prefix_pattern": name_prefix_pattern,
            "dag_ids": builtins.list(dag_ids) if dag_ids is not None else None,
            "only_active": only_active,
        }
        return self._paginate(
            self._list,
            AssetCollection,
            lambda c: c.assets or [],
            query=query,
            offset=offset,
            limit=limit,
        )

    _get = Routes(
        v1=Route("GET", "/datasets/{uri}", "get_dataset"),
        v2=Route("GET", "/assets/{asset_id}", "get_asset"),
    )

    async def get(self, asset: int | str) -> Asset:
        """Get one asset, by id (``int``) or by URI (``str``).

        Airflow 2 reads a dataset by URI and Airflow 3 an asset by id; the other key
        takes a lookup: on Airflow 3 a list filtered by ``uri_pattern``, then an exact
        match, and on Airflow 2 a walk through the datasets' pages for the id.

        Args:
            asset: The asset's id or URI.

        Raises:
            TypeError: ``asset`` is neither an ``int`` nor a ``str``.
            NotFoundError: No asset has this id or URI.
            ValueError: On Airflow 3, several assets (of different names) share the URI
                and none is named after it: pass the id.
        """
        key = _checked_asset(asset)
        _, api = await self._route(self._get)
        if api == "v1" and isinstance(key, str):
            sent = await self._send(self._get, path={"uri": key})
            return sent.model(Asset)
        if api == "v2" and isinstance(key, int):
            sent = await self._send(self._get, path={"asset_id": key})
            return sent.model(Asset)
        return await self._look_up(key, api)

    async def _look_up(self, asset: int | str, api: ApiVersion) -> Asset:
        """Find an asset by the key its server's API does not route by."""
        if isinstance(asset, str):
            # uri_pattern is a substring (ILIKE) match: many may come back.
            query: dict[str, object] = {"uri_pattern": asset, "only_active": False}
            found, sent = await self._scan(query, lambda d: d.uri == asset)
            if len(found) > 1:
                named = [d for d in found if d.name == asset]
                if len(named) != 1:
                    ids = ", ".join(str(d.id) for d in found)
                    raise ValueError(
                        f"several assets have the URI {asset!r} (ids {ids}): pass the id"
                    )
                found = named
            what = f"URI {asset!r}"
        else:
            found, sent = await self._scan({}, lambda d: d.id == asset, first=True)
            what = f"id {asset}"
        if not found:
            noun = "asset" if api == "v2" else "dataset"
            raise _not_found(sent, f"No {noun} has the {what}")
        return found[0]

    async def _scan(
        self, query: Mapping[str, object], match: Callable[[Asset], bool], *, first: bool = False
    ) -> tuple[builtins.list[Asset], Sent]:
        """Page through the list with ``query``; return the assets ``match`` accepts.

        With ``first``, stop at the page that holds one (ids are unique).
        """
        found: builtins.list[Asset] = []
        offset = 0
        while True:
            sent = await self._send(self._list, query={**query, "offset": offset})
            page = sent.model(AssetCollection)
            items = page.assets or []
            found += [d for d in items if match(d)]
            offset += len(items)
            done = not items or (page.total_entries is not None and offset >= page.total_entries)
            if done or (first and found):
                return found, sent

    async def _key(self, asset: int | str, api: ApiVersion) -> int | str:
        """The key ``api`` routes an asset by: its URI on Airflow 2, its id on Airflow 3."""
        key = _checked_asset(asset)
        if api == "v1" and isinstance(key, int):
            return (await self._look_up(key, api)).uri
        if api == "v2" and isinstance(key, str):
            return (await self._look_up(key, api)).id
        return key

    async def _path(self, routes: Routes, asset: int | str, **path: object) -> dict[str, object]:
        """The path values naming ``asset`` on the server's API: ``uri`` or ``asset_id``."""
        _, api = await self._route(routes)
        name = "uri" if api == "v1" else "asset_id"
        return {**path, name: await self._key(asset, api)}

    _list_events = Routes(
        v1=Route(
            "GET", "/datasets/events", "get_dataset_events", params={"asset_id": "dataset_id"}
        ),
        v2=Route("GET", "/assets/events", "get_asset_events"),
    )

    def list_events(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        asset_id: int | None = None,
        source_dag_id: str | None = None,
        source_task_id: str | None = None,
        source_run_id: str | None = None,
        source_map_index: int | None = None,
        name_pattern: str | None = None,
        name_prefix_pattern: str | None = None,
        timestamp_gte: DateTimeFilter = None,
        timestamp_gt: DateTimeFilter = None,
        timestamp_lte: DateTimeFilter = None,
        timestamp_lt: DateTimeFilter = None,
    ) -> AsyncPaginator[AssetEvent]:
        """List asset events: await for one page, ``async for`` for every event.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``timestamp`` (the server's default), ``source_dag_id``,
                ``source_task_id``, ``source_run_id`` or ``source_map_index``, ``-`` in
                front to reverse (Airflow 2: one field).
            asset_id: Only events of this asset (its numeric id; Airflow 2's
                ``dataset_id``).
            source_dag_id: Only events emitted by this DAG.
            source_task_id: Only events emitted by this task.
            source_run_id: Only events emitted by this DAG run.
            source_map_index: Only events emitted by this map index.
            name_pattern: Only events of assets whose name contains this. Airflow 3.2+
                (earlier 3.x servers ignore it).
            name_prefix_pattern: Only asset names starting with this. Airflow 3.3+.
            timestamp_gte: Only events at or after this time. Airflow 3 only.
            timestamp_gt: Only events after this time. Airflow 3.1+.
            timestamp_lte: Only events at or before this time. Airflow 3 only.
            timestamp_lt: Only events before this time. Airflow 3.1+.

        Returns:
            A paginator of :class:`AssetEvent` (``asset_id`` and ``uri`` filled from
            Airflow 2's ``dataset_id`` and ``dataset_uri``).
        """
        query = {
            "order_by": order_by,
            "asset_id": asset_id,
            "source_dag_id": source_dag_id,
            "source_task_id": source_task_id,
            "source_run_id": source_run_id,
            "source_map_index": source_map_index,
            "name_pattern": name_pattern,
            "name_prefix_pattern": name_prefix_pattern,
            "timestamp_gte": timestamp_gte,
            "timestamp_gt": timestamp_gt,
            "timestamp_lte": timestamp_lte,
            "timestamp_lt": timestamp_lt,
        }
        return self._paginate(
            self._list_events,
            AssetEventCollection,
            lambda c: c.asset_events,
            query=query,
            offset=offset,
            limit=limit,
        )

    _create_event = Routes(
        v1=Route("POST", "/datasets/events", "create_dataset_event"),
        v2=Route("POST", "/assets/events", "create_asset_event"),
    )

    async def create_event(
        self,
        asset: int | str,
        *,
        extra: Missing[Mapping[str, JsonValue]] = UNSET,
        partition_key: Missing[str | None] = UNSET,
        access_control: Missing[Mapping[str, JsonValue] | None] = UNSET,
    ) -> AssetEvent:
        """Record an update of an asset, as a producing task would.

        The server marks the event as coming from the REST API and queues it for every
        active, unpaused DAG that consumes the asset. Airflow 2 takes the URI and
        Airflow 3 the id; the other is looked up first (see :meth:`get`).

        Args:
            asset: The asset's id or URI; the asset must exist.
            extra: Extra information stored with the event.
            partition_key: The partition the event is for. Airflow 3 only.
            access_control: Which teams' DAGs the event may trigger
                (``{"consumer_teams": [...], "allow_global": bool}``). Airflow 3 with
                ``[core] multi_team`` only.

        Raises:
            TypeError: ``asset`` is neither an ``int`` nor a ``str``.
            NotFoundError: No asset has this id or URI.
        """
        _, api = await self._route(self._create_event)
        key = await self._key(asset, api)
        body = {
            "dataset_uri" if api == "v1" else "asset_id": key,
            "extra": dict(extra) if extra is not UNSET else extra,
            "partition_key": partition_key,
            "access_control": dict(access_control)
            if access_control is not UNSET and access_control is not None
            else access_control,
        }
        sent = await self._send(self._create_event, body=body)
        return sent.model(AssetEvent)

    _list_queued_events = Routes(
        v1=Route("GET", _QUEUED_V1, "get_dataset_queued_events", paged=False),
        v2=Route("GET", _QUEUED_V2, "get_asset_queued_events", paged=False),
    )

    def list_queued_events(
        self,
        asset: int | str,
        *,
        before: DateTimeFilter = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPaginator[QueuedEvent]:
        """List the events of an asset queued for the DAGs it schedules.

        The server sends the whole list at once; ``limit`` and ``offset`` page through it
        here. Airflow 2 and Airflow 3.0/3.1 answer 404 when nothing is queued (Airflow 2
        does not check that the dataset exists); that answer is an empty list, as Airflow
        3.2 and later send it.

        Args:
            asset: The asset's id or URI.
            before: Only events queued before this time (timezone-aware).
            limit: Page size.
            offset: Where to start.

        Returns:
            A paginator of :class:`QueuedEvent`.
        """
        _checked_asset(asset)

        async def path() -> dict[str, object]:
            return await self._path(self._list_queued_events, asset)

        return self._queue(self._list_queued_events, path, before, offset=offset, limit=limit)

    _delete_queued_events = Routes(
        v1=Route("DELETE", _QUEUED_V1, "delete_dataset_queued_events"),
        v2=Route("DELETE", _QUEUED_V2, "delete_asset_queued_events"),
    )

    async def delete_queued_events(
        self, asset: int | str, *, before: DateTimeFilter = None
    ) -> None:
        """Delete the events of an asset queued for the DAGs it schedules.

        Args:
            asset: The asset's id or URI.
            before: Only events queued before this time (timezone-aware).

        Raises:
            NotFoundError: Nothing was queued (or no asset has this id or URI).
        """
        path = await self._path(self._delete_queued_events, asset)
        await self._send(self._delete_queued_events, path=path, query={"before": before})

    _list_dag_queued_events = Routes(
        v1=Route("GET", _DAG_QUEUED_V1, "get_dag_dataset_queued_events", paged=False),
        v2=Route("GET", _DAG_QUEUED_V2, "get_dag_asset_queued_events", paged=False),
    )

    def list_dag_queued_events(
        self,
        dag_id: str,
        *,
        before: DateTimeFilter = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AsyncPaginator[QueuedEvent]:
        """List the asset events queued for a DAG's next asset-triggered run.

        The server sends the whole list at once; ``limit`` and ``offset`` page through it
        here. Airflow 2 and Airflow 3.0/3.1 answer 404 when nothing is queued (Airflow 2
        does not check that the DAG exists); that answer is an empty list, as Airflow 3.2
        and later send it.

        Args:
            dag_id: The consuming DAG.
            before: Only events queued before this time (timezone-aware).
            limit: Page size.
            offset: Where to start.

        Returns:
            A paginator of :class:`QueuedEvent`.
        """

        async def path() -> dict[str, object]:
            return {"dag_id": dag_id}

        return self._queue(self._list_dag_queued_events, path, before, offset=offset, limit=limit)

    def _queue(
        self,
        routes: Routes,
        path: Callable[[], Awaitable[dict[str, object]]],
        before: DateTimeFilter,
        *,
        offset: int | None,
        limit: int | None,
    ) -> AsyncPaginator[QueuedEvent]:
        """A paginator over a queue the server sends whole (and may answer 404 when empty)."""
        resolved: builtins.list[dict[str, object]] = []

        async def fetch(page_offset: int, page_limit: int | None) -> Page[QueuedEvent]:
            if not resolved:
                resolved.append(await path())
            try:
                sent = await self._send(routes, path=resolved[0], query={"before": before})
            except NotFoundError as exc:
                # Only the queue's own "nothing matches" 404 means empty; any other 404
                # (a server without these routes, say) propagates.
                if not _empty_queue(exc):
                    raise
                return Page(items=[], total_entries=0, offset=page_offset, limit=page_limit)
            collection = sent.model(QueuedEventCollection)
            events = _queued(collection)
            end = None if page_limit is None else page_offset + page_limit
            return Page(
                items=events[page_offset:end],
                total_entries=len(events),
                offset=page_offset,
                limit=page_limit,
                raw=collection,
            )

        return AsyncPaginator(fetch, offset=offset, limit=limit)

    _delete_dag_queued_events = Routes(
        v1=Route("DELETE", _DAG_QUEUED_V1, "delete_dag_dataset_queued_events"),
        v2=Route("DELETE", _DAG_QUEUED_V2, "delete_dag_asset_queued_events"),
    )

    async def delete_dag_queued_events(self, dag_id: str, *, before: DateTimeFilter = None) -> None:
        """Delete every asset event queued for a DAG.

        Args:
            dag_id: The consuming DAG.
            before: Only events queued before this time (timezone-aware).

        Raises:
            NotFoundError: Nothing was queued for this DAG (or no such DAG).
        """
        await self._send(
            self._delete_dag_queued_events, path={"dag_id": dag_id}, query={"before": before}
        )

    _get_dag_queued_event = Routes(
        v1=Route("GET", _DAG_QUEUED_ONE_V1, "get_dag_dataset_queued_event"),
        v2=Route("GET", _DAG_QUEUED_ONE_V2, "get_dag_asset_queued_event"),
    )

    async def get_dag_queued_event(
        self, dag_id: str, asset: int | str, *, before: DateTimeFilter = None
    ) -> QueuedEvent:
        """Get the event of one asset queued for a DAG.

        Args:
            dag_id: The consuming DAG.
            asset: The asset's id or URI.
            before: Only an event queued before this time (timezone-aware).

        Raises:
            NotFoundError: No event of this asset is queued for this DAG.
        """
        path = await self._path(self._get_dag_queued_event, asset, dag_id=dag_id)
        sent = await self._send(self._get_dag_queued_event, path=path, query={"before": before})
        return sent.model(QueuedEvent)

    _delete_dag_queued_event = Routes(
        v1=Route("DELETE", _DAG_QUEUED_ONE_V1, "delete_dag_dataset_queued_event"),
        v2=Route("DELETE", _DAG_QUEUED_ONE_V2, "delete_dag_asset_queued_event"),
    )

    async def delete_dag_queued_event(
        self, dag_id: str, asset: int | str, *, before: DateTimeFilter = None
    ) -> None:
        """Delete the event of one asset queued for a DAG.

        Args:
            dag_id: The consuming DAG.
            asset: The asset's id or URI.
            before: Only an event queued before this time (timezone-aware).

        Raises:
            NotFoundError: No event of this asset is queued for this DAG.
        """
        path = await self._path(self._delete_dag_queued_event, asset, dag_id=dag_id)
        await self._send(self._delete_dag_queued_event, path=path, query={"before": before})

    _list_aliases = Routes(v2=Route("GET", "/assets/aliases", "get_asset_aliases"))

    def list_aliases(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        name_pattern: str | None = None,
        name_prefix_pattern: str | None = None,
    ) -> AsyncPaginator[AssetAlias]:
        """List asset aliases: await for one page, ``async for`` for every alias. Airflow 3 only.

        Args:
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: ``id`` or ``name``, ``-`` in front to reverse.
            name_pattern: Only aliases whose name contains this, case-insensitively.
            name_prefix_pattern: Only names starting with this. Airflow 3.3+ (earlier 3.x
                servers ignore it).

        Returns:
            A paginator of :class:`AssetAlias`.
        """
        query = {
            "order_by": order_by,
            "name_pattern": name_pattern,
            "name_prefix_pattern": name_prefix_pattern,
        }
        return self._paginate(
            self._list_aliases,
            AssetAliasCollection,
            lambda c: c.asset_aliases,
            query=query,
            offset=offset,
            limit=limit,
        )

    _get_alias = Routes(v2=Route("GET", "/assets/aliases/{asset_alias_id}", "get_asset_alias"))

    async def get_alias(self, alias_id: int) -> AssetAlias:
        """Get one asset alias. Airflow 3 only.

        Raises:
            NotFoundError: No alias has this id.
        """
        sent = await self._send(self._get_alias, path={"asset_alias_id": alias_id})
        return sent.model(AssetAlias)

    # Before 3.3 the route takes no body and would ignore these without a word.
    _materialize = Routes(
        v2=Route(
            "POST",
            "/assets/{asset_id}/materialize",
            "materialize_asset",
            since_fields=dict.fromkeys(_RUN_SETTINGS, (3, 3)),
        )
    )

    async def materialize(
        self,
        asset: int | str,
        *,
        dag_run_id: Missing[str | None] = UNSET,
        logical_date: Missing[datetime.datetime | None] = UNSET,
        data_interval_start: Missing[datetime.datetime | None] = UNSET,
        data_interval_end: Missing[datetime.datetime | None] = UNSET,
        run_after: Missing[datetime.datetime | None] = UNSET,
        conf: Missing[Mapping[str, JsonValue] | None] = UNSET,
        note: Missing[str | None] = UNSET,
        partition_key: Missing[str | None] = UNSET,
    ) -> DAGRun:
        """Trigger a run of the one DAG that produces an asset. Airflow 3 only.

        The run's settings (every argument but ``asset``) need Airflow 3.3 or later;
        without them the server picks its defaults.

        Args:
            asset: The asset's id or URI.
            dag_run_id: The run's id (the server makes one up when not given).
            logical_date: The run's logical date (timezone-aware).
            data_interval_start: Start of its data interval (with ``data_interval_end``).
            data_interval_end: End of its data interval.
            run_after: When the run may start.
            conf: The run's configuration.
            note: A note on the run.
            partition_key: The partition to materialize.

        Returns:
            The queued run.

        Raises:
            NotFoundError: No asset has this id or URI, or no DAG produces it.
            ConflictError: Several DAGs produce the asset, or the run id is taken.
            BadRequestError: The DAG does not allow materialization runs, or a value is
                invalid.
            UnsupportedByServerError: A run setting was given to a server before 3.3.
        """
        fields = {
            "dag_run_id": dag_run_id,
            "logical_date": logical_date,
            "data_interval_start": data_interval_start,
            "data_interval_end": data_interval_end,
            "run_after": run_after,
            "conf": dict(conf) if conf is not UNSET and conf is not None else conf,
            "note": note,
            "partition_key": partition_key,
        }
        given = [name for name, value in fields.items() if value is not UNSET]
        # Refused before the asset is looked up, which may take a request of its own.
        await self._ops.check_given(self._materialize, given)
        path = await self._path(self._materialize, asset)
        sent = await self._send(self._materialize, path=path, body=fields if given else None)
        return sent.model(DAGRun)
