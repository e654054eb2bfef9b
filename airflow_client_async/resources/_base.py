"""What every resource namespace shares: the pipeline, list paging, body and mask builders."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from .. import _converter
from .._http import query_params
from .._pagination import AsyncPaginator, Page
from .._types import UNSET

if TYPE_CHECKING:
    from .._http import HTTPPipeline

__all__ = ["Resource", "comma_joined", "json_body", "patch_body"]

T = TypeVar("T")


class _Counted(Protocol):
    """A collection model: every one of them tells ``total_entries``."""

    @property
    def total_entries(self) -> int | None: ...


C = TypeVar("C", bound=_Counted)


class Resource:
    """Base of the namespaces (``client.dags``, ``client.pools``, …): holds the pipeline."""

    def __init__(self, http: HTTPPipeline) -> None:
        self._http = http

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._http.base_url}>"

    def _paginate(
        self,
        path: str,
        collection_model: type[C],
        items_of: Callable[[C], Sequence[T] | None],
        *,
        params: list[tuple[str, str]] | None = None,
        offset: int,
        limit: int | None,
    ) -> AsyncPaginator[T]:
        """Page through a ``GET`` list that takes ``limit`` and ``offset`` query parameters.

        Args:
            path: The list's path, its path parameters already encoded.
            collection_model: The model of one answer (e.g. ``DAGCollection``).
            items_of: Picks the items out of an answer (e.g. ``lambda c: c.dags``); a
                missing or ``null`` list is an empty page.
            params: The list's filters (from ``query_params``), sent after ``limit`` and
                ``offset`` on every page.
            offset: Where to start.
            limit: The page size to ask for (``None``: the server's default).

        Returns:
            A paginator whose pages keep the decoded answer as ``raw``.
        """
        filters = params or []

        async def fetch(page_offset: int, page_limit: int | None) -> Page[T]:
            page_params = query_params(limit=page_limit, offset=page_offset) + filters
            collection = await self._http.request_model(
                "GET", path, collection_model, params=page_params
            )
            return _page(collection, items_of, page_offset, page_limit)

        return AsyncPaginator(fetch, offset=offset, limit=limit)

    def _paginate_body(
        self,
        path: str,
        collection_model: type[C],
        items_of: Callable[[C], Sequence[T] | None],
        *,
        body: Mapping[str, Any],
        offset: int,
        limit: int | None,
    ) -> AsyncPaginator[T]:
        """Page through a ``POST`` list that reads its filters and paging from the body.

        The body gets ``page_offset`` and, when a page size is asked for, ``page_limit``.
        The request only reads, so it is retried like a ``GET``.

        Args:
            path: The list's path.
            collection_model: The model of one answer (e.g. ``DAGRunCollection``).
            items_of: Picks the items out of an answer; a missing or ``null`` list is an
                empty page.
            body: The filters given (``None`` values already left out), turned into JSON
                by :func:`json_body` for every page.
            offset: Where to start.
            limit: The page size to ask for (``None``: the server's default).

        Returns:
            A paginator whose pages keep the decoded answer as ``raw``.
        """

        async def fetch(page_offset: int, page_limit: int | None) -> Page[T]:
            page_body = json_body(
                **body,
                page_offset=page_offset,
                page_limit=page_limit if page_limit is not None else UNSET,
            )
            collection = await self._http.request_model(
                "POST", path, collection_model, json_body=page_body, idempotent=True
            )
            return _page(collection, items_of, page_offset, page_limit)

        return AsyncPaginator(fetch, offset=offset, limit=limit)


def _page(
    collection: C, items_of: Callable[[C], Sequence[T] | None], offset: int, limit: int | None
) -> Page[T]:
    return Page(
        items=items_of(collection) or [],
        total_entries=collection.total_entries,
        offset=offset,
        limit=limit,
        raw=collection,
    )


def _json_value(name: str, value: Any) -> Any:
    if isinstance(value, datetime) and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(
            f"{name} is a naive datetime; Airflow refuses those. "
            "Give it a time zone, e.g. value.replace(tzinfo=datetime.timezone.utc)"
        )
    return _converter.unstructure(value)


def json_body(**fields: Any) -> dict[str, Any]:
    """Build a JSON request body from keyword arguments, leaving out the ``UNSET`` ones.

    ``None`` is sent as ``null``. Datetimes must be timezone-aware.
    """
    return {name: _json_value(name, v) for name, v in fields.items() if v is not UNSET}


def patch_body(
    fields: Mapping[str, Any], mask_names: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], str]:
    """Build a PATCH body and its ``update_mask`` from the fields the caller gave.

    Args:
        fields: Field name → value, with ``UNSET`` for "not given".
        mask_names: Where the server's update_mask name differs from the body's field name.

    Returns:
        The body (the given fields only) and the ``update_mask`` naming exactly them, as one
        comma-separated value: the spec declares the parameter ``explode: false``, and the
        server keeps only the last of repeated ``update_mask`` parameters.

    Raises:
        ValueError: No field was given.
    """
    body = json_body(**fields)
    if not body:
        raise ValueError(f"give at least one field to update: {', '.join(fields)}")
    names = mask_names or {}
    return body, ",".join(names.get(name, name) for name in body)


def comma_joined(name: str, values: str | Sequence[str] | None, *, what: str) -> str | None:
    """Join values into the one comma-separated query value the server splits.

    Some parameters (``dag_ids`` of ``/dagStats`` and ``/datasets``, the event filters of
    ``/eventLogs``) are read as a single value split on commas, so a value that is empty or
    holds a comma would be misread: it is refused instead.

    Args:
        name: The parameter, for error messages.
        values: One value, several, or ``None`` (not sent).
        what: What one value is (e.g. ``"DAG id"``), for error messages.

    Raises:
        ValueError: No value was given, or one is empty or contains a comma.
    """
    if values is None:
        return None
    items = [values] if isinstance(values, str) else list(values)
    if not items:
        raise ValueError(f"give at least one {what} in {name} (or None)")
    for item in items:
        if not item or "," in item:
            raise ValueError(f"not a {what}: {item!r} ({name} is sent comma-separated)")
    return ",".join(items)
