"""The fake's DAGs, their tasks and runs, and its monitoring endpoints; registered on import."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from ._dialect import Answer, Dialect
from ._server import (
    DATABASE_ERROR,
    RUN_STATES,
    Call,
    FakeServer,
    body_fields,
    json_array,
    json_object,
    like,
    parse_time,
    register,
    sort_key,
    strip_order,
)
from ._state import FINISHED, Dag, Run, TaskInstance

__all__ = ["ti_reference"]


# ---------------------------------------------------------------------------------------------
# monitoring


@register("GET", "/version", "/version", "get_version")
def _get_version(server: FakeServer, call: Call) -> Answer:
    git = ".release:fake" if server.dialect.v2 else ""
    return server.dialect.ok({"git_version": git, "version": server.dialect.release})


@register("GET", "/health", "/monitor/health", "get_health")
def _get_health(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    beat = d.timestamp(time.time())
    if d.v2 and beat is not None:
        beat = beat.replace("Z", "+00:00")
    processor_beat = beat if d.v2 else None
    return d.ok(
        {
            "dag_processor": {
                "latest_dag_processor_heartbeat": processor_beat,
                "status": "healthy" if d.v2 else None,
            },
            "metadatabase": {"status": "healthy"},
            "scheduler": {"latest_scheduler_heartbeat": beat, "status": "healthy"},
            "triggerer": {"latest_triggerer_heartbeat": None, "status": None},
        }
    )


# ---------------------------------------------------------------------------------------------
# DAGs


@register("GET", "/dags", "/dags", "get_dags")
def _get_dags(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dags = _matching_dags(server, call)
    items = [server.dag_body(dag) for dag in dags]
    fields = d.list_param(call.query, "fields") if not d.v2 else []
    if fields:
        # Airflow 2 answers only the fields asked for (the client adds dag_id).
        items = [{k: v for k, v in item.items() if k in fields} for item in items]
    return server.page(
        items,
        call,
        "dags",
        "dag_id",
        ("dag_display_name", "is_paused", "last_parsed_time", "next_dagrun", "dag_id"),
    )


def _matching_dags(server: FakeServer, call: Call) -> list[Dag]:
    d = server.dialect
    query = call.query
    dags = list(server.dags.values())
    pattern = query.get("dag_id_pattern")
    if pattern:
        dags = [dag for dag in dags if like(pattern, dag.dag_id)]
    prefix = query.get("dag_id_prefix_pattern")
    if prefix and d.minor >= (3, 3):
        dags = [dag for dag in dags if dag.dag_id.startswith(prefix)]
    tags = d.list_param(query, "tags")
    if tags:
        if d.v2 and query.get("tags_match_mode") == "all":
            dags = [dag for dag in dags if set(tags) <= set(dag.tags)]
        else:
            dags = [dag for dag in dags if set(tags) & set(dag.tags)]
    paused = query.get("paused")
    if paused is not None:
        dags = [dag for dag in dags if dag.is_paused == (paused.lower() == "true")]
    favorite = query.get("is_favorite")
    if favorite is not None and d.minor >= (3, 1):
        wanted = favorite.lower() == "true"
        dags = [dag for dag in dags if (dag.dag_id in server.favorites) == wanted]
    return dags


@register("PATCH", "/dags", "/dags", "patch_dags")
def _patch_dags(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    body = body_fields(call.body, {"is_paused"}, ("is_paused",), d)
    if isinstance(body, Answer):
        return body
    if not d.v2 and not call.query.get("dag_id_pattern"):
        return d.bad_request("dag_id_pattern is required")
    mask = server.mask(call)
    if mask is not None and set(mask) - {"is_paused"}:
        return d.error(400, "Only `is_paused` field can be updated through the REST API")
    dags = _matching_dags(server, call)
    for dag in dags:
        dag.is_paused = bool(body["is_paused"])
    items = [server.dag_body(dag) for dag in dags]
    return server.page(items, call, "dags", "dag_id", ("dag_id",))


@register("POST", None, "/dags/{dag_id}/favorite", "favorite_dag")
def _favorite_dag(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    if dag.dag_id in server.favorites:
        return server.dialect.error(409, "DAG is already in favorites")
    server.favorites.add(dag.dag_id)
    return server.dialect.no_content()


@register("POST", None, "/dags/{dag_id}/unfavorite", "unfavorite_dag")
def _unfavorite_dag(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    if dag.dag_id not in server.favorites:
        return server.dialect.error(409, "DAG is not in favorites")
    server.favorites.discard(dag.dag_id)
    return server.dialect.no_content()


@register("GET", None, "/dagTags", "get_dag_tags")
def _get_dag_tags(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    tags = sorted({tag for dag in server.dags.values() for tag in dag.tags})
    pattern = call.query.get("tag_name_pattern")
    if pattern:
        tags = [tag for tag in tags if like(pattern, tag)]
    prefix = call.query.get("tag_name_prefix_pattern")
    if prefix and d.minor >= (3, 3):
        tags = [tag for tag in tags if tag.startswith(prefix)]
    try:
        offset = int(call.query.get("offset") or 0)
        limit = int(call.query.get("limit") or d.default_limit)
    except ValueError:
        return d.bad_request("offset and limit must be integers", loc=("query", "limit"))
    if d.minor >= (3, 2):
        limit = min(limit, server.maximum_page_limit)
    if call.query.get_list("order_by") in (["-name"],):
        tags.reverse()
    return d.ok({"tags": tags[offset : offset + limit], "total_entries": len(tags)})


@register("GET", "/dags/{dag_id}", "/dags/{dag_id}", "get_dag")
def _get_dag(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    return server.dialect.ok(server.dag_body(dag))


@register("GET", "/dags/{dag_id}/details", "/dags/{dag_id}/details", "get_dag_details")
def _get_dag_details(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    return server.dialect.ok(server.dag_details_body(dag))


@register("PATCH", "/dags/{dag_id}", "/dags/{dag_id}", "patch_dag")
def _patch_dag(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    body = body_fields(call.body, {"is_paused"}, (), d)
    if isinstance(body, Answer):
        return body
    mask = server.mask(call)
    if mask is not None and set(mask) - {"is_paused"}:
        return d.error(400, "Only `is_paused` field can be updated through the REST API")
    if "is_paused" in body:
        dag.is_paused = bool(body["is_paused"])
    return d.ok(server.dag_body(dag))


@register("DELETE", "/dags/{dag_id}", "/dags/{dag_id}", "delete_dag")
def _delete_dag(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    del server.dags[dag.dag_id]
    for key in [key for key in server.runs if key[0] == dag.dag_id]:
        del server.runs[key]
    return server.dialect.no_content()


@register("GET", "/dags/{dag_id}/tasks", "/dags/{dag_id}/tasks", "get_tasks")
def _get_tasks(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    tasks = [server.task_body(dag, task_id) for task_id in dag.tasks]
    order = call.query.get("order_by") or "task_id"
    if order:
        name = order.lstrip("-")
        if name not in tasks[0]:
            return server.dialect.error(400, f"'{name}' is not a field of a task")
        tasks.sort(key=lambda task: sort_key(task.get(name)), reverse=order.startswith("-"))
    return server.dialect.ok({"tasks": tasks, "total_entries": len(tasks)})


@register("GET", "/dags/{dag_id}/tasks/{task_id}", "/dags/{dag_id}/tasks/{task_id}", "get_task")
def _get_task(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    task_id = call.params["task_id"]
    if task_id not in dag.tasks:
        return server.dialect.error(404, f"Task with id {task_id} not found")
    return server.dialect.ok(server.task_body(dag, task_id))


@register("GET", "/dagStats", "/dagStats", "get_dag_stats")
def _get_dag_stats(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    wanted = d.list_param(call.query, "dag_ids")
    dag_ids = (
        [dag_id for dag_id in wanted if dag_id in server.dags] if wanted else sorted(server.dags)
    )
    items: list[dict[str, Any]] = []
    for dag_id in dag_ids:
        counts: dict[str, int] = dict.fromkeys(RUN_STATES, 0)
        for run in server.runs.values():
            if run.dag_id == dag_id:
                counts[run.state] += 1
        item: dict[str, Any] = {
            "dag_id": dag_id,
            "stats": [{"count": count, "state": state} for state, count in counts.items()],
        }
        if d.minor >= (3, 3):
            item["dag_display_name"] = dag_id
        items.append(item)
    return d.ok({"dags": items, "total_entries": len(items)})


# ---------------------------------------------------------------------------------------------
# DAG runs


@register(
    "POST", "/dags/{dag_id}/dagRuns", "/dags/{dag_id}/dagRuns", "post_dag_run", "trigger_dag_run"
)
def _trigger(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    allowed = {
        "dag_run_id",
        "logical_date",
        "conf",
        "note",
        "data_interval_start",
        "data_interval_end",
        "run_after",
    }
    if d.minor >= (3, 3):
        allowed.add("partition_key")
    if not d.v2:
        allowed.add("execution_date")
    body = body_fields(call.body if call.body is not None else {}, allowed, (), d)
    if isinstance(body, Answer):
        return body
    if d.v2 and "logical_date" not in body:
        return d.bad_request("Field required", loc=("body", "logical_date"))
    logical = parse_time(body.get("logical_date", body.get("execution_date")))
    if isinstance(logical, str):
        if d.v2:
            return d.bad_request("Input should have timezone info", loc=("body", "logical_date"))
        return d.bad_request(logical)
    now = time.time()
    if logical is None and not d.v2:
        logical = now
    run_id = (
        body.get("dag_run_id") or f"manual__{d.timestamp(logical if logical is not None else now)}"
    )
    refused = _refuse_run_id(d, str(run_id))
    if refused is not None:
        return refused
    conf = json_object(body.get("conf") or {})
    if conf is None:
        return d.bad_request("conf must be an object", loc=("body", "conf"))
    if (dag.dag_id, run_id) in server.runs:
        if d.v2:
            return d.error(409, f"DAG Run with run_id: `{run_id}` already exists")
        return d.error(
            409, f"DAGRun with DAG ID: '{dag.dag_id}' and DAGRun ID: '{run_id}' already exists"
        )
    if logical is not None and any(
        run.dag_id == dag.dag_id and run.logical_date == logical for run in server.runs.values()
    ):
        if d.v2:
            return d.error(
                409,
                f"A DAG Run already exists for Dag {dag.dag_id} with logical date "
                f"{d.timestamp(logical)}",
            )
        return d.error(
            409,
            f"DAGRun with DAG ID: '{dag.dag_id}' and DAGRun logical date: "
            f"'{d.timestamp(logical)}' already exists",
        )
    user = call.user.username if call.user is not None else None
    run = server.start_run(dag, run_id, logical, conf, user)
    run.note = body.get("note")
    return d.ok(server.run_body(run))


_RUN_ID = re.compile(r"[A-Za-z0-9_.~:+-]+")


def _refuse_run_id(d: Dialect, run_id: str) -> Answer | None:
    """The answer to a run id outside the server's pattern, or ``None`` when it fits."""
    if _RUN_ID.fullmatch(run_id) is None and not run_id.startswith("manual__"):
        if d.v2:
            return d.error(
                400,
                f"The run_id provided '{run_id}' does not match regex pattern "
                f"'^[A-Za-z0-9_.~:+-]+$'",
            )
        # Airflow 2 raises, and its webserver answers its HTML error page.
        return Answer(
            500,
            b"<!doctype html><html><title>500 Internal Server Error</title></html>",
            {"content-type": "text/html; charset=utf-8"},
        )
    if d.minor >= (3, 3) and ".." in run_id:
        return d.error(400, f"The run_id provided '{run_id}' must not contain '..'")
    return None


