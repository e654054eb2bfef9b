"""``client.dag_runs``: the DAGRun tag of the API."""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import anyio
import attrs

from .._errors import ConflictError, WaitTimeoutError
from .._http import build_path, query_params
from .._pagination import AsyncPaginator
from .._types import UNSET, Missing
from .._workflows import TERMINAL_RUN_STATES, RunResult, TriggerRequest, new_run_id
from ..models import (
    DAGRun,
    DAGRunCollection,
    DagState,
    DatasetEvent,
    DatasetEventCollection,
    TaskInstanceCollection,
)
from ._base import Resource, json_body

__all__ = ["DagRunsResource"]

#: A date filter: a timezone-aware datetime, or an ISO 8601 string sent as it is.
DateFilter = datetime | str | None


class DagRunsResource(Resource):
    """DAG runs: list, batch list, get, trigger, update state, clear, delete, note."""

    def list(
        self,
        dag_id: str = "~",
        *,
        limit: int | None = None,
        offset: int = 0,
        execution_date_gte: DateFilter = None,
        execution_date_lte: DateFilter = None,
        start_date_gte: DateFilter = None,
        start_date_lte: DateFilter = None,
        end_date_gte: DateFilter = None,
        end_date_lte: DateFilter = None,
        updated_at_gte: DateFilter = None,
        updated_at_lte: DateFilter = None,
        state: Sequence[DagState | str] | None = None,
        order_by: str | None = None,
        fields: Sequence[str] | None = None,
    ) -> AsyncPaginator[DAGRun]:
        """List the runs of a DAG (or of every DAG with ``"~"``, the default).

        ``GET /dags/{dag_id}/dagRuns``

        Date filters take timezone-aware datetimes (Airflow refuses naive ones) or ISO 8601
        strings, which are sent unchanged.

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            execution_date_gte: Runs with a logical date at or after this time.
            execution_date_lte: Runs with a logical date at or before this time.
            start_date_gte: Runs started at or after this time.
            start_date_lte: Runs started at or before this time.
            end_date_gte: Runs ended at or after this time.
            end_date_lte: Runs ended at or before this time.
            updated_at_gte: Runs updated at or after this time.
            updated_at_lte: Runs updated at or before this time.
            state: Runs in any of these states.
            order_by: A field to sort by, ``-`` in front to reverse.
            fields: Return only these fields of each run.

        Returns:
            A paginator of :class:`DAGRun`.
        """
        path = build_path("/dags/{dag_id}/dagRuns", dag_id=dag_id)
        params = query_params(
            execution_date_gte=execution_date_gte,
            execution_date_lte=execution_date_lte,
            start_date_gte=start_date_gte,
            start_date_lte=start_date_lte,
            end_date_gte=end_date_gte,
            end_date_lte=end_date_lte,
            updated_at_gte=updated_at_gte,
            updated_at_lte=updated_at_lte,
            state=state,
            order_by=order_by,
            fields=fields,
        )
        return self._paginate(
            path, DAGRunCollection, lambda c: c.dag_runs, params=params, offset=offset, limit=limit
        )

    def list_batch(
        self,
        *,
        dag_ids: Sequence[str] | None = None,
        states: Sequence[DagState | str] | None = None,
        execution_date_gte: datetime | None = None,
        execution_date_lte: datetime | None = None,
        start_date_gte: datetime | None = None,
        start_date_lte: datetime | None = None,
        end_date_gte: datetime | None = None,
        end_date_lte: datetime | None = None,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> AsyncPaginator[DAGRun]:
        """List runs across DAGs with filters sent in the body (for long lists of DAG ids).

        ``POST /dags/~/dagRuns/list``

        Paging uses the body's ``page_offset``/``page_limit``; the paginator works as for
        :meth:`list`. The request only reads, so it is retried like a GET.

        Args:
            dag_ids: Runs of any of these DAGs.
            states: Runs in any of these states.
            execution_date_gte: Runs with a logical date at or after this time.
            execution_date_lte: Runs with a logical date at or before this time.
            start_date_gte: Runs started at or after this time.
            start_date_lte: Runs started at or before this time.
            end_date_gte: Runs ended at or after this time.
            end_date_lte: Runs ended at or before this time.
            order_by: A field to sort by, ``-`` in front to reverse.
            limit: Page size.
            offset: Where to start.
        """
        filters: dict[str, Any] = {
            "dag_ids": list(dag_ids) if dag_ids is not None else None,
            "states": list(states) if states is not None else None,
            "execution_date_gte": execution_date_gte,
            "execution_date_lte": execution_date_lte,
            "start_date_gte": start_date_gte,
            "start_date_lte": start_date_lte,
            "end_date_gte": end_date_gte,
            "end_date_lte": end_date_lte,
            "order_by": order_by,
        }
        given = {name: value for name, value in filters.items() if value is not None}
        return self._paginate_body(
            "/dags/~/dagRuns/list",
            DAGRunCollection,
            lambda c: c.dag_runs,
            body=given,
            offset=offset,
            limit=limit,
        )

    async def get(
        self, dag_id: str, dag_run_id: str, *, fields: Sequence[str] | None = None
    ) -> DAGRun:
        """Get one DAG run.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}``

        Raises:
            NotFoundError: No such DAG or run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}", dag_id=dag_id, dag_run_id=dag_run_id
        )
        return await self._http.request_model(
            "GET", path, DAGRun, params=query_params(fields=fields)
        )

    async def trigger(
        self,
        dag_id: str,
        *,
        dag_run_id: Missing[str] = UNSET,
        logical_date: Missing[datetime] = UNSET,
        data_interval_start: Missing[datetime] = UNSET,
        data_interval_end: Missing[datetime] = UNSET,
        conf: Missing[Mapping[str, Any]] = UNSET,
        note: Missing[str | None] = UNSET,
        idempotent: bool = False,
    ) -> DAGRun:
        """Trigger a new run of a DAG.

        ``POST /dags/{dag_id}/dagRuns``

        A run on a paused DAG is created but stays queued until the DAG is unpaused. The
        request is not retried after an ambiguous failure (it might have created the run)
        unless ``idempotent=True``; give a ``dag_run_id`` to make a replay safe, since a
        second create with the same id answers 409.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id (default: made by the server from the logical date).
            logical_date: The run's logical date, timezone-aware (default: now).
            data_interval_start: Start of the interval the run covers.
            data_interval_end: End of the interval the run covers.
            conf: Configuration passed to the run (``dag_run.conf``).
            note: A note on the run.
            idempotent: Allow retrying after an ambiguous failure.

        Raises:
            ConflictError: A run with this id (or logical date) exists.
            NotFoundError: No such DAG.
            BadRequestError: The server refused the fields.
        """
        body = json_body(
            dag_run_id=dag_run_id,
            logical_date=logical_date,
            data_interval_start=data_interval_start,
            data_interval_end=data_interval_end,
            conf=dict(conf) if conf is not UNSET else UNSET,
            note=note,
        )
        path = build_path("/dags/{dag_id}/dagRuns", dag_id=dag_id)
        return await self._http.request_model(
            "POST", path, DAGRun, json_body=body, idempotent=idempotent or None
        )

    async def update_state(self, dag_id: str, dag_run_id: str, *, state: DagState | str) -> DAGRun:
        """Set a DAG run's state (``"success"``, ``"failed"`` or ``"queued"``).

        ``PATCH /dags/{dag_id}/dagRuns/{dag_run_id}``

        Raises:
            NotFoundError: No such DAG or run.
            BadRequestError: The state is not one the server accepts.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}", dag_id=dag_id, dag_run_id=dag_run_id
        )
        return await self._http.request_model(
            "PATCH", path, DAGRun, json_body=json_body(state=state)
        )

    async def clear(
        self, dag_id: str, dag_run_id: str, *, dry_run: bool = True
    ) -> DAGRun | TaskInstanceCollection:
        """Clear a DAG run: its task instances run again.

        ``POST /dags/{dag_id}/dagRuns/{dag_run_id}/clear``

        Like the server, this is a dry run unless ``dry_run=False`` is given.

        Returns:
            With ``dry_run=True``, the task instances that would be cleared; otherwise the
            cleared run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}/clear", dag_id=dag_id, dag_run_id=dag_run_id
        )
        body = json_body(dry_run=dry_run)
        if dry_run:
            return await self._http.request_model(
                "POST", path, TaskInstanceCollection, json_body=body, idempotent=True
            )
        return await self._http.request_model("POST", path, DAGRun, json_body=body)

    async def delete(self, dag_id: str, dag_run_id: str) -> None:
        """Delete a DAG run.

        ``DELETE /dags/{dag_id}/dagRuns/{dag_run_id}``

        Raises:
            NotFoundError: No such DAG or run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}", dag_id=dag_id, dag_run_id=dag_run_id
        )
        await self._http.request_empty("DELETE", path)

    async def set_note(self, dag_id: str, dag_run_id: str, note: str) -> DAGRun:
        """Set the note of a DAG run.

        ``PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/setNote``

        Raises:
            NotFoundError: No such DAG or run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}/setNote", dag_id=dag_id, dag_run_id=dag_run_id
        )
        return await self._http.request_model("PATCH", path, DAGRun, json_body=json_body(note=note))

    async def list_upstream_dataset_events(
        self, dag_id: str, dag_run_id: str
    ) -> builtins.list[DatasetEvent]:
        """List the dataset events that triggered a dataset-scheduled run.

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents``

        Raises:
            NotFoundError: No such DAG or run.
        """
        path = build_path(
            "/dags/{dag_id}/dagRuns/{dag_run_id}/upstreamDatasetEvents",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
        )
        collection = await self._http.request_model("GET", path, DatasetEventCollection)
        return builtins.list(collection.dataset_events or [])

    async def trigger_many(
        self,
        requests: Iterable[str | TriggerRequest],
        *,
        max_concurrency: int = 16,
    ) -> builtins.list[RunResult]:
        """Trigger many runs at once with bounded concurrency over the one connection pool.

        ``POST /dags/{dag_id}/dagRuns`` for each request

        Every run without a ``dag_run_id`` gets one made by the client, which makes the
        trigger safe to retry: it is replayed after an ambiguous failure, and a 409 for an
        id this call sent means the run was created by the lost attempt, so it is fetched
        and returned (``already_existed``). A run id given by the caller is not replayed on
        ambiguous failures, and a 409 for it on the first attempt is an error.

        Never raises half-way: each request gets a :class:`RunResult` with the run or the
        error, in the order of ``requests``. Cancelling the caller cancels the requests in
        flight.

        Args:
            requests: DAG ids, or :class:`TriggerRequest` objects with per-run settings.
            max_concurrency: Requests in flight at once.

        Raises:
            ValueError: ``max_concurrency`` is below 1, or a request is malformed (checked
                before anything is sent).
        """
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be one or more")
        prepared: builtins.list[tuple[TriggerRequest, bool]] = []
        for request in requests:
            if isinstance(request, str):
                request = TriggerRequest(dag_id=request)
            elif not isinstance(request, TriggerRequest):
                raise TypeError(f"expected a DAG id or a TriggerRequest, got {request!r}")
            build_path("/dags/{dag_id}", dag_id=request.dag_id)  # an empty id fails here
            generated = request.dag_run_id is None
            if generated:
                request = attrs.evolve(request, dag_run_id=new_run_id())
            prepared.append((request, generated))

        results: builtins.list[RunResult | None] = [None] * len(prepared)
        limiter = anyio.CapacityLimiter(max_concurrency)

        async def trigger_one(index: int, request: TriggerRequest, generated: bool) -> None:
            async with limiter:
                results[index] = await self._trigger_for_fan_out(request, generated)

        async with anyio.create_task_group() as group:
            for index, (request, generated) in enumerate(prepared):
                group.start_soon(trigger_one, index, request, generated)
        return [result for result in results if result is not None]

    async def _trigger_for_fan_out(self, request: TriggerRequest, generated: bool) -> RunResult:
        run_id = request.dag_run_id or ""
        started = time.perf_counter()
        try:
            try:
                run = await self.trigger(
                    request.dag_id,
                    dag_run_id=run_id,
                    logical_date=request.logical_date or UNSET,
                    conf=request.conf if request.conf is not None else UNSET,
                    note=request.note if request.note is not None else UNSET,
                    idempotent=generated,
                )
            except ConflictError as conflict:
                # A 409 after our own earlier attempt means that attempt created the run.
                if not (generated or conflict.retries > 0):
                    raise
                existing = await self.get(request.dag_id, run_id)
                return RunResult(
                    dag_id=request.dag_id,
                    dag_run_id=run_id,
                    run=existing,
                    already_existed=True,
                    elapsed=time.perf_counter() - started,
                )
        except Exception as exc:  # one result per request, whatever went wrong
            return RunResult(
                dag_id=request.dag_id,
                dag_run_id=run_id,
                error=exc,
                elapsed=time.perf_counter() - started,
            )
        return RunResult(
            dag_id=request.dag_id,
            dag_run_id=run_id,
            run=run,
            elapsed=time.perf_counter() - started,
        )

    async def wait(
        self,
        dag_id: str,
        dag_run_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> DAGRun:
        """Poll a run until it reaches a terminal state (``success`` or ``failed``).

        ``GET /dags/{dag_id}/dagRuns/{dag_run_id}``, repeatedly

        The interval between polls grows by half each time up to ``max_poll_interval``.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            timeout: Give up after this many seconds (``None``: wait as long as it takes).
            poll_interval: Seconds before the second poll.
            max_poll_interval: Upper bound of the interval.

        Returns:
            The run in its final state (check ``run.state``: a failed run is returned, not
            raised).

        Raises:
            WaitTimeoutError: The run had not ended in time; it carries the last state seen.
            NotFoundError: No such DAG or run.
        """
        if poll_interval <= 0 or max_poll_interval <= 0:
            raise ValueError("poll intervals must be positive")
        last: DAGRun | None = None
        interval = poll_interval
        with anyio.move_on_after(timeout):
            while True:
                last = await self.get(dag_id, dag_run_id)
                if last.state is not None and str(last.state) in TERMINAL_RUN_STATES:
                    return last
                await anyio.sleep(interval)
                interval = min(interval * 1.5, max_poll_interval)
        state = str(last.state) if last is not None and last.state is not None else None
        raise WaitTimeoutError(
            f"DAG run {dag_id}/{dag_run_id} was still {state or 'unread'} after {timeout} s",
            dag_id=dag_id,
            dag_run_id=dag_run_id,
            last_state=state,
            last_seen=last,
        )

    async def wait_many(
        self,
        runs: Iterable[DAGRun | RunResult | tuple[str, str]],
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
        max_concurrency: int = 16,
    ) -> builtins.list[RunResult]:
        """Wait for many runs to end, polling each with bounded concurrency.

        Never raises half-way: each run gets a :class:`RunResult` with its final state or
        the error (a :class:`WaitTimeoutError` when ``timeout`` ran out for it), in order.
        A failed :class:`RunResult` from :meth:`trigger_many` is passed through as it is.

        Args:
            runs: Runs as returned by :meth:`trigger` or :meth:`trigger_many`, or
                ``(dag_id, dag_run_id)`` pairs.
            timeout: Seconds allowed for all of them together.
            poll_interval: Seconds before each run's second poll.
            max_poll_interval: Upper bound of each run's interval.
            max_concurrency: Polls in flight at once.
        """
        if max_concurrency < 1:
            raise ValueError("max_concurrency must be one or more")
        items = builtins.list(runs)
        results: builtins.list[RunResult | None] = [None] * len(items)
        limiter = anyio.CapacityLimiter(max_concurrency)
        deadline = None if timeout is None else anyio.current_time() + timeout

        async def wait_one(index: int, dag_id: str, dag_run_id: str) -> None:
            started = time.perf_counter()
            remaining = None if deadline is None else max(deadline - anyio.current_time(), 0)
            try:
                async with limiter:
                    run = await self.wait(
                        dag_id,
                        dag_run_id,
                        timeout=remaining,
                        poll_interval=poll_interval,
                        max_poll_interval=max_poll_interval,
                    )
            except Exception as exc:  # one result per run, whatever went wrong
                results[index] = RunResult(
                    dag_id=dag_id,
                    dag_run_id=dag_run_id,
                    error=exc,
                    elapsed=time.perf_counter() - started,
                )
            else:
                results[index] = RunResult(
                    dag_id=dag_id,
                    dag_run_id=dag_run_id,
                    run=run,
                    elapsed=time.perf_counter() - started,
                )

        async with anyio.create_task_group() as group:
            for index, item in enumerate(items):
                if isinstance(item, RunResult):
                    if not item.ok:
                        results[index] = item
                        continue
                    group.start_soon(wait_one, index, item.dag_id, item.dag_run_id)
                elif isinstance(item, DAGRun):
                    if not item.dag_id or not item.dag_run_id:
                        raise ValueError(f"a DAGRun without dag_id or dag_run_id: {item!r}")
                    group.start_soon(wait_one, index, item.dag_id, item.dag_run_id)
                else:
                    dag_id, dag_run_id = item
                    group.start_soon(wait_one, index, dag_id, dag_run_id)
        return [result for result in results if result is not None]
