"""Waiting of ``client.dag_runs``: for one run to end, or for many, polled together.

Its value types (:class:`~airflow_client_async.RunOk`, ``RunError``,
``DagRunResults``) live in :mod:`airflow_client_async._workflows`.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import anyio

from .._errors import UnsupportedByServerError
from .._http import invalid_response
from .._routes import Route, Routes
from .._streaming import LineStream
from .._types import JsonValue
from .._workflows import (
    TERMINAL_RUN_STATES,
    DagRunResults,
    RunError,
    RunOk,
    RunResult,
    WaitTimeoutError,
)
from ..models import DAGRun
from ._parts import Part

if TYPE_CHECKING:
    from .dag_runs import DagRunsResource

__all__ = ["DagRunWaiting"]

#: A run as :meth:`DagRunWaiting.wait_many` names it: ``(dag_id, dag_run_id)``.
_Key = tuple[str, str]


class DagRunWaiting(Part["DagRunsResource"]):
    """``wait``, ``wait_for_results`` and ``wait_many`` of ``client.dag_runs``.

    They build on its ``get`` and ``list_batch``.
    """

    namespace = "dag_runs"

    async def wait(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> DAGRun:
        """Wait until a run reaches a terminal state (``success`` or ``failed``).

        On Airflow 3.1 and later the server does the waiting: one streamed request
        (:meth:`wait_for_results`, the server checking the run every ``poll_interval``
        seconds) and one :meth:`get` for the final record. On older servers this polls
        with :meth:`get`, the interval growing by half each time up to
        ``max_poll_interval``. Measured on Airflow 3.3.2
        (``benchmarks/RESULTS-real.md``): about 2 requests per run instead of 4 or more,
        and no later. To wait for many runs, :meth:`wait_many` costs fewer requests still.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            timeout: Give up after this many seconds (``None``: wait as long as it takes).
            poll_interval: Seconds before the second poll; on Airflow 3.1+, between the
                server's checks.
            max_poll_interval: Upper bound of the interval (polling only).

        Returns:
            The run in its final state (check ``run.state``: a failed run is returned, not
            raised).

        Raises:
            WaitTimeoutError: The run had not ended in time; it carries the last state seen
                (``last_seen`` only when polling: the stream sends states, not runs).
            NotFoundError: No such DAG or run.
            ValueError: A poll interval is not positive.
        """
        if poll_interval <= 0 or max_poll_interval <= 0:
            raise ValueError("poll intervals must be positive")
        deadline = None if timeout is None else anyio.current_time() + timeout

        def left() -> float | None:
            return None if deadline is None else max(deadline - anyio.current_time(), 0.0)

        if await self._server_waits():
            try:
                ended = await self.wait_for_results(
                    dag_id, dag_run_id, interval=poll_interval, timeout=left()
                )
            except WaitTimeoutError as exc:
                raise _wait_timeout(dag_id, dag_run_id, timeout, exc.last_state) from None
            with anyio.move_on_after(left()):
                run = await self._whole.get(dag_id, dag_run_id)
                if run.state is not None and str(run.state) in TERMINAL_RUN_STATES:
                    return run
                # Cleared and queued again since it ended: poll for the time left.
            if left() == 0:
                raise _wait_timeout(dag_id, dag_run_id, timeout, ended.state)
        return await self._poll(
            dag_id, dag_run_id, timeout, left(), poll_interval, max_poll_interval
        )

    async def _server_waits(self) -> bool:
        """Whether the server has the wait stream (Airflow 3.1+)."""
        try:
            await self._route(self._wait_for_results)
        except UnsupportedByServerError:
            return False
        return True

    async def _poll(
        self,
        dag_id: str,
        dag_run_id: str,
        timeout: float | None,
        left: float | None,
        poll_interval: float,
        max_poll_interval: float,
    ) -> DAGRun:
        """Poll with :meth:`get` for at most ``left`` seconds of the caller's ``timeout``."""
        last: DAGRun | None = None
        interval = poll_interval
        with anyio.move_on_after(left):
            while True:
                last = await self._whole.get(dag_id, dag_run_id)
                if last.state is not None and str(last.state) in TERMINAL_RUN_STATES:
                    return last
                await anyio.sleep(interval)
                interval = min(interval * 1.5, max_poll_interval)
        raise _wait_timeout(dag_id, dag_run_id, timeout, last)

    _wait_for_results = Routes(
        v2=Route(
            "GET",
            "/dags/{dag_id}/dagRuns/{dag_run_id}/wait",
            "wait_dag_run_until_finished",
            params={"interval": "interval", "task_ids": "result"},
        )
    )

    async def wait_for_results(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        task_ids: Sequence[str] | None = None,
        interval: float = 1.0,
        timeout: float | None = None,
    ) -> DagRunResults:
        """Wait for a run to end on the server's side, and read its result tasks' values.

        The server checks the run every ``interval`` seconds and streams its state back
        (an experimental endpoint of Airflow 3.1+); the answer ends when the run does.
        Use :meth:`wait` for a run's full record, on any server.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_ids: The tasks whose return values to read; ``None``: those the DAG
                marks as its results.
            interval: Seconds between the server's checks of the run.
            timeout: Give up after this many seconds (``None``: wait as long as it
                takes).

        Returns:
            The final state and the return values (a failed run is returned, not
            raised).

        Raises:
            WaitTimeoutError: The run had not ended in time; it carries the last state
                the server sent.
            UnsupportedByServerError: The server is older than Airflow 3.1.
            NotFoundError: No such DAG or run.
            PermissionDeniedError: ``task_ids`` were given and the caller may not read
                the DAG's XComs.
            ResponseValidationError: A line of the stream is not a state.
            ValueError: ``interval`` is not positive, or ``task_ids`` is a string.
        """
        if not interval > 0:
            raise ValueError("interval must be positive")
        if isinstance(task_ids, str):
            raise ValueError("task_ids takes a sequence of task ids, not one string")
        query: dict[str, object] = {"interval": interval, "task_ids": task_ids}
        path = {"dag_id": dag_id, "dag_run_id": dag_run_id}
        last: str | None = None
        # A line comes every interval; allow the client's read timeout on top of it.
        read = (self._http.timeout or self._http.pool.http_client.timeout).read
        idle = None if read is None else interval + read
        with anyio.move_on_after(timeout):
            async with self._stream(
                self._wait_for_results, path=path, query=query, idle_timeout=idle
            ) as lines:
                async for line in lines:
                    if not line.strip():
                        continue
                    state, results = _wait_line(lines, line)
                    last = state
                    if state in TERMINAL_RUN_STATES or results is not None:
                        return DagRunResults(
                            dag_id=dag_id,
                            dag_run_id=dag_run_id,
                            state=state,
                            results=results or {},
                        )
                raise invalid_response(
                    lines.response,
                    "a line with a final state",
                    f"the stream ended while the run was {last or 'unread'}",
                    b"",
                )
        raise _wait_timeout(dag_id, dag_run_id, timeout, last)

    async def wait_many(
        self,
        runs: Iterable[DAGRun | RunResult | tuple[str, str]],
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        max_concurrency: int = 16,
        on_result: Callable[[RunResult], object] | None = None,
    ) -> builtins.list[RunResult]:
        """Wait for many runs to end, polling them together in batches.

        Each poll cycle lists the runs of the awaited DAGs that are still queued or
        running, in one paged :meth:`list_batch` request for all of them (pages of 100),
        so a cycle costs as many requests as there are pages of active runs, not one per
        run. The awaited runs missing from that list have ended: their final records come
        from one more paged list, of those DAGs' runs in ``success`` or ``failed`` that
        ended since the earliest time their records hold, latest first; it stops once
        every one is found (or after about twice as many runs as it looks for, when other
        runs of the DAGs ended meanwhile). A run it misses, or the only one to look for,
        is read with :meth:`get`. Either way an ended run is never polled again. Should a
        list fail, the runs it was for are read with :meth:`get` instead.

        Never raises half-way: each run gets a :class:`RunOk` with its final state or a
        :class:`RunError` with the error (a :class:`WaitTimeoutError` when ``timeout``
        ran out for it), in order. A :class:`RunError` from :meth:`trigger_many` is passed
        through as it is; the result for a :class:`RunOk` keeps its ``attempts`` (the
        trigger's), the others have 0.

        Args:
            runs: Runs as returned by :meth:`trigger` or :meth:`trigger_many`, or
                ``(dag_id, dag_run_id)`` pairs.
            timeout: Seconds allowed for all of them together.
            poll_interval: Seconds before the second cycle; each interval is half as long
                again as the one before.
            max_poll_interval: Upper bound of the interval.
            max_concurrency: Reads of ended runs in flight at once.
            on_result: Called with each run's result as soon as it is known (for
                progress); an exception it raises stops the call.

        Raises:
            ValueError: ``max_concurrency`` is below 1, a poll interval is not positive,
                or a run has no ids.
        """
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be one or more")
        if poll_interval <= 0 or max_poll_interval <= 0:
            raise ValueError("poll intervals must be positive")
        awaited = _AwaitedRuns(self._whole, runs, max_concurrency, on_result)
        return await awaited.wait(timeout, poll_interval, max_poll_interval)


