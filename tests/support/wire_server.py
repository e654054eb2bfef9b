"""A real HTTP/1.1 server on 127.0.0.1 that records what arrives on the wire.

Mocked transports never show what a transport actually sends; this server does. It runs its
own asyncio loop in a background thread, so tests may drive it from asyncio or trio alike.

    async def handler(request: RawRequest, responder: Responder) -> None:
        await responder.respond(200, body=b"hello")

    with WireServer(handler) as server:
        ...  # send to server.url
        assert server.requests[0].target == "/api/v1/variables/%2E%2E"

A handler may misbehave on purpose: sleep before answering, answer with raw bytes, close the
connection before or in the middle of a response, or reset it. Every accepted connection is
counted until it closes, so tests can assert that a client leaks none.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import ssl
import struct
import threading
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import TracebackType

import anyio

__all__ = [
    "Handler",
    "RawHandler",
    "RawRequest",
    "Responder",
    "WireServer",
    "close_before_response",
    "close_mid_body",
    "json_handler",
    "sleep_then",
]

_MAX_HEAD = 64 * 1024


@dataclass(frozen=True)
class RawRequest:
    """One request as it arrived: nothing decoded beyond splitting lines and de-chunking."""

    method: str
    #: The request target exactly as sent (path and query, percent-escapes untouched).
    target: str
    version: str
    #: Header lines in order, names in the case they were sent.
    headers: tuple[tuple[str, str], ...]
    #: The body with any chunked framing removed.
    body: bytes
    #: The request line and header block, byte for byte.
    head: bytes
    #: Which accepted connection carried it (0, 1, 2... in accept order).
    connection_id: int

    @property
    def request_line(self) -> str:
        """The first line, without its CRLF."""
        return f"{self.method} {self.target} {self.version}"

    def header_values(self, name: str) -> list[str]:
        """Every value sent under ``name`` (compared case-insensitively), in order."""
        return [v for k, v in self.headers if k.lower() == name.lower()]


class ConnectionClosed(Exception):
    """The handler closed or reset the connection; nothing more is sent on it."""


@dataclass
class Responder:
    """How a handler answers. Each method writes straight to the socket."""

    _writer: asyncio.StreamWriter
    _method: str = "GET"
    #: Set to keep the connection open after the handler returns (HTTP/1.1 keep-alive).
    keep_alive: bool = True
    _closed: bool = field(default=False, init=False)

    async def respond(
        self,
        status: int = 200,
        headers: Sequence[tuple[str, str]] = (),
        body: bytes = b"",
        *,
        reason: str = "OK",
    ) -> None:
        """Send a whole response; ``Content-Length`` is added unless given.

        The body is left out when answering ``HEAD``, as HTTP requires.
        """
        names = {k.lower() for k, _ in headers}
        all_headers = list(headers)
        if "content-length" not in names and "transfer-encoding" not in names:
            all_headers.append(("Content-Length", str(len(body))))
        if self._method == "HEAD":
            body = b""
        await self.send_raw(_head(status, reason, all_headers) + body)

    async def stream(
        self,
        status: int = 200,
        headers: Sequence[tuple[str, str]] = (),
        chunks: Iterable[bytes] = (),
        *,
        delay: float = 0.0,
        reason: str = "OK",
    ) -> None:
        """Send a chunked response, one chunk at a time, sleeping ``delay`` before each."""
        await self.send_raw(_head(status, reason, [*headers, ("Transfer-Encoding", "chunked")]))
        for chunk in chunks:
            if delay:
                await asyncio.sleep(delay)
            if chunk:
                await self.send_raw(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        await self.send_raw(b"0\r\n\r\n")

    async def send_raw(self, data: bytes) -> None:
        """Write bytes as they are, whatever they are."""
        if self._closed:
            raise ConnectionClosed
        self._writer.write(data)
        await self._writer.drain()

    async def close(self) -> None:
        """Close the connection (FIN) after flushing what was written."""
        self._closed = True
        self.keep_alive = False
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()
        raise ConnectionClosed

    async def reset(self) -> None:
        """Drop the connection with a TCP reset (RST) instead of an orderly close."""
        self._closed = True
        self.keep_alive = False
        sock = self._writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._writer.transport.abort()
        raise ConnectionClosed


Handler = Callable[[RawRequest, Responder], Awaitable[None]]

#: Takes over a whole connection at the byte level: for servers that must not even read
#: what arrives (an upload left unread), or that speak before being asked.
RawHandler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, int], Awaitable[None]]


#: Placeholders for the identity fields the models require, so that any model decodes the
#: default answer whatever route was called.
IDENTITY_PLACEHOLDERS: dict[str, object] = {
    "dag_id": "d",
    "dag_run_id": "r",
    "task_id": "t",
    "map_index": -1,
    "try_number": 1,
    "file_token": "ft",
    "name": "n",
    "key": "k",
    "connection_id": "c",
    "username": "u",
    "event_log_id": 1,
    "import_error_id": 1,
    "package_name": "p",
    "id": 1,
    "uri": "u://",
    "warning_type": "w",
}


async def json_handler(request: RawRequest, responder: Responder) -> None:
    """Answer 200 ``application/json`` ``{"ok": true, "path": <raw target>}`` and the
    :data:`IDENTITY_PLACEHOLDERS`."""
    body = json.dumps({"ok": True, "path": request.target, **IDENTITY_PLACEHOLDERS}).encode()
    await responder.respond(200, [("Content-Type", "application/json")], body)


def sleep_then(seconds: float, handler: Handler = json_handler) -> Handler:
    """Wait ``seconds`` before letting ``handler`` answer."""

    async def delayed(request: RawRequest, responder: Responder) -> None:
        await asyncio.sleep(seconds)
        await handler(request, responder)

    return delayed


async def close_before_response(request: RawRequest, responder: Responder) -> None:
    """Close the connection without sending a byte."""
    await responder.close()


async def close_mid_body(request: RawRequest, responder: Responder) -> None:
    """Promise 100 bytes of body, send 10, then close."""
    await responder.send_raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
    await responder.close()


def _head(status: int, reason: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1")


class _BadRequest(Exception):
    pass


class WireServer:
    """An HTTP/1.1 server on 127.0.0.1, in a thread of its own, for use as a context manager.

    Args:
        handler: Answers each request; :func:`json_handler` when not given. It runs on the
            server's own asyncio loop, so it sleeps with ``asyncio.sleep``.
        host: Address to listen on.
        ssl_context: Serve HTTPS with this server-side context.
        raw_handler: Instead of parsing requests, hand each connection's reader, writer
            and id to this coroutine; the connection closes when it returns.
    """

    def __init__(
        self,
        handler: Handler = json_handler,
        *,
        host: str = "127.0.0.1",
        ssl_context: ssl.SSLContext | None = None,
        raw_handler: RawHandler | None = None,
    ) -> None:
        self.handler = handler
        self.raw_handler = raw_handler
        self.host = host
        self.ssl_context = ssl_context
        self.port = 0
        self._lock = threading.Lock()
        self._requests: list[RawRequest] = []
        self._errors: list[BaseException] = []
        self._accepted = 0
        self._accept_times: list[float] = []
        self._closed = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._stop: asyncio.Event | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    # -- what tests read -------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (``https`` with TLS), without a trailing slash."""
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def requests(self) -> list[RawRequest]:
        """Every complete request received so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised by the handler or while parsing (a copy); tests assert none."""
        with self._lock:
            return list(self._errors)

    @property
    def accepted_connections(self) -> int:
        """Connections accepted since the server started."""
        with self._lock:
            return self._accepted

    @property
    def accept_times(self) -> list[float]:
        """When (``time.monotonic()``) each connection was accepted, in order (a copy)."""
        with self._lock:
            return list(self._accept_times)

    @property
    def open_connections(self) -> int:
        """Connections accepted and not yet closed, by either side."""
        with self._lock:
            return self._accepted - self._closed

    async def wait_open_connections(self, expected: int, within: float = 5.0) -> int:
        """Poll until ``open_connections == expected`` or ``within`` seconds pass; return it.

        Works under asyncio and trio, and lets the client's loop run while it waits.
        """
        deadline = time.monotonic() + within
        # The count changes on the server's thread, where no event of this loop can be set.
        while self.open_connections != expected and time.monotonic() < deadline:  # noqa: ASYNC110
            await anyio.sleep(0.01)
        return self.open_connections

    def wait_open_connections_sync(self, expected: int, within: float = 5.0) -> int:
        """Blocking form of :meth:`wait_open_connections`, for code outside an event loop."""
        deadline = time.monotonic() + within
        while self.open_connections != expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.open_connections

    def clear(self) -> None:
        """Forget the requests and errors recorded so far."""
        with self._lock:
            self._requests.clear()
            self._errors.clear()

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> WireServer:
        self._thread = threading.Thread(target=self._run, name="wire-server", daemon=True)
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("wire server did not start")
        if self._errors:
            raise RuntimeError("wire server failed to start") from self._errors[0]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(stop.set)
        if self._thread is not None:
            self._thread.join(10)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # pragma: no cover - only when the server itself breaks
            with self._lock:
                self._errors.append(exc)
            self._started.set()

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = await asyncio.start_server(
            self._on_connection, self.host, 0, backlog=1024, ssl=self.ssl_context
        )
        self.port = server.sockets[0].getsockname()[1]
        self._started.set()
        async with server:
            await self._stop.wait()
            server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            await server.wait_closed()
        # Let each connection's task count its close before the loop goes away.
        for _ in range(100):
            if self.open_connections == 0:
                break
            await asyncio.sleep(0.01)

    # -- one connection --------------------------------------------------------------------

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        with self._lock:
            connection_id = self._accepted
            self._accepted += 1
            self._accept_times.append(time.monotonic())
        self._writers.add(writer)
        try:
            if self.raw_handler is not None:
                await self.raw_handler(reader, writer, connection_id)
                return
            while True:
                request = await _read_request(reader, connection_id)
                if request is None:
                    break
                with self._lock:
                    self._requests.append(request)
                responder = Responder(writer, request.method)
                if "close" in ",".join(request.header_values("Connection")).lower():
                    responder.keep_alive = False
                try:
                    await self.handler(request, responder)
                except ConnectionClosed:
                    break
                if not responder.keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError):
            pass  # the client went away (or refused our certificate); that is its right
        except asyncio.CancelledError:
            raise
        except BaseException as exc:
            with self._lock:
                self._errors.append(exc)
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(OSError, asyncio.CancelledError):
                await writer.wait_closed()
            with self._lock:
                self._closed += 1


