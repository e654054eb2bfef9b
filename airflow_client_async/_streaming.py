"""Responses meant to be long, read a line at a time: NDJSON streams, followed logs.

:func:`stream_lines` is the request pipeline's path for them. What bounds a normal call
bounds a stream until its head arrives: the attempt's deadline (connect, send, head),
the retry rules for failures before any answer, the header and JSON checks. From then on
the body has no overall deadline, since it is meant to last; instead each chunk must
arrive within the *idle timeout* (the client's read timeout unless given), and no line
may grow past ``max_response_size``, so a server that stalls, or sends one endless line,
ends the stream with :class:`APITimeoutError` or :class:`ResponseTooLargeError` in
bounded memory. The body is decoded as it arrives (gzip, deflate) a step at a time, the
connection goes through the same framing guards as every other request, and leaving the
``async with`` block in any way, cancellation included, closes the response (dropping
the connection when the stream was not read to its end)::

    async with stream_lines(pipeline, "GET", path, params=params) as lines:
        async for line in lines:
            record = json.loads(line)

No public method streams yet; the Airflow 3 NDJSON endpoints (logs with
``Accept: application/x-ndjson``, ``wait_dag_run_until_finished``) are to use this.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any, cast

import anyio
import httpx

from . import _bounded
from ._errors import APITimeoutError, ClientClosedError, status_error_from_response
from ._http import (
    HTTPPipeline,
    connection_error,
    invalid_response,
    parse_url,
    too_large_error,
)
from ._retry import retry_delay
from ._routes import ApiVersion
from ._types import JsonValue

__all__ = ["LineStream", "stream_lines"]


class LineStream:
    """The lines of a streamed answer (without their ``\\n``), and the answer's head.

    Iterate it once with ``async for``; :meth:`json` decodes one line.
    """

    def __init__(self, response: httpx.Response, lines: AsyncIterator[bytes]) -> None:
        self.response = response
        self._lines = lines

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._lines

    def json(self, line: bytes) -> JsonValue:
        """Decode one line as strict JSON.

        Raises:
            ResponseValidationError: The line is not one JSON document.
        """
        try:
            value: JsonValue = json.loads(line)
        except (ValueError, RecursionError) as exc:
            raise invalid_response(
                self.response, "a JSON line", f"a line is not JSON: {exc}", line
            ) from None
        return value


@contextlib.asynccontextmanager
async def stream_lines(
    pipeline: HTTPPipeline,
    method: str,
    path: str,
    *,
    params: list[tuple[str, str]] | None = None,
    accept: str = "application/x-ndjson",
    idle_timeout: float | None = None,
    api_version: ApiVersion | None = None,
) -> AsyncGenerator[LineStream]:
    """Send a request and yield its body's lines as they arrive (without their ``\\n``).

    Args:
        pipeline: The client's request pipeline (its pool, auth, headers and limits).
        method: HTTP method.
        path: The route with its path parameters encoded, starting with ``/``.
        params: Query parameters.
        accept: The ``Accept`` header.
        idle_timeout: The longest wait for the next chunk, in seconds; the read timeout of
            the client's ``timeout`` when ``None``.
        api_version: The API the path belongs to, which decides the credentials sent
            (on ``/api/v2`` basic credentials become a token).

    Raises:
        APIStatusError: The server answered with a non-2xx status.
        APIConnectionError: No answer arrived, or the stream broke off.
        APITimeoutError: No head within the attempt's deadline, or a chunk took longer
            than ``idle_timeout``.
        ResponseTooLargeError: A line (or an error body) is longer than
            ``max_response_size``.
        ResponseValidationError: The body does not decode.
    """
    if pipeline.pool.closed:
        raise ClientClosedError("the client is closed; create a new AsyncClient")
    client = pipeline.pool.http_client
    timeout = pipeline.timeout or client.timeout
    idle = idle_timeout if idle_timeout is not None else timeout.read
    response = await _open(pipeline, method, path, params, accept, timeout, api_version)
    try:
        if not response.is_success:
            try:
                body = await _bounded.read_body(response, pipeline.max_response_size)
            except _bounded.BodyTooLarge:
                raise too_large_error(response, pipeline.max_response_size or 0) from None
            raise status_error_from_response(response, body)
        yield LineStream(response, _lines(response, method, path, idle, pipeline.max_response_size))
    finally:
        with anyio.CancelScope(shield=True):
            await response.aclose()


async def _open(
    pipeline: HTTPPipeline,
    method: str,
    path: str,
    params: list[tuple[str, str]] | None,
    accept: str,
    timeout: httpx.Timeout,
    api_version: ApiVersion | None,
) -> httpx.Response:
    """Send the request and wait for the head, retrying as the pipeline's policy allows."""
    client = pipeline.pool.http_client
    headers = {**pipeline.headers, "Accept": accept}
    headers.setdefault("Accept-Encoding", _bounded.ACCEPT_ENCODING)
    url = parse_url(pipeline.base_url + path)
    query = httpx.QueryParams(tuple(params)) if params else None
    chosen = pipeline.auth_for(api_version)
    auth: Any = chosen if chosen is not None else httpx.USE_CLIENT_DEFAULT
    deadline = _bounded.attempt_deadline(timeout)
    attempt = 0
    while True:
        request = client.build_request(method, url, params=query, headers=headers, timeout=timeout)
        try:
            with anyio.move_on_after(deadline) as scope:
                return await client.send(request, auth=auth, follow_redirects=False, stream=True)
            error: httpx.RequestError = _bounded.AttemptTimeout(
                f"no answer within {deadline:g} s", request=request
            )
            assert scope.cancelled_caught
        except httpx.RequestError as exc:
            error = exc
        delay = retry_delay(pipeline.retry_policy, method=method, attempt=attempt, error=error)
        if delay is None:
            failure = connection_error(error, method, path, request)
            failure.retries = attempt
            raise failure from error
        await pipeline.sleep(delay)
        attempt += 1


