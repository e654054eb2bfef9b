"""Peak memory of iterating a long list, measured in a process of its own.

    python _iterate_child.py BASE_URL COUNT sequential|prefetch PREFETCH v1|v2

Prints one JSON line: ``traced_peak`` (tracemalloc's peak of Python allocations while
iterating, bytes) and ``rss_before``/``rss_after`` (the process's resident set just before
and just after iterating, bytes).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tracemalloc

from clients import ours


async def main(base_url: str, count: int, mode: str, prefetch: int, api: str) -> dict[str, float]:
    client = ours(f"{base_url}/total/{count}", "aiohttp", api)
    try:
        # Pool, session and decoders exist before the measured part starts.
        await client.dags.list(limit=100)
        paginator = client.dags.list(limit=100)
        if mode == "prefetch":
            paginator = paginator.prefetch(prefetch)
        rss_before = _rss()
        tracemalloc.start()
        seen = 0
        async for _ in paginator:
            seen += 1
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = _rss()
    finally:
        await client.aclose()
    if seen != count:
        raise SystemExit(f"iterated {seen} items, expected {count}")
    return {"traced_peak": peak, "rss_before": rss_before, "rss_after": rss_after}


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


if __name__ == "__main__":
    base, count, mode, prefetch = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    api = sys.argv[5] if len(sys.argv) > 5 else "v1"
    print(json.dumps(asyncio.run(main(base, count, mode, prefetch, api))))