async def _read_request(reader: asyncio.StreamReader, connection_id: int) -> RawRequest | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        # Closed between requests, or part-way through a head (a cancelled client).
        return None
    except asyncio.LimitOverrunError as exc:
        raise _BadRequest("request head too long") from exc

    lines = head[:-4].decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    headers = tuple(
        (name, value.strip()) for name, _, value in (line.partition(":") for line in lines[1:])
    )
    lowered = {name.lower(): value for name, value in headers}

    if "chunked" in lowered.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    else:
        body = await reader.readexactly(int(lowered.get("content-length", "0")))
    return RawRequest(
        method=method,
        target=target,
        version=version,
        headers=headers,
        body=body,
        head=head,
        connection_id=connection_id,
    )


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    parts: list[bytes] = []
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            # Trailers, if any, end with an empty line.
            while await reader.readuntil(b"\r\n") != b"\r\n":
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)


# -- more ready-made handlers: faults a real deployment produces --------------------------------

__all__ += [
    "close_after_response",
    "drip",
    "in_turn",
    "not_http",
    "redirect_to",
    "reset_before_response",
    "reset_mid_body",
    "respond_with",
]


def respond_with(
    status: int = 200,
    headers: Sequence[tuple[str, str]] = (),
    body: bytes = b"",
    *,
    reason: str = "OK",
) -> Handler:
    """Answer every request with this status, these headers and this body."""

    async def canned(request: RawRequest, responder: Responder) -> None:
        await responder.respond(status, headers, body, reason=reason)

    return canned


