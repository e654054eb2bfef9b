"""The FastAPI example: once with respx (no server), once against the real server."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
import respx
from fastapi_app import create_app

from airflow_client_async import AsyncClient
from airflow_client_async.models import DAG, DAGRun

from ..integration._server import ServerInfo, ServerNotStartedError, load_server
from ..unit import payloads

AIRFLOW = "https://airflow.test"


@contextlib.asynccontextmanager
async def serve(make_client) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    app = create_app(make_client)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://backend") as http:
            yield http


@pytest.fixture
def airflow() -> respx.MockRouter:
    with respx.mock(base_url=AIRFLOW + "/api/v1", using="httpx") as mock:
        # respx patches every httpx client, the test's own client of the backend too.
        mock.route(host="backend").pass_through()
        yield mock


@pytest.fixture
async def backend(airflow: respx.MockRouter) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(
        lambda: AsyncClient(AIRFLOW + "/api/v1", auth=("svc", "pw"), max_retries=0)
    ) as http:
        yield http


async def test_trigger_and_read(backend: httpx.AsyncClient, airflow: respx.MockRouter) -> None:
    route = airflow.post("/dags/etl/dagRuns").respond(json=payloads.dag_run("etl", "r1"))
    answer = await backend.post(
        "/dags/etl/runs", json={"conf": {"day": "monday"}, "dag_run_id": "r1"}
    )
    assert answer.status_code == 201
    assert answer.json()["dag_run_id"] == "r1" and answer.json()["state"] == "queued"
    assert route.calls.last.request.content == b'{"dag_run_id":"r1","conf":{"day":"monday"}}'
    airflow.get("/dags/etl/dagRuns/r1").respond(
        json=payloads.dag_run("etl", "r1", state="success", start_date="2024-05-01T12:00:00+00:00")
    )
    state = await backend.get("/dags/etl/runs/r1")
    assert state.json()["state"] == "success"
    assert state.json()["start_date"] == "2024-05-01T12:00:00+00:00"


@pytest.mark.parametrize(
    ("airflow_answer", "status", "error"),
    [
        (
            httpx.Response(404, json=payloads.problem(404, "DAG not found", "DAG 'etl' not found")),
            404,
            "NotFoundError",
        ),
        (
            httpx.Response(409, json=payloads.problem(409, "Conflict", "exists")),
            409,
            "ConflictError",
        ),
        (
            httpx.Response(400, json=payloads.problem(400, "Bad Request", "bad conf")),
            422,
            "BadRequestError",
        ),
        (
            httpx.Response(403, json=payloads.problem(403, "Forbidden")),
            502,
            "PermissionDeniedError",
        ),
        (
            httpx.Response(500, text="<html>Ooops</html>", headers={"Content-Type": "text/html"}),
            502,
            "InternalServerError",
        ),
        (
            httpx.Response(200, text="<html>login</html>", headers={"Content-Type": "text/html"}),
            502,
            "ResponseValidationError",
        ),
        (httpx.ConnectError("refused"), 503, "APIConnectionError"),
        (httpx.ReadTimeout("slow"), 504, "APITimeoutError"),
    ],
)
async def test_airflow_errors_become_sensible_answers(
    backend: httpx.AsyncClient,
    airflow: respx.MockRouter,
    airflow_answer: httpx.Response | Exception,
    status: int,
    error: str,
) -> None:
    route = airflow.post("/dags/etl/dagRuns")
    if isinstance(airflow_answer, Exception):
        route.mock(side_effect=airflow_answer)
    else:
        route.mock(return_value=airflow_answer)
    answer = await backend.post("/dags/etl/runs", json={})
    assert answer.status_code == status
    assert answer.json()["error"] == error
    assert "pw" not in answer.text


async def test_the_endpoints_return_the_client_s_models(
    backend: httpx.AsyncClient, airflow: respx.MockRouter
) -> None:
    airflow.get("/dags").respond(
        json={"dags": [payloads.dag("etl"), payloads.dag("report")], "total_entries": 2}
    )
    airflow.get("/dags/etl/dagRuns/r1").respond(json=payloads.dag_run("etl", "r1"))

    listed = await backend.get("/dags", params={"limit": 2})
    read = await backend.get("/dags/etl/runs/r1")

    assert listed.status_code == 200
    assert listed.json() == [DAG.from_dict(payloads.dag(n)).to_dict() for n in ("etl", "report")]
    # The whole run, as the model's JSON form: every field, Airflow 3's names filled.
    assert read.json() == DAGRun.from_dict(payloads.dag_run("etl", "r1")).to_dict()
    assert read.json()["logical_date"] == "2024-05-01T12:00:00+00:00"
    assert read.json()["state"] == "queued"


async def test_a_request_body_that_does_not_fit_is_refused(
    backend: httpx.AsyncClient, airflow: respx.MockRouter
) -> None:
    answer = await backend.post("/dags/etl/runs", json={"conf": ["not", "an", "object"]})
    assert answer.status_code == 422
    assert "conf" in answer.text
    # Refused before Airflow is called.
    assert [c for c in airflow.calls if c.request.url.host != "backend"] == []


async def test_the_openapi_schema_describes_the_models(backend: httpx.AsyncClient) -> None:
    document = (await backend.get("/openapi.json")).json()
    schemas = document["components"]["schemas"]
    run = schemas["DAGRun"]

    assert run["type"] == "object"
    assert run["required"] == ["dag_run_id", "dag_id"]
    assert run["properties"]["dag_run_id"] == {"type": "string", "title": "Dag Run Id"}
    assert {"type": "string", "format": "date-time"} in run["properties"]["logical_date"]["anyOf"]
    assert {"$ref": "#/components/schemas/DagRunState"} in run["properties"]["state"]["anyOf"]
    versions = run["properties"]["dag_versions"]["anyOf"][0]
    assert versions["items"] == {"$ref": "#/components/schemas/DagVersion"}
    assert schemas["DagRunState"]["enum"] == ["queued", "running", "success", "failed"]
    assert "file_token" in schemas["DAG"]["required"]
    paths = document["paths"]
    trigger = paths["/dags/{dag_id}/runs"]["post"]
    assert trigger["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TriggerDAGRunPostBody"
    }
    assert trigger["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DAGRun"
    }
    listed = paths["/dags"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed["items"] == {"$ref": "#/components/schemas/DAG"}


async def test_one_client_serves_every_request(airflow: respx.MockRouter) -> None:
    made: list[AsyncClient] = []

    def factory() -> AsyncClient:
        made.append(AsyncClient(AIRFLOW + "/api/v1", auth=("svc", "pw")))
        return made[-1]

    airflow.get("/dags/etl/dagRuns/r1").respond(json=payloads.dag_run("etl", "r1"))
    async with serve(factory) as http:
        for _ in range(3):
            assert (await http.get("/dags/etl/runs/r1")).status_code == 200
    assert len(made) == 1
    assert made[0].is_closed


@pytest.fixture
def server() -> ServerInfo:
    try:
        return load_server()
    except ServerNotStartedError as exc:
        import os

        if os.environ.get("AIRFLOW_CLIENT_REQUIRE_SERVER") == "1":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


@pytest.mark.integration
async def test_against_the_real_server(server: ServerInfo) -> None:
    import uuid

    run_id = f"fastapi-{uuid.uuid4().hex[:8]}"
    async with serve(lambda: AsyncClient(server.base_url, auth=server.admin.as_tuple())) as http:
        created = await http.post(
            "/dags/example_bash_operator/runs", json={"dag_run_id": run_id, "conf": {"x": 1}}
        )
        assert created.status_code == 201, created.text
        assert created.json()["state"] == "queued"
        read = await http.get(f"/dags/example_bash_operator/runs/{run_id}")
        assert read.json()["dag_run_id"] == run_id
        duplicate = await http.post("/dags/example_bash_operator/runs", json={"dag_run_id": run_id})
        assert duplicate.status_code == 409
        missing = await http.get("/dags/no_such_dag/runs/x")
        assert missing.status_code == 404
        assert missing.json()["error"] == "NotFoundError"
    async with AsyncClient(server.base_url, auth=server.admin.as_tuple()) as client:
        await client.dag_runs.delete("example_bash_operator", run_id)
