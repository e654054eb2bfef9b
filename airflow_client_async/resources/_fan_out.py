"""Fan-out of ``client.dag_runs``: many runs triggered at once, the concurrency adapting.

Its value types (:class:`~airflow_client_async.RunOk`, ``RunError``, ``TriggerRequest``)
live in :mod:`airflow_client_async._workflows`; waiting for the runs to end, in
:mod:`._waiting`.
"""

from __future__ import annotations

import builtins
import collections
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import anyio
import attrs
import httpx

from .._errors import APITimeoutError, ConflictError
from .._http import Attempt, capture_attempts
from .._operation._render import build_path
from .._types import UNSET
from .._workflows import RunError, RunOk, RunResult, TriggerRequest, new_run_id
from ._parts import Part

if TYPE_CHECKING:
    from .dag_runs import DagRunsResource

__all__ = ["DagRunFanOut"]

_RUNS = "/dags/{dag_id}/dagRuns"


class DagRunFanOut(Part["DagRunsResource"]):
    """``trigger_many`` of ``client.dag_runs``, built on its ``trigger`` and ``get``."""

    namespace = "dag_runs"

    async def trigger_many(
        self,
        requests: Iterable[str | TriggerRequest],
        *,
        max_concurrency: int = 16,
        on_result: Callable[[RunResult], object] | None = None,
    ) -> builtins.list[RunResult]:
        """Trigger many runs at once with bounded concurrency over the one connection pool.

        Every run without a ``dag_run_id`` gets one made by the client (accepted by
        Airflow 2 and 3), which makes the trigger safe to retry: it is replayed after an
        ambiguous failure (a timeout or reset after sending, a 500, and the statuses of
        the client's retry policy), and a 409 for an id this call sent means the run was
        created by the lost attempt, so it is fetched and returned (``already_existed``).
        A run id given by the caller is not replayed on ambiguous failures, and a 409 for
        it on the first attempt is an error.

        The concurrency adapts to the server: a trigger that met a 429, a 5xx or a
        timeout (on any attempt) halves the number of triggers let in at once, at most
        once per round of requests in flight; each one answered without them lets one
        more in again, a step of ``1/limit``, up to ``max_concurrency``. Retries follow
        the client's retry policy (``Retry-After`` included).

        Never raises half-way: each request gets a :class:`RunOk` with the run or a
        :class:`RunError` with the error, in the order of ``requests``; both count the
        trigger's attempts (``attempts``: 1 when the first ``POST`` was answered, retries
        after timeouts and resets included). Cancelling the caller cancels the requests
        in flight.

        Args:
            requests: DAG ids, or :class:`TriggerRequest` objects with per-run settings.
            max_concurrency: Requests in flight at once.
            on_result: Called with each result as soon as it is known (for progress);
                an exception it raises stops the call.

        Raises:
            ValueError: ``max_concurrency`` is below 1, or a request is malformed (checked
                before anything is sent).
            TypeError: A request is neither a DAG id nor a :class:`TriggerRequest`.
        """
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be one or more")
        prepared: builtins.list[tuple[TriggerRequest, bool]] = []
        for item in requests:
            request = _trigger_request(item)
            build_path("/dags/{dag_id}", dag_id=request.dag_id)  # an empty id fails here
            generated = request.dag_run_id is None
            if generated:
                request = attrs.evolve(request, dag_run_id=new_run_id())
            prepared.append((request, generated))

        results: builtins.list[RunResult | None] = [None] * len(prepared)
        limiter = _AdaptiveLimit(max_concurrency)
        # A 500 may come after the server created the run (a proxy's, or a failure while
        # answering), so it is as ambiguous as a lost response. The retry policy replays
        # only the statuses it names; for an id this call made a replay is safe (a 409
        # settles it), so those triggers go through a pipeline that retries a 500 too,
        # within the same budget and backoff: the namespace of a client that shares this
        # one's pool and differs by that policy alone.
        policy = self._http.retry_policy
        replaying = self._namespace(
            "dag_runs",
            type(self._whole),
            retry_policy=attrs.evolve(policy, statuses=policy.statuses | {500}),
        )

        async def trigger_one(index: int, request: TriggerRequest, generated: bool) -> None:
            epoch = await limiter.acquire()
            overloaded = True  # a cancelled trigger tells nothing about the server
            try:
                with capture_attempts() as sent:
                    via = replaying if generated else self._whole
                    result = await self._trigger_for_fan_out(request, generated, sent, via)
                overloaded = isinstance(result.error, APITimeoutError) or any(
                    map(_overloaded, sent)
                )
            finally:
                limiter.release(epoch, overloaded=overloaded)
            results[index] = result
            if on_result is not None:
                on_result(result)

        async with anyio.create_task_group() as group:
            for index, (request, generated) in enumerate(prepared):
                group.start_soon(trigger_one, index, request, generated)
        return [result for result in results if result is not None]

    async def _trigger_for_fan_out(
        self,
        request: TriggerRequest,
        generated: bool,
        sent: builtins.list[Attempt],
        via: DagRunsResource,
    ) -> RunResult:
        """Trigger one run through ``via`` (whose pipeline may replay more), and settle it."""
        run_id = request.dag_run_id or ""
        started = time.perf_counter()
        # The POSTs of this trigger among the attempts: not the token or version requests
        # the first call makes, nor the GET after a 409.
        runs_path = build_path(_RUNS, dag_id=request.dag_id)

        def attempts() -> int:
            return sum(1 for a in sent if a.method == "POST" and a.path.endswith(runs_path))

        try:
            try:
                run = await via.trigger(
                    request.dag_id,
                    dag_run_id=run_id,
                    logical_date=request.logical_date,
                    conf=request.conf if request.conf is not None else UNSET,
                    note=request.note if request.note is not None else UNSET,
                    idempotent=generated,
                )
            except ConflictError as conflict:
                # A 409 after our own earlier attempt means that attempt created the run.
                if not (generated or conflict.retries > 0):
                    raise
                existing = await self._whole.get(request.dag_id, run_id)
                return RunOk(
                    dag_id=request.dag_id,
                    dag_run_id=run_id,
                    run=existing,
                    already_existed=True,
                    attempts=attempts(),
                    elapsed=time.perf_counter() - started,
                )
        except Exception as exc:  # one result per request, whatever went wrong
            return RunError(
                dag_id=request.dag_id,
                dag_run_id=run_id,
                error=exc,
                attempts=attempts(),
                elapsed=time.perf_counter() - started,
            )
        return RunOk(
            dag_id=request.dag_id,
            dag_run_id=run_id,
            run=run,
            attempts=attempts(),
            elapsed=time.perf_counter() - started,
        )


