"""What every namespace shares: sending its operations, and paging through lists.

A namespace method names its :class:`~airflow_client_async._routes.Routes` and hands its
arguments over under its own keyword names; :meth:`Resource._send` passes them to the
operation layer (:mod:`airflow_client_async._operation`), which picks the route for the
server, renames, refuses and encodes, and has the pipeline send.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, TypeVar, cast

from .._bulk import BulkRequest, BulkResult, bulk_result
from .._errors import UnsupportedByServerError
from .._http import invalid_response
from .._operation import Operations, SendOptions, Sent
from .._operation._minors import Minor
from .._operation._render import json_body
from .._pagination import AsyncPaginator, Page
from .._routes import ApiVersion, Route, Routes, ServerVersion
from .._streaming import LineStream
from .._types import UNSET
from ..models._base import Model

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._http import HTTPPipeline

__all__ = ["DateTimeFilter", "OrderBy", "Resource", "Sent", "checked_filters", "json_body"]

T = TypeVar("T")
#: A namespace class.
R = TypeVar("R", bound="Resource")

#: A list's sort order: a field name, ``-`` in front to reverse, or several of them
#: (Airflow 3 sorts by up to ten fields; Airflow 2 by one).
OrderBy: TypeAlias = str | Sequence[str] | None

#: A datetime filter: a timezone-aware datetime, or an ISO 8601 string sent as it is.
DateTimeFilter: TypeAlias = datetime | str | None


#: A collection model. Most tell ``total_entries``; a few (a task instance's
#: dependencies) count nothing, and their pages have ``total_entries=None``.
C = TypeVar("C", bound=Model)


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


class Resource:
    """Base of the namespaces (``client.dags``, ``client.pools``, …).

    Attributes:
        namespace: The client attribute the namespace lives at, e.g. ``"pools"``.
    """

    namespace: ClassVar[str] = ""

    def __init__(self, http: HTTPPipeline, client: object = None) -> None:
        # The client is kept untyped: naming its class here would tie every namespace
        # module back to the client module, which names them all.
        self._http = http
        self._ops = Operations(http)
        self._owner = client

    def _namespace(self, name: str, kind: type[R], **options: object) -> R:
        """Another namespace of the client this one belongs to.

        Args:
            name: The namespace's attribute on the client, e.g. ``"task_instances"``.
            kind: Its class.
            **options: When given, the namespace of the client's ``with_options(...)``
                copy (which shares its pool and what it knows of the server).

        Raises:
            RuntimeError: This namespace was built outside a client.
        """
        owner: Any = self._owner
        if owner is None:
            raise RuntimeError(f"{type(self).__name__} was built without its AsyncClient")
        if options:
            owner = owner.with_options(**options)
        found = getattr(owner, name)
        if not isinstance(found, kind):
            raise TypeError(f"client.{name} is a {type(found).__name__}, not a {kind.__name__}")
        return found

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._http.base_url}>"

    async def _route(self, routes: Routes) -> tuple[Route, ApiVersion]:
        """The route of ``routes`` for the server's API (detected on first use).

        Raises:
            UnsupportedByServerError: The server's API or release lacks the operation.
        """
        return await self._ops.resolve(routes)

    async def _server_version(self) -> ServerVersion:
        """The server's version (asked for once per client)."""
        return await self._ops.server_version()

    async def _unsupported(
        self,
        routes: Routes,
        *,
        parameter: str | None = None,
        since: Minor | None = None,
        reason: str | None = None,
    ) -> UnsupportedByServerError:
        """The error for something of ``routes``' method the server lacks (to raise)."""
        return await self._ops.unsupported(routes, parameter=parameter, since=since, reason=reason)

    async def _send(self, routes: Routes, **options: Unpack[SendOptions]) -> Sent:
        """Send one operation on the server's API and return its 2xx answer.

        See :class:`~airflow_client_async._operation.SendOptions` for the options.

        Raises:
            UnsupportedByServerError: The server's API lacks the operation, or a
                parameter that was given a value; nothing was sent.
            ValueError: ``update`` names no field, or a value cannot be sent.
        """
        return await self._ops.send(routes, **options)

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
        async with self._ops.stream(
            routes, path=path, query=query, idle_timeout=idle_timeout
        ) as lines:
            yield lines

    async def _bulk(
        self,
        routes: Routes,
        request: BulkRequest,
        key_of: Callable[[Mapping[str, object]], str],
        *,
        path: Mapping[str, object] | None = None,
        key_in_message: Callable[[str, str], bool] | None = None,
        reported_as: Callable[[str, str], bool] | None = None,
    ) -> BulkResult:
        """Send one bulk request and return every entity's outcome.

        Args:
            routes: The bulk operation's routes.
            request: The actions to send.
            key_of: The key of an entity, as the server reports it in ``success``.
            path: Values of the path's placeholders.
            key_in_message: Whether an error message names an entity's key, for
                operations whose messages do not quote the key as it is (see
                :func:`~airflow_client_async._bulk.bulk_result`).
            reported_as: Whether a key in ``success`` reports an entity's key
                (``None``: when they are equal); see :func:`bulk_result`.

        Raises:
            ValueError: No entity was given.
            ResponseValidationError: The answer is not a bulk response.
        """
        body = request.body()
        # key_of refuses an entity without its key, so this comes before anything is sent.
        requested = request.requested(key_of)
        given = ("update_mask",) if request.update_mask is not None else ()
        sent = await self._send(routes, path=path, body=body, given=given)
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
        filters = {
            name: value for name, value in body.items() if value is not None and value is not UNSET
        }

        async def fetch(page_offset: int, page_limit: int | None) -> Page[T]:
            paging: dict[str, object] = {"page_offset": page_offset}
            if page_limit is not None:
                paging["page_limit"] = page_limit
            sent = await self._send(routes, path=path, body={**filters, **paging}, idempotent=True)
            return _page(sent.model(collection_model), items_of, page_offset, page_limit)

        return AsyncPaginator(fetch, offset=offset, limit=limit)


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
