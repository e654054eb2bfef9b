"""An httpx transport that sends through aiohttp (asyncio only).

Why not the ``httpx-aiohttp`` package (0.2.0):

1. It passes ``str(request.url)`` to aiohttp, and yarl normalises that string again, so
   ``/api/v1/variables/%2E%2E`` goes out as ``/api/v1/``: a variable key reaches another
   endpoint. Here the URL goes to yarl with ``encoded=True`` and the request line is exactly
   the path httpx built (``yarl.URL("http://h/api/v1/variables/%2E%2E").raw_path`` is
   ``"/api/v1/"``; with ``encoded=True`` it stays ``"/api/v1/variables/%2E%2E"``).
2. It maps every ``aiohttp.ClientConnectionError`` (a server disconnecting mid-body, say) to
   ``httpx.ConnectTimeout``, so callers would retry requests that may already have run.
3. It ignores ``max_keepalive_connections``.

How httpx's per-request timeouts (``request.extensions["timeout"]``) map onto aiohttp:

=========  ==================================================================================
httpx      here
=========  ==================================================================================
pool       Waiting for one of ``max_connections`` slots, enforced by this transport itself
           (aiohttp cannot tell a pool wait from a slow connect); expiry -> ``PoolTimeout``.
connect    ``ClientTimeout.connect`` and ``sock_connect``: DNS, TCP connect and TLS handshake;
           expiry -> ``ConnectTimeout``.
read       ``ClientTimeout.sock_read``: the longest gap between two reads, for the response
           head and each body chunk; expiry -> ``ReadTimeout``.
write      Not enforced here: aiohttp has no write timeout, and its read timer starts only
           once the body is sent. A stalled upload ends at the attempt's deadline, which the
           request pipeline puts around every attempt (see :mod:`.._bounded`).
=========  ==================================================================================

aiohttp's ``total`` timeout is never set.

Against a hostile server, each connection's protocol is :class:`_GuardedProtocol`: every
byte goes through a :class:`._framing.ResponseFraming`, so a connection whose last answer
was framed ambiguously is closed rather than pooled, one that receives bytes while idle in
the pool is closed at once, and a reused one is checked right before a request's first
byte goes out; a request that met a closed connection before writing anything is sent
again on another. aiohttp's exceptions are never chained to the ones raised here, since
they hold the request's headers (see :func:`mapped_exception`).

Known differences from httpx's own transport: HTTP/1.1 only (no HTTP/2), no proxies (httpx
mounts its proxy transports for proxied URLs itself), an empty query (``/path?``) is sent as
``/path``, header values must be UTF-8 (they are when httpx encoded them from ``str``), and a
streamed upload carries aiohttp's ``Transfer-Encoding: chunked`` header in place of httpx's.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import re
import select
import ssl
from collections.abc import AsyncIterator, Callable, Generator, Iterable
from typing import Any

import aiohttp
import anyio
import httpx
import yarl
from aiohttp.client_proto import ResponseHandler
from aiohttp.client_reqrep import ConnectionKey
from multidict import CIMultiDict

from .._headers import check_header
from ._causes import find_cause
from ._framing import STALE_TRIES, ResponseFraming, StaleConnection
from ._settings import TransportSettings

__all__ = ["AiohttpTransport", "map_aiohttp_exceptions", "mapped_exception"]

# httpx sets these itself (or deliberately leaves them out); aiohttp must not add its own.
_SKIP_AUTO_HEADERS = frozenset({"Accept", "Accept-Encoding", "Content-Type", "User-Agent"})

# Most specific first: the first entry the exception is an instance of wins.
_EXCEPTION_MAP: tuple[tuple[type[Exception], type[Exception]], ...] = (
    (aiohttp.ConnectionTimeoutError, httpx.ConnectTimeout),
    (aiohttp.SocketTimeoutError, httpx.ReadTimeout),
    (aiohttp.ServerTimeoutError, httpx.ReadTimeout),
    # DNS failures, refused connections, TLS handshake and certificate errors.
    (aiohttp.ClientConnectorError, httpx.ConnectError),
    (aiohttp.ServerFingerprintMismatch, httpx.ConnectError),
    # The peer broke HTTP: closed before a response, closed mid-body, sent garbage.
    (aiohttp.ServerDisconnectedError, httpx.RemoteProtocolError),
    (aiohttp.ClientPayloadError, httpx.RemoteProtocolError),
    (aiohttp.ClientResponseError, httpx.RemoteProtocolError),
    # Resets and other socket errors once connected.
    (aiohttp.ClientOSError, httpx.ReadError),
    (aiohttp.ClientConnectionError, httpx.ReadError),
    (aiohttp.NonHttpUrlClientError, httpx.UnsupportedProtocol),
    (aiohttp.InvalidURL, httpx.UnsupportedProtocol),
    # aiohttp rejecting what it was asked to send (a CR/LF in a header, a bad method).
    (ValueError, httpx.LocalProtocolError),
)


class _AiohttpFailure(Exception):
    """What aiohttp raised, told without the request it carried.

    aiohttp's exceptions keep the request: a ``ClientResponseError`` holds its
    ``request_info``, headers and all (a basic-auth credential shows in its ``repr`` and
    ``args``), and several messages quote the full URL with its query. Such an exception
    is never chained; this one stands in for it, with its type, a message with every URL
    taken out and its traceback, and any TLS error it came from (which the retry rules
    look for, and which names no secret).
    """


_URL = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s'\"<>]*")


def _safe_message(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientResponseError):
        return f"{exc.status}, message={exc.message!r}"
    return _URL.sub("<url>", str(exc))


def _stand_in(exc: BaseException) -> _AiohttpFailure:
    kind = type(exc)
    failure = _AiohttpFailure(f"{kind.__module__}.{kind.__qualname__}: {_safe_message(exc)}")
    failure.__traceback__ = exc.__traceback__
    tls = find_cause(exc, ssl.SSLError)
    if tls is not None:
        # A copy without the chain the original sits in.
        copy = type(tls)(*tls.args)
        for name in ("verify_code", "verify_message", "reason", "library"):
            if hasattr(tls, name):
                with contextlib.suppress(AttributeError):
                    setattr(copy, name, getattr(tls, name))
        failure.__cause__ = copy
    return failure


@contextlib.contextmanager
def map_aiohttp_exceptions(request: httpx.Request | None = None) -> Generator[None]:
    """Translate aiohttp's exceptions into httpx's (see :func:`mapped_exception`).

    As with any context manager, the exception raised in the block stays reachable as
    the mapped one's ``__context__``; the transport itself maps with
    :func:`mapped_exception` outside its ``except`` blocks, so that it does not.

    Args:
        request: Attached to the httpx exception, as httpx's own transport does.

    Raises:
        httpx.TransportError: The mapped exception; anything not in the table passes through.
    """
    try:
        yield
    except Exception as exc:
        mapped = mapped_exception(exc, request)
        if mapped is None:
            raise
        raise mapped from mapped.__cause__


def mapped_exception(exc: Exception, request: httpx.Request | None) -> Exception | None:
    """The httpx exception for an aiohttp one, or ``None`` if it maps to none.

    Its message and ``__cause__`` (an :class:`_AiohttpFailure`) say what aiohttp raised
    without a URL or header of the request; raise it outside any ``except`` block that
    caught ``exc``, or ``exc`` stays reachable as its ``__context__``.
    """
    target = next((t for s, t in _EXCEPTION_MAP if isinstance(exc, s)), None)
    if target is None:
        return None
    message = _safe_message(exc) or type(exc).__name__
    mapped: Exception
    if issubclass(target, httpx.RequestError):
        mapped = target(message, request=request)
    else:
        mapped = target(message)
    mapped.__cause__ = _stand_in(exc)
    return mapped


class _ResponseStream(httpx.AsyncByteStream):
    """The body of an aiohttp response, as httpx reads it."""

    def __init__(self, response: aiohttp.ClientResponse, on_close: Callable[[], None]) -> None:
        self._response = response
        self._on_close = on_close
        self._complete = False
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        failure: Exception | None = None
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except Exception as exc:
            failure = mapped_exception(exc, None)
            if failure is None:
                raise
        if failure is not None:
            raise failure  # out of the except block: aiohttp's exception is not its context
        self._complete = True

    async def aclose(self) -> None:
        # Nothing here may suspend: aclose runs while a cancelled request unwinds, and an
        # await would be cancelled again before the connection is handed back.
        if self._closed:
            return
        self._closed = True
        try:
            if self._complete:
                # aiohttp already returned the connection to its pool at end of body.
                self._response.release()
            else:
                # Unread bytes are still on the wire: this connection cannot be reused.
                self._response.close()
        finally:
            self._on_close()


#: How much of a write the framing checks look at for a request line: a long query string
#: puts " HTTP/1.1" far from the start, and no server takes a longer line than this.
_REQUEST_LINE_PEEK = 64 * 1024


class _Attempt:
    """The connection aiohttp picked for one try of a request, noted as it sends it."""

    __slots__ = ("protocol",)

    def __init__(self) -> None:
        self.protocol: _GuardedProtocol | None = None

    def never_left(self) -> bool:
        """Whether the try failed on a reused connection before writing a byte to it."""
        protocol = self.protocol
        return protocol is not None and protocol.reused and not protocol.wrote


# Set by the transport around each try; aiohttp calls the connector and the protocol in
# the same task, so they can say which connection that try got.
_ATTEMPT: contextvars.ContextVar[_Attempt | None] = contextvars.ContextVar(
    "airflow_client_async_aiohttp_attempt", default=None
)


def _socket_readable(transport: asyncio.BaseTransport) -> bool:
    """Whether the kernel holds something to read (or the end of the stream) for ``transport``."""
    sock = transport.get_extra_info("socket")
    fileno = sock.fileno() if sock is not None else -1
    if fileno < 0:
        return True
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fileno, select.POLLIN | select.POLLPRI)
        return bool(poller.poll(0))
    readable, _, _ = select.select([fileno], [], [], 0)  # pragma: no cover - not on Linux
    return bool(readable)


class _WatchedTransport:
    """The transport as aiohttp's protocol sees it: each write passes the protocol first."""

    __slots__ = ("_protocol", "_transport")

    def __init__(self, transport: asyncio.Transport, protocol: _GuardedProtocol) -> None:
        self._transport = transport
        self._protocol = protocol

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self._protocol.before_write(data)
        self._transport.write(data)

    def writelines(self, chunks: Iterable[bytes | bytearray | memoryview]) -> None:
        parts = list(chunks)
        if parts:
            self._protocol.before_write(parts[0])
        self._transport.writelines(parts)

    def is_closing(self) -> bool:
        return self._transport.is_closing()

    def close(self) -> None:
        self._transport.close()

    def abort(self) -> None:
        self._transport.abort()

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return self._transport.get_extra_info(name, default)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class _GuardedProtocol(ResponseHandler):
    """aiohttp's protocol, following each exchange's framing (see :mod:`._framing`).

    A connection whose last response was framed ambiguously is marked to close instead of
    going back to the pool; one that receives a byte while idle in the pool is closed at
    once; and a reused one is checked right before the first byte of a request is written,
    so that a request meeting a connection the server has closed fails before anything
    left, and can be sent on another.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(loop)
        self.framing = ResponseFraming()
        self.wrote = False
        self._raw: asyncio.Transport | None = None

    @property
    def reused(self) -> bool:
        """Whether a request was already sent on this connection."""
        return self.framing.reused

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._raw = transport
        super().connection_made(_WatchedTransport(transport, self))  # type: ignore[arg-type]

    def set_response_params(self, **kwargs: Any) -> None:
        # aiohttp calls this for each request, right after the connector handed the
        # connection out and before anything is written.
        self.wrote = False
        attempt = _ATTEMPT.get()
        if attempt is not None:
            attempt.protocol = self
        super().set_response_params(**kwargs)

    def before_write(self, data: bytes | bytearray | memoryview) -> None:
        """Check a connection used before just as a request starts on it; note the bytes."""
        framing = self.framing
        head = bytes(data[:_REQUEST_LINE_PEEK])
        stale = framing.stale(head, self._closed_or_readable)
        if stale is not None:
            if self._raw is not None:
                self._raw.abort()
            raise StaleConnection(stale)
        framing.sent(head)
        self.wrote = True

    def _closed_or_readable(self) -> bool:
        raw = self._raw
        return raw is None or _socket_readable(raw)

    def data_received(self, data: bytes) -> None:
        if not data:
            # aiohttp's own call to resume a paused parser: nothing arrived.
            super().data_received(data)
            return
        framing = self.framing
        idle = not framing.request_open
        framing.received(data)
        if framing.poisoned is not None:
            self.force_close()
            if idle and self._raw is not None:
                # An answer nobody asked for, to a connection waiting in the pool.
                self._raw.abort()
                return
        super().data_received(data)


class _Connector(aiohttp.TCPConnector):
    """aiohttp's connector, keeping at most ``max_keepalive`` connections idle.

    aiohttp has no such limit, and the decision can only be made when a connection is handed
    back: aiohttp does that itself as soon as a body ends, often before the response reaches
    httpx. So the hand-back is where the limit is applied, as httpx's own pool does. This
    overrides aiohttp's private ``_release`` and reads its ``_conns``; the tests on
    ``max_keepalive_connections`` catch a change in either.
    """

    def __init__(
        self,
        *,
        max_keepalive: int | None,
        ssl_context: ssl.SSLContext,
        limit: int,
        keepalive_timeout: float | None,
        local_address: str | None,
    ) -> None:
        force_close = max_keepalive == 0
        super().__init__(  # pyright: ignore[reportUnknownMemberType]  (aiohttp's own hint)
            ssl=ssl_context,
            limit=limit,
            force_close=force_close,
            keepalive_timeout=None if force_close else keepalive_timeout,
            local_addr=(local_address, 0) if local_address else None,
        )
        self._idle_cap = max_keepalive
        # Every connection gets the guarded protocol; aiohttp offers no public way to say so.
        self._factory = functools.partial(_GuardedProtocol, loop=self._loop)  # type: ignore[assignment]

    def _release(
        self,
        key: ConnectionKey,
        protocol: ResponseHandler,
        *,
        should_close: bool = False,
    ) -> None:
        if not should_close and self._idle_cap is not None:
            # The pooled count bounds the connected count: only near the cap is it worth
            # asking each pooled protocol whether it is still connected.
            pooled = sum(len(conns) for conns in self._conns.values())
            if pooled >= self._idle_cap:
                idle = sum(p.is_connected() for conns in self._conns.values() for p, _ in conns)
                should_close = idle >= self._idle_cap
        super()._release(key, protocol, should_close=should_close)


class _Session:
    """What :class:`AiohttpTransport` builds inside the running loop at first use."""

    def __init__(self, settings: TransportSettings) -> None:
        self.loop = asyncio.get_running_loop()
        limits = settings.limits
        self.connector = _Connector(
            max_keepalive=limits.max_keepalive_connections,
            ssl_context=settings.ssl_context,
            limit=limits.max_connections or 0,
            keepalive_timeout=limits.keepalive_expiry,
            local_address=settings.local_address,
        )
        self.session = aiohttp.ClientSession(
            connector=self.connector,
            # httpx owns cookies, decompression, redirects and environment settings.
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=False,
            trust_env=False,
            raise_for_status=False,
        )
        # aiohttp resends a GET, HEAD, PUT or DELETE once by itself when the connection drops
        # before the response head. Whether to replay is the pipeline's decision (its retry
        # policy, ``idempotent=False``, ``max_retries=0``), so each attempt must reach the
        # server at most once. aiohttp offers no public switch for this.
        if hasattr(self.session, "_retry_connection"):
            self.session._retry_connection = False  # pyright: ignore[reportPrivateUsage]
        # A slot per connection, held from the request until its response is closed, so a
        # wait for the pool is told apart from a slow connect.
        self.slots = (
            anyio.Semaphore(limits.max_connections) if limits.max_connections is not None else None
        )
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}

    def client_timeout(self, connect: float | None, read: float | None) -> aiohttp.ClientTimeout:
        """aiohttp's timeout for httpx's ``connect`` and ``read``, made once per pair."""
        key = (connect, read)
        found = self._timeouts.get(key)
        if found is None:
            if len(self._timeouts) >= 64:  # per-request timeouts could all differ
                self._timeouts.clear()
            found = aiohttp.ClientTimeout(
                total=None, connect=connect, sock_connect=connect, sock_read=read
            )
            self._timeouts[key] = found
        return found


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends through an ``aiohttp.ClientSession`` (asyncio only).

    The session and its ``TCPConnector`` are created at the first request, inside the running
    loop, and stay bound to that loop. The request line, headers and body are the ones httpx
    built; aiohttp adds no headers httpx left out, follows no redirects and decodes nothing.

    Args:
        settings: TLS, pool limits and local address (default: ``TransportSettings()``).
    """

    def __init__(self, settings: TransportSettings | None = None) -> None:
        self._settings = TransportSettings() if settings is None else settings
        self._state: _Session | None = None
        self._closed = False

    def _session(self) -> _Session:
        if self._closed:
            raise RuntimeError("AiohttpTransport is closed")
        if self._state is None:
            self._state = _Session(self._settings)
        elif self._state.loop is not asyncio.get_running_loop():
            raise RuntimeError(
                "AiohttpTransport is bound to the event loop of its first request; "
                "create a new one for each loop"
            )
        return self._state

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send one request and return its response with the body still unread."""
        url = request.url
        if url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(
                f"Request URL has an unsupported protocol {url.scheme + '://'!r}.",
                request=request,
            )
        if not url.host:
            raise httpx.UnsupportedProtocol("Request URL is missing a host.", request=request)
        if not isinstance(request.stream, httpx.AsyncByteStream):
            raise TypeError("AiohttpTransport needs an async request stream")

        # The URL exactly as httpx built it: yarl must not normalise it again (``encoded``),
        # and userinfo stays out because httpx already turned it into an Authorization header.
        target = yarl.URL(
            f"{url.scheme}://{url.netloc.decode('ascii')}{url.raw_path.decode('ascii')}",
            encoded=True,
        )
        headers = _request_headers(request)
        data = await _request_body(request.stream, headers)
        timeout = request.extensions.get("timeout", {})
        sni_hostname = request.extensions.get("sni_hostname")

        state = self._session()
        await _acquire_slot(state.slots, timeout.get("pool"), request)
        released = False

        def release_slot() -> None:
            nonlocal released
            if not released and state.slots is not None:
                released = True
                state.slots.release()

        options = {
            "headers": headers,
            "data": data,
            "skip_auto_headers": _SKIP_AUTO_HEADERS,
            "allow_redirects": False,
            "compress": None,
            "timeout": state.client_timeout(timeout.get("connect"), timeout.get("read")),
            "server_hostname": sni_hostname,
        }
        failure: Exception | None = None
        response: aiohttp.ClientResponse | None = None
        for tries_left in range(STALE_TRIES, 0, -1):
            attempt = _Attempt()
            token = _ATTEMPT.set(attempt)
            try:
                response = await state.session.request(request.method, target, **options)
            except Exception as exc:
                if (
                    tries_left > 1
                    and attempt.never_left()
                    and not isinstance(data, httpx.AsyncByteStream)
                ):
                    # A pooled connection found closed before a byte of this request was
                    # written to it: sending it on another cannot do anything twice.
                    continue
                release_slot()
                # Mapped here rather than with map_aiohttp_exceptions(): on every request, a
                # generator-based context manager costs more than the handful of lines it
                # saves, and the raise below is outside this block, so aiohttp's exception
                # (which holds the request's headers) is not kept as the context.
                failure = mapped_exception(exc, request)
                if failure is None:
                    raise
            except BaseException:
                release_slot()
                raise
            finally:
                _ATTEMPT.reset(token)
            break
        if failure is not None:
            raise failure
        # The last try either answered or set failure: it never goes round again.
        assert response is not None

        try:
            version = response.version
            http_version = f"HTTP/{version.major}.{version.minor}" if version else "HTTP/1.1"
            return httpx.Response(
                status_code=response.status,
                headers=list(response.raw_headers),
                stream=_ResponseStream(response, release_slot),
                extensions={
                    "http_version": http_version.encode("ascii"),
                    "reason_phrase": (response.reason or "").encode("ascii", "replace"),
                },
            )
        except BaseException:
            response.close()
            release_slot()
            raise

    async def aclose(self) -> None:
        """Close every pooled connection and the aiohttp session."""
        self._closed = True
        state, self._state = self._state, None
        if state is not None:
            await state.session.close()


async def _acquire_slot(
    slots: anyio.Semaphore | None, pool_timeout: float | None, request: httpx.Request
) -> None:
    if slots is None:
        return
    if slots.value > 0:
        # A free slot means nobody is queued (release hands slots to waiters directly):
        # take it without a timeout scope, which costs more than the rest of the wait.
        slots.acquire_nowait()
        return
    try:
        with anyio.fail_after(pool_timeout):
            await slots.acquire()
    except TimeoutError as exc:
        raise httpx.PoolTimeout("Timed out waiting for a free connection", request=request) from exc


def _request_headers(request: httpx.Request) -> CIMultiDict[str]:
    headers: CIMultiDict[str] = CIMultiDict()
    for name, value in request.headers.raw:
        try:
            # aiohttp writes any name as given (a colon in it forges another header); refuse
            # what h11 refuses on httpx's own transport, with the same exception.
            check_header(name, value)
        except ValueError as exc:
            raise httpx.LocalProtocolError(str(exc), request=request) from None
        try:
            headers.add(name.decode("ascii"), value.decode("utf-8"))
        except UnicodeDecodeError as exc:
            # aiohttp writes header values as UTF-8; other bytes would change on the wire.
            raise httpx.LocalProtocolError(
                f"header {name!r} is not UTF-8 and cannot be sent unchanged", request=request
            ) from exc
    return headers


async def _request_body(
    stream: httpx.AsyncByteStream, headers: CIMultiDict[str]
) -> bytes | httpx.AsyncByteStream | None:
    if isinstance(stream, httpx.ByteStream):
        # A ByteStream holds its bytes in memory and iterates synchronously as well: no
        # async generator needed to read it.
        body = b"".join(stream)
        return body or None
    # aiohttp frames a body of unknown length itself and refuses a second chunked header.
    if "chunked" in headers.get("Transfer-Encoding", "").lower():
        del headers["Transfer-Encoding"]
    return stream
