"""The one request pipeline: build → auth → send → retry → map errors → decode.

Resources call :meth:`HTTPPipeline.request` (or its decoding wrappers) with a path built
by :func:`build_path`; nothing else in the package talks to httpx. The pipeline also finds
out, once per client, which API the server speaks (:meth:`HTTPPipeline.server_version`),
and picks each operation's route for it (:meth:`HTTPPipeline.resolve`).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Generator, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar, cast
from urllib.parse import quote

import anyio
import attrs
import httpx

from . import _bounded, _json
from ._auth import BasicAuth, TokenExchangeAuth
from ._converter import format_datetime, structure
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    ResponseTooLargeError,
    ResponseValidationError,
    UnsupportedByServerError,
    request_path,
    status_error_from_response,
)
from ._operations import V2_MINORS, V2_OPERATION_SINCE, V2_RENAMED
from ._retry import RetryPolicy, retry_delay
from ._routes import API_PREFIXES, ApiVersion, Route, Routes, ServerVersion
from ._types import UNSET, JsonValue

__all__ = [
    "Attempt",
    "HTTPPipeline",
    "PoolState",
    "ServerState",
    "build_path",
    "capture_attempts",
    "capture_responses",
    "check_aware",
    "connection_error",
    "decode_json",
    "decode_model",
    "encode_path_segment",
    "first_minor",
    "invalid_response",
    "parse_url",
    "query_params",
    "too_large_error",
]

T = TypeVar("T")

logger = logging.getLogger("airflow_client_async")

_JSON_MEDIA_TYPES = ("application/json", "application/problem+json")


def encode_path_segment(value: object, name: str) -> str:
    """Percent-encode ``value`` as exactly one path segment.

    Every character outside ``A-Z a-z 0-9 - _ . ~`` is encoded (``/``, ``?``, ``#``, ``%``,
    ``+``, spaces, unicode as UTF-8), and a segment of only ``.`` or ``..`` has its dots
    encoded too, so no value can climb out of its place in the route.

    Args:
        value: A string (or integer, for map indexes and try numbers).
        name: The parameter's name, for error messages.

    Raises:
        ValueError: ``value`` is empty.
        TypeError: ``value`` is neither a string nor an integer.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    text = str(value)
    if not text:
        raise ValueError(f"{name} must be a non-empty string")
    if text in {".", ".."}:
        return "%2E" * len(text)
    return quote(text, safe="")


def build_path(template: str, **values: object) -> str:
    """Fill ``template`` (e.g. ``"/dags/{dag_id}"``) with percent-encoded segments."""
    return template.format(**{name: encode_path_segment(v, name) for name, v in values.items()})


