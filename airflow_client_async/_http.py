"""The one request pipeline: auth → send → retry → map errors → decode.

:meth:`HTTPPipeline.request` sends one request, whose route, path and query the operation
layer (:mod:`._operation`) has already decided, under one attempt loop: every attempt
runs within its deadline and body cap, failures are retried as the retry policy allows,
and what is left is mapped to the package's errors. A streamed answer (``stream=True``)
goes through the same loop and comes back once its head has arrived; the caller reads
it (see :mod:`._streaming`) and closes it. Nothing else in the package talks to httpx's
client.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from typing import Any, TypeVar

import anyio
import attrs
import httpx

from . import _bounded, _json
from ._converter import structure
from ._errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    ResponseTooLargeError,
    ResponseValidationError,
    request_path,
    status_error_from_response,
)
from ._retry import RetryPolicy, retry_delay
from ._routes import ServerState
from ._types import UNSET, JsonValue, UnsetType

__all__ = [
    "Attempt",
    "HTTPPipeline",
    "PoolState",
    "capture_attempts",
    "capture_responses",
    "connection_error",
    "decode_json",
    "decode_model",
    "decode_text",
    "invalid_response",
    "parse_url",
    "too_large_error",
]

T = TypeVar("T")

logger = logging.getLogger("airflow_client_async")

_JSON_MEDIA_TYPES = ("application/json", "application/problem+json")


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
    stream: bool = False,
) -> httpx.Response:
    """Send ``request`` and read the whole response body, within the attempt's deadline.

    With ``stream``, a 2xx answer comes back once its head has arrived, its body unread,
    for the caller to read and close.

    A body whose ``Content-Encoding`` does not decode arrived whole from the server, so it
    is a :class:`ResponseValidationError` (with the status and headers), not a transport
    failure to retry; so is a body larger than ``max_size``. The response is closed on any
    failure or cancellation (see :func:`._bounded.send_and_read`).
    """
    try:
        return await _bounded.send_and_read(
            client, request, auth=auth, deadline=deadline, max_size=max_size, stream=stream
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


@attrs.define(kw_only=True)
class PoolState:
    """State shared by a client and every copy made by ``with_options``.

    Attributes:
        http_client: The httpx client every request goes through.
        owns_http_client: Whether closing the client closes ``http_client``.
        closed: Whether the client was closed.
        server: What is known of the server (read and written by the operation layer).
    """

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
            The operation layer may send a request with other credentials (on Airflow 3,
            the token that basic credentials are exchanged for).
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
        auth: httpx.Auth | UnsetType | None = UNSET,
        headers: Mapping[str, str] | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Send one request, retrying as the policy allows; return a 2xx response.

        Args:
            method: HTTP method.
            path: The path below the server's root, its segments already encoded, e.g.
                ``/api/v2/pools/default_pool``.
            params: Query parameters, in order.
            json_body: A JSON-ready body; ``UNSET`` sends none.
            accept: The ``Accept`` header.
            idempotent: Whether replaying is harmless; ``None`` decides by method.
            auth: The credentials of this request: ``UNSET`` for the pipeline's own (or
                the httpx client's, when the pipeline has none), ``None`` for none at all.
            headers: Headers of this request only (an operation's header parameter).
            stream: Return as soon as the head of a 2xx answer has arrived, its body
                unread; the caller reads it and must close it. Any other answer is read
                and handled as without ``stream``.

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
        # auth=None must also keep a caller-owned httpx client's own auth away.
        chosen: Any = self.auth if auth is UNSET else auth
        if chosen is None and auth is UNSET:
            chosen = httpx.USE_CLIENT_DEFAULT
        captured = None if stream else _CAPTURED.get()
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
                response = await _send(
                    client, request, chosen, deadline, self.max_response_size, stream
                )
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
                if not stream:
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
