"""The fake's task instances, their tries and logs, and XComs; registered on import."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from ._dags import ti_reference
from ._dialect import Answer, Dialect
from ._server import (
    COMPARISONS,
    DATABASE_ERROR,
    TI_DONE,
    Call,
    FakeServer,
    body_fields,
    json_array,
    json_object,
    like,
    parse_time,
    register,
    strip_order,
)
from ._state import Run, TaskInstance

__all__: list[str] = []


# ---------------------------------------------------------------------------------------------
# task instances, logs, XComs

_TI_BASE = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances"
_TI = _TI_BASE + "/{task_id}"


def _ti_404(
    server: FakeServer, dag_id: str, run_id: str, task_id: str, map_index: int = -1
) -> Answer:
    if server.dialect.v2:
        return server.dialect.error(
            404,
            f"The Task Instance with dag_id: `{dag_id}`, run_id: `{run_id}`, "
            f"task_id: `{task_id}` and map_index: `{map_index}` was not found",
        )
    return server.dialect.error(404, "Task instance not found", title="Task instance not found")


def _ti_or_404(server: FakeServer, call: Call) -> tuple[Run, TaskInstance] | Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    server.advance(run)
    raw = call.params.get("map_index") or call.query.get("map_index") or "-1"
    try:
        map_index = int(raw)
    except ValueError:
        return server.dialect.bad_request(
            "map_index must be an integer", loc=("query", "map_index")
        )
    ti = run.task_instances.get((call.params["task_id"], map_index))
    if ti is None:
        if map_index == -1 and (call.params["task_id"], 0) in run.task_instances:
            if server.dialect.v2:
                return server.dialect.error(
                    404, "Task instance is mapped, add the map_index value to the URL"
                )
            return server.dialect.error(
                404,
                "Task instance is mapped, add the map_index value to the URL",
                title="Task instance not found",
            )
        return _ti_404(server, run.dag_id, run.run_id, call.params["task_id"], map_index)
    return run, ti


def _ti_collection(server: FakeServer, items: list[dict[str, Any]]) -> dict[str, Any]:
    body: dict[str, Any] = {"task_instances": items, "total_entries": len(items)}
    if server.dialect.minor >= (3, 3):
        body.update(next_cursor=None, previous_cursor=None, total_entries_limit=None)
    return body


def _ti_filters(
    server: FakeServer,
    pairs: list[tuple[Run, TaskInstance]],
    get: Callable[[str], Any],
    get_list: Callable[[str], list[str]],
    *,
    whole_seconds: bool = False,
) -> list[tuple[Run, TaskInstance]] | Answer:
    d = server.dialect
    states = get_list("state")
    if states:
        pairs = [
            (run, ti)
            for run, ti in pairs
            if str(ti.state) in states or (ti.state is None and "none" in states)
        ]
    for name in ("pool", "queue"):
        wanted = get_list(name)
        if wanted and "default_pool" not in wanted and name == "pool":
            pairs = []
        if wanted and "default" not in wanted and name == "queue":
            pairs = []
    indexes = get_list("map_index")
    if indexes and d.minor >= (3, 1):
        wanted_indexes = {int(index) for index in indexes}
        pairs = [(run, ti) for run, ti in pairs if ti.map_index in wanted_indexes]
    task_ids = get_list("task_ids")
    if task_ids:
        pairs = [(run, ti) for run, ti in pairs if ti.task_id in task_ids]
    if d.v2 and get("task_id"):
        pairs = [(run, ti) for run, ti in pairs if ti.task_id == get("task_id")]
    pattern = get("task_display_name_pattern")
    if pattern and d.v2:
        pairs = [(run, ti) for run, ti in pairs if like(pattern, ti.task_id)]
    prefix = get("dag_id_prefix_pattern")
    if prefix and d.minor >= (3, 3):
        pairs = [(run, ti) for run, ti in pairs if run.dag_id.startswith(prefix)]
    run_pattern = get("run_id_pattern")
    if run_pattern and d.minor >= (3, 2):
        pairs = [(run, ti) for run, ti in pairs if like(run_pattern, run.run_id)]
    times: dict[str, Callable[[Run, TaskInstance], float | None]] = {
        "start_date": lambda run, ti: ti.start_date,
        "end_date": lambda run, ti: ti.end_date,
        ("logical_date" if d.v2 else "execution_date"): lambda run, ti: run.logical_date,
    }
    for name, read in times.items():
        for suffix, compare in COMPARISONS:
            raw = get(name + suffix)
            if raw is None:
                continue
            bound = parse_time(raw)
            if isinstance(bound, str) or bound is None:
                if d.v2:
                    return d.error(500, DATABASE_ERROR)
                return d.bad_request(f"{raw!r} is not a 'date-time' - '{name}{suffix}'")
            pairs = [
                (run, ti)
                for run, ti in pairs
                if (value := read(run, ti)) is not None and compare(value, bound)
            ]
    for suffix, compare in COMPARISONS:
        raw = get("duration" + suffix)
        if raw is None:
            continue
        try:
            bound = float(raw)
        except (TypeError, ValueError):
            return d.bad_request("duration must be a number", loc=("query", "duration" + suffix))
        if whole_seconds:
            # Airflow 2 reads a batch body's durations as integers.
            bound = float(int(bound))
        pairs = [
            (run, ti)
            for run, ti in pairs
            if ti.duration is not None and compare(ti.duration, bound)
        ]
    return pairs


_TI_ORDERS = (
    "task_id",
    "state",
    "start_date",
    "end_date",
    "duration",
    "try_number",
    "map_index",
    "dag_id",
    "dag_run_id",
    "run_id",
    "pool",
    "queue",
    "id",
    "logical_date",
    "run_after",
)


def _ti_page(
    server: FakeServer,
    call: Call,
    pairs: list[tuple[Run, TaskInstance]],
    window: tuple[Any, Any, list[str]] | None = None,
) -> Answer:
    items = [server.ti_body(run, ti) for run, ti in pairs]
    for index, item in enumerate(items):
        item["_order"] = index
    aliases = {"id": "_order", "run_id": "dag_run_id"}
    answer = server.page(
        items, call, "task_instances", "_order", _TI_ORDERS, window=window, aliases=aliases
    )
    return strip_order(answer)


@register("GET", _TI_BASE, _TI_BASE, "get_task_instances")
def _get_task_instances(server: FakeServer, call: Call) -> Answer:
    dag_id, run_id = call.params["dag_id"], call.params["dag_run_id"]
    if dag_id != "~":
        dag = server.dag_or_404(dag_id)
        if isinstance(dag, Answer):
            return dag
    if run_id != "~":
        found = server.run_or_404(dag_id, run_id) if dag_id != "~" else None
        if isinstance(found, Answer):
            return found
    runs = [
        run
        for run in server.runs.values()
        if dag_id in ("~", run.dag_id) and run_id in ("~", run.run_id)
    ]
    pairs: list[tuple[Run, TaskInstance]] = []
    for run in runs:
        server.advance(run)
        pairs.extend((run, ti) for ti in run.task_instances.values())
    filtered = _ti_filters(
        server, pairs, call.query.get, lambda name: server.dialect.list_param(call.query, name)
    )
    if isinstance(filtered, Answer):
        return filtered
    if not server.dialect.v2 and call.query.get("limit") is None:
        # Unlike most lists, Airflow 2's ignores the server's maximum_page_limit.
        window = (call.query.get("offset"), 100, call.query.get_list("order_by")[-1:])
        return _ti_page_uncapped(server, call, filtered, window)
    if not server.dialect.v2:
        window = (
            call.query.get("offset"),
            call.query.get("limit"),
            call.query.get_list("order_by")[-1:],
        )
        return _ti_page_uncapped(server, call, filtered, window)
    return _ti_page(server, call, filtered)


def _ti_page_uncapped(
    server: FakeServer,
    call: Call,
    pairs: list[tuple[Run, TaskInstance]],
    window: tuple[Any, Any, list[str]],
) -> Answer:
    saved = server.maximum_page_limit
    server.maximum_page_limit = max(saved, 100)
    try:
        return _ti_page(server, call, pairs, window)
    finally:
        server.maximum_page_limit = saved


@register(
    "POST",
    "/dags/~/dagRuns/~/taskInstances/list",
    "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/list",
    "get_task_instances_batch",
)
def _get_task_instances_batch(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    body = json_object(call.body if call.body is not None else {})
    if body is None:
        return d.bad_request("the request body must be a JSON object")
    dag_ids = body.get("dag_ids")
    run_ids = body.get("dag_run_ids")
    pairs: list[tuple[Run, TaskInstance]] = []
    for run in list(server.runs.values()):
        if dag_ids and run.dag_id not in dag_ids:
            continue
        if run_ids and run.run_id not in run_ids:
            continue
        server.advance(run)
        pairs.extend((run, ti) for ti in run.task_instances.values())

    def get_list(name: str) -> list[str]:
        return [str(item) for item in json_array(body.get(name))]

    filtered = _ti_filters(server, pairs, body.get, get_list, whole_seconds=not d.v2)
    if isinstance(filtered, Answer):
        return filtered
    order = body.get("order_by")
    window = (body.get("page_offset"), body.get("page_limit", 100), [order] if order else [])
    return _ti_page(server, call, filtered, window)


@register("GET", _TI, _TI, "get_task_instance")
def _get_task_instance(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    return server.dialect.ok(server.ti_body(*found))


@register("GET", _TI + "/dependencies", _TI + "/dependencies", "get_task_instance_dependencies")
def _get_dependencies(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    dependencies: list[dict[str, str]] = []
    if ti.state not in TI_DONE and ti.state != "running":
        dag = server.dags[run.dag_id]
        if dag.is_paused:
            dependencies.append(
                {
                    "name": "Dagrun Running",
                    "reason": "Task instance's dagrun was not in the 'running' state but in "
                    f"the state '{run.state}'.",
                }
            )
        for upstream in dag.upstream(ti.task_id)[:1]:
            dependencies.append(
                {
                    "name": "Trigger Rule",
                    "reason": "Task's trigger rule 'all_success' requires all upstream tasks "
                    "to have succeeded, but found 1 non-success(es). "
                    f"upstream_task_ids={{'{upstream}'}}",
                }
            )
    return server.dialect.ok({"dependencies": dependencies})


@register("GET", _TI + "/tries", _TI + "/tries", "get_task_instance_tries")
def _get_tries(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    items = [server.try_body(run, ti, attempt) for attempt in _tries(ti)]
    return server.dialect.ok({"task_instances": items, "total_entries": len(items)})


def _tries(ti: TaskInstance) -> list[int]:
    return sorted(
        {entry["try_number"] for entry in ti.history}
        | ({ti.try_number} if ti.try_number else set[int]())
    )


@register(
    "GET",
    _TI + "/tries/{task_try_number}",
    _TI + "/tries/{task_try_number}",
    "get_task_instance_try_details",
)
def _get_try(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    try:
        attempt = int(call.params["task_try_number"])
    except ValueError:
        return d.bad_request("try number must be an integer", loc=("path", "task_try_number"))
    if attempt not in _tries(ti):
        if d.v2:
            return d.error(
                404,
                f"The Task Instance History with dag_id: `{run.dag_id}`, run_id: `{run.run_id}`, "
                f"task_id: `{ti.task_id}`, map_index: `{ti.map_index}` and try_number: "
                f"`{attempt}` was not found",
            )
        return d.error(404, "Task instance not found", title="Task instance not found")
    return d.ok(server.try_body(run, ti, attempt))


@register("GET", _TI + "/links", _TI + "/links", "get_extra_links")
def _get_extra_links(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    if server.dialect.v2:
        return server.dialect.ok({"extra_links": {}, "total_entries": 0})
    return server.dialect.ok({})


_NEW_STATES = ("success", "failed", "skipped")


def _below(server: FakeServer, run: Run, ti: TaskInstance) -> list[TaskInstance]:
    """The instances of every task downstream of ``ti``'s."""
    below = server.dags[run.dag_id].below(ti.task_id)
    return [item for (task_id, _), item in run.task_instances.items() if task_id in below]