def _run_filters(
    server: FakeServer,
    runs: list[Run],
    get: Callable[[str], Any],
    get_list: Callable[[str], list[str]],
) -> list[Run] | Answer:
    d = server.dialect
    states = get_list("state") or get_list("states")
    if states:
        runs = [run for run in runs if run.state in states]
    run_types = get_list("run_type")
    if run_types and d.v2:
        runs = [run for run in runs if run.run_type in run_types]
    pattern = get("run_id_pattern")
    if pattern and d.minor >= (3, 1):
        runs = [run for run in runs if like(pattern, run.run_id)]
    conf = get("conf_contains")
    if conf and d.minor >= (3, 2):
        runs = [run for run in runs if conf in json.dumps(run.conf)]
    fields = {"logical_date" if d.v2 else "execution_date": "logical_date"}
    fields.update(start_date="start_date", end_date="end_date")
    if d.v2:
        fields["run_after"] = "run_after"
    for name, attribute in fields.items():
        for suffix, compare in (
            ("_gte", float.__ge__),
            ("_lte", float.__le__),
            ("_gt", float.__gt__),
            ("_lt", float.__lt__),
        ):
            raw = get(name + suffix)
            if raw is None or (suffix in ("_gt", "_lt") and not d.v2):
                continue
            bound = parse_time(raw)
            if isinstance(bound, str) or bound is None:
                if d.v2:
                    # A naive datetime reaches the database, which refuses it.
                    return d.error(500, DATABASE_ERROR)
                return d.bad_request(f"{raw!r} is not a 'date-time' - '{name}{suffix}'")
            runs = [
                run
                for run in runs
                if (value := _run_time(run, attribute)) is not None and compare(value, bound)
            ]
    return runs


