"""FakeAirflow's own behaviour: runs, faults, dialects, the requests it keeps, ASGI.

What it shares with real servers is proven by the integration suite's fake lanes and by
``test_fake_responses``; these tests cover what only the fake has.
"""

from __future__ import annotations

import time

import httpx
import pytest

from airflow_client_async import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    UnsupportedByServerError,
)
from airflow_client_async.testing import FakeAirflow

RELEASES = ["2.11.2", "3.0.6", "3.3.2"]


@pytest.fixture(params=RELEASES)
def fake(request: pytest.FixtureRequest) -> FakeAirflow:
    made = FakeAirflow(release=request.param)
    made.add_dag("etl", tasks=["extract", "transform", "load"], results={"extract": [1, 2]})
    return made


async def test_a_run_ends_at_the_first_poll_without_sleeping(fake: FakeAirflow) -> None:
    async with fake.client() as client:
        run = await client.dag_runs.trigger("etl")
        assert str(run.state) == "queued"
        started = time.perf_counter()
        done = await client.dag_runs.wait("etl", run.dag_run_id, poll_interval=5)
        assert time.perf_counter() - started < 1
        assert str(done.state) == "success"
        states = {
            t.task_id: str(t.state) async for t in client.task_instances.list("etl", run.dag_run_id)
        }
        assert states == {"extract": "success", "transform": "success", "load": "success"}
        log = await client.task_instances.get_log("etl", run.dag_run_id, "extract", 1)
        assert "Returned value was: [1, 2]" in log.text
        entry = await client.xcom_entries.get("etl", run.dag_run_id, "extract", "return_value")
        assert entry.value == [1, 2]


async def test_a_failed_task_fails_the_run_and_what_follows(fake: FakeAirflow) -> None:
    fake.fail_task("etl", "transform")
    async with fake.client() as client:
        run = await client.dag_runs.trigger("etl")
        done = await client.dag_runs.wait("etl", run.dag_run_id)
        assert str(done.state) == "failed"
        tis = {
            t.task_id: str(t.state) async for t in client.task_instances.list("etl", run.dag_run_id)
        }
        assert tis == {"extract": "success", "transform": "failed", "load": "upstream_failed"}


async def test_reads_per_state_shows_each_state() -> None:
    fake = FakeAirflow(release="3.3.2", reads_per_state=1)
    fake.add_dag("etl", tasks=["t"])
    async with fake.client() as client:
        run = await client.dag_runs.trigger("etl", dag_run_id="r")
        seen = [str((await client.dag_runs.get("etl", "r")).state) for _ in range(5)]
    assert seen == ["queued", "running", "running", "success", "success"]
    assert str(run.state) == "queued"


async def test_a_paused_dag_keeps_its_runs_queued() -> None:
    fake = FakeAirflow(release="2.11.2")
    fake.add_dag("etl", tasks=["t"], is_paused=True)
    async with fake.client() as client:
        await client.dag_runs.trigger("etl", dag_run_id="r")
        assert str((await client.dag_runs.get("etl", "r")).state) == "queued"
        await client.dags.unpause("etl")
        assert str((await client.dag_runs.get("etl", "r")).state) == "success"


async def test_errors_come_in_the_release_s_shape(fake: FakeAirflow) -> None:
    async with fake.client() as client:
        with pytest.raises(NotFoundError) as missing:
            await client.pools.get("nope")
        await client.pools.create("p", slots=1)
        with pytest.raises(ConflictError):
            await client.pools.create("p", slots=1)
    response = missing.value.response
    if fake.api_version == "v1":
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["title"] == "Pool not found"
    else:
        assert response.json() == {"detail": "The Pool with name: `nope` was not found"}


async def test_operations_a_minor_lacks_are_refused_unsent() -> None:
    fake = FakeAirflow(release="3.0.6")
    fake.add_dag("etl", tasks=["t"])
    async with fake.client() as client:
        with pytest.raises(UnsupportedByServerError):
            await client.dags.favorite("etl")
    assert not any("favorite" in r.path for r in fake.requests)
    # Sent anyway, the route is not there, as on a real 3.0 server.
    async with httpx.AsyncClient(transport=fake.transport, base_url=fake.url) as http:
        token = (
            await http.post("/auth/token", json={"username": "admin", "password": "admin"})
        ).json()["access_token"]
        answer = await http.post(
            "/api/v2/dags/etl/favorite", headers={"Authorization": f"Bearer {token}"}
        )
    assert (answer.status_code, answer.json()) == (404, {"error": "API route not found"})