def in_turn(*handlers: Handler) -> Handler:
    """Let the first handler answer the first request, the second the second, and so on.

    The last handler answers every request after that.
    """
    if not handlers:
        raise ValueError("in_turn needs at least one handler")
    count = 0

    async def turn(request: RawRequest, responder: Responder) -> None:
        nonlocal count
        handler = handlers[min(count, len(handlers) - 1)]
        count += 1
        await handler(request, responder)

    return turn


async def reset_before_response(request: RawRequest, responder: Responder) -> None:
    """Reset the connection (RST) without sending a byte."""
    await responder.reset()


async def reset_mid_body(request: RawRequest, responder: Responder) -> None:
    """Promise 100 bytes of JSON body, send a part, then reset the connection."""
    await responder.send_raw(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        b'{"dag_id": "par'
    )
    await asyncio.sleep(0.02)
    await responder.reset()


async def not_http(request: RawRequest, responder: Responder) -> None:
    """Answer with bytes that are not HTTP at all, then close."""
    await responder.send_raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
    await responder.close()


def drip(
    chunks: Iterable[bytes],
    delay: float,
    *,
    status: int = 200,
    headers: Sequence[tuple[str, str]] = (("Content-Type", "application/json"),),
) -> Handler:
    """Send a chunked response one chunk at a time, ``delay`` seconds apart."""
    parts = list(chunks)

    async def dripping(request: RawRequest, responder: Responder) -> None:
        await responder.stream(status, headers, parts, delay=delay)

    return dripping


def redirect_to(location: str, status: int = 302) -> Handler:
    """Answer with a redirect to ``location``."""
    return respond_with(
        status, [("Location", location), ("Content-Type", "text/html")], b"<a>moved</a>"
    )


def close_after_response(delay: float, handler: Handler = json_handler) -> Handler:
    """Let ``handler`` answer, then close the kept-alive connection ``delay`` seconds later.

    A server's (or load balancer's) idle timeout, seen from the client's pool: a pooled
    connection that the peer has since closed.
    """

    async def answer_then_close(request: RawRequest, responder: Responder) -> None:
        await handler(request, responder)
        await asyncio.sleep(delay)
        await responder.close()

    return answer_then_close
