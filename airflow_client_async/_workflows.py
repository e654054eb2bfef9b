"""The value types of the fan-out and wait helpers of ``client.dag_runs``, and their error.

They live apart from the namespace so that importing the package does not import the
models. :class:`WaitTimeoutError` lives here, beside the run it carries, so that the
exception module needs no model.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Final, Literal, NoReturn, TypeAlias

import attrs

from ._errors import AirflowError
from ._types import JsonValue

if TYPE_CHECKING:
    from .models import DAGRun

__all__ = [
    "RUN_ID_PATTERN",
    "TERMINAL_RUN_STATES",
    "DagRunResults",
    "RunError",
    "RunOk",
    "RunResult",
    "TriggerRequest",
    "WaitTimeoutError",
    "new_run_id",
]

#: States a DAG run does not leave by itself.
TERMINAL_RUN_STATES = frozenset({"success", "failed"})

#: The run ids both Airflow 2 and Airflow 3 accept from a caller by default
#: (``[scheduler] allowed_run_id_pattern``); Airflow 3 also refuses ``..`` in a run id
#: unless ``[core] allow_double_dot_in_ids`` is set.
RUN_ID_PATTERN: Final = re.compile(r"^[A-Za-z0-9_.~:+-]+$")


def new_run_id() -> str:
    """A run id made by the client: unique, sortable by time, accepted by Airflow 2 and 3.

    It matches :data:`RUN_ID_PATTERN`, holds no ``..`` (which Airflow 3 refuses), and does
    not start with a prefix Airflow makes its own run ids with (``manual__``,
    ``scheduled__``, ``dataset_triggered__``, ``asset_triggered__``, ``backfill__``).
    """
    now = datetime.now(timezone.utc)
    return f"api__{now:%Y%m%dT%H%M%S}.{uuid.uuid4().hex}"


def _no_results() -> dict[str, JsonValue]:
    return {}


class WaitTimeoutError(AirflowError, TimeoutError):
    """A wait for a DAG run (or task) to finish ran out of time.

    Attributes:
        dag_id: The DAG.
        dag_run_id: The run.
        last_state: The last state seen (``None`` when the run was never read).
        last_seen: The run as last read from the server, if it was read at all.
    """

    def __init__(
        self,
        message: str,
        *,
        dag_id: str,
        dag_run_id: str,
        last_state: str | None,
        last_seen: DAGRun | None = None,
    ) -> None:
        super().__init__(message)
        self.dag_id = dag_id
        self.dag_run_id = dag_run_id
        self.last_state = last_state
        self.last_seen = last_seen


@attrs.frozen(kw_only=True)
class DagRunResults:
    """How a DAG run ended, with the return values of its result tasks (Airflow 3.1+).

    Attributes:
        dag_id: The DAG id.
        dag_run_id: The run id.
        state: The run's final state (``success`` or ``failed``, or a state this client
            does not know, as the server sent it).
        results: Each result task's return value by task id; a mapped task's values are
            a list in map index order. Empty when no task was asked for and the DAG names
            none, or when the caller may not read the run's XComs.
    """

    dag_id: str
    dag_run_id: str
    state: str
    results: Mapping[str, JsonValue] = attrs.field(factory=lambda: _no_results())


@attrs.frozen(kw_only=True)
class TriggerRequest:
    """One run for :meth:`DagRunsResource.trigger_many` to trigger.

    Attributes:
        dag_id: The DAG to run.
        dag_run_id: The run id; ``None`` lets the client make a unique one.
        conf: Configuration passed to the run.
        logical_date: The run's logical date (timezone-aware); ``None`` gives the run the
            server's default (the time of the trigger on Airflow 2, no logical date on
            Airflow 3).
        note: A note on the run.
    """

    dag_id: str
    dag_run_id: str | None = None
    conf: Mapping[str, JsonValue] | None = None
    logical_date: datetime | None = None
    note: str | None = None


@attrs.frozen(kw_only=True)
class RunOk:
    """A run of a fan-out that was obtained.

    ``ok`` is ``Literal[True]`` here and ``Literal[False]`` on :class:`RunError`, so
    ``if result.ok:`` tells type checkers which of the two a :data:`RunResult` is (mypy
    narrows on it; pyright narrows on ``result.ok is True`` or ``isinstance``, and reads
    ``result.run`` as a :class:`DAGRun` either way, see :attr:`RunError.run`).

    Attributes:
        dag_id: The DAG.
        dag_run_id: The run id (made by the client when the request had none).
        run: The run as the server last described it.
        already_existed: The trigger answered 409 for a run id this call had sent before
            (a retry after a lost response), so the existing run was fetched.
        attempts: How many times the trigger was sent (``POST``), answered or not: 1
            when the first one was answered, 2 after one retry, and so on. Kept by
            :meth:`~DagRunsResource.wait_many` from the :class:`RunOk` it was given; 0
            for a run this client did not trigger through :meth:`trigger_many` (a
            :class:`DAGRun` or a pair given to ``wait_many``).
        elapsed: Seconds spent on this run.
        ok: Always ``True``.
        error: Always ``None``.
    """

    dag_id: str
    dag_run_id: str
    run: DAGRun
    already_existed: bool = False
    attempts: int = 0
    elapsed: float = 0.0
    ok: Literal[True] = attrs.field(default=True, init=False)
    error: None = attrs.field(default=None, init=False, repr=False)


@attrs.frozen(kw_only=True)
class RunError:
    """A run of a fan-out that failed: the trigger, the wait or the read went wrong.

    Attributes:
        dag_id: The DAG.
        dag_run_id: The run id (made by the client when the request had none).
        error: What went wrong (a :class:`WaitTimeoutError` when a wait ran out of time).
        attempts: How many times the trigger was sent (``POST``), answered or not; 0
            when nothing was sent. :meth:`~DagRunsResource.wait_many` keeps the count of
            the :class:`RunOk` it was given, and 0 for runs given otherwise.
        elapsed: Seconds spent on this run.
        ok: Always ``False``.
    """

    dag_id: str
    dag_run_id: str
    error: Exception
    attempts: int = 0
    elapsed: float = 0.0
    ok: Literal[False] = attrs.field(default=False, init=False)

    @property
    def run(self) -> NoReturn:
        """There is no run: reading this raises :attr:`error`.

        Declared so that code reading ``result.run`` after checking ``result.ok`` type-
        checks whatever narrowing the checker does, and fails loudly if it did not check.
        """
        raise self.error


#: The outcome for one run of a fan-out: the run (:class:`RunOk`) or the error
#: (:class:`RunError`), never both.
RunResult: TypeAlias = RunOk | RunError
