"""The FastAPI example: once against FakeAirflow (no server), once against the real server."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi_app import create_app

from airflow_client_async import AsyncClient
from airflow_client_async.models import DAG, DAGRun
from airflow_client_async.testing import FakeAirflow

from ..integration._server import ServerInfo, ServerNotStartedError, load_server


@contextlib.asynccontextmanager
async def serve(make_client) -> AsyncIterator[httpx.AsyncClient]:  # type: ignore[no-untyped-def]
    app = create_app(make_client)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://backend") as http:
            yield http


@pytest.fixture
def airflow() -> FakeAirflow:
    fake = FakeAirflow(release="2.11.2")
    fake.add_dag("etl", tasks=["extract", "load"])
    fake.add_dag("report", tasks=["render"])
    fake.add_user("svc", "pw")
    return fake


@pytest.fixture
async def backend(airflow: FakeAirflow) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(
        lambda: airflow.client(auth=("svc", "pw"), max_retries=0, timeout=0.5)
    ) as http:
        yield http


def _airflow_calls(fake: FakeAirflow, method: str, path: str) -> list[bytes]:
    return [r.body for r in fake.requests if (r.method, r.path) == (method, path)]


async def test_trigger_and_read(backend: httpx.AsyncClient, airflow: FakeAirflow) -> None:
    answer = await backend.post(
        "/dags/etl/runs", json={"conf": {"day": "monday"}, "dag_run_id": "r1"}
    )
    assert answer.status_code == 201
    assert answer.json()["dag_run_id"] == "r1" and answer.json()["state"] == "queued"
    sent = _airflow_calls(airflow, "POST", "/api/v1/dags/etl/dagRuns")
    assert sent == [b'{"dag_run_id":"r1","conf":{"day":"monday"}}']
    state = await backend.get("/dags/etl/runs/r1")
    assert state.json()["state"] == "success"
    assert state.json()["start_date"] is not None
    assert state.json()["start_date"].endswith("+00:00")


@pytest.mark.parametrize(
    ("arrange", "status", "error"),
    [
        (lambda fake: None, 404, "NotFoundError"),  # no such DAG
        (lambda fake: fake.add_dag("nightly", tasks=["t"]), 409, "ConflictError"),
        # Airflow's own 400, in its problem+json shape, whatever the cause.
        (lambda fake: fake.fail_next(status=400), 422, "BadRequestError"),
        (lambda fake: fake.add_user("svc", "pw", role="Viewer"), 502, "PermissionDeniedError"),
        (
            lambda fake: fake.respond_next(500, "<html>Ooops</html>", times=3),
            502,
            "InternalServerError",
        ),
        (
            lambda fake: fake.respond_next(200, "<html>login</html>", times=3),
            502,
            "ResponseValidationError",
        ),
        (lambda fake: fake.drop_next(times=3), 503, "APIConnectionError"),
        (lambda fake: fake.delay_next(5, times=3), 504, "APITimeoutError"),
    ],
    ids=["missing", "duplicate", "refused", "forbidden", "html-500", "html-200", "drop", "slow"],
)
async def test_airflow_errors_become_sensible_answers(
    backend: httpx.AsyncClient,
    airflow: FakeAirflow,
    arrange,  # type: ignore[no-untyped-def]
    status: int,
    error: str,
) -> None:
    arrange(airflow)
    body: dict[str, object] = {}
    if error == "ConflictError":
        assert (await backend.post("/dags/nightly/runs", json={"dag_run_id": "r1"})).is_success
        body = {"dag_run_id": "r1"}
    answer = await backend.post("/dags/nightly/runs", json=body)
    assert answer.status_code == status, answer.text
    assert answer.json()["error"] == error
    assert "pw" not in answer.text


async def test_the_endpoints_return_the_client_s_models(
    backend: httpx.AsyncClient, airflow: FakeAirflow
) -> None:
    await backend.post("/dags/etl/runs", json={"dag_run_id": "r1"})

    listed = await backend.get("/dags", params={"limit": 2})
    read = await backend.get("/dags/etl/runs/r1")

    assert listed.status_code == 200
    async with airflow.client() as direct:
        dags = (await direct.dags.list(limit=2)).items
        run = await direct.dag_runs.get("etl", "r1")
    assert listed.json() == [dag.to_dict() for dag in dags]
    assert [d["dag_id"] for d in listed.json()] == ["etl", "report"]
    assert all(isinstance(DAG.from_dict(d), DAG) for d in listed.json())
    # The whole run, as the model's JSON form: every field, Airflow 3's names filled.
    assert read.json() == run.to_dict()
    assert DAGRun.from_dict(read.json()).dag_run_id == "r1"
    assert read.json()["logical_date"].endswith("+00:00")
    assert read.json()["state"] == "success"


async def test_a_request_body_that_does_not_fit_is_refused(
    backend: httpx.AsyncClient, airflow: FakeAirflow
) -> None:
    answer = await backend.post("/dags/etl/runs", json={"conf": ["not", "an", "object"]})
    assert answer.status_code == 422
    assert "conf" in answer.text
    # Refused before Airflow is called.
    assert airflow.requests == []


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


async def test_one_client_serves_every_request(airflow: FakeAirflow) -> None:
    made: list[AsyncClient] = []

    def factory() -> AsyncClient:
        made.append(airflow.client(auth=("svc", "pw")))
        return made[-1]

    async with airflow.client() as setup:
        await setup.dag_runs.trigger("etl", dag_run_id="r1")
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
