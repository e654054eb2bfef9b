"""Bodies of DAG and DAG run answers in each API's shape, and request helpers for tests.

The v1 bodies come from :mod:`tests.unit.payloads` (after Airflow 2.11.2); the v2 ones are
written after what Airflow 3.3.2's server returns (``DAGResponse``, ``DAGRunResponse``).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

from . import payloads


def dag_v2(dag_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dag_id": dag_id,
        "dag_display_name": dag_id,
        "is_paused": True,
        "is_stale": False,
        "last_parsed_time": "2026-12-01T12:00:00.123456Z",
        "last_parse_duration": 0.25,
        "last_expired": None,
        "bundle_name": "dags-folder",
        "bundle_version": None,
        "relative_fileloc": f"{dag_id}.py",
        "fileloc": f"/opt/airflow/dags/{dag_id}.py",
        "description": None,
        "timetable_summary": None,
        "timetable_description": "Never, external triggers only",
        "timetable_partitioned": False,
        "timetable_periodic": False,
        "tags": [{"name": "example", "dag_id": dag_id, "dag_display_name": dag_id}],
        "max_active_tasks": 16,
        "max_active_runs": 16,
        "max_consecutive_failed_dag_runs": 0,
        "has_task_concurrency_limits": False,
        "has_import_errors": False,
        "next_dagrun_logical_date": None,
        "next_dagrun_data_interval_start": None,
        "next_dagrun_data_interval_end": None,
        "next_dagrun_run_after": None,
        "allowed_run_types": None,
        "is_backfillable": False,
        "owners": ["airflow"],
        "file_token": "eyJidW5kbGVfbmFtZSI6ImRhZ3MtZm9sZGVyIn0.abc",
    }
    body.update(overrides)
    return body


def dag_run_v2(dag_id: str, run_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dag_run_id": run_id,
        "dag_id": dag_id,
        "logical_date": None,
        "queued_at": "2026-12-01T12:00:00Z",
        "start_date": None,
        "end_date": None,
        "duration": None,
        "data_interval_start": None,
        "data_interval_end": None,
        "run_after": "2026-12-01T12:00:00Z",
        "last_scheduling_decision": None,
        "run_type": "manual",
        "state": "queued",
        "triggered_by": "rest_api",
        "triggering_user_name": "admin",
        "conf": {},
        "note": None,
        "dag_versions": [],
        "bundle_version": None,
        "dag_display_name": dag_id,
        "partition_key": None,
        "partition_date": None,
    }
    body.update(overrides)
    return body


def dag(api_version: str, dag_id: str, **overrides: Any) -> dict[str, Any]:
    """A DAG as ``api_version`` answers it."""
    if api_version == "v1":
        return payloads.dag(dag_id, **overrides)
    return dag_v2(dag_id, **overrides)


def dag_run(api_version: str, dag_id: str, run_id: str, **overrides: Any) -> dict[str, Any]:
    """A DAG run as ``api_version`` answers it."""
    if api_version == "v1":
        return payloads.dag_run(dag_id, run_id, **overrides)
    return dag_run_v2(dag_id, run_id, **overrides)


def error(api_version: str, status: int, message: str) -> dict[str, Any]:
    """An error body: v1's problem+json, v2's ``{"detail": ...}``."""
    if api_version == "v1":
        return payloads.problem(status, message, message)
    return {"detail": message}


def operation_calls(router: respx.MockRouter) -> list[httpx.Request]:
    """The requests that reached the router, apart from the version probe."""
    return [c.request for c in router.calls if not c.request.url.path.endswith("/version")]


def body_of(request: httpx.Request) -> Any:
    """The JSON body of a request."""
    return json.loads(request.content)


def answer_version(router: respx.MockRouter, release: str = "2.11.2") -> None:
    """Answer the version probe (which a refusal makes to name the server's release)."""
    router.get("/version").respond(json={"version": release, "git_version": "test"})
