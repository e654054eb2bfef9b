"""Which API a client speaks: detection, fixing it, tokens on Airflow 3, version errors."""

from __future__ import annotations

import base64
import json
import logging
import time

import anyio
import httpx
import pytest
import respx

from airflow_client_async import (
    APIStatusError,
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    BasicAuth,
    BearerAuth,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ServerVersion,
    UnprocessableEntityError,
    UnsupportedByServerError,
)
from airflow_client_async._operation._minors import operation_since
from airflow_client_async._routes import Route, Routes
from airflow_client_async.resources._base import Resource

from .conftest import BASE

V1_VERSION = {"version": "2.11.2", "git_version": ".release:abc"}
V2_VERSION = {"version": "3.3.2", "git_version": ".release:def"}


def _jwt(exp: float) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS512'})}.{part({'sub': '1', 'exp': exp})}.c2lnbmF0dXJl"


@pytest.fixture
def mock() -> respx.MockRouter:
    with respx.mock(base_url=BASE, using="httpx", assert_all_called=False) as router:
        yield router


@pytest.mark.parametrize(
    ("given", "root", "fixed"),
    [
        ("http://h", "http://h", None),
        ("http://h/", "http://h", None),
        ("http://h/api/v1", "http://h", "v1"),
        ("http://h/api/v2/", "http://h", "v2"),
        ("https://h:8443/airflow", "https://h:8443/airflow", None),
        ("https://h/airflow/api/v2", "https://h/airflow", "v2"),
    ],
)
def test_a_base_url_ending_in_an_api_fixes_the_version(
    given: str, root: str, fixed: str | None
) -> None:
    client = AsyncClient(given)
    assert client.base_url == root
    assert client._http.pool.server.fixed_api_version == fixed


def test_a_base_url_and_api_version_that_disagree_are_refused() -> None:
    with pytest.raises(ValueError, match="/api/v1 but api_version is 'v2'"):
        AsyncClient("http://h/api/v1", api_version="v2")
    with pytest.raises(ValueError, match="api_version must be"):
        AsyncClient("http://h", api_version="v3")  # type: ignore[arg-type]


async def test_auto_asks_v2_without_credentials_first(mock: respx.MockRouter) -> None:
    probe = mock.get("/api/v2/version").respond(json=V2_VERSION)
    async with AsyncClient(BASE, auth=("admin", "pw")) as client:
        version = await client.server_version()
        assert version == ServerVersion(
            api_version="v2", release="3.3.2", git_version=".release:def"
        )
        assert version.minor == (3, 3)
        assert str(version) == "Airflow 3.3.2 (/api/v2)"
        assert await client.server_version() is version
    assert probe.call_count == 1
    assert "authorization" not in probe.calls.last.request.headers


