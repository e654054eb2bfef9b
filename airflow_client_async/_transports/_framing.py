"""Where each response on a kept-alive connection ends, worked out apart from the parser.

A connection is only safe to reuse when the client and the server agree on where the last
response ended. When they may not, the bytes after the client's idea of the end become
the answer to the next request, and every answer after it is shifted by one: that
happened through httpx's transport with a response carrying both ``Transfer-Encoding:
chunked`` and ``Content-Length``, or a ``204`` whose "body" held a second response, and
through aiohttp with a response sent unasked on an idle pooled connection.

Both transports feed :class:`ResponseFraming` every byte they write and read on a
connection. It follows the framing of RFC 9112 strictly and marks the connection
*poisoned*, never to be reused, as soon as anything is ambiguous or out of place:

* a status line or header line that does not parse, an obsolete line folding, a name
  that is not a token, an interim ``101``;
* both ``Transfer-Encoding`` and ``Content-Length``, a transfer coding other than
  ``chunked``, ``Content-Length`` values that disagree or are not numbers, a ``204``
  that declares a body, a body that runs until the connection closes, HTTP/1.0, and
  ``Connection: close``;
* a chunk whose size line or ending does not parse;
* any byte received after the end of the response, before the next request is written
  (the rest of a ``204``, ``304`` or ``HEAD`` answer's "body", a lying ``Content-Length``,
  an unsolicited response while the connection sits in the pool).

Being stricter than the parsers only ever costs a new connection; being laxer could let
a response through as two. It never changes what the parser reads.

Right before a request's first byte goes out on a connection that served one before,
both transports ask :meth:`ResponseFraming.stale` whether it may: a connection poisoned,
or readable while no request is open (the server closed it, or spoke out of turn), fails
the write with :class:`StaleConnection`. Nothing of the request has left then, so the
transport sends it again on another connection, at most :data:`STALE_TRIES` times.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["STALE_TRIES", "ResponseFraming", "StaleConnection"]

#: How many stale pooled connections one request may come across before a new one opens.
STALE_TRIES = 16


class StaleConnection(ConnectionResetError):
    """A reused connection was found closed (or talking) before a byte of the request left.

    A ``ConnectionResetError``, which is what aiohttp expects a failed write to raise;
    httpcore lets it through untouched. Each transport catches it below httpx.
    """


_STATUS_LINE = re.compile(rb"HTTP/1\.([01]) ([1-9][0-9][0-9])(?: [^\r\n]*)?")
_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})(?:;[^\r\n]*)?")
_REQUEST_LINE = re.compile(rb"([!#$%&'*+\-.^_`|~0-9A-Za-z]+) [^ \r\n]+ HTTP/1\.1\r\n")

# Longer heads, chunk size lines or trailer sections than any parser here accepts.
_MAX_HEAD = 256 * 1024
_MAX_LINE = 4096

# States.
_IDLE = 0  # no request outstanding
_HEAD = 1  # a request sent, reading a response head (interim ones included)
_LENGTH = 2  # reading a body of known length
_CHUNK_SIZE_LINE = 3
_CHUNK_DATA = 4
_CHUNK_END = 5  # the CRLF after a chunk's data
_TRAILERS = 6
_POISONED = 7


class ResponseFraming:
    """Tracks one connection's exchanges from its raw bytes; see the module docstring.

    Attributes:
        exchanges: Requests started on this connection so far.
        poisoned: Why the connection must not be reused, or ``None`` while it may be.
    """

    __slots__ = ("_buffer", "_method", "_open", "_remaining", "_state", "exchanges", "poisoned")

    def __init__(self) -> None:
        self._state = _IDLE
        self._open = False
        self._buffer = b""
        self._method = b""
        self._remaining = 0
        self.exchanges = 0
        self.poisoned: str | None = None

    @property
    def request_open(self) -> bool:
        """Whether a request was sent and its response has not ended yet."""
        return self._open

    def starts_request(self, data: bytes) -> bool:
        """Whether writing ``data`` starts a new request: none is open, and it is a request line."""
        return not self._open and _REQUEST_LINE.match(data) is not None

    @property
    def reused(self) -> bool:
        """Whether a request was already sent on this connection."""
        return self.exchanges > 0

    def stale(self, data: bytes, readable: Callable[[], bool]) -> str | None:
        """Why ``data``, about to be written, must not go out on this connection, if so.

        Only a request starting on a connection used before is checked; ``readable`` (is
        there something to read, or the end of the stream?) is asked only then, at the
        last moment, when the kernel knows whether the server closed the connection.

        Args:
            data: The start of the write.
            readable: Asks the socket whether it is readable (or closed).

        Returns:
            The reason the connection is stale, or ``None`` when the write may go ahead.
        """
        if not (self.reused and self.starts_request(data)):
            return None
        if self.poisoned is not None:
            return self.poisoned
        return "closed while idle" if readable() else None

    def poison(self, reason: str) -> None:
        """Mark the connection as never to be reused, for ``reason`` (the first one stays)."""
        if self.poisoned is None:
            self.poisoned = reason
        self._state = _POISONED
        self._buffer = b""

    def sent(self, data: bytes) -> None:
        """Note bytes written: the start of a request when none is open."""
        if self._open or not data:
            return
        match = _REQUEST_LINE.match(data)
        if match is None:
            # After a response that ended before its request was written whole (an
            # early 413), the rest of the body goes out on a connection already done.
            self.poison("bytes were written after the response ended")
            return
        self.exchanges += 1
        self._open = True
        if self._state == _IDLE:
            self._method = match.group(1)
            self._state = _HEAD

    def received(self, data: bytes) -> None:
        """Note bytes read from the server (``b""`` for the end of the stream)."""
        if self._state == _POISONED:
            return
        if not data:
            if self._state != _IDLE:
                self.poison("the connection closed mid-response")
            else:
                self.poison("the server closed the connection")
            return
        if self._state == _IDLE:
            self.poison("the server sent bytes while no request was outstanding")
            return
        while data and self._state not in (_IDLE, _POISONED):
            data = self._step(data)
        if self._state == _IDLE:
            self._open = False
            if data:
                self.poison("the server sent bytes after the end of the response")

    # -- one state at a time; each returns what it did not consume -------------------------

    def _step(self, data: bytes) -> bytes:
        state = self._state
        if state in (_LENGTH, _CHUNK_DATA):
            taken = min(self._remaining, len(data))
            self._remaining -= taken
            if self._remaining == 0:
                self._state = _IDLE if state == _LENGTH else _CHUNK_END
            return data[taken:]
        if state == _HEAD:
            return self._head(data)
        if state == _CHUNK_END:
            return self._chunk_end(data)
        if state == _CHUNK_SIZE_LINE:
            return self._chunk_size(data)
        return self._trailers(data)

    def _until(
        self, data: bytes, end_mark: bytes, limit: int, too_long: str
    ) -> tuple[bytes | None, bytes]:
        """What the buffer and ``data`` hold up to ``end_mark`` (``None`` while incomplete).

        The rest after the mark is returned beside it; more than ``limit`` bytes without
        the mark poison the connection, for ``too_long``.
        """
        # The mark may straddle the previous data and this: search from just before the seam.
        start = max(0, len(self._buffer) - len(end_mark) + 1)
        self._buffer += data
        end = self._buffer.find(end_mark, start)
        if end < 0:
            if len(self._buffer) > limit:
                self.poison(too_long)
            return None, b""
        found, rest = self._buffer[:end], self._buffer[end + len(end_mark) :]
        self._buffer = b""
        return found, rest

    def _head(self, data: bytes) -> bytes:
        head, rest = self._until(data, b"\r\n\r\n", _MAX_HEAD, "the response head is too long")
        if head is not None:
            self._parse_head(head)
        return rest

    def _parse_head(self, head: bytes) -> None:
        lines = head.split(b"\r\n")
        status = _STATUS_LINE.fullmatch(lines[0])
        if status is None:
            self.poison("the status line does not parse")
            return
        minor, code = status.group(1), int(status.group(2))
        lengths: set[bytes] = set()
        codings: list[bytes] = []
        closes = False
        for line in lines[1:]:
            name, colon, value = line.partition(b":")
            if not colon or _TOKEN.fullmatch(name) is None or b"\n" in line or b"\r" in line:
                self.poison("a header line does not parse")
                return
            lowered = name.lower()
            if lowered == b"content-length":
                lengths.update(part.strip() for part in value.split(b","))
            elif lowered == b"transfer-encoding":
                codings.extend(part.strip().lower() for part in value.split(b",") if part.strip())
            elif lowered == b"connection":
                closes = closes or b"close" in (p.strip().lower() for p in value.split(b","))
        if 100 <= code < 200:
            if code == 101:
                self.poison("the server switched protocols")
            # Interim responses have no body; the final one follows.
            return
        if minor == b"0":
            self.poison("an HTTP/1.0 response")
            return
        if closes:
            self.poison("the server closes the connection after this response")
            return
        self._frame_body(code, lengths, codings)

    def _frame_body(self, code: int, lengths: set[bytes], codings: list[bytes]) -> None:
        if codings and lengths:
            self.poison("both Transfer-Encoding and Content-Length")
            return
        if code in (204, 304) or self._method == b"HEAD":
            if code == 204 and (codings or lengths - {b"0"}):
                self.poison("a 204 response that declares a body")
                return
            self._state = _IDLE
            return
        if codings:
            if codings != [b"chunked"]:
                self.poison("a transfer coding other than chunked")
                return
            self._state = _CHUNK_SIZE_LINE
            return
        if lengths:
            if len(lengths) != 1:
                self.poison("Content-Length values that disagree")
                return
            (length,) = lengths
            if not length.isdigit() or len(length) > 18:
                self.poison("a Content-Length that is not a number")
                return
            self._remaining = int(length)
            self._state = _LENGTH if self._remaining else _IDLE
            return
        self.poison("a body that ends when the connection closes")

    def _line(self, data: bytes) -> tuple[bytes | None, bytes]:
        """A CRLF-ended line from the buffer and ``data``, or ``None`` while incomplete."""
        return self._until(data, b"\r\n", _MAX_LINE, "a chunked framing line is too long")

    def _chunk_size(self, data: bytes) -> bytes:
        line, rest = self._line(data)
        if line is None:
            return b""
        match = _CHUNK_SIZE.fullmatch(line)
        if match is None:
            self.poison("a chunk size does not parse")
            return b""
        self._remaining = int(match.group(1), 16)
        self._state = _CHUNK_DATA if self._remaining else _TRAILERS
        return rest

    def _chunk_end(self, data: bytes) -> bytes:
        needed = 2 - len(self._buffer)
        self._buffer += data[:needed]
        rest = data[needed:]
        if len(self._buffer) < 2:
            return b""
        ending, self._buffer = self._buffer, b""
        if ending != b"\r\n":
            self.poison("a chunk does not end where its size says")
            return b""
        self._state = _CHUNK_SIZE_LINE
        return rest

    def _trailers(self, data: bytes) -> bytes:
        line, rest = self._line(data)
        if line is None:
            return b""
        if not line:
            self._state = _IDLE
            return rest
        name, colon, _ = line.partition(b":")
        if not colon or _TOKEN.fullmatch(name) is None:
            self.poison("a trailer line does not parse")
            return b""
        return rest
