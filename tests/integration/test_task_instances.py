"""client.task_instances against the real server."""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from typing import TypeVar

import pytest

from airflow_client_async import AsyncClient, BadRequestError, NotFoundError
from airflow_client_async.models import TaskInstance, TaskInstanceHistory, TaskState

from ._server import ServerInfo

T = TypeVar("T")

XCOM = "client_test_xcom"
MAPPED = "client_test_mapped"
SLOW = "client_test_slow_log"
PAUSED = "example_bash_operator"  # paused at creation: its triggered runs stay queued
LINKED = "example_external_task_marker_child"  # paused; child_task1 has an extra link
TICK = re.compile(r"tick \d+ of 8")


def run_apart(server: ServerInfo, work: Callable[[AsyncClient], Awaitable[T]]) -> T:
    """Run ``work`` with its own client on an event loop of its own thread.

    Module fixtures use it, so the tests' own loops never see their client.
    """

    async def main() -> T:
        async with AsyncClient(server.base_url, auth=server.admin.as_tuple()) as api:
            return await work(api)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


@pytest.fixture(scope="module")
def runs(server: ServerInfo) -> Iterator[dict[str, str]]:
    """One finished run each of the XCom DAG and the mapped DAG, deleted afterwards."""
    suffix = uuid.uuid4().hex[:8]
    ids = {XCOM: f"client-test-ti-{suffix}", MAPPED: f"client-test-ti-{suffix}"}

    async def start(api: AsyncClient) -> None:
        for dag_id, run_id in ids.items():
            await api.dags.unpause(dag_id)
            await api.dag_runs.trigger(dag_id, dag_run_id=run_id)
        for dag_id, run_id in ids.items():
            assert str((await api.dag_runs.wait(dag_id, run_id, timeout=120)).state) == "success"

    async def clean(api: AsyncClient) -> None:
        for dag_id, run_id in ids.items():
            await api.dag_runs.delete(dag_id, run_id)

    run_apart(server, start)
    yield ids
    run_apart(server, clean)