def _run_time(run: Run, attribute: str) -> float | None:
    if attribute == "logical_date" and run.logical_date is None:
        return None
    value: float | None = getattr(run, attribute)
    return value


_RUN_ORDERS = (
    "id",
    "dag_run_id",
    "run_id",
    "state",
    "logical_date",
    "execution_date",
    "start_date",
    "end_date",
    "run_after",
    "queued_at",
    "dag_id",
    "updated_at",
)


def _run_page(
    server: FakeServer,
    call: Call,
    runs: list[Run],
    window: tuple[Any, Any, list[str]] | None = None,
) -> Answer:
    items = [server.run_body(run) for run in runs]
    for item, run in zip(items, runs, strict=True):
        item["_order"] = run.queued_at
    aliases = {"id": "_order", "run_id": "dag_run_id", "execution_date": "logical_date"}
    answer = server.page(
        items, call, "dag_runs", "_order", _RUN_ORDERS, window=window, aliases=aliases
    )
    return strip_order(answer)


@register("GET", "/dags/{dag_id}/dagRuns", "/dags/{dag_id}/dagRuns", "get_dag_runs")
def _get_dag_runs(server: FakeServer, call: Call) -> Answer:
    dag_id = call.params["dag_id"]
    if dag_id != "~":
        dag = server.dag_or_404(dag_id)
        if isinstance(dag, Answer):
            return dag
    runs = [run for run in server.runs.values() if dag_id in ("~", run.dag_id)]
    for run in runs:
        server.advance(run)
    filtered = _run_filters(
        server, runs, call.query.get, lambda name: server.dialect.list_param(call.query, name)
    )
    if isinstance(filtered, Answer):
        return filtered
    return _run_page(server, call, filtered)


