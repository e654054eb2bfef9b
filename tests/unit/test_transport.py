"""The transports as a real socket server sees them: request lines, headers, bodies, errors.

Most tests run once through :class:`AiohttpTransport` and once through httpx's own transport:
whatever the client's pool sends through, the wire must carry what httpx built.
"""

from __future__ import annotations

import asyncio
import gzip
import random
import shutil
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import anyio
import anyio.lowlevel
import httpx
import pytest
import trio
from aiohttp.client_reqrep import ConnectionKey

from airflow_client_async._transports import (
    AiohttpTransport,
    AutoTransport,
    TransportSettings,
    create_ssl_context,
    find_cause,
    make_transport,
    map_aiohttp_exceptions,
)
from tests.support.wire_server import (
    IDENTITY_PLACEHOLDERS,
    RawRequest,
    Responder,
    WireServer,
    close_before_response,
    close_mid_body,
    sleep_then,
)

TransportFactory = Callable[..., httpx.AsyncBaseTransport]


def aiohttp_transport(**settings: Any) -> AiohttpTransport:
    """An aiohttp-backed transport, from the keywords httpx's own transport takes."""
    return AiohttpTransport(TransportSettings(**settings))


TRANSPORTS = [
    pytest.param(aiohttp_transport, id="aiohttp"),
    pytest.param(httpx.AsyncHTTPTransport, id="httpx"),
]


@pytest.fixture(params=TRANSPORTS)
def make(request: pytest.FixtureRequest) -> TransportFactory:
    factory: TransportFactory = request.param
    return factory


@pytest.fixture
def server() -> Iterator[WireServer]:
    with WireServer() as running:
        yield running
    assert running.errors == []


@pytest.fixture
async def client(make: TransportFactory, server: WireServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=make(), base_url=server.url) as http:
        yield http


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- the request line ------------------------------------------------------------------------

PATHS = [
    "/api/v1/variables/%2E%2E",
    "/api/v1/variables/%2E",
    "/api/v1/variables/a%2Fb",
    "/api/v1/variables/a%3Fb",
    "/api/v1/variables/a%23b",
    "/api/v1/variables/100%25",
    "/api/v1/variables/a%2Bb",
    "/api/v1/variables/a%20b",
    "/api/v1/variables/%E2%9C%93%C3%A9%F0%9F%90%8D",
    "/api/v1/variables/%2E%2E%2F%2E%2E%2Fconfig",
    "/api/v1/dags?limit=1&dag_id_pattern=a%2Fb%26c%3Dd&tags=x%20y",
]


@pytest.mark.parametrize("path", PATHS)
async def test_request_line_is_the_path_httpx_built(
    client: httpx.AsyncClient, server: WireServer, path: str
) -> None:
    response = await client.get(path)

    assert response.status_code == 200
    assert response.request.url.raw_path.decode() == path  # httpx itself kept it
    [received] = server.requests
    assert received.request_line == f"GET {path} HTTP/1.1"
    assert response.json() == {"ok": True, "path": path, **IDENTITY_PLACEHOLDERS}


async def test_aiohttp_transport_drops_userinfo_but_keeps_the_path(server: WireServer) -> None:
    url = server.url.replace("http://", "http://user:pw@") + "/api/v1/variables/%2E%2E"
    async with httpx.AsyncClient(transport=AiohttpTransport()) as http:
        await http.get(url)

    [received] = server.requests
    assert received.target == "/api/v1/variables/%2E%2E"
    # httpx turned the userinfo into the one Authorization header.
    assert received.header_values("Authorization") == ["Basic dXNlcjpwdw=="]


# -- headers and bodies ----------------------------------------------------------------------


def as_sent(request: httpx.Request) -> list[tuple[str, str]]:
    return sorted((k.decode().lower(), v.decode()) for k, v in request.headers.raw)


def as_received(received: RawRequest) -> list[tuple[str, str]]:
    return sorted((k.lower(), v) for k, v in received.headers)