class _AwaitedRuns:
    """The runs one :meth:`DagRunWaiting.wait_many` call waits for, and their results.

    Attributes:
        dag_runs: The namespace that reads the runs.
        results: A result for each run given, in their order (``None`` while awaited).
        pending: The runs still awaited, each with its places in ``results``.
        attempts: The trigger attempts of the runs given as ``trigger_many``'s results,
            kept in theirs.
        last_seen: The last record of each run: the trigger's answer or a poll's.
        started: When the wait began (``time.perf_counter``).
        limiter: Bounds the reads of single runs in flight.
        on_result: Called with each result as soon as it is known.
    """

    def __init__(
        self,
        dag_runs: DagRunsResource,
        runs: Iterable[DAGRun | RunResult | tuple[str, str]],
        max_concurrency: int,
        on_result: Callable[[RunResult], object] | None,
    ) -> None:
        """Take the runs in; a :class:`RunError` among them is a result already.

        Raises:
            ValueError: A run has no ids.
        """
        self.dag_runs = dag_runs
        self.on_result = on_result
        items = builtins.list(runs)
        self.results: builtins.list[RunResult | None] = [None] * len(items)
        self.pending: dict[_Key, builtins.list[int]] = {}
        self.attempts: dict[_Key, int] = {}
        for index, item in enumerate(items):
            if isinstance(item, RunError):
                self.results[index] = item
                if on_result is not None:
                    on_result(item)
                continue
            if isinstance(item, RunOk):
                key = (item.dag_id, item.dag_run_id)
                self.attempts[key] = max(self.attempts.get(key, 0), item.attempts)
            elif isinstance(item, DAGRun):
                if not item.dag_id or not item.dag_run_id:
                    raise ValueError(f"a DAGRun without dag_id or dag_run_id: {item!r}")
                key = (item.dag_id, item.dag_run_id)
            else:
                key = (item[0], item[1])
            self.pending.setdefault(key, []).append(index)
        self.started = time.perf_counter()
        self.limiter = anyio.CapacityLimiter(max_concurrency)
        self.last_seen: dict[_Key, DAGRun] = {
            (item.dag_id, item.dag_run_id): item.run if isinstance(item, RunOk) else item
            for item in items
            if isinstance(item, (RunOk, DAGRun))
        }

    async def wait(
        self, timeout: float | None, poll_interval: float, max_poll_interval: float
    ) -> builtins.list[RunResult]:
        """Poll until every run has a result or ``timeout`` runs out; return the results."""
        interval = poll_interval
        with anyio.move_on_after(timeout):
            while self.pending:
                await self.poll()
                if not self.pending:
                    break
                await anyio.sleep(interval)
                interval = min(interval * 1.5, max_poll_interval)
        for key in builtins.list(self.pending):
            last = self.last_seen.get(key)
            self.settle(key, self.failed(key, _wait_timeout(*key, timeout, last)))
        return [result for result in self.results if result is not None]

    async def poll(self) -> None:
        """One cycle: list the active runs, then settle those that are not among them."""
        dag_ids = sorted({dag_id for dag_id, _ in self.pending})
        try:
            active = {
                (run.dag_id or "", run.dag_run_id or ""): run
                async for run in self.dag_runs.list_batch(
                    dag_ids=dag_ids, state=_ACTIVE_RUN_STATES, limit=_BATCH_PAGE
                )
            }
        except Exception:  # the cycle goes on with one read per run
            ended = builtins.list(self.pending)
        else:
            self.last_seen.update((key, run) for key, run in active.items() if key in self.pending)
            ended = [key for key in self.pending if key not in active]
            await self.read_ended_together(ended)
        async with anyio.create_task_group() as group:
            for key in ended:
                if key in self.pending:
                    group.start_soon(self.read_final, key)

    async def read_ended_together(self, ended: Sequence[_Key]) -> None:
        """Settle the ended runs that one list of recently ended runs holds."""
        found = ((key, _ended_after(self.last_seen.get(key))) for key in ended)
        bounds = {key: bound for key, bound in found if bound is not None}
        if len(bounds) < 2:  # one read each costs no more
            return
        wanted = set(bounds)
        since = min(bounds.values())
        # Other runs of the same DAGs may have ended meanwhile; past this many items,
        # the reads one by one are the cheaper way.
        budget = 2 * len(wanted) + _BATCH_PAGE
        listed = self.dag_runs.list_batch(
            dag_ids=sorted({dag_id for dag_id, _ in wanted}),
            state=tuple(sorted(TERMINAL_RUN_STATES)),
            end_date_gte=since - _END_SLACK,
            # The latest ends first: the runs that just ended are on the first page,
            # and a run ending meanwhile pushes the others down, never past a page.
            order_by="-end_date",
            limit=_BATCH_PAGE,
        )
        try:
            async with contextlib.aclosing(listed.__aiter__()) as runs:
                async for run in runs:
                    key = (run.dag_id or "", run.dag_run_id or "")
                    if key in wanted and key in self.pending:
                        wanted.discard(key)
                        self.finished(key, run)
                    budget -= 1
                    if not wanted or budget <= 0:
                        break
        except Exception:  # the runs left are read one by one
            return

    async def read_final(self, key: _Key) -> None:
        """Read one run by itself, and settle it if it has ended."""
        try:
            async with self.limiter:
                run = await self.dag_runs.get(*key)
        except Exception as exc:  # one result per run, whatever went wrong
            self.settle(key, self.failed(key, exc))
            return
        self.last_seen[key] = run
        if run.state is not None and str(run.state) in TERMINAL_RUN_STATES:
            self.finished(key, run)

    def finished(self, key: _Key, run: DAGRun) -> None:
        """Settle a run that has ended, with its final record."""
        ok = RunOk(
            dag_id=key[0],
            dag_run_id=key[1],
            run=run,
            attempts=self.attempts.get(key, 0),
            elapsed=time.perf_counter() - self.started,
        )
        self.settle(key, ok)

    def failed(self, key: _Key, error: Exception) -> RunError:
        """The result of a run that could not be awaited."""
        return RunError(
            dag_id=key[0],
            dag_run_id=key[1],
            error=error,
            attempts=self.attempts.get(key, 0),
            elapsed=time.perf_counter() - self.started,
        )

    def settle(self, key: _Key, result: RunResult) -> None:
        """Give a run its result in each of its places, and stop awaiting it."""
        for index in self.pending.pop(key, []):
            self.results[index] = result
            if self.on_result is not None:
                self.on_result(result)


