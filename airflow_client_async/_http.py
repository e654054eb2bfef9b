"""The one request pipeline: build → auth → send → retry → map errors → decode.

Resources call :meth:`HTTPPipeline.request` (or its decoding wrappers) with a path built
by :func:`build_path`; nothing else in the package talks to httpx.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import quote

import anyio
import attrs
import httpx

from . import _bounded, _converter, _json
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
from ._types import UNSET

__all__ = [
    "HTTPPipeline",
    "PoolState",
    "build_path",
    "encode_path_segment",
    "query_params",
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


def _query_scalar(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"{name} is a naive datetime; Airflow refuses those. "
                "Give it a time zone, e.g. value.replace(tzinfo=datetime.timezone.utc)"
            )
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (str, int, float)):
        return str(value)
    raise TypeError(f"{name} cannot be sent as a query parameter: {type(value).__name__}")


def query_params(**values: object) -> list[tuple[str, str]]:
    """Build query parameters, leaving out ``None`` and ``UNSET`` and repeating list values.

    Datetimes must be timezone-aware (Airflow answers 400 to naive ones); they are sent in
    ISO 8601 with their offset, and httpx percent-encodes the ``+``.
    """
    params: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None or value is UNSET:
            continue
        if isinstance(value, (list, tuple, set, frozenset)):
            params.extend((name, _query_scalar(name, item)) for item in value)
        else:
            params.append((name, _query_scalar(name, value)))
    return params


@functools.lru_cache(maxsize=512)
def _parse_url(url: str) -> httpx.URL:
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
        raise _too_large(exc.response, exc.limit) from None
    except _bounded.UndecodableBody as exc:
        encoding = exc.response.headers.get("content-encoding", "")
        raise _invalid(
            exc.response,
            b"",
            "a decodable body",
            f"the {encoding!r} encoded body does not decode: {exc.reason}",
        ) from exc


def _media_type(response: httpx.Response) -> str:
    value: str = response.headers.get("content-type", "")
    return value.split(";", 1)[0].strip().lower()


@attrs.define
class PoolState:
    """State shared by a client and every copy made by ``with_options``."""

    http_client: httpx.AsyncClient
    owns_http_client: bool
    closed: bool = False


@attrs.frozen(kw_only=True, repr=False)
class HTTPPipeline:
    """Sends requests to one Airflow API base URL and turns answers into values or errors.

    Attributes:
        pool: The shared httpx client and whether it is closed.
        base_url: The API root, e.g. ``http://host:8080/api/v1`` (no trailing slash).
        auth: Authentication for every request, or ``None`` to leave the httpx client's own.
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

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json_body: Any = UNSET,
        accept: str = "application/json",
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send one API request, retrying as the policy allows; return a 2xx response.

        Args:
            method: HTTP method.
            path: The route with its path parameters already encoded (see
                :func:`build_path`), starting with ``/``.
            params: Query parameters (see :func:`query_params`).
            json_body: A JSON-ready body; ``UNSET`` sends none.
            accept: The ``Accept`` header.
            idempotent: Whether replaying is harmless; ``None`` decides by method.

        Raises:
            APIStatusError: The server answered with a non-2xx status.
            APIConnectionError: No response arrived (APITimeoutError for timeouts).
            ClientClosedError: The client was closed.
        """
        if self.pool.closed:
            raise ClientClosedError("the client is closed; create a new AsyncClient")
        headers = dict(self.headers)
        headers["Accept"] = accept
        headers.setdefault("Accept-Encoding", _bounded.ACCEPT_ENCODING)
        content: bytes | None = None
        if json_body is not UNSET:
            try:
                content = _json.encode_body(json_body)
            except ValueError as exc:
                raise ValueError(f"{method} {path}: {exc}") from None
            headers["Content-Type"] = "application/json"
        url = _parse_url(self.base_url + path)
        query = httpx.QueryParams(tuple(params)) if params else None
        client = self.pool.http_client
        timeout: Any = self.timeout if self.timeout is not None else httpx.USE_CLIENT_DEFAULT
        deadline = _bounded.attempt_deadline(self.timeout or client.timeout)
        auth: Any = self.auth if self.auth is not None else httpx.USE_CLIENT_DEFAULT
        attempt = 0
        while True:
            request = client.build_request(
                method, url, params=query, content=content, headers=headers, timeout=timeout
            )
            started = time.perf_counter()
            try:
                response = await _send(client, request, auth, deadline, self.max_response_size)
            except httpx.RequestError as exc:
                delay = retry_delay(
                    self.retry_policy,
                    method=method,
                    attempt=attempt,
                    error=exc,
                    idempotent=idempotent,
                )
                if delay is None:
                    error = _connection_error(exc, method, path, request)
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
                _unbind_stream(response)
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
    ) -> Any:
        """Send a request and return its JSON body, decoded with :func:`json.loads`.

        Raises:
            ResponseValidationError: The body is not JSON (wrong content type, empty,
                malformed or truncated).
        """
        response = await self.request(
            method, path, params=params, json_body=json_body, idempotent=idempotent
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
    ) -> T:
        """Send a request and decode its JSON body into ``model``.

        Raises:
            ResponseValidationError: The body is not JSON or does not fit ``model``.
        """
        response = await self.request(
            method, path, params=params, json_body=json_body, idempotent=idempotent
        )
        return decode_model(response, model)

    async def request_text(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
    ) -> str:
        """Send a request asking for ``text/plain`` and return the body as text.

        Raises:
            ResponseValidationError: The server answered with JSON, HTML or another type
                that is not text/plain.
        """
        response = await self.request(method, path, params=params, accept="text/plain")
        media_type = _media_type(response)
        if media_type and media_type != "text/plain":
            raise _invalid(
                response, response.content, "text", f"expected text/plain, got {media_type!r}"
            )
        return response.text

    async def request_empty(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json_body: Any = UNSET,
        idempotent: bool | None = None,
    ) -> None:
        """Send a request whose success carries no body (e.g. a 204 to a DELETE)."""
        await self.request(method, path, params=params, json_body=json_body, idempotent=idempotent)


def decode_json(response: httpx.Response) -> Any:
    """Return the JSON value of a response body.

    A missing content type is tolerated; a declared non-JSON one (an HTML page from a
    proxy, say) is not.

    Raises:
        ResponseValidationError: The body is not a JSON document.
    """
    body = response.content
    media_type = _media_type(response)
    if media_type and media_type not in _JSON_MEDIA_TYPES and not media_type.endswith("+json"):
        raise _invalid(response, body, "JSON", f"expected a JSON body, got {media_type!r}")
    if not body.strip():
        raise _invalid(response, body, "JSON", "expected a JSON body, got an empty one")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise _invalid(response, body, "JSON", f"malformed or truncated JSON body: {exc}") from exc
    except RecursionError as exc:
        raise _invalid(response, body, "JSON", "the JSON body is nested too deeply") from exc


def decode_model(response: httpx.Response, model: type[T]) -> T:
    """Decode a response's JSON body into ``model`` with the package's converter.

    Raises:
        ResponseValidationError: The body is not JSON or does not fit ``model``.
    """
    data = decode_json(response)
    try:
        return _converter.structure(data, model)
    except Exception as exc:
        # Whatever the converter raised, the caller gets one typed error with the body.
        name = getattr(model, "__name__", str(model))
        raise _invalid(
            response, response.content, name, f"the body does not fit {name}: {_describe(exc)}"
        ) from exc


def _describe(exc: BaseException) -> str:
    text = str(exc)
    notes = getattr(exc, "exceptions", None)
    if notes:
        text += " (" + "; ".join(_describe(inner) for inner in notes[:3]) + ")"
    return text


def _invalid(
    response: httpx.Response, body: bytes, expected: str, reason: str
) -> ResponseValidationError:
    request = response.request
    return ResponseValidationError(
        f"{request.method} {request_path(request)}: {reason}",
        response=response,
        body=body,
        expected=expected,
    )


def _too_large(response: httpx.Response, limit: int) -> ResponseTooLargeError:
    request = response.request
    return ResponseTooLargeError(
        f"{request.method} {request_path(request)}: the response body is larger than "
        f"max_response_size ({limit:,} bytes); give the client a larger "
        "max_response_size (or None) to read it",
        response=response,
        limit=limit,
    )


def _connection_error(
    exc: httpx.RequestError, method: str, path: str, request: httpx.Request
) -> APIConnectionError:
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"{method} {path} timed out: {detail}", request=request)
    return APIConnectionError(
        f"{method} {path} failed: {type(exc).__name__}: {detail}", request=request
    )
