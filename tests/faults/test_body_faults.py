"""Faults in the body of a response that did arrive: truncated, mis-shaped, mislabelled, empty,
huge, chunked at awkward places, encoded wrongly.

A 2xx answer whose body is not the JSON the operation returns is a
:class:`ResponseValidationError` carrying the raw body; it is never retried (the server did
answer), so exactly one request arrives.
"""

from __future__ import annotations

import gzip
import json

import pytest

from airflow_client_async import (
    APIConnectionError,
    InternalServerError,
    ResponseValidationError,
)
from airflow_client_async._client import TransportKind
from tests.support.wire_server import RawRequest, Responder, drip, in_turn, respond_with

from .conftest import DAG_BODY, JSON, ClientFactory, ServeFactory


async def test_truncated_json_is_a_validation_error_not_retried(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    # A complete HTTP message whose JSON stops half-way (Content-Length agrees with it).
    body = DAG_BODY[:25]
    server = serve(respond_with(200, [JSON], body))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError) as caught:
        await client.dags.get("etl")

    error = caught.value
    assert type(error) is ResponseValidationError
    assert (error.body, error.expected) == (body, "JSON")
    assert "malformed or truncated JSON body" in str(error)
    assert error.response.status_code == 200
    assert len(server.requests) == 1


async def test_truncated_json_to_a_trigger_arrives_once(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    server = serve(respond_with(200, [JSON], b'{"dag_id": "etl", "dag_run_id": "man'))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError):
        await client.dag_runs.trigger("etl")

    assert [r.method for r in server.requests] == ["POST"]


@pytest.mark.parametrize(
    ("body", "names"),
    [
        pytest.param(b"[]", "DAG: expected an object, got an array", id="array"),
        pytest.param(b'"etl"', "DAG: expected an object, got a string", id="string"),
        pytest.param(b"null", "DAG: expected an object, got null", id="null"),
        pytest.param(b'{"dag_id": ["etl"]}', "dag_id: expected a string", id="field"),
        pytest.param(
            b'{"dag_id": "etl", "tags": [{"name": {}}]}',
            "tags[0].name: expected a string, got an object",
            id="nested-field",
        ),
        pytest.param(
            b'{"dag_id": "etl", "schedule_interval": {"__type": "TimeDelta", "days": "1"}}',
            "schedule_interval.days: expected an integer",
            id="tagged-union",
        ),
    ],
)
async def test_json_of_the_wrong_shape_is_a_validation_error_naming_the_field(
    serve: ServeFactory, connect: ClientFactory, body: bytes, names: str
) -> None:
    server = serve(respond_with(200, [JSON], body))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError) as caught:
        await client.dags.get("etl")

    assert caught.value.expected == "DAG"
    assert caught.value.body == body
    assert names in str(caught.value)
    assert len(server.requests) == 1


LOGIN_PAGE = b"<!DOCTYPE html><html><body><form action='/login'>Sign in</form></body></html>"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        pytest.param("text/html; charset=utf-8", LOGIN_PAGE, id="html-login-page"),
        pytest.param("text/html", DAG_BODY, id="json-labelled-html"),
        pytest.param("text/plain", DAG_BODY, id="json-labelled-text"),
        pytest.param("application/octet-stream", DAG_BODY, id="octet-stream"),
    ],
)
async def test_a_declared_non_json_content_type_is_a_validation_error(
    serve: ServeFactory, connect: ClientFactory, content_type: str, body: bytes
) -> None:
    server = serve(respond_with(200, [("Content-Type", content_type)], body))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError) as caught:
        await client.dags.get("etl")

    media_type = content_type.split(";")[0]
    assert f"expected a JSON body, got {media_type!r}" in str(caught.value)
    assert caught.value.body == body
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param([], id="missing"),
        pytest.param([("Content-Type", "application/json; charset=utf-8")], id="charset"),
        pytest.param([("Content-Type", "Application/JSON")], id="upper-case"),
        pytest.param([("Content-Type", "application/vnd.airflow+json")], id="plus-json"),
    ],
)
async def test_json_without_or_with_a_variant_content_type_decodes(
    serve: ServeFactory, connect: ClientFactory, headers: list[tuple[str, str]]
) -> None:
    server = serve(respond_with(200, headers, DAG_BODY))
    client = connect(server.url)

    dag = await client.dags.get("etl")

    assert dag.dag_id == "etl"
    assert [tag.name for tag in dag.tags or []] == ["nightly"]


@pytest.mark.parametrize("body", [b"", b" \r\n "], ids=["empty", "whitespace"])
async def test_empty_body_on_200_is_a_validation_error(
    serve: ServeFactory, connect: ClientFactory, body: bytes
) -> None:
    server = serve(respond_with(200, [JSON], body))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError) as caught:
        await client.dags.get("etl")

    assert "expected a JSON body, got an empty one" in str(caught.value)
    assert len(server.requests) == 1


