"""What the fake Airflow holds: DAGs, runs and their task instances, pools, variables, ...

Runs advance when they are read, not with time: each read of a run (or of its task
instances, logs or the wait stream) moves it one step along ``queued → running → success``
(or ``failed`` when one of its tasks was made to fail), so tests never sleep.
"""

from __future__ import annotations

import dataclasses
import time
import uuid
from typing import Any

__all__ = [
    "FINISHED",
    "Connection",
    "Dag",
    "DagImportError",
    "EventLog",
    "Pool",
    "Run",
    "TaskInstance",
    "Variable",
]

#: Run states that no longer change.
FINISHED = frozenset({"success", "failed"})


@dataclasses.dataclass
class Dag:
    """A registered DAG; its tasks run one after another, in order."""

    dag_id: str
    tasks: list[str]
    description: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list[str])
    owners: list[str] = dataclasses.field(default_factory=lambda: ["airflow"])
    schedule: str | None = None
    is_paused: bool = True
    failing: set[str] = dataclasses.field(default_factory=set[str])
    results: dict[str, Any] = dataclasses.field(default_factory=dict[str, Any])
    params: dict[str, Any] = dataclasses.field(default_factory=dict[str, Any])
    xcoms: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict[str, dict[str, Any]])
    operator: str = "PythonOperator"
    downstream: dict[str, list[str]] = dataclasses.field(default_factory=dict[str, list[str]])
    """Task id → the tasks that run after it (default: each task's next one)."""
    mapped: dict[str, list[dict[str, Any]]] = dataclasses.field(
        default_factory=dict[str, list[dict[str, Any]]]
    )
    """Task id → the keyword arguments of each of its mapped instances."""

    fileloc: str = ""
    created: float = dataclasses.field(default_factory=time.time)
    version_id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))

    def __post_init__(self) -> None:
        if not self.downstream:
            self.downstream = {
                task: self.tasks[index + 1 : index + 2] for index, task in enumerate(self.tasks)
            }

    def upstream(self, task_id: str) -> list[str]:
        """The tasks that must succeed before ``task_id`` runs."""
        return [task for task, after in self.downstream.items() if task_id in after]

    def below(self, task_id: str) -> list[str]:
        """Every task downstream of ``task_id``, nearest first."""
        seen: list[str] = []
        todo = list(self.downstream.get(task_id, []))
        while todo:
            task = todo.pop(0)
            if task not in seen:
                seen.append(task)
                todo.extend(self.downstream.get(task, []))
        return seen

    def map_indexes(self, task_id: str) -> list[int]:
        """The map indexes of a task's instances: ``[-1]`` unless it is mapped."""
        expanded = self.mapped.get(task_id)
        return [-1] if expanded is None else list(range(len(expanded)))


@dataclasses.dataclass
class TaskInstance:
    """One task's attempt in a run."""

    task_id: str
    map_index: int = -1
    state: str | None = None
    try_number: int = 0
    queued_when: float | None = None
    start_date: float | None = None
    end_date: float | None = None
    note: str | None = None
    id: str = dataclasses.field(default_factory=lambda: str(uuid.uuid4()))
    history: list[dict[str, Any]] = dataclasses.field(default_factory=list[dict[str, Any]])
    """The tries that ended: try number, state and times."""

    @property
    def duration(self) -> float | None:
        """Seconds between start and end, once ended."""
        if self.start_date is None or self.end_date is None:
            return None
        return round(self.end_date - self.start_date, 6)


@dataclasses.dataclass
class Run:
    """A DAG run and its task instances."""

    dag_id: str
    run_id: str
    logical_date: float | None
    conf: dict[str, Any]
    run_type: str = "manual"
    state: str = "queued"
    note: str | None = None
    user: str | None = None
    queued_at: float = dataclasses.field(default_factory=time.time)
    run_after: float = dataclasses.field(default_factory=time.time)
    start_date: float | None = None
    end_date: float | None = None
    reads_left: int = 0
    task_instances: dict[tuple[str, int], TaskInstance] = dataclasses.field(
        default_factory=dict[tuple[str, int], TaskInstance]
    )
    """(task id, map index) → its instance, in the order the tasks run."""
    xcoms: dict[tuple[str, int, str], tuple[Any, float]] = dataclasses.field(
        default_factory=dict[tuple[str, int, str], tuple[Any, float]]
    )
    """(task id, map index, key) → (value, when it was pushed)."""

    @property
    def duration(self) -> float | None:
        """Seconds the run took, once ended."""
        if self.start_date is None or self.end_date is None:
            return None
        return round(self.end_date - self.start_date, 6)


@dataclasses.dataclass
class Pool:
    """A pool."""

    name: str
    slots: int
    description: str | None = None
    include_deferred: bool = False


@dataclasses.dataclass
class Variable:
    """A variable (its value is kept as the string the server stores)."""

    key: str
    value: str
    description: str | None = None


@dataclasses.dataclass
class Connection:
    """A connection."""

    connection_id: str
    conn_type: str
    description: str | None = None
    host: str | None = None
    login: str | None = None
    schema: str | None = None
    port: int | None = None
    password: str | None = None
    extra: str | None = None


@dataclasses.dataclass
class EventLog:
    """An entry of the audit log."""

    event_log_id: int
    event: str
    dag_id: str | None = None
    run_id: str | None = None
    task_id: str | None = None
    owner: str | None = None
    extra: str | None = None
    when: float = dataclasses.field(default_factory=time.time)


@dataclasses.dataclass
class DagImportError:
    """A DAG file that failed to parse."""

    import_error_id: int
    filename: str
    stack_trace: str
    timestamp: float = dataclasses.field(default_factory=time.time)
