"""A DAG with dynamic task mapping: one task expanded over three items."""

from __future__ import annotations

import datetime

try:  # Airflow 3
    from airflow.sdk import DAG, task
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.decorators import task

with DAG(
    dag_id="client_test_mapped",
    description="A task mapped over three items, then one that sums them",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
) as dag:

    @task(task_id="double")
    def double(item: int) -> int:
        """Return twice ``item``; each map index runs as its own task instance."""
        print(f"doubling {item}")
        return item * 2

    @task(task_id="total")
    def total(values: list[int]) -> int:
        """Sum the mapped results."""
        result = sum(values)
        print(f"total {result}")
        return result

    total(double.expand(item=[1, 2, 3]))
