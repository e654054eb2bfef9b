"""client.dags and client.tasks against the real server (Airflow 2.x or 3.x)."""

from __future__ import annotations

import anyio
import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async._routes import parse_release
from airflow_client_async.models import DAG, CronExpression, DAGDetail

from ._server import ServerInfo

FAST = "client_test_fast"


def airflow_3(server: ServerInfo) -> bool:
    return server.version.startswith("3.")


def minor(server: ServerInfo) -> tuple[int, int]:
    """``(major, minor)`` of the server's release, e.g. ``(3, 0)``."""
    release = parse_release(server.version)
    assert release is not None, server.version
    return release[:2]


#: Today's models are Airflow 2's: DAGDetail.dag_run_timeout is a TimeDelta object where
#: Airflow 3 sends an ISO 8601 duration, and Task.retry_exponential_backoff a bool where
#: Airflow 3.2 and later send a number, so these answers do not decode yet.
async def test_iterating_dags_goes_past_the_server_page_cap(client: AsyncClient) -> None:
    first = await client.dags.list(limit=7)
    assert len(first.items) == 7
    assert first.total_entries is not None and first.total_entries > 20
    pages = [page async for page in client.dags.list(limit=7).pages()]
    assert len(pages) > 2
    ids = [dag.dag_id for page in pages for dag in page.items]
    assert len(ids) == first.total_entries
    assert len(set(ids)) == len(ids)
    assert FAST in ids and "example_bash_operator" in ids


async def test_list_filters(client: AsyncClient, server: ServerInfo) -> None:
    ours = [
        dag.dag_id
        async for dag in client.dags.list(
            tags=["client-test"], order_by="dag_id", exclude_stale=True
        )
    ]
    assert FAST in ours
    assert ours == sorted(ours)
    assert all(d.startswith("client_test_") for d in ours)
    page = await client.dags.list(dag_id_pattern="client_test_f", fields=["is_paused"])
    assert [d.dag_id for d in page.items] == [FAST]
    if airflow_3(server):
        # Airflow 3 answers whole DAGs; fields is not sent.
        assert page.items[0].fileloc is not None
    else:
        # Airflow 2 answers the fields asked for, and the client adds dag_id.
        assert page.items[0].fileloc is None
        assert page.items[0].is_paused is not None


async def test_airflow_3_list_filters(client: AsyncClient, server: ServerInfo) -> None:
    if not airflow_3(server):
        with pytest.raises(UnsupportedByServerError, match="dag_id_prefix_pattern"):
            await client.dags.list(dag_id_prefix_pattern="client_test_")
        return
    if minor(server) < (3, 3):
        with pytest.raises(UnsupportedByServerError, match="dag_id_prefix_pattern") as caught:
            await client.dags.list(dag_id_prefix_pattern="client_test_")
        assert caught.value.parameter == "dag_id_prefix_pattern"
        assert caught.value.since == (3, 3)
    else:
        prefixed = [d.dag_id async for d in client.dags.list(dag_id_prefix_pattern="client_test_")]
        assert FAST in prefixed and all(d.startswith("client_test_") for d in prefixed)
    # Every Airflow 3 has these.
    both = await client.dags.list(tags=["client-test", "no-such-tag"], tags_match_mode="all")
    assert both.items == [] and both.total_entries == 0
    sorted_two = [
        d.dag_id async for d in client.dags.list(order_by=["-dag_display_name", "dag_id"])
    ]
    assert len(sorted_two) == len(set(sorted_two))


async def test_get_and_details(client: AsyncClient, server: ServerInfo) -> None:
    dag = await client.dags.get("example_bash_operator")
    assert isinstance(dag, DAG)
    assert dag.dag_id == "example_bash_operator"
    assert dag.file_token
    if airflow_3(server):
        # Airflow 3 describes the schedule only as text.
        assert dag.schedule_interval is None
        assert dag.timetable_summary
        assert "timetable_summary" not in dag.extra_fields
    else:
        assert isinstance(dag.schedule_interval, CronExpression)
    detail = await client.dags.get_details("example_bash_operator", fields=["params"])
    assert isinstance(detail, DAGDetail)
    assert detail.dag_id == "example_bash_operator"
    assert detail.params is not None and "example_key" in detail.params
    full = await client.dags.get_details("example_bash_operator")
    assert full.start_date is not None and full.start_date.tzinfo is not None


async def test_pause_and_unpause_with_update_mask(client: AsyncClient) -> None:
    dag_id = "example_python_operator"
    before = await client.dags.get(dag_id)
    try:
        assert (await client.dags.unpause(dag_id)).is_paused is False
        assert (await client.dags.get(dag_id)).is_paused is False
        assert (await client.dags.pause(dag_id)).is_paused is True
        assert (await client.dags.get(dag_id)).is_paused is True
    finally:
        await client.dags.update(dag_id, is_paused=bool(before.is_paused))


async def test_update_many_by_pattern(client: AsyncClient) -> None:
    matching = [d.dag_id async for d in client.dags.list(dag_id_pattern="example_branch")]
    assert len(matching) >= 2
    updated = await client.dags.update_many(is_paused=True, dag_id_pattern="example_branch")
    # Airflow 3 answers in no set order.
    assert len(updated) == len(matching) and {d.dag_id for d in updated} == set(matching)
    assert all(d.is_paused for d in updated)
    after = [d async for d in client.dags.list(dag_id_pattern="example_branch")]
    assert all(d.is_paused for d in after)


