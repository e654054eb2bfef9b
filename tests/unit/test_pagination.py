"""The paginator over a server that caps its page size."""

from __future__ import annotations

import pytest

from airflow_client_async import AsyncPaginator, Page


def capped_server(total: int, cap: int, calls: list[tuple[int, int | None]]):  # type: ignore[no-untyped-def]
    items = list(range(total))

    async def fetch(offset: int, limit: int | None) -> Page[int]:
        calls.append((offset, limit))
        size = min(limit or cap, cap)
        return Page(
            items=items[offset : offset + size], total_entries=total, offset=offset, limit=limit
        )

    return fetch


async def test_iteration_advances_by_what_the_server_returned() -> None:
    calls: list[tuple[int, int | None]] = []
    paginator = AsyncPaginator(capped_server(25, cap=10, calls=calls), limit=100)
    assert [item async for item in paginator] == list(range(25))
    assert calls == [(0, 100), (10, 100), (20, 100)]


async def test_await_gives_one_page() -> None:
    calls: list[tuple[int, int | None]] = []
    page = await AsyncPaginator(capped_server(25, cap=10, calls=calls), offset=5, limit=3)
    assert list(page.items) == [5, 6, 7]
    assert page.total_entries == 25
    assert page.next_offset == 8
    assert page.has_more
    assert calls == [(5, 3)]


async def test_exact_multiple_stops_without_an_extra_request() -> None:
    calls: list[tuple[int, int | None]] = []
    assert len(await AsyncPaginator(capped_server(20, 10, calls)).to_list()) == 20
    assert calls == [(0, None), (10, None)]


async def test_empty_list() -> None:
    calls: list[tuple[int, int | None]] = []
    assert await AsyncPaginator(capped_server(0, 10, calls)).to_list() == []
    assert [p async for p in AsyncPaginator(capped_server(0, 10, calls)).pages()] == []


async def test_unknown_total_stops_at_the_first_empty_page() -> None:
    data = list(range(7))
    calls: list[int] = []

    async def fetch(offset: int, limit: int | None) -> Page[int]:
        calls.append(offset)
        return Page(items=data[offset : offset + 3], total_entries=None, offset=offset, limit=limit)

    assert await AsyncPaginator(fetch).to_list() == data
    assert calls == [0, 3, 6, 7]


async def test_total_shrinking_while_iterating_stops_cleanly() -> None:
    async def fetch(offset: int, limit: int | None) -> Page[int]:
        # The list lost items between pages: the server reports an offset past the end.
        return Page(items=[] if offset else [1, 2], total_entries=10, offset=offset, limit=limit)

    assert await AsyncPaginator(fetch).to_list() == [1, 2]


def test_bad_arguments() -> None:
    async def fetch(offset: int, limit: int | None) -> Page[int]:
        raise AssertionError

    with pytest.raises(ValueError, match="offset"):
        AsyncPaginator(fetch, offset=-1)
    with pytest.raises(ValueError, match="limit"):
        AsyncPaginator(fetch, limit=0)
