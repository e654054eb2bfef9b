"""What every transport is built from: TLS, pool limits and the transport's name.

A leaf module, as httpx keeps its ``_config.py``: it imports nothing else from the
package, so each transport takes its settings from here without importing another.
The client gathers its arguments into one :class:`TransportSettings`, and
:func:`~airflow_client_async._transports.make_transport` hands that value to whichever
transport it makes.
"""

from __future__ import annotations

import os
import ssl
from typing import Literal

import attrs
import httpx

__all__ = [
    "DEFAULT_LIMITS",
    "CertTypes",
    "TransportKind",
    "TransportSettings",
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


def _cert_repr(cert: CertTypes | None) -> str:
    # The password unlocks the private key: a repr (in a log, a traceback) names the files only.
    if isinstance(cert, tuple) and len(cert) == 3:
        return f"({cert[0]!r}, {cert[1]!r}, <password>)"
    return repr(cert)


def _build_ssl_context(settings: TransportSettings) -> ssl.SSLContext:
    return create_ssl_context(settings.verify, settings.cert, settings.trust_env)


@attrs.frozen(kw_only=True)
class TransportSettings:
    """Everything a transport of the client's own pool is built from, in one value.

    The client builds it once from its arguments; every transport takes it whole, so a
    setting added here reaches each of them without another constructor argument. The
    SSL context is built when the value is made: a missing CA bundle or certificate fails
    then, not at the first request, and every transport made from one value (either one
    that ``AutoTransport`` picks) shares the same context.

    Attributes:
        verify: See :data:`VerifyTypes`.
        cert: See :data:`CertTypes`. Its password, if any, is left out of the repr.
        trust_env: Whether ``SSL_CERT_FILE``/``SSL_CERT_DIR`` choose the CA bundle. Proxies
            from the environment are httpx's business, not a transport's.
        limits: ``max_connections`` open at once, ``max_keepalive_connections`` kept idle,
            ``keepalive_expiry`` seconds before an idle connection is dropped.
        local_address: Local IP address to bind outgoing connections to.
        ssl_context: Built from ``verify``, ``cert`` and ``trust_env`` (``verify`` itself
            when it is an ``ssl.SSLContext``).
    """

    verify: VerifyTypes = True
    cert: CertTypes | None = attrs.field(default=None, repr=_cert_repr)
    trust_env: bool = True
    limits: httpx.Limits = DEFAULT_LIMITS
    local_address: str | None = None
    ssl_context: ssl.SSLContext = attrs.field(
        init=False,
        repr=False,
        eq=False,
        default=attrs.Factory(_build_ssl_context, takes_self=True),
    )
