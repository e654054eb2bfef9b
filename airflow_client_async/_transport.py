"""Which httpx transport the client's own connection pool sends through.

On asyncio the client sends through :class:`AiohttpTransport`, an ``httpx.AsyncBaseTransport``
backed by an ``aiohttp.ClientSession``; httpx stays the API above it (URL building, auth,
cookies, redirects, content decoding, ``httpx.Response``). Measured against a local keep-alive
server, 1,000 POSTs at concurrency 32 ran at about 350 requests/s through httpx's default
transport and about 2,100 requests/s through an aiohttp-backed one. On any other event loop
(trio) the client uses httpx's own transport, :class:`ReclaimingHTTPTransport`
(:mod:`._httpx_transport`): ``httpx.AsyncHTTPTransport`` with the same guards against
hostile servers as the aiohttp one.

The aiohttp-backed transport lives in :mod:`._aiohttp_transport`, imported only when it
is first needed, so importing the package does not pay for importing aiohttp.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import httpx

from ._config import DEFAULT_LIMITS, CertTypes, TransportKind, VerifyTypes, create_ssl_context

if TYPE_CHECKING:
    from ._aiohttp_transport import AiohttpTransport, map_aiohttp_exceptions

__all__ = [
    "DEFAULT_LIMITS",
    "AiohttpTransport",
    "AutoTransport",
    "CertTypes",
    "TransportKind",
    "VerifyTypes",
    "create_ssl_context",
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
        verify: See :data:`VerifyTypes`.
        cert: See :data:`CertTypes`.
        trust_env: Whether ``SSL_CERT_FILE``/``SSL_CERT_DIR`` choose the CA bundle.
        limits: Connection pool limits, given to whichever transport is picked.
        local_address: Local IP address to bind outgoing connections to.
    """

    def __init__(
        self,
        *,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
        trust_env: bool = True,
        limits: httpx.Limits = DEFAULT_LIMITS,
        local_address: str | None = None,
    ) -> None:
        self._ssl_context = create_ssl_context(verify, cert, trust_env)
        self._limits = limits
        self._local_address = local_address
        self._transport: httpx.AsyncBaseTransport | None = None

    @property
    def picked(self) -> httpx.AsyncBaseTransport | None:
        """The transport in use, or ``None`` before the first request."""
        return self._transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Pick the transport if not yet done, then send through it."""
        if self._transport is None:
            kind: TransportKind = "aiohttp" if _running_asyncio() else "httpx"
            self._transport = make_transport(
                kind,
                verify=self._ssl_context,
                limits=self._limits,
                local_address=self._local_address,
            )
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        """Close the picked transport, if any."""
        if self._transport is not None:
            await self._transport.aclose()


def make_transport(
    kind: TransportKind = "auto",
    *,
    verify: VerifyTypes = True,
    cert: CertTypes | None = None,
    trust_env: bool = True,
    limits: httpx.Limits = DEFAULT_LIMITS,
    local_address: str | None = None,
) -> httpx.AsyncBaseTransport:
    """Build the transport for the client's own connection pool.

    Args:
        kind: ``"aiohttp"`` (:class:`AiohttpTransport`, asyncio only), ``"httpx"``
            (``httpx.AsyncHTTPTransport``, any event loop httpx supports) or ``"auto"``
            (:class:`AutoTransport`: the former on asyncio, the latter elsewhere).
        verify: See :data:`VerifyTypes`.
        cert: See :data:`CertTypes`.
        trust_env: Whether ``SSL_CERT_FILE``/``SSL_CERT_DIR`` choose the CA bundle.
        limits: Connection pool limits.
        local_address: Local IP address to bind outgoing connections to.

    Returns:
        An ``httpx.AsyncBaseTransport`` configured with the same TLS settings and limits
        whichever kind is chosen.

    Raises:
        ValueError: ``kind`` is none of the three.
    """
    if kind == "aiohttp":
        from ._aiohttp_transport import AiohttpTransport

        return AiohttpTransport(
            verify=verify,
            cert=cert,
            trust_env=trust_env,
            limits=limits,
            local_address=local_address,
        )
    if kind == "httpx":
        # Imported here: httpcore costs an import the default transport on asyncio never needs.
        from ._httpx_transport import ReclaimingHTTPTransport

        return ReclaimingHTTPTransport(
            ssl_context=create_ssl_context(verify, cert, trust_env),
            limits=limits,
            local_address=local_address,
        )
    if kind == "auto":
        return AutoTransport(
            verify=verify,
            cert=cert,
            trust_env=trust_env,
            limits=limits,
            local_address=local_address,
        )
    raise ValueError(f"transport must be 'auto', 'aiohttp' or 'httpx', got {kind!r}")


def __getattr__(name: str) -> Any:
    # The aiohttp-backed names load aiohttp on first use only.
    if name in {"AiohttpTransport", "map_aiohttp_exceptions"}:
        from . import _aiohttp_transport

        return getattr(_aiohttp_transport, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
