"""Which server a client talks to, and the credentials each API takes.

The API (``/api/v1`` or ``/api/v2``) and the release are asked for once per client (every
copy ``with_options`` makes shares the answer), by requests of their own through the
pipeline. On ``/api/v2`` basic credentials are exchanged for a JWT at ``POST
/auth/token``; the token is kept with the server's state and renewed by
:class:`~airflow_client_async._auth.TokenExchangeAuth`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import anyio
import httpx

from .._auth import BasicAuth, TokenExchangeAuth
from .._errors import APIStatusError, ResponseValidationError
from .._http import HTTPPipeline, decode_json, invalid_response
from .._routes import API_PREFIXES, ApiVersion, ServerVersion
from .._types import UNSET, UnsetType

__all__ = ["api_version", "auth_for", "known_version", "server_version"]


async def server_version(http: HTTPPipeline) -> ServerVersion:
    """Return the server's version, asking the server the first time only.

    With the API not fixed, ``GET /api/v2/version`` (which Airflow 3 answers without
    credentials) is asked first, then ``GET /api/v1/version``. Concurrent first calls
    share one probe.

    Raises:
        APIStatusError: Neither API answered (the message says what each said).
        APIConnectionError: The server could not be reached.
    """
    state = http.pool.server
    if state.version is not None and state.version.release is not None:
        return state.version
    if state.lock is None:
        state.lock = anyio.Lock()
    async with state.lock:
        if state.version is None or state.version.release is None:
            state.version = await _probe(http, state.fixed_api_version)
    return state.version


async def api_version(http: HTTPPipeline) -> ApiVersion:
    """Return ``"v1"`` or ``"v2"``: fixed by the caller, or detected once."""
    fixed = http.pool.server.fixed_api_version
    if fixed is not None:
        return fixed
    return (await server_version(http)).api_version


def known_version(http: HTTPPipeline, api: ApiVersion) -> ServerVersion:
    """What is known of the server without asking: at least the API it speaks."""
    known = http.pool.server.version
    return known if known is not None else ServerVersion(api_version=api)


async def _probe(http: HTTPPipeline, fixed: ApiVersion | None) -> ServerVersion:
    if fixed is not None:
        return await _ask_version(http, fixed)
    try:
        return await _ask_version(http, "v2")
    except (APIStatusError, ResponseValidationError) as not_v2:
        # Airflow 2 answers /api/v2 with its web UI's HTML 404 page.
        try:
            return await _ask_version(http, "v1")
        except (APIStatusError, ResponseValidationError) as not_v1:
            raise not_v1 from not_v2


async def _ask_version(http: HTTPPipeline, api: ApiVersion) -> ServerVersion:
    response = await http.request(
        "GET",
        API_PREFIXES[api] + "/version",
        # Airflow 3 answers without credentials (and basic ones would cost a token).
        auth=UNSET if api == "v1" else None,
    )
    info = decode_json(response)
    release = info.get("version") if isinstance(info, dict) else None
    if not isinstance(info, dict) or not isinstance(release, str):
        raise invalid_response(response, "VersionInfo", "the answer names no version")
    git = info.get("git_version")
    return ServerVersion(
        api_version=api,
        release=release,
        git_version=git if isinstance(git, str) else None,
    )


def auth_for(http: HTTPPipeline, api: ApiVersion) -> httpx.Auth | UnsetType:
    """The credentials a request to ``api`` carries: on ``/api/v2`` a token for basic ones.

    ``UNSET`` means the pipeline's own (see :meth:`HTTPPipeline.request`).
    """
    auth = http.auth
    if api != "v2" or not isinstance(auth, BasicAuth):
        return UNSET
    state = http.pool.server
    if state.token_auth is None:
        state.token_auth = TokenExchangeAuth(
            functools.partial(_fetch_token, http, auth.credentials), username=auth.username
        )
    return state.token_auth


async def _fetch_token(http: HTTPPipeline, credentials: Mapping[str, str]) -> str:
    """Exchange basic credentials for a JWT at Airflow 3's ``POST /auth/token``."""
    response = await http.request(
        "POST", "/auth/token", json_body=dict(credentials), idempotent=True, auth=None
    )
    body = decode_json(response)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise invalid_response(response, "a token", "the answer holds no access_token")
    return token
