"""Run one oversized answer against the client in this process, under a resident-set cap.

``python -m tests.faults.memory_probe WIRE [CASE...]`` runs each case (all by default):
it starts a server thread that sends the case's body, calls ``dags.list()`` through the
wire's transport and event loop, and prints one JSON line: the error raised and the peak
resident set above the baseline, taken from ``VmHWM`` in ``/proc/self/status`` (reset
before each case). A watchdog thread ends the process with
exit status 3 as soon as the resident set grows past the baseline plus the client's
``max_response_size`` plus 64 MiB, so a client that keeps reading is stopped there
instead of taking the machine down.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import json
import os
import struct
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator

import anyio

from airflow_client_async import DEFAULT_MAX_RESPONSE_SIZE, AirflowError, AsyncClient
from tests.support.wire_server import RawHandler, WireServer

MIB = 1024 * 1024

#: What the process may grow by above the cap before the watchdog stops it.
HEADROOM = 64 * MIB

_ZEROS = bytes(MIB)


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _bomb(wbits: int, gib: int) -> Iterator[bytes]:
    """``gib`` GiB of zeros, gzip- or zlib-wrapped (by ``wbits``), made as it is sent.

    Compressing gigabytes takes a minute; after a full flush, though, the compressed form
    of a MiB of zeros is the same bytes every time, so it is made once and repeated (about
    1 KiB per MiB). The trailer's checksum covers every zero, as a real one would.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = compressor.compress(_ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(_ZEROS) + compressor.flush(zlib.Z_FULL_FLUSH)
    yield first
    blocks = gib * 1024 - 1
    for _ in range(blocks // 64):
        yield block * 64
    yield block * (blocks % 64)
    # Only a client that read it all gets here: end the stream with a true trailer.
    ending = compressor.flush(zlib.Z_FINISH)
    gzip = wbits > zlib.MAX_WBITS
    body, _ = ending[: -8 if gzip else -4], ending[-8 if gzip else -4 :]
    checksum = zlib.crc32(b"") if gzip else zlib.adler32(b"")
    for _ in range(gib * 1024):
        checksum = zlib.crc32(_ZEROS, checksum) if gzip else zlib.adler32(_ZEROS, checksum)
    size = gib * 1024 * MIB
    if gzip:
        yield body + struct.pack("<II", checksum, size & 0xFFFFFFFF)
    else:
        yield body + struct.pack(">I", checksum)


def _chunked(
    encoding: str | None, parts: Callable[[], Iterator[bytes]], deadline: float
) -> RawHandler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        if encoding:
            head += f"Content-Encoding: {encoding}\r\n"
        writer.write(head.encode() + b"\r\n")
        for part in parts():
            if writer.is_closing() or time.monotonic() > deadline:
                return
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()

    return handler


def _endless_json() -> Iterator[bytes]:
    """A DAG page that never ends: 2 GiB of ``{"dags": [...`` in 256 KiB chunks."""
    item = b'{"dag_id": "' + b"d" * 200 + b'"},'
    chunk = item * (256 * 1024 // len(item))
    yield b'{"dags": ['
    for _ in range(2 * 1024 * MIB // len(chunk)):
        yield chunk


def _declared_10_gib(deadline: float) -> RawHandler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        size = 10 * 1024 * MIB
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: %d\r\n\r\n" % size)
        sent = 0
        while sent < size and not writer.is_closing() and time.monotonic() < deadline:
            writer.write(_ZEROS)
            sent += len(_ZEROS)
            await writer.drain()

    return handler


def _until_close(deadline: float) -> RawHandler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, _: int) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        )
        parts = _endless_json()
        while not writer.is_closing() and time.monotonic() < deadline:
            writer.write(next(parts))
            await writer.drain()

    return handler


def handler_for(case: str, deadline: float) -> RawHandler:
    """The server side of ``case``."""
    if case == "gzip-bomb":
        return _chunked("gzip", lambda: _bomb(zlib.MAX_WBITS | 16, 4), deadline)
    if case == "deflate-bomb":
        return _chunked("deflate", lambda: _bomb(zlib.MAX_WBITS, 4), deadline)
    if case == "chunked-2GiB":
        return _chunked(None, _endless_json, deadline)
    if case == "content-length-10GiB":
        return _declared_10_gib(deadline)
    if case == "until-close":
        return _until_close(deadline)
    raise SystemExit(f"unknown case {case!r}")


CASES = ["gzip-bomb", "deflate-bomb", "chunked-2GiB", "content-length-10GiB", "until-close"]


def _watch(limit_kib: int, stop: threading.Event) -> None:
    while not stop.wait(0.005):
        rss = _status_kib("VmRSS")
        if rss > limit_kib:
            print(json.dumps({"killed_at_mib": rss / 1024}), flush=True)
            os._exit(3)


def _reset_peak() -> None:
    """Start ``VmHWM`` again from the current resident set (Linux 4.0 and later).

    Memory an earlier case freed is first handed back to the system, so that a case does
    not look smaller by reusing it.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear_refs:
        clear_refs.write("5")


def run_case(wire: str, case: str) -> dict[str, object]:
    """Run one case; return the error raised, the peak above the baseline and the time."""
    deadline = time.monotonic() + 30
    with WireServer(raw_handler=handler_for(case, deadline)) as server:

        async def call() -> dict[str, object]:
            transport = "aiohttp" if wire == "aiohttp" else "httpx"
            async with AsyncClient(
                server.url, transport=transport, max_retries=0, api_version="v1"
            ) as api:
                _reset_peak()
                baseline = _status_kib("VmRSS")
                stop = threading.Event()
                limit = baseline + (DEFAULT_MAX_RESPONSE_SIZE + HEADROOM) // 1024
                watchdog = threading.Thread(target=_watch, args=(limit, stop), daemon=True)
                watchdog.start()
                started = time.monotonic()
                try:
                    await api.dags.list()
                except AirflowError as exc:
                    outcome = type(exc).__name__
                else:
                    outcome = "no error"
                elapsed = time.monotonic() - started
                stop.set()
                peak = _status_kib("VmHWM")
            return {
                "case": case,
                "error": outcome,
                "peak_above_baseline_mib": (peak - baseline) / 1024,
                "seconds": elapsed,
            }

        return anyio.run(call, backend="trio" if wire == "trio" else "asyncio")


def main(wire: str, cases: list[str]) -> None:
    for case in cases:
        print(json.dumps(run_case(wire, case)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or CASES)
