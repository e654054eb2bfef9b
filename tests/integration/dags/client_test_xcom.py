"""A DAG whose task pushes XComs: its return value and one under an explicit key."""

from __future__ import annotations

import datetime
from typing import Any

try:  # Airflow 3
    from airflow.sdk import DAG, task
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.decorators import task

with DAG(
    dag_id="client_test_xcom",
    description="Pushes a return value and a keyed XCom",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
) as dag:
    # multiple_outputs=False keeps the dict as one return_value instead of one XCom per key.
    @task(task_id="push", multiple_outputs=False)
    def push(**context: Any) -> dict[str, Any]:
        """Push ``answer`` explicitly and return a small dict (``return_value``)."""
        context["ti"].xcom_push(key="answer", value=42)
        return {"numbers": [1, 2, 3], "text": "client-test"}

    push()
