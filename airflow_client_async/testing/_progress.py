"""How the fake's DAG runs move: queued, running, then finished, a step for each read.

:class:`ProgressMixin` gives :class:`~._server.FakeServer` the starting and advancing of
runs over the state it keeps (``dags``, ``runs``, ``reads_per_state``).
"""

from __future__ import annotations

import time
from typing import Any

from ._state import FINISHED, Dag, Run, TaskInstance

__all__ = ["RUN_STATES", "TI_DONE", "ProgressMixin"]

RUN_STATES = ("queued", "running", "success", "failed")
#: Task instance states after which it does not run again unless cleared.
TI_DONE = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})
#: How long each fake task takes, on the fake's clock: not whole, as real durations are not.
_TASK_SECONDS = 1.234567


def _start_try(ti: TaskInstance, now: float) -> None:
    """Start the next try of ``ti`` at ``now``."""
    ti.state = "running"
    ti.try_number += 1
    ti.start_date = now
    ti.end_date = None


class ProgressMixin:
    """Runs advance as they are read, on the server that holds the DAGs and the runs."""

    dags: dict[str, Dag]
    runs: dict[tuple[str, str], Run]
    reads_per_state: int

    def start_run(
        self,
        dag: Dag,
        run_id: str,
        logical_date: float | None,
        conf: dict[str, Any],
        user: str | None,
    ) -> Run:
        """Queue a run of ``dag``."""
        run = Run(
            dag.dag_id, run_id, logical_date, conf, user=user, reads_left=self.reads_per_state
        )
        for task_id in dag.tasks:
            for map_index in dag.map_indexes(task_id):
                run.task_instances[(task_id, map_index)] = TaskInstance(task_id, map_index)
        self.runs[(dag.dag_id, run_id)] = run
        return run

    def advance(self, run: Run) -> None:
        """Move ``run`` along as one read of it does."""
        if run.state in FINISHED:
            return
        dag = self.dags[run.dag_id]
        # A paused DAG's runs wait in the queue, as the scheduler leaves them there.
        if dag.is_paused and run.state == "queued":
            return
        if run.reads_left > 0:
            run.reads_left -= 1
            return
        now = time.time()
        if run.state == "queued":
            run.state = "running"
            run.start_date = now
            pending = [ti for ti in run.task_instances.values() if ti.state not in TI_DONE]
            for index, ti in enumerate(pending):
                ti.queued_when = now
                if index == 0:
                    _start_try(ti, now)
                else:
                    ti.state = "scheduled"
            if self.reads_per_state > 0:
                run.reads_left = self.reads_per_state
                return
        self._finish(run, dag, now)

    def _finish(self, run: Run, dag: Dag, now: float) -> None:
        failed = False
        states: dict[str, set[str | None]] = {}
        for (task_id, _), ti in run.task_instances.items():
            if ti.state not in TI_DONE:
                if ti.queued_when is None:
                    ti.queued_when = now
                upstream = [
                    state for task in dag.upstream(task_id) for state in states.get(task, set())
                ]
                if any(state in ("failed", "upstream_failed") for state in upstream):
                    ti.state = "upstream_failed"
                else:
                    self._run_task(run, dag, ti, now)
            states.setdefault(task_id, set()).add(ti.state)
            failed = failed or ti.state in ("failed", "upstream_failed")
        run.state = "failed" if failed else "success"
        run.end_date = max(
            (ti.end_date for ti in run.task_instances.values() if ti.end_date is not None),
            default=now,
        )

    def _run_task(self, run: Run, dag: Dag, ti: TaskInstance, now: float) -> None:
        task_id = ti.task_id
        if ti.state != "running":
            _start_try(ti, now)
        assert ti.start_date is not None
        ti.end_date = ti.start_date + _TASK_SECONDS
        if task_id in dag.failing:
            ti.state = "failed"
        else:
            ti.state = "success"
            pushed = dict(dag.xcoms.get(task_id, {}))
            if task_id in dag.results:
                result = dag.results[task_id]
                pushed["return_value"] = result[ti.map_index] if ti.map_index >= 0 else result
            for key, value in pushed.items():
                run.xcoms[(task_id, ti.map_index, key)] = (value, ti.end_date)
        ti.history = [e for e in ti.history if e["try_number"] != ti.try_number]
        ti.history.append(
            {
                "try_number": ti.try_number,
                "state": ti.state,
                "start_date": ti.start_date,
                "end_date": ti.end_date,
                "queued_when": ti.queued_when,
            }
        )