async def test_get_carries_exactly_the_headers_httpx_set(
    client: httpx.AsyncClient, server: WireServer
) -> None:
    response = await client.get(
        "/api/v1/health", headers={"User-Agent": "airflow-client-async/test", "X-Trace": "1"}
    )

    [received] = server.requests
    assert as_received(received) == as_sent(response.request)
    for name in ("Host", "User-Agent", "Accept"):
        assert received.header_values(name) == [response.request.headers[name]]
    assert received.header_values("User-Agent") == ["airflow-client-async/test"]
    assert received.header_values("Content-Type") == []


async def test_headers_httpx_left_out_stay_out(
    client: httpx.AsyncClient, server: WireServer
) -> None:
    request = client.build_request("GET", "/api/v1/health")
    for name in ("User-Agent", "Accept", "Accept-Encoding"):
        del request.headers[name]
    await client.send(request)

    [received] = server.requests
    assert as_received(received) == as_sent(request)


async def test_post_body_arrives_intact(client: httpx.AsyncClient, server: WireServer) -> None:
    body = random.Random(1).randbytes(256 * 1024)
    response = await client.post(
        "/api/v1/variables", content=body, headers={"Content-Type": "application/json"}
    )

    [received] = server.requests
    assert received.method == "POST"
    assert received.body == body
    assert as_received(received) == as_sent(response.request)
    assert received.header_values("Content-Length") == [str(len(body))]
    assert received.header_values("Content-Type") == ["application/json"]


async def test_empty_post_sends_content_length_zero(
    client: httpx.AsyncClient, server: WireServer
) -> None:
    response = await client.post("/api/v1/dags/x/clearTaskInstances")

    [received] = server.requests
    assert received.body == b""
    assert as_received(received) == as_sent(response.request)


async def test_streamed_upload_arrives_intact(
    client: httpx.AsyncClient, server: WireServer
) -> None:
    parts = [b"a" * 1000, b"", b"b" * 70_000, b"c"]

    async def upload() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    await client.post("/upload", content=upload())

    [received] = server.requests
    assert received.body == b"".join(parts)
    assert received.header_values("Transfer-Encoding") == ["chunked"]
    assert received.header_values("Content-Length") == []


async def test_streamed_response_is_read_fully(make: TransportFactory) -> None:
    chunks = [bytes([i]) * (1000 + i) for i in range(50)]

    async def handler(request: RawRequest, responder: Responder) -> None:
        await responder.stream(200, [("Content-Type", "application/octet-stream")], chunks)

    with WireServer(handler) as server:
        async with (
            httpx.AsyncClient(transport=make(), base_url=server.url) as http,
            http.stream("GET", "/logs") as response,
        ):
            received = [chunk async for chunk in response.aiter_raw()]
    assert b"".join(received) == b"".join(chunks)
    assert server.errors == []


async def test_response_headers_kept_and_body_decoded_once(make: TransportFactory) -> None:
    payload = b'{"value": "' + b"x" * 10_000 + b'"}'

    async def handler(request: RawRequest, responder: Responder) -> None:
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Encoding", "gzip"),
            ("Set-Cookie", "a=1"),
            ("Set-Cookie", "b=2"),
        ]
        await responder.respond(200, headers, gzip.compress(payload), reason="Fine Thanks")

    with WireServer(handler) as server:
        async with httpx.AsyncClient(transport=make(), base_url=server.url) as http:
            response = await http.get("/x")
    assert response.content == payload
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers.get_list("Set-Cookie") == ["a=1", "b=2"]
    assert response.reason_phrase == "Fine Thanks"
    assert response.http_version == "HTTP/1.1"


# -- connections -----------------------------------------------------------------------------


async def test_keep_alive_reuses_one_connection(
    client: httpx.AsyncClient, server: WireServer
) -> None:
    await client.get("/a")
    await client.head("/b")
    await client.post("/c", content=b"body")
    await client.delete("/d")
    async with client.stream("GET", "/e") as response:
        await response.aread()
    await client.get("/f")

    assert [r.target for r in server.requests] == ["/a", "/b", "/c", "/d", "/e", "/f"]
    assert {r.connection_id for r in server.requests} == {0}
    assert server.accepted_connections == 1


async def test_max_keepalive_connections_is_honoured(make: TransportFactory) -> None:
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=2)
    with WireServer(sleep_then(0.2)) as server:
        async with httpx.AsyncClient(transport=make(limits=limits), base_url=server.url) as http:
            async with anyio.create_task_group() as tg:
                for i in range(6):
                    tg.start_soon(http.get, f"/{i}")
            assert server.accepted_connections == 6
            assert await server.wait_open_connections(2) == 2
        assert await server.wait_open_connections(0) == 0