async def test_update_many_pages_through_every_match(
    client: AsyncClient, server: ServerInfo
) -> None:
    first = await client.dags.list(dag_id_pattern="example_")
    assert first.total_entries is not None
    if (3, 0) <= minor(server) < (3, 2):
        # Airflow 3.0 and 3.1 do not cap /api/v2 pages at maximum_page_limit: their default
        # page of 50 holds every example DAG, and the update answers them in one page.
        assert first.total_entries == len(first.items)
    else:
        # More matches than one page of the server holds: every one is updated and listed.
        assert first.total_entries > len(first.items)
    everything = [d async for d in client.dags.list(dag_id_pattern="example_")]
    running = [d.dag_id for d in everything if d.dag_id and not d.is_paused]
    try:
        updated = await client.dags.update_many(is_paused=True, dag_id_pattern="example_")
        assert len(updated) == len(everything)
        assert {d.dag_id for d in updated} == {d.dag_id for d in everything}
        assert all(d.is_paused for d in updated)
    finally:
        # Unpause again what was running before.
        for dag_id in running:
            await client.dags.unpause(dag_id)


async def test_tasks(client: AsyncClient) -> None:
    tasks = [t async for t in client.tasks.list("example_bash_operator", order_by="task_id")]
    ids = [t.task_id for t in tasks]
    assert "runme_0" in ids and ids == sorted(ids)
    page = await client.tasks.list("example_bash_operator", limit=2, offset=1)
    assert [t.task_id for t in page.items] == ids[1:3]
    assert page.total_entries == len(ids)
    task = await client.tasks.get("example_bash_operator", "runme_0")
    assert task.task_id == "runme_0"
    assert task.downstream_task_ids == ["run_after_loop"]
    assert task.class_ref is not None and task.class_ref.class_name == "BashOperator"


async def test_missing_dag_is_not_found(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.dags.get("no_such_dag")
    assert caught.value.status == 404
    assert "no_such_dag" in str(caught.value)
    with pytest.raises(NotFoundError):
        await client.tasks.get("no_such_dag", "t")


async def test_bad_order_by_is_a_bad_request(client: AsyncClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        await client.dags.list(order_by="no_such_column")
    assert "no_such_column" in str(caught.value)


async def test_favorites(client: AsyncClient, server: ServerInfo) -> None:
    if minor(server) < (3, 1):
        # Favourites came with Airflow 3.1: the calls and the filter are refused unsent.
        # (on Airflow 2 without a since: no release of that API has them).
        since = (3, 1) if airflow_3(server) else None
        with pytest.raises(UnsupportedByServerError, match="Airflow 3") as caught:
            await client.dags.favorite(FAST)
        assert caught.value.parameter is None and caught.value.since == since
        with pytest.raises(UnsupportedByServerError, match="Airflow 3"):
            await client.dags.unfavorite(FAST)
        with pytest.raises(UnsupportedByServerError, match="is_favorite") as caught:
            await client.dags.list(is_favorite=True)
        assert caught.value.since == since
        # Nothing was marked: the DAG reads as before.
        assert (await client.dags.get(FAST)).dag_id == FAST
        return
    await client.dags.favorite(FAST)
    try:
        favourites = [d.dag_id async for d in client.dags.list(is_favorite=True)]
        assert FAST in favourites
    finally:
        await client.dags.unfavorite(FAST)
    assert FAST not in [d.dag_id async for d in client.dags.list(is_favorite=True)]
    with pytest.raises(ConflictError):
        await client.dags.unfavorite(FAST)


async def test_list_tags(client: AsyncClient, server: ServerInfo) -> None:
    if not airflow_3(server):
        with pytest.raises(UnsupportedByServerError, match=r"dags\.list_tags"):
            await client.dags.list_tags()
        return
    tags = [t async for t in client.dags.list_tags(limit=3)]
    assert "client-test" in tags
    assert len(tags) == len(set(tags))
    page = await client.dags.list_tags(tag_name_pattern="client-")
    assert page.items == ["client-test"]
    if minor(server) < (3, 3):
        with pytest.raises(UnsupportedByServerError, match="tag_name_prefix_pattern") as caught:
            await client.dags.list_tags(tag_name_prefix_pattern="client-")
        assert caught.value.since == (3, 3)
        return
    page = await client.dags.list_tags(tag_name_prefix_pattern="client-")
    assert page.items == ["client-test"]


def _deletable_dag(dag_id: str) -> str:
    # The same file parses on Airflow 2 and 3 (whose DAG and operators moved).
    return (
        "import datetime\n"
        "try:\n"
        "    from airflow.sdk import DAG\n"
        "except ImportError:\n"
        "    from airflow import DAG\n"
        "try:\n"
        "    from airflow.providers.standard.operators.empty import EmptyOperator\n"
        "except ImportError:\n"
        "    from airflow.operators.empty import EmptyOperator\n"
        f"with DAG(dag_id={dag_id!r}, schedule=None, tags=['client-test'],\n"
        "         start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)):\n"
        "    EmptyOperator(task_id='nothing')\n"
    )


async def test_delete_a_dag(client: AsyncClient, server: ServerInfo, unique: str) -> None:
    dag_id = f"client_test_deletable_{unique}"
    path = server.dags_folder / f"{dag_id}.py"
    path.write_text(_deletable_dag(dag_id), encoding="utf-8")
    try:
        with anyio.fail_after(120):
            while True:
                try:
                    await client.dags.get(dag_id)
                    break
                except NotFoundError:
                    await anyio.sleep(1)
    finally:
        # Without its file the scheduler will not parse the DAG back in after the delete.
        path.unlink()
    await client.dags.delete(dag_id)
    with pytest.raises(NotFoundError):
        await client.dags.get(dag_id)
    with pytest.raises(NotFoundError):
        await client.dags.delete(dag_id)
