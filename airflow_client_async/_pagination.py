"""Pages and the async paginator over Airflow's ``limit``/``offset`` lists.

A list method returns an :class:`AsyncPaginator`. Awaiting it fetches one page; iterating
it with ``async for`` yields every item, page after page. The offset advances by the number
of items the server actually returned, because the server silently caps ``limit`` at its
``maximum_page_limit``.
"""

from __future__ import annotations

import contextlib
from collections.abc import (
    AsyncGenerator,
    Awaitable,
    Callable,
    Generator,
    Iterator,
    Sequence,
)
from typing import Generic, TypeVar

import anyio
import attrs

__all__ = ["AsyncPaginator", "Page", "PageFetcher"]

T = TypeVar("T")


@attrs.frozen(kw_only=True)
class Page(Generic[T]):
    """One page of a list.

    Attributes:
        items: The items of this page, in the server's order.
        total_entries: How many items the whole list holds, as the server counted them
            (``None`` when it did not say).
        offset: The offset this page was asked for.
        limit: The page size asked for (``None``: the server's default).
        raw: The decoded collection object the items came from (a model such as
            ``DAGCollection``, with any other field the answer carried).
    """

    items: Sequence[T]
    total_entries: int | None
    offset: int
    limit: int | None
    raw: object = attrs.field(default=None, repr=False)

    @property
    def next_offset(self) -> int:
        """The offset of the page after this one."""
        return self.offset + len(self.items)

    @property
    def has_more(self) -> bool:
        """Whether a page after this one may hold items."""
        if not self.items:
            return False
        if self.total_entries is None:
            return True
        return self.next_offset < self.total_entries

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]


def _check_int(name: str, value: object, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an integer or None, not {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be {minimum} or more, got {value}")
    return value


#: Fetches the page at ``offset`` with page size ``limit``.
PageFetcher = Callable[[int, "int | None"], Awaitable[Page[T]]]


class AsyncPaginator(Generic[T]):
    """Every item of a list, or one page of it.

    ``await paginator`` returns the first :class:`Page`; ``async for item in paginator``
    yields every item from ``offset`` on; :meth:`pages` yields page after page.
    :meth:`prefetch` returns a paginator that fetches several pages at once.

    Args:
        fetch: Fetches one page given an offset and a page size.
        offset: Where to start (``None``: at the start).
        limit: The page size to ask for (``None``: the server's default: 100 on Airflow 2,
            50 on Airflow 3, unless configured otherwise).
        prefetch: How many pages to fetch concurrently once the total is known (``1``:
            one after the other).

    Raises:
        TypeError: ``offset``, ``limit`` or ``prefetch`` is not an integer.
        ValueError: ``offset`` is negative, or ``limit`` or ``prefetch`` below 1.
    """

    def __init__(
        self,
        fetch: PageFetcher[T],
        *,
        offset: int | None = None,
        limit: int | None = None,
        prefetch: int = 1,
    ) -> None:
        self._fetch = fetch
        self._offset = 0 if offset is None else _check_int("offset", offset, minimum=0)
        # Airflow 3 answers limit=0 with no items (Airflow 2 with a default page), so a
        # page size is one or more, or None for the server's own.
        self._limit = None if limit is None else _check_int("limit", limit, minimum=1)
        self._prefetch = _check_int("prefetch", prefetch, minimum=1)

    def __await__(self) -> Generator[object, None, Page[T]]:
        return self._fetch(self._offset, self._limit).__await__()

    def prefetch(self, pages: int) -> AsyncPaginator[T]:
        """Return a paginator that fetches up to ``pages`` pages concurrently.

        After the first page has told the total and the server's real page size, the next
        ``pages`` pages are fetched at once, then handed out in order; at most ``pages``
        pages are held in memory. Items still come out in the server's order. It assumes
        the list does not change while it is read (as does any offset paging).

        Args:
            pages: Pages in flight at once (``1``: no prefetching).
        """
        return AsyncPaginator(self._fetch, offset=self._offset, limit=self._limit, prefetch=pages)

    async def pages(self) -> AsyncGenerator[Page[T], None]:
        """Yield page after page until the list is exhausted."""
        page = await self._fetch(self._offset, self._limit)
        while True:
            if page.items:
                yield page
            if not page.has_more:
                return
            if self._prefetch > 1 and page.total_entries is not None:
                break
            page = await self._fetch(page.next_offset, self._limit)
        # The first page told the total and the page size the server really applies.
        step = len(page.items)
        total = page.total_entries
        offset = page.next_offset
        while offset < total:
            offsets = [o for o in range(offset, offset + step * self._prefetch, step) if o < total]
            batch = await self._fetch_concurrently(offsets)
            for fetched in batch:
                if not fetched.items:
                    return
                yield fetched
            last = batch[-1]
            if not last.has_more:
                return
            offset = last.next_offset
            total = last.total_entries if last.total_entries is not None else total

    async def _fetch_concurrently(self, offsets: list[int]) -> list[Page[T]]:
        # The task group opens and closes within this call, never across a yield, so the
        # generator above can be abandoned at any point without leaking a cancel scope.
        results: list[Page[T] | None] = [None] * len(offsets)

        async def fetch_one(index: int, offset: int) -> None:
            results[index] = await self._fetch(offset, self._limit)

        async with anyio.create_task_group() as group:
            for index, offset in enumerate(offsets):
                group.start_soon(fetch_one, index, offset)
        return [page for page in results if page is not None]

    async def __aiter__(self) -> AsyncGenerator[T, None]:
        async with contextlib.aclosing(self.pages()) as pages:
            async for page in pages:
                for item in page.items:
                    yield item

    async def to_list(self) -> list[T]:
        """Collect every item into a list."""
        return [item async for item in self]

    def __repr__(self) -> str:
        return (
            f"<AsyncPaginator offset={self._offset} limit={self._limit} prefetch={self._prefetch}>"
        )
