"""``client.hitl_details``: Airflow 3's human-in-the-loop details of task instances."""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from .._types import UNSET, JsonValue, Missing
from ..models import HITLDetail, HITLDetailCollection, HITLDetailUpdate, TaskInstanceState
from ._base import DateTimeFilter, OrderBy, Resource

__all__ = ["HITLDetailsResource"]

_RUN = "/dags/{dag_id}/dagRuns/{dag_run_id}"
_DETAIL = _RUN + "/taskInstances/{task_id}/{map_index}/hitlDetails"


class HITLDetailsResource(Resource):
    """Human-in-the-loop details (Airflow 3.1+): list, get, answer."""

    namespace = "hitl_details"

    _list = Routes(v2=Route("GET", _RUN + "/hitlDetails", "get_hitl_details"))

    def list(
        self,
        dag_id: str = "~",
        dag_run_id: str = "~",
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: OrderBy = None,
        dag_id_pattern: str | None = None,
        dag_id_prefix_pattern: str | None = None,
        task_id: str | None = None,
        task_id_pattern: str | None = None,
        task_id_prefix_pattern: str | None = None,
        map_index: int | None = None,
        state: Sequence[TaskInstanceState | str] | None = None,
        response_received: bool | None = None,
        responded_by_user_id: Sequence[str] | None = None,
        responded_by_user_name: Sequence[str] | None = None,
        subject_search: str | None = None,
        body_search: str | None = None,
        created_at_gte: DateTimeFilter = None,
        created_at_gt: DateTimeFilter = None,
        created_at_lte: DateTimeFilter = None,
        created_at_lt: DateTimeFilter = None,
    ) -> AsyncPaginator[HITLDetail]:
        """List human-in-the-loop details: await for one page, ``async for`` for all.

        ``"~"`` (the default) for the DAG or the run means all of them.

        Args:
            dag_id: The DAG id, or ``"~"`` for all DAGs.
            dag_run_id: The run id, or ``"~"`` for all runs.
            limit: Page size (the server caps it at its ``maximum_page_limit``).
            offset: Where to start.
            order_by: Fields to sort by (``subject``, ``created_at``, ``responded_at``,
                …), ``-`` in front to reverse.
            dag_id_pattern: Only DAG ids containing this (SQL ``ILIKE``).
            dag_id_prefix_pattern: Only DAG ids starting with this.
            task_id: Only this task.
            task_id_pattern: Only task ids containing this.
            task_id_prefix_pattern: Only task ids starting with this.
            map_index: Only this map index.
            state: Only instances in any of these states.
            response_received: Only answered (``True``) or unanswered (``False``) ones.
            responded_by_user_id: Only answers by any of these user ids.
            responded_by_user_name: Only answers by any of these user names.
            subject_search: Only subjects containing this.
            body_search: Only texts containing this.
            created_at_gte: Only questions asked at or after this time.
            created_at_gt: Only questions asked after this time.
            created_at_lte: Only questions asked at or before this time.
            created_at_lt: Only questions asked before this time.

        Returns:
            A paginator of :class:`HITLDetail`.

        Raises:
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.1.
        """
        query = {
            "order_by": order_by,
            "dag_id_pattern": dag_id_pattern,
            "dag_id_prefix_pattern": dag_id_prefix_pattern,
            "task_id": task_id,
            "task_id_pattern": task_id_pattern,
            "task_id_prefix_pattern": task_id_prefix_pattern,
            "map_index": map_index,
            "state": state,
            "response_received": response_received,
            "responded_by_user_id": responded_by_user_id,
            "responded_by_user_name": responded_by_user_name,
            "subject_search": subject_search,
            "body_search": body_search,
            "created_at_gte": created_at_gte,
            "created_at_gt": created_at_gt,
            "created_at_lte": created_at_lte,
            "created_at_lt": created_at_lt,
        }
        return self._paginate(
            self._list,
            HITLDetailCollection,
            lambda c: c.hitl_details,
            path={"dag_id": dag_id, "dag_run_id": dag_run_id},
            query=query,
            offset=offset,
            limit=limit,
        )

    _get = Routes(v2=Route("GET", _DETAIL, "get_hitl_detail"))
    _get__try = Routes(
        v2=Route("GET", _DETAIL + "/tries/{try_number}", "get_hitl_detail_try_detail")
    )

    async def get(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        map_index: int = -1,
        try_number: int | None = None,
    ) -> HITLDetail:
        """Get the human-in-the-loop detail of a task instance, or of one of its tries.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            map_index: The map index (``-1``: an unmapped task).
            try_number: A try of the instance (Airflow 3.2+); ``None``: the current one.

        Raises:
            UnsupportedByServerError: Airflow 2, Airflow 3 before 3.1, or ``try_number``
                before 3.2.
            NotFoundError: No such instance, or it asks nothing.
        """
        path: dict[str, object] = {
            "dag_id": dag_id,
            "dag_run_id": dag_run_id,
            "task_id": task_id,
            "map_index": map_index,
        }
        if try_number is None:
            sent = await self._send(self._get, path=path)
        else:
            sent = await self._send(self._get__try, path={**path, "try_number": try_number})
        return sent.model(HITLDetail)

    _update = Routes(v2=Route("PATCH", _DETAIL, "update_hitl_detail"))

    async def update(
        self,
        dag_id: str,
        dag_run_id: str,
        task_id: str,
        *,
        chosen_options: Sequence[str],
        params_input: Missing[Mapping[str, JsonValue]] = UNSET,
        map_index: int = -1,
    ) -> HITLDetailUpdate:
        """Answer a human-in-the-loop task: the task goes on with the options chosen.

        Args:
            dag_id: The DAG id.
            dag_run_id: The run id.
            task_id: The task id.
            chosen_options: The options chosen (at least one; one unless the task takes
                several).
            params_input: Values of the task's form parameters.
            map_index: The map index (``-1``: an unmapped task).

        Returns:
            The answer as the server recorded it.

        Raises:
            ValueError: ``chosen_options`` is empty or a string.
            UnsupportedByServerError: Airflow 2, or Airflow 3 before 3.1.
            BadRequestError: An option the task does not offer, or several to a task
                that takes one.
            PermissionDeniedError: The client's user may not answer this task.
            ConflictError: The task was answered already.
            NotFoundError: No such instance, or it asks nothing.
        """
        if isinstance(chosen_options, str) or not chosen_options:
            raise ValueError("chosen_options must be a non-empty sequence of option names")
        body = {
            "chosen_options": builtins.list(chosen_options),
            "params_input": dict(params_input) if params_input is not UNSET else UNSET,
        }
        path = {
            "dag_id": dag_id,
            "dag_run_id": dag_run_id,
            "task_id": task_id,
            "map_index": map_index,
        }
        sent = await self._send(self._update, path=path, body=body)
        return sent.model(HITLDetailUpdate)
