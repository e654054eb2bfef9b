"""Trigger many DAG runs at once with bounded concurrency, wait for them, report timings.

python examples/fan_out.py [--dag client_test_fast] [--runs 200] [--concurrency 8]

Progress bars come from rich (``pip install 'airflow-client-async[examples]'``).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable

from _settings import airflow_settings
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from airflow_client_async import AsyncClient, RunResult, TriggerRequest


def progress_bar() -> Progress:
    """A live bar per phase: done/total, elapsed time."""
    return Progress(
        TextColumn("  {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )


def advance(progress: Progress, verb: str, total: int) -> Callable[[RunResult], None]:
    """A callback for ``on_result`` that moves a new bar on, counting failures."""
    task = progress.add_task(verb, total=total)
    failed = 0

    def on_result(result: RunResult) -> None:
        nonlocal failed
        failed += not result.ok
        label = f"{verb} ({failed} failed)" if failed else verb
        progress.update(task, advance=1, description=label)

    return on_result


async def main(dag_id: str, runs: int, concurrency: int, wait: bool) -> int:
    base_url, auth = airflow_settings()
    async with AsyncClient(base_url, auth=auth) as client:
        await client.dags.unpause(dag_id)
        requests = [TriggerRequest(dag_id=dag_id, conf={"n": n}) for n in range(runs)]

        started = time.perf_counter()
        with progress_bar() as progress:
            triggered = await client.dag_runs.trigger_many(
                requests,
                max_concurrency=concurrency,
                on_result=advance(progress, "triggered", runs),
            )
        elapsed = time.perf_counter() - started
        ok = [r for r in triggered if r.ok]
        latencies = sorted(r.elapsed * 1000 for r in triggered)
        print(
            f"triggered {len(ok)}/{runs} runs of {dag_id} in {elapsed:.2f} s "
            f"({runs / elapsed:.1f} runs/s, concurrency {concurrency})"
        )
        print(
            f"  per-trigger latency: median {statistics.median(latencies):.1f} ms, "
            f"max {latencies[-1]:.1f} ms"
        )
        for failed in (r for r in triggered if not r.ok):
            print(f"  failed: {failed.dag_run_id}: {failed.error}")

        if wait:
            started = time.perf_counter()
            with progress_bar() as progress:
                finished = await client.dag_runs.wait_many(
                    ok,
                    timeout=600,
                    poll_interval=1.0,
                    on_result=advance(progress, "ended", len(ok)),
                )
            states: dict[str, int] = {}
            for result in finished:
                state = str(result.run.state) if result.ok else f"error: {result.error}"
                states[state] = states.get(state, 0) + 1
            print(f"all ended after {time.perf_counter() - started:.1f} s more: {states}")
        return 0 if len(ok) == runs else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dag", default="client_test_fast")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-wait", action="store_true", help="only trigger, do not wait")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.dag, args.runs, args.concurrency, not args.no_wait)))
