"""httpx's own transport, with the guards the client needs on any event loop (trio too).

:class:`ReclaimingHTTPTransport` is ``httpx.AsyncHTTPTransport`` over an httpcore pool
whose connections are :class:`_GuardedStream` s. Against a hostile server or network it
adds, below httpcore and h11:

* **No desync.** Every byte read and written goes through a
  :class:`._framing.ResponseFraming`; a connection whose last response was framed
  ambiguously, or that received a byte while no request was outstanding, reports itself
  readable, which is how httpcore learns that an idle connection is dead: it is closed,
  never handed to another request.
* **Stale connections do not fail requests.** Right before the first byte of a request is
  written on a connection that served one before, the socket is checked: readable means
  the server closed it (or spoke out of turn). Nothing of the request has been written
  then, so the request is sent again on another connection, whatever its method.
* **An early answer is kept.** A large body is written while the connection is watched:
  a server that answers before it has read the whole upload (a ``413``, a ``401``) gets its
  answer read, instead of lost to the reset that follows.
* **Pool slots come back.** httpcore 1.0.9 leaves some connections in its pool for good
  when a request is cancelled (encode/httpcore#1093), and a native asyncio cancellation
  (``asyncio.timeout``, ``Task.cancel``) that lands while a response is closed passes
  through httpcore's clean-up shield and leaves its connection active. Orphaned slots are
  reclaimed after a failed request, and a response is closed in a task of its own that no
  cancellation reaches.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import sys
import typing
from collections.abc import AsyncIterator
from typing import Any, cast

import anyio
import httpcore
import httpx

from ._framing import STALE_TRIES, ResponseFraming, StaleConnection
from ._settings import TransportSettings

__all__ = ["ReclaimingHTTPTransport"]

# A write larger than this may block while the server does not read; it is watched for an
# early answer. Smaller ones go to the kernel at once.
_WATCHED_WRITE = 64 * 1024


def _running_trio() -> bool:
    trio = sys.modules.get("trio")
    if trio is None:
        return False
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        return False
    return True


class _GuardedStream(httpcore.AsyncNetworkStream):
    """A connection's stream that follows its framing and checks it before each request."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._framing = ResponseFraming()
        self._early = b""

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self._early:
            data, self._early = self._early[:max_bytes], self._early[max_bytes:]
            return data
        data = await self._inner.read(max_bytes, timeout)
        self._framing.received(data)
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        framing = self._framing
        stale = framing.stale(buffer, self._readable)
        if stale is not None:
            raise StaleConnection(stale)
        framing.sent(buffer)
        if len(buffer) <= _WATCHED_WRITE:
            await self._inner.write(buffer, timeout)
        else:
            await self._write_watched(buffer, timeout)

    def _readable(self) -> bool:
        return bool(self._inner.get_extra_info("is_readable"))

    async def _write_watched(self, buffer: bytes, timeout: float | None) -> None:
        # A second handle on the socket: asyncio closes its own as soon as a write fails,
        # taking with it an answer that arrived just before the server reset.
        spare = self._spare_socket()
        try:
            await self._write_watched_with(buffer, timeout, spare)
        finally:
            if spare is not None:
                spare.close()

    async def _write_watched_with(
        self, buffer: bytes, timeout: float | None, spare: socket.socket | None
    ) -> None:
        early: list[bytes] = []
        failed: list[httpcore.WriteError] = []
        async with anyio.create_task_group() as group:

            async def watch() -> None:
                with contextlib.suppress(httpcore.ReadError):
                    early.append(await self._inner.read(_WATCHED_WRITE, None))
                group.cancel_scope.cancel()

            group.start_soon(watch)
            try:
                await self._inner.write(buffer, timeout)
            except httpcore.WriteError as exc:
                failed.append(exc)
            else:
                group.cancel_scope.cancel()
        if not early and failed and spare is not None:
            # The server reset the connection after answering: the answer may still wait
            # in the kernel, where a reset does not discard what arrived before it.
            with contextlib.suppress(OSError):
                early.append(spare.recv(_WATCHED_WRITE, socket.MSG_DONTWAIT))
        if not early or not early[0]:
            if failed:
                raise failed[0]
            return
        if early:
            self._framing.received(early[0])
            self._early = early[0]
            # httpcore reads the response after a failed write: the answer is not lost.
            raise httpcore.WriteError("the server answered before the request was sent whole")

    def _spare_socket(self) -> socket.socket | None:
        """A duplicate of a plain TCP connection's socket (``None`` for TLS)."""
        sock = self._inner.get_extra_info("socket")
        if sock is None or sock.fileno() < 0 or self._inner.get_extra_info("ssl_object"):
            return None
        try:
            return typing.cast(socket.socket, sock.dup())
        except OSError:
            return None

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        return _GuardedStream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._framing.poisoned:
            # httpcore drops an idle connection that is readable: so it drops this one.
            return True
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's backend for the running loop (anyio's, or trio's), with guarded streams."""

    def __init__(self) -> None:
        self._anyio: httpcore.AsyncNetworkBackend | None = None
        self._trio: httpcore.AsyncNetworkBackend | None = None

    def _backend(self) -> httpcore.AsyncNetworkBackend:
        if _running_trio():
            trio = self._trio
            if trio is None:
                trio = self._trio = cast(httpcore.AsyncNetworkBackend, httpcore.TrioBackend())
            return trio
        backend = self._anyio
        if backend is None:
            backend = self._anyio = cast(httpcore.AsyncNetworkBackend, httpcore.AnyIOBackend())
        return backend

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend().connect_tcp(
            host, port, timeout=timeout, local_address=local_address, socket_options=socket_options
        )
        return _GuardedStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - the client never uses one
        stream = await self._backend().connect_unix_socket(
            path, timeout=timeout, socket_options=socket_options
        )
        return _GuardedStream(stream)

    async def sleep(self, seconds: float) -> None:  # pragma: no cover - httpcore retries only
        await self._backend().sleep(seconds)