#: The states a run is polled in while awaited: the ones it leaves by itself.
_ACTIVE_RUN_STATES = ("queued", "running")
#: Runs per page of a wait_many poll (both servers take 100 by default).
_BATCH_PAGE = 100
#: How much earlier than a run's first known time wait_many looks for its end.
_END_SLACK = dt.timedelta(seconds=1)


def _ended_after(run: DAGRun | None) -> dt.datetime | None:
    """A time the run cannot have ended before, from its record, or ``None``.

    The earliest of its queue, start, due and logical times: a manual trigger's logical
    date is the time of the trigger on Airflow 2. A run whose end comes before it (a
    logical date given in the future) is missed by the list and read by itself.
    """
    if run is None:
        return None
    known = [
        moment
        for moment in (run.queued_at, run.start_date, run.run_after, run.logical_date)
        if moment is not None
    ]
    return min(known) if known else None


def _wait_timeout(
    dag_id: str, dag_run_id: str, timeout: float | None, last: DAGRun | str | None
) -> WaitTimeoutError:
    """The error of a wait that ran out of time, with the run or state last seen."""
    if isinstance(last, DAGRun):
        state = str(last.state) if last.state is not None else None
        run: DAGRun | None = last
    else:
        state, run = last, None
    return WaitTimeoutError(
        f"DAG run {dag_id}/{dag_run_id} was still {state or 'unread'} after {timeout} s",
        dag_id=dag_id,
        dag_run_id=dag_run_id,
        last_state=state,
        last_seen=run,
    )


def _wait_line(lines: LineStream, line: bytes) -> tuple[str, dict[str, JsonValue] | None]:
    """The state and (once the run ended) the results of one line of the wait stream."""
    value = lines.json(line)
    state = value.get("state") if isinstance(value, dict) else None
    if not isinstance(state, str):
        raise invalid_response(lines.response, '{"state": ...}', "a line has no state", line)
    results = value.get("results") if isinstance(value, dict) else None
    if results is not None and not isinstance(results, dict):
        raise invalid_response(
            lines.response, '{"results": {...}}', "the results are not an object", line
        )
    return state, results
