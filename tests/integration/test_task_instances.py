"""client.task_instances against the real server (Airflow 2.x or 3.x).

Each test runs unchanged on both; where the two servers answer differently, the
expectation for each is written out under ``if major == 2`` / ``else``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import anyio
import pytest

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnsupportedByServerError,
)
from airflow_client_async.models import TaskInstance, TaskInstanceHistory, TaskInstanceState

from ._runs import (
    airflow_major,
    airflow_minor,
    delete_run,
    delete_runs,
    start_runs,
    trigger,
    unpause,
    wait,
)
from ._server import ServerInfo

XCOM = "client_test_xcom"
MAPPED = "client_test_mapped"
SLOW = "client_test_slow_log"
PAUSED = "example_bash_operator"  # paused at creation: its triggered runs stay queued
LINKED = "example_external_task_marker_child"  # paused; child_task1 has an extra link
TICK = re.compile(r"tick \d+ of 8")


@pytest.fixture(scope="module")
def runs(server: ServerInfo) -> Iterator[dict[str, str]]:
    """One finished run each of the XCom DAG and the mapped DAG, deleted afterwards."""
    ids = start_runs(server, "client-test-ti", [XCOM, MAPPED])
    yield ids
    delete_runs(server, ids)


async def test_list_get_and_filters(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    page = await client.task_instances.list(XCOM, run_id)
    assert [ti.task_id for ti in page.items] == ["push"]
    assert page.total_entries == 1
    ti = await client.task_instances.get(XCOM, run_id, "push")
    assert isinstance(ti, TaskInstance)
    assert ti.state is TaskInstanceState.SUCCESS
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
    none_failed = await client.task_instances.list(XCOM, run_id, state=[TaskInstanceState.FAILED])
    assert none_failed.items == [] and none_failed.total_entries == 0

    # The run's logical date: Airflow 2 gives a manual run one (now); Airflow 3 none,
    # as it was triggered with logical_date null, so the filter leaves it out there.
    dated = await client.task_instances.list(
        XCOM, run_id, logical_date_lte=datetime.now(timezone.utc) + timedelta(minutes=1)
    )
    if await airflow_major(client) == 2:
        assert [t.task_id for t in dated.items] == ["push"]
    else:
        assert dated.items == []


async def test_airflow_3_filters(client: AsyncClient, runs: dict[str, str]) -> None:
    if await airflow_major(client) == 2:
        with pytest.raises(UnsupportedByServerError, match="task_id"):
            await client.task_instances.list(MAPPED, runs[MAPPED], task_id="double")
        return
    minor = await airflow_minor(client)
    if minor >= (3, 1):
        page = await client.task_instances.list(
            MAPPED, runs[MAPPED], task_id="double", map_index=[0, 2], order_by="-map_index"
        )
        assert [t.map_index for t in page.items] == [2, 0]
    else:
        with pytest.raises(UnsupportedByServerError, match="map_index") as caught:
            await client.task_instances.list(MAPPED, runs[MAPPED], map_index=[0, 2])
        assert caught.value.since == (3, 1)
        page = await client.task_instances.list(
            MAPPED, runs[MAPPED], task_id="double", order_by="-map_index"
        )
        assert [t.map_index for t in page.items] == [2, 1, 0]
    if minor >= (3, 3):
        by_pattern = await client.task_instances.list(
            "~", "~", dag_id_prefix_pattern="client_test_map", run_id_pattern=runs[MAPPED]
        )
        assert {(t.dag_id, t.task_id) for t in by_pattern.items} == {
            (MAPPED, "double"),
            (MAPPED, "total"),
        }
        return
    with pytest.raises(UnsupportedByServerError, match="dag_id_prefix_pattern") as caught:
        await client.task_instances.list("~", "~", dag_id_prefix_pattern="client_test_map")
    assert caught.value.since == (3, 3)
    if minor < (3, 2):
        with pytest.raises(UnsupportedByServerError, match="run_id_pattern") as caught:
            await client.task_instances.list("~", "~", run_id_pattern=runs[MAPPED])
        assert caught.value.since == (3, 2)
    # Every Airflow 3 matches the display name; "~" stands for every run.
    by_name = await client.task_instances.list(MAPPED, "~", task_display_name_pattern="tota")
    assert by_name.items and {t.task_id for t in by_name.items} == {"total"}
    assert runs[MAPPED] in {t.dag_run_id for t in by_name.items}


async def test_list_across_runs_in_pages(
    client: AsyncClient, runs: dict[str, str], unique: str
) -> None:
    # Two queued runs of a paused DAG add a dozen task instances, so the list is longer
    # than the server's maximum_page_limit whatever ran before.
    extra = [f"client-test-tis-{unique}-{n}" for n in range(2)]
    for run_id in extra:
        await trigger(client, PAUSED, run_id)
    try:
        first = await client.task_instances.list(limit=100)
        assert first.total_entries is not None and first.total_entries > 10
        if await airflow_major(client) == 2:
            # Unlike most lists, Airflow 2's ignores the server's maximum_page_limit.
            assert len(first.items) == min(first.total_entries, 100)
        else:
            assert 0 < len(first.items) <= 100
        paged = [t async for t in client.task_instances.list(limit=3)]
        keys = {(t.dag_id, t.dag_run_id, t.task_id, t.map_index) for t in paged}
        assert len(keys) == len(paged) >= first.total_entries
    finally:
        for run_id in extra:
            await delete_run(client, PAUSED, run_id)
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


async def test_batch_durations(client: AsyncClient, runs: dict[str, str]) -> None:
    pushed = await client.task_instances.get(XCOM, runs[XCOM], "push")
    assert pushed.duration is not None and pushed.duration % 1 > 0
    # A bound just above the duration, with the same whole seconds: cut to an integer,
    # it falls below the duration.
    whole = int(pushed.duration)
    bound = whole + (pushed.duration - whole + 1) / 2
    by_query = await client.task_instances.list(XCOM, runs[XCOM], duration_lte=bound)
    assert [t.task_id for t in by_query.items] == ["push"]
    by_body = await client.task_instances.list_batch(
        dag_ids=[XCOM], dag_run_ids=[runs[XCOM]], duration_lte=bound
    )
    if await airflow_major(client) == 2:
        # Airflow 2 reads the body's durations as integers: the instance no longer matches.
        assert by_body.items == []
    else:
        assert [t.task_id for t in by_body.items] == ["push"]


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
    one = await client.task_instances.get(MAPPED, run_id, "double", map_index=1)
    assert one.map_index == 1 and one.state is TaskInstanceState.SUCCESS
    assert one.rendered_fields is not None and one.rendered_fields["op_kwargs"] == {"item": 2}
    with pytest.raises(NotFoundError):
        await client.task_instances.get(MAPPED, run_id, "double", map_index=7)


async def test_mapped_dependencies_tries_notes_and_state(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    run_id = runs[MAPPED]
    deps = await client.task_instances.list_dependencies(MAPPED, run_id, "double", map_index=2)
    assert deps.items == [] and deps.total_entries == 0
    tries = await client.task_instances.list_tries(MAPPED, run_id, "double", map_index=2)
    assert [(t.map_index, t.try_number) for t in tries.items] == [(2, 1)]
    detail = await client.task_instances.get_try(MAPPED, run_id, "double", 1, map_index=2)
    assert isinstance(detail, TaskInstanceHistory)
    assert detail.map_index == 2 and detail.state is TaskInstanceState.SUCCESS

    noted = await client.task_instances.update(MAPPED, run_id, "double", map_index=2, note="map ✓")
    assert [(t.note, t.map_index) for t in noted] == [("map ✓", 2)]
    assert (await client.task_instances.get(MAPPED, run_id, "double", map_index=2)).note == "map ✓"

    dry = await client.task_instances.update(
        MAPPED, run_id, "double", map_index=2, state="success", dry_run=True
    )
    assert all((t.dag_id, t.task_id, t.map_index) == (MAPPED, "double", 2) for t in dry)
    if await airflow_major(client) == 2:
        # Airflow 2's preview names the instance even when its state would not change.
        assert len(dry) == 1
        # A real change to the state it has takes the server's real path and changes nothing.
        done = await client.task_instances.update(
            MAPPED, run_id, "double", map_index=2, state="success"
        )
        assert [(t.task_id, t.map_index, t.state) for t in done] == [
            ("double", 2, TaskInstanceState.SUCCESS)
        ]
    else:
        # Airflow 3 refuses to set the state an instance already has.
        with pytest.raises(ConflictError, match="already in success"):
            await client.task_instances.update(
                MAPPED, run_id, "double", map_index=2, state="success"
            )


async def test_dependencies_tries_and_try_details(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    run_id = runs[XCOM]
    assert await client.task_instances.list_dependencies(XCOM, run_id, "push").to_list() == []
    tries = await client.task_instances.list_tries(XCOM, run_id, "push").to_list()
    assert [(t.task_id, t.try_number, str(t.state)) for t in tries] == [("push", 1, "success")]
    detail = await client.task_instances.get_try(XCOM, run_id, "push", 1)
    assert detail.try_number == 1 and detail.hostname
    with pytest.raises(NotFoundError):
        await client.task_instances.get_try(XCOM, run_id, "push", 9)


async def test_tries_are_sent_whole_whatever_the_paging(
    client: AsyncClient, runs: dict[str, str]
) -> None:
    # Why list_tries pages on the client: Airflow 2 ignores the limit, offset and
    # order_by its spec declares here, and Airflow 3 takes none (unknown ones are ignored).
    body = await client.request(
        "GET",
        "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}/tries",
        path_params={"dag_id": XCOM, "dag_run_id": runs[XCOM], "task_id": "push"},
        params={"limit": 1, "offset": 5, "order_by": "nonsense"},
    )
    assert isinstance(body, dict)
    assert "task_instances_history" not in body
    tries = body["task_instances"]
    assert isinstance(tries, list)
    assert [t["try_number"] for t in tries if isinstance(t, dict)] == [1]
    assert body["total_entries"] == 1


async def test_waiting_instance_dependencies_and_state_changes(
    client: AsyncClient, unique: str
) -> None:
    run_id = f"client-test-ti-state-{unique}"
    await trigger(client, PAUSED, run_id)
    try:
        waiting = await client.task_instances.get(PAUSED, run_id, "runme_0")
        assert waiting.state is None and waiting.duration is None
        deps = client.task_instances.list_dependencies(PAUSED, run_id, "run_after_loop")
        assert all(d.name and d.reason for d in await deps.to_list())

        dry = await client.task_instances.update(
            PAUSED, run_id, "runme_0", state="failed", dry_run=True
        )
        assert [(t.dag_id, t.dag_run_id, t.task_id) for t in dry] == [(PAUSED, run_id, "runme_0")]
        assert (await client.task_instances.get(PAUSED, run_id, "runme_0")).state is None

        done = await client.task_instances.update(PAUSED, run_id, "runme_0", state="failed")
        assert [(t.task_id, t.state) for t in done] == [("runme_0", TaskInstanceState.FAILED)]
        after = await client.task_instances.get(PAUSED, run_id, "runme_0")
        assert after.state is TaskInstanceState.FAILED

        # Airflow 2 answers 400 and Airflow 3 422, which is a BadRequestError too.
        with pytest.raises(BadRequestError, match="success"):
            await client.task_instances.update(PAUSED, run_id, "runme_0", state="running")
        with pytest.raises(NotFoundError):
            await client.task_instances.update(
                PAUSED, run_id, "no_such_task", state="success", dry_run=True
            )

        noted = await client.task_instances.update(PAUSED, run_id, "runme_0", note="checked ✓")
        assert [t.note for t in noted] == ["checked ✓"]
        assert (await client.task_instances.get(PAUSED, run_id, "runme_0")).note == "checked ✓"

        both = await client.task_instances.update(
            PAUSED, run_id, "runme_1", state="skipped", note="skipped by hand"
        )
        assert [(t.task_id, t.state, t.note) for t in both] == [
            ("runme_1", TaskInstanceState.SKIPPED, "skipped by hand")
        ]

        related = await client.task_instances.update(
            PAUSED, run_id, "runme_2", state="success", include_downstream=True
        )
        changed = {t.task_id for t in related}
        after_2 = await client.task_instances.get(PAUSED, run_id, "run_after_loop")
        assert after_2.state is TaskInstanceState.SUCCESS
        if await airflow_major(client) == 2:
            # Airflow 2 lists every instance it changed.
            assert {"runme_2", "run_after_loop"} <= changed
        else:
            # Airflow 3's answer lists the instances of the task itself.
            assert changed == {"runme_2"}
    finally:
        await delete_run(client, PAUSED, run_id)


async def test_clear(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    would = await client.task_instances.clear(
        XCOM, dag_run_id=run_id, task_ids=["push"], only_failed=False
    )
    assert [(t.dag_id, t.dag_run_id, t.task_id) for t in would] == [(XCOM, run_id, "push")]
    assert all(isinstance(t, TaskInstance) for t in would)
    # A dry run changed nothing.
    assert (
        await client.task_instances.get(XCOM, run_id, "push")
    ).state is TaskInstanceState.SUCCESS
    nothing_failed = await client.task_instances.clear(XCOM, dag_run_id=run_id)
    assert nothing_failed == []
    if await airflow_major(client) == 2:
        with pytest.raises(UnsupportedByServerError, match="map indexes"):
            await client.task_instances.clear(MAPPED, task_ids=[("double", 1)])
    else:
        one = await client.task_instances.clear(
            MAPPED, dag_run_id=runs[MAPPED], task_ids=[("double", 1)], only_failed=False
        )
        assert [(t.task_id, t.map_index) for t in one] == [("double", 1)]


async def test_clear_for_real_runs_the_task_again(client: AsyncClient, unique: str) -> None:
    run_id = f"client-test-clear-{unique}"
    await unpause(client, XCOM)
    await trigger(client, XCOM, run_id)
    try:
        assert await wait(client, XCOM, run_id) == "success"
        cleared = await client.task_instances.clear(
            XCOM, dag_run_id=run_id, only_failed=False, reset_dag_runs=True, dry_run=False
        )
        assert [t.task_id for t in cleared] == ["push"]
        assert await wait(client, XCOM, run_id) == "success"
        tries = await client.task_instances.list_tries(XCOM, run_id, "push").to_list()
        assert [t.try_number for t in tries] == [1, 2]
    finally:
        await delete_run(client, XCOM, run_id)


async def test_airflow_3_only_methods(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[MAPPED]
    if await airflow_major(client) == 2:
        for call in (
            client.task_instances.delete(MAPPED, run_id, "total"),
            client.task_instances.bulk(MAPPED, run_id, delete=["total"]),
            client.task_instances.update_group(MAPPED, run_id, "g", state="success"),
            client.task_instances.get_external_log_url(MAPPED, run_id, "total", 1),
        ):
            with pytest.raises(UnsupportedByServerError, match="only Airflow 3"):
                await call
        return
    if await airflow_minor(client) < (3, 1):
        with pytest.raises(UnsupportedByServerError, match=r"needs Airflow 3\.1"):
            await client.task_instances.bulk(MAPPED, run_id, delete=["total"])
        return
    result = await client.task_instances.bulk(
        MAPPED,
        run_id,
        update=[
            {"task_id": "double", "map_index": 0, "note": "bulk note"},
            {"task_id": "double", "note": "every map index"},
        ],
        update_mask=["note"],
    )
    assert result.ok, result.failed
    assert [e.key for e in result.entities] == [
        f"{MAPPED}.{run_id}.double[0]",
        f"{MAPPED}.{run_id}.double",
    ]
    notes = [t.note async for t in client.task_instances.list_mapped(MAPPED, run_id, "double")]
    assert notes == ["every map index"] * 3
    missing = await client.task_instances.bulk(
        MAPPED, run_id, update=[{"task_id": "double", "map_index": 9, "note": "x"}]
    )
    assert [(e.ok, e.status_code) for e in missing.entities] == [(False, 404)]


async def test_extra_links(client: AsyncClient, runs: dict[str, str], unique: str) -> None:
    assert await client.task_instances.get_extra_links(XCOM, runs[XCOM], "push") == {}
    links = await client.task_instances.get_extra_links(MAPPED, runs[MAPPED], "double", map_index=0)
    assert links == {}
    run_id = f"client-test-links-{unique}"
    await trigger(client, LINKED, run_id)
    try:
        linked = await client.task_instances.get_extra_links(LINKED, run_id, "child_task1")
        assert list(linked) == ["External DAG"]
        url = linked["External DAG"]
        # Airflow 3 builds the link only once the task has run; until then it is null.
        assert url is None or "example_external_task_marker_parent" in url
    finally:
        await delete_run(client, LINKED, run_id)


async def test_log_as_json_and_as_text(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    major = await airflow_major(client)
    log = await client.task_instances.get_log(XCOM, run_id, "push", 1)
    returned = "Done. Returned value was: {'numbers': [1, 2, 3], 'text': 'client-test'}"
    assert "::group::Log message source details" in log.text.splitlines()[0]
    if major == 2:
        assert log.text.startswith(" INFO - ::group::Log message source details\n")
        assert returned in log.text
        assert not log.text.startswith("[(")  # the repr was unpacked
        assert log.events == ()
        assert log.continuation_token
        rest = await client.task_instances.get_log(
            XCOM, run_id, "push", 1, token=log.continuation_token
        )
        assert rest.text == ""  # the try has ended: nothing was written since
    else:
        assert log.events[0].event == "::group::Log message source details"
        assert any(e.timestamp is not None and e.level for e in log.events)
        # The try has ended: Airflow 3 sends no token to read on from.
        assert log.continuation_token is None

    text = await client.task_instances.get_log_text(XCOM, run_id, "push", 1)
    if major == 2:
        assert returned in text
        body = log.text.split(" INFO - ::endgroup::\n", 1)[1]
        assert body.splitlines()[0] in text
    else:
        assert text == log.text

    mapped = await client.task_instances.get_log(MAPPED, runs[MAPPED], "double", 1, map_index=1)
    assert "doubling 2" in mapped.text
    mapped_text = await client.task_instances.get_log_text(
        MAPPED, runs[MAPPED], "double", 1, map_index=2, full_content=True
    )
    assert "doubling 3" in mapped_text

    if major == 2:
        invalid = await client.task_instances.get_log(XCOM, run_id, "push", 0)
        assert invalid.text == "Error fetching the logs. Try number 0 is invalid."
    else:
        with pytest.raises(NotFoundError):
            await client.task_instances.get_log(XCOM, run_id, "push", 0)
    with pytest.raises(BadRequestError, match="Signature"):
        await client.task_instances.get_log(XCOM, run_id, "push", 1, token="forged")
    with pytest.raises(NotFoundError):
        await client.task_instances.get_log(XCOM, "no-such-run", "push", 1)


async def test_stream_log_of_a_finished_try(client: AsyncClient, runs: dict[str, str]) -> None:
    run_id = runs[XCOM]
    if await airflow_major(client) == 2:
        with pytest.raises(UnsupportedByServerError):
            async for _ in client.task_instances.stream_log(XCOM, run_id, "push", 1):
                pass
        return
    events = [e async for e in client.task_instances.stream_log(XCOM, run_id, "push", 1)]
    assert events[0].event == "::group::Log message source details"
    assert any("Returned value was" in e.event for e in events)
    # The stream holds what the JSON answer holds.
    whole = await client.task_instances.get_log(XCOM, run_id, "push", 1)
    assert [e.event for e in events] == [e.event for e in whole.events]
    mapped = [
        e.event
        async for e in client.task_instances.stream_log(
            MAPPED, runs[MAPPED], "double", 1, map_index=1
        )
    ]
    assert any("doubling 2" in event for event in mapped)


async def test_follow_log_of_a_running_task(client: AsyncClient, unique: str) -> None:
    await unpause(client, SLOW)
    run_id = f"client-test-follow-{unique}"
    await trigger(client, SLOW, run_id)
    try:
        # The scheduler creates a run's task instances after the trigger returns.
        with anyio.fail_after(120):
            while True:
                try:
                    await client.task_instances.get(SLOW, run_id, "tick")
                    break
                except NotFoundError:
                    await anyio.sleep(0.5)
        # From here, follow_log waits for try 1 to begin.
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
        assert (
            await client.task_instances.get(SLOW, run_id, "tick")
        ).state is TaskInstanceState.SUCCESS
        # Nothing the task wrote was left out: the whole log holds the same tick lines.
        full = await client.task_instances.get_log(SLOW, run_id, "tick", 1)
        assert TICK.findall(full.text) == TICK.findall(whole)
        await wait(client, SLOW, run_id)
    finally:
        await delete_run(client, SLOW, run_id)


async def test_missing_instance_is_not_found(client: AsyncClient, runs: dict[str, str]) -> None:
    with pytest.raises(NotFoundError):
        await client.task_instances.get(XCOM, runs[XCOM], "no_such_task")
    with pytest.raises(NotFoundError):
        await client.task_instances.get_extra_links(XCOM, runs[XCOM], "no_such_task")
