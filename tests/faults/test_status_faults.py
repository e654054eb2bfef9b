"""Faults in the status line: a proxy's HTML 502, 503 and 429 with ``Retry-After``, redirects.

The client's sleep is a recorder, so the delay chosen from ``Retry-After`` is asserted
exactly (seconds) or within the second an HTTP date can express, without being waited.
"""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from airflow_client_async import (
    APIStatusError,
    InternalServerError,
    RateLimitError,
    RetryPolicy,
)
from airflow_client_async._client import TransportKind
from airflow_client_async._transports import make_transport
from tests.support.wire_server import Handler, in_turn, redirect_to, respond_with

from .conftest import (
    DAG_BODY,
    JSON,
    PASSWORD,
    RETRIES,
    RUN_BODY,
    ClientFactory,
    ServeFactory,
    SleepRecorder,
)

PROXY_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n"
    b"</body>\r\n</html>\r\n"
)
HTML = ("Content-Type", "text/html")
OK_DAG = respond_with(200, [JSON], DAG_BODY)
OK_RUN = respond_with(200, [JSON], RUN_BODY)


def http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


def unavailable(retry_after: str) -> Handler:
    return respond_with(
        503,
        [JSON, ("Retry-After", retry_after)],
        b'{"title": "Service Unavailable", "status": 503}',
        reason="Service Unavailable",
    )


def too_many(retry_after: str) -> Handler:
    return respond_with(
        429,
        [("Content-Type", "application/problem+json"), ("Retry-After", retry_after)],
        b'{"title": "Too Many Requests", "detail": "slow down", "status": 429}',
        reason="Too Many Requests",
    )


# -- a proxy's HTML error page -------------------------------------------------------------


