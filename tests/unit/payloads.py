"""Realistic response bodies, written after what Airflow 2.11.2 sends (nulls included)."""

from __future__ import annotations

from typing import Any


def dag(dag_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "dag_display_name": dag_id,
        "dag_id": dag_id,
        "default_view": "grid",
        "description": None,
        "file_token": "Ii9vcHQvYWlyZmxvdy9kYWdzL2V4YW1wbGUucHki.abc123",
        "fileloc": f"/opt/airflow/dags/{dag_id}.py",
        "has_import_errors": False,
        "has_task_concurrency_limits": False,
        "is_active": True,
        "is_paused": True,
        "is_subdag": False,
        "last_expired": None,
        "last_parsed_time": "2024-05-01T12:00:00.123456+00:00",
        "last_pickled": None,
        "max_active_runs": 16,
        "max_active_tasks": 16,
        "max_consecutive_failed_dag_runs": 0,
        "next_dagrun": None,
        "next_dagrun_create_after": None,
        "next_dagrun_data_interval_end": None,
        "next_dagrun_data_interval_start": None,
        "owners": ["airflow"],
        "pickle_id": None,
        "root_dag_id": None,
        "schedule_interval": {"__type": "CronExpression", "value": "0 0 * * *"},
        "scheduler_lock": None,
        "tags": [{"name": "example"}],
        "timetable_description": "At 00:00",
    }
    body.update(overrides)
    return body


def dag_run(dag_id: str, run_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "conf": {},
        "dag_id": dag_id,
        "dag_run_id": run_id,
        "data_interval_end": "2024-05-01T12:00:00+00:00",
        "data_interval_start": "2024-05-01T12:00:00+00:00",
        "end_date": None,
        "execution_date": "2024-05-01T12:00:00+00:00",
        "external_trigger": True,
        "last_scheduling_decision": None,
        "logical_date": "2024-05-01T12:00:00+00:00",
        "note": None,
        "run_type": "manual",
        "start_date": None,
        "state": "queued",
        "triggered_by": "rest_api",
    }
    body.update(overrides)
    return body


def pool(name: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "deferred_slots": 0,
        "description": None,
        "include_deferred": False,
        "name": name,
        "occupied_slots": 0,
        "open_slots": 5,
        "queued_slots": 0,
        "running_slots": 0,
        "scheduled_slots": 0,
        "slots": 5,
    }
    body.update(overrides)
    return body


def task_instance_reference(task_id: str, run_id: str = "manual__1") -> dict[str, Any]:
    return {
        "dag_id": "d",
        "dag_run_id": run_id,
        "execution_date": "2024-05-01T12:00:00+00:00",
        "task_id": task_id,
    }


def problem(status: int, title: str, detail: str | None = None) -> dict[str, Any]:
    return {
        "detail": detail,
        "status": status,
        "title": title,
        "type": (
            "https://airflow.apache.org/docs/apache-airflow/2.11.2/stable-rest-api-ref.html"
            f"#section/Errors/{title.replace(' ', '')}"
        ),
    }
