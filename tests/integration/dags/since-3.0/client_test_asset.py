"""Two DAGs joined by an asset with a name and a group (Airflow 3 only).

The producer's task updates the asset; the consumer is scheduled on it, and its task also
declares the asset as an inlet, so the asset lists a consuming task as well as a scheduled DAG.
"""

from __future__ import annotations

import datetime

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG, Asset

CLIENT_TEST_ASSET = Asset(
    name="client_test_asset",
    uri="s3://client-asset/asset",
    group="client_test",
    extra={"owner": "client-test"},
)

with DAG(
    dag_id="client_test_asset_producer",
    description="Updates the asset client_test_asset",
    schedule=None,
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
) as producer:
    BashOperator(
        task_id="produce",
        bash_command="echo producing client_test_asset",
        outlets=[CLIENT_TEST_ASSET],
    )

with DAG(
    dag_id="client_test_asset_consumer",
    description="Runs when the asset client_test_asset is updated",
    schedule=[CLIENT_TEST_ASSET],
    start_date=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
    catchup=False,
    tags=["client-test"],
) as consumer:
    BashOperator(
        task_id="consume",
        bash_command="echo consumed client_test_asset",
        inlets=[CLIENT_TEST_ASSET],
    )
