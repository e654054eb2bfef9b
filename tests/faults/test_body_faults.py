"""Faults in the body of a response that did arrive: truncated, mis-shaped, mislabelled, empty,
huge, chunked at awkward places, encoded wrongly.

A 2xx answer whose body is not the JSON the operation returns is a
:class:`ResponseValidationError` carrying the raw body; it is never retried (the server did
answer), so exactly one request arrives.
"""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from airflow_client_async import (
    DEFAULT_MAX_RESPONSE_SIZE,
    APIConnectionError,
    AsyncClient,
    InternalServerError,
    ResponseTooLargeError,
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
    dags = [
        {"dag_id": f"dag_{i}", "file_token": "t", "tags": [{"name": "t"}], "owners": ["o"]}
        for i in range(5000)
    ]
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
    body = json.dumps(
        {"dag_id": "étl-✓-🐍", "file_token": "t", "description": "ünïcödé " * 50}
    ).encode()
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
    body = '{"dag_id": "étl", "file_token": "t"}'.encode("latin-1")
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
    following = respond_with(200, [JSON], b'{"dag_id": "next", "file_token": "t"}')
    server = serve(in_turn(lying, following))
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


# -- the response cap and the client's own decoding --------------------------------------------


def _page(count: int) -> bytes:
    dags = [
        {"dag_id": f"dag_{i}", "file_token": "t", "description": "d" * 50} for i in range(count)
    ]
    return json.dumps({"dags": dags, "total_entries": count}).encode()


def _raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


PAGE = _page(20_000)  # ~1.6 MiB, many decompression steps


@pytest.mark.parametrize(
    ("encoding", "body"),
    [
        pytest.param("gzip", gzip.compress(PAGE), id="gzip"),
        pytest.param("x-gzip", gzip.compress(PAGE), id="x-gzip"),
        pytest.param("deflate", zlib.compress(PAGE), id="deflate-zlib"),
        pytest.param("deflate", _raw_deflate(PAGE), id="deflate-raw"),
        pytest.param("gzip, deflate", zlib.compress(gzip.compress(PAGE)), id="gzip-then-deflate"),
        pytest.param("identity", PAGE, id="identity"),
    ],
)
async def test_encoded_bodies_decode_whole(
    serve: ServeFactory, connect: ClientFactory, encoding: str, body: bytes
) -> None:
    server = serve(respond_with(200, [JSON, ("Content-Encoding", encoding)], body))
    client = connect(server.url)

    page = await client.dags.list(limit=20_000)

    assert [dag.dag_id for dag in page.items][-1] == "dag_19999"
    assert server.requests[0].header_values("Accept-Encoding") == ["gzip, deflate"]


async def test_an_encoding_the_client_did_not_ask_for_is_a_validation_error(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    server = serve(respond_with(200, [JSON, ("Content-Encoding", "br")], b"\x8b\x02\x80{}\x03"))
    client = connect(server.url)

    with pytest.raises(ResponseValidationError, match="'br' is not an encoding") as caught:
        await client.dags.get("etl")

    assert caught.value.response.status_code == 200
    assert len(server.requests) == 1


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
async def test_a_body_over_the_cap_is_refused_and_its_connection_dropped(
    serve: ServeFactory, connect: ClientFactory, framing: str
) -> None:
    body = _page(20_000)  # more than a transport reads ahead: most of it stays unread
    big = (
        respond_with(200, [JSON], body)
        if framing == "content-length"
        else drip([body[i : i + 50_000] for i in range(0, len(body), 50_000)], 0.0)
    )
    server = serve(in_turn(big, respond_with(200, [JSON], DAG_BODY)))
    client = connect(server.url, max_response_size=1000)

    with pytest.raises(ResponseTooLargeError) as caught:
        await client.dags.list()

    error = caught.value
    assert isinstance(error, ResponseValidationError)
    assert error.limit == 1000
    assert error.body == b""
    assert error.response.status_code == 200
    assert str(error) == (
        "GET /api/v1/dags: the response body is larger than max_response_size (1,000 bytes); "
        "give the client a larger max_response_size (or None) to read it"
    )
    assert len(server.requests) == 1  # never retried: the same answer would come back
    # The rest of the body was left unread, so that connection is not used again.
    assert (await client.dags.get("etl")).dag_id == "etl"
    assert [r.connection_id for r in server.requests] == [0, 1]


async def test_the_cap_counts_decoded_bytes(serve: ServeFactory, connect: ClientFactory) -> None:
    body = _page(100)
    assert len(gzip.compress(body)) < 1000 < len(body)
    server = serve(respond_with(200, [JSON, ("Content-Encoding", "gzip")], gzip.compress(body)))
    client = connect(server.url, max_response_size=1000)

    with pytest.raises(ResponseTooLargeError):
        await client.dags.list()
    page = await client.with_options(max_response_size=len(body)).dags.list()
    assert len(page.items) == 100


async def test_an_error_page_over_the_cap_is_refused_with_its_status(
    serve: ServeFactory, connect: ClientFactory
) -> None:
    page = b"<html>" + b"<p>frame</p>" * 1000 + b"</html>"
    server = serve(respond_with(500, [("Content-Type", "text/html")], page))
    client = connect(server.url, max_response_size=1000)

    with pytest.raises(ResponseTooLargeError) as caught:
        await client.dags.get("etl")

    assert caught.value.response.status_code == 500
    assert len(server.requests) == 1


async def test_no_cap_reads_any_size(serve: ServeFactory, connect: ClientFactory) -> None:
    server = serve(respond_with(200, [JSON], _page(100)))
    client = connect(server.url, max_response_size=1000)

    page = await client.with_options(max_response_size=None).dags.list()

    assert len(page.items) == 100


@pytest.mark.parametrize("size", [0, -1, True, 1.5, "1"])
def test_max_response_size_must_be_a_positive_integer(size: object) -> None:
    with pytest.raises(ValueError, match="max_response_size"):
        AsyncClient("http://localhost", max_response_size=size, api_version="v1")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_response_size"):
        AsyncClient("http://localhost", api_version="v1").with_options(max_response_size=size)  # type: ignore[arg-type]


def test_the_default_cap_is_64_mib() -> None:
    assert DEFAULT_MAX_RESPONSE_SIZE == 64 * 1024 * 1024
    assert (
        AsyncClient("http://localhost", api_version="v1")._http.max_response_size
        == DEFAULT_MAX_RESPONSE_SIZE
    )
