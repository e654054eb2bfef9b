"""The suite's fake lanes: the same test functions run against ``FakeAirflow``.

A lane is named ``fake-<release>`` (``fake-2.11.2``, ``fake-3.3.2``); it needs no server,
so its tests run in the fast layer. ``$AIRFLOW_TEST_FAKES`` names the lanes (releases
separated by spaces or commas; empty turns them off); by default 2.11.2, 3.0.6 and 3.3.2.

The fake is seeded with the DAGs the real servers have: the suite's own test DAGs
(``tests/integration/dags``) and the example DAGs the tests name. :data:`EXCLUDED` lists
what the fake does not model, each with its reason; those tests are skipped on the fake
lanes, and the list is printed in the test summary.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from airflow_client_async import AsyncClient
from airflow_client_async.testing import FakeAirflow

from ._server import Credentials, ServerInfo

__all__ = [
    "EXCLUDED",
    "FAKE_PREFIX",
    "excluded_reason",
    "fake_for",
    "fake_lanes",
    "fake_server",
    "stop_serving",
]

FAKE_PREFIX = "fake-"
DEFAULT_FAKES = ("2.11.2", "3.0.6", "3.3.2")

#: Test module (or ``module::test``) → why the fake does not model it.
EXCLUDED: dict[str, str] = {
    # Whole namespaces the fake does not serve.
    "test_assets": "assets (datasets), their events and aliases are not modelled",
    "test_backfills": "backfills are not modelled",
    "test_dag_parsing": "DAG files and their parsing are not modelled",
    "test_dag_sources": "DAG files and their parsing are not modelled",
    "test_hitl_details": "human-in-the-loop tasks are not modelled",
    "test_permissions": "users, roles and permissions are not modelled",
    "test_plugins": "plugins are not modelled",
    "test_roles": "users, roles and permissions are not modelled",
    "test_servers": "checks the real test servers' own setup (state files, folders, DAGs)",
    "test_task_state_store": "the task and asset state store is not modelled",
    "test_users": "users, roles and permissions are not modelled",
    # Single tests.
    "test_dags::test_delete_a_dag": "writes a DAG file into the server's dags folder",
    "test_import_errors::test_a_broken_dag_file_shows_up": (
        "writes a DAG file into the server's dags folder"
    ),
    "test_dag_stats::test_the_server_takes_no_paging_parameters": (
        "Airflow 2's refusal of query parameters its spec lacks is not modelled"
    ),
    "test_dag_runs::test_asset_triggered_run_has_upstream_events": (
        "assets (datasets) do not trigger runs in the fake"
    ),
    "test_dag_runs::test_airflow_3_3_run_operations": (
        "Airflow 3.3's bulk run operations are not modelled"
    ),
    "test_task_instances::test_airflow_3_only_methods": (
        "bulk changes of task instances are not modelled"
    ),
    "test_task_instances::test_log_as_json_and_as_text": (
        "reads lines that the test DAGs' own task code prints"
    ),
    "test_task_instances::test_stream_log_of_a_finished_try": (
        "reads lines that the test DAGs' own task code prints"
    ),
    "test_task_instances::test_follow_log_of_a_running_task": (
        "follows a log while the task writes it, in real time"
    ),
    "test_xcom_entries::test_create_update_and_delete@3.0.6": (
        "Airflow 3.0's 405 for an XCom key with a slash is not modelled"
    ),
    "test_task_instances::test_extra_links": (
        "operator extra links come from operator classes the fake does not have"
    ),
}

#: lane → its fake; one fake per lane for the whole session, as one real server is.
_FAKES: dict[str, FakeAirflow] = {}
#: lane → the URL its fake is served at.
_URLS: dict[str, str] = {}
_SERVERS: list[tuple[Any, threading.Thread]] = []

#: The suite's test DAGs (tests/integration/dags) and their tasks, in the order they run.
_TEST_DAGS: dict[str, list[str]] = {
    "client_test_fast": ["say_hello"],
    "client_test_empty": ["nothing"],
    "client_test_slow_log": ["tick"],
    "client_test_xcom": ["push"],
    "client_test_mapped": ["double", "total"],
    "client_test_backfill": ["report"],
    "client_test_dataset_producer": ["produce"],
    "client_test_dataset_consumer": ["consume"],
}

#: What the test DAGs' tasks return, and the other XComs they push.
_RESULTS: dict[str, dict[str, Any]] = {
    "client_test_xcom": {"push": {"text": "client-test", "numbers": [1, 2, 3]}},
    "client_test_mapped": {"double": [2, 4, 6], "total": 12},
}
_XCOMS = {"client_test_xcom": {"push": {"answer": 42}}}

#: The example DAGs the tests name; Airflow creates them paused.
_EXAMPLE_DAGS: dict[str, list[str]] = {
    "example_bash_operator": [
        "runme_0",
        "runme_1",
        "runme_2",
        "also_run_this",
        "this_will_skip",
        "run_after_loop",
        "run_this_last",
    ],
    "example_python_operator": ["print_the_context", "log_sql_query"],
    "example_branch_operator": ["run_this_first", "branching", "join"],
    "example_branch_dop_operator_v3": ["condition", "oper_1", "oper_2"],
    "example_branch_labels": ["ingest", "analyse", "report"],
    "tutorial": ["print_date", "sleep", "templated"],
    "example_branch_datetime_operator": ["date_branch", "date_in_range", "date_outside_range"],
    "example_branch_python_operator_decorator": ["run_this_first", "branching", "join"],
    "example_complex": ["create_entry_group", "delete_entry_group"],
    "example_dag_decorator": ["get_ip", "prepare_command", "echo_ip_info"],
    "example_dynamic_task_mapping": ["add_one", "sum_it"],
    "example_external_task_marker_parent": ["parent_task"],
    "example_nested_branch_dag": ["branch_1", "false_1", "true_1"],
    "example_params_trigger_ui": ["get_names", "show_names"],
    "example_sensors": ["wait_for_file", "wait_for_time"],
    "example_setup_teardown": ["root_setup", "normal", "root_teardown"],
    "example_short_circuit_operator": ["condition_is_true", "condition_is_false"],
    "example_skip_dag": ["always_true", "skip_operator"],
    "example_task_group": ["start", "end"],
    "example_time_delta_sensor_async": ["wait", "finish"],
    "example_xcom": ["push", "puller"],
}

#: How the tasks of the DAGs that are not a plain chain follow each other.
_DOWNSTREAM = {
    "example_bash_operator": {
        "runme_0": ["run_after_loop"],
        "runme_1": ["run_after_loop"],
        "runme_2": ["run_after_loop"],
        "also_run_this": ["run_this_last"],
        "this_will_skip": ["run_this_last"],
        "run_after_loop": ["run_this_last"],
    },
}

#: The params of the example DAGs that declare some.
_EXAMPLE_PARAMS = {"example_bash_operator": {"example_key": "example_value"}}


def fake_lanes() -> list[str]:
    """Return the fake lanes to run, e.g. ``["fake-2.11.2", "fake-3.3.2"]``."""
    raw = os.environ.get("AIRFLOW_TEST_FAKES")
    releases = DEFAULT_FAKES if raw is None else tuple(raw.replace(",", " ").split())
    return [FAKE_PREFIX + release for release in dict.fromkeys(releases)]


def _seeded(release: str) -> FakeAirflow:
    # The test servers run with [api] maximum_page_limit = 10.
    fake = FakeAirflow(release=release, maximum_page_limit=10)
    for dag_id, tasks in _TEST_DAGS.items():
        results = _RESULTS.get(dag_id, {})
        fake.add_dag(
            dag_id,
            tasks=tasks,
            tags=["client-test"],
            is_paused=True,
            results=results,
            xcoms=_XCOMS.get(dag_id),
            mapped={"double": [{"item": n} for n in (1, 2, 3)]}
            if dag_id == "client_test_mapped"
            else None,
        )
    for dag_id, tasks in _EXAMPLE_DAGS.items():
        schedule = "0 0 * * *" if dag_id in ("example_bash_operator", "tutorial") else None
        fake.add_dag(
            dag_id,
            tasks=tasks,
            tags=["example"],
            is_paused=True,
            schedule=schedule,
            params=_EXAMPLE_PARAMS.get(dag_id),
            downstream=_DOWNSTREAM.get(dag_id),
            operator="BashOperator" if dag_id == "example_bash_operator" else "PythonOperator",
        )
    _leave_setup_events(fake)
    return fake


def _leave_setup_events(fake: FakeAirflow) -> None:
    """Write through the API, as the real servers' setup leaves events in their audit log."""

    async def setup(client: AsyncClient) -> None:
        async with client:
            for dag in await client.dags.list(limit=100).to_list():
                await client.dags.pause(dag.dag_id)
            await client.pools.create("client-test-setup", slots=1)
            await client.pools.delete("client-test-setup")
            await client.variables.create("client-test-setup", value="1")
            await client.variables.delete("client-test-setup")

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, setup(fake.client())).result()


