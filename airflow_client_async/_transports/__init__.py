"""The transports of the client's own connection pool, and which one it sends through.

On asyncio the client sends through :class:`AiohttpTransport` (:mod:`._aiohttp`), an
``httpx.AsyncBaseTransport`` backed by an ``aiohttp.ClientSession``; httpx stays the API
above it (URL building, auth, cookies, redirects, content decoding, ``httpx.Response``).
Measured against a local keep-alive server, 1,000 POSTs at concurrency 32 ran at about
350 requests/s through httpx's default transport and about 2,100 requests/s through an
aiohttp-backed one. On any other event loop (trio) the client uses httpx's own transport,
:class:`ReclaimingHTTPTransport` (:mod:`._httpx`): ``httpx.AsyncHTTPTransport`` with the
same guards against hostile servers as the aiohttp one. Both follow each connection's
framing with :mod:`._framing`, and both are built from one :class:`TransportSettings`
(:mod:`._settings`).

Each transport module is imported only when it is first needed, so importing the package
pays neither for aiohttp nor for httpcore.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import httpx

from ._causes import find_cause
from ._settings import (
    DEFAULT_LIMITS,
    CertTypes,
    TransportKind,
    TransportSettings,
    VerifyTypes,
    create_ssl_context,
)

if TYPE_CHECKING:
    from ._aiohttp import AiohttpTransport, map_aiohttp_exceptions
    from ._httpx import ReclaimingHTTPTransport

__all__ = [
    "DEFAULT_LIMITS",
    "AiohttpTransport",
    "AutoTransport",
    "CertTypes",
    "ReclaimingHTTPTransport",
    "TransportKind",
    "TransportSettings",
    "VerifyTypes",
    "create_ssl_context",
    "find_cause",
    "make_transport",
    "map_aiohttp_exceptions",
]


def _running_asyncio() -> bool:
    """Whether the current task is an asyncio task (and not, say, trio in guest mode)."""
    # Not imported at the top: importing asyncio costs ~10 ms, and a program that never
    # imported it is not running on it.
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return asyncio.current_task() is not None


class AutoTransport(httpx.AsyncBaseTransport):
    """Picks the transport at the first request: aiohttp on asyncio, httpx's own otherwise.

    A client may be built outside any event loop, so the choice waits until a request runs.
    Once made it stays: like any connection pool, this one then belongs to that event loop.

    Args:
        settings: Given to whichever transport is picked (default: ``TransportSettings()``).
    """

    def __init__(self, settings: TransportSettings | None = None) -> None:
        self._settings = TransportSettings() if settings is None else settings
        self._transport: httpx.AsyncBaseTransport | None = None

    @property
    def picked(self) -> httpx.AsyncBaseTransport | None:
        """The transport in use, or ``None`` before the first request."""
        return self._transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Pick the transport if not yet done, then send through it."""
        if self._transport is None:
            kind: TransportKind = "aiohttp" if _running_asyncio() else "httpx"
            self._transport = make_transport(kind, self._settings)
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the picked transport, if any."""
        if self._transport is not None:
            await self._transport.aclose()


def make_transport(
    kind: TransportKind = "auto", settings: TransportSettings | None = None
) -> httpx.AsyncBaseTransport:
    """Build the transport for the client's own connection pool.

    Args:
        kind: ``"aiohttp"`` (:class:`AiohttpTransport`, asyncio only), ``"httpx"``
            (:class:`ReclaimingHTTPTransport`, any event loop httpx supports) or ``"auto"``
            (:class:`AutoTransport`: the former on asyncio, the latter elsewhere).
        settings: TLS, pool limits and local address, the same whichever kind is chosen
            (default: ``TransportSettings()``).

    Returns:
        An ``httpx.AsyncBaseTransport`` built from ``settings``.

    Raises:
        ValueError: ``kind`` is none of the three.
    """
    if kind == "aiohttp":
        from ._aiohttp import AiohttpTransport

        return AiohttpTransport(settings)
    if kind == "httpx":
        # Imported here: httpcore costs an import the default transport on asyncio never needs.
        from ._httpx import ReclaimingHTTPTransport

        return ReclaimingHTTPTransport(settings)
    if kind == "auto":
        return AutoTransport(settings)
    raise ValueError(f"transport must be 'auto', 'aiohttp' or 'httpx', got {kind!r}")


def __getattr__(name: str) -> Any:
    # Each transport's own names load its library on first use only.
    if name in {"AiohttpTransport", "map_aiohttp_exceptions"}:
        from . import _aiohttp

        return getattr(_aiohttp, name)
    if name == "ReclaimingHTTPTransport":
        from . import _httpx

        return _httpx.ReclaimingHTTPTransport
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