async def _lines(
    response: httpx.Response, method: str, path: str, idle: float | None, max_size: int | None
) -> AsyncGenerator[bytes, None]:
    try:
        decoder = _bounded.body_decoder(response.headers)
    except httpx.DecodingError as exc:
        raise invalid_response(response, "a decodable body", str(exc), b"") from None
    pending = bytearray()
    raw = cast(AsyncGenerator[bytes, None], response.aiter_raw())
    async with contextlib.aclosing(raw) as chunks:
        while True:
            try:
                with anyio.fail_after(idle):
                    chunk = await chunks.__anext__()
            except StopAsyncIteration:
                break
            except TimeoutError:
                raise APITimeoutError(
                    f"{method} {path} timed out: no data for {idle:g} s", request=response.request
                ) from None
            except httpx.RequestError as exc:
                raise connection_error(exc, method, path, response.request) from exc
            try:
                for piece in decoder.decode(chunk):
                    for line in _split(pending, piece, response, max_size):
                        yield line
            except httpx.DecodingError as exc:
                raise invalid_response(response, "a decodable body", str(exc), b"") from None
    for piece in decoder.flush():
        for line in _split(pending, piece, response, max_size):
            yield line
    if pending:
        yield bytes(pending).rstrip(b"\r")


def _split(
    pending: bytearray, piece: bytes, response: httpx.Response, max_size: int | None
) -> list[bytes]:
    """The lines that ``piece`` completes; the rest stays in ``pending``."""
    if b"\n" not in piece:
        pending += piece
        if max_size is not None and len(pending) > max_size:
            raise too_large_error(response, max_size)
        return []
    first, *middle, last = piece.split(b"\n")
    pending += first
    lines = [bytes(pending).rstrip(b"\r"), *(line.rstrip(b"\r") for line in middle)]
    pending[:] = last
    for line in lines:
        if max_size is not None and len(line) > max_size:
            raise too_large_error(response, max_size)
    return lines