async def test_list_get_and_filters(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    page = await client.task_instances.list(XCOM, run_id)
    assert [ti.task_id for ti in page.items] == ["push"]
    assert page.total_entries == 1
    ti = await client.task_instances.get(XCOM, run_id, "push")
    assert isinstance(ti, TaskInstance)
    assert ti.state is TaskState.SUCCESS
    assert ti.try_number == 1 and ti.map_index == -1
    assert ti.duration is not None and ti.start_date is not None
    assert ti.start_date.tzinfo is not None

    an_hour_ago = datetime.now(timezone.utc) - timedelta(hours=1)
    narrowed = await client.task_instances.list(
        XCOM,
        run_id,
        state=["success"],
        start_date_gte=an_hour_ago,
        duration_lte=60.5,
        pool=["default_pool"],
        queue=["default"],
    )
    assert [t.task_id for t in narrowed.items] == ["push"]
    none_failed = await client.task_instances.list(XCOM, run_id, state=[TaskState.FAILED])
    assert none_failed.items == [] and none_failed.total_entries == 0


async def test_list_across_runs_in_pages(
    client: AsyncClient, runs: dict[str, str], unique: str
) -> None:
    # Two queued runs of a paused DAG add a dozen task instances, so the list is longer
    # than the server's maximum_page_limit (10 here) whatever ran before.
    extra = [f"client-test-tis-{unique}-{n}" for n in range(2)]
    for run_id in extra:
        await client.dag_runs.trigger("example_bash_operator", dag_run_id=run_id)
    try:
        first = await client.task_instances.list(limit=100)
        assert first.total_entries is not None and first.total_entries > 10
        # Unlike most lists, this one ignores the server's maximum_page_limit.
        assert len(first.items) == min(first.total_entries, 100)
        paged = [t async for t in client.task_instances.list(limit=3)]
        keys = {(t.dag_id, t.dag_run_id, t.task_id, t.map_index) for t in paged}
        assert len(keys) == len(paged) >= first.total_entries
    finally:
        for run_id in extra:
            await client.dag_runs.delete("example_bash_operator", run_id)
    ours = [
        (t.dag_id, t.task_id, t.map_index)
        async for t in client.task_instances.list(MAPPED, runs[MAPPED], limit=2)
    ]
    assert sorted(ours) == [
        (MAPPED, "double", 0),
        (MAPPED, "double", 1),
        (MAPPED, "double", 2),
        (MAPPED, "total", -1),
    ]


async def test_list_batch_pages_through_the_body(client: AsyncClient, runs: dict[str, str]) -> None:
    batch = client.task_instances.list_batch(
        dag_ids=[MAPPED, XCOM], dag_run_ids=list(runs.values()), state=["success"], limit=3
    )
    got = sorted([(t.dag_id or "", t.task_id or "", t.map_index) async for t in batch])
    assert got == [
        (MAPPED, "double", 0),
        (MAPPED, "double", 1),
        (MAPPED, "double", 2),
        (MAPPED, "total", -1),
        (XCOM, "push", -1),
    ]
    only = await client.task_instances.list_batch(
        dag_ids=[XCOM], dag_run_ids=[runs[XCOM]], task_ids=["push"], duration_gte=0
    )
    assert [t.task_id for t in only.items] == ["push"]


async def test_batch_durations_are_whole_seconds(client: AsyncClient, runs: dict[str, str]) -> None:
    # The query form reads 0.9 as it is; the batch body form cuts it to 0, so the
    # instance (which ran for a fraction of a second, more than 0) no longer matches.
    pushed = await client.task_instances.get(XCOM, runs[XCOM], "push")
    assert pushed.duration is not None and 0 < pushed.duration < 0.9
    by_query = await client.task_instances.list(XCOM, runs[XCOM], duration_lte=0.9)
    assert [t.task_id for t in by_query.items] == ["push"]
    by_body = await client.task_instances.list_batch(
        dag_run_ids=[runs[XCOM]],
        duration_lte=0.9,  # type: ignore[arg-type]
    )
    assert by_body.items == []


async def test_mapped_instances(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[MAPPED]
    with pytest.raises(NotFoundError, match="mapped"):
        await client.task_instances.get(MAPPED, run_id, "double")
    mapped = [
        t.map_index
        async for t in client.task_instances.list_mapped(MAPPED, run_id, "double", limit=2)
    ]
    assert mapped == [0, 1, 2]
    reverse = await client.task_instances.list_mapped(
        MAPPED, run_id, "double", order_by="-map_index", state=["success"]
    )
    assert [t.map_index for t in reverse.items] == [2, 1, 0]
    assert reverse.total_entries == 3
    one = await client.task_instances.get_mapped(MAPPED, run_id, "double", 1)
    assert one.map_index == 1 and one.state is TaskState.SUCCESS
    assert one.rendered_fields is not None and one.rendered_fields["op_kwargs"] == {"item": 2}
    with pytest.raises(NotFoundError):
        await client.task_instances.get_mapped(MAPPED, run_id, "double", 7)


async def test_mapped_dependencies_tries_notes_and_state(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    run_id = runs[MAPPED]
    deps = await client.task_instances.get_mapped_dependencies(MAPPED, run_id, "double", 2)
    assert deps == []
    tries = await client.task_instances.list_mapped_tries(MAPPED, run_id, "double", 2)
    assert [(t.map_index, t.try_number) for t in tries] == [(2, 1)]
    detail = await client.task_instances.get_mapped_try(MAPPED, run_id, "double", 2, 1)
    assert isinstance(detail, TaskInstanceHistory)
    assert detail.map_index == 2 and detail.state is TaskState.SUCCESS

    noted = await client.task_instances.set_mapped_note(MAPPED, run_id, "double", 2, "map ✓")
    assert noted.note == "map ✓" and noted.map_index == 2
    assert (await client.task_instances.get_mapped(MAPPED, run_id, "double", 2)).note == "map ✓"

    dry = await client.task_instances.set_mapped_state(
        MAPPED, run_id, "double", 2, new_state="success"
    )
    assert (dry.dag_id, dry.dag_run_id, dry.task_id) == (MAPPED, run_id, "double")
    assert dry.execution_date is not None
    # Already a success: a real call changes nothing but takes the server's real path.
    done = await client.task_instances.set_mapped_state(
        MAPPED, run_id, "double", 2, new_state="success", dry_run=False
    )
    assert (done.dag_id, done.dag_run_id, done.task_id) == (MAPPED, run_id, "double")
    assert done.execution_date is None  # the server answered {}


async def test_dependencies_tries_and_try_details(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    run_id = runs[XCOM]
    assert await client.task_instances.get_dependencies(XCOM, run_id, "push") == []
    tries = await client.task_instances.list_tries(XCOM, run_id, "push")
    assert [(t.task_id, t.try_number, str(t.state)) for t in tries] == [("push", 1, "success")]
    detail = await client.task_instances.get_try(XCOM, run_id, "push", 1)
    assert detail.try_number == 1 and detail.hostname
    with pytest.raises(NotFoundError):
        await client.task_instances.get_try(XCOM, run_id, "push", 9)


async def test_tries_are_sent_as_task_instances_and_paging_is_ignored(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    path = f"/dags/{XCOM}/dagRuns/{runs[XCOM]}/taskInstances/push/tries"
    body = await client._http.request_json(
        "GET", path, params=[("limit", "1"), ("offset", "5"), ("order_by", "nonsense")]
    )
    assert "task_instances_history" not in body
    assert [t["try_number"] for t in body["task_instances"]] == [1]
    assert body["total_entries"] == 1


async def test_waiting_instance_dependencies_and_state_changes(
    client: AsyncClient, unique: str
) -> None:
    run_id = f"client-test-ti-state-{unique}"
    await client.dag_runs.trigger(PAUSED, dag_run_id=run_id)
    try:
        waiting = await client.task_instances.get(PAUSED, run_id, "runme_0")
        assert waiting.state is None and waiting.duration is None
        deps = await client.task_instances.get_dependencies(PAUSED, run_id, "run_after_loop")
        assert all(d.name and d.reason for d in deps)

        dry = await client.task_instances.set_state(PAUSED, run_id, "runme_0", new_state="failed")
        assert (dry.dag_id, dry.dag_run_id, dry.task_id) == (PAUSED, run_id, "runme_0")
        assert dry.execution_date is not None
        assert (await client.task_instances.get(PAUSED, run_id, "runme_0")).state is None

        done = await client.task_instances.set_state(
            PAUSED, run_id, "runme_0", new_state="failed", dry_run=False
        )
        assert (done.dag_id, done.dag_run_id, done.task_id) == (PAUSED, run_id, "runme_0")
        after = await client.task_instances.get(PAUSED, run_id, "runme_0")
        assert after.state is TaskState.FAILED

        with pytest.raises(BadRequestError, match="new_state"):
            await client.task_instances.set_state(
                PAUSED, run_id, "runme_0", new_state="running", dry_run=False
            )
        with pytest.raises(NotFoundError):
            await client.task_instances.set_state(
                PAUSED, run_id, "no_such_task", new_state="success"
            )

        noted = await client.task_instances.set_note(PAUSED, run_id, "runme_0", "checked ✓")
        assert noted.note == "checked ✓"
        assert (await client.task_instances.get(PAUSED, run_id, "runme_0")).note == "checked ✓"
    finally:
        await client.dag_runs.delete(PAUSED, run_id)


async def test_extra_links(client: AsyncClient, runs: dict[str, str], unique: str) -> None:
    assert await client.task_instances.get_extra_links(XCOM, runs[XCOM], "push") == {}
    links = await client.task_instances.get_extra_links(MAPPED, runs[MAPPED], "double", map_index=0)
    assert links == {}
    run_id = f"client-test-links-{unique}"
    await client.dag_runs.trigger(LINKED, dag_run_id=run_id)
    try:
        linked = await client.task_instances.get_extra_links(LINKED, run_id, "child_task1")
        assert list(linked) == ["External DAG"]
        assert (linked["External DAG"] or "").startswith(
            "/dags/example_external_task_marker_parent/grid"
        )
    finally:
        await client.dag_runs.delete(LINKED, run_id)


async def test_log_as_json_and_as_text(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    log = await client.task_instances.get_log(XCOM, run_id, "push", 1)
    assert log.text.startswith(" INFO - ::group::Log message source details\n")
    assert "Done. Returned value was: {'numbers': [1, 2, 3], 'text': 'client-test'}" in log.text
    assert not log.text.startswith("[(")  # the repr was unpacked
    assert log.continuation_token
    rest = await client.task_instances.get_log(
        XCOM, run_id, "push", 1, token=log.continuation_token
    )
    assert rest.text == ""  # the try has ended: nothing was written since

    text = await client.task_instances.get_log_text(XCOM, run_id, "push", 1)
    assert "Done. Returned value was: {'numbers': [1, 2, 3], 'text': 'client-test'}" in text
    body = log.text.split(" INFO - ::endgroup::\n", 1)[1]
    assert body.splitlines()[0] in text

    mapped = await client.task_instances.get_log(MAPPED, runs[MAPPED], "double", 1, map_index=1)
    assert "doubling 2" in mapped.text
    mapped_text = await client.task_instances.get_log_text(
        MAPPED, runs[MAPPED], "double", 1, map_index=2, full_content=True
    )
    assert "doubling 3" in mapped_text

    invalid = await client.task_instances.get_log(XCOM, run_id, "push", 0)
    assert invalid.text == "Error fetching the logs. Try number 0 is invalid."
    with pytest.raises(BadRequestError, match="Signature"):
        await client.task_instances.get_log(XCOM, run_id, "push", 1, token="forged")
    with pytest.raises(NotFoundError):
        await client.task_instances.get_log(XCOM, "no-such-run", "push", 1)


async def test_follow_log_of_a_running_task(client: AsyncClient, unique: str) -> None:
    await client.dags.unpause(SLOW)
    run_id = f"client-test-follow-{unique}"
    await client.dag_runs.trigger(SLOW, dag_run_id=run_id)
    try:
        arrivals: list[tuple[float, str]] = []
        async for chunk in client.task_instances.follow_log(
            SLOW, run_id, "tick", 1, poll_interval=0.5
        ):
            arrivals.append((time.monotonic(), chunk))
        whole = "".join(chunk for _, chunk in arrivals)
        for number in range(1, 9):
            assert whole.count(f"tick {number} of 8") == 1, whole
        assert whole.count("::group::Log message source details") == 1
        with_ticks = [at for at, chunk in arrivals if TICK.search(chunk)]
        # The ticks came in several reads spread over the task's ~8 s, not in one.
        assert len(with_ticks) >= 3
        assert with_ticks[-1] - with_ticks[0] >= 3.0
        assert (await client.task_instances.get(SLOW, run_id, "tick")).state is TaskState.SUCCESS
        # Nothing the task wrote was left out: the whole log holds the same tick lines.
        full = await client.task_instances.get_log(SLOW, run_id, "tick", 1)
        assert TICK.findall(full.text) == TICK.findall(whole)
        await client.dag_runs.wait(SLOW, run_id, timeout=120)
    finally:
        await client.dag_runs.delete(SLOW, run_id)


async def test_missing_instance_is_not_found(client: AsyncClient, runs: dict[str, str]) -> None:
    with pytest.raises(NotFoundError):
        await client.task_instances.get(XCOM, runs[XCOM], "no_such_task")
    with pytest.raises(NotFoundError):
        await client.task_instances.get_extra_links(XCOM, runs[XCOM], "no_such_task")
