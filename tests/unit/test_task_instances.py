"""client.task_instances against a respx router."""

from __future__ import annotations

import json
import pathlib
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import respx

from airflow_client_async import (
    AsyncClient,
    BadRequestError,
    NotFoundError,
    ResponseValidationError,
)
from airflow_client_async.models import (
    TaskInstance,
    TaskInstanceHistory,
    TaskInstanceReference,
    TaskState,
    UpdateTaskState,
)
from airflow_client_async.resources.task_instances import TaskLog

from . import payloads

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures"
RUN = "/dags/d/dagRuns/r/taskInstances"


def captured(operation_id: str) -> Any:
    """The body a real Airflow 2.11.2 server sent for ``operation_id``."""
    return json.loads((FIXTURES / f"{operation_id}.json").read_text(encoding="utf-8"))["body"]


def instance(task_id: str = "t", **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = dict(captured("get_task_instance"))
    body.update(dag_id="d", dag_run_id="r", task_id=task_id, task_display_name=task_id)
    body.update(overrides)
    return body


def waiting(task_id: str = "t") -> dict[str, Any]:
    """A task instance of a queued run: no state, no dates, no duration yet."""
    return instance(
        task_id,
        state=None,
        duration=None,
        start_date=None,
        end_date=None,
        queued_when=None,
        pid=None,
        hostname="",
        try_number=0,
        rendered_fields={},
    )


def log_body(*chunks: tuple[str, str], token: str | None = "tok") -> dict[str, Any]:
    body: dict[str, Any] = {"content": repr(list(chunks))}
    if token is not None:
        body["continuation_token"] = token
    return body


# -- lists ------------------------------------------------------------------------------


async def test_list_defaults_to_every_run_and_sends_the_filters(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    items = [instance(f"t{n}") for n in range(5)]

    def answer(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["offset"])
        return httpx.Response(
            200, json={"task_instances": items[offset : offset + 2], "total_entries": 5}
        )

    route = router.get("/dags/~/dagRuns/~/taskInstances").mock(side_effect=answer)
    since = datetime(2024, 1, 1, tzinfo=timezone(timedelta(hours=2)))
    ids = [
        t.task_id
        async for t in client.task_instances.list(
            limit=2,
            start_date_gte=since,
            end_date_lte="2024-02-01T00:00:00Z",
            updated_at_gte=since,
            duration_gte=0.5,
            state=[TaskState.SUCCESS, "none"],
            pool=["p1", "p2"],
            queue=["default"],
            executor=["LocalExecutor"],
        )
    ]
    assert ids == [f"t{n}" for n in range(5)]
    assert [c.request.url.params["offset"] for c in route.calls] == ["0", "2", "4"]
    params = route.calls.last.request.url.params
    assert params["limit"] == "2"
    assert params["start_date_gte"] == "2024-01-01T00:00:00+02:00"
    assert "start_date_gte=2024-01-01T00%3A00%3A00%2B02%3A00" in str(route.calls.last.request.url)
    assert params["end_date_lte"] == "2024-02-01T00:00:00Z"
    assert params["duration_gte"] == "0.5"
    assert params.get_list("state") == ["success", "none"]
    assert params.get_list("pool") == ["p1", "p2"]
    assert params["queue"] == "default" and params["executor"] == "LocalExecutor"
    assert "order_by" not in params


async def test_list_decodes_a_waiting_instance(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"{RUN}").respond(
        json={"task_instances": [waiting("runme_0")], "total_entries": 1, "brand_new": 1}
    )
    page = await client.task_instances.list("d", "r")
    ti = page.items[0]
    assert isinstance(ti, TaskInstance)
    assert ti.state is None and ti.duration is None and ti.start_date is None
    assert ti.try_number == 0 and ti.rendered_fields == {}
    assert page.total_entries == 1


async def test_list_refuses_naive_dates(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="naive"):
        await client.task_instances.list(start_date_gte=datetime(2024, 1, 1))


async def test_run_ids_with_plus_and_colons_are_encoded(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    run_id = "scheduled__2024-01-01T00:00:00+00:00"
    route = router.get(url__regex=r".*").respond(json={"task_instances": [], "total_entries": 0})
    await client.task_instances.list("a/b", run_id)
    assert route.calls.last.request.url.raw_path.startswith(
        b"/api/v1/dags/a%2Fb/dagRuns/scheduled__2024-01-01T00%3A00%3A00%2B00%3A00/taskInstances?"
    )


async def test_list_batch_pages_through_the_body(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    items = [instance(f"t{n}") for n in range(5)]

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        start, size = body["page_offset"], min(body.get("page_limit", 100), 2)
        return httpx.Response(
            200, json={"task_instances": items[start : start + size], "total_entries": 5}
        )

    route = router.post("/dags/~/dagRuns/~/taskInstances/list").mock(side_effect=answer)
    when = datetime(2024, 5, 1, tzinfo=timezone.utc)
    got = [
        t.task_id
        async for t in client.task_instances.list_batch(
            dag_ids=("d",),
            dag_run_ids=["r"],
            task_ids=["t0", "t1"],
            state=["success", None],
            execution_date_gte=when,
            duration_lte=3,
            pool=["default_pool"],
            limit=2,
        )
    ]
    assert got == [f"t{n}" for n in range(5)]
    assert [json.loads(c.request.content) for c in route.calls] == [
        {
            "dag_ids": ["d"],
            "dag_run_ids": ["r"],
            "task_ids": ["t0", "t1"],
            "state": ["success", None],
            "pool": ["default_pool"],
            "execution_date_gte": "2024-05-01T00:00:00+00:00",
            "duration_lte": 3,
            "page_offset": offset,
            "page_limit": 2,
        }
        for offset in (0, 2, 4)
    ]


async def test_list_batch_sends_only_the_paging_when_no_filter_is_given(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/~/dagRuns/~/taskInstances/list").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(200, json={"task_instances": [], "total_entries": 0}),
        ]
    )
    page = await client.task_instances.list_batch(offset=4)
    assert page.items == []
    # It only reads, so it is retried like a GET.
    assert route.call_count == 2
    assert json.loads(route.calls.last.request.content) == {"page_offset": 4}


async def test_list_mapped(client: AsyncClient, router: respx.MockRouter) -> None:
    body = captured("get_mapped_task_instances")
    route = router.get(f"{RUN}/double/listMapped").respond(json=body)
    page = await client.task_instances.list_mapped(
        "d", "r", "double", order_by="-map_index", state=["success"], limit=5, offset=1
    )
    assert [t.map_index for t in page.items] == [t["map_index"] for t in body["task_instances"]]
    assert page.items[0].rendered_fields == {
        "op_args": [],
        "op_kwargs": {"item": 1},
        "templates_dict": None,
    }
    params = route.calls.last.request.url.params
    assert params["order_by"] == "-map_index"
    assert params["state"] == "success"
    assert (params["limit"], params["offset"]) == ("5", "1")


# -- one instance -----------------------------------------------------------------------


async def test_get_decodes_a_real_instance(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(f"{RUN}/t").respond(json=instance("t", brand_new_field={"x": 1}))
    ti = await client.task_instances.get("d", "r", "t")
    assert ti.state is TaskState.SUCCESS
    assert ti.executor is None and ti.note is None and ti.sla_miss is None
    assert ti.start_date is not None and ti.start_date.tzinfo is not None
    assert ti.extra_fields == {"brand_new_field": {"x": 1}}


async def test_get_of_a_mapped_task_is_not_found(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"{RUN}/double").respond(
        404,
        json=payloads.problem(
            404,
            "Task instance not found",
            "Task instance is mapped, add the map_index value to the URL",
        ),
        headers={"Content-Type": "application/problem+json"},
    )
    with pytest.raises(NotFoundError, match="add the map_index"):
        await client.task_instances.get("d", "r", "double")


@pytest.mark.parametrize(
    ("task_id", "raw"),
    [
        ("group.task", b"group.task"),
        ("a/b", b"a%2Fb"),
        ("..", b"%2E%2E"),
        ("x?y#z", b"x%3Fy%23z"),
    ],
)
async def test_task_ids_stay_in_their_segment(
    client: AsyncClient, router: respx.MockRouter, task_id: str, raw: bytes
) -> None:
    route = router.get(url__regex=r".*").respond(json=instance(task_id))
    await client.task_instances.get("d", "r", task_id)
    assert route.calls.last.request.url.raw_path == b"/api/v1" + RUN.encode() + b"/" + raw


async def test_empty_ids_fail_before_io(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.route().respond(200)
    with pytest.raises(ValueError, match="task_id"):
        await client.task_instances.get("d", "r", "")
    with pytest.raises(ValueError, match="dag_run_id"):
        await client.task_instances.get_log("d", "", "t", 1)
    with pytest.raises(TypeError, match="map_index"):
        await client.task_instances.get_mapped("d", "r", "t", True)
    assert not route.called


async def test_get_mapped(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get(f"{RUN}/double/2").respond(json=instance("double", map_index=2))
    ti = await client.task_instances.get_mapped("d", "r", "double", 2)
    assert ti.map_index == 2
    assert route.called


# -- state and notes --------------------------------------------------------------------


async def test_set_state_is_a_dry_run_unless_told(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.patch(f"{RUN}/t").respond(json=payloads.task_instance_reference("t", "r"))
    ref = await client.task_instances.set_state("d", "r", "t", new_state="failed")
    assert isinstance(ref, TaskInstanceReference)
    assert ref.execution_date == datetime(2024, 5, 1, 12, tzinfo=timezone.utc)
    assert json.loads(route.calls.last.request.content) == {
        "dry_run": True,
        "new_state": "failed",
    }
    assert not route.calls.last.request.url.params


async def test_set_state_fills_the_ids_of_the_empty_answer_to_a_real_change(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    # Airflow 2.11.2 dumps the changed instances (a list) with a one-object schema: {}.
    route = router.patch(f"{RUN}/t").respond(json={})
    ref = await client.task_instances.set_state(
        "d", "r", "t", new_state=UpdateTaskState.SUCCESS, dry_run=False
    )
    assert json.loads(route.calls.last.request.content) == {
        "dry_run": False,
        "new_state": "success",
    }
    assert (ref.dag_id, ref.dag_run_id, ref.task_id) == ("d", "r", "t")
    assert ref.execution_date is None


async def test_set_state_refused(client: AsyncClient, router: respx.MockRouter) -> None:
    router.patch(f"{RUN}/t").respond(
        400,
        json=payloads.problem(
            400, "Bad Request", "{'new_state': ['Must be one of: success, failed, skipped.']}"
        ),
    )
    with pytest.raises(BadRequestError, match="new_state"):
        await client.task_instances.set_state("d", "r", "t", new_state="running")


async def test_set_mapped_state(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.patch(f"{RUN}/double/1").respond(json={})
    ref = await client.task_instances.set_mapped_state(
        "d", "r", "double", 1, new_state="skipped", dry_run=False
    )
    assert json.loads(route.calls.last.request.content) == {
        "dry_run": False,
        "new_state": "skipped",
    }
    assert ref.task_id == "double"


async def test_set_notes(client: AsyncClient, router: respx.MockRouter) -> None:
    plain = router.patch(f"{RUN}/t/setNote").respond(json=instance("t", note="checked ✓"))
    ti = await client.task_instances.set_note("d", "r", "t", "checked ✓")
    assert ti.note == "checked ✓"
    assert json.loads(plain.calls.last.request.content) == {"note": "checked ✓"}
    mapped = router.patch(f"{RUN}/double/0/setNote").respond(
        json=instance("double", map_index=0, note="")
    )
    ti = await client.task_instances.set_mapped_note("d", "r", "double", 0, "")
    assert ti.note == ""
    assert json.loads(mapped.calls.last.request.content) == {"note": ""}


# -- dependencies and tries -------------------------------------------------------------


async def test_dependencies(client: AsyncClient, router: respx.MockRouter) -> None:
    blocking = {
        "dependencies": [
            {
                "name": "Dagrun Running",
                "reason": "Task instance's dagrun was not in the 'running' state but in the "
                "state 'queued'.",
            },
            {"name": "Trigger Rule", "reason": None},
        ]
    }
    router.get(f"{RUN}/t/dependencies").respond(json=blocking)
    deps = await client.task_instances.get_dependencies("d", "r", "t")
    assert [d.name for d in deps] == ["Dagrun Running", "Trigger Rule"]
    assert deps[1].reason is None
    router.get(f"{RUN}/double/3/dependencies").respond(
        json=captured("get_task_instance_dependencies")
    )
    assert await client.task_instances.get_mapped_dependencies("d", "r", "double", 3) == []


async def test_tries_are_read_from_the_key_the_server_sends(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    body = captured("get_task_instance_tries")
    assert "task_instances" in body and "task_instances_history" not in body
    router.get(f"{RUN}/t/tries").respond(json=body)
    tries = await client.task_instances.list_tries("d", "r", "t")
    assert [t.try_number for t in tries] == [1]
    assert isinstance(tries[0], TaskInstanceHistory)
    assert tries[0].state is TaskState.SUCCESS


async def test_tries_under_the_declared_key_and_mapped(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    history = captured("get_task_instance_try_details")
    route = router.get(f"{RUN}/double/2/tries").respond(
        json={
            "task_instances_history": [
                {**history, "try_number": 1, "state": "failed"},
                {**history, "try_number": 2, "state": "running", "end_date": None},
            ],
            "total_entries": 2,
        }
    )
    tries = await client.task_instances.list_mapped_tries("d", "r", "double", 2)
    assert [(t.try_number, t.state) for t in tries] == [
        (1, TaskState.FAILED),
        (2, TaskState.RUNNING),
    ]
    assert tries[1].end_date is None
    assert not route.calls.last.request.url.params


async def test_tries_of_the_wrong_shape(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(f"{RUN}/t/tries").respond(json=[1, 2])
    with pytest.raises(ResponseValidationError, match="tries"):
        await client.task_instances.list_tries("d", "r", "t")
    router.get(f"{RUN}/t/tries").respond(json={"task_instances": [{"try_number": "many"}]})
    with pytest.raises(ResponseValidationError) as caught:
        await client.task_instances.list_tries("d", "r", "t")
    assert b"many" in caught.value.body


async def test_try_details(client: AsyncClient, router: respx.MockRouter) -> None:
    body = captured("get_task_instance_try_details")
    plain = router.get(f"{RUN}/t/tries/1").respond(json=body)
    detail = await client.task_instances.get_try("d", "r", "t", 1)
    assert detail.try_number == body["try_number"]
    assert detail.hostname == body["hostname"]
    assert plain.called
    mapped = router.get(f"{RUN}/double/2/tries/3").respond(json={**body, "map_index": 2})
    detail = await client.task_instances.get_mapped_try("d", "r", "double", 2, 3)
    assert detail.map_index == 2
    assert mapped.called


# -- extra links ------------------------------------------------------------------------


async def test_extra_links_are_a_plain_object(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get(f"{RUN}/t/links").respond(
        json={"External DAG": "/dags/parent/grid?execution_date=2024", "Empty": None}
    )
    links = await client.task_instances.get_extra_links("d", "r", "t")
    assert links == {"External DAG": "/dags/parent/grid?execution_date=2024", "Empty": None}
    assert not route.calls.last.request.url.params
    await client.task_instances.get_extra_links("d", "r", "t", map_index=2)
    assert route.calls.last.request.url.params["map_index"] == "2"
    router.get(f"{RUN}/u/links").respond(json=captured("get_extra_links"))
    assert await client.task_instances.get_extra_links("d", "r", "u") == {}


async def test_extra_links_in_the_declared_shape(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get(f"{RUN}/t/links").respond(
        json={"extra_links": [{"name": "Job", "href": "https://x/1", "class_ref": None}]}
    )
    assert await client.task_instances.get_extra_links("d", "r", "t") == {"Job": "https://x/1"}


@pytest.mark.parametrize("body", [["a"], {"name": {"href": "x"}}])
async def test_extra_links_of_the_wrong_shape(
    client: AsyncClient, router: respx.MockRouter, body: Any
) -> None:
    router.get(f"{RUN}/t/links").respond(json=body)
    with pytest.raises(ResponseValidationError, match="extra links"):
        await client.task_instances.get_extra_links("d", "r", "t")


# -- logs -------------------------------------------------------------------------------


async def test_get_log_unpacks_the_repr_of_host_chunks(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    body = captured("get_log")
    route = router.get(f"{RUN}/t/logs/1").respond(json=body)
    log = await client.task_instances.get_log("d", "r", "t", 1)
    assert isinstance(log, TaskLog)
    assert log.text.startswith(" INFO - ::group::Log message source details\n")
    assert "client-test says hello" in log.text
    assert not log.text.startswith("[(")
    assert log.continuation_token == body["continuation_token"]
    assert log.continuation_token not in repr(log)
    request = route.calls.last.request
    assert request.headers["Accept"] == "application/json"
    assert not request.url.params


async def test_get_log_sends_token_map_index_and_full_content(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get(f"{RUN}/double/logs/2").respond(
        json=log_body(("vm", "\n[2024] INFO - more"), token="next.sig")
    )
    log = await client.task_instances.get_log(
        "d", "r", "double", 2, map_index=1, full_content=True, token="eyJsb2dfcG9zIjo1fQ.sig"
    )
    assert log == TaskLog(text="\n[2024] INFO - more", continuation_token="next.sig")
    params = route.calls.last.request.url.params
    assert params["map_index"] == "1"
    assert params["full_content"] == "true"
    assert params["token"] == "eyJsb2dfcG9zIjo1fQ.sig"


@pytest.mark.parametrize(
    ("content", "text"),
    [
        (repr([("host-a", "first"), ("host-b", "second")]), "first\nsecond"),
        (repr([("", " INFO - ::group::x\n")]), " INFO - ::group::x\n"),
        ("[]", ""),
        (None, ""),
        # Not literals: kept as sent, never evaluated.
        ("__import__('os').system('echo hacked')", "__import__('os').system('echo hacked')"),
        ("plain log text\nline 2", "plain log text\nline 2"),
        ("[('vm', 'cut off", "[('vm', 'cut off"),
        ("{'unexpected': 'shape'}", "{'unexpected': 'shape'}"),
        ("[('vm', 3)]", "[('vm', 3)]"),
    ],
)
async def test_log_content_shapes(
    client: AsyncClient, router: respx.MockRouter, content: str | None, text: str
) -> None:
    router.get(f"{RUN}/t/logs/1").respond(json={"content": content})
    log = await client.task_instances.get_log("d", "r", "t", 1)
    assert log.text == text
    assert log.continuation_token is None


async def test_log_that_is_not_an_object(client: AsyncClient, router: respx.MockRouter) -> None:
    router.get(f"{RUN}/t/logs/1").respond(json=["a"])
    with pytest.raises(ResponseValidationError, match="log"):
        await client.task_instances.get_log("d", "r", "t", 1)


async def test_get_log_text_asks_for_plain_text(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    text = "vm\n INFO - ::group::Log message source details\n INFO - ::endgroup::\nhello\n"
    route = router.get(f"{RUN}/t/logs/3").respond(
        text=text, headers={"Content-Type": "text/plain; charset=utf-8"}
    )
    assert await client.task_instances.get_log_text("d", "r", "t", 3, map_index=0) == text
    request = route.calls.last.request
    assert request.headers["Accept"] == "text/plain"
    assert request.url.params["map_index"] == "0"
    route.respond(json={"content": "x"})
    with pytest.raises(ResponseValidationError, match="text/plain"):
        await client.task_instances.get_log_text("d", "r", "t", 3)


# -- following a log --------------------------------------------------------------------


class Story:
    """Answers instance reads and log reads from scripted lists, recording the order."""

    def __init__(self, states: list[tuple[str | None, int]], logs: list[dict[str, Any]]) -> None:
        self.states = list(states)
        self.logs = list(logs)
        self.events: list[str] = []
        self.tokens: list[str | None] = []

    def instance(self, request: httpx.Request) -> httpx.Response:
        state, try_number = self.states.pop(0)
        self.events.append(f"get:{state}")
        return httpx.Response(200, json=instance("t", state=state, try_number=try_number))

    def log(self, request: httpx.Request) -> httpx.Response:
        self.events.append("log")
        self.tokens.append(request.url.params.get("token"))
        return httpx.Response(200, json=self.logs.pop(0))


async def test_follow_log_yields_new_text_until_the_task_ends(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    story = Story(
        states=[("queued", 1), ("running", 1), ("running", 1), ("success", 1)],
        logs=[
            log_body(("", " INFO - ::group::Log message source details\n"), token="t1"),
            log_body(("vm", "tick 1\ntick 2"), token="t2"),
            log_body(("vm", ""), token="t3"),
            log_body(("vm", "\ntick 3\nDone"), token="t4"),
        ],
    )
    router.get(f"{RUN}/t").mock(side_effect=story.instance)
    router.get(f"{RUN}/t/logs/1").mock(side_effect=story.log)
    chunks = [
        chunk async for chunk in client.task_instances.follow_log("d", "r", "t", 1, poll_interval=0)
    ]
    assert chunks == [
        " INFO - ::group::Log message source details\n",
        "tick 1\ntick 2",
        "\ntick 3\nDone",
    ]
    assert story.tokens == [None, "t1", "t2", "t3"]
    # The state is read before each log read, so the last read follows the end.
    assert story.events == [
        "get:queued",
        "log",
        "get:running",
        "log",
        "get:running",
        "log",
        "get:success",
        "log",
    ]


@pytest.mark.parametrize(
    ("try_number", "states"),
    [
        (1, [("failed", 1)]),
        (1, [("running", 1), ("up_for_retry", 1)]),
        (1, [("running", 1), ("queued", 2)]),
        (1, [(None, 0), ("scheduled", 1), ("upstream_failed", 1)]),
        (2, [("up_for_retry", 1), ("running", 2), ("removed", 2)]),
        # A try that never comes: the instance finished on an earlier one.
        (3, [("success", 2)]),
    ],
)
async def test_follow_log_stops_when_the_try_ends(
    client: AsyncClient,
    router: respx.MockRouter,
    try_number: int,
    states: list[tuple[str | None, int]],
) -> None:
    reads = len(states)
    story = Story(states=states, logs=[log_body(("vm", f"line {n}")) for n in range(reads)])
    router.get(f"{RUN}/t").mock(side_effect=story.instance)
    router.get(f"{RUN}/t/logs/{try_number}").mock(side_effect=story.log)
    chunks = [
        c
        async for c in client.task_instances.follow_log("d", "r", "t", try_number, poll_interval=0)
    ]
    assert chunks == [f"line {n}" for n in range(reads)]
    assert story.states == []


async def test_follow_log_of_a_mapped_instance(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    story = Story(states=[("running", 1), ("success", 1)], logs=[log_body(), log_body(("", "x"))])
    got = router.get(f"{RUN}/double/4").mock(side_effect=story.instance)
    logs = router.get(f"{RUN}/double/logs/1").mock(side_effect=story.log)
    chunks = [
        c
        async for c in client.task_instances.follow_log(
            "d", "r", "double", 1, map_index=4, poll_interval=0
        )
    ]
    assert chunks == ["x"]
    assert got.call_count == 2
    assert {c.request.url.params["map_index"] for c in logs.calls} == {"4"}


async def test_follow_log_refuses_a_negative_interval(client: AsyncClient) -> None:
    with pytest.raises(ValueError, match="poll_interval"):
        async for _ in client.task_instances.follow_log("d", "r", "t", 1, poll_interval=-1):
            pass
