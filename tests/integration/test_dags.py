"""client.dags against the real server."""

from __future__ import annotations

import anyio
import pytest

from airflow_client_async import AsyncClient, BadRequestError, NotFoundError
from airflow_client_async.models import DAG, CronExpression, DAGDetail

from ._server import ServerInfo

FAST = "client_test_fast"


async def test_iterating_dags_goes_past_the_server_page_cap(client: AsyncClient) -> None:
    first = await client.dags.list(limit=100)
    # The test server caps pages at 10 items whatever the limit asked for.
    assert len(first.items) == 10
    assert first.total_entries is not None and first.total_entries > 20
    ids = [dag.dag_id async for dag in client.dags.list(limit=100)]
    assert len(ids) == first.total_entries
    assert len(set(ids)) == len(ids)
    assert FAST in ids and "example_bash_operator" in ids


async def test_list_filters(client: AsyncClient) -> None:
    ours = [dag.dag_id async for dag in client.dags.list(tags=["client-test"], order_by="dag_id")]
    assert FAST in ours
    assert ours == sorted(ours)
    assert all(d.startswith("client_test_") for d in ours)
    page = await client.dags.list(dag_id_pattern="client_test_f%", fields=["dag_id", "is_paused"])
    assert [d.dag_id for d in page.items] == [FAST]
    assert page.items[0].fileloc is None  # not among the fields asked for


async def test_get_and_details(client: AsyncClient) -> None:
    dag = await client.dags.get("example_bash_operator")
    assert isinstance(dag, DAG)
    assert isinstance(dag.schedule_interval, CronExpression)
    assert dag.file_token
    detail = await client.dags.get_details("example_bash_operator")
    assert isinstance(detail, DAGDetail)
    assert detail.dag_id == "example_bash_operator"
    assert detail.start_date is not None and detail.start_date.tzinfo is not None
    assert detail.params is not None and "example_key" in detail.params


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
    result = await client.dags.update_many("example_branch%", is_paused=True)
    assert result.dags
    assert all(
        d.dag_id.startswith("example_branch") and d.is_paused for d in result.dags if d.dag_id
    )


async def test_tasks(client: AsyncClient) -> None:
    tasks = await client.dags.list_tasks("example_bash_operator", order_by="task_id")
    ids = [t.task_id for t in tasks]
    assert "runme_0" in ids and ids == sorted(ids)
    task = await client.dags.get_task("example_bash_operator", "runme_0")
    assert task.task_id == "runme_0"
    assert task.downstream_task_ids == ["run_after_loop"]
    assert task.class_ref is not None and task.class_ref.class_name == "BashOperator"


async def test_set_state_and_clear_task_instances(client: AsyncClient, unique: str) -> None:
    dag_id, run_id = "example_bash_operator", f"client-test-ti-{unique}"
    await client.dag_runs.trigger(dag_id, dag_run_id=run_id)  # paused: stays queued
    try:
        dry = await client.dags.set_task_instances_state(
            dag_id, task_id="runme_0", dag_run_id=run_id, new_state="success"
        )
        assert [(r.task_id, r.dag_run_id) for r in dry] == [("runme_0", run_id)]
        # A dry run changed nothing, so the same call still lists it.
        done = await client.dags.set_task_instances_state(
            dag_id,
            task_id="runme_0",
            dag_run_id=run_id,
            new_state="success",
            include_downstream=True,
            dry_run=False,
        )
        assert {r.task_id for r in done} == {"runme_0", "run_after_loop", "run_this_last"}

        would_clear = await client.dags.clear_task_instances(
            dag_id, dag_run_id=run_id, only_failed=False, task_ids=["runme_0"]
        )
        assert [r.task_id for r in would_clear] == ["runme_0"]
        cleared = await client.dags.clear_task_instances(
            dag_id, dag_run_id=run_id, only_failed=False, task_ids=["runme_0"], dry_run=False
        )
        assert [r.task_id for r in cleared] == ["runme_0"]
    finally:
        await client.dag_runs.delete(dag_id, run_id)


async def test_set_state_of_a_missing_run_is_not_found(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError, match="no-such-run"):
        await client.dags.set_task_instances_state(
            FAST, task_id="say_hello", dag_run_id="no-such-run", new_state="success"
        )


async def test_missing_dag_is_not_found(client: AsyncClient) -> None:
    with pytest.raises(NotFoundError) as caught:
        await client.dags.get("no_such_dag")
    assert caught.value.status == 404
    assert "no_such_dag" in (caught.value.detail or "")


async def test_bad_order_by_is_a_bad_request(client: AsyncClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        await client.dags.list(order_by="no_such_column")
    assert "no_such_column" in str(caught.value)


async def test_delete_a_dag(client: AsyncClient, server: ServerInfo, unique: str) -> None:
    dag_id = f"client_test_deletable_{unique}"
    path = server.dags_folder / f"{dag_id}.py"
    path.write_text(
        "import datetime\n"
        "from airflow import DAG\n"
        "from airflow.operators.empty import EmptyOperator\n"
        f"with DAG(dag_id={dag_id!r}, schedule=None, tags=['client-test'],\n"
        "         start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)):\n"
        "    EmptyOperator(task_id='nothing')\n",
        encoding="utf-8",
    )
    try:
        with anyio.fail_after(90):
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
