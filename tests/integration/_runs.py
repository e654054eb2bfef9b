"""DAG runs for the task-level suites, made through the client's public ``request``.

The task instance, XCom and event log suites need finished runs of the test DAGs. They make
them with these few calls, written once for both APIs, so that they test their own
namespace whatever the state of the DAG and DAG run namespaces.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import anyio

from airflow_client_async import AsyncClient
from airflow_client_async._types import JsonValue

from ._fakes import fake_for
from ._server import ServerInfo

__all__ = [
    "airflow_major",
    "airflow_minor",
    "delete_run",
    "delete_runs",
    "pause",
    "run_apart",
    "start_runs",
    "trigger",
    "unpause",
    "wait",
]

T = TypeVar("T")

_FINISHED = frozenset({"success", "failed"})


async def airflow_minor(client: AsyncClient) -> tuple[int, int]:
    """``(major, minor)`` of the Airflow the client talks to, e.g. ``(3, 3)``."""
    minor = (await client.server_version()).minor
    assert minor is not None, "the server did not say its version"
    return minor


async def airflow_major(client: AsyncClient) -> int:
    """2 or 3: the Airflow the client talks to."""
    return (await airflow_minor(client))[0]


async def _set_paused(client: AsyncClient, dag_id: str, paused: bool) -> None:
    await client.request(
        "PATCH",
        "/dags/{dag_id}",
        path_params={"dag_id": dag_id},
        params={"update_mask": "is_paused"},
        json={"is_paused": paused},
    )


async def pause(client: AsyncClient, dag_id: str) -> None:
    """Pause a DAG."""
    await _set_paused(client, dag_id, True)


async def unpause(client: AsyncClient, dag_id: str) -> None:
    """Unpause a DAG, so that its runs are scheduled."""
    await _set_paused(client, dag_id, False)


async def trigger(client: AsyncClient, dag_id: str, run_id: str) -> None:
    """Trigger a run (Airflow 3 wants ``logical_date``: null gives none)."""
    body: dict[str, JsonValue] = {"dag_run_id": run_id}
    if await airflow_major(client) >= 3:
        body["logical_date"] = None
    await client.request(
        "POST", "/dags/{dag_id}/dagRuns", path_params={"dag_id": dag_id}, json=body
    )


async def wait(client: AsyncClient, dag_id: str, run_id: str, *, timeout: float = 300) -> str:
    """Wait for a run to finish and return its state."""
    with anyio.fail_after(timeout):
        while True:
            run = await client.request(
                "GET",
                "/dags/{dag_id}/dagRuns/{dag_run_id}",
                path_params={"dag_id": dag_id, "dag_run_id": run_id},
            )
            state = run.get("state") if isinstance(run, dict) else None
            if isinstance(state, str) and state in _FINISHED:
                return state
            await anyio.sleep(1.0)


async def delete_run(client: AsyncClient, dag_id: str, run_id: str) -> None:
    """Delete a run."""
    await client.request(
        "DELETE",
        "/dags/{dag_id}/dagRuns/{dag_run_id}",
        path_params={"dag_id": dag_id, "dag_run_id": run_id},
    )


def run_apart(server: ServerInfo, work: Callable[[AsyncClient], Awaitable[T]]) -> T:
    """Run ``work`` with its own client on an event loop of its own thread.

    Module fixtures use it, so the tests' own loops never see their client.
    """

    async def main() -> T:
        fake = fake_for(server)
        api = (
            AsyncClient(server.base_url, auth=server.admin.as_tuple())
            if fake is None
            else fake.client(base_url=server.base_url)
        )
        async with api:
            return await work(api)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def start_runs(server: ServerInfo, prefix: str, dag_ids: list[str]) -> dict[str, str]:
    """Run each DAG once to success; return DAG id → run id (``{prefix}-<hex>``)."""
    suffix = uuid.uuid4().hex[:8]
    ids = dict.fromkeys(dag_ids, f"{prefix}-{suffix}")

    async def start(api: AsyncClient) -> None:
        for dag_id, run_id in ids.items():
            await unpause(api, dag_id)
            await trigger(api, dag_id, run_id)
        for dag_id, run_id in ids.items():
            assert await wait(api, dag_id, run_id) == "success", f"{dag_id} {run_id} failed"

    run_apart(server, start)
    return ids


def delete_runs(server: ServerInfo, ids: dict[str, str]) -> None:
    """Delete the runs :func:`start_runs` made."""

    async def clean(api: AsyncClient) -> None:
        for dag_id, run_id in ids.items():
            await delete_run(api, dag_id, run_id)

    run_apart(server, clean)