async def test_no_keepalive_closes_each_connection(make: TransportFactory) -> None:
    limits = httpx.Limits(max_connections=10, max_keepalive_connections=0)
    with WireServer() as server:
        async with httpx.AsyncClient(transport=make(limits=limits), base_url=server.url) as http:
            for i in range(3):
                await http.get(f"/{i}")
            assert server.accepted_connections == 3
            assert await server.wait_open_connections(0) == 0


async def test_unbounded_pool(make: TransportFactory, server: WireServer) -> None:
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=None)
    async with (
        httpx.AsyncClient(transport=make(limits=limits), base_url=server.url) as http,
        anyio.create_task_group() as tg,
    ):
        for i in range(20):
            tg.start_soon(http.get, f"/{i}")
    assert len(server.requests) == 20


async def test_waiting_too_long_for_the_pool_is_a_pool_timeout(make: TransportFactory) -> None:
    limits = httpx.Limits(max_connections=1)
    with WireServer() as server:
        async with httpx.AsyncClient(
            transport=make(limits=limits), base_url=server.url, timeout=httpx.Timeout(5, pool=0.1)
        ) as http:
            async with http.stream("GET", "/held"):
                with pytest.raises(httpx.PoolTimeout):
                    await http.get("/waits")
            assert (await http.get("/after")).status_code == 200


# -- failures --------------------------------------------------------------------------------


async def test_refused_connection_is_a_connect_error(make: TransportFactory) -> None:
    async with httpx.AsyncClient(transport=make()) as http:
        with pytest.raises(httpx.ConnectError):
            await http.get(f"http://127.0.0.1:{free_port()}/")


async def test_silent_tls_handshake_is_a_connect_timeout(make: TransportFactory) -> None:
    # The kernel completes the TCP handshake on a listening socket; nothing ever answers TLS.
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        async with httpx.AsyncClient(
            transport=make(), timeout=httpx.Timeout(5, connect=0.2)
        ) as http:
            with pytest.raises(httpx.ConnectTimeout):
                await http.get(f"https://127.0.0.1:{port}/")


async def test_slow_server_is_a_read_timeout(make: TransportFactory) -> None:
    with WireServer(sleep_then(1.0)) as server:
        async with httpx.AsyncClient(
            transport=make(), base_url=server.url, timeout=httpx.Timeout(5, read=0.1)
        ) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.get("/slow")


async def test_slow_body_is_a_read_timeout(make: TransportFactory) -> None:
    async def handler(request: RawRequest, responder: Responder) -> None:
        await responder.stream(200, chunks=[b"first", b"late"], delay=0.5)

    with WireServer(handler) as server:
        async with httpx.AsyncClient(
            transport=make(), base_url=server.url, timeout=httpx.Timeout(5, read=0.2)
        ) as http:
            with pytest.raises(httpx.ReadTimeout):
                await http.get("/slow-body")


async def test_close_mid_body_is_a_read_or_protocol_error(make: TransportFactory) -> None:
    with WireServer(close_mid_body) as server:
        async with httpx.AsyncClient(transport=make(), base_url=server.url) as http:
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                await http.get("/cut")


async def test_reset_mid_body_is_a_read_or_protocol_error(make: TransportFactory) -> None:
    async def handler(request: RawRequest, responder: Responder) -> None:
        await responder.send_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial")
        await asyncio.sleep(0.05)
        await responder.reset()

    with WireServer(handler) as server:
        async with httpx.AsyncClient(transport=make(), base_url=server.url) as http:
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                await http.get("/reset")


async def test_close_before_response_is_a_protocol_or_read_error(make: TransportFactory) -> None:
    with WireServer(close_before_response) as server:
        async with httpx.AsyncClient(transport=make(), base_url=server.url) as http:
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                await http.get("/nothing")