@pytest.mark.parametrize("status", [200, 204])
async def test_empty_body_where_none_is_expected_is_fine(
    serve: ServeFactory, connect: ClientFactory, status: int
) -> None:
    server = serve(respond_with(status, [], b""))
    client = connect(server.url)

    await client.variables.delete("k")
    assert server.requests[0].request_line == "DELETE /api/v1/variables/k HTTP/1.1"


async def test_huge_body_is_decoded_whole(serve: ServeFactory, connect: ClientFactory) -> None:
    # A 24 MiB variable value, then a 5,000-DAG page: nothing is cut or capped.
    value = "v" * (24 * 1024 * 1024)
    big_variable = json.dumps({"key": "k", "value": value, "description": None}).encode()
    dags = [{"dag_id": f"dag_{i}", "tags": [{"name": "t"}], "owners": ["o"]} for i in range(5000)]
    big_page = json.dumps({"dags": dags, "total_entries": 5000}).encode()
    server = serve(
        in_turn(respond_with(200, [JSON], big_variable), respond_with(200, [JSON], big_page))
    )
    client = connect(server.url)

    variable = await client.variables.get("k")
    page = await client.dags.list(limit=5000)

    assert variable.value == value
    assert [dag.dag_id for dag in page.items] == [f"dag_{i}" for i in range(5000)]
    assert page.total_entries == 5000


async def test_huge_html_error_keeps_the_body_but_not_in_the_message(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    page = b"<html><body>" + b"<p>stack frame</p>" * 300_000 + b"</body></html>"  # ~5 MiB
    server = serve(respond_with(500, [("Content-Type", "text/html")], page, reason="Oops"))
    client = connect(server.url)

    with pytest.raises(InternalServerError) as caught:
        await client.dags.get("etl")

    assert caught.value.body == page.decode()
    assert len(str(caught.value)) < 700
    assert len(server.requests) == 1  # a 500 is not retried


async def test_chunks_split_inside_utf8_characters_decode(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    body = json.dumps({"dag_id": "étl-✓-🐍", "description": "ünïcödé " * 50}).encode()
    chunks = [body[i : i + 3] for i in range(0, len(body), 3)]  # cuts multi-byte sequences
    server = serve(drip(chunks, delay=0.0))
    client = connect(server.url)

    dag = await client.dags.get("etl")

    assert dag.dag_id == "étl-✓-🐍"
    assert dag.description == "ünïcödé " * 50


async def test_gzip_encoded_json_decodes(serve: ServeFactory, connect: ClientFactory) -> None:
    server = serve(respond_with(200, [JSON, ("Content-Encoding", "gzip")], gzip.compress(DAG_BODY)))
    client = connect(server.url)

    assert (await client.dags.get("etl")).dag_id == "etl"


async def test_corrupt_gzip_body_is_a_validation_error(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    body = b"this is not gzip"
    server = serve(respond_with(200, [JSON, ("Content-Encoding", "gzip")], body))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError) as caught:
        await client.dags.get("etl")

    assert len(server.requests) == 1
    assert caught.value.response.status_code == 200


async def test_body_not_in_utf8_is_a_validation_error(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    body = '{"dag_id": "étl"}'.encode("latin-1")
    server = serve(respond_with(200, [("Content-Type", "application/json; charset=latin-1")], body))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError) as caught:
        await client.dags.get("etl")

    assert caught.value.body == body


async def test_deeply_nested_json_is_a_validation_error(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    body = b"[" * 100_000 + b"]" * 100_000
    server = serve(respond_with(200, [JSON], body))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError):
        await client.dags.get("etl")


async def test_malformed_response_head_is_a_connection_error(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    async def handler(request: RawRequest, responder: Responder) -> None:
        await responder.send_raw(
            b"HTTP/1.1 200 OK\r\nBroken header line\r\nContent-Length: 2\r\n\r\n{}"
        )

    server = serve(handler)
    client = connect(server.url)

    with pytest.raises(APIConnectionError) as caught:
        await client.dag_runs.trigger("etl")

    assert type(caught.value) is APIConnectionError
    assert "RemoteProtocolError" in str(caught.value)
    assert len(server.requests) == 1


async def test_a_lying_content_length_poisons_no_later_request(
    serve: ServeFactory, connect: ClientFactory, transport: TransportKind
) -> None:
    # Twelve bytes promised, more sent: the rest must not be read as the next response.
    lying = respond_with(200, [JSON, ("Content-Length", "12")], DAG_BODY)
    server = serve(in_turn(lying, respond_with(200, [JSON], b'{"dag_id": "next"}')))
    client = connect(server.url)

    if transport == "aiohttp":
        # aiohttp refuses the extra bytes as a broken message, and the GET is replayed.
        assert (await client.dags.get("etl")).dag_id == "next"
        assert len(server.requests) == 2
    else:
        # httpx reads the promised bytes (truncated JSON) and drops the dirty connection.
        with pytest.raises(ResponseValidationError):
            await client.dags.get("etl")
    assert (await client.dags.get("etl")).dag_id == "next"
    assert server.requests[-1].connection_id != server.requests[0].connection_id