async def test_html_502_from_a_proxy_is_an_internal_server_error_after_retries(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(respond_with(502, [HTML], PROXY_502, reason="Bad Gateway"))
    client = connect(server.url)

    with pytest.raises(InternalServerError) as caught:
        await client.dags.get("etl")

    error = caught.value
    assert type(error) is InternalServerError
    assert error.status == 502
    assert error.body == PROXY_502.decode()  # the page, kept whole as text
    assert error.title is None and error.detail is None
    assert str(error).startswith("502 Bad Gateway for GET /api/v1/dags/etl: <html>")
    assert error.retries == RETRIES
    assert len(server.requests) == 1 + RETRIES
    assert sleeps.delays == [0.0] * RETRIES


async def test_html_502_to_a_trigger_is_not_replayed(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(respond_with(502, [HTML], PROXY_502, reason="Bad Gateway"))
    client = connect(server.url)

    with pytest.raises(InternalServerError) as caught:
        await client.dag_runs.trigger("etl")

    assert caught.value.status == 502
    assert [r.method for r in server.requests] == ["POST"]
    assert sleeps.delays == []


async def test_502_then_200_recovers(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(in_turn(respond_with(502, [HTML], PROXY_502, reason="Bad Gateway"), OK_DAG))
    client = connect(server.url)

    dag = await client.dags.get("etl")

    assert dag.dag_id == "etl"
    assert len(server.requests) == 2
    assert sleeps.delays == [0.0]


async def test_504_problem_json_keeps_its_fields(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    body = (
        b'{"type": "about:blank", "title": "Gateway Timeout", "detail": "upstream", "status": 504}'
    )
    server = serve(respond_with(504, [("Content-Type", "application/problem+json")], body))
    client = connect(server.url, max_retries=0)

    with pytest.raises(InternalServerError) as caught:
        await client.dags.get("etl")

    assert (caught.value.status, caught.value.title, caught.value.detail) == (
        504,
        "Gateway Timeout",
        "upstream",
    )
    assert caught.value.type == "about:blank"


# -- 503 and 429 with Retry-After -----------------------------------------------------------


async def test_503_retry_after_seconds_sets_the_delay(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(in_turn(unavailable("7"), OK_DAG))
    client = connect(server.url)

    dag = await client.dags.get("etl")

    assert dag.dag_id == "etl"
    assert sleeps.delays == [7.0]
    assert len(server.requests) == 2


async def test_503_retry_after_http_date_sets_the_delay(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(in_turn(unavailable(http_date(30)), OK_DAG))
    client = connect(server.url)

    await client.dags.get("etl")

    [delay] = sleeps.delays
    # An HTTP date has whole seconds: the delay is 30 s, less up to a second (and test time).
    assert 28.0 <= delay <= 30.0
    assert len(server.requests) == 2


async def test_503_until_the_budget_is_spent(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(unavailable("2"))
    client = connect(server.url)

    with pytest.raises(InternalServerError) as caught:
        await client.dags.get("etl")

    assert caught.value.status == 503
    assert caught.value.title == "Service Unavailable"
    assert caught.value.retries == RETRIES
    assert sleeps.delays == [2.0] * RETRIES
    assert len(server.requests) == 1 + RETRIES


async def test_503_to_a_trigger_is_not_replayed_even_with_retry_after(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(in_turn(unavailable("1"), OK_RUN))
    client = connect(server.url)

    with pytest.raises(InternalServerError):
        await client.dag_runs.trigger("etl")

    assert [r.method for r in server.requests] == ["POST"]
    assert sleeps.delays == []


async def test_429_retry_after_seconds_replays_a_trigger(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    # A 429 says the server did no work, so even a trigger is sent again.
    server = serve(in_turn(too_many("5"), OK_RUN))
    client = connect(server.url)

    run = await client.dag_runs.trigger("etl", conf={"n": 1})

    assert run.dag_run_id == "manual__1"
    assert sleeps.delays == [5.0]
    assert [r.body for r in server.requests] == [b'{"conf":{"n":1}}'] * 2


async def test_429_retry_after_http_date_until_the_budget_is_spent(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(too_many(http_date(20)))
    client = connect(server.url)

    with pytest.raises(RateLimitError) as caught:
        await client.dag_runs.trigger("etl")

    assert type(caught.value) is RateLimitError
    assert (caught.value.status, caught.value.detail) == (429, "slow down")
    assert len(sleeps.delays) == RETRIES
    assert all(18.0 <= delay <= 20.0 for delay in sleeps.delays)
    assert len(server.requests) == 1 + RETRIES


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        pytest.param("3600", 60.0, id="seconds-above-the-cap"),
        pytest.param(http_date(86_400), 60.0, id="date-above-the-cap"),
        pytest.param(http_date(-3600), 0.0, id="date-in-the-past"),
        pytest.param("0", 0.0, id="zero"),
        pytest.param("soon", 0.25, id="unreadable-falls-back-to-backoff"),
        pytest.param("nan", 0.25, id="nan-falls-back-to-backoff"),
    ],
)
async def test_retry_after_is_capped_and_read_safely(
    serve: ServeFactory,
    connect: ClientFactory,
    sleeps: SleepRecorder,
    retry_after: str,
    expected: float,
) -> None:
    server = serve(in_turn(too_many(retry_after), OK_DAG))
    policy = RetryPolicy(max_retries=1, backoff_initial=0.25, jitter=0.0)
    client = connect(server.url, retry_policy=policy)

    await client.dags.get("etl")

    assert sleeps.delays == [expected]


async def test_retry_after_cap_is_configurable(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(in_turn(too_many("3600"), OK_DAG))
    policy = RetryPolicy(max_retries=1, backoff_initial=0.0, max_retry_after=2.5)
    client = connect(server.url, retry_policy=policy)

    await client.dags.get("etl")

    assert sleeps.delays == [2.5]


# -- redirects: never followed, credentials never sent elsewhere ------------------------------

REDIRECTS = [301, 302, 303, 307, 308]


@pytest.mark.parametrize("status", REDIRECTS)
async def test_redirect_to_another_host_is_not_followed(
    serve: ServeFactory, connect: ClientFactory, status: int
) -> None:
    elsewhere = serve(respond_with(200, [JSON], DAG_BODY))
    # "localhost" is another host name than the client's 127.0.0.1, on another port too.
    target = elsewhere.url.replace("127.0.0.1", "localhost") + "/api/v1/dags/etl"
    server = serve(redirect_to(target, status))
    client = connect(server.url)

    with pytest.raises(APIStatusError) as caught:
        await client.dags.get("etl")

    assert type(caught.value) is APIStatusError
    assert caught.value.status == status
    assert caught.value.response.headers["Location"] == target
    assert len(server.requests) == 1
    assert server.requests[0].header_values("Authorization") != []
    assert elsewhere.requests == []
    assert elsewhere.accepted_connections == 0


async def test_redirect_of_a_trigger_is_not_followed(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    elsewhere = serve(respond_with(200, [JSON], RUN_BODY))
    server = serve(redirect_to(elsewhere.url.replace("127.0.0.1", "localhost") + "/x", 307))
    client = connect(server.url)

    with pytest.raises(APIStatusError) as caught:
        await client.dag_runs.trigger("etl")

    assert caught.value.status == 307
    assert [r.method for r in server.requests] == ["POST"]
    assert elsewhere.accepted_connections == 0


async def test_an_injected_client_that_follows_redirects_still_does_not(
    serve: ServeFactory, connect: ClientFactory, transport: TransportKind
) -> None:
    elsewhere = serve(respond_with(200, [JSON], DAG_BODY))
    server = serve(redirect_to(elsewhere.url.replace("127.0.0.1", "localhost") + "/steal", 302))
    async with httpx.AsyncClient(
        transport=make_transport(transport),
        follow_redirects=True,
        timeout=2.0,
    ) as http:
        client = connect(server.url, http_client=http)

        with pytest.raises(APIStatusError) as caught:
            await client.dags.get("etl")

    assert caught.value.status == 302
    assert elsewhere.accepted_connections == 0
    # The password never reached the other host, and is in no message either.
    assert PASSWORD not in str(caught.value)
