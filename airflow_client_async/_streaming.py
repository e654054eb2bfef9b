"""Responses meant to be long, read a line at a time: NDJSON streams, followed logs.

:func:`stream_lines` sends through the request pipeline's one attempt loop, in its
stream mode. What bounds a normal call bounds a stream until its head arrives: the
attempt's deadline (connect, send, head), the retry rules, the attempt records, the
header checks and the errors. From then on the body has no overall deadline, since it is
meant to last; instead each chunk must arrive within the *idle timeout* (the client's
read timeout unless given), and no line may grow past ``max_response_size``, so a server
that stalls, or sends one endless line, ends the stream with :class:`APITimeoutError` or
:class:`ResponseTooLargeError` in bounded memory. The body is decoded as it arrives (gzip,
deflate) a step at a time, the connection goes through the same framing guards as every
other request, and leaving the ``async with`` block in any way, cancellation included,
closes the response (dropping the connection when the stream was not read to its end)::

    async with stream_lines(pipeline, "GET", path, params=params) as lines:
        async for line in lines:
            record = json.loads(line)

``dag_runs.wait`` (Airflow 3.1's wait stream) and ``task_instances.follow_log`` read
through it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from typing import cast

import anyio
import httpx

from . import _bounded
from ._errors import APITimeoutError
from ._http import HTTPPipeline, connection_error, invalid_response, too_large_error
from ._types import UNSET, JsonValue, UnsetType

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
    auth: httpx.Auth | UnsetType | None = UNSET,
    headers: Mapping[str, str] | None = None,
) -> AsyncGenerator[LineStream]:
    """Send a request and yield its body's lines as they arrive (without their ``\\n``).

    The request goes through the pipeline's one attempt loop
    (:meth:`HTTPPipeline.request` with ``stream=True``): its deadline, retries, attempt
    records and errors are those of every other request.

    Args:
        pipeline: The client's request pipeline (its pool, auth, headers and limits).
        method: HTTP method.
        path: The route with its path parameters encoded, starting with ``/``.
        params: Query parameters.
        accept: The ``Accept`` header.
        idle_timeout: The longest wait for the next chunk, in seconds; the read timeout of
            the client's ``timeout`` when ``None``.
        auth: The credentials to send, as for :meth:`HTTPPipeline.request`.
        headers: Headers of this request only.

    Raises:
        APIStatusError: The server answered with a non-2xx status.
        APIConnectionError: No answer arrived, or the stream broke off.
        APITimeoutError: No head within the attempt's deadline, or a chunk took longer
            than ``idle_timeout``.
        ResponseTooLargeError: A line (or an error body) is longer than
            ``max_response_size``.
        ResponseValidationError: The body does not decode.
    """
    timeout = pipeline.timeout or pipeline.pool.http_client.timeout
    idle = idle_timeout if idle_timeout is not None else timeout.read
    response = await pipeline.request(
        method, path, params=params, accept=accept, auth=auth, headers=headers, stream=True
    )
    try:
        yield LineStream(response, _lines(response, method, path, idle, pipeline.max_response_size))
    finally:
        with anyio.CancelScope(shield=True):
            await response.aclose()


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
