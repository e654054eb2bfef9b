"""``client.jobs``: the Job tag of Airflow 3 (schedulers, triggerers, DAG processors…)."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from ..models import Job, JobCollection
from ._base import DateTimeFilter, OrderBy, Resource

__all__ = ["JobsResource"]


class JobsResource(Resource):
    """The jobs the server's components run as (scheduler, triggerer, …): list. Airflow 3 only."""

    namespace = "jobs"

    _list = Routes(v2=Route("GET", "/jobs", "get_jobs"))

    def list(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        job_state: str | None = None,
        job_type: str | None = None,
        hostname: str | None = None,
        executor_class: str | None = None,
        is_alive: bool | None = None,
        start_date_gte: DateTimeFilter = None,
        start_date_gt: DateTimeFilter = None,
        start_date_lte: DateTimeFilter = None,
        start_date_lt: DateTimeFilter = None,
        end_date_gte: DateTimeFilter = None,
        end_date_gt: DateTimeFilter = None,
        end_date_lte: DateTimeFilter = None,
        end_date_lt: DateTimeFilter = None,
    ) -> AsyncPaginator[Job]:
        """List jobs: await for one page, ``async for`` for every job.

        Args:
            limit: Page size.
            offset: Where to start.
            order_by: Fields to sort by (the server's default is ``id``), ``-`` in front
                to reverse.
            job_state: Only jobs in this state (``"running"``, ``"success"``, …).
            job_type: Only jobs of this type (``"SchedulerJob"``, ``"TriggererJob"``,
                ``"DagProcessorJob"``, ``"LocalTaskJob"``…).
            hostname: Only jobs on this host.
            executor_class: Only jobs of this executor class.
            is_alive: Only jobs whose heartbeat is recent (``True``). The server applies
                this after cutting the page, so a page may hold fewer jobs than its
                limit and paging through many pages may repeat or miss jobs: await a
                single page with it, or filter a full list by ``state`` and
                ``latest_heartbeat`` instead.
            start_date_gte: Jobs started at or after this time.
            start_date_gt: Jobs started after this time.
            start_date_lte: Jobs started at or before this time.
            start_date_lt: Jobs started before this time.
            end_date_gte: Jobs ended at or after this time.
            end_date_gt: Jobs ended after this time.
            end_date_lte: Jobs ended at or before this time.
            end_date_lt: Jobs ended before this time.

        Returns:
            A paginator of :class:`Job`.

        Raises:
            UnsupportedByServerError: The server is Airflow 2 (when first read).
        """
        query = {
            "order_by": order_by,
            "job_state": job_state,
            "job_type": job_type,
            "hostname": hostname,
            "executor_class": executor_class,
            "is_alive": is_alive,
            "start_date_gte": start_date_gte,
            "start_date_gt": start_date_gt,
            "start_date_lte": start_date_lte,
            "start_date_lt": start_date_lt,
            "end_date_gte": end_date_gte,
            "end_date_gt": end_date_gt,
            "end_date_lte": end_date_lte,
            "end_date_lt": end_date_lt,
        }
        return self._paginate(
            self._list, JobCollection, lambda c: c.jobs, query=query, offset=offset, limit=limit
        )
