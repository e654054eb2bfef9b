"""Pages and the async paginator over Airflow's ``limit``/``offset`` lists.

A list method returns an :class:`AsyncPaginator`. Awaiting it fetches one page; iterating
it with ``async for`` yields every item, page after page. The offset advances by the number
of items the server actually returned, because the server silently caps ``limit`` at its
``maximum_page_limit``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Sequence
from typing import Any, Generic, TypeVar

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
        raw: The decoded collection object the items came from.
    """

    items: Sequence[T]
    total_entries: int | None
    offset: int
    limit: int | None
    raw: Any = attrs.field(default=None, repr=False)

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

    def __iter__(self) -> Any:
        return iter(self.items)


#: Fetches the page at ``offset`` with page size ``limit``.
PageFetcher = Callable[[int, "int | None"], Awaitable[Page[T]]]


class AsyncPaginator(Generic[T]):
    """Every item of a list, or one page of it.

    ``await paginator`` returns the first :class:`Page`; ``async for item in paginator``
    yields every item from ``offset`` on; :meth:`pages` yields page after page.

    Args:
        fetch: Fetches one page given an offset and a page size.
        offset: Where to start.
        limit: The page size to ask for (``None``: the server's default, 100 unless
            configured otherwise).
    """

    def __init__(self, fetch: PageFetcher[T], *, offset: int = 0, limit: int | None = None) -> None:
        if offset < 0:
            raise ValueError("offset must be zero or more")
        if limit is not None and limit < 1:
            raise ValueError("limit must be one or more")
        self._fetch = fetch
        self._offset = offset
        self._limit = limit

    def __await__(self) -> Generator[Any, None, Page[T]]:
        return self._fetch(self._offset, self._limit).__await__()

    async def pages(self) -> AsyncIterator[Page[T]]:
        """Yield page after page until the list is exhausted."""
        offset = self._offset
        while True:
            page = await self._fetch(offset, self._limit)
            if page.items:
                yield page
            if not page.has_more:
                return
            offset = page.next_offset

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item

    async def to_list(self) -> list[T]:
        """Collect every item into a list."""
        return [item async for item in self]

    def __repr__(self) -> str:
        return f"<AsyncPaginator offset={self._offset} limit={self._limit}>"