def _set_state(
    server: FakeServer, run: Run, ti: TaskInstance, state: str, *, downstream: bool
) -> list[TaskInstance]:
    changed = [ti] + (_below(server, run, ti) if downstream else [])
    now = time.time()
    for item in changed:
        item.state = state
        item.start_date = item.start_date or now
        item.end_date = item.end_date or item.start_date
    return changed


def _patch_ti(server: FakeServer, call: Call, *, dry_run: bool) -> Answer:
    d = server.dialect
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    allowed = {
        "new_state",
        "note",
        "include_upstream",
        "include_downstream",
        "include_future",
        "include_past",
    }
    if not d.v2:
        allowed.add("dry_run")
    body = body_fields(call.body, allowed, (), d)
    if isinstance(body, Answer):
        return body
    mask = server.mask(call) if d.v2 else None
    state = body.get("new_state")
    if state is not None and state not in _NEW_STATES:
        return d.bad_request(
            f"'{state}' is not one of ['success', 'failed', 'skipped']"
            if not d.v2
            else "Input should be 'success', 'failed' or 'skipped'",
            loc=("body", "new_state"),
        )
    dry_run = dry_run or (not d.v2 and body.get("dry_run", True) is not False)
    affected = [ti]
    if state is not None and (mask is None or "new_state" in mask):
        if d.v2 and not dry_run and ti.state == state:
            return d.error(
                409,
                f"Task id {ti.task_id} is already in {state} state",
            )
        if dry_run:
            if body.get("include_downstream"):
                affected += _below(server, run, ti)
        else:
            affected = _set_state(
                server, run, ti, state, downstream=bool(body.get("include_downstream"))
            )
    if "note" in body and (mask is None or "note" in mask) and not dry_run:
        ti.note = body["note"]
    if d.v2:
        # Airflow 3's answer lists the instances of the task itself.
        return d.ok(_ti_collection(server, [server.ti_body(run, ti)]))
    return d.ok(ti_reference(server, run, ti))