async def test_auto_falls_back_to_v1_when_v2_is_an_html_404(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/version").respond(404, html="<html>Page not found</html>")
    v1 = mock.get("/api/v1/version").respond(json=V1_VERSION)
    async with AsyncClient(BASE, auth=("admin", "pw")) as client:
        version = await client.server_version()
    assert (version.api_version, version.release, version.minor) == ("v1", "2.11.2", (2, 11))
    assert v1.calls.last.request.headers["authorization"].startswith("Basic ")


async def test_concurrent_first_calls_share_one_probe(mock: respx.MockRouter) -> None:
    probe = mock.get("/api/v2/version").respond(json=V2_VERSION)
    pools = mock.get("/api/v2/pools").respond(json={"pools": [], "total_entries": 0})
    async with (
        AsyncClient(BASE, auth=BearerAuth("t")) as client,
        anyio.create_task_group() as group,
    ):
        for _ in range(20):
            group.start_soon(_page, client)
    assert probe.call_count == 1
    assert pools.call_count == 20


async def _page(client: AsyncClient) -> None:
    await client.pools.list()


async def test_a_server_that_serves_neither_api_says_so(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/version").respond(404, html="<html>no</html>")
    mock.get("/api/v1/version").respond(404, html="<html>no</html>")
    async with AsyncClient(BASE) as client:
        with pytest.raises(NotFoundError, match="/api/v1/version") as caught:
            await client.server_version()
    assert isinstance(caught.value.__cause__, NotFoundError)
    assert "/api/v2/version" in str(caught.value.__cause__)


async def test_a_fixed_version_is_not_probed_until_the_release_is_asked(
    mock: respx.MockRouter,
) -> None:
    probe = mock.get("/api/v1/version").respond(json=V1_VERSION)
    pool = mock.get("/api/v1/pools/p").respond(json={"name": "p"})
    async with AsyncClient(BASE + "/api/v1", auth=("a", "b")) as client:
        await client.pools.get("p")
        assert probe.call_count == 0
        assert (await client.server_version()).release == "2.11.2"
    assert pool.call_count == 1


async def test_a_v1_route_on_airflow_3_says_v1_is_gone(mock: respx.MockRouter) -> None:
    gone = "/api/v1 has been removed in Airflow 3, please use its upgraded version /api/v2 instead."
    mock.get("/api/v1/pools/p").respond(404, json={"error": gone})
    async with AsyncClient(BASE, api_version="v1") as client:
        with pytest.raises(NotFoundError, match="has been removed in Airflow 3") as caught:
            await client.pools.get("p")
    assert caught.value.detail == gone


async def test_a_v2_route_on_airflow_2_says_the_server_lacks_v2(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/pools/p").respond(404, html="<html>Airflow 404 = lots of circles</html>")
    async with AsyncClient(BASE, api_version="v2") as client:
        with pytest.raises(NotFoundError, match="does not serve /api/v2: is it Airflow 2"):
            await client.pools.get("p")


# -- tokens on Airflow 3 ---------------------------------------------------------------


async def test_basic_credentials_become_one_shared_token(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/version").respond(json=V2_VERSION)
    token = mock.post("/auth/token").respond(201, json={"access_token": "jwt-1"})
    pool = mock.get("/api/v2/pools/p").respond(json={"name": "p"})
    async with AsyncClient(BASE, auth=("admin", "pw")) as client:
        async with anyio.create_task_group() as group:
            for _ in range(10):
                group.start_soon(client.pools.get, "p")
        await client.with_options(timeout=5).pools.get("p")
    assert token.call_count == 1
    assert json.loads(token.calls.last.request.content) == {"username": "admin", "password": "pw"}
    assert "authorization" not in token.calls.last.request.headers
    assert {c.request.headers["authorization"] for c in pool.calls} == {"Bearer jwt-1"}


async def test_an_expired_token_is_fetched_again_once(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/version").respond(json=V2_VERSION)
    token = mock.post("/auth/token")
    token.side_effect = [
        httpx.Response(201, json={"access_token": "old"}),
        httpx.Response(201, json={"access_token": "new"}),
    ]
    # httpx's auth flow resends the same request object: record each header as it was sent.
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["authorization"])
        if len(sent) == 1:
            return httpx.Response(401, json={"detail": "Token Expired"})
        return httpx.Response(200, json={"name": "p"})

    mock.get("/api/v2/pools/p").mock(side_effect=answer)
    async with AsyncClient(BASE, auth=("admin", "pw")) as client:
        assert (await client.pools.get("p")).name == "p"
    assert token.call_count == 2
    assert sent == ["Bearer old", "Bearer new"]


async def test_a_token_past_its_exp_claim_is_renewed_before_it_is_sent(
    mock: respx.MockRouter,
) -> None:
    mock.get("/api/v2/version").respond(json=V2_VERSION)
    expired, fresh = _jwt(time.time() - 60), _jwt(time.time() + 3600)
    token = mock.post("/auth/token")
    token.side_effect = [
        httpx.Response(201, json={"access_token": expired}),
        httpx.Response(201, json={"access_token": fresh}),
    ]
    pool = mock.get("/api/v2/pools/p").respond(json={"name": "p"})
    async with AsyncClient(BASE, auth=("admin", "pw")) as client:
        await client.pools.get("p")
        # A token that arrived expired is used once (the clocks may disagree) ...
        auth = client._http.pool.server.token_auth
        assert auth is not None
        auth._fetched_at -= 60  # ... and renewed once it has been held a while.
        await client.pools.get("p")
    assert token.call_count == 2
    assert pool.calls.last.request.headers["authorization"] == f"Bearer {fresh}"


async def test_an_invalid_token_is_not_retried(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/version").respond(json=V2_VERSION)
    token = mock.post("/auth/token").respond(201, json={"access_token": "forged"})
    pool = mock.get("/api/v2/pools/p").respond(403, json={"detail": "Invalid JWT token"})
    async with AsyncClient(BASE, auth=("admin", "pw")) as client:
        with pytest.raises(PermissionDeniedError, match="Invalid JWT token"):
            await client.pools.get("p")
    assert (token.call_count, pool.call_count) == (1, 1)


async def test_wrong_credentials_are_an_authentication_error_without_the_password(
    mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mock.get("/api/v2/version").respond(json=V2_VERSION)
    mock.post("/auth/token").respond(401, json={"detail": "Invalid credentials"})
    pool = mock.get("/api/v2/pools/p").respond(json={"name": "p"})
    async with AsyncClient(BASE, auth=BasicAuth("admin", "hunter2-secret")) as client:
        with pytest.raises(AuthenticationError, match="Invalid credentials") as caught:
            await client.pools.get("p")
        shown = [str(caught.value), repr(caught.value), repr(client), repr(client._http)]
        shown.append(repr(client._http.pool.server))
    assert pool.call_count == 0
    assert not any("hunter2" in text for text in [*shown, caplog.text])


async def test_a_bearer_token_is_sent_as_it_is_on_v2(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/version").respond(json=V2_VERSION)
    token = mock.post("/auth/token")
    pool = mock.get("/api/v2/pools/p").respond(json={"name": "p"})
    async with AsyncClient(BASE, auth=BearerAuth("mine")) as client:
        await client.pools.get("p")
    assert token.call_count == 0
    assert pool.calls.last.request.headers["authorization"] == "Bearer mine"


# -- v2 error bodies -------------------------------------------------------------------


async def test_v2_error_bodies_fill_the_same_fields(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/pools/nope").respond(
        404, json={"detail": "The Pool with name: `nope` was not found"}
    )
    mock.post("/api/v2/pools").respond(
        409,
        json={
            "detail": {
                "reason": "Unique constraint violation",
                "statement": "hidden",
                "orig_error": "hidden",
                "message": "look for ID 1",
            }
        },
    )
    mock.patch("/api/v2/pools/p").respond(
        422,
        json={
            "detail": [
                {
                    "type": "int_parsing",
                    "loc": ["body", "slots"],
                    "msg": "Input should be a valid integer",
                    "input": "x",
                }
            ]
        },
    )
    async with AsyncClient(BASE, auth=BearerAuth("t"), api_version="v2") as client:
        with pytest.raises(NotFoundError) as missing:
            await client.pools.get("nope")
        with pytest.raises(ConflictError) as duplicate:
            await client.pools.create("p", slots=1)
        with pytest.raises(BadRequestError) as invalid:
            await client.pools.update("p", slots=2)
    assert missing.value.detail == "The Pool with name: `nope` was not found"
    assert duplicate.value.detail == "Unique constraint violation - look for ID 1"
    assert isinstance(invalid.value, UnprocessableEntityError)
    assert invalid.value.detail == "body.slots: Input should be a valid integer"
    assert invalid.value.status == 422
    assert isinstance(invalid.value.body, dict)


# -- routes the server lacks -----------------------------------------------------------


class _Example(Resource):
    namespace = "example"

    _only_v2 = Routes(v2=Route("GET", "/things", "get_things", since=(3, 2)))

    async def only_v2(self) -> None:
        await self._send(self._only_v2)


async def test_an_operation_the_api_lacks_is_refused_before_any_io(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/version").respond(404, html="<html/>")
    mock.get("/api/v1/version").respond(json=V1_VERSION)
    things = mock.get("/api/v1/things")
    async with AsyncClient(BASE, auth=("a", "b")) as client:
        with pytest.raises(UnsupportedByServerError) as caught:
            await _Example(client._http).only_v2()
    error = caught.value
    assert error.method == "example.only_v2"
    assert error.server.release == "2.11.2"
    assert "only Airflow 3 (/api/v2) has it" in str(error)
    assert things.call_count == 0


async def test_an_operation_newer_than_the_server_minor_names_the_release(
    mock: respx.MockRouter,
) -> None:
    mock.get("/api/v2/version").respond(json={"version": "3.1.8"})
    things = mock.get("/api/v2/things")
    async with AsyncClient(BASE, auth=BearerAuth("t")) as client:
        needs_3_2 = r"needs Airflow 3\.2 or later"
        with pytest.raises(UnsupportedByServerError, match=needs_3_2) as caught:
            await _Example(client._http).only_v2()
    assert caught.value.since == (3, 2)
    assert things.call_count == 0


class _Unmarked(Resource):
    """Routes that declare no ``since``: the v2 operation history decides."""

    namespace = "unmarked"

    _delete_xcom = Routes(v2=Route("DELETE", "/xcom", "delete_xcom_entry"))
    _patch_mapped = Routes(v2=Route("PATCH", "/ti", "patch_task_instance_by_map_index"))

    async def delete_xcom(self) -> None:
        await self._send(self._delete_xcom)

    async def patch_mapped(self) -> None:
        await self._send(self._patch_mapped)


def test_the_first_minor_of_a_route_comes_from_the_operation_history() -> None:
    # Airflow 3.2 added delete_xcom_entry; 3.0 has get_dags; a route's own since wins
    # when it is later; an operation 3.1 renamed keeps the minor of its route.
    assert operation_since(Route("DELETE", "/x", "delete_xcom_entry"), "v2") == (3, 2)
    assert operation_since(Route("GET", "/dags", "get_dags"), "v2") is None
    assert operation_since(Route("GET", "/dags", "get_dags", since=(3, 1)), "v2") == (3, 1)
    assert operation_since(Route("DELETE", "/x", "delete_xcom_entry", since=(3, 3)), "v2") == (3, 3)
    assert operation_since(Route("PATCH", "/ti", "patch_task_instance_by_map_index"), "v2") is None
    assert operation_since(Route("GET", "/x", None), "v2") is None


async def test_an_operation_the_history_dates_after_the_server_is_refused_before_any_io(
    mock: respx.MockRouter,
) -> None:
    mock.get("/api/v2/version").respond(json={"version": "3.1.8"})
    deleted = mock.delete("/api/v2/xcom")
    async with AsyncClient(BASE, auth=BearerAuth("t")) as client:
        with pytest.raises(
            UnsupportedByServerError, match=r"needs Airflow 3\.2 or later"
        ) as caught:
            await _Unmarked(client._http).delete_xcom()
    assert caught.value.since == (3, 2)
    assert caught.value.method == "unmarked.delete_xcom"
    assert caught.value.server.release == "3.1.8"
    assert deleted.call_count == 0


async def test_an_operation_the_history_dates_at_or_before_the_server_is_sent(
    mock: respx.MockRouter,
) -> None:
    mock.get("/api/v2/version").respond(json={"version": "3.0.6"})
    patched = mock.patch("/api/v2/ti").respond(json={})
    deleted = mock.delete("/api/v2/xcom").respond(204)
    async with AsyncClient(BASE, auth=BearerAuth("t")) as client:
        await _Unmarked(client._http).patch_mapped()
        with pytest.raises(UnsupportedByServerError):
            await _Unmarked(client._http).delete_xcom()
    async with AsyncClient(BASE, auth=BearerAuth("t")) as client:
        mock.get("/api/v2/version").respond(json={"version": "3.2.0"})
        await _Unmarked(client._http).delete_xcom()
    assert patched.call_count == 1
    assert deleted.call_count == 1


async def test_a_parameter_the_api_lacks_is_refused_not_dropped(mock: respx.MockRouter) -> None:
    mock.get("/api/v2/version").respond(404, html="<html/>")
    mock.get("/api/v1/version").respond(json=V1_VERSION)
    pools = mock.get("/api/v1/pools")
    async with AsyncClient(BASE, auth=("a", "b")) as client:
        with pytest.raises(
            UnsupportedByServerError, match="does not take pool_name_pattern"
        ) as caught:
            await client.pools.list(pool_name_pattern="etl")
        with pytest.raises(UnsupportedByServerError, match="order_by with more than one field"):
            await client.pools.list(order_by=["name", "-slots"])
    assert caught.value.parameter == "pool_name_pattern"
    assert pools.call_count == 0


# -- escape hatches --------------------------------------------------------------------


async def test_request_reaches_unwrapped_routes_with_the_same_machinery(
    mock: respx.MockRouter,
) -> None:
    mock.get("/api/v2/version").respond(json=V2_VERSION)
    mock.post("/auth/token").respond(201, json={"access_token": "jwt"})
    plugin = mock.get("/my-plugin/jobs/a%2Fb").respond(json={"state": "ok"})
    api = mock.get("/api/v2/pools").respond(json={"pools": [{"name": "p"}], "total_entries": 1})
    async with AsyncClient(BASE, auth=("admin", "pw")) as client:
        answer = await client.request(
            "GET", "/my-plugin/jobs/{job}", path_params={"job": "a/b"}, api_root=False
        )
        from airflow_client_async.models import PoolCollection

        pools = await client.request("GET", "/pools", params={"limit": 5}, cast_to=PoolCollection)
    assert answer == {"state": "ok"}
    assert plugin.calls.last.request.headers["authorization"] == "Bearer jwt"
    assert pools.pools is not None and pools.pools[0].name == "p"
    assert api.calls.last.request.url.params["limit"] == "5"


async def test_with_raw_response_gives_status_headers_and_the_model(mock: respx.MockRouter) -> None:
    mock.get("/api/v1/pools/p").respond(json={"name": "p"}, headers={"x-served-by": "web-1"})
    mock.get("/api/v1/pools").respond(json={"pools": [], "total_entries": 0})
    async with AsyncClient(BASE, auth=("a", "b"), api_version="v1") as client:
        raw = await client.with_raw_response(client.pools.get, "p")
        page = await client.with_raw_response(client.pools.list)
    assert raw.status_code == 200
    assert raw.headers["x-served-by"] == "web-1"
    assert raw.parsed.name == "p"
    assert len(raw.responses) == 1
    assert page.http_response.request.url.path == "/api/v1/pools"


async def test_with_options_sets_a_per_call_timeout_and_headers(mock: respx.MockRouter) -> None:
    route = mock.get("/api/v1/pools/p").respond(json={"name": "p"})
    async with AsyncClient(BASE, api_version="v1") as client:
        await client.with_options(timeout=3.5, headers={"X-Trace": "abc"}).pools.get("p")
        await client.pools.get("p")
    first, second = route.calls
    assert first.request.headers["x-trace"] == "abc"
    assert first.request.extensions["timeout"]["read"] == 3.5
    assert "x-trace" not in second.request.headers
    assert second.request.extensions["timeout"]["read"] == 60.0


def test_status_errors_carry_json_bodies() -> None:
    request = httpx.Request("GET", "http://h/api/v2/x")
    response = httpx.Response(400, json={"detail": "bad"}, request=request)
    from airflow_client_async._errors import status_error_from_response

    error = status_error_from_response(response, response.content)
    assert isinstance(error, APIStatusError)
    assert error.body == {"detail": "bad"}


@pytest.mark.parametrize(
    ("release", "refused"), [("3.0.6", True), ("3.1.0", False), ("3.3.2", False)]
)
async def test_a_filter_newer_than_the_server_minor_is_refused_not_dropped(
    mock: respx.MockRouter, release: str, refused: bool
) -> None:
    # Airflow 3.0 ignores run_id_pattern on GET /dagRuns (added in 3.1) and answers 200.
    mock.get("/api/v2/version").respond(json={"version": release})
    runs = mock.get("/api/v2/dags/d/dagRuns").respond(json={"dag_runs": [], "total_entries": 0})
    async with AsyncClient(BASE, auth=BearerAuth("t")) as client:
        if refused:
            with pytest.raises(UnsupportedByServerError, match="run_id_pattern") as caught:
                await client.dag_runs.list("d", run_id_pattern="x%")
            assert caught.value.since == (3, 1)
            assert caught.value.parameter == "run_id_pattern"
            assert runs.call_count == 0
            # What 3.0 has goes through.
            await client.dag_runs.list("d", state=["success"])
            assert runs.call_count == 1
        else:
            await client.dag_runs.list("d", run_id_pattern="x%")
            assert runs.calls.last.request.url.params["run_id_pattern"] == "x%"


async def test_a_body_field_newer_than_the_server_minor_is_refused(
    mock: respx.MockRouter,
) -> None:
    mock.get("/api/v2/version").respond(json={"version": "3.0.6"})
    clear = mock.post("/api/v2/dags/d/dagRuns/r/clear")
    async with AsyncClient(BASE, auth=BearerAuth("t")) as client:
        with pytest.raises(UnsupportedByServerError, match="run_on_latest_version"):
            await client.dag_runs.clear("d", "r", run_on_latest_version=True)
    assert clear.call_count == 0
