"""Settings shared by every transport: TLS, pool limits and the transport's name.

A leaf module, as httpx keeps its ``_config.py``: it imports nothing else from the
package, so :mod:`._transport` and :mod:`._aiohttp_transport` both take their settings
from here without importing each other.
"""

from __future__ import annotations

import os
import ssl
from typing import Literal

import httpx

__all__ = [
    "DEFAULT_LIMITS",
    "CertTypes",
    "TransportKind",
    "VerifyTypes",
    "create_ssl_context",
]

#: Which transport the client's own pool sends through: ``"auto"`` picks per event loop at
#: first use (aiohttp on asyncio, httpx's own elsewhere).
TransportKind = Literal["auto", "aiohttp", "httpx"]

#: ``True`` (certifi, or ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when ``trust_env``), ``False``,
#: a CA bundle file or directory, or a ready ``ssl.SSLContext``.
VerifyTypes = ssl.SSLContext | str | bool

#: A client certificate: ``certfile``, ``(certfile, keyfile)`` or
#: ``(certfile, keyfile, password)``.
CertTypes = str | tuple[str, str] | tuple[str, str, str]

#: Connection pool limits of the client's own pool, whichever transport it uses.
#:
#: As many connections kept alive as may be open: fan-outs (``trigger_many``, ``prefetch``)
#: send in bursts of up to ``max_concurrency`` requests, and with httpx's default of 20
#: kept alive a burst of 100 would end by closing 80 connections that the next burst opens
#: again (with a TLS handshake each, on https). Idle connections still go after
#: ``keepalive_expiry`` (5 s), so a quiet client holds none for long.
DEFAULT_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=100)


def create_ssl_context(
    verify: VerifyTypes = True,
    cert: CertTypes | None = None,
    trust_env: bool = True,
) -> ssl.SSLContext:
    """Build the SSL context httpx would build for these arguments.

    httpx 0.28 warns about ``verify=<path>`` and ``cert=...``; the client still accepts both,
    so the context is built here rather than through ``httpx.create_ssl_context``.

    Args:
        verify: See :data:`VerifyTypes`.
        cert: See :data:`CertTypes`; loaded into the context.
        trust_env: Whether ``SSL_CERT_FILE``/``SSL_CERT_DIR`` choose the CA bundle.

    Returns:
        A client-side ``ssl.SSLContext`` (``verify`` itself when it is one).
    """
    if isinstance(verify, ssl.SSLContext):
        ctx = verify
    elif verify is True:
        if trust_env and os.environ.get("SSL_CERT_FILE"):
            ctx = ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
        elif trust_env and os.environ.get("SSL_CERT_DIR"):
            ctx = ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
        else:
            import certifi

            ctx = ssl.create_default_context(cafile=certifi.where())
    elif verify is False:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    elif os.path.isdir(verify):
        ctx = ssl.create_default_context(capath=verify)
    else:
        ctx = ssl.create_default_context(cafile=verify)

    if isinstance(cert, str):
        ctx.load_cert_chain(cert)
    elif cert is not None:
        ctx.load_cert_chain(*cert)
    return ctx
