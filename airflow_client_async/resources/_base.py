"""What every namespace shares: picking an operation's route, filling it, and paging.

A namespace method names its :class:`~airflow_client_async._routes.Routes` and hands its
arguments over under its own keyword names; :meth:`Resource._send` resolves the route for
the server's API, renames what that API spells differently, refuses what it lacks (before
any I/O), encodes lists the way it reads them, and sends.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, TypeAlias, TypeVar, cast

import attrs
import httpx

from .._bulk import BulkAction, BulkResult, OnExistence, OnNonExistence, bulk_body, bulk_result
from .._converter import unstructure
from .._errors import UnsupportedByServerError
from .._http import (
    build_path,
    check_aware,
    decode_json,
    decode_model,
    decode_text,
    invalid_response,
    query_params,
)
from .._operations import BODY_FIELDS, QUERY_PARAMETERS, V2_BODY_SINCE, V2_QUERY_SINCE
from .._pagination import AsyncPaginator, Page
from .._routes import ApiVersion, Route, Routes
from .._streaming import LineStream, stream_lines
from .._types import UNSET, JsonValue
from ..models._base import Model

if TYPE_CHECKING:
    from .._client import AsyncClient
    from .._http import HTTPPipeline

__all__ = ["DateTimeFilter", "OrderBy", "Resource", "Sent", "checked_filters", "json_body"]

T = TypeVar("T")

#: A list's sort order: a field name, ``-`` in front to reverse, or several of them
#: (Airflow 3 sorts by up to ten fields; Airflow 2 by one).
OrderBy: TypeAlias = "str | Sequence[str] | None"

#: A datetime filter: a timezone-aware datetime, or an ISO 8601 string sent as it is.
DateTimeFilter: TypeAlias = "datetime | str | None"


#: A collection model. Most tell ``total_entries``; a few (a task instance's
#: dependencies) count nothing, and their pages have ``total_entries=None``.
C = TypeVar("C", bound=Model)


class _Lacking(Exception):
    """A parameter given a value that the route's API version does not take."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


@attrs.frozen
class Sent:
    """A request that was answered with a 2xx: its response and the route it took."""

    response: httpx.Response
    route: Route
    api_version: ApiVersion

    def model(self, model: type[T], *, fill: Mapping[str, object] | None = None) -> T:
        """Decode the JSON body into ``model`` (``fill``: see :func:`decode_model`)."""
        return decode_model(self.response, model, fill=fill)

    def json(self) -> JsonValue:
        """The JSON body."""
        return decode_json(self.response)

    def text(self) -> str:
        """The ``text/plain`` body."""
        return decode_text(self.response)


def _given(value: object) -> bool:
    return value is not None and value is not UNSET


def _renamed(
    values: Mapping[str, object],
    renames: Mapping[str, str | None],
    accepted: frozenset[str] | None = None,
) -> dict[str, object]:
    """``values`` under their wire names, checked against what the operation accepts.

    Args:
        values: Name → value, under the method's keyword names.
        renames: Keyword → wire name where they differ; ``None`` where the API lacks it.
        accepted: The wire names the operation takes (``None``: do not check).

    Raises:
        _Lacking: A name the API lacks was given a value (``None`` and ``UNSET`` are
            "not given").
    """
    out: dict[str, object] = {}
    for name, value in values.items():
        wire = renames.get(name, name)
        if wire is None or (accepted is not None and wire not in accepted):
            if _given(value):
                raise _Lacking(name)
            continue
        out[wire] = value
    return out


def _accepted(
    table: Mapping[str, Mapping[str, frozenset[str]]], route: Route, api_version: ApiVersion
) -> frozenset[str] | None:
    """The names ``route``'s operation takes, per its spec; ``None`` when not known."""
    if route.operation_id is None:
        return None
    return table["fab" if route.base == "fab" else api_version].get(route.operation_id)


def _json_value(name: str, value: object) -> object:
    if isinstance(value, datetime):
        check_aware(name, value)
    return unstructure(value)


def checked_filters(filters: Mapping[str, object], allowed: type) -> dict[str, object]:
    """Return ``filters`` if every name is a key of the TypedDict ``allowed``.

    Methods take shared groups of filters as ``**filters: Unpack[SomeFilters]``; type
    checkers check the names, and this checks them at run time too.

    Raises:
        TypeError: A name is not one of ``allowed``'s keys.
    """
    optional = cast("frozenset[str]", getattr(allowed, "__optional_keys__", frozenset[str]()))
    required = cast("frozenset[str]", getattr(allowed, "__required_keys__", frozenset[str]()))
    known = optional | required
    unknown = sorted(set(filters) - known)
    if unknown:
        raise TypeError(f"unexpected keyword argument {unknown[0]!r} (not a {allowed.__name__})")
    return dict(filters)


