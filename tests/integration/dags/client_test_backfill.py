"""A daily DAG over 2024 with one quick task: backfills of a few days finish in seconds.

Runs of a paused DAG stay queued, backfill runs included, so backfill tests unpause it; the
schedule ends with 2024, so unpausing it creates no scheduled run of its own.
"""

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
    description="Daily through 2024, for backfills; no scheduled run falls due",
    schedule="@daily",
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    end_date=datetime.datetime(2024, 12, 31, tzinfo=datetime.timezone.utc),
    catchup=False,
    max_active_runs=3,
    tags=["client-test"],
) as dag:
    # A manual run on Airflow 3 may have no logical date, and then no ``ds``.
    BashOperator(
        task_id="report",
        bash_command="echo \"client-test backfill for {{ ds | default('no logical date') }}\"",
    )
