"""Response bodies for the benchmarks, built from JSON recorded from a real Airflow 2.11.2.

The recorded pages are small (the test server caps pages at 10 items), so a 100-item page
repeats the recorded objects with distinct ids. Every field, null and nested object is one
the real server sent.

The Airflow 3 bodies (``health_v2``, ``dag_fragments_v2``, ``dag_page_v2``, ``dag_run_v2``,
``task_instance_page_v2``) carry the same recorded values in the shape of Airflow 3.3's
HealthInfoResponse, DAGResponse, DAGRunResponse and TaskInstanceResponse: every field those
send, renamed and added as Airflow 3 does, with datetimes written with ``Z``.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any

__all__ = [
    "FIXTURES",
    "dag_fragments",
    "dag_fragments_v2",
    "dag_page",
    "dag_page_v2",
    "dag_run",
    "dag_run_v2",
    "encode",
    "health",
    "health_v2",
    "task_instance_page",
    "task_instance_page_v2",
]

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


@functools.cache
def _recorded_text(name: str) -> str:
    return json.dumps(json.loads((FIXTURES / f"{name}.json").read_text())["body"])


def _recorded(name: str) -> Any:
    """A fresh copy of a recorded body (the stub asks for one per run it makes)."""
    return json.loads(_recorded_text(name))


def encode(value: Any) -> bytes:
    """Encode ``value`` as JSON bytes: the same bytes go to every client measured."""
    return json.dumps(value).encode()


def health() -> bytes:
    """``GET /health`` as recorded."""
    return encode(_recorded("get_health"))


def _dags(count: int) -> list[dict[str, Any]]:
    recorded = _recorded("get_dags")["dags"]
    dags = []
    for index in range(count):
        dag = copy.deepcopy(recorded[index % len(recorded)])
        if index >= len(recorded):
            suffix = f"_{index:06d}"
            dag["dag_id"] += suffix
            dag["dag_display_name"] += suffix
        dags.append(dag)
    return dags


def dag_fragments(count: int = 100) -> list[bytes]:
    """``count`` DAG objects, each encoded on its own (the stub joins them into pages)."""
    return [encode(dag) for dag in _dags(count)]


def dag_page(count: int = 100, total_entries: int | None = None) -> bytes:
    """A ``GET /dags`` page of ``count`` DAGs."""
    total = count if total_entries is None else total_entries
    return encode({"dags": _dags(count), "total_entries": total})


def task_instance_page(count: int = 100) -> bytes:
    """A ``GET .../taskInstances`` page of ``count`` task instances."""
    recorded = _recorded("get_task_instances")["task_instances"]
    items = []
    for index in range(count):
        item = copy.deepcopy(recorded[index % len(recorded)])
        if index >= len(recorded):
            item["dag_run_id"] = f"{item['dag_run_id']}_{index // len(recorded):04d}"
        items.append(item)
    return encode({"task_instances": items, "total_entries": count})


def dag_run(dag_id: str | None = None, dag_run_id: str | None = None) -> dict[str, Any]:
    """The answer to ``POST /dags/{dag_id}/dagRuns`` as recorded, for this DAG and run id."""
    run: dict[str, Any] = _recorded("get_dag_run")
    if dag_id is not None:
        run["dag_id"] = dag_id
    if dag_run_id is not None:
        run["dag_run_id"] = dag_run_id
    run["state"] = "queued"
    run["start_date"] = None
    run["end_date"] = None
    return run


def _z(value: str | None) -> str | None:
    """A recorded ``+00:00`` datetime as Airflow 3 writes it (``Z``)."""
    return value.replace("+00:00", "Z") if value else value


def health_v2() -> bytes:
    """``GET /api/v2/monitor/health``: the recorded health, datetimes as Airflow 3 writes them."""
    recorded = _recorded("get_health")
    for component in recorded.values():
        for name, value in component.items():
            if name.endswith("_heartbeat"):
                component[name] = _z(value)
    return encode(recorded)


def dag_run_v2(dag_id: str, dag_run_id: str) -> dict[str, Any]:
    """A queued run as Airflow 3.3's ``POST /api/v2/dags/{dag_id}/dagRuns`` answers it.

    The recorded Airflow 2 run, renamed and completed as Airflow 3 sends it: no logical date
    (a run triggered with ``logical_date: null``), ``run_after`` and ``queued_at`` set.
    """
    recorded = _recorded("get_dag_run")
    queued = _z(recorded["data_interval_start"])
    return {
        "dag_run_id": dag_run_id,
        "dag_id": dag_id,
        "logical_date": None,
        "queued_at": queued,
        "start_date": None,
        "end_date": None,
        "duration": None,
        "data_interval_start": queued,
        "data_interval_end": _z(recorded["data_interval_end"]),
        "run_after": queued,
        "last_scheduling_decision": None,
        "run_type": recorded["run_type"],
        "state": "queued",
        "triggered_by": "rest_api",
        "triggering_user_name": "admin",
        "conf": recorded["conf"],
        "note": recorded["note"],
        "dag_versions": [
            {
                "id": "0197a1f0-0000-7000-8000-000000000001",
                "version_number": 1,
                "dag_id": dag_id,
                "bundle_name": "dags-folder",
                "bundle_version": None,
                "created_at": queued,
                "dag_display_name": dag_id,
                "bundle_url": None,
            }
        ],
        "bundle_version": None,
        "dag_display_name": dag_id,
        "partition_key": None,
        "partition_date": None,
    }


def _dag_v2(dag: dict[str, Any]) -> dict[str, Any]:
    file = dag["fileloc"]
    return {
        "dag_id": dag["dag_id"],
        "dag_display_name": dag["dag_display_name"],
        "is_paused": dag["is_paused"],
        "is_stale": not dag["is_active"],
        "last_parsed_time": _z(dag["last_parsed_time"]),
        "last_parse_duration": 0.0432,
        "last_expired": _z(dag["last_expired"]),
        "bundle_name": "dags-folder",
        "bundle_version": None,
        "relative_fileloc": file.rsplit("/", 1)[-1],
        "fileloc": file,
        "description": dag["description"],
        "timetable_summary": (dag["schedule_interval"] or {}).get("value"),
        "timetable_description": dag["timetable_description"],
        "timetable_partitioned": False,
        "timetable_periodic": dag["schedule_interval"] is not None,
        "tags": [
            {
                "name": t["name"],
                "dag_id": dag["dag_id"],
                "dag_display_name": dag["dag_display_name"],
            }
            for t in dag["tags"]
        ],
        "max_active_tasks": dag["max_active_tasks"],
        "max_active_runs": dag["max_active_runs"],
        "max_consecutive_failed_dag_runs": dag["max_consecutive_failed_dag_runs"],
        "has_task_concurrency_limits": dag["has_task_concurrency_limits"],
        "has_import_errors": dag["has_import_errors"],
        "next_dagrun_logical_date": _z(dag["next_dagrun"]),
        "next_dagrun_data_interval_start": _z(dag["next_dagrun_data_interval_start"]),
        "next_dagrun_data_interval_end": _z(dag["next_dagrun_data_interval_end"]),
        "next_dagrun_run_after": _z(dag["next_dagrun_create_after"]),
        "allowed_run_types": None,
        "owners": dag["owners"],
        "is_backfillable": dag["schedule_interval"] is not None,
        "file_token": dag["file_token"],
    }


def dag_fragments_v2(count: int = 100) -> list[bytes]:
    """``count`` DAG objects as Airflow 3.3 sends them, each encoded on its own."""
    return [encode(_dag_v2(dag)) for dag in _dags(count)]


def dag_page_v2(count: int = 100) -> bytes:
    """A ``GET /api/v2/dags`` page of ``count`` DAGs (the recorded ones, as Airflow 3.3)."""
    return encode({"dags": [_dag_v2(d) for d in _dags(count)], "total_entries": count})


def _task_instance_v2(item: dict[str, Any], index: int) -> dict[str, Any]:
    logical = _z(item["execution_date"])
    return {
        "id": f"0197a1f2-3c4d-7e5f-8a9b-{index:012x}",
        "task_id": item["task_id"],
        "dag_id": item["dag_id"],
        "dag_run_id": item["dag_run_id"],
        "map_index": item["map_index"],
        "logical_date": logical,
        "run_after": logical,
        "start_date": _z(item["start_date"]),
        "end_date": _z(item["end_date"]),
        "duration": item["duration"],
        "state": item["state"],
        "try_number": item["try_number"],
        "max_tries": item["max_tries"],
        "task_display_name": item["task_display_name"],
        "dag_display_name": item["dag_id"],
        "hostname": item["hostname"],
        "unixname": item["unixname"],
        "pool": item["pool"],
        "pool_slots": item["pool_slots"],
        "queue": item["queue"],
        "priority_weight": item["priority_weight"],
        "operator": item["operator"],
        "operator_name": "@task",
        "queued_when": _z(item["queued_when"]),
        "scheduled_when": _z(item["queued_when"]),
        "pid": item["pid"],
        "executor": item["executor"],
        "executor_config": item["executor_config"],
        "note": item["note"],
        "rendered_map_index": item["rendered_map_index"],
        "rendered_fields": item["rendered_fields"],
        "trigger": None,
        "triggerer_job": None,
        "dag_version": {
            "id": "0197a1f0-0000-7000-8000-000000000001",
            "version_number": 1,
            "dag_id": item["dag_id"],
            "bundle_name": "dags-folder",
            "bundle_version": None,
            "created_at": logical,
            "dag_display_name": item["dag_id"],
            "bundle_url": None,
        },
    }


def task_instance_page_v2(count: int = 100) -> bytes:
    """A ``GET /api/v2/.../taskInstances`` page of ``count`` task instances (as Airflow 3.3)."""
    recorded = json.loads(task_instance_page(count))["task_instances"]
    items = [_task_instance_v2(item, index) for index, item in enumerate(recorded)]
    return encode(
        {
            "task_instances": items,
            "total_entries": count,
            "total_entries_limit": None,
            "next_cursor": None,
            "previous_cursor": None,
        }
    )
