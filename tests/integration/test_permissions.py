"""client.permissions against the real server."""

from __future__ import annotations

from airflow_client_async import AsyncClient


async def test_list_pages_past_one_page(client: AsyncClient) -> None:
    first = await client.permissions.list(limit=2)
    assert len(first.items) == 2
    assert first.total_entries is not None and first.total_entries > 2
    pages = [page async for page in client.permissions.list(limit=2).pages()]
    assert len(pages) > 1
    names = [a.name for page in pages for a in page.items]
    assert len(names) == first.total_entries == len(set(names))
    assert {"can_read", "can_edit", "can_create", "can_delete"} <= set(names)
