"""A daily DAG with one quick task: backfills over a few days of 2024 finish in seconds."""

from __future__ import annotations

import datetime

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.operators.bash import BashOperator

with DAG(
    dag_id="client_test_backfill",
    description="Daily from 2024-01-01; paused, so only backfills and manual runs run it",
    schedule="@daily",
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    max_active_runs=3,
    tags=["client-test"],
) as dag:
    # A manual run on Airflow 3 may have no logical date, and then no ``ds``.
    BashOperator(
        task_id="report",
        bash_command="echo \"client-test backfill for {{ ds | default('no logical date') }}\"",
    )
