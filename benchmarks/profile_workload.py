"""Profile one workload of the benchmarks with pyinstrument (or cProfile) against the stub.

    benchmarks/.venv/bin/python benchmarks/profile_workload.py fan-out
    benchmarks/.venv/bin/python benchmarks/profile_workload.py health --transport httpx --cprofile

Workloads: ``health`` and ``dags`` (sequential calls), ``fan-out`` (trigger_many),
``iterate`` (every DAG of a long list), ``decode`` (a 100-DAG page, no I/O).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import payloads  # noqa: E402
from clients import ours  # noqa: E402
from run import stub_server  # noqa: E402

WORKLOADS = ("health", "dags", "fan-out", "iterate", "decode")


async def workload(name: str, base_url: str, transport: str, size: int) -> None:
    if name == "decode":
        import httpx

        from airflow_client_async._http import decode_model
        from airflow_client_async.models import DAGCollection

        response = httpx.Response(
            200,
            content=payloads.dag_page(100),
            headers={"Content-Type": "application/json"},
            request=httpx.Request("GET", base_url),
        )
        for _ in range(size):
            decode_model(response, DAGCollection)
        return
    url = f"{base_url}/total/{size * 100}" if name == "iterate" else base_url
    client = ours(url, transport)
    try:
        if name == "health":
            for _ in range(size):
                await client.monitoring.health()
        elif name == "dags":
            for _ in range(size):
                await client.dags.list(limit=100)
        elif name == "fan-out":
            await client.dag_runs.trigger_many(["bench"] * size, max_concurrency=32)
        else:
            async for _ in client.dags.list(limit=100):
                pass
    finally:
        await client.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("workload", choices=WORKLOADS)
    parser.add_argument("--transport", default="aiohttp", choices=("aiohttp", "httpx"))
    parser.add_argument("--size", type=int, default=2000, help="calls, triggers or pages")
    parser.add_argument("--cprofile", action="store_true", help="cProfile instead")
    args = parser.parse_args()
    with stub_server() as base_url:
        # One untimed pass warms the pool and builds the decoders.
        asyncio.run(workload(args.workload, base_url, args.transport, 20))
        run: Any = workload(args.workload, base_url, args.transport, args.size)
        if args.cprofile:
            profiler = cProfile.Profile()
            profiler.enable()
            asyncio.run(run)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(50)
        else:
            from pyinstrument import Profiler

            with Profiler(async_mode="disabled") as profiler:
                asyncio.run(run)
            print(profiler.output_text(unicode=True, show_all=True))


if __name__ == "__main__":
    main()
