"""The test servers themselves, on every release: what the rest of the suite relies on.

These talk to the server with plain httpx, not the client, so they hold on ``/api/v1`` and
``/api/v2`` alike: run them against any server with ``AIRFLOW_TEST_SERVERS``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from ._server import Credentials, ServerInfo

HITL_DAG = "client_test_hitl"


async def token(server: ServerInfo, user: Credentials) -> str:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        answer = await http.post(
            "/auth/token", json={"username": user.username, "password": user.password}
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["access_token"])


async def api_as(server: ServerInfo, user: Credentials) -> httpx.AsyncClient:
    """Return an httpx client on the server's REST API, authenticated the server's way."""
    if server.api_version == "v1":
        return httpx.AsyncClient(base_url=server.api_url, auth=user.as_tuple())
    headers = {"Authorization": f"Bearer {await token(server, user)}"}
    return httpx.AsyncClient(base_url=server.api_url, headers=headers)


@pytest.fixture
async def admin_api(server: ServerInfo) -> AsyncIterator[httpx.AsyncClient]:
    async with await api_as(server, server.admin) as http:
        yield http


async def everything(http: httpx.AsyncClient, path: str, key: str) -> list[dict[str, Any]]:
    """Page through a collection (the server caps pages at 10 items)."""
    items: list[dict[str, Any]] = []
    while True:
        answer = await http.get(path, params={"offset": len(items), "limit": 10})
        assert answer.status_code == 200, answer.text
        page = answer.json()
        items += page[key]
        if not page[key] or len(items) >= page["total_entries"]:
            return items


async def test_the_server_runs_the_release_its_state_names(
    server: ServerInfo, admin_api: httpx.AsyncClient
) -> None:
    answer = await admin_api.get("/version")
    assert answer.status_code == 200
    assert answer.json()["version"] == server.version
    assert server.version_info[0] == (2 if server.api_version == "v1" else 3)


async def test_our_dags_are_listed_and_none_has_an_import_error(
    server: ServerInfo, admin_api: httpx.AsyncClient
) -> None:
    assert "client_test_fast" in server.dag_ids
    assert "client_test_backfill" in server.dag_ids
    for dag_id in server.dag_ids:
        answer = await admin_api.get(f"/dags/{dag_id}")
        assert answer.status_code == 200, (dag_id, answer.text)
        assert "client-test" in [
            tag if isinstance(tag, str) else tag["name"] for tag in answer.json()["tags"]
        ]
    ours = {path.name for path in server.dags_folder.glob("client_test_*.py")}
    errors = await everything(admin_api, "/importErrors", "import_errors")
    assert [e["filename"] for e in errors if e["filename"].rsplit("/", 1)[-1] in ours] == []


async def test_pages_hold_at_most_ten_items_where_airflow_caps_them(
    server: ServerInfo, admin_api: httpx.AsyncClient
) -> None:
    answer = await admin_api.get("/dags", params={"limit": 100})
    assert answer.status_code == 200
    body = answer.json()
    # /api/v2 applies [api] maximum_page_limit only from 3.2; 3.0 and 3.1 serve any limit.
    if (3, 0) <= server.version_info[:2] < (3, 2):
        assert len(body["dags"]) == min(100, body["total_entries"]) > 10
    else:
        assert len(body["dags"]) == 10 < body["total_entries"]


async def test_the_viewer_reads_but_cannot_write(server: ServerInfo) -> None:
    async with await api_as(server, server.viewer) as viewer:
        assert (await viewer.get("/dags/client_test_fast")).status_code == 200
        denied = await viewer.patch(
            "/dags/client_test_fast", params={"update_mask": "is_paused"}, json={"is_paused": True}
        )
    assert denied.status_code == 403


async def test_a_wrong_password_is_refused_with_401(server: ServerInfo) -> None:
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        if server.api_version == "v1":
            answer = await http.get("/api/v1/dags", auth=(server.admin.username, "wrong"))
        else:
            answer = await http.post(
                "/auth/token", json={"username": server.admin.username, "password": "wrong"}
            )
    assert answer.status_code == 401


@pytest.mark.airflow("<3")
async def test_airflow_2_speaks_v1_with_fab(server: ServerInfo) -> None:
    assert server.version_info < (3,)
    assert (server.api_version, server.auth_manager) == ("v1", "fab")
    assert server.api_url.endswith("/api/v1")


@pytest.mark.airflow(">=3")
async def test_airflow_3_speaks_v2(server: ServerInfo, admin_api: httpx.AsyncClient) -> None:
    assert server.api_url.endswith("/api/v2")
    assert server.auth_manager == ("simple" if server.version_info[:2] == (3, 0) else "fab")
    # The health endpoint needs no token, like on Airflow 2.
    async with httpx.AsyncClient(base_url=server.base_url) as anonymous:
        health = (await anonymous.get("/api/v2/monitor/health")).json()
    assert health["dag_processor"]["status"] == "healthy"
    assert (await admin_api.get("/dags/client_test_backfill")).json()["is_paused"] is True


@pytest.mark.airflow(">=3")
async def test_the_asset_dags_are_joined_by_their_asset(admin_api: httpx.AsyncClient) -> None:
    answer = await admin_api.get("/assets", params={"name_pattern": "client_test_asset"})
    assert answer.status_code == 200
    [asset] = answer.json()["assets"]
    assert (asset["uri"], asset["group"]) == ("s3://client-asset/asset", "client_test")
    assert asset["extra"] == {"owner": "client-test"}
    # 3.0 calls the DAGs scheduled on an asset consuming_dags; later releases scheduled_dags.
    scheduled = asset.get("scheduled_dags", asset.get("consuming_dags"))
    assert [ref["dag_id"] for ref in scheduled] == ["client_test_asset_consumer"]
    assert [ref["dag_id"] for ref in asset["producing_tasks"]] == ["client_test_asset_producer"]


@pytest.mark.airflow(">=3.1")
async def test_the_hitl_dag_exists_from_3_1(
    server: ServerInfo, admin_api: httpx.AsyncClient
) -> None:
    assert HITL_DAG in server.dag_ids
    answer = await admin_api.get(f"/dags/{HITL_DAG}/tasks")
    assert answer.status_code == 200
    operators = {task["task_id"]: task["operator_name"] for task in answer.json()["tasks"]}
    assert operators == {"approve": "ApprovalOperator", "after_approval": "BashOperator"}


@pytest.mark.airflow("<3.1")
async def test_no_hitl_dag_before_3_1(server: ServerInfo, admin_api: httpx.AsyncClient) -> None:
    assert HITL_DAG not in server.dag_ids
    assert (await admin_api.get(f"/dags/{HITL_DAG}")).status_code == 404
