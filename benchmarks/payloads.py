"""Response bodies for the benchmarks, built from JSON recorded from a real Airflow 2.11.2.

The recorded pages are small (the test server caps pages at 10 items), so a 100-item page
repeats the recorded objects with distinct ids. Every field, null and nested object is one
the real server sent.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

__all__ = [
    "FIXTURES",
    "dag_fragments",
    "dag_page",
    "dag_run",
    "encode",
    "health",
    "task_instance_page",
]

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"


def _recorded(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text())["body"]


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