async def test_garbage_response_is_a_protocol_error(make: TransportFactory) -> None:
    async def handler(request: RawRequest, responder: Responder) -> None:
        await responder.send_raw(b"NOT HTTP AT ALL\r\n\r\n")
        await responder.close()

    with WireServer(handler) as server:
        async with httpx.AsyncClient(transport=make(), base_url=server.url) as http:
            with pytest.raises(httpx.RemoteProtocolError):
                await http.get("/garbage")


async def test_unsupported_scheme(make: TransportFactory) -> None:
    transport = make()
    with pytest.raises(httpx.UnsupportedProtocol):
        await transport.handle_async_request(httpx.Request("GET", "ftp://example.org/x"))
    await transport.aclose()


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_untrusted_certificate_is_a_connect_error_saying_why(
    make: TransportFactory, self_signed: tuple[Path, Path]
) -> None:
    cert, key = self_signed
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    with WireServer(ssl_context=server_context) as server:
        async with httpx.AsyncClient(transport=make(), base_url=server.url) as http:
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await http.get("/tls")
        # The same certificate, trusted explicitly, works.
        trusted = create_ssl_context(str(cert))
        async with httpx.AsyncClient(transport=make(verify=trusted), base_url=server.url) as http:
            assert (await http.get("/tls")).json()["path"] == "/tls"


def test_settings_load_a_locked_key_up_front_and_never_show_its_password(
    self_signed: tuple[Path, Path], tmp_path: Path
) -> None:
    cert, key = self_signed
    locked = tmp_path / "locked.pem"
    subprocess.run(
        [
            *("openssl", "pkey", "-in", str(key), "-out", str(locked)),
            *("-aes256", "-passout", "pass:open-sesame"),
        ],
        check=True,
        capture_output=True,
    )
    settings = TransportSettings(cert=(str(cert), str(locked), "open-sesame"))

    assert "open-sesame" not in repr(settings)
    assert str(locked) in repr(settings)
    # A wrong password fails when the settings are made, not at the first request.
    with pytest.raises(ssl.SSLError):
        TransportSettings(cert=(str(cert), str(locked), "wrong"))


# -- the mapping table, without a network -----------------------------------------------------

KEY = ConnectionKey("airflow.test", 443, True, True, None, None, None)

MAPPED: list[tuple[Exception, type[Exception]]] = [
    (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
    (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError("read"), httpx.ReadTimeout),
    (aiohttp.ClientConnectorError(KEY, ConnectionRefusedError(111, "refused")), httpx.ConnectError),
    (aiohttp.ClientConnectorDNSError(KEY, OSError(-2, "Name unknown")), httpx.ConnectError),
    (
        aiohttp.ClientConnectorCertificateError(
            KEY, ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed")
        ),
        httpx.ConnectError,
    ),
    (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError("Response payload is not completed"), httpx.RemoteProtocolError),
    (aiohttp.ClientOSError(104, "Connection reset by peer"), httpx.ReadError),
    (aiohttp.ClientConnectionResetError("reset"), httpx.ReadError),
    (aiohttp.ClientConnectionError("Connection closed"), httpx.ReadError),
    (aiohttp.NonHttpUrlClientError("ftp://x"), httpx.UnsupportedProtocol),
    (aiohttp.InvalidUrlClientError("http://"), httpx.UnsupportedProtocol),
    (ValueError("Newline or carriage return character detected"), httpx.LocalProtocolError),
]


@pytest.mark.parametrize(("original", "expected"), MAPPED, ids=lambda v: type(v).__name__)
def test_exception_mapping(original: Exception, expected: type[Exception]) -> None:
    request = httpx.Request("GET", "https://airflow.test/api/v1/dags")
    with pytest.raises(expected) as caught, map_aiohttp_exceptions(request):
        raise original
    assert type(caught.value) is expected
    # aiohttp's exception holds the request (headers included): a stand-in names it.
    cause = caught.value.__cause__
    assert cause is not original and type(cause).__name__ == "_AiohttpFailure"
    assert f"{type(original).__module__}.{type(original).__qualname__}: " in str(cause)
    assert isinstance(caught.value, httpx.RequestError)
    assert caught.value.request is request


def test_certificate_error_keeps_the_ssl_message() -> None:
    original = aiohttp.ClientConnectorCertificateError(
        KEY, ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed")
    )
    with (
        pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
        map_aiohttp_exceptions(),
    ):
        raise original


def test_other_exceptions_pass_through() -> None:
    original = RuntimeError("not a transport problem")
    with pytest.raises(RuntimeError) as caught, map_aiohttp_exceptions():
        raise original
    assert caught.value is original


def test_find_cause_walks_causes_and_contexts_and_stops_on_a_cycle() -> None:
    refused = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED]")
    middle = ValueError("middle")
    middle.__context__ = refused
    outer = httpx.ConnectError("outer")
    outer.__cause__ = middle

    assert find_cause(outer, ssl.SSLError) is refused
    assert find_cause(outer, httpx.ConnectError) is outer
    assert find_cause(outer, KeyError) is None
    first, second = RuntimeError("first"), RuntimeError("second")
    first.__cause__, second.__cause__ = second, first
    assert find_cause(first, KeyError) is None


