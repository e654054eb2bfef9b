"""Reading one attempt within a deadline and its body within a size cap.

httpx's ``timeout`` bounds each read, not the whole exchange: a server that drips a byte
every 0.7 s, sends its head a byte at a time, sends ``103`` interim responses without end,
or never reads a large upload kept a call waiting for ever with ``timeout=2``. And httpx
reads a body whole, decompressing each chunk at once: a 4 MiB gzip body inflating to
4 GiB, or an endless chunked body, grew the process until it was killed.

Here an attempt (waiting for a pooled connection, connecting, sending, the head and the
body) runs under one deadline, :func:`attempt_deadline`; the body is read raw and
decoded here, at most :data:`_STEP` bytes of output at a time, and counted after
decoding, so going over ``max_size`` stops the read before memory grows past the cap.
A ``Content-Length`` that already says too much stops it before a byte is read.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import AsyncGenerator, Iterator
from typing import Any, Protocol, cast

import anyio
import httpx

__all__ = [
    "DEFAULT_MAX_RESPONSE_SIZE",
    "ACCEPT_ENCODING",
    "AttemptTimeout",
    "BodyDecoder",
    "BodyTooLarge",
    "UndecodableBody",
    "attempt_deadline",
    "body_decoder",
    "read_body",
    "send_and_read",
]

#: The default cap on a response body, decoded: 64 MiB. The largest bodies Airflow sends
#: legitimately are single stored texts and pages of 100 items: a variable's value and a
#: DAG's source are ``MEDIUMTEXT`` on MySQL, at most 16 MiB (JSON escaping adds a little);
#: a 100-item page of task instances with every rendered field at Airflow's
#: ``max_templated_field_length`` (4,096 characters) is a few MiB. Task logs have no bound
#: of their own: read a longer one with a larger ``max_response_size`` (or ``None``).
DEFAULT_MAX_RESPONSE_SIZE = 64 * 1024 * 1024

#: The encodings :func:`body_decoder` reads, asked for on every request. httpx would also
#: ask for ``br`` or ``zstd`` when their packages happen to be installed; those decoders
#: inflate a chunk whole, so they are not asked for.
ACCEPT_ENCODING = "gzip, deflate"

# Output of one decompression step. A 64 KiB compressed chunk can inflate to ~64 MiB in
# one call of zlib's decompress; bounding each call's output bounds what one chunk costs.
_STEP = 256 * 1024


class AttemptTimeout(httpx.ReadTimeout):
    """One attempt (connect, send, head and body) outlasted its deadline.

    A read timeout to the retry rules: the request may have reached the server, so only a
    request that may be replayed is retried.
    """


class UndecodableBody(Exception):
    """The body does not decode with its ``Content-Encoding``; the response is closed."""

    def __init__(self, response: httpx.Response, reason: str) -> None:
        super().__init__(reason)
        self.response = response
        self.reason = reason


class BodyTooLarge(Exception):
    """The decoded body is (or is declared) larger than the cap; the response is closed."""

    def __init__(self, response: httpx.Response, limit: int) -> None:
        super().__init__(f"the response body is larger than {limit} bytes")
        self.response = response
        self.limit = limit


def attempt_deadline(timeout: httpx.Timeout) -> float | None:
    """The bound on one attempt as a whole: the longest of ``timeout``'s phases.

    ``timeout=2`` (every phase 2 s) bounds each attempt to 2 s in total; with
    ``httpx.Timeout(60, connect=10)`` each phase keeps its own bound and the attempt as a
    whole takes at most 60 s. ``None`` when no phase has a bound.
    """
    phases = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t]
    return max(phases) if phases else None


class BodyDecoder(Protocol):
    """Decodes a body a piece at a time, never returning more than a step at once."""

    def decode(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded output of ``data``, in pieces of at most one step."""
        ...

    def flush(self) -> Iterator[bytes]:
        """Yield what is left once the body has ended."""
        ...


class _Identity:
    def decode(self, data: bytes) -> Iterator[bytes]:
        if data:
            yield data

    def flush(self) -> Iterator[bytes]:
        return iter(())


class _Inflate:
    """gzip (``gzip=True``) or deflate, zlib-wrapped or raw as servers send either."""

    def __init__(self, *, gzip: bool) -> None:
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        # "deflate" is zlib-wrapped by the RFC, raw in some servers: httpx tries both too.
        self._may_be_raw = not gzip

    def decode(self, data: bytes) -> Iterator[bytes]:
        while True:
            try:
                piece = self._zlib.decompress(data, _STEP)
            except zlib.error as exc:
                if not self._may_be_raw:
                    raise httpx.DecodingError(str(exc)) from exc
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._may_be_raw = False
                continue
            self._may_be_raw = False
            if piece:
                yield piece
            data = self._zlib.unconsumed_tail
            if not data and len(piece) < _STEP:
                return

    def flush(self) -> Iterator[bytes]:
        try:
            rest = self._zlib.flush()
        except zlib.error as exc:  # pragma: no cover - zlib's flush does not fail today
            raise httpx.DecodingError(str(exc)) from exc
        for start in range(0, len(rest), _STEP):
            yield rest[start : start + _STEP]


