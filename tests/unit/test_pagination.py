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


async def test_prefetch_yields_every_item_in_order_with_bounded_concurrency() -> None:
    import anyio

    items = list(range(95))
    in_flight = 0
    peak = 0
    calls: list[int] = []

    async def fetch(offset: int, limit: int | None) -> Page[int]:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        calls.append(offset)
        # Later pages answer sooner, so out-of-order completion is exercised.
        await anyio.sleep(0.001 * (100 - offset) / 10)
        in_flight -= 1
        return Page(items=items[offset : offset + 10], total_entries=95, offset=offset, limit=limit)

    got = await AsyncPaginator(fetch, limit=100).prefetch(4).to_list()
    assert got == items
    assert sorted(calls) == list(range(0, 95, 10))
    assert len(calls) == 10
    assert peak == 4


async def test_prefetch_without_a_total_falls_back_to_sequential() -> None:
    data = list(range(7))

    async def fetch(offset: int, limit: int | None) -> Page[int]:
        return Page(items=data[offset : offset + 3], total_entries=None, offset=offset, limit=limit)

    assert await AsyncPaginator(fetch).prefetch(8).to_list() == data


async def test_prefetch_stops_when_the_list_shrinks() -> None:
    async def fetch(offset: int, limit: int | None) -> Page[int]:
        # Says 50 items, but only the first 25 exist by the time later pages are read.
        return Page(
            items=list(range(offset, min(offset + 10, 25))),
            total_entries=50,
            offset=offset,
            limit=limit,
        )

    assert await AsyncPaginator(fetch).prefetch(3).to_list() == list(range(25))


async def test_breaking_out_of_a_prefetching_iteration_is_clean() -> None:
    async def fetch(offset: int, limit: int | None) -> Page[int]:
        return Page(
            items=list(range(offset, offset + 10)), total_entries=1000, offset=offset, limit=limit
        )

    paginator = AsyncPaginator(fetch).prefetch(5)
    seen = []
    async for item in paginator:
        seen.append(item)
        if item == 42:
            break
    assert seen == list(range(43))


def test_prefetch_must_be_positive() -> None:
    async def fetch(offset: int, limit: int | None) -> Page[int]:
        raise AssertionError

    with pytest.raises(ValueError, match="prefetch"):
        AsyncPaginator(fetch).prefetch(0)


def test_prefetch_runs_on_trio_too() -> None:
    import trio

    async def fetch(offset: int, limit: int | None) -> Page[int]:
        await trio.lowlevel.checkpoint()
        return Page(
            items=list(range(offset, min(offset + 10, 35))),
            total_entries=35,
            offset=offset,
            limit=limit,
        )

    async def main() -> list[int]:
        return await AsyncPaginator(fetch).prefetch(3).to_list()

    assert trio.run(main) == list(range(35))