# -- cancellation ----------------------------------------------------------------------------


async def jittery(request: RawRequest, responder: Responder) -> None:
    rng = random.Random(request.target)
    await asyncio.sleep(rng.uniform(0, 0.004))
    chunks = [b"x" * rng.randint(1, 20_000) for _ in range(rng.randint(0, 4))]
    await responder.stream(200, chunks=chunks, delay=rng.uniform(0, 0.002))


async def cancel_many(http: httpx.AsyncClient, count: int) -> int:
    """Send ``count`` requests, each cancelled after a random delay; return how many finished."""
    rng = random.Random(20240601)
    finished = 0

    async def one(i: int) -> None:
        nonlocal finished
        with anyio.move_on_after(rng.uniform(0, 0.06)):
            if i % 3 == 0:
                await http.post(f"/post/{i}", content=b"p" * rng.randint(0, 300_000))
            elif i % 3 == 1:
                await http.get(f"/get/{i}")
            else:
                async with http.stream("GET", f"/stream/{i}") as response:
                    async for _ in response.aiter_raw():
                        await anyio.lowlevel.checkpoint()
            finished += 1

    async with anyio.create_task_group() as tg:
        for i in range(count):
            tg.start_soon(one, i)
            if i % 8 == 0:
                await anyio.sleep(0.001)
    return finished


async def test_cancellation_never_leaks_an_aiohttp_connection() -> None:
    limits = httpx.Limits(max_connections=16, max_keepalive_connections=8)
    transport = AiohttpTransport(TransportSettings(limits=limits))
    with WireServer(jittery) as server:
        async with httpx.AsyncClient(transport=transport, base_url=server.url) as http:
            finished = await cancel_many(http, 200)
            # aiohttp hands a connection back once a cancelled upload task has unwound.
            await asyncio.sleep(0.05)

            state = transport._state
            assert state is not None
            assert state.connector._acquired == set()
            assert state.slots is not None
            assert state.slots.value == limits.max_connections
            idle = sum(len(conns) for conns in state.connector._conns.values())
            assert idle <= 8

            # The pool still works afterwards.
            assert (await http.get("/after")).status_code == 200
        assert await server.wait_open_connections(0) == 0
    assert 0 < finished < 200  # the random delays really cut requests at many points
    assert server.errors == []


async def test_cancellation_with_httpx_transport_closes_everything() -> None:
    # The client's httpx transport: plain httpx.AsyncHTTPTransport loses pool slots to
    # cancelled requests now and then (encode/httpcore#1093) and then times out here.
    transport = make_transport("httpx", TransportSettings(limits=httpx.Limits(max_connections=16)))
    with WireServer(jittery) as server:
        async with httpx.AsyncClient(transport=transport, base_url=server.url) as http:
            await cancel_many(http, 200)
            assert (await http.get("/after")).status_code == 200
        assert await server.wait_open_connections(0) == 0
    assert server.errors == []


# -- choosing the transport ------------------------------------------------------------------


async def test_auto_transport_picks_aiohttp_on_asyncio(server: WireServer) -> None:
    transport = AutoTransport()
    assert transport.picked is None
    async with httpx.AsyncClient(transport=transport, base_url=server.url) as http:
        await http.get("/api/v1/variables/%2E%2E")
    assert isinstance(transport.picked, AiohttpTransport)
    assert server.requests[0].target == "/api/v1/variables/%2E%2E"


