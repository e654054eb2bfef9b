"""client.permissions against the real server: Airflow 2's actions, Airflow 3's FAB pairs."""

from __future__ import annotations

from airflow_client_async import AsyncClient, UnsupportedByServerError


async def test_list_pages_past_one_page(client: AsyncClient) -> None:
    try:
        first = await client.permissions.list(limit=2)
    except UnsupportedByServerError as exc:
        no_fab = exc
    else:
        no_fab = None
    if no_fab is not None:
        # Airflow 3 without the FAB auth manager has no permissions API.
        assert (await client.server_version()).api_version == "v2"
        assert "has no FAB API" in str(no_fab)
        return
    assert len(first.items) == 2
    assert first.total_entries is not None and first.total_entries > 2
    pages = [page async for page in client.permissions.list(limit=2).pages()]
    assert len(pages) > 1
    items = [p for page in pages for p in page.items]
    assert len(items) == first.total_entries
    actions = {p.action.name for p in items if p.action}
    assert {"can_read", "can_edit", "can_create", "can_delete"} <= actions
    if (await client.server_version()).api_version == "v2":
        # The FAB API lists (action, resource) pairs, each once.
        found = [
            (p.action.name if p.action else None, p.resource.name if p.resource else None)
            for p in items
        ]
        assert len(found) == len(set(found)) and ("can_read", "DAGs") in found
    else:
        # Airflow 2 lists the actions alone.
        assert all(p.resource is None for p in items) and len(actions) == len(items)
