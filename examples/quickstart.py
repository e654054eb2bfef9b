"""List DAGs, trigger one, follow its task's log while it runs, and wait for the result.

    python examples/quickstart.py [--dag client_test_fast] [--task say_hello]

Against the repo's local server (``scripts/airflow_server.py start``) it needs no
arguments; elsewhere set AIRFLOW_URL, AIRFLOW_USERNAME and AIRFLOW_PASSWORD.
"""

from __future__ import annotations

import argparse
import asyncio

from _settings import airflow_settings

from airflow_client_async import AsyncClient


async def main(dag_id: str, task_id: str) -> int:
    base_url, auth = airflow_settings()
    async with AsyncClient(base_url, auth=auth) as client:
        version = await client.monitoring.version()
        print(f"Airflow {version.version} at {client.base_url}")

        page = await client.dags.list(limit=5, order_by="dag_id")
        print(f"{page.total_entries} DAGs; the first {len(page.items)}:")
        for dag in page.items:
            print(f"  {dag.dag_id:40} paused={dag.is_paused}")

        await client.dags.unpause(dag_id)
        run = await client.dag_runs.trigger(dag_id, conf={"greeting": "hello from the quickstart"})
        print(f"triggered {dag_id} as {run.dag_run_id} ({run.state})")

        # Wait for the task to be scheduled before following its log.
        while True:
            instance = await client.task_instances.get(dag_id, run.dag_run_id, task_id)
            if instance.try_number:
                break
            await asyncio.sleep(0.5)
        print(f"--- log of {task_id}, try {instance.try_number} ---")
        async for text in client.task_instances.follow_log(
            dag_id, run.dag_run_id, task_id, instance.try_number, poll_interval=0.5
        ):
            print(text, end="" if text.endswith("\n") else "\n")
        print("--- end of log ---")

        final = await client.dag_runs.wait(dag_id, run.dag_run_id, timeout=300)
        print(f"{dag_id} {final.dag_run_id} ended: {final.state}")
        return 0 if str(final.state) == "success" else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dag", default="client_test_fast")
    parser.add_argument("--task", default="say_hello")
    args = parser.parse_args()
    raise SystemExit(asyncio.run(main(args.dag, args.task)))
