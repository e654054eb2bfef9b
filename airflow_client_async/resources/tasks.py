"""``client.tasks``: the Task tag of both APIs (the tasks a DAG declares)."""

from __future__ import annotations

from .._pagination import AsyncPaginator
from .._routes import Route, Routes
from ..models import Task, TaskCollection
from ._base import Resource

__all__ = ["TasksResource"]

_TASKS = "/dags/{dag_id}/tasks"


class TasksResource(Resource):
    """The tasks of a DAG: list, get."""

    namespace = "tasks"

    # Both servers send every task of the DAG at once.
    _list = Routes(
        v1=Route("GET", _TASKS, "get_tasks", paged=False),
        v2=Route("GET", _TASKS, "get_tasks", paged=False),
    )

    def list(
        self,
        dag_id: str,
        *,
        limit: int | None = None,
        offset: int | None = None,
        order_by: str | None = None,
    ) -> AsyncPaginator[Task]:
        """List the tasks of a DAG: await for one page, ``async for`` for every task.

        The server sends every task in one answer; ``limit`` and ``offset`` slice it here,
        so they mean the same as for any other list.

        Args:
            dag_id: The DAG id.
            limit: Page size (``None``: every task).
            offset: Where to start.
            order_by: A task field to sort by, ``-`` in front to reverse (the server's
                default is ``task_id``). Both servers sort by one field only.

        Returns:
            A paginator of :class:`Task`.

        Raises:
            NotFoundError: No such DAG (raised when the paginator is first read).
        """
        return self._paginate(
            self._list,
            TaskCollection,
            lambda c: c.tasks,
            path={"dag_id": dag_id},
            query={"order_by": order_by},
            offset=offset,
            limit=limit,
        )

    _get = Routes.both("GET", _TASKS + "/{task_id}", "get_task")

    async def get(self, dag_id: str, task_id: str) -> Task:
        """Get one task of a DAG.

        Raises:
            NotFoundError: No such DAG or task.
        """
        sent = await self._send(self._get, path={"dag_id": dag_id, "task_id": task_id})
        return sent.model(Task)
