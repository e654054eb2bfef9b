"""The value types of the fan-out and wait helpers of ``client.dag_runs``.

They live apart from the namespace so that importing the package does not import the
models.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from .models import DAGRun

__all__ = ["TERMINAL_RUN_STATES", "RunResult", "TriggerRequest", "new_run_id"]

#: States a DAG run does not leave by itself.
TERMINAL_RUN_STATES = frozenset({"success", "failed"})


def new_run_id() -> str:
    """A run id made by the client: unique, sortable by time, within Airflow's pattern.

    Airflow accepts run ids matching ``^[A-Za-z0-9_.~:+-]+$`` and reserves the ``manual__``,
    ``scheduled__`` and ``dataset_triggered__`` prefixes for its own.
    """
    now = datetime.now(timezone.utc)
    return f"api__{now:%Y%m%dT%H%M%S}.{uuid.uuid4().hex}"


@attrs.frozen(kw_only=True)
class TriggerRequest:
    """One run for :meth:`DagRunsResource.trigger_many` to trigger.

    Attributes:
        dag_id: The DAG to run.
        dag_run_id: The run id; ``None`` lets the client make a unique one.
        conf: Configuration passed to the run.
        logical_date: The run's logical date (timezone-aware).
        note: A note on the run.
    """

    dag_id: str
    dag_run_id: str | None = None
    conf: Mapping[str, Any] | None = None
    logical_date: datetime | None = None
    note: str | None = None


@attrs.frozen(kw_only=True)
class RunResult:
    """The outcome for one run of a fan-out: the run, or the error, never both.

    Attributes:
        dag_id: The DAG.
        dag_run_id: The run id (made by the client when the request had none).
        run: The run as the server last described it, or ``None`` after an error.
        error: What went wrong, or ``None``.
        already_existed: The trigger answered 409 for a run id this call had sent before
            (a retry after a lost response), so the existing run is returned.
        elapsed: Seconds spent on this run.
    """

    dag_id: str
    dag_run_id: str
    run: DAGRun | None = None
    error: Exception | None = None
    already_existed: bool = False
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether the run was obtained."""
        return self.error is None