async def test_credentials_and_roles(fake: FakeAirflow) -> None:
    async with fake.client(auth=("admin", "wrong")) as wrong:
        with pytest.raises(AuthenticationError):
            await wrong.pools.list()
    async with fake.client(auth=("viewer", "viewer")) as viewer:
        assert [p.name async for p in viewer.pools.list()] == ["default_pool"]
        with pytest.raises(PermissionDeniedError):
            await viewer.pools.create("p", slots=1)


async def test_the_requests_are_kept_as_sent() -> None:
    fake = FakeAirflow(release="3.3.2")
    async with fake.client() as client:
        await client.variables.create("k", value="v")
        await client.variables.update("k", value="w", description="d")
    patch = [r for r in fake.requests if r.method == "PATCH"]
    assert [r.path for r in patch] == ["/api/v2/variables/k"]
    assert patch[0].params.get_list("update_mask") == ["value", "description"]
    assert fake.requests[0].path == "/api/v2/version"
    fake.reset_requests()
    assert fake.requests == []


async def test_503_and_429_are_retried_and_retry_after_is_honoured() -> None:
    fake = FakeAirflow(release="2.11.2")
    policy = RetryPolicy(max_retries=2, backoff_initial=0, backoff_max=0)
    async with fake.client(retry_policy=policy) as client:
        await client.server_version()
        fake.fail_next(2, status=503)
        assert (await client.pools.get("default_pool")).slots == 128
        fake.fail_next(status=429, retry_after=0.2)
        started = time.perf_counter()
        await client.pools.get("default_pool")
        assert time.perf_counter() - started >= 0.2
        fake.fail_next(3, status=429, retry_after=0)
        with pytest.raises(RateLimitError) as caught:
            await client.pools.get("default_pool")
    assert caught.value.response.headers["retry-after"] == "0"


async def test_a_slow_answer_and_a_dropped_connection() -> None:
    fake = FakeAirflow(release="3.3.2")
    async with fake.client(max_retries=0, timeout=0.2) as client:
        await client.server_version()
        fake.delay_next(1)
        with pytest.raises(APITimeoutError):
            await client.pools.get("default_pool")
        fake.drop_next()
        with pytest.raises(APIConnectionError):
            await client.pools.get("default_pool")
        fake.respond_next(500, "<html>proxy</html>")
        with pytest.raises(InternalServerError):
            await client.pools.get("default_pool")
        assert (await client.pools.get("default_pool")).name == "default_pool"


async def test_the_asgi_app_serves_the_same_fake() -> None:
    fake = FakeAirflow(release="2.11.2")
    fake.add_dag("etl", tasks=["t"])
    transport = httpx.ASGITransport(app=fake.asgi)
    async with httpx.AsyncClient(transport=transport, base_url="http://fake") as http:
        answer = await http.get("/api/v1/dags/etl", auth=("admin", "admin"))
        refused = await http.get("/api/v1/dags/etl")
    assert answer.json()["dag_id"] == "etl"
    assert refused.status_code == 401
    assert [r.path for r in fake.requests] == ["/api/v1/dags/etl"] * 2


def test_add_dag_checks_what_it_is_given() -> None:
    fake = FakeAirflow()
    with pytest.raises(ValueError, match="one string"):
        fake.add_dag("etl", tasks="extract")
    with pytest.raises(ValueError, match="lacks"):
        fake.add_dag("etl", tasks=["a"], results={"b": 1})
    with pytest.raises(ValueError, match="before"):
        fake.add_dag("etl", tasks=["a", "b"], downstream={"b": ["a"]})
    fake.add_dag("etl", tasks=["a"])
    with pytest.raises(ValueError, match="exists"):
        fake.add_dag("etl", tasks=["a"])
    with pytest.raises(KeyError):
        fake.fail_task("etl", "nope")
    with pytest.raises(ValueError, match="release"):
        FakeAirflow(release="latest")
    with pytest.raises(ValueError, match="Airflow 2 and 3"):
        FakeAirflow(release="1.10.15")