def check_aware(name: str, value: datetime) -> datetime:
    """Return ``value`` if it has a time zone; refuse a naive datetime.

    Airflow 2 answers a naive datetime with 400 and Airflow 3 with a 500 (or a 422 in a
    body), so it is refused before anything is sent.

    Raises:
        ValueError: ``value`` is naive.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} is a naive datetime; Airflow refuses those. "
            "Give it a time zone, e.g. value.replace(tzinfo=datetime.timezone.utc)"
        )
    return value


def _query_scalar(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_datetime(check_aware(name, value))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"{name} cannot be sent as a query parameter: {type(value).__name__}")


def query_params(
    values: Mapping[str, object], *, comma: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """Build query parameters, leaving out ``None`` and ``UNSET``.

    A list value is sent as a repeated key, or as one comma-separated value for the names
    in ``comma`` (where a value holding a comma, or an empty one, is refused: the server
    would split it). Datetimes must be timezone-aware; they are sent in ISO 8601 with
    their offset, and httpx percent-encodes the ``+``.

    Raises:
        ValueError: A naive datetime, or a value the comma-joined form cannot carry.
        TypeError: A value that cannot be a query parameter.
    """
    params: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None or value is UNSET:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            items = [_query_scalar(name, item) for item in cast("Iterable[object]", value)]
            if name in comma:
                params.append((name, _comma_join(name, items)))
            else:
                params.extend((name, item) for item in items)
        else:
            params.append((name, _query_scalar(name, value)))
    return params


def _comma_join(name: str, items: list[str]) -> str:
    if not items:
        raise ValueError(f"give at least one value in {name} (or None)")
    for item in items:
        if not item or "," in item:
            raise ValueError(
                f"{name} cannot carry {item!r}: the server reads it as one comma-separated value"
            )
    return ",".join(items)


#: Where :func:`capture_responses` collects the responses of the calls made inside it.
_CAPTURED: contextvars.ContextVar[list[httpx.Response] | None] = contextvars.ContextVar(
    "airflow_client_async_captured", default=None
)


def capture_responses() -> contextlib.AbstractContextManager[list[httpx.Response]]:
    """Collect every response received inside the block (tasks it starts included).

    An enclosing block gets them too, when the block ends.
    """
    return _collecting(_CAPTURED)


_T = TypeVar("_T")


@contextlib.contextmanager
def _collecting(where: contextvars.ContextVar[list[_T] | None]) -> Generator[list[_T]]:
    """A list that ``where`` names inside the block, handed to an enclosing one after."""
    outer = where.get()
    collected: list[_T] = []
    token = where.set(collected)
    try:
        yield collected
    finally:
        where.reset(token)
        if outer is not None:
            outer.extend(collected)


@attrs.define(kw_only=True)
class Attempt:
    """One sending of a request by :meth:`HTTPPipeline.request`, retries each counting.

    Attributes:
        method: The HTTP method.
        path: The path below the server's root, as sent (e.g.
            ``/api/v2/dags/etl/dagRuns``).
        status: The answer's status; ``None`` while in flight or when none arrived.
        error: The transport error when no answer arrived (a timeout, a reset).
    """

    method: str
    path: str
    status: int | None = None
    error: httpx.RequestError | None = None


#: Where :func:`capture_attempts` records the attempts of the calls made inside it.
_ATTEMPTS: contextvars.ContextVar[list[Attempt] | None] = contextvars.ContextVar(
    "airflow_client_async_attempts", default=None
)


def capture_attempts() -> contextlib.AbstractContextManager[list[Attempt]]:
    """Record every attempt sent inside the block (tasks it starts included).

    Unlike :func:`capture_responses` this counts attempts that got no answer, and an
    attempt is recorded as it starts. An enclosing block gets them too, when the block
    ends.
    """
    return _collecting(_ATTEMPTS)


@functools.lru_cache(maxsize=512)
def parse_url(url: str) -> httpx.URL:
    """Return ``url`` parsed, from a cache."""
    # Parsing is a large share of what httpx spends building a request, and calls go to
    # the same few routes again and again; an httpx.URL is immutable, so one can be shared.
    return httpx.URL(url)


def _unbind_stream(response: httpx.Response) -> None:
    """Let a read response be freed as soon as nobody refers to it.

    httpx makes a response and the stream it read from refer to each other, so every
    response, its body included, waited for the cyclic garbage collector; iterating a long
    list then held pages of dead bodies at times. Once the body is read, the stream is no
    longer used (``content``, ``aread`` and ``aiter_bytes``/``_text``/``_lines`` serve the
    stored body), so it is replaced by one over the same bytes that refers to nothing.
    """
    response.stream = httpx.ByteStream(response.content)


async def _send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    auth: Any,
    deadline: float | None = None,
    max_size: int | None = None,
) -> httpx.Response:
    """Send ``request`` and read the whole response body, within the attempt's deadline.

    A body whose ``Content-Encoding`` does not decode arrived whole from the server, so it
    is a :class:`ResponseValidationError` (with the status and headers), not a transport
    failure to retry; so is a body larger than ``max_size``. The response is closed on any
    failure or cancellation (see :func:`._bounded.send_and_read`).
    """
    try:
        return await _bounded.send_and_read(
            client, request, auth=auth, deadline=deadline, max_size=max_size
        )
    except _bounded.BodyTooLarge as exc:
        raise too_large_error(exc.response, exc.limit) from None
    except _bounded.UndecodableBody as exc:
        encoding = exc.response.headers.get("content-encoding", "")
        raise invalid_response(
            exc.response,
            "a decodable body",
            f"the {encoding!r} encoded body does not decode: {exc.reason}",
            b"",
        ) from exc


def _media_type(response: httpx.Response) -> str:
    value: str = response.headers.get("content-type", "")
    return value.split(";", 1)[0].strip().lower()


def _operation_since() -> dict[str, tuple[int, int]]:
    """operationId → the first Airflow 3 minor that serves its route.

    An operationId that a later minor gave to a route the older minors served under
    another name (Airflow 3.1 split ``patch_task_instance`` into a ``…_by_map_index``
    form) takes the old name's minor: the route, which is what is sent, is older.
    """
    since = dict(V2_OPERATION_SINCE)
    for rename in V2_RENAMED:
        old = V2_OPERATION_SINCE.get(rename.old)
        if old is not None and rename.new in since:
            since[rename.new] = min(since[rename.new], old)
    return since


_OPERATION_SINCE = _operation_since()


def first_minor(route: Route) -> tuple[int, int] | None:
    """The first Airflow 3 minor that has ``route`` (an ``/api/v2`` or FAB route).

    The later of the route's own ``since`` and, for a core ``/api/v2`` operation, the
    minor whose spec first serves its operationId (from :data:`V2_OPERATION_SINCE`): an
    operation newer than the server is refused before any I/O even where a namespace
    declares no ``since``. ``None`` when every 3.x has it.
    """
    found = [route.since] if route.since is not None else []
    if route.base == "api" and route.operation_id is not None:
        added = _OPERATION_SINCE.get(route.operation_id)
        if added is not None:
            found.append(added)
    first = max(found, default=None)
    return None if first is None or first <= V2_MINORS[0] else first


@attrs.define(kw_only=True)
class ServerState:
    """What a client knows about its server, shared by every copy ``with_options`` makes.

    Attributes:
        fixed_api_version: The API the caller fixed (``api_version=`` or a base URL ending
            in ``/api/v1`` or ``/api/v2``); ``None`` to detect it.
        version: The server's version once known.
        token_auth: Airflow 3's token, exchanged for the client's basic credentials.
    """

    fixed_api_version: ApiVersion | None = None
    version: ServerVersion | None = None
    token_auth: TokenExchangeAuth | None = None
    lock: anyio.Lock | None = attrs.field(default=None, repr=False)


@attrs.define(kw_only=True)
class PoolState:
    """State shared by a client and every copy made by ``with_options``."""

    http_client: httpx.AsyncClient
    owns_http_client: bool
    closed: bool = False
    server: ServerState = attrs.field(factory=ServerState)


@attrs.frozen(kw_only=True, repr=False)
class HTTPPipeline:
    """Sends requests to one Airflow API base URL and turns answers into values or errors.

    Attributes:
        pool: The shared httpx client, whether it is closed, and what is known of the server.
        base_url: The server's root, e.g. ``http://host:8080`` (no trailing slash); the
            APIs live under it at ``/api/v1`` and ``/api/v2``.
        auth: Authentication for every request, or ``None`` to leave the httpx client's own.
            Basic credentials are exchanged for a token on Airflow 3.
        headers: Headers sent with every request.
        timeout: Timeout for every request, or ``None`` to use the httpx client's own.
        retry_policy: When and how to retry.
        max_response_size: The cap on a response body, decoded, in bytes (``None``: none).
        sleep: Waits between retries (anyio's sleep; tests pass a recorder).
    """

    pool: PoolState
    base_url: str
    auth: httpx.Auth | None
    headers: Mapping[str, str]
    timeout: httpx.Timeout | None
    retry_policy: RetryPolicy
    max_response_size: int | None = _bounded.DEFAULT_MAX_RESPONSE_SIZE
    sleep: Callable[[float], Awaitable[None]] = anyio.sleep

    def __repr__(self) -> str:
        # Headers and auth may hold credentials; only their names and kind are shown.
        auth = type(self.auth).__name__ if self.auth is not None else None
        return (
            f"HTTPPipeline(base_url={self.base_url!r}, auth={auth}, "
            f"headers={sorted(self.headers)!r}, timeout={self.timeout!r})"
        )

    # -- the server's version ---------------------------------------------------------

    async def server_version(self) -> ServerVersion:
        """Return the server's version, asking the server the first time only.

        With the API not fixed, ``GET /api/v2/version`` (which Airflow 3 answers without
        credentials) is asked first, then ``GET /api/v1/version``. Concurrent first calls
        share one probe.

        Raises:
            APIStatusError: Neither API answered (the message says what each said).
            APIConnectionError: The server could not be reached.
        """
        state = self.pool.server
        if state.version is not None and state.version.release is not None:
            return state.version
        if state.lock is None:
            state.lock = anyio.Lock()
        async with state.lock:
            if state.version is None or state.version.release is None:
                state.version = await self._probe(state.fixed_api_version)
        return state.version

    async def api_version(self) -> ApiVersion:
        """Return ``"v1"`` or ``"v2"``: fixed by the caller, or detected once."""
        fixed = self.pool.server.fixed_api_version
        if fixed is not None:
            return fixed
        return (await self.server_version()).api_version

    async def _probe(self, fixed: ApiVersion | None) -> ServerVersion:
        if fixed is not None:
            return await self._ask_version(fixed)
        try:
            return await self._ask_version("v2")
        except (APIStatusError, ResponseValidationError) as not_v2:
            # Airflow 2 answers /api/v2 with its web UI's HTML 404 page.
            try:
                return await self._ask_version("v1")
            except (APIStatusError, ResponseValidationError) as not_v1:
                raise not_v1 from not_v2

    async def _ask_version(self, api_version: ApiVersion) -> ServerVersion:
        response = await self.request(
            "GET",
            API_PREFIXES[api_version] + "/version",
            api_version=api_version,
            # Airflow 3 answers without credentials (and basic ones would cost a token).
            authenticate=api_version == "v1",
        )
        info = decode_json(response)
        release = info.get("version") if isinstance(info, dict) else None
        if not isinstance(info, dict) or not isinstance(release, str):
            raise invalid_response(response, "VersionInfo", "the answer names no version")
        git = info.get("git_version")
        return ServerVersion(
            api_version=api_version,
            release=release,
            git_version=git if isinstance(git, str) else None,
        )

    async def resolve(self, routes: Routes) -> tuple[Route, ApiVersion]:
        """Pick ``routes``' route for the server's API, checking the server has it.

        Raises:
            UnsupportedByServerError: The server's API (or its 3.x minor) lacks the
                operation; nothing was sent.
        """
        api_version = await self.api_version()
        route = routes.for_version(api_version)
        if route is None:
            other = "Airflow 3 (/api/v2)" if api_version == "v1" else "Airflow 2 (/api/v1)"
            server = await self._known_version(api_version)
            raise UnsupportedByServerError(
                f"{routes.method_name} is not available on {server}: only {other} has it",
                method=routes.method_name,
                server=server,
            )
        first = first_minor(route) if api_version == "v2" else None
        if first is not None:
            server = await self.server_version()
            minor = server.minor
            if minor is not None and minor < first:
                since = ".".join(map(str, first))
                raise UnsupportedByServerError(
                    f"{routes.method_name} needs Airflow {since} or later; "
                    f"the server runs {server.release}",
                    method=routes.method_name,
                    server=server,
                    since=first,
                )
        return route, api_version

    async def _known_version(self, api_version: ApiVersion) -> ServerVersion:
        known = self.pool.server.version
        if known is not None:
            return known
        return ServerVersion(api_version=api_version)

    def auth_for(self, api_version: ApiVersion | None) -> httpx.Auth | None:
        """The auth to send with: on ``/api/v2``, basic credentials become a token."""
        auth = self.auth
        if api_version != "v2" or not isinstance(auth, BasicAuth):
            return auth
        state = self.pool.server
        if state.token_auth is None:
            credentials = auth.credentials
            state.token_auth = TokenExchangeAuth(
                functools.partial(self._fetch_token, credentials), username=auth.username
            )
        return state.token_auth

    async def _fetch_token(self, credentials: Mapping[str, str]) -> str:
        """Exchange basic credentials for a JWT at Airflow 3's ``POST /auth/token``."""
        response = await self.request(
            "POST", "/auth/token", json_body=dict(credentials), idempotent=True, authenticate=False
        )
        body = decode_json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise invalid_response(response, "a token", "the answer holds no access_token")
        return token

    # -- sending ---------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json_body: Any = UNSET,
        accept: str = "application/json",
        idempotent: bool | None = None,
        api_version: ApiVersion | None = None,
        authenticate: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one request, retrying as the policy allows; return a 2xx response.

        Args:
            method: HTTP method.
            path: The path below the server's root, its parameters already encoded (see
                :func:`build_path`), e.g. ``/api/v2/pools/default_pool``.
            params: Query parameters (see :func:`query_params`).
            json_body: A JSON-ready body; ``UNSET`` sends none.
            accept: The ``Accept`` header.
            idempotent: Whether replaying is harmless; ``None`` decides by method.
            api_version: The API the path belongs to; on ``"v2"`` basic credentials are
                sent as a token.
            authenticate: ``False`` sends no credentials.
            headers: Headers of this request only (an operation's header parameter).

        Raises:
            APIStatusError: The server answered with a non-2xx status.
            APIConnectionError: No response arrived (APITimeoutError for timeouts).
            ClientClosedError: The client was closed.
        """
        if self.pool.closed:
            raise ClientClosedError("the client is closed; create a new AsyncClient")
        request_headers = dict(self.headers)
        if headers:
            request_headers.update(headers)
        request_headers["Accept"] = accept
        request_headers.setdefault("Accept-Encoding", _bounded.ACCEPT_ENCODING)
        content: bytes | None = None
        if json_body is not UNSET:
            try:
                content = _json.encode_body(json_body)
            except ValueError as exc:
                raise ValueError(f"{method} {path}: {exc}") from None
            request_headers["Content-Type"] = "application/json"
        url = parse_url(self.base_url + path)
        query = httpx.QueryParams(tuple(params)) if params else None
        client = self.pool.http_client
        timeout: Any = self.timeout if self.timeout is not None else httpx.USE_CLIENT_DEFAULT
        deadline = _bounded.attempt_deadline(self.timeout or client.timeout)
        chosen = self.auth_for(api_version) if authenticate else None
        # authenticate=False must also keep a caller-owned httpx client's own auth away.
        auth: Any = chosen if chosen is not None or not authenticate else httpx.USE_CLIENT_DEFAULT
        captured = _CAPTURED.get()
        recorded = _ATTEMPTS.get()
        attempt = 0
        while True:
            request = client.build_request(
                method, url, params=query, content=content, headers=request_headers, timeout=timeout
            )
            record = Attempt(method=method, path=path)
            if recorded is not None:
                recorded.append(record)
            started = time.perf_counter()
            try:
                response = await _send(client, request, auth, deadline, self.max_response_size)
            except httpx.RequestError as exc:
                record.error = exc
                delay = retry_delay(
                    self.retry_policy,
                    method=method,
                    attempt=attempt,
                    error=exc,
                    idempotent=idempotent,
                )
                if delay is None:
                    error = connection_error(exc, method, path, request)
                    error.retries = attempt
                    raise error from exc
                logger.info(
                    "retrying %s %s in %.2f s after %s", method, path, delay, type(exc).__name__
                )
            except RuntimeError as exc:
                # httpx says so when the (possibly caller-owned) client was closed.
                if client.is_closed:
                    raise ClientClosedError("the underlying httpx client is closed") from exc
                raise
            else:
                record.status = response.status_code
                _unbind_stream(response)
                if captured is not None:
                    captured.append(response)
                logger.debug(
                    "%s %s -> %d in %.1f ms",
                    method,
                    path,
                    response.status_code,
                    (time.perf_counter() - started) * 1000,
                )
                if response.is_success:
                    return response
                delay = retry_delay(
                    self.retry_policy,
                    method=method,
                    attempt=attempt,
                    status=response.status_code,
                    headers=response.headers,
                    idempotent=idempotent,
                )
                if delay is None:
                    status_error = status_error_from_response(response, response.content)
                    status_error.retries = attempt
                    raise status_error
                logger.info(
                    "retrying %s %s in %.2f s after status %d",
                    method,
                    path,
                    delay,
                    response.status_code,
                )
            await self.sleep(delay)
            attempt += 1

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json_body: Any = UNSET,
        idempotent: bool | None = None,
        api_version: ApiVersion | None = None,
    ) -> JsonValue:
        """Send a request and return its JSON body, decoded as :func:`json.loads` does.

        Raises:
            ResponseValidationError: The body is not JSON (wrong content type, empty,
                malformed or truncated).
        """
        response = await self.request(
            method,
            path,
            params=params,
            json_body=json_body,
            idempotent=idempotent,
            api_version=api_version,
        )
        return decode_json(response)

    async def request_model(
        self,
        method: str,
        path: str,
        model: type[T],
        *,
        params: list[tuple[str, str]] | None = None,
        json_body: Any = UNSET,
        idempotent: bool | None = None,
        api_version: ApiVersion | None = None,
    ) -> T:
        """Send a request and decode its JSON body into ``model``.

        Raises:
            ResponseValidationError: The body is not JSON or does not fit ``model``.
        """
        response = await self.request(
            method,
            path,
            params=params,
            json_body=json_body,
            idempotent=idempotent,
            api_version=api_version,
        )
        return decode_model(response, model)

    async def request_text(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        api_version: ApiVersion | None = None,
    ) -> str:
        """Send a request asking for ``text/plain`` and return the body as text.

        Raises:
            ResponseValidationError: The server answered with JSON, HTML or another type
                that is not text/plain.
        """
        response = await self.request(
            method, path, params=params, accept="text/plain", api_version=api_version
        )
        return decode_text(response)


def decode_text(response: httpx.Response) -> str:
    """Return a ``text/plain`` response body as text.

    Raises:
        ResponseValidationError: The server answered with JSON, HTML or another type.
    """
    media_type = _media_type(response)
    if media_type and media_type != "text/plain":
        raise invalid_response(response, "text", f"expected text/plain, got {media_type!r}")
    return response.text


def decode_json(response: httpx.Response) -> JsonValue:
    """Return the JSON value of a response body.

    A missing content type is tolerated; a declared non-JSON one (an HTML page from a
    proxy, say) is not.

    Raises:
        ResponseValidationError: The body is not a JSON document.
    """
    body = response.content
    media_type = _media_type(response)
    if media_type and media_type not in _JSON_MEDIA_TYPES and not media_type.endswith("+json"):
        raise invalid_response(response, "JSON", f"expected a JSON body, got {media_type!r}")
    if not body or body.isspace():
        raise invalid_response(response, "JSON", "expected a JSON body, got an empty one")
    try:
        value: JsonValue = _json.loads(body)
    except ValueError as exc:
        raise invalid_response(
            response, "JSON", f"malformed or truncated JSON body: {exc}"
        ) from exc
    except RecursionError as exc:
        raise invalid_response(response, "JSON", "the JSON body is nested too deeply") from exc
    return value


def decode_model(
    response: httpx.Response, model: type[T], *, fill: Mapping[str, object] | None = None
) -> T:
    """Decode a response's JSON body into ``model`` with the package's converter.

    Args:
        response: The 2xx response.
        model: The class to decode into.
        fill: Values for keys the body leaves out or sends as null: the identity fields an
            answer omits although the request named them (Airflow 2's DAG source holds only
            ``content``; its task state change may answer ``{}``). The models require
            their identity fields, so these are filled before decoding.

    Raises:
        ResponseValidationError: The body is not JSON or does not fit ``model``.
    """
    data: object = decode_json(response)
    if fill and isinstance(data, dict):
        filled: dict[str, object] = dict(data)  # pyright: ignore[reportUnknownArgumentType]
        for key, value in fill.items():
            if filled.get(key) is None:
                filled[key] = value
        data = filled
    try:
        return structure(data, model)
    except Exception as exc:
        # Whatever the converter raised, the caller gets one typed error with the body.
        name = getattr(model, "__name__", str(model))
        raise invalid_response(
            response, name, f"the body does not fit {name}: {_describe(exc)}"
        ) from exc


def _describe(exc: BaseException) -> str:
    text = str(exc)
    notes = getattr(exc, "exceptions", None)
    if notes:
        text += " (" + "; ".join(_describe(inner) for inner in notes[:3]) + ")"
    return text


def invalid_response(
    response: httpx.Response, expected: str, reason: str, body: bytes | None = None
) -> ResponseValidationError:
    """The error for a 2xx ``response`` whose body is not what the operation returns.

    Args:
        response: The response.
        expected: What was expected, e.g. ``"JSON"`` or a model name.
        reason: What is wrong, for the message (which names the method and path).
        body: The body to keep, when it is not the response's content.
    """
    request = response.request
    return ResponseValidationError(
        f"{request.method} {request_path(request)}: {reason}",
        response=response,
        body=response.content if body is None else body,
        expected=expected,
    )


def too_large_error(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    """Return the error for ``response``, whose body went over ``limit`` bytes."""
    request = response.request
    return ResponseTooLargeError(
        f"{request.method} {request_path(request)}: the response body is larger than "
        f"max_response_size ({limit:,} bytes); give the client a larger "
        "max_response_size (or None) to read it",
        response=response,
        limit=limit,
    )


def connection_error(
    exc: httpx.RequestError, method: str, path: str, request: httpx.Request
) -> APIConnectionError:
    """Return the client's error for the transport error ``exc`` of ``method path``."""
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{method} {path} timed out: {detail}", request=request)
    return APIConnectionError(
        f"{method} {path} failed: {type(exc).__name__}: {detail}", request=request
    )