def _retrieve(task: asyncio.Task[None]) -> None:
    if not task.cancelled():
        task.exception()  # consumed, so asyncio does not report it as never retrieved


class _ShieldedClose(httpx.AsyncByteStream):
    """A response stream whose closing runs to its end, whatever cancels the caller."""

    def __init__(self, stream: httpx.AsyncByteStream) -> None:
        self._stream = stream

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._stream.__aiter__()

    async def aclose(self) -> None:
        if _running_trio():
            with anyio.CancelScope(shield=True):
                await self._stream.aclose()
            return
        # asyncio's own cancellation ignores anyio's shield: httpcore's clean-up, stopped
        # half-way, would leave its connection active for good. Run it in a task of its own.
        task = asyncio.get_running_loop().create_task(self._stream.aclose())
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            task.add_done_callback(_retrieve)
            raise


def _never_used(connection: Any) -> bool:
    """Whether an httpcore connection will never serve a request nor be closed by its pool.

    Two cases: still being opened for a request that is gone (no inner connection, not
    failed), or opened but cancelled before its first request started (HTTP/1.1 state NEW,
    which httpcore counts neither available, idle nor closed).
    """
    inner = getattr(connection, "_connection", True)
    if inner is None:
        return getattr(connection, "_connect_failed", True) is False
    return getattr(getattr(inner, "_state", None), "name", None) == "NEW"


class ReclaimingHTTPTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport over guarded connections; see the module docstring.

    Args:
        settings: TLS, pool limits and local address (default: ``TransportSettings()``).
    """

    def __init__(self, settings: TransportSettings | None = None) -> None:
        if settings is None:
            settings = TransportSettings()
        limits = settings.limits
        super().__init__(
            verify=settings.ssl_context, limits=limits, local_address=settings.local_address
        )
        # The pool httpx builds, with the guarded backend (httpx offers no way to pass one).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=settings.ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            local_address=settings.local_address,
            network_backend=_GuardedBackend(),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Send through httpx's transport: again when a pooled connection was stale."""
        for _ in range(STALE_TRIES):
            try:
                response = await super().handle_async_request(request)
            except StaleConnection:
                # Nothing of the request left: sending it again cannot do anything twice.
                await self._reclaim_orphans()
                continue
            except BaseException:
                await self._reclaim_orphans()
                raise
            response.stream = _ShieldedClose(typing.cast(httpx.AsyncByteStream, response.stream))
            return response
        raise httpx.ConnectError("every pooled connection tried was closed", request=request)

    async def _reclaim_orphans(self) -> None:
        """Take back pool slots held by connections that will never be used or closed.

        httpcore 1.0.9 (encode/httpcore#1093, unfixed there) creates a connection for a
        queued request; when that request is cancelled before the connection is
        established, the connection stays in the pool, neither usable nor ever closed,
        holding a slot for good; so does a connection opened for a request cancelled just
        before it was sent. Enough of them and every later request ends in
        ``PoolTimeout``. Such orphans (never established, not failed, assigned to no
        request) are removed, their slots handed to the requests still queued, and closed.
        """
        pool = self._pool
        connections: list[Any] | None = getattr(pool, "_connections", None)
        requests: list[Any] | None = getattr(pool, "_requests", None)
        if connections is None or requests is None:
            return  # another httpcore layout: nothing this transport knows how to fix
        assigned = {id(r.connection) for r in requests if getattr(r, "connection", None)}
        orphans = [c for c in connections if id(c) not in assigned and _never_used(c)]
        if not orphans:
            return
        # No await between reading the pool and changing it: nothing else runs meanwhile.
        for connection in orphans:
            connections.remove(connection)
        closing = pool._assign_requests_to_connections()  # pyright: ignore[reportPrivateUsage]
        with anyio.CancelScope(shield=True):
            for connection in [*orphans, *closing]:
                await connection.aclose()
