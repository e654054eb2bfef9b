"""One EmptyOperator: the scheduler ends its runs without running a task (fan-out benchmarks)."""

from __future__ import annotations

import datetime

try:  # Airflow 3
    from airflow.providers.standard.operators.empty import EmptyOperator
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.operators.empty import EmptyOperator

with DAG(
    dag_id="client_test_empty",
    description="Runs that end as soon as the scheduler looks at them",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
) as dag:
    EmptyOperator(task_id="nothing")