class _AdaptiveLimit:
    """How many triggers may be in flight: halved on overload, grown back by ``1/limit``.

    A halving applies once per epoch: the triggers that started before it (and met the
    same overload) do not halve it again. Waiters queue in order, and a freed slot is
    handed to the first of them alone, so a release costs the same however many wait.
    """

    def __init__(self, ceiling: int) -> None:
        self.ceiling = ceiling
        self.limit = float(ceiling)
        #: Slots taken, by triggers running and by waiters a slot was handed to.
        self.in_flight = 0
        self.epoch = 0
        self._waiters: collections.deque[anyio.Event] = collections.deque()

    def _free(self) -> bool:
        return self.in_flight < max(int(self.limit), 1)

    async def acquire(self) -> int:
        if self._free() and not self._waiters:
            self.in_flight += 1
            return self.epoch
        handed = anyio.Event()
        self._waiters.append(handed)
        try:
            await handed.wait()
        except BaseException:
            if handed.is_set():  # the slot came with the cancellation: pass it on
                self.in_flight -= 1
                self._hand_over()
            else:
                self._waiters.remove(handed)
            raise
        return self.epoch

    def release(self, epoch: int, *, overloaded: bool) -> None:
        self.in_flight -= 1
        if overloaded:
            if epoch == self.epoch:
                self.limit = max(self.limit / 2, 1.0)
                self.epoch += 1
        else:
            self.limit = min(self.limit + 1 / self.limit, float(self.ceiling))
        self._hand_over()

    def _hand_over(self) -> None:
        while self._waiters and self._free():
            self.in_flight += 1
            self._waiters.popleft().set()


def _overloaded(attempt: Attempt) -> bool:
    """Whether an attempt met a sign of an overloaded server: 429, a 5xx or a timeout."""
    status = attempt.status
    if status is not None:
        return status == 429 or status >= 500
    return isinstance(attempt.error, httpx.TimeoutException)


def _trigger_request(item: object) -> TriggerRequest:
    if isinstance(item, str):
        return TriggerRequest(dag_id=item)
    if isinstance(item, TriggerRequest):
        return item
    raise TypeError(f"expected a DAG id or a TriggerRequest, got {item!r}")