class _Chain:
    """Several encodings, undone in the reverse order of the header."""

    def __init__(self, decoders: list[BodyDecoder]) -> None:
        self._decoders = decoders

    def _through(self, index: int, pieces: Iterator[bytes]) -> Iterator[bytes]:
        if index == len(self._decoders):
            yield from pieces
            return
        decoder = self._decoders[index]
        for piece in pieces:
            yield from self._through(index + 1, decoder.decode(piece))

    def decode(self, data: bytes) -> Iterator[bytes]:
        return self._through(0, iter((data,)))

    def flush(self) -> Iterator[bytes]:
        for index, decoder in enumerate(self._decoders):
            yield from self._through(index + 1, decoder.flush())


def body_decoder(headers: httpx.Headers) -> BodyDecoder:
    """The decoder for a response's ``Content-Encoding``.

    Raises:
        httpx.DecodingError: An encoding other than gzip, deflate or identity.
    """
    values = [
        token.strip().lower()
        for value in headers.get_list("content-encoding")
        for token in value.split(",")
    ]
    decoders: list[BodyDecoder] = []
    for value in reversed(values):
        if value in {"", "identity"}:
            continue
        if value in {"gzip", "x-gzip"}:
            decoders.append(_Inflate(gzip=True))
        elif value == "deflate":
            decoders.append(_Inflate(gzip=False))
        else:
            raise httpx.DecodingError(f"{value!r} is not an encoding the client asked for")
    if not decoders:
        return _Identity()
    return decoders[0] if len(decoders) == 1 else _Chain(decoders)


def _declared_length(headers: httpx.Headers) -> int | None:
    values = {v.strip() for value in headers.get_list("content-length") for v in value.split(",")}
    if len(values) != 1:
        return None
    (value,) = values
    return int(value) if value.isdigit() else None


async def read_body(response: httpx.Response, max_size: int | None) -> bytes:
    """Read a streamed response's body, decoded, and keep it as ``response.content``.

    Raises:
        BodyTooLarge: The decoded body (or its declared length, when not encoded) is
            larger than ``max_size``. The response is left for the caller to close.
        UndecodableBody: The body does not decode.
    """
    try:
        return await _read_body(response, max_size)
    except httpx.DecodingError as exc:
        raise UndecodableBody(response, str(exc)) from exc


async def _read_body(response: httpx.Response, max_size: int | None) -> bytes:
    if response.is_stream_consumed:
        # A response made in memory (by a mock transport) arrives read and decoded already.
        body = response.content
        if max_size is not None and len(body) > max_size:
            raise BodyTooLarge(response, max_size)
        return body
    decoder = body_decoder(response.headers)
    if max_size is not None and isinstance(decoder, _Identity):
        declared = _declared_length(response.headers)
        if declared is not None and declared > max_size:
            raise BodyTooLarge(response, max_size)
    parts: list[bytes] = []
    size = 0
    # httpx's aiter_raw is an async generator: close it, even when the read stops early.
    raw = cast(AsyncGenerator[bytes, None], response.aiter_raw())
    async with contextlib.aclosing(raw) as raw_chunks:
        async for chunk in raw_chunks:
            for piece in decoder.decode(chunk):
                size += len(piece)
                if max_size is not None and size > max_size:
                    raise BodyTooLarge(response, max_size)
                parts.append(piece)
    for piece in decoder.flush():
        size += len(piece)
        if max_size is not None and size > max_size:
            raise BodyTooLarge(response, max_size)
        parts.append(piece)
    body = parts[0] if len(parts) == 1 else b"".join(parts)
    # What httpx's own Response.aread() stores; content, text and json() then read it.
    response._content = body  # pyright: ignore[reportPrivateUsage]
    return body


async def send_and_read(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    auth: Any,
    deadline: float | None,
    max_size: int | None,
    stream: bool = False,
) -> httpx.Response:
    """Send ``request`` and read its whole body, all within ``deadline`` seconds.

    With ``stream``, a 2xx answer is returned as soon as its head has arrived, its body
    unread: it is meant to last, and its reader bounds each chunk instead. Any other
    answer is read whole, so that its error can quote its body.

    The response is closed (its connection dropped when the body was not read to its end)
    on any failure, cancellation or expiry.

    Raises:
        AttemptTimeout: The deadline passed first.
        BodyTooLarge: The body is larger than ``max_size``.
        UndecodableBody: The body does not decode.
        httpx.RequestError: Whatever the transport raised.
    """
    response: httpx.Response | None = None
    with anyio.move_on_after(deadline) as scope:
        try:
            response = await client.send(request, auth=auth, follow_redirects=False, stream=True)
            if not (stream and response.is_success):
                await read_body(response, max_size)
        except BaseException:
            if response is not None:
                with anyio.CancelScope(shield=True):
                    await response.aclose()
            raise
    if scope.cancelled_caught:
        what = "no answer" if stream else "the attempt did not complete"
        raise AttemptTimeout(f"{what} within {deadline:g} s", request=request)
    assert response is not None  # the scope was not cancelled, so send returned
    return response
