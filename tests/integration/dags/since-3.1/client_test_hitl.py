"""A DAG that waits for a human: an approval task, then a task that runs once approved.

Human-in-the-loop operators exist from Airflow 3.1 with the standard provider. Elsewhere this
file defines no DAG instead of failing to import, so it never shows up as an import error.
"""

from __future__ import annotations

import datetime

from airflow.exceptions import AirflowOptionalProviderFeatureException

try:
    from airflow.providers.standard.operators.bash import BashOperator
    from airflow.providers.standard.operators.hitl import ApprovalOperator
    from airflow.sdk import DAG
except (ImportError, AirflowOptionalProviderFeatureException):
    ApprovalOperator = None

if ApprovalOperator is not None:
    with DAG(
        dag_id="client_test_hitl",
        description="Waits for Approve or Reject, then reports the decision",
        schedule=None,
        start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        catchup=False,
        tags=["client-test"],
    ) as dag:
        approve = ApprovalOperator(
            task_id="approve",
            subject="Ship client-test run {{ run_id }}?",
            body="Approve to run the next task; reject to skip it.",
        )
        approve >> BashOperator(task_id="after_approval", bash_command="echo approved")
