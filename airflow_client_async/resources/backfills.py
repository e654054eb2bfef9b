"""``client.backfills``: the Backfill tag of Airflow 3 (runs over past logical dates)."""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Mapping
from typing import Literal, overload

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, JsonValue, Missing
from ..models import (
    Backfill,
    BackfillCollection,
    DryRunBackfill,
    DryRunBackfillCollection,
    ReprocessBehavior,
)
from ._base import OrderBy, Resource

__all__ = ["BackfillsResource"]

_BACKFILL = "/backfills/{backfill_id}"


class BackfillsResource(Resource):
    """Backfills: list, create (or preview), get, pause, unpause, cancel. Airflow 3 only."""

    namespace = "backfills"

    _list = Routes(v2=Route("GET", "/backfills", "list_backfills"))

    def list(
        self,
        *,
        dag_id: str,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
    ) -> AsyncPaginator[Backfill]:
        """List the backfills of a DAG: await for one page, ``async for`` for all.

        Args:
            dag_id: The DAG (the server requires one).
            limit: Page size.
            offset: Where to start.
            order_by: Fields to sort by (the server's default is ``id``), ``-`` in front
                to reverse.

        Returns:
            A paginator of :class:`Backfill`.

        Raises:
            UnsupportedByServerError: The server is Airflow 2 (when first read).
        """
        query = {"dag_id": dag_id, "order_by": order_by}
        return self._paginate(
            self._list,
            BackfillCollection,
            lambda c: c.backfills,
            query=query,
            offset=offset,
            limit=limit,
        )

    _create = Routes(v2=Route("POST", "/backfills", "create_backfill"))
    _create__dry_run = Routes(v2=Route("POST", "/backfills/dry_run", "create_backfill_dry_run"))

    @overload
    async def create(
        self,
        dag_id: str,
        *,
        from_date: dt.datetime,
        to_date: dt.datetime,
        run_backwards: Missing[bool] = ...,
        dag_run_conf: Missing[Mapping[str, JsonValue] | None] = ...,
        reprocess_behavior: Missing[ReprocessBehavior | str] = ...,
        max_active_runs: Missing[int] = ...,
        run_on_latest_version: Missing[bool | None] = ...,
        dry_run: Literal[False] = ...,
    ) -> Backfill: ...

    @overload
    async def create(
        self,
        dag_id: str,
        *,
        from_date: dt.datetime,
        to_date: dt.datetime,
        run_backwards: Missing[bool] = ...,
        dag_run_conf: Missing[Mapping[str, JsonValue] | None] = ...,
        reprocess_behavior: Missing[ReprocessBehavior | str] = ...,
        max_active_runs: Missing[int] = ...,
        run_on_latest_version: Missing[bool | None] = ...,
        dry_run: Literal[True],
    ) -> builtins.list[DryRunBackfill]: ...

    @overload
    async def create(
        self,
        dag_id: str,
        *,
        from_date: dt.datetime,
        to_date: dt.datetime,
        run_backwards: Missing[bool] = ...,
        dag_run_conf: Missing[Mapping[str, JsonValue] | None] = ...,
        reprocess_behavior: Missing[ReprocessBehavior | str] = ...,
        max_active_runs: Missing[int] = ...,
        run_on_latest_version: Missing[bool | None] = ...,
        dry_run: bool,
    ) -> Backfill | builtins.list[DryRunBackfill]: ...

    async def create(
        self,
        dag_id: str,
        *,
        from_date: dt.datetime,
        to_date: dt.datetime,
        run_backwards: Missing[bool] = UNSET,
        dag_run_conf: Missing[Mapping[str, JsonValue] | None] = UNSET,
        reprocess_behavior: Missing[ReprocessBehavior | str] = UNSET,
        max_active_runs: Missing[int] = UNSET,
        run_on_latest_version: Missing[bool | None] = UNSET,
        dry_run: bool = False,
    ) -> Backfill | builtins.list[DryRunBackfill]:
        """Backfill a DAG: create its runs for the logical dates between two times.

        With ``dry_run=True`` nothing is created: the runs the backfill would create are
        listed instead (a separate operation on the server).

        Args:
            dag_id: The DAG; its schedule decides the logical dates.
            from_date: The first logical date (timezone-aware).
            to_date: The last logical date (timezone-aware).
            run_backwards: Run the latest logical date first (default: the earliest).
            dag_run_conf: The ``conf`` of every run.
            reprocess_behavior: What to do with dates that already have a run:
                ``"none"`` (the default: leave them), ``"failed"`` (run the failed ones
                again) or ``"completed"`` (run every one again).
            max_active_runs: Runs of the backfill at once (the server's default is 10).
            run_on_latest_version: Run on the latest DAG version (default: the DAG's
                own setting).
            dry_run: Only list the runs it would create.

        Returns:
            The backfill, or with ``dry_run=True`` the runs it would create.

        Raises:
            UnsupportedByServerError: The server is Airflow 2.
            NotFoundError: No such DAG.
            ConflictError: The DAG has a backfill running already.
            UnprocessableEntityError: The dates or settings do not fit the DAG (no
                schedule, an empty range, …).
            ValueError: A naive datetime.
        """
        body = {
            "dag_id": dag_id,
            "from_date": from_date,
            "to_date": to_date,
            "run_backwards": run_backwards,
            "dag_run_conf": dict(dag_run_conf) if dag_run_conf else dag_run_conf,
            "reprocess_behavior": reprocess_behavior,
            "max_active_runs": max_active_runs,
            "run_on_latest_version": run_on_latest_version,
        }
        if dry_run:
            sent = await self._send(self._create__dry_run, body=body, idempotent=True)
            return builtins.list(sent.model(DryRunBackfillCollection).backfills or [])
        sent = await self._send(self._create, body=body)
        return sent.model(Backfill)

    _get = Routes(v2=Route("GET", _BACKFILL, "get_backfill"))

    async def get(self, backfill_id: int) -> Backfill:
        """Get one backfill.

        Raises:
            UnsupportedByServerError: The server is Airflow 2.
            NotFoundError: No such backfill.
        """
        sent = await self._send(self._get, path={"backfill_id": backfill_id})
        return sent.model(Backfill)

    _pause = Routes(v2=Route("PUT", _BACKFILL + "/pause", "pause_backfill"))

    async def pause(self, backfill_id: int) -> Backfill:
        """Pause a backfill: it starts no new run until unpaused.

        Raises:
            UnsupportedByServerError: The server is Airflow 2.
            NotFoundError: No such backfill.
            ConflictError: The backfill has ended.
        """
        sent = await self._send(self._pause, path={"backfill_id": backfill_id})
        return sent.model(Backfill)

    _unpause = Routes(v2=Route("PUT", _BACKFILL + "/unpause", "unpause_backfill"))

    async def unpause(self, backfill_id: int) -> Backfill:
        """Let a paused backfill start runs again.

        Raises:
            UnsupportedByServerError: The server is Airflow 2.
            NotFoundError: No such backfill.
            ConflictError: The backfill has ended.
        """
        sent = await self._send(self._unpause, path={"backfill_id": backfill_id})
        return sent.model(Backfill)

    _cancel = Routes(v2=Route("PUT", _BACKFILL + "/cancel", "cancel_backfill"))

    async def cancel(self, backfill_id: int) -> Backfill:
        """Cancel a backfill: its queued runs fail, its running ones finish.

        Raises:
            UnsupportedByServerError: The server is Airflow 2.
            NotFoundError: No such backfill.
            ConflictError: The backfill has ended.
        """
        sent = await self._send(self._cancel, path={"backfill_id": backfill_id})
        return sent.model(Backfill)