@register("PATCH", _TI, _TI, "patch_task_instance")
def _patch_task_instance(server: FakeServer, call: Call) -> Answer:
    return _patch_ti(server, call, dry_run=False)


@register("PATCH", None, _TI + "/dry_run", "patch_task_instance_dry_run")
def _patch_task_instance_dry_run(server: FakeServer, call: Call) -> Answer:
    return _patch_ti(server, call, dry_run=True)


@register("PATCH", _TI + "/setNote", None, "set_task_instance_note")
def _set_task_instance_note(server: FakeServer, call: Call) -> Answer:
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    body = body_fields(call.body, {"note"}, (), server.dialect)
    if isinstance(body, Answer):
        return body
    ti.note = body.get("note")
    return server.dialect.ok(server.ti_body(run, ti))


@register("POST", "/dags/{dag_id}/updateTaskInstancesState", None, "post_set_task_instances_state")
def _update_task_instances_state(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    body = json_object(call.body) or {}
    state = body.get("new_state")
    if state not in _NEW_STATES:
        return d.bad_request(f"'{state}' is not one of ['success', 'failed', 'skipped']")
    run = server.run_or_404(dag.dag_id, str(body.get("dag_run_id")))
    if isinstance(run, Answer):
        return run
    ti = run.task_instances.get((str(body.get("task_id")), -1))
    if ti is None:
        return _ti_404(server, run.dag_id, run.run_id, str(body.get("task_id")))
    downstream = bool(body.get("include_downstream"))
    if body.get("dry_run", True):
        changed = [ti] + (_below(server, run, ti) if downstream else [])
    else:
        changed = _set_state(server, run, ti, state, downstream=downstream)
    return d.ok({"task_instances": [ti_reference(server, run, item) for item in changed]})


@register(
    "POST",
    "/dags/{dag_id}/clearTaskInstances",
    "/dags/{dag_id}/clearTaskInstances",
    "post_clear_task_instances",
)
def _clear_task_instances(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    body = json_object(call.body) or {}
    run_id = body.get("dag_run_id")
    runs = [
        run
        for run in server.runs.values()
        if run.dag_id == dag.dag_id and (run_id is None or run.run_id == run_id)
    ]
    task_ids = body.get("task_ids")
    only_failed = body.get("only_failed", True)
    dry_run = body.get("dry_run", True)
    pairs: list[tuple[Run, TaskInstance]] = []
    for run in runs:
        server.advance(run)
        for ti in run.task_instances.values():
            if task_ids and not any(
                t == ti.task_id or (isinstance(t, list) and t == [ti.task_id, ti.map_index])
                for t in task_ids
            ):
                continue
            if only_failed and ti.state not in ("failed", "upstream_failed"):
                continue
            pairs.append((run, ti))
    if not dry_run:
        for _, ti in pairs:
            ti.state = None
            ti.start_date = ti.end_date = None
        for run in {run.run_id: run for run, _ in pairs}.values():
            if body.get("reset_dag_runs", d.v2):
                run.state = "queued"
                run.end_date = None
                run.reads_left = server.reads_per_state
    if d.v2:
        return d.ok(_ti_collection(server, [server.ti_body(run, ti) for run, ti in pairs]))
    return d.ok({"task_instances": [ti_reference(server, run, ti) for run, ti in pairs]})


@register("GET", _TI + "/logs/{task_try_number}", _TI + "/logs/{task_try_number}", "get_log")
def _get_log(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    found = _ti_or_404(server, call)
    if isinstance(found, Answer):
        return found
    run, ti = found
    try:
        attempt = int(call.params["task_try_number"])
    except ValueError:
        return d.bad_request("try_number must be an integer", loc=("path", "try_number"))
    token = call.query.get("token")
    if token is not None and token != _LOG_TOKEN:
        if d.v2:
            return d.error(400, "Bad Signature. Please use only the tokens provided by the API.")
        return d.error(400, "Bad Signature. Please use only the tokens provided by the API.")
    if attempt < 1 or attempt not in _tries(ti):
        if d.v2:
            return d.error(404, f"TaskInstance with try_number: `{attempt}` was not found")
        text = f"Error fetching the logs. Try number {attempt} is invalid."
        return d.ok({"content": text, "continuation_token": None})
    lines = [] if token is not None else _log_lines(server, run, ti, attempt)
    accept = call.request.headers.get("accept", "")
    when = d.timestamp(ti.start_date or time.time())
    if d.v2:
        source = _log_file(run, ti, attempt)
        events: list[dict[str, Any]] = [{"event": "::group::Log message source details"}]
        if d.minor >= (3, 3):
            events.append({"event": source})
        else:
            events[0]["sources"] = [source]
        events.append({"event": "::endgroup::"})

        events += [
            {"event": line, "level": "info", "logger": "task", "timestamp": when} for line in lines
        ]
        if "application/x-ndjson" in accept:
            text = "".join(json.dumps(event) + "\n" for event in events)
            return Answer(200, text.encode(), {"content-type": "application/x-ndjson"})
        return d.ok({"content": events, "continuation_token": None})
    if token is not None:
        return d.ok({"content": "", "continuation_token": _LOG_TOKEN})
    text = (
        " INFO - ::group::Log message source details\n"
        f"*** Found local files:\n***   * {_log_file(run, ti, attempt)}\n"
        " INFO - ::endgroup::\n"
        + "".join(f"[{when}] {{taskinstance.py:1}} INFO - {line}\n" for line in lines)
    )
    if "text/plain" in accept:
        return Answer(200, text.encode(), {"content-type": "text/plain"})
    return d.ok({"content": repr([("fake-airflow", text)]), "continuation_token": _LOG_TOKEN})


_LOG_TOKEN = "eyJlbmRfb2ZfbG9nIjp0cnVlfQ.fake"


def _log_file(run: Run, ti: TaskInstance, attempt: int) -> str:
    return (
        f"/opt/airflow/logs/dag_id={run.dag_id}/run_id={run.run_id}/"
        f"task_id={ti.task_id}/attempt={attempt}.log"
    )


def _log_lines(server: FakeServer, run: Run, ti: TaskInstance, attempt: int) -> list[str]:
    dag = server.dags[run.dag_id]
    lines = [f"Running {ti.task_id} of {run.dag_id}, run {run.run_id}, try {attempt}"]
    history = {entry["try_number"]: entry["state"] for entry in ti.history}
    state = history.get(attempt, ti.state)
    if state == "failed":
        lines.append(f"Task failed with exception: {ti.task_id} was made to fail")
    elif state == "success":
        if ti.task_id in dag.results:
            lines.append(f"Done. Returned value was: {_python_repr(dag.results[ti.task_id])}")
        lines.append(f"Marking task as SUCCESS. dag_id={run.dag_id}, task_id={ti.task_id}")
    return lines


def _python_repr(value: Any) -> str:
    # What the task's log prints: Python's repr of the value, keys sorted as the servers do.
    mapping = json_object(value)
    if mapping is not None:
        inner = ", ".join(f"{k!r}: {_python_repr(v)}" for k, v in sorted(mapping.items()))
        return "{" + inner + "}"
    return repr(value)


_XCOM = _TI_BASE + "/{task_id}/xcomEntries"


@register("GET", _XCOM, _XCOM, "get_xcom_entries")
def _get_xcom_entries(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag_id, run_id, task_id = (call.params[k] for k in ("dag_id", "dag_run_id", "task_id"))
    if dag_id != "~" and run_id != "~":
        run = server.run_or_404(dag_id, run_id)
        if isinstance(run, Answer):
            return run
    query = call.query
    key = query.get("xcom_key")
    pattern = query.get("xcom_key_pattern") if d.minor >= (3, 1) else None
    prefix = query.get("xcom_key_prefix_pattern") if d.minor >= (3, 3) else None
    map_index = query.get("map_index")
    entries: list[dict[str, Any]] = []
    for run in server.runs.values():
        if dag_id not in ("~", run.dag_id) or run_id not in ("~", run.run_id):
            continue
        server.advance(run)
        for (task, index, name), (value, when) in sorted(run.xcoms.items()):
            if task_id not in ("~", task):
                continue
            if key is not None and name != key:
                continue
            if pattern and not like(pattern, name):
                continue
            if prefix and not name.startswith(prefix):
                continue
            if map_index is not None and str(index) != map_index:
                continue
            entries.append(server.xcom_body(run, task, index, name, value, when, with_value=False))
    for order, entry in enumerate(entries):
        entry["_order"] = order
    orders = ("key", "timestamp", "map_index", "task_id", "dag_id", "run_id")
    return strip_order(server.page(entries, call, "xcom_entries", "_order", orders))


def _xcom_404(server: FakeServer, key: str) -> Answer:
    if server.dialect.v2:
        return server.dialect.error(404, f"XCom entry with key: `{key}` not found")
    return server.dialect.error(404, "XCom entry not found", title="XCom Entry not found")


def _xcom_ti(server: FakeServer, call: Call) -> tuple[Run, str, int] | Answer:
    """The run, task id and map index an XCom request names (the index from the query)."""
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    server.advance(run)
    raw = call.query.get("map_index")
    sent = json_object(call.body)
    if sent is not None and "map_index" in sent:
        raw = str(sent["map_index"])
    try:
        map_index = int(raw) if raw is not None else -1
    except ValueError:
        return server.dialect.bad_request(
            "map_index must be an integer", loc=("query", "map_index")
        )
    task_id = call.params["task_id"]
    if not any(task == task_id for task, _ in run.task_instances):
        return _ti_404(server, run.dag_id, run.run_id, task_id, map_index)
    return run, task_id, map_index


@register("GET", _XCOM + "/{xcom_key}", _XCOM + "/{xcom_key:path}", "get_xcom_entry")
def _get_xcom_entry(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    found = _xcom_ti(server, call)
    if isinstance(found, Answer):
        return found
    run, task_id, map_index = found
    key = call.params["xcom_key"]
    entry = run.xcoms.get((task_id, map_index, key))
    if entry is None:
        return _xcom_404(server, key)
    value, when = entry
    query = call.query
    if query.get("deserialize", "false").lower() == "true" and d.minor < (3, 1):
        return d.bad_request("XCom deserialization is disabled in configuration.")
    stringify = query.get("stringify", "true" if d.v2 else "false").lower() == "true"
    shown: Any = value
    if stringify and not isinstance(value, str):
        shown = _python_repr(value)
    return d.ok(server.xcom_body(run, task_id, map_index, key, shown, when, with_value=True))


@register("POST", None, _XCOM, "create_xcom_entry")
def _create_xcom_entry(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    body = body_fields(call.body, {"key", "value", "map_index"}, ("key",), d)
    if isinstance(body, Answer):
        return body
    found = _xcom_ti(server, call)
    if isinstance(found, Answer):
        return found
    run, task_id, map_index = found
    key = str(body["key"])
    if (task_id, map_index, key) in run.xcoms:
        return d.error(
            409,
            f"The XCom with key: `{key}` with mentioned task instance already exists.",
        )
    value = _written_xcom(d, body.get("value"))
    run.xcoms[(task_id, map_index, key)] = (value, time.time())
    return d.ok(
        server.xcom_body(run, task_id, map_index, key, value, time.time(), with_value=True), 201
    )


@register("PATCH", None, _XCOM + "/{xcom_key:path}", "update_xcom_entry")
def _update_xcom_entry(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    body = body_fields(call.body, {"value", "map_index"}, (), d)
    if isinstance(body, Answer):
        return body
    found = _xcom_ti(server, call)
    if isinstance(found, Answer):
        return found
    run, task_id, map_index = found
    key = call.params["xcom_key"]
    if (task_id, map_index, key) not in run.xcoms:
        return _xcom_404(server, key)
    value = _written_xcom(d, body.get("value"))
    if d.minor < (3, 1):
        # Airflow 3.0 encodes an updated value a second time.
        value = json.dumps(value)
    run.xcoms[(task_id, map_index, key)] = (value, time.time())
    return d.ok(server.xcom_body(run, task_id, map_index, key, value, time.time(), with_value=True))


@register("DELETE", None, _XCOM + "/{xcom_key:path}", "delete_xcom_entry")
def _delete_xcom_entry(server: FakeServer, call: Call) -> Answer:
    found = _xcom_ti(server, call)
    if isinstance(found, Answer):
        return found
    run, task_id, map_index = found
    key = call.params["xcom_key"]
    if run.xcoms.pop((task_id, map_index, key), None) is None:
        return _xcom_404(server, key)
    return server.dialect.no_content()


def _written_xcom(d: Dialect, value: Any) -> Any:
    # Airflow 3.0 keeps a value written through the API as its JSON text.
    return json.dumps(value) if d.minor < (3, 1) else value


# ---------------------------------------------------------------------------------------------
# mapped task instances: the same handlers, with the map index in the path

_MAPPED = _TI + "/{map_index:int}"

register("GET", _MAPPED, _MAPPED, "get_mapped_task_instance")(_get_task_instance)
register(
    "GET",
    _MAPPED + "/dependencies",
    _MAPPED + "/dependencies",
    "get_mapped_task_instance_dependencies",
    "get_task_instance_dependencies_by_map_index",
)(_get_dependencies)
register("GET", _MAPPED + "/tries", _MAPPED + "/tries", "get_mapped_task_instance_tries")(
    _get_tries
)
register(
    "GET",
    _MAPPED + "/tries/{task_try_number}",
    _MAPPED + "/tries/{task_try_number}",
    "get_mapped_task_instance_try_details",
)(_get_try)
register(
    "PATCH", _MAPPED, _MAPPED, "patch_mapped_task_instance", "patch_task_instance_by_map_index"
)(_patch_task_instance)
register("PATCH", None, _MAPPED + "/dry_run", "patch_task_instance_dry_run_by_map_index")(
    _patch_task_instance_dry_run
)
register("PATCH", _MAPPED + "/setNote", None, "set_mapped_task_instance_note")(
    _set_task_instance_note
)


@register("GET", _TI + "/listMapped", _TI + "/listMapped", "get_mapped_task_instances")
def _get_mapped_task_instances(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    server.advance(run)
    task_id = call.params["task_id"]
    pairs = [
        (run, ti)
        for (task, map_index), ti in run.task_instances.items()
        if task == task_id and map_index >= 0
    ]
    if not pairs:
        return _ti_404(server, run.dag_id, run.run_id, task_id)
    filtered = _ti_filters(
        server, pairs, call.query.get, lambda name: server.dialect.list_param(call.query, name)
    )
    if isinstance(filtered, Answer):
        return filtered
    return _ti_page(server, call, filtered)