def json_body(fields: Mapping[str, object]) -> dict[str, object]:
    """Build a JSON request body from fields, leaving out the ``UNSET`` ones.

    ``None`` is sent as ``null``. Datetimes must be timezone-aware.
    """
    return {name: _json_value(name, v) for name, v in fields.items() if v is not UNSET}


class Resource:
    """Base of the namespaces (``client.dags``, ``client.pools``, …).

    Attributes:
        namespace: The client attribute the namespace lives at, e.g. ``"pools"``.
    """

    namespace: ClassVar[str] = ""

    def __init__(self, http: HTTPPipeline, client: AsyncClient | None = None) -> None:
        self._http = http
        self._owner = client

    @property
    def _client(self) -> AsyncClient:
        """The client this namespace belongs to: other namespaces are reached through it.

        Raises:
            RuntimeError: The namespace was built outside a client.
        """
        if self._owner is None:
            raise RuntimeError(f"{type(self).__name__} was built without its AsyncClient")
        return self._owner

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._http.base_url}>"

    async def _route(self, routes: Routes) -> tuple[Route, ApiVersion]:
        """The route of ``routes`` for the server's API (detected on first use)."""
        return await self._http.resolve(routes)

    async def _send(
        self,
        routes: Routes,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        body: Mapping[str, object] | None = None,
        update: Mapping[str, object] | None = None,
        accept: str = "application/json",
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        authenticate: bool = True,
    ) -> Sent:
        """Send one operation on the server's API and return its 2xx answer.

        Args:
            routes: The operation's routes.
            path: Values of the path's placeholders.
            query: Query parameters under the method's keyword names; ``None`` and
                ``UNSET`` values are not sent.
            body: The JSON body's fields under the method's names; ``UNSET`` ones are
                left out, ``None`` is sent as null.
            update: For a PATCH: the fields to change (``UNSET`` = unchanged). They join
                the body and the ``update_mask`` names exactly them.
            accept: The ``Accept`` header.
            headers: The operation's header parameters.
            idempotent: Whether replaying is harmless; ``None`` decides by method.
            authenticate: ``False`` sends no credentials (for the routes a server
                answers without them, such as its health).

        Raises:
            UnsupportedByServerError: The server's API lacks the operation, or a
                parameter that was given a value; nothing was sent.
            ValueError: ``update`` names no field, or a value cannot be sent.
        """
        route, api_version, url_path, params, json = await self._prepare(
            routes, path, query, body, update
        )
        response = await self._http.request(
            route.method,
            url_path,
            params=params,
            json_body=json,
            accept=accept,
            idempotent=idempotent,
            api_version=api_version,
            headers=headers,
            authenticate=authenticate,
        )
        return Sent(response, route, api_version)

    async def _prepare(
        self,
        routes: Routes,
        path: Mapping[str, object] | None,
        query: Mapping[str, object] | None,
        body: Mapping[str, object] | None = None,
        update: Mapping[str, object] | None = None,
    ) -> tuple[Route, ApiVersion, str, list[tuple[str, str]], object]:
        """The route, API, path, query and body one operation sends (no I/O but the probe).

        Raises:
            UnsupportedByServerError: The server's API lacks the operation, or a
                parameter that was given a value.
        """
        route, api_version = await self._route(routes)
        try:
            url_path, params, json = _render(route, api_version, path, query, body, update)
        except _Lacking as lacking:
            server = await self._http.server_version()
            raise UnsupportedByServerError(
                f"{routes.method_name}: {server} does not take {lacking.name}",
                method=routes.method_name,
                server=server,
                parameter=lacking.name,
            ) from None
        if api_version == "v2" and route.operation_id is not None:
            await self._check_minor(routes, route.operation_id, route, params, json)
        return route, api_version, url_path, params, json

    async def _check_minor(
        self,
        routes: Routes,
        operation_id: str,
        route: Route,
        params: list[tuple[str, str]],
        json: object,
    ) -> None:
        """Refuse a v2 parameter or body field newer than the server's 3.x minor.

        An older server ignores a query parameter it does not know, so the value would be
        dropped without a word.
        """
        newer = [
            (name, since)
            for name, since in V2_QUERY_SINCE.get(operation_id, {}).items()
            if any(sent == name for sent, _ in params)
        ]
        if isinstance(json, dict):
            fields = V2_BODY_SINCE.get(operation_id, {})
            sent_fields = cast("dict[str, object]", json)
            newer += [(name, fields[name]) for name in sent_fields if name in fields]
        if not newer:
            return
        server = await self._http.server_version()
        minor = server.minor
        if minor is None:
            return
        for name, since in newer:
            if minor < since:
                wanted = ".".join(map(str, since))
                raise UnsupportedByServerError(
                    f"{routes.method_name}: {server} does not take {_keyword(route, name)}; "
                    f"it needs Airflow {wanted} or later",
                    method=routes.method_name,
                    server=server,
                    parameter=_keyword(route, name),
                    since=since,
                )

    @contextlib.asynccontextmanager
    async def _stream(
        self,
        routes: Routes,
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        idle_timeout: float | None = None,
    ) -> AsyncGenerator[LineStream]:
        """Send one operation whose answer is NDJSON and yield its lines as they arrive.

        Raises:
            UnsupportedByServerError: As for :meth:`_send`; nothing was sent.
        """
        route, api_version, url_path, params, _ = await self._prepare(routes, path, query)
        async with stream_lines(
            self._http,
            route.method,
            url_path,
            params=params,
            idle_timeout=idle_timeout,
            api_version=api_version,
        ) as lines:
            yield lines

    async def _bulk(
        self,
        routes: Routes,
        key_of: Callable[[Mapping[str, object]], str],
        *,
        path: Mapping[str, object] | None = None,
        create: Sequence[Mapping[str, object]],
        update: Sequence[Mapping[str, object]],
        delete: Sequence[str | Mapping[str, object]],
        on_existence: OnExistence,
        on_non_existence: OnNonExistence,
        update_mask: Sequence[str] | None,
        key_in_message: Callable[[str, str], bool] | None = None,
        reported_as: Callable[[str, str], bool] | None = None,
    ) -> BulkResult:
        """Send one bulk request and return every entity's outcome.

        Args:
            routes: The bulk operation's routes.
            key_of: The key of an entity, as the server reports it in ``success``.
            path: Values of the path's placeholders.
            create: Entities to create.
            update: Entities to update.
            delete: Keys (or entities) to delete.
            on_existence: What a create does to an entity that exists.
            on_non_existence: What an update or delete does to one that does not.
            update_mask: The fields an update changes (``None``: those given).
            key_in_message: Whether an error message names an entity's key, for
                operations whose messages do not quote the key as it is (see
                :func:`~airflow_client_async._bulk.bulk_result`).
            reported_as: Whether a key in ``success`` reports an entity's key
                (``None``: when they are equal); see :func:`bulk_result`.

        Raises:
            ValueError: No entity was given.
            ResponseValidationError: The answer is not a bulk response.
        """
        body = bulk_body(
            create=create,
            update=update,
            delete=delete,
            on_existence=on_existence,
            on_non_existence=on_non_existence,
            update_mask=update_mask,
        )
        requested: list[tuple[BulkAction, str]] = [("create", key_of(e)) for e in create]
        requested.extend(("update", key_of(e)) for e in update)
        requested.extend(("delete", e if isinstance(e, str) else key_of(e)) for e in delete)
        sent = await self._send(routes, path=path, body=body)
        answer = sent.json()
        if not isinstance(answer, dict):
            raise invalid_response(sent.response, "BulkResponse", "expected a JSON object")
        return bulk_result(
            answer, requested, key_in_message=key_in_message, reported_as=reported_as
        )

    def _paginate(
        self,
        routes: Routes,
        collection_model: type[C],
        items_of: Callable[[C], Sequence[T] | None],
        *,
        path: Mapping[str, object] | None = None,
        query: Mapping[str, object] | None = None,
        offset: int | None,
        limit: int | None,
    ) -> AsyncPaginator[T]:
        """Page through a ``GET`` list that takes ``limit`` and ``offset``.

        A route that takes neither (``paged=False``) is read once and paged through here.

        Args:
            routes: The list's routes.
            collection_model: The model of one answer (e.g. ``DAGCollection``).
            items_of: Picks the items out of an answer (e.g. ``lambda c: c.dags``); a
                missing or ``null`` list is an empty page.
            path: Values of the path's placeholders.
            query: The list's filters, sent with every page.
            offset: Where to start (``None``: at the start).
            limit: The page size to ask for (``None``: the server's default).

        Returns:
            A paginator whose pages keep the decoded answer as ``raw``.

        Raises:
            TypeError: ``offset`` or ``limit`` is not an integer.
            ValueError: ``offset`` is negative or ``limit`` below 1.
        """
        filters = dict(query or {})

        async def fetch(page_offset: int, page_limit: int | None) -> Page[T]:
            route, _ = await self._route(routes)
            if not route.paged:
                sent = await self._send(routes, path=path, query=filters)
                return _slice(sent.model(collection_model), items_of, page_offset, page_limit)
            paging = {"limit": page_limit, "offset": page_offset}
            sent = await self._send(routes, path=path, query={**paging, **filters})
            return _page(sent.model(collection_model), items_of, page_offset, page_limit)

        return AsyncPaginator(fetch, offset=offset, limit=limit)

    def _paginate_body(
        self,
        routes: Routes,
        collection_model: type[C],
        items_of: Callable[[C], Sequence[T] | None],
        *,
        path: Mapping[str, object] | None = None,
        body: Mapping[str, object],
        offset: int | None,
        limit: int | None,
    ) -> AsyncPaginator[T]:
        """Page through a ``POST`` list that reads its filters and paging from the body.

        The body gets ``page_offset`` and, when a page size is asked for, ``page_limit``.
        The request only reads, so it is retried like a ``GET``.

        Args:
            routes: The list's routes.
            collection_model: The model of one answer (e.g. ``DAGRunCollection``).
            items_of: Picks the items out of an answer.
            path: Values of the path's placeholders.
            body: The filters, ``None`` and ``UNSET`` values left out.
            offset: Where to start (``None``: at the start).
            limit: The page size to ask for (``None``: the server's default).
        """
        filters = {name: value for name, value in body.items() if _given(value)}

        async def fetch(page_offset: int, page_limit: int | None) -> Page[T]:
            paging: dict[str, object] = {"page_offset": page_offset}
            if page_limit is not None:
                paging["page_limit"] = page_limit
            sent = await self._send(routes, path=path, body={**filters, **paging}, idempotent=True)
            return _page(sent.model(collection_model), items_of, page_offset, page_limit)

        return AsyncPaginator(fetch, offset=offset, limit=limit)


