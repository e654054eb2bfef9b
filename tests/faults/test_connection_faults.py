"""Faults below HTTP: refused, silent, reset, cut short, timed out, not HTTP at all.

Each failure must surface as the documented typed error, never a raw httpx or aiohttp
exception, and the server's count of arrived requests shows the retry rule at work: a
request that never reached the server is retried whatever its method; one that may have
reached it is replayed only when that is harmless (a GET, or a trigger marked idempotent),
so a trigger arrives exactly once.
"""

from __future__ import annotations

import socket

import pytest

from airflow_client_async import APIConnectionError, APITimeoutError, AsyncClient
from airflow_client_async._client import TransportKind
from tests.support.wire_server import (
    Handler,
    close_after_response,
    close_before_response,
    close_mid_body,
    drip,
    in_turn,
    not_http,
    reset_before_response,
    reset_mid_body,
    respond_with,
    sleep_then,
)

from .conftest import DAG_BODY, JSON, RETRIES, RUN_BODY, ClientFactory, ServeFactory, SleepRecorder


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- never reached the server: retried for every method ----------------------------------------


async def test_refused_get_is_retried_then_a_connection_error(
    connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    client = connect(f"http://127.0.0.1:{free_port()}")

    with pytest.raises(APIConnectionError) as caught:
        await client.dags.get("etl")

    assert type(caught.value) is APIConnectionError
    assert "GET /api/v1/dags/etl failed: ConnectError" in str(caught.value)
    assert caught.value.retries == RETRIES
    assert sleeps.delays == [0.0] * RETRIES


async def test_refused_trigger_is_retried_as_nothing_was_sent(
    connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    client = connect(f"http://127.0.0.1:{free_port()}")

    with pytest.raises(APIConnectionError) as caught:
        await client.dag_runs.trigger("etl")

    assert type(caught.value) is APIConnectionError
    assert caught.value.retries == RETRIES


async def test_silent_tls_handshake_is_a_connect_timeout_retried_for_a_trigger(
    connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    # The kernel accepts the TCP connection into the backlog; nothing ever answers TLS.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        client = connect(f"https://127.0.0.1:{listener.getsockname()[1]}")

        with pytest.raises(APITimeoutError) as caught:
            await client.dag_runs.trigger("etl")

    assert type(caught.value) is APITimeoutError
    assert "POST /api/v1/dags/etl/dagRuns timed out" in str(caught.value)
    assert caught.value.retries == RETRIES


# -- may have reached the server: GET replayed, trigger sent once ------------------------------

AMBIGUOUS: list[object] = [
    pytest.param(close_before_response, id="close-before-response"),
    pytest.param(reset_before_response, id="reset-before-response"),
    pytest.param(close_mid_body, id="close-mid-body"),
    pytest.param(reset_mid_body, id="reset-mid-body"),
    pytest.param(not_http, id="not-http"),
]


@pytest.mark.parametrize("handler", AMBIGUOUS)
async def test_get_is_replayed_after_an_ambiguous_failure(
    serve: ServeFactory,
    connect: ClientFactory,
    sleeps: SleepRecorder,
    handler: Handler,
    transport: TransportKind,
) -> None:
    server = serve(handler)
    client = connect(server.url)

    with pytest.raises(APIConnectionError) as caught:
        await client.dags.get("etl")

    assert type(caught.value) is APIConnectionError
    assert caught.value.__cause__ is not None  # the transport's error, kept for debugging
    assert [r.request_line for r in server.requests] == ["GET /api/v1/dags/etl HTTP/1.1"] * (
        1 + RETRIES
    )
    assert caught.value.retries == RETRIES
    assert sleeps.delays == [0.0] * RETRIES


@pytest.mark.parametrize("handler", AMBIGUOUS)
async def test_trigger_arrives_exactly_once_after_an_ambiguous_failure(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder, handler: Handler
) -> None:
    server = serve(handler)
    client = connect(server.url)

    with pytest.raises(APIConnectionError) as caught:
        await client.dag_runs.trigger("etl", conf={"n": 1})

    assert type(caught.value) is APIConnectionError
    [received] = server.requests
    assert received.request_line == "POST /api/v1/dags/etl/dagRuns HTTP/1.1"
    assert received.body == b'{"conf":{"n":1}}'
    assert caught.value.retries == 0
    assert sleeps.delays == []


@pytest.mark.parametrize("handler", AMBIGUOUS)
async def test_trigger_marked_idempotent_is_replayed(
    serve: ServeFactory, connect: ClientFactory, handler: Handler
) -> None:
    server = serve(handler)
    client = connect(server.url)

    with pytest.raises(APIConnectionError):
        await client.dag_runs.trigger("etl", dag_run_id="manual__1", idempotent=True)

    assert [r.method for r in server.requests] == ["POST"] * (1 + RETRIES)
    assert {r.body for r in server.requests} == {b'{"dag_run_id":"manual__1"}'}


async def test_get_recovers_when_a_retry_succeeds(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(in_turn(reset_mid_body, close_mid_body, respond_with(200, [JSON], DAG_BODY)))
    client = connect(server.url)

    dag = await client.dags.get("etl")

    assert dag.dag_id == "etl"
    assert len(server.requests) == 3
    assert sleeps.delays == [0.0, 0.0]


async def test_the_configured_retry_count_is_used(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(close_mid_body)
    client = connect(server.url, max_retries=4)

    with pytest.raises(APIConnectionError) as caught:
        await client.dags.get("etl")

    assert len(server.requests) == 5
    assert caught.value.retries == 4
    assert len(sleeps.delays) == 4


@pytest.mark.parametrize("handler", [*AMBIGUOUS])
async def test_max_retries_zero_sends_a_get_once(
    serve: ServeFactory,
    connect: ClientFactory,
    handler: Handler,
    transport: TransportKind,
) -> None:
    server = serve(handler)
    client = connect(server.url, max_retries=0)

    with pytest.raises(APIConnectionError):
        await client.dags.get("etl")

    assert len(server.requests) == 1


@pytest.mark.parametrize("handler", [*AMBIGUOUS])
async def test_delete_is_replayed_the_configured_number_of_times(
    serve: ServeFactory,
    connect: ClientFactory,
    handler: Handler,
    transport: TransportKind,
) -> None:
    server = serve(handler)
    client = connect(server.url, max_retries=1)

    with pytest.raises(APIConnectionError):
        await client.variables.delete("k")

    assert [r.request_line for r in server.requests] == ["DELETE /api/v1/variables/k HTTP/1.1"] * 2


@pytest.mark.parametrize("handler", [*AMBIGUOUS])
async def test_a_request_not_to_be_replayed_is_sent_once(
    serve: ServeFactory,
    connect: ClientFactory,
    handler: Handler,
    transport: TransportKind,
) -> None:
    # The pipeline's own override: idempotent=False forbids replaying even a GET.
    server = serve(handler)
    client = connect(server.url)

    with pytest.raises(APIConnectionError):
        await client._http.request("GET", "/dags/etl", idempotent=False)

    assert len(server.requests) == 1


# -- timeouts ----------------------------------------------------------------------------------


async def test_read_timeout_replays_a_get(
    serve: ServeFactory, connect: ClientFactory, sleeps: SleepRecorder
) -> None:
    server = serve(sleep_then(0.5))
    client = connect(server.url)

    with pytest.raises(APITimeoutError) as caught:
        await client.dags.get("etl")

    assert type(caught.value) is APITimeoutError
    assert "GET /api/v1/dags/etl timed out" in str(caught.value)
    assert len(server.requests) == 1 + RETRIES
    assert caught.value.retries == RETRIES


async def test_read_timeout_never_replays_a_trigger(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    server = serve(sleep_then(0.5))
    client = connect(server.url)

    with pytest.raises(APITimeoutError) as caught:
        await client.dag_runs.trigger("etl")

    assert type(caught.value) is APITimeoutError
    assert [r.method for r in server.requests] == ["POST"]
    assert caught.value.retries == 0


async def test_drip_slower_than_the_read_timeout_is_a_timeout(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    # The head arrives at once, then the body stalls: the read timeout covers every gap.
    server = serve(drip([b'{"dag_id": ', b'"etl", "file_token": "t"}'], delay=0.45))
    client = connect(server.url)

    with pytest.raises(APITimeoutError):
        await client.dag_runs.trigger("etl")

    assert len(server.requests) == 1


async def test_drip_within_the_read_timeout_is_read_whole(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    # Twelve gaps of 0.03 s: longer in total than the 0.2 s read timeout, never in one gap.
    body = RUN_BODY
    chunks = [body[i : i + 7] for i in range(0, len(body), 7)]
    server = serve(drip(chunks, delay=0.03))
    client = connect(server.url)

    run = await client.dag_runs.trigger("etl")

    assert run.dag_run_id == "manual__1"
    assert len(chunks) * 0.03 > 0.2
    assert len(server.requests) == 1


# -- a pooled connection the server has since closed --------------------------------------------


async def test_trigger_after_the_server_closed_an_idle_connection(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    import anyio

    server = serve(close_after_response(0.05, respond_with(200, [JSON], RUN_BODY)))
    client = connect(server.url)

    await client.dag_runs.trigger("etl")
    await anyio.sleep(0.3)  # the server's idle timeout has closed the kept-alive connection
    run = await client.dag_runs.trigger("etl")

    # The second trigger went out on a new connection and arrived once.
    assert run.state == "queued"
    assert [r.connection_id for r in server.requests] == [0, 1]


async def test_closed_client_is_an_error_of_its_own(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    from airflow_client_async import ClientClosedError

    server = serve(respond_with(200, [JSON], DAG_BODY))
    client: AsyncClient = connect(server.url)
    await client.dags.get("etl")
    await client.aclose()

    with pytest.raises(ClientClosedError):
        await client.dags.get("etl")
    assert len(server.requests) == 1
