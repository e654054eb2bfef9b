"""AsyncClient and its request pipeline, against a respx router."""

from __future__ import annotations

import base64
import logging
import warnings

import httpx
import pytest
import respx

import airflow_client_async as af
from airflow_client_async import AsyncClient, BearerAuth

from .conftest import API, BASE, SleepRecorder

HEALTHY_POOL = {"name": "p", "slots": 3, "open_slots": 3, "description": None}


@pytest.mark.parametrize("bad", ["ftp://h", "h:8080", "http://", "http://h/?q=1"])
def test_bad_base_urls_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        AsyncClient(bad)


async def test_credentials_in_the_url_become_basic_auth_and_leave_the_url() -> None:
    with respx.mock(base_url="http://localhost:8080/api/v1", using="httpx") as mock:
        route = mock.get("/pools/p").respond(json=HEALTHY_POOL)
        async with AsyncClient("http://user:pa%3Ass@localhost:8080/api/v1") as api:
            assert api.base_url == "http://localhost:8080"
            assert "pa" not in repr(api)
            await api.pools.get("p")
        sent = route.calls.last.request.headers["authorization"]
        assert sent == "Basic " + base64.b64encode(b"user:pa:ss").decode()


def test_plain_http_with_credentials_to_a_remote_host_warns() -> None:
    with pytest.warns(UserWarning, match="unencrypted"):
        AsyncClient("http://airflow.example.com", auth=("u", "p"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        AsyncClient("http://127.0.0.1:8080", auth=("u", "p"))
        AsyncClient("https://airflow.example.com", auth=("u", "p"))


async def test_every_request_names_us_asks_for_json_and_authenticates(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/pools/p").respond(json=HEALTHY_POOL)
    await client.pools.get("p")
    headers = route.calls.last.request.headers
    assert headers["user-agent"].startswith(f"airflow-client-async/{af.__version__} ")
    assert headers["accept"] == "application/json"
    assert headers["authorization"] == "Basic " + base64.b64encode(b"admin:s3cret-pass").decode()


def test_header_injection_is_refused() -> None:
    with pytest.raises(ValueError, match="CR, LF"):
        AsyncClient(BASE, api_version="v1", headers={"X-Team": "a\r\nX-Evil: 1"})
    with pytest.raises(ValueError, match="CR, LF"):
        AsyncClient(BASE).with_options(headers={"X-Team": "a\nb"})
    with pytest.raises(ValueError, match="CR, LF"):
        BearerAuth("tok\r\nX-Evil: 1")


def test_secrets_never_appear_in_reprs() -> None:
    api = AsyncClient(BASE, api_version="v1", auth=("admin", "s3cret-pass"))
    bearer = BearerAuth("tok-s3cret")
    for text in (
        repr(api),
        str(api),
        repr(api._http),
        repr(bearer),
        repr(af.BasicAuth("a", "s3cret-pass")),
    ):
        assert "s3cret" not in text


async def test_a_closed_client_refuses_requests(router: respx.MockRouter) -> None:
    api = AsyncClient(BASE)
    await api.aclose()
    await api.aclose()  # closing twice is harmless
    assert api.is_closed
    with pytest.raises(af.ClientClosedError):
        await api.pools.get("p")
    with pytest.raises(af.ClientClosedError):
        async with api:
            pass


async def test_an_injected_http_client_stays_open_and_keeps_its_settings(
    router: respx.MockRouter,
) -> None:
    route = router.get("/pools/p").respond(json=HEALTHY_POOL)
    async with httpx.AsyncClient(headers={"X-Tenant": "blue"}, timeout=3.0) as http:
        async with AsyncClient(BASE, api_version="v1", http_client=http, auth=("a", "b")) as api:
            await api.pools.get("p")
        assert not http.is_closed
        request = route.calls.last.request
        assert request.headers["x-tenant"] == "blue"
        assert request.extensions["timeout"]["read"] == 3.0


async def test_with_options_shares_the_pool(client: AsyncClient, router: respx.MockRouter) -> None:
    route = router.get("/pools/p").respond(json=HEALTHY_POOL)
    fast = client.with_options(timeout=1.5, headers={"X-Trace": "1"})
    await fast.pools.get("p")
    request = route.calls.last.request
    assert request.extensions["timeout"]["read"] == 1.5
    assert request.headers["x-trace"] == "1"
    assert fast._http.pool is client._http.pool


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, af.BadRequestError),
        (401, af.AuthenticationError),
        (403, af.PermissionDeniedError),
        (404, af.NotFoundError),
        (405, af.MethodNotAllowedError),
        (406, af.NotAcceptableError),
        (409, af.ConflictError),
        (422, af.UnprocessableEntityError),
        (429, af.RateLimitError),
        (500, af.InternalServerError),
        (502, af.InternalServerError),
        (503, af.InternalServerError),
        (418, af.APIStatusError),
    ],
)
async def test_statuses_map_to_typed_errors_with_the_problem_fields(
    client: AsyncClient, router: respx.MockRouter, status: int, error: type[af.APIStatusError]
) -> None:
    problem = {
        "detail": "The Pool with name: `nope` was not found",
        "status": status,
        "title": "Pool not found",
        "type": "https://airflow.apache.org/docs/apache-airflow/2.11.2/stable-rest-api-ref.html#section/Errors/NotFound",
    }
    router.get("/pools/nope").respond(
        status, json=problem, headers={"Content-Type": "application/problem+json"}
    )
    with pytest.raises(error) as caught:
        await client.with_options(max_retries=0).pools.get("nope")
    exc = caught.value
    assert type(exc) is error
    assert exc.status == exc.status_code == status
    assert exc.title == "Pool not found"
    assert exc.detail == "The Pool with name: `nope` was not found"
    assert exc.type is not None and exc.type.endswith("NotFound")
    assert exc.body == problem
    assert "Pool not found" in str(exc) and "/api/v1/pools/nope" in str(exc)
    assert "s3cret" not in str(exc)


