"""A DAG whose task logs one line a second for about eight seconds.

Tests follow its log while the task is still running.
"""

from __future__ import annotations

import datetime
import time

try:  # Airflow 3
    from airflow.sdk import DAG, task
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.decorators import task

with DAG(
    dag_id="client_test_slow_log",
    description="Prints a line per second for ~8 s",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
) as dag:

    @task(task_id="tick")
    def tick(count: int = 8) -> int:
        """Print ``count`` numbered lines, one a second."""
        for number in range(1, count + 1):
            print(f"tick {number} of {count}", flush=True)
            time.sleep(1)
        return count

    tick()