def _render(
    route: Route,
    api_version: ApiVersion,
    path: Mapping[str, object] | None,
    query: Mapping[str, object] | None,
    body: Mapping[str, object] | None,
    update: Mapping[str, object] | None,
) -> tuple[str, list[tuple[str, str]], object]:
    """The path, query and body of ``route`` for these values (pure: no I/O).

    Raises:
        _Lacking: A parameter the route lacks was given a value.
        ValueError: ``update`` names no field given, or a value cannot be sent.
    """
    url_path = route.prefix(api_version) + build_path(route.path, **(path or {}))
    wanted = {name: value for name, value in (query or {}).items() if name not in route.unneeded}
    fields = dict(body or {})
    if update is not None:
        changed = {name: value for name, value in update.items() if value is not UNSET}
        if not changed:
            raise ValueError(f"give at least one field to update: {', '.join(update)}")
        masked = _renamed(dict.fromkeys(changed, True), route.mask)
        # Airflow 2 reads update_mask as one comma-separated value (explode: false), and so
        # does Airflow 3's FAB API; Airflow 3's core API reads a repeated key, and sees a
        # comma-joined one as a single unknown name (so nothing is updated).
        comma = api_version == "v1" or route.base == "fab"
        wanted["update_mask"] = ",".join(masked) if comma else list(masked)
        fields.update(changed)
    if api_version == "v1" and "order_by" in wanted:
        wanted["order_by"] = _single_order(wanted["order_by"])
    accepted_query = _accepted(QUERY_PARAMETERS, route, api_version)
    params = query_params(_renamed(wanted, route.params, accepted_query), comma=route.comma)
    json: object = UNSET
    if body is not None or update is not None:
        accepted_body = _accepted(BODY_FIELDS, route, api_version)
        json = json_body(_renamed(fields, route.body, accepted_body or None))
    return url_path, params, json