def test_auto_transport_picks_httpx_on_trio(server: WireServer) -> None:
    transport = make_transport("auto")  # built outside any event loop
    assert isinstance(transport, AutoTransport)

    async def main() -> None:
        async with httpx.AsyncClient(transport=transport, base_url=server.url) as http:
            await http.get("/api/v1/variables/%2E%2E")

    trio.run(main)
    assert isinstance(transport.picked, httpx.AsyncHTTPTransport)
    assert server.requests[0].target == "/api/v1/variables/%2E%2E"


@pytest.mark.parametrize("path", PATHS)
def test_request_line_on_trio(server: WireServer, path: str) -> None:
    async def main() -> None:
        async with httpx.AsyncClient(transport=make_transport("httpx"), base_url=server.url) as h:
            await h.get(path)

    trio.run(main)
    assert server.requests[0].request_line == f"GET {path} HTTP/1.1"


def test_make_transport_kinds() -> None:
    assert isinstance(make_transport("aiohttp"), AiohttpTransport)
    assert isinstance(make_transport("httpx"), httpx.AsyncHTTPTransport)
    assert isinstance(make_transport("auto"), AutoTransport)
    with pytest.raises(ValueError, match="transport must be"):
        make_transport("curl")  # type: ignore[arg-type]


def test_create_ssl_context() -> None:
    assert create_ssl_context(True).verify_mode == ssl.CERT_REQUIRED
    unverified = create_ssl_context(False)
    assert unverified.verify_mode == ssl.CERT_NONE
    assert not unverified.check_hostname
    given = ssl.create_default_context()
    assert create_ssl_context(given) is given


async def test_closed_transport_refuses_requests(server: WireServer) -> None:
    transport = AiohttpTransport()
    async with httpx.AsyncClient(transport=transport, base_url=server.url) as http:
        await http.get("/")
    assert await server.wait_open_connections(0) == 0
    with pytest.raises(RuntimeError, match="closed"):
        await transport.handle_async_request(httpx.Request("GET", server.url))


def test_shared_settings_are_defined_once() -> None:
    import airflow_client_async as af
    from airflow_client_async import _client, _transports
    from airflow_client_async._transports import _settings

    assert af.DEFAULT_LIMITS is _client.DEFAULT_LIMITS is _transports.DEFAULT_LIMITS
    assert af.DEFAULT_LIMITS is _settings.DEFAULT_LIMITS
    assert af.TransportKind is _client.TransportKind is _transports.TransportKind
    assert af.TransportKind is _settings.TransportKind
    assert _transports.create_ssl_context is _settings.create_ssl_context
    assert _transports.TransportSettings is _settings.TransportSettings
    assert af.DEFAULT_LIMITS.max_keepalive_connections == af.DEFAULT_LIMITS.max_connections


def _package_imports(module: str) -> set[str]:
    """The package modules that ``module`` imports, at run time or for type checking.

    Named as below ``airflow_client_async`` (``_headers``, ``_transports._settings``),
    whether the import was written ``from .x``, ``from ..x`` or ``from . import x``.
    """
    import ast
    import importlib.util

    name = f"airflow_client_async.{module}"
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.origin is not None
    here = name if spec.submodule_search_locations is not None else name.rpartition(".")[0]
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        parent = here.rsplit(".", node.level - 1)[0]
        targets = [node.module] if node.module else [alias.name for alias in node.names]
        found.update(f"{parent}.{target}" for target in targets)
    return {target.removeprefix("airflow_client_async.") for target in found}


def test_the_transport_modules_do_not_import_each_other() -> None:
    # Each transport takes its settings from the leaf module; only the package, which
    # picks a transport, knows both.
    assert _package_imports("_transports._aiohttp") <= {
        "_transports._settings",
        "_transports._framing",
        "_transports._causes",
        "_headers",
    }
    assert "_transports" not in _package_imports("_transports._aiohttp")
    assert _package_imports("_transports._settings") == set()
    assert _package_imports("_transports._causes") == set()
    assert "_transports._settings" in _package_imports("_transports")
    assert "_transports" not in _package_imports("_transports._httpx")
    assert "_transports._aiohttp" not in _package_imports("_transports._httpx")