async def test_a_problem_with_null_detail_uses_the_title(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/pools/p").respond(
        401,
        json={"detail": None, "status": 401, "title": "Unauthorized", "type": "about:blank"},
        headers={"Content-Type": "application/problem+json"},
    )
    with pytest.raises(af.AuthenticationError, match="Unauthorized") as caught:
        await client.pools.get("p")
    assert caught.value.detail is None


async def test_an_html_error_page_maps_by_status_and_keeps_the_text(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
    router.post("/pools").respond(502, text=page, headers={"Content-Type": "text/html"})
    with pytest.raises(af.InternalServerError) as caught:
        await client.pools.create("p", slots=1)
    assert caught.value.body == page
    assert caught.value.title is None
    assert "502 Bad Gateway" in str(caught.value)


async def test_a_redirect_is_not_followed_and_is_an_error(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.get("/pools/p").respond(302, headers={"Location": "http://evil.test/steal"})
    with pytest.raises(af.APIStatusError) as caught:
        await client.pools.get("p")
    assert caught.value.status == 302
    assert route.call_count == 1


async def test_a_get_is_retried_on_503_with_backoff(
    client: AsyncClient, router: respx.MockRouter, sleeps: SleepRecorder
) -> None:
    route = router.get("/pools/p").mock(
        side_effect=[
            httpx.Response(503),
            httpx.Response(502),
            httpx.Response(200, json=HEALTHY_POOL),
        ]
    )
    pool = await client.pools.get("p")
    assert pool.name == "p"
    assert route.call_count == 3
    assert sleeps.delays == [0.25, 0.5]


async def test_retries_give_up_after_max_retries(
    client: AsyncClient, router: respx.MockRouter, sleeps: SleepRecorder
) -> None:
    route = router.get("/pools/p").respond(503)
    with pytest.raises(af.InternalServerError):
        await client.pools.get("p")
    assert route.call_count == 3
    assert len(sleeps.delays) == 2


async def test_retry_after_is_honoured(
    client: AsyncClient, router: respx.MockRouter, sleeps: SleepRecorder
) -> None:
    router.get("/pools/p").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "3"}),
            httpx.Response(200, json=HEALTHY_POOL),
        ]
    )
    await client.pools.get("p")
    assert sleeps.delays == [3.0]


