"""Record what the real Airflow server answers, as test fixtures for the converter.

Runs against the server started by ``scripts/airflow_server.py start``: triggers the test
DAGs it needs (with fixed run ids), waits for them, then saves the JSON body of one call per
read operation to ``tests/fixtures/<operationId>.json``. Secrets are replaced before
anything is written (:func:`tests.integration._capture.redact`).
Each file holds ``{"operation_id", "status", "body"}``.

Usage::

    .venv/bin/python scripts/capture_fixtures.py [--output tests/fixtures]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time
from typing import Any

import httpx

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.integration._capture import redact  # noqa: E402
from tests.integration._server import load_server  # noqa: E402

RUNS = {
    "client_test_fast": "fixture-fast",
    "client_test_xcom": "fixture-xcom",
    "client_test_mapped": "fixture-mapped",
}


def ensure_run(api: httpx.Client, dag_id: str, run_id: str) -> None:
    """Trigger ``dag_id`` as ``run_id`` unless it exists, and wait for it to end."""
    api.patch(f"/dags/{dag_id}", params={"update_mask": "is_paused"}, json={"is_paused": False})
    if api.get(f"/dags/{dag_id}/dagRuns/{run_id}").status_code == 404:
        api.post(f"/dags/{dag_id}/dagRuns", json={"dag_run_id": run_id}).raise_for_status()
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        state = api.get(f"/dags/{dag_id}/dagRuns/{run_id}").json()["state"]
        if state in ("success", "failed"):
            return
        time.sleep(1)
    raise SystemExit(f"{dag_id}/{run_id} did not finish")


def calls(file_token: str, event_log_id: int) -> list[tuple[str, str, dict[str, Any]]]:
    """(operationId, path, params) of every read recorded."""
    fast, xcom, mapped = (f"/dags/{d}/dagRuns/{r}" for d, r in RUNS.items())
    return [
        ("get_dags", "/dags", {"limit": 100}),
        ("get_dag", "/dags/example_bash_operator", {}),
        ("get_dag_details", "/dags/example_bash_operator/details", {}),
        ("get_tasks", "/dags/example_bash_operator/tasks", {}),
        ("get_task", "/dags/example_bash_operator/tasks/runme_0", {}),
        ("get_dag_runs", "/dags/~/dagRuns", {"limit": 100}),
        ("get_dag_run", fast, {}),
        ("get_task_instances", f"{mapped}/taskInstances", {}),
        ("get_task_instance", f"{fast}/taskInstances/say_hello", {}),
        ("get_mapped_task_instances", f"{mapped}/taskInstances/double/listMapped", {}),
        ("get_mapped_task_instance", f"{mapped}/taskInstances/double/1", {}),
        ("get_task_instance_dependencies", f"{fast}/taskInstances/say_hello/dependencies", {}),
        ("get_task_instance_tries", f"{fast}/taskInstances/say_hello/tries", {}),
        ("get_task_instance_try_details", f"{fast}/taskInstances/say_hello/tries/1", {}),
        ("get_extra_links", f"{fast}/taskInstances/say_hello/links", {}),
        ("get_log", f"{fast}/taskInstances/say_hello/logs/1", {}),
        ("get_xcom_entries", f"{xcom}/taskInstances/push/xcomEntries", {}),
        ("get_xcom_entry", f"{xcom}/taskInstances/push/xcomEntries/answer", {}),
        ("get_pools", "/pools", {}),
        ("get_pool", "/pools/default_pool", {}),
        ("get_connections", "/connections", {"limit": 100}),
        ("get_variables", "/variables", {}),
        ("get_datasets", "/datasets", {}),
        ("get_dataset_events", "/datasets/events", {}),
        ("get_dag_stats", "/dagStats", {"dag_ids": "client_test_fast"}),
        ("get_dag_source", f"/dagSources/{file_token}", {}),
        ("get_dag_warnings", "/dagWarnings", {}),
        ("get_event_logs", "/eventLogs", {"limit": 100}),
        ("get_event_log", f"/eventLogs/{event_log_id}", {}),
        ("get_import_errors", "/importErrors", {}),
        ("get_health", "/health", {}),
        ("get_version", "/version", {}),
        ("get_plugins", "/plugins", {}),
        ("get_providers", "/providers", {}),
        ("get_roles", "/roles", {"limit": 100}),
        ("get_role", "/roles/Viewer", {}),
        ("get_permissions", "/permissions", {"limit": 100}),
        ("get_users", "/users", {}),
        ("get_user", "/users/admin", {}),
        ("get_value", "/config/section/core/option/dags_are_paused_at_creation", {}),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=pathlib.Path, default=REPO / "tests" / "fixtures")
    args = parser.parse_args(argv)
    server = load_server()
    args.output.mkdir(parents=True, exist_ok=True)
    with httpx.Client(
        base_url=server.api_url,
        auth=server.admin.as_tuple(),
        headers={"Accept": "application/json"},
        timeout=60,
    ) as api:
        for dag_id, run_id in RUNS.items():
            ensure_run(api, dag_id, run_id)
        file_token = api.get("/dags/client_test_fast").json()["file_token"]
        event_log_id = api.get("/eventLogs", params={"limit": 1}).json()["event_logs"][0][
            "event_log_id"
        ]
        for operation_id, path, params in calls(file_token, event_log_id):
            response = api.get(path, params=params)
            body = redact(response.json())
            record = {"operation_id": operation_id, "status": response.status_code, "body": body}
            target = args.output / f"{operation_id}.json"
            target.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
            print(f"{response.status_code} {operation_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
