"""Authentication: basic, bearer (static or refreshed), or any ``httpx.Auth``.

Airflow 2's ``/api/v1`` takes basic auth as it is. Airflow 3's ``/api/v2`` takes only bearer
tokens (JWTs): there the client exchanges basic credentials for a token at the server's
``POST /auth/token`` (see :class:`TokenExchangeAuth`), caches it and fetches a new one when
it expires.

Secrets are kept out of every ``repr`` and ``str``: an auth object prints its kind and, for
basic auth, the user name only.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import TypeAlias, cast

import anyio
import httpx

__all__ = ["AuthTypes", "BasicAuth", "BearerAuth", "TokenExchangeAuth", "coerce_auth"]

#: What ``AsyncClient(auth=...)`` accepts.
AuthTypes: TypeAlias = tuple[str, str] | httpx.Auth | None

_REDACTED = "***"


def _check_header_value(value: str, what: str) -> None:
    # A CR or LF in a header value would let a caller's input start a new header line.
    if "\r" in value or "\n" in value or "\x00" in value:
        raise ValueError(f"{what} must not contain CR, LF or NUL characters")


class BasicAuth(httpx.Auth):
    """HTTP basic authentication (Airflow's ``basic_auth`` API backend).

    Args:
        username: The user name.
        password: The password; never shown in ``repr``.
    """

    def __init__(self, username: str, password: str) -> None:
        if ":" in username:
            raise ValueError("a basic-auth user name cannot contain ':'")
        self.username = username
        self._password = password
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._header = f"Basic {token}"

    @property
    def credentials(self) -> dict[str, str]:
        """``{"username": ..., "password": ...}``: the body of Airflow 3's token request."""
        return {"username": self.username, "password": self._password}

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the ``Authorization`` header to ``request``."""
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r}, password={_REDACTED})"


class BearerAuth(httpx.Auth):
    """Bearer-token authentication with a static token or one fetched by a coroutine.

    With a callable, the token is fetched before the first request and fetched again
    (once) when the server answers 401, so an expiring token renews itself. Concurrent
    requests share one fetch.

    Args:
        token: The token, or an async callable returning a fresh one.
    """

    requires_response_body = False

    def __init__(self, token: str | Callable[[], Awaitable[str]]) -> None:
        if isinstance(token, str):
            _check_header_value(token, "a bearer token")
            self._token: str | None = token
            self._fetch: Callable[[], Awaitable[str]] | None = None
        elif callable(token):
            self._token = None
            self._fetch = token
        else:
            raise TypeError("token must be a string or an async callable returning one")
        self._lock: anyio.Lock | None = None
        self._generation = 0

    def _expired(self) -> bool:
        """Whether the cached token should be replaced before it is sent."""
        return False

    async def _refresh(self, seen_generation: int) -> str:
        assert self._fetch is not None
        if self._lock is None:
            self._lock = anyio.Lock()
        async with self._lock:
            # Another request refreshed while this one waited: use its token.
            if self._token is not None and self._generation != seen_generation:
                return self._token
            token = await self._fetch()
            # A provider typed to return str may still return anything at run time.
            if not isinstance(token, str) or not token:  # pyright: ignore[reportUnnecessaryIsInstance]
                raise TypeError("the bearer token callable must return a non-empty string")
            _check_header_value(token, "a bearer token")
            self._token = token
            self._generation += 1
            return token

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        """Add the static token; a refreshing token needs the async client."""
        if self._token is None or self._fetch is not None:
            raise RuntimeError("a refreshing BearerAuth works with an async client only")
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Add the token; on a 401 with a refreshing token, fetch a new one and retry once."""
        generation = self._generation
        token = self._token
        if token is None or (self._fetch is not None and self._expired()):
            token = await self._refresh(generation)
            generation = self._generation
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401 and self._fetch is not None:
            token = await self._refresh(generation)
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    def __repr__(self) -> str:
        kind = "refreshing" if self._fetch is not None else "static"
        return f"BearerAuth({kind}, token={_REDACTED})"


def _jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (seconds since the epoch), read without verifying it.

    The client only uses it to renew a token shortly before the server would refuse it;
    the server verifies the signature.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, binascii.Error):
        return None
    exp = cast("dict[str, object]", claims).get("exp") if isinstance(claims, dict) else None
    return float(exp) if isinstance(exp, (int, float)) and not isinstance(exp, bool) else None


class TokenExchangeAuth(BearerAuth):
    """Airflow 3: a JWT obtained from basic credentials and renewed before it expires.

    The client builds one when :class:`BasicAuth` (or a ``(user, password)`` tuple) is
    given for a server whose API is ``/api/v2``: ``fetch`` posts the credentials to the
    server's ``/auth/token``. The token is cached and shared by concurrent requests; it is
    fetched again shortly before its ``exp`` claim passes, and once more when the server
    answers 401 (``Token Expired``). A 403 (``Invalid JWT token``) is not retried.

    Args:
        fetch: Returns a new token.
        username: The user the token is for, shown by ``repr``.
        leeway: Seconds before ``exp`` at which the token is renewed.
    """

    def __init__(
        self, fetch: Callable[[], Awaitable[str]], *, username: str, leeway: float = 30.0
    ) -> None:
        super().__init__(fetch)
        self.username = username
        self._leeway = leeway
        self._fetched_at = 0.0

    def _expired(self) -> bool:
        if self._token is None:
            return True
        exp = _jwt_expiry(self._token)
        if exp is None or time.time() < exp - self._leeway:
            return False
        # A token that looks expired the moment it arrives means the clocks disagree; the
        # server then says so with a 401, which renews it once, instead of every request.
        return time.monotonic() - self._fetched_at >= self._leeway

    async def _refresh(self, seen_generation: int) -> str:
        token = await super()._refresh(seen_generation)
        if self._generation != seen_generation:
            self._fetched_at = time.monotonic()
        return token

    def __repr__(self) -> str:
        return f"TokenExchangeAuth(username={self.username!r}, token={_REDACTED})"


def coerce_auth(auth: AuthTypes) -> httpx.Auth | None:
    """Turn what ``AsyncClient(auth=...)`` accepts into an ``httpx.Auth`` (or ``None``)."""
    if auth is None or isinstance(auth, httpx.Auth):
        return auth
    # Callers without a type checker pass anything: check the shape at run time.
    if isinstance(auth, tuple) and len(auth) == 2 and all(isinstance(p, str) for p in auth):  # pyright: ignore[reportUnnecessaryIsInstance]
        return BasicAuth(auth[0], auth[1])
    raise TypeError(
        "auth must be a (username, password) tuple, BasicAuth, BearerAuth or an httpx.Auth, "
        f"not {type(auth).__name__}"
    )