async def test_a_trigger_is_never_replayed_after_an_ambiguous_failure(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/d/dagRuns").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(af.APITimeoutError):
        await client.dag_runs.trigger("d")
    assert route.call_count == 1
    route503 = router.post("/dags/e/dagRuns").respond(503)
    with pytest.raises(af.InternalServerError):
        await client.dag_runs.trigger("e")
    assert route503.call_count == 1


async def test_a_trigger_marked_idempotent_is_replayed(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    route = router.post("/dags/d/dagRuns").mock(
        side_effect=[
            httpx.ReadError("reset"),
            httpx.Response(200, json={"dag_id": "d", "dag_run_id": "r1"}),
        ]
    )
    run = await client.dag_runs.trigger("d", dag_run_id="r1", idempotent=True)
    assert run.dag_run_id == "r1"
    assert route.call_count == 2


async def test_connection_refused_is_retried_even_for_post(
    client: AsyncClient, router: respx.MockRouter, sleeps: SleepRecorder
) -> None:
    route = router.post("/dags/d/dagRuns").mock(
        side_effect=[
            httpx.ConnectError("refused"),
            httpx.Response(200, json={"dag_id": "d", "dag_run_id": "r"}),
        ]
    )
    await client.dag_runs.trigger("d")
    assert route.call_count == 2


async def test_transport_errors_become_typed_errors(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/pools/a").mock(side_effect=httpx.ConnectError("Connection refused"))
    router.get("/pools/b").mock(side_effect=httpx.ReadTimeout("timed out"))
    router.get("/pools/c").mock(side_effect=httpx.RemoteProtocolError("peer closed"))
    with pytest.raises(af.APIConnectionError, match="Connection refused") as refused:
        await client.pools.get("a")
    assert not isinstance(refused.value, af.APITimeoutError)
    assert isinstance(refused.value.__cause__, httpx.ConnectError)
    with pytest.raises(af.APITimeoutError, match="timed out"):
        await client.pools.get("b")
    with pytest.raises(af.APIConnectionError, match="peer closed"):
        await client.pools.get("c")


async def test_max_retries_zero_turns_retrying_off(
    router: respx.MockRouter,
) -> None:
    route = router.get("/pools/p").respond(503)
    async with AsyncClient(BASE, api_version="v1", max_retries=0) as api:
        with pytest.raises(af.InternalServerError):
            await api.pools.get("p")
    assert route.call_count == 1


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (
            httpx.Response(200, text="<html>login</html>", headers={"Content-Type": "text/html"}),
            "text/html",
        ),
        (
            httpx.Response(
                200, content=b'{"name": "p", "slo', headers={"Content-Type": "application/json"}
            ),
            "malformed or truncated",
        ),
        (httpx.Response(200, content=b"", headers={"Content-Type": "application/json"}), "empty"),
        (httpx.Response(200, json=["not", "an", "object"]), "does not fit Pool"),
        (httpx.Response(200, json={"name": "p", "slots": "many"}), "does not fit Pool"),
    ],
)
async def test_bad_bodies_raise_response_validation_error_with_the_raw_body(
    client: AsyncClient, router: respx.MockRouter, response: httpx.Response, reason: str
) -> None:
    router.get("/pools/p").mock(return_value=response)
    with pytest.raises(af.ResponseValidationError, match=reason) as caught:
        await client.pools.get("p")
    assert caught.value.body == response.content
    assert caught.value.response.status_code == 200


async def test_a_body_without_content_type_is_still_read_as_json(
    client: AsyncClient, router: respx.MockRouter
) -> None:
    router.get("/pools/p").mock(
        return_value=httpx.Response(200, content=b'{"name": "p", "slots": 1}')
    )
    assert (await client.pools.get("p")).slots == 1


async def test_bearer_auth_refreshes_once_on_401(router: respx.MockRouter) -> None:
    tokens = iter(["old", "new"])
    fetched: list[str] = []

    async def fetch_token() -> str:
        token = next(tokens)
        fetched.append(token)
        return token

    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        # The auth flow re-sends the same request object, so read the header now.
        sent.append(request.headers["authorization"])
        if request.headers["authorization"] == "Bearer new":
            return httpx.Response(200, json=HEALTHY_POOL)
        return httpx.Response(401, json={"title": "Unauthorized", "status": 401})

    route = router.get("/pools/p").mock(side_effect=answer)
    async with AsyncClient(BASE, api_version="v1", auth=BearerAuth(fetch_token)) as api:
        await api.pools.get("p")
        await api.pools.get("p")
    assert fetched == ["old", "new"]
    assert route.call_count == 3
    assert sent == [
        "Bearer old",
        "Bearer new",
        "Bearer new",
    ]


async def test_logs_carry_no_secrets(
    client: AsyncClient, router: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    router.get("/pools/p").mock(
        side_effect=[httpx.Response(503), httpx.Response(200, json=HEALTHY_POOL)]
    )
    with caplog.at_level(logging.DEBUG, logger="airflow_client_async"):
        await client.pools.get("p")
    assert caplog.records
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/pools/p" in text
    assert "s3cret" not in text and "YWRtaW4" not in text


def test_auth_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="auth must be"):
        AsyncClient(BASE, auth="admin:admin")  # type: ignore[arg-type]


def test_api_root_is_exposed_for_tests() -> None:
    assert API.endswith("/api/v1")