def fake_server(lane: str) -> ServerInfo:
    """Return the server of a fake lane, its fake made and served on first use.

    The fake answers on a real port too (its ASGI app under uvicorn), so that tests that
    make their own clients, or send raw HTTP, reach it as they reach a real server.
    """
    release = lane.removeprefix(FAKE_PREFIX)
    if lane not in _FAKES:
        _FAKES[lane] = _seeded(release)
        _URLS[lane] = _serve(_FAKES[lane])
    fake = _FAKES[lane]
    return ServerInfo(
        base_url=_URLS[lane],
        admin=Credentials("admin", "admin"),
        viewer=Credentials("viewer", "viewer"),
        airflow_home=_NOWHERE,
        dags_folder=_NOWHERE,
        version=release,
        api_version=fake.api_version,
        auth_manager="fab" if release.startswith("2.") else "simple",
        dag_ids=tuple(_TEST_DAGS),
    )


def fake_for(server: ServerInfo) -> FakeAirflow | None:
    """Return the fake behind ``server``, or ``None`` for a real server."""
    for lane, url in _URLS.items():
        if server.base_url == url:
            return _FAKES[lane]
    return None


def _serve(fake: FakeAirflow) -> str:
    """Serve ``fake`` on a free port of 127.0.0.1 from a thread; return its URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(fake.asgi, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake's ASGI server did not start")
        time.sleep(0.01)
    _SERVERS.append((server, thread))
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


def stop_serving() -> None:
    """Stop the fakes' ASGI servers."""
    while _SERVERS:
        server, thread = _SERVERS.pop()
        server.should_exit = True
        thread.join(timeout=10)


def excluded_reason(module: str, name: str, release: str) -> str | None:
    """Return why a test is not run on a fake lane, or ``None`` when it is."""
    return (
        EXCLUDED.get(f"{module}::{name}@{release}")
        or EXCLUDED.get(f"{module}::{name}")
        or EXCLUDED.get(module)
    )


#: A fake server has no folders: a test that writes DAG files is excluded.
_NOWHERE = pathlib.Path("/nonexistent/fake-airflow")