def _single_order(order_by: object) -> object:
    """Airflow 2 sorts by one field: a list of one becomes that field; more are refused."""
    if isinstance(order_by, (list, tuple)):
        keys = cast("Sequence[object]", order_by)
        if len(keys) > 1:
            raise _Lacking("order_by with more than one field")
        return keys[0] if keys else None
    return order_by


def _page(
    collection: C, items_of: Callable[[C], Sequence[T] | None], offset: int, limit: int | None
) -> Page[T]:
    return Page(
        items=items_of(collection) or [],
        total_entries=_total_of(collection),
        offset=offset,
        limit=limit,
        raw=collection,
    )


def _total_of(collection: Model) -> int | None:
    total: object = getattr(collection, "total_entries", None)
    return total if isinstance(total, int) else None


def _slice(
    collection: C, items_of: Callable[[C], Sequence[T] | None], offset: int, limit: int | None
) -> Page[T]:
    """One page cut out of a list the server sent whole."""
    everything = items_of(collection) or []
    end = None if limit is None else offset + limit
    return Page(
        items=everything[offset:end],
        total_entries=len(everything),
        offset=offset,
        limit=limit,
        raw=collection,
    )


def _keyword(route: Route, wire_name: str) -> str:
    """The method's keyword for a name ``route`` sends (the wire name when it is the same)."""
    for keyword, sent in (*route.params.items(), *route.body.items()):
        if sent == wire_name:
            return keyword
    return wire_name