@register(
    "POST",
    "/dags/~/dagRuns/list",
    "/dags/~/dagRuns/list",
    "get_dag_runs_batch",
    "get_list_dag_runs_batch",
)
def _get_dag_runs_batch(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    allowed = {"dag_ids", "states", "page_offset", "page_limit", "order_by"}
    prefix = "logical_date" if d.v2 else "execution_date"
    for name in (prefix, "start_date", "end_date") + (("run_after", "duration") if d.v2 else ()):
        allowed |= {name + suffix for suffix in ("_gte", "_lte")}
        if d.v2:
            allowed |= {name + suffix for suffix in ("_gt", "_lt")}
    if d.minor >= (3, 2):
        allowed.add("conf_contains")
    body = body_fields(call.body if call.body is not None else {}, allowed, (), d)
    if isinstance(body, Answer):
        return body
    dag_ids = body.get("dag_ids")
    runs = [run for run in server.runs.values() if not dag_ids or run.dag_id in dag_ids]
    for run in runs:
        server.advance(run)

    def get_list(name: str) -> list[str]:
        return [str(item) for item in json_array(body.get(name))]

    filtered = _run_filters(server, runs, body.get, get_list)
    if isinstance(filtered, Answer):
        return filtered
    order = body.get("order_by")
    window = (body.get("page_offset"), body.get("page_limit", 100), [order] if order else [])
    return _run_page(server, call, filtered, window)


@register(
    "GET",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "get_dag_run",
)
def _get_dag_run(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    server.advance(run)
    body = server.run_body(run)
    fields = server.dialect.list_param(call.query, "fields") if not server.dialect.v2 else []
    if fields:
        # Airflow 2 answers only the fields asked for.
        body = {k: v for k, v in body.items() if k in fields}
    return server.dialect.ok(body)


@register(
    "DELETE",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "delete_dag_run",
)
def _delete_dag_run(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    del server.runs[(run.dag_id, run.run_id)]
    return server.dialect.no_content()


@register(
    "PATCH",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "/dags/{dag_id}/dagRuns/{dag_run_id}",
    "update_dag_run_state",
    "patch_dag_run",
)
def _patch_dag_run(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    body = body_fields(call.body, {"state", "note"}, (), d)
    if isinstance(body, Answer):
        return body
    mask = server.mask(call) or list(body)
    if "state" in mask and "state" in body:
        state = body["state"]
        if state not in ("queued", "success", "failed"):
            return d.bad_request(
                f"'{state}' is not one of ['queued', 'success', 'failed']", loc=("body", "state")
            )
        run.state = state
        now = time.time()
        if state in FINISHED:
            run.end_date = now
            for ti in run.task_instances.values():
                if ti.state not in ("success", "failed", "upstream_failed", "skipped"):
                    ti.state = state
        else:
            run.end_date = None
            run.reads_left = server.reads_per_state
    if "note" in mask and "note" in body:
        run.note = body["note"]
    return d.ok(server.run_body(run))


@register("PATCH", "/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", None, "set_dag_run_note")
def _set_dag_run_note(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    body = body_fields(call.body, {"note"}, (), server.dialect)
    if isinstance(body, Answer):
        return body
    run.note = body.get("note")
    return server.dialect.ok(server.run_body(run))


@register(
    "POST",
    "/dags/{dag_id}/dagRuns/{dag_run_id}/clear",
    "/dags/{dag_id}/dagRuns/{dag_run_id}/clear",
    "clear_dag_run",
)
def _clear_dag_run(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    allowed = {"dry_run"} | (
        {"only_failed", "only_new", "run_on_latest_version", "note"} if d.v2 else set[str]()
    )
    body = body_fields(call.body if call.body is not None else {}, allowed, (), d)
    if isinstance(body, Answer):
        return body
    dry_run = body.get("dry_run", True)
    tis = [
        ti
        for ti in run.task_instances.values()
        if not body.get("only_failed") or ti.state in ("failed", "upstream_failed")
    ]
    if dry_run:
        if d.v2:
            items = [server.ti_body(run, ti) for ti in tis]
            return d.ok({"task_instances": items, "total_entries": len(items)})
        return d.ok({"task_instances": [ti_reference(server, run, ti) for ti in tis]})
    for ti in tis:
        ti.state = None
        ti.start_date = ti.end_date = None
    run.state = "queued"
    run.end_date = None
    run.reads_left = server.reads_per_state
    if d.v2:
        return d.ok(server.run_body(run))
    return d.ok(server.run_body(run))


def ti_reference(server: FakeServer, run: Run, ti: TaskInstance) -> dict[str, Any]:
    logical = run.logical_date if run.logical_date is not None else run.run_after
    return {
        "dag_id": run.dag_id,
        "dag_run_id": run.run_id,
        "execution_date": server.dialect.timestamp(logical),
        "task_id": ti.task_id,
    }


@register("GET", None, "/dags/{dag_id}/dagRuns/{dag_run_id}/wait", "wait_dag_run_until_finished")
def _wait(server: FakeServer, call: Call) -> Answer:
    run = server.run_or_404(call.params["dag_id"], call.params["dag_run_id"])
    if isinstance(run, Answer):
        return run
    lines: list[str] = []
    while True:
        lines.append(json.dumps({"state": run.state}))
        if run.state in FINISHED:
            break
        before = (run.state, run.reads_left)
        server.advance(run)
        if (run.state, run.reads_left) == before:
            # A paused DAG's run never moves: a real server would stream its state until
            # the client gives up; the fake ends the answer instead of holding it open.
            break
    dag = server.dags[run.dag_id]
    results: dict[str, Any] = {}
    for task_id in call.query.get_list("task_ids") or list(dag.results):
        entry = run.xcoms.get((task_id, -1, "return_value"))
        if entry is not None:
            results[task_id] = entry[0]
    if results:
        lines[-1] = json.dumps({"state": run.state, "results": results})
    return Answer(200, ("\n".join(lines) + "\n").encode(), {"content-type": "application/x-ndjson"})


# ---------------------------------------------------------------------------------------------
# configuration ([webserver] / [api] expose_config on)

_HIDDEN = "< hidden >"


def _config(server: FakeServer) -> dict[str, dict[str, str]]:
    d = server.dialect
    sections: dict[str, dict[str, str]] = {
        "core": {
            "dags_folder": "/opt/airflow/dags",
            "executor": "LocalExecutor" if d.v2 else "SequentialExecutor",
            "load_examples": "True",
            "parallelism": "32",
        },
        "database": {"sql_alchemy_conn": _HIDDEN},
        "api": {"maximum_page_limit": str(server.maximum_page_limit)},
        "scheduler": {"dag_dir_list_interval": "300"},
    }
    if not d.v2:
        sections["webserver"] = {"expose_config": "True", "secret_key": _HIDDEN}
    return sections


def _config_answer(server: FakeServer, call: Call, sections: dict[str, dict[str, str]]) -> Answer:
    if "text/plain" in call.request.headers.get("accept", ""):
        text = "".join(
            f"[{name}]\n" + "".join(f"{key} = {value}\n" for key, value in options.items()) + "\n"
            for name, options in sections.items()
        )
        return Answer(200, text.encode(), {"content-type": "text/plain"})
    body = {
        "sections": [
            {"name": name, "options": [{"key": k, "value": v} for k, v in options.items()]}
            for name, options in sections.items()
        ]
    }
    return server.dialect.ok(body)


@register("GET", "/config", "/config", "get_config")
def _get_config(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    sections = _config(server)
    wanted = call.query.get("section")
    if wanted is not None:
        if wanted not in sections:
            if d.v2:
                return d.error(404, f"Section {wanted} not found.")
            return d.error(404, f"section={wanted} not found.", title="Config not found")
        sections = {wanted: sections[wanted]}
    return _config_answer(server, call, sections)


@register(
    "GET",
    "/config/section/{section}/option/{option}",
    "/config/section/{section}/option/{option}",
    "get_value",
    "get_config_value",
)
def _get_config_value(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    section, option = call.params["section"], call.params["option"]
    value = _config(server).get(section, {}).get(option)
    if value is None:
        detail = f"Option [{section}/{option}] not found."
        return d.error(404, detail) if d.v2 else d.error(404, detail, title="Config not found")
    return _config_answer(server, call, {section: {option: value}})


# ---------------------------------------------------------------------------------------------
# DAG warnings (the fake's DAGs have none) and DAG versions (each of its DAGs has one)


@register("GET", "/dagWarnings", "/dagWarnings", "get_dag_warnings", "list_dag_warnings")
def _get_dag_warnings(server: FakeServer, call: Call) -> Answer:
    orders = ("timestamp", "dag_id", "warning_type", "message")
    return server.page([], call, "dag_warnings", "timestamp", orders)


@register("GET", None, "/dags/{dag_id}/dagVersions", "get_dag_versions")
def _get_dag_versions(server: FakeServer, call: Call) -> Answer:
    dag_id = call.params["dag_id"]
    if dag_id != "~":
        dag = server.dag_or_404(dag_id)
        if isinstance(dag, Answer):
            return dag
    number = call.query.get("version_number")
    items = [
        server.dag_version_body(dag)
        for dag in server.dags.values()
        if dag_id in ("~", dag.dag_id) and number in (None, "1")
    ]
    orders = ("id", "version_number", "bundle_name", "bundle_version", "created_at", "dag_id")
    return server.page(items, call, "dag_versions", "id", orders)


@register("GET", None, "/dags/{dag_id}/dagVersions/{version_number}", "get_dag_version")
def _get_dag_version(server: FakeServer, call: Call) -> Answer:
    dag = server.dag_or_404(call.params["dag_id"])
    if isinstance(dag, Answer):
        return dag
    number = call.params["version_number"]
    if number != "1":
        return server.dialect.error(
            404,
            f"The DagVersion with dag_id: `{dag.dag_id}` and version_number: `{number}` "
            "was not found",
        )
    return server.dialect.ok(server.dag_version_body(dag))


# ---------------------------------------------------------------------------------------------
# providers and the scheduler's job

#: The provider packages the fake reports: (package, version, description).
_PROVIDERS = (
    (
        "apache-airflow-providers-common-compat",
        "1.7.3",
        "Common Compatibility Provider - providing compatibility code for previous Airflow "
        "versions",
    ),
    ("apache-airflow-providers-http", "5.3.3", "Hypertext Transfer Protocol (HTTP)"),
    ("apache-airflow-providers-standard", "1.6.0", "Airflow Standard Provider"),
)


@register("GET", "/providers", "/providers", "get_providers")
def _get_providers(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    items: list[dict[str, Any]] = []
    for package, version, description in _PROVIDERS:
        item = {"description": description, "package_name": package, "version": version}
        if d.minor >= (3, 3):
            item["documentation_url"] = f"https://airflow.apache.org/docs/{package}/{version}"
        items.append(item)
    if not d.v2:
        # Airflow 2's route takes no paging: the whole list, whatever is asked.
        return d.ok({"providers": items, "total_entries": len(items)})
    return server.page(items, call, "providers", "package_name", ())


@register("GET", None, "/jobs", "get_jobs")
def _get_jobs(server: FakeServer, call: Call) -> Answer:
    d = server.dialect
    job: dict[str, Any] = {
        "dag_id": None,
        "end_date": None,
        "executor_class": None,
        "hostname": "fake-airflow",
        "id": 1,
        "job_type": "SchedulerJob",
        "latest_heartbeat": d.timestamp(time.time()),
        "start_date": d.timestamp(server.started),
        "state": "running",
        "unixname": "airflow",
    }
    if d.minor >= (3, 3):
        job["dag_display_name"] = None
    query = call.query
    wanted = {
        "job_type": query.get("job_type"),
        "state": query.get("job_state"),
        "hostname": query.get("hostname"),
    }
    jobs = [job] if all(v in (None, job[k]) for k, v in wanted.items()) else []
    alive = query.get("is_alive")
    if alive is not None and alive.lower() != "true":
        jobs = []
    orders = ("id", "dag_id", "state", "job_type", "start_date", "end_date", "latest_heartbeat")
    return server.page(jobs, call, "jobs", "id", orders)
