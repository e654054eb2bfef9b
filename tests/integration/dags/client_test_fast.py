"""A one-task DAG that finishes in seconds: the client's trigger-and-wait tests run it."""

from __future__ import annotations

import datetime

try:  # Airflow 3
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.sdk import DAG
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.operators.bash import BashOperator

with DAG(
    dag_id="client_test_fast",
    description="One quick task for trigger, wait and log tests",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
    params={"greeting": "hello"},
) as dag:
    BashOperator(
        task_id="say_hello",
        bash_command='echo "client-test says {{ params.greeting }} from run {{ run_id }}"',
    )
